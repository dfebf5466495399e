"""One catalogue shared by every plan: no indicator defined twice, every plan loads."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import wdmonitor
from wdmonitor.units import parse_unit

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def catalogue():
    return wdmonitor.load_indicators()


def test_all_five_plans_are_bundled_and_load():
    assert wdmonitor.list_plans() == [
        "huludao-2021-2030",
        "jinan-2021-2030",
        "qingcheng-2021-2030",
        "taobei-2021-2030",
        "youhao-2021-2025",
    ]
    for plan_id in wdmonitor.list_plans():
        plan = wdmonitor.load_plan(plan_id)
        # one row per target and stated target year (a target without a value has one row)
        assert len(plan.to_frame()) == sum(max(len(t.values), 1) for t in plan.targets), plan_id


def _normalise(name: str) -> str:
    return name.replace("（", "(").replace("）", ")").replace(" ", "")


def test_no_indicator_is_defined_twice_under_different_ids(catalogue):
    # the same Chinese or English name, or an alias that is another indicator's name,
    # would mean one concept under two ids
    zh = Counter(_normalise(i.name_zh) for i in catalogue.values())
    en = Counter(i.name_en.lower() for i in catalogue.values())
    assert [n for n, c in zh.items() if c > 1] == []
    assert [n for n, c in en.items() if c > 1] == []
    names = {_normalise(i.name_zh): i.id for i in catalogue.values()}
    for indicator in catalogue.values():
        for alias in indicator.aliases_zh:
            assert names.get(_normalise(alias), indicator.id) == indicator.id, (indicator.id, alias)
    aliases = Counter(_normalise(a) for i in catalogue.values() for a in i.aliases_zh)
    assert [a for a, c in aliases.items() if c > 1] == []


def test_indicators_several_plans_target_are_one_entry(catalogue):
    used = Counter(i for plan_id in wdmonitor.list_plans() for i in set(wdmonitor.load_plan(plan_id).indicator_ids))
    for shared in (
        "maternal_mortality_ratio",
        "cervical_cancer_screening_rate",
        "female_share_village_committee_members",
        "rural_tap_water_coverage",
    ):
        assert used[shared] == 5, shared


def test_every_catalogue_entry_is_well_formed(catalogue):
    for indicator in catalogue.values():
        assert indicator.id.isascii() and indicator.id == indicator.id.lower()
        assert indicator.definition, indicator.id
        assert indicator.source, indicator.id
        parse_unit(indicator.unit)
        if indicator.unit == "percent":
            assert indicator.natural_limit == 100.0


def test_every_catalogue_indicator_is_used_by_a_plan(catalogue):
    used = {i for plan_id in wdmonitor.list_plans() for i in wdmonitor.load_plan(plan_id).indicator_ids}
    # the national outline targets the tertiary enrolment rate; none of the five local plans does
    assert sorted(set(catalogue) - used) == ["tertiary_gross_enrolment_rate"]


def test_docs_plans_md_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "plans_doc.py"), "--check"], check=False)
    assert result.returncode == 0, "generated docs (plans, indicators) are stale: run python tools/plans_doc.py"
