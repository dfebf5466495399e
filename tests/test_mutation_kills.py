"""Cases that tell the rules apart from the mutants that survived the boundary tests.

Each test here was written against a mutant mutmut generated of a rule function
(``tools/mutation.sh``; ``docs/testing.md`` records the run and the mutants judged
equivalent). The expected values come from the methodology's formulas
(``methodology.md`` §2–§3) and from the engine's documented floating-point allowance: a
value within 10⁻⁹·max(|T|, 1) of its target counts as on it, so a value converted between
units (30.3/10万 sent as 3.03/万) still meets the target; the allowance is relative above
|T| = 1 and absolute below.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from evaluation_helpers import NO_DIRECTION, make_plan
from wdmonitor import Target
from wdmonitor.evaluation import judge_frame
from wdmonitor.rules import DEFAULT_RULES

E, B = 2025, 2020  # evaluation year; the plan's baseline year (make_plan: start 2021)
PRECISION = 4  # reporting precision of every indicator: differences of 10⁻³ are material (§8)
HIGHER = "life_expectancy_female"  # years, higher is better, linear
LOWER = "anaemia_prevalence_pregnant"  # percent, lower is better, linear
BY_SIGN = {1: HIGHER, -1: LOWER}
SIGNS = pytest.mark.parametrize("d", [1, -1], ids=["higher", "lower"])


def allowance(target: float) -> float:
    """The engine's floating-point allowance around ``target``: 10⁻⁹·max(|T|, 1)."""
    return 1e-9 * max(abs(target), 1.0)


def frame(indicator: str, values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"region": "211400", "year": list(values), "indicator": indicator, "sex": "female",
                         "area_type": "total", "age_group": "total", "value": [float(v) for v in values.values()]})


def judged(kind: str, indicator: str, values: dict[int, float], targets: dict[int, float], *,
           rules=DEFAULT_RULES, year: int = E, **extra) -> pd.Series:
    """The jurisdiction's row of a one-target plan, judged at ``year``."""
    target = Target(id="t", indicator=indicator, kind=kind, values=targets, **extra)
    table = judge_frame(frame(indicator, values), make_plan(target, precision=PRECISION), year, rules)
    rows = table[(table["target_id"] == "t") & (table["region"] == "211400")]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# -- the floating-point allowance of "T held in every year" (_meets) ------------------------------
@SIGNS
@pytest.mark.parametrize("target", [0.5, 80.0], ids=["below-1-absolute", "above-1-relative"])
@pytest.mark.parametrize(("times", "held"), [(0.5, True), (1.5, False)])
def test_a_maintained_target_allows_floating_point_noise_and_no_more(d, target, times, held):
    """A year short of T by half the allowance still holds T; by 1.5 times the allowance it does not.

    Pins the allowance 10⁻⁹·max(|T|, 1): its scale (relative, not divided by |T|) and its
    floor of 1 (not 2) below |T| = 1.
    """
    kind = "maintain_at_least" if d > 0 else "maintain_at_most"
    short = target - d * times * allowance(target)
    values = {2020: target, 2021: target + d, 2022: short, 2023: target + d, 2024: target + d, E: target + d}
    r = judged(kind, BY_SIGN[d], values, {E: target})
    assert bool(r.maintained_all_years) is held


# -- the allowance on the 基本实现 threshold (_slack, _shortfall_status) ---------------------------
@SIGNS
@pytest.mark.parametrize("scale", [1.0, 0.01], ids=["above-1-relative", "below-1-absolute"])
@pytest.mark.parametrize(("times", "expected"), [(0.5, "basically_attained"), (1.5, "not_attained")])
def test_the_basic_threshold_allows_floating_point_noise(d, scale, times, expected):
    """s = threshold + ½·allowance is still 基本实现, s = threshold + 1.5·allowance is not."""
    base, target = (70.0 * scale, 80.0 * scale) if d > 0 else (40.0 * scale, 30.0 * scale)
    basic = DEFAULT_RULES.basic_share_of_distance * abs(target - base)
    value = target - d * (basic + times * allowance(target))
    r = judged("at_least" if d > 0 else "at_most", BY_SIGN[d], {B: base, E: value}, {E: target})
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == expected


@pytest.mark.parametrize("reference", [30.0, 0.5], ids=["above-1-relative", "below-1-absolute"])
@pytest.mark.parametrize(("times", "expected"), [(0.5, "attained"), (1.5, "not_attained")])
def test_not_below_the_reference_allows_floating_point_noise(reference, times, expected):
    """relative_to 不低于: a value ½·allowance below the reference R is not below it; 1.5·allowance is."""
    data = pd.concat([frame("female_share_party_congress_delegates", {E: reference - times * allowance(reference)}),
                      frame("female_share_party_members", {E: reference})])
    target = Target(id="t", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation="not_below", area="decision_making")
    table = judge_frame(data, make_plan(target, precision=PRECISION), E, DEFAULT_RULES)
    r = table[(table["target_id"] == "t") & (table["region"] == "211400")].iloc[0]
    assert r.reference_value == reference
    assert r.status == expected


# -- relative_to_baseline: the share of Δ is its own threshold, the reading its own kind's ---------
#: A rule set where the share of Δ and the share of the distance differ (the defaults and the
#: boundary tests' second rule set give them the same number, so one could stand in for the other).
APART = replace(DEFAULT_RULES, name="apart", basic_share_of_delta=0.2, basic_share_of_distance=0.1)


@pytest.mark.parametrize("mode", ["points", "relative"])
@pytest.mark.parametrize(("excess", "expected"), [(-1e-3, "basically_attained"), (1e-3, "not_attained")])
def test_relative_to_baseline_uses_the_share_of_delta_not_of_the_distance(mode, excess, expected):
    """T = y_b + Δ (points) or y_b·(1 + Δ/100) (relative); 基本实现 within basic_share_of_delta·|T − y_b|."""
    base, delta = 50.0, 10.0
    target = base + delta if mode == "points" else base * (1 + delta / 100)
    basic = APART.basic_share_of_delta * abs(target - base)
    r = judged("relative_to_baseline", HIGHER, {B: base, E: target - (basic + excess)}, {E: delta},
               rules=APART, delta_mode=mode)
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == expected


@SIGNS
def test_a_one_sided_target_uses_the_share_of_the_distance_not_of_delta(d):
    base, target = (70.0, 80.0) if d > 0 else (40.0, 30.0)
    basic = APART.basic_share_of_distance * abs(target - base)
    for excess, expected in [(-1e-3, "basically_attained"), (1e-3, "not_attained")]:
        r = judged("at_least" if d > 0 else "at_most", BY_SIGN[d], {B: base, E: target - d * (basic + excess)},
                   {E: target}, rules=APART)
        assert r.threshold == pytest.approx(basic, rel=1e-12)
        assert r.status == expected


@pytest.mark.parametrize("mode", ["points", "relative"])
def test_a_delta_mode_on_another_kind_of_target_is_not_read(mode):
    """Only relative_to_baseline adds Δ to the baseline: an at_least target's value is T itself."""
    r = judged("at_least", HIGHER, {B: 70.0, E: 80.0}, {E: 80.0}, delta_mode=mode)
    assert r.target == 80.0
    assert r.target_source != "baseline_plus_delta"
    assert r.status == "attained"


# -- 已实现 when the value as reported meets the target (methodology §8; _shortfall_status) -------
@SIGNS
@pytest.mark.parametrize(("units", "expected"), [(0.4, "attained"), (0.6, "basically_attained")])
def test_a_shortfall_below_half_a_reported_unit_is_attained(d, units, expected):
    """Short of T by 0.4 of the last reported decimal: shown as T, so 已实现; by 0.6: shown short, 基本实现."""
    unit = 10.0 ** -PRECISION
    base, target = (70.0, 80.0) if d > 0 else (40.0, 30.0)
    r = judged("at_least" if d > 0 else "at_most", BY_SIGN[d], {B: base, E: target - d * units * unit}, {E: target})
    assert r.shortfall == pytest.approx(units * unit, rel=1e-6)
    assert r.status == expected


# -- the columns a rule does not fill are NaN in a float column (_status) -------------------------
def test_a_band_target_has_no_shortfall_threshold_or_annual_changes():
    """Shortfall and 基本实现 threshold belong to one-sided kinds, the annual changes to slower_increase:
    for a 左右 target they are missing values of float columns, as the evaluated table's readers expect."""
    target = Target(id="t", indicator=HIGHER, kind="around", values={E: 80.0})
    table = judge_frame(frame(HIGHER, {B: 78.0, E: 80.0}), make_plan(target, precision=PRECISION), E, DEFAULT_RULES)
    rows = table[table["target_id"] == "t"]
    assert (rows["status"] == "attained").all()
    for column in ["shortfall", "threshold", "pre_baseline_change", "post_baseline_change"]:
        assert rows[column].dtype == "float64", column
        assert rows[column].isna().all(), column


# -- 左右: inside the band as measured or as reported (_status; methodology §2, §8) ----------------
def around_status(target: float, value: float) -> str:
    return judged("around", NO_DIRECTION, {B: target, E: value}, {E: target}).status


@pytest.mark.parametrize("edge", [-1, 1], ids=["lower", "upper"])
def test_a_value_inside_the_band_is_inside_though_it_rounds_outside(edge):
    """T = 33.3333 puts the band's edges T·(1 ± 0.03) between two reported decimals: a value just
    inside an edge (by less than the allowance of 10⁻⁹) is shown outside it, and is still inside."""
    target = 33.3333
    bound = target * (1 + edge * DEFAULT_RULES.around_tolerance)
    value = bound - edge * 0.5e-9
    assert abs(round(value, PRECISION) - bound) > 1e-9  # as shown, it is outside the band
    assert around_status(target, value) == "attained"


@pytest.mark.parametrize("edge", [-1, 1], ids=["lower", "upper"])
def test_a_value_outside_the_band_that_rounds_onto_its_edge_is_inside(edge):
    """T = 40: a value 0.4 of a reported unit beyond an edge is shown on the edge, so inside (§8)."""
    target = 40.0
    bound = target * (1 + edge * DEFAULT_RULES.around_tolerance)
    value = round(bound, PRECISION) + edge * 0.4 * 10.0 ** -PRECISION
    assert abs(value - bound) > 1e-5  # as measured, it is outside the band
    assert around_status(target, value) == "attained"
    assert around_status(target, round(bound, PRECISION) + edge * 0.6 * 10.0 ** -PRECISION) == "not_attained"
