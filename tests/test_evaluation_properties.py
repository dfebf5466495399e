"""Hypothesis properties of the evaluation, and agreement with the per-series reference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from evaluation_helpers import COUNTIES, NO_DIRECTION, catalogue, make_plan
from reference_attainment import reference_status
from wdmonitor import Target, evaluate
from wdmonitor.evaluation import judge_frame

RANK = {"not_attained": 0, "basically_attained": 1, "attained": 2, "attained_early": 3}
SCREENING = "cervical_cancer_screening_rate"  # percent, higher is better
MMR = "maternal_mortality_ratio"  # per 100k, lower is better, geometric
EMPLOYED = NO_DIRECTION  # percent, no good direction
REGIONS = ["211400", *(c.code for c in COUNTIES[:3])]

levels = st.floats(min_value=1.0, max_value=95.0, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def histories(draw, first=2020, last=2025):
    """A series observed at the baseline year with some later years missing."""
    values = {first: draw(levels)}
    for year in range(first + 1, last + 1):
        if draw(st.booleans()) or year == last:
            values[year] = draw(levels)
    return values


def frame_of(histories_by_region, indicator, sex="female"):
    return pd.DataFrame([
        {"region": region, "year": year, "indicator": indicator, "sex": sex, "area_type": "total", "age_group": "total", "value": value}
        for region, values in histories_by_region.items() for year, value in values.items()
    ])


# -- the vectorised engine agrees with the per-series reference --------------------------------
INSTITUTIONS = "maternal_child_health_institutions"  # a count, higher is better, no sex
TAP_WATER = "rural_tap_water_coverage"  # a coverage share, higher is better, no sex
#: (indicator, kind, direction, geometric, natural limit, sex) for every kind judged on one series
KIND_SPECS = [
    (SCREENING, "at_least", 1, False, 100.0, "female"), (MMR, "at_most", -1, True, None, "female"),
    (INSTITUTIONS, "count", 1, False, None, "total"), (TAP_WATER, "coverage", 1, False, 100.0, "total"),
    (SCREENING, "maintain_at_least", 1, False, 100.0, "female"), (MMR, "maintain_at_most", -1, True, None, "female"),
    (SCREENING, "relative_to_baseline", 1, False, 100.0, "female"), (EMPLOYED, "around", 0, False, 100.0, "female"),
    (SCREENING, "around", 1, False, 100.0, "female"), (MMR, "around", -1, True, None, "female"),
    (EMPLOYED, "band", 0, False, 100.0, "female"), (SCREENING, "increase", 1, False, 100.0, "female"),
    (MMR, "decrease", -1, True, None, "female"),
]
NEAR = [-3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.01, 1.5, 3.0]  # shortfalls in units of the basic threshold


@st.composite
def cases(draw):
    """One target and one to three regions' series, reaching every status of its kind.

    The baseline year may be missing (substituted), a target may state only its final year
    (a milestone at E), the value at E may sit at a multiple of the 基本实现 threshold from a
    target (at, just inside and just outside it) or be missing (provisional, not
    assessable), and an MMR value may come with its counts (the uncertain case).
    """
    indicator, kind, direction, geometric, limit, sex = draw(st.sampled_from(KIND_SPECS))
    year = draw(st.sampled_from([2024, 2025, 2030]))
    extra, band = {}, None
    if kind in ("increase", "decrease"):
        targets = {}
    elif kind == "band":
        band = tuple(sorted(draw(st.lists(levels, min_size=2, max_size=2, unique=True))))
        extra = {"lower": band[0], "upper": band[1]}
        targets = {}
    elif kind == "relative_to_baseline":
        sign = draw(st.sampled_from([1, -1]))
        deltas = [sign * draw(st.floats(1.0, 30.0).map(lambda v: round(v, 1))) for _ in range(2)]
        targets = {2025: deltas[0], 2030: deltas[1]} if draw(st.booleans()) else {2030: deltas[1]}
        extra = {"delta_mode": draw(st.sampled_from(["points", "relative"]))}
    else:
        stated = draw(st.lists(levels, min_size=2, max_size=2))
        targets = {2025: stated[0], 2030: stated[1]} if draw(st.booleans()) else {2030: stated[1]}
    histories_by_region, counts_by_region = {}, {}
    for region in REGIONS[: draw(st.integers(1, 3))]:
        values = {}
        for y in range(2017, year + 1):
            observed = draw(st.booleans()) if y != 2020 else draw(st.integers(0, 9)) < 7
            if observed or y == 2017:
                values[y] = draw(levels)
        at = draw(st.sampled_from([year, year - 1, None]))
        if at is not None and targets and kind not in ("relative_to_baseline",) and values.get(2020) is not None:
            base, goals = values[2020], list(targets.values())
            if list(targets) == [2030] and year < 2030:  # the time-proportional milestone at E
                share = (year - 2020) / 10
                goals.append(base * (goals[0] / base) ** share if geometric else base + (goals[0] - base) * share)
            goal = draw(st.sampled_from(goals))
            unit = max(0.05 * abs(goal - base), 0.005 * abs(goal), 0.01)
            d = direction if direction else 1
            values[at] = max(0.5, round(goal - d * draw(st.sampled_from(NEAR)) * unit, 6))
        if indicator == MMR and draw(st.booleans()):
            data_year = max(values)
            births, deaths = draw(st.integers(1000, 5000)), draw(st.integers(0, 8))
            values[data_year] = deaths / births * 1e5
            counts_by_region[region] = {data_year: (deaths, births)}
        histories_by_region[region] = values
    return {"indicator": indicator, "kind": kind, "direction": direction, "geometric": geometric, "limit": limit,
            "sex": sex, "year": year, "targets": targets, "extra": extra, "band": band,
            "histories": histories_by_region, "counts": counts_by_region}


def reference_of(case, region):
    return reference_status(case["histories"][region], case["kind"], case["targets"], E=case["year"], b=2020,
                            direction=case["direction"], geometric=case["geometric"], natural_limit=case["limit"],
                            delta_mode=case["extra"].get("delta_mode"), band=case["band"],
                            counts=case["counts"].get(region), precision=catalogue()[case["indicator"]].precision)


def case_frame(case):
    parts = []
    for region, values in case["histories"].items():
        part = frame_of({region: values}, case["indicator"], sex=case["sex"])
        counts = case["counts"].get(region, {})
        part["numerator"] = [counts[y][0] if y in counts else np.nan for y in part["year"]]
        part["denominator"] = [counts[y][1] if y in counts else np.nan for y in part["year"]]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


@given(case=cases())
def test_engine_agrees_with_the_per_series_reference(case):
    target = Target(id="p", indicator=case["indicator"], kind=case["kind"], values=case["targets"], **case["extra"])
    table = judge_frame(case_frame(case), make_plan(target), case["year"])
    for region in case["histories"]:
        got = table[table["region"] == region].iloc[0]
        want = reference_of(case, region)
        shown = (region, case, want, got[["baseline", "value", "target", "status", "final_status", "progress",
                                          "progress_class", "ci_lower", "ci_upper"]].to_dict())
        assert got.status == want["status"], shown
        assert got.final_status == want["final_status"], shown
        assert got.baseline_source == want["baseline_source"], shown
        assert (None if pd.isna(got.progress_class) else got.progress_class) == want["progress_class"], shown
        assert bool(got.uncertain) is want["uncertain"], shown
        if want["target_source"] is not None:
            assert got.target_source == want["target_source"], shown
        if math.isnan(want["progress"]):
            assert math.isnan(got.progress), shown
        else:
            assert math.isclose(got.progress, want["progress"], rel_tol=1e-9, abs_tol=1e-12), shown


def _reaches(predicate):
    """A generated case whose reference verdict satisfies ``predicate`` exists (hypothesis.find)."""
    return find(cases(), lambda case: any(predicate(case, r, reference_of(case, r)) for r in case["histories"]),
                settings=settings(max_examples=5000, database=None, phases=[Phase.generate]))  # found, not shrunk


@pytest.mark.parametrize("status", ["attained_early", "attained", "basically_attained", "not_attained", "not_assessable"])
def test_the_generated_cases_reach_every_status(status):
    _reaches(lambda case, region, want: want["status"] == status or want["final_status"] == status)


@pytest.mark.parametrize("kind", [spec[1] for spec in KIND_SPECS])
def test_the_generated_cases_reach_a_verdict_of_every_kind(kind):
    _reaches(lambda case, region, want: case["kind"] == kind and want["status"] != "not_assessable")


@pytest.mark.parametrize(("name", "predicate"), [
    ("substituted baseline", lambda case, region, want: want["baseline_source"] == "substituted" and want["status"] != "not_assessable"),
    ("milestone", lambda case, region, want: want["target_source"] == "milestone"),
    ("uncertain", lambda case, region, want: want["uncertain"]),
    ("basically attained at a milestone", lambda case, region, want: want["target_source"] == "milestone"
     and want["status"] == "basically_attained"),
    ("provisional", lambda case, region, want: want["status"] != "not_assessable" and case["year"] not in case["histories"][region]),
])
def test_the_generated_cases_reach_every_special_case(name, predicate):
    _reaches(predicate)


# -- monotone in the value given the direction ----------------------------------------------------
@given(base=levels, target_value=levels, low=levels, high=levels, kind=st.sampled_from(["at_least", "at_most"]))
def test_status_is_monotone_in_the_value(base, target_value, low, high, kind):
    low, high = sorted((low, high))
    target = Target(id="m", indicator=SCREENING, kind=kind, values={2025: target_value, 2030: target_value})
    plan = make_plan(target)
    statuses = [judge_frame(frame_of({"211400": {2020: base, 2025: v}}, SCREENING), plan, 2025)["status"].iloc[0] for v in (low, high)]
    lower_rank, higher_rank = (RANK[s] for s in statuses)
    assert (higher_rank >= lower_rank) if kind == "at_least" else (higher_rank <= lower_rank)


# -- mirroring the direction and the values mirrors the status ----------------------------------
@given(history=histories(), targets=st.lists(levels, min_size=2, max_size=2),
       kind=st.sampled_from([("at_least", "at_most"), ("increase", "decrease"), ("maintain_at_least", "maintain_at_most")]))
def test_mirroring_direction_and_values_mirrors_the_status(history, targets, kind):
    valued = kind[0] != "increase"
    values = {2025: targets[0], 2030: targets[1]} if valued else {}
    up = Target(id="u", indicator=SCREENING, kind=kind[0], values=values)
    down = Target(id="u", indicator=SCREENING, kind=kind[1], values={y: -v for y, v in values.items()})
    a = judge_frame(frame_of({"211400": history}, SCREENING), make_plan(up), 2025).iloc[0]
    b = judge_frame(frame_of({"211400": {y: -v for y, v in history.items()}}, SCREENING), make_plan(down), 2025).iloc[0]
    assert (a.status, a.final_status) == (b.status, b.final_status)
    # growth (no numeric target) is a CAGR of levels, which negated levels do not have;
    # the progress ratio of a numeric target is symmetric
    if a.progress_measure == "ratio" and not math.isnan(a.progress):
        assert a.progress_class == b.progress_class
        assert math.isclose(a.progress, b.progress, rel_tol=1e-9)


# -- converting the units of the input leaves every verdict unchanged -----------------------------
@given(history=histories(), targets=st.lists(st.floats(5, 60).map(lambda v: round(v, 1)), min_size=2, max_size=2))
def test_unit_conversion_leaves_verdicts_unchanged(history, targets):
    target = Target(id="u", indicator=MMR, kind="at_most", values={2025: targets[0], 2030: targets[1]})
    plan = make_plan(target)
    per_100k = frame_of({"211400": history}, MMR).assign(unit="/10万")
    per_10k = per_100k.assign(value=per_100k["value"] / 10, unit="/万")
    columns = ["status", "final_status", "progress_class"]
    a, b = evaluate(per_100k, plan).table, evaluate(per_10k, plan).table
    pd.testing.assert_frame_equal(a[columns], b[columns])
    np.testing.assert_allclose(a["progress"].astype(float), b["progress"].astype(float), rtol=1e-9)


# -- evaluating regions together equals evaluating them one at a time ------------------------------
@given(data=st.lists(histories(), min_size=2, max_size=4), targets=st.lists(levels, min_size=2, max_size=2))
def test_regions_together_equal_regions_one_at_a_time(data, targets):
    plan = make_plan(Target(id="a", indicator=SCREENING, kind="at_least", values={2025: targets[0], 2030: targets[1]}),
                     Target(id="i", indicator=SCREENING, kind="increase"))
    by_region = dict(zip(REGIONS, data, strict=False))
    together = judge_frame(frame_of(by_region, SCREENING), plan, 2025).set_index(["target_id", "region"])
    columns = ["status", "final_status", "progress", "progress_class", "value", "target"]
    for region, history in by_region.items():
        alone = judge_frame(frame_of({region: history}, SCREENING), plan, 2025).set_index(["target_id", "region"])
        alone = alone.xs(region, level="region", drop_level=False)
        pd.testing.assert_frame_equal(together.loc[alone.index, columns], alone[columns])
