"""Hypothesis properties of the evaluation, and agreement with the per-series reference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation_helpers import COUNTIES, make_plan
from reference_attainment import reference_status
from wdmonitor import Target, evaluate
from wdmonitor.evaluation import judge_frame

RANK = {"not_attained": 0, "basically_attained": 1, "attained": 2, "attained_early": 3}
SCREENING = "cervical_cancer_screening_rate"  # percent, higher is better
MMR = "maternal_mortality_ratio"  # per 100k, lower is better, geometric
EMPLOYED = "female_share_employed"  # percent, no good direction
REGIONS = ["211400", *(c.code for c in COUNTIES[:3])]
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

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
KINDS = st.sampled_from([
    (SCREENING, "at_least", 1, False), (MMR, "at_most", -1, True), (SCREENING, "maintain_at_least", 1, False),
    (MMR, "maintain_at_most", -1, True), (EMPLOYED, "around", 0, False), (SCREENING, "around", 1, False),
    (SCREENING, "increase", 1, False), (MMR, "decrease", -1, True),
])


@SETTINGS
@given(kind=KINDS, data=st.lists(histories(), min_size=1, max_size=4), targets=st.lists(levels, min_size=2, max_size=2),
       two_years=st.booleans(), year=st.sampled_from([2024, 2025]))
def test_engine_agrees_with_the_per_series_reference(kind, data, targets, two_years, year):
    indicator, kind_name, direction, geometric = kind
    valued = kind_name not in ("increase", "decrease")
    values = ({2025: targets[0], 2030: targets[1]} if two_years else {2030: targets[1]}) if valued else {}
    target = Target(id="p", indicator=indicator, kind=kind_name, values=values)
    by_region = dict(zip(REGIONS, data, strict=False))
    table = judge_frame(frame_of(by_region, indicator), make_plan(target), year)
    for region, history in by_region.items():
        got = table[table["region"] == region].iloc[0]
        want = reference_status(history, kind_name, values, E=year, b=2020, direction=direction, geometric=geometric)
        assert got.status == want["status"], (region, history, want, got[["baseline", "value", "target", "status", "final_status", "progress", "progress_class"]].to_dict())
        assert got.final_status == want["final_status"], (region, history, want, got[["baseline", "value", "target", "status", "final_status", "progress", "progress_class"]].to_dict())
        assert (None if pd.isna(got.progress_class) else got.progress_class) == want["progress_class"], (region, history, want, got[["baseline", "value", "target", "status", "final_status", "progress", "progress_class"]].to_dict())
        if not math.isnan(want["progress"]):
            assert math.isclose(got.progress, want["progress"], rel_tol=1e-9, abs_tol=1e-12)


# -- monotone in the value given the direction ----------------------------------------------------
@SETTINGS
@given(base=levels, target_value=levels, low=levels, high=levels, kind=st.sampled_from(["at_least", "at_most"]))
def test_status_is_monotone_in_the_value(base, target_value, low, high, kind):
    low, high = sorted((low, high))
    target = Target(id="m", indicator=SCREENING, kind=kind, values={2025: target_value, 2030: target_value})
    plan = make_plan(target)
    statuses = [judge_frame(frame_of({"211400": {2020: base, 2025: v}}, SCREENING), plan, 2025)["status"].iloc[0] for v in (low, high)]
    lower_rank, higher_rank = (RANK[s] for s in statuses)
    assert (higher_rank >= lower_rank) if kind == "at_least" else (higher_rank <= lower_rank)


# -- mirroring the direction and the values mirrors the status ----------------------------------
@SETTINGS
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
@SETTINGS
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
@SETTINGS
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
