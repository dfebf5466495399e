"""Every threshold and comparison of the attainment and progress rules, at its boundary.

Methodology sections 2 and 3. Each case is built in the test from the rule's formula and a
``RuleSet`` field: a value just inside the boundary, one just outside, and the equality case
the methodology specifies (≤ or <). Every test runs with the defaults and with a second rule
set whose every number differs, so a changed default moves the case with it, a number
written into the engine instead of read from the rule set fails the second run, and a
changed comparison fails the equality case. Direction-dependent rules run for higher-is-better
(d = +1), lower-is-better (d = −1) and, where the rule has one, no direction (d = 0).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaluation_helpers import NO_DIRECTION, with_age_group
from evaluation_helpers import make_plan as _make_plan
from reference_attainment import METHOD_RULES
from wdmonitor import Target
from wdmonitor.evaluation import judge_frame
from wdmonitor.rules import DEFAULT_RULES, RuleSet

E, B = 2025, 2020  # evaluation year; the plan's baseline year (make_plan: start 2021)
# The comparisons are pinned at a reporting precision of 4 decimals: DELTA is then a material
# difference (more than half a unit, 0.00005, methodology §8) and far below any threshold.
# The materiality rule itself, at the catalogue's precisions, is tested in test_readings.py.
PRECISION = 4
DELTA = 1e-3


def make_plan(*targets: Target, **options) -> object:
    return _make_plan(*targets, precision=PRECISION, **options)


HIGHER = "life_expectancy_female"  # years, higher is better, linear, no natural limit
LOWER = "anaemia_prevalence_pregnant"  # percent, lower is better, linear
NONE = NO_DIRECTION  # percent, no good direction
SCREENING = "cervical_cancer_screening_rate"  # percent, higher is better, natural limit 100
MMR = "maternal_mortality_ratio"  # per 100k, lower is better, geometric scale
BY_SIGN = {1: HIGHER, -1: LOWER, 0: NONE}
ONE_SIDED = {1: "at_least", -1: "at_most"}

#: A rule set in which every number differs from the default (and every default would be
#: wrong under it), so a threshold hard-coded in the engine fails the second run.
OTHER = replace(
    DEFAULT_RULES, name="other", around_tolerance=0.1, parity_band=(0.9, 1.125), commensurate_tolerance=0.125,
    basic_share_of_distance=0.25, basic_share_of_target=0.0625, basic_share_of_delta=0.25, provisional_lag=2,
    on_track=0.75, acceleration_needed=0.25, substantial_growth=0.04, moderate_growth=0.02,
    natural_limit_exponent=2.0, trend_window=4,
)
RULES = pytest.mark.parametrize("rules", [DEFAULT_RULES, OTHER], ids=["default", "other"])
SIGNS = pytest.mark.parametrize("d", [1, -1], ids=["higher", "lower"])


def frame(indicator, values, *, sex="female", region="211400", numerators=None, denominators=None):
    out = pd.DataFrame({"region": region, "year": list(values), "indicator": indicator, "sex": sex,
                        "area_type": "total", "age_group": "total", "value": [float(v) for v in values.values()]})
    if numerators is not None:
        out["numerator"] = numerators
        out["denominator"] = denominators
    return out


def judged(target, data, year=E, rules=DEFAULT_RULES, sex=None):
    """The jurisdiction's row of the only target, judged at ``year``."""
    table = judge_frame(data, make_plan(target), year, rules)
    rows = table[(table["target_id"] == target.id) & (table["region"] == "211400")]
    if sex is not None:
        rows = rows[rows["sex"] == sex]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def status_at(kind, indicator, values, targets, *, rules=DEFAULT_RULES, year=E, **extra):
    target = Target(id="t", indicator=indicator, kind=kind, values=targets, **extra)
    return judged(target, frame(indicator, values), year, rules)


# -- the defaults are the methodology's numbers -------------------------------------------------
@pytest.mark.parametrize("field", sorted(METHOD_RULES))
def test_each_default_is_the_number_the_methodology_states(field):
    assert getattr(DEFAULT_RULES, field) == METHOD_RULES[field]


def test_the_methodology_numbers_cover_every_threshold_of_the_rule_set():
    fields = set(RuleSet.__dataclass_fields__) - {"name"}
    assert fields == set(METHOD_RULES)


def test_the_other_rule_set_differs_in_every_number_the_boundaries_use():
    used = ["around_tolerance", "parity_band", "commensurate_tolerance", "basic_share_of_distance", "basic_share_of_target",
            "basic_share_of_delta", "provisional_lag", "on_track", "acceleration_needed", "substantial_growth",
            "moderate_growth", "natural_limit_exponent", "trend_window"]
    assert [f for f in used if getattr(OTHER, f) == getattr(DEFAULT_RULES, f)] == []


# -- one-sided: attained s ≤ 0, basically attained 0 < s ≤ share·|T − y_b| ----------------------
def shortfall_case(d, rules):
    """Baseline short of T by 10: the basic threshold is basic_share_of_distance · 10."""
    base = 60.0 if d > 0 else 30.0
    target = base + 10.0 * d
    return base, target, rules.basic_share_of_distance * abs(target - base)


@RULES
@SIGNS
@pytest.mark.parametrize(("offset", "expected"), [
    (-DELTA, "basically_attained"),  # s just above 0
    (0.0, "attained"),  # s = 0: 已实现 (s ≤ 0)
    (DELTA, "attained"),  # beyond the target
])
def test_one_sided_attained_boundary_is_s_at_most_zero(rules, d, offset, expected):
    base, target, _ = shortfall_case(d, rules)
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: target + d * offset}, {E: target}, rules=rules)
    assert r.shortfall == pytest.approx(-offset, abs=1e-12)
    assert r.status == expected


@RULES
@SIGNS
@pytest.mark.parametrize(("excess", "expected"), [
    (-DELTA, "basically_attained"),
    (0.0, "basically_attained"),  # s = threshold: 基本实现 (s ≤ 0.05·|T − y_b|)
    (DELTA, "not_attained"),
])
def test_basically_attained_within_a_share_of_the_distance_from_the_baseline(rules, d, excess, expected):
    base, target, basic = shortfall_case(d, rules)
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: target - d * (basic + excess)}, {E: target}, rules=rules)
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == expected


@RULES
@SIGNS
@pytest.mark.parametrize(("excess", "expected"), [(-DELTA, "basically_attained"), (0.0, "basically_attained"),
                                                  (DELTA, "not_attained")])
def test_baseline_already_meeting_the_target_uses_a_share_of_the_target(rules, d, excess, expected):
    target = 40.0
    base = target + 5.0 * d  # the baseline met T already: no distance to scale by
    basic = rules.basic_share_of_target * target
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: target - d * (basic + excess)}, {E: target}, rules=rules)
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == expected


@RULES
@SIGNS
def test_a_baseline_exactly_at_the_target_already_met_it(rules, d):
    target = 40.0
    basic = rules.basic_share_of_target * target
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: target, E: target - d * basic}, {E: target}, rules=rules)
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == "basically_attained"


@RULES
@SIGNS
@pytest.mark.parametrize(("excess", "expected"), [(-DELTA, "basically_attained"), (0.0, "basically_attained"),
                                                  (DELTA, "not_attained")])
def test_no_baseline_uses_a_share_of_the_target(rules, d, excess, expected):
    target = 40.0
    basic = rules.basic_share_of_target * target
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {E: target - d * (basic + excess)}, {E: target}, rules=rules)
    assert math.isnan(r.baseline)
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == expected


@RULES
@SIGNS
@pytest.mark.parametrize(("excess", "expected"), [(-DELTA, "basically_attained"), (0.0, "basically_attained"),
                                                  (DELTA, "not_attained")])
def test_maintain_uses_a_share_of_the_target_even_with_the_baseline_short(rules, d, excess, expected):
    kind = "maintain_at_least" if d > 0 else "maintain_at_most"
    base, target, _ = shortfall_case(d, rules)
    basic = rules.basic_share_of_target * target
    r = status_at(kind, BY_SIGN[d], {B: base, E: target - d * (basic + excess)}, {E: target}, rules=rules)
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == expected


@pytest.mark.parametrize("d", [1, -1], ids=["maintain_at_least", "maintain_at_most"])
def test_maintained_all_years_needs_every_observed_year_from_the_baseline(d):
    kind = "maintain_at_least" if d > 0 else "maintain_at_most"
    target = 45.0
    held = {2020: target, 2021: target + d, 2022: target, 2023: target + d, 2024: target + d, 2025: target}
    assert bool(status_at(kind, BY_SIGN[d], held, {E: target}).maintained_all_years) is True
    for dip_year in (2020, 2022, 2025):
        dipped = {**held, dip_year: target - d * DELTA}
        assert bool(status_at(kind, BY_SIGN[d], dipped, {E: target}).maintained_all_years) is False, dip_year
    # a dip before the baseline year is outside the window
    earlier = {2019: target - d, **held}
    assert bool(status_at(kind, BY_SIGN[d], earlier, {E: target}).maintained_all_years) is True


@RULES
@pytest.mark.parametrize("mode", ["points", "relative"])
@pytest.mark.parametrize("delta", [10.0, -10.0], ids=["rise", "fall"])
@pytest.mark.parametrize(("excess", "expected"), [(-DELTA, "basically_attained"), (0.0, "basically_attained"),
                                                  (DELTA, "not_attained")])
def test_relative_to_baseline_is_basically_attained_within_a_share_of_delta(rules, mode, delta, excess, expected):
    base = 50.0
    target = base + delta if mode == "points" else base * (1 + delta / 100)
    d = 1 if delta > 0 else -1
    basic = rules.basic_share_of_delta * abs(target - base)
    r = status_at("relative_to_baseline", HIGHER, {B: base, E: target - d * (basic + excess)}, {E: delta},
                  rules=rules, delta_mode=mode)
    assert r.target == pytest.approx(target, rel=1e-12)
    assert r.threshold == pytest.approx(basic, rel=1e-12)
    assert r.status == expected


@pytest.mark.parametrize("mode", ["points", "relative"])
def test_relative_to_baseline_met_exactly_is_attained(mode):
    target = 55.0 if mode == "points" else 50.0 * 1.1
    r = status_at("relative_to_baseline", HIGHER, {B: 50.0, E: target}, {E: 5.0 if mode == "points" else 10.0},
                  delta_mode=mode)
    assert r.status == "attained"
    assert r.target_source == "baseline_plus_delta"


@pytest.mark.parametrize("kind", ["count", "coverage"])
@pytest.mark.parametrize(("offset", "expected"), [(-1.0, "basically_attained"), (0.0, "attained"), (1.0, "attained")])
def test_count_and_coverage_are_judged_as_at_least(kind, offset, expected):
    # baseline 0 of a target 100: the basic threshold is basic_share_of_distance · 100
    indicator = "maternal_child_health_institutions" if kind == "count" else "rural_tap_water_coverage"
    target = Target(id="t", indicator=indicator, kind=kind, values={E: 100.0})
    r = judged(target, frame(indicator, {B: 0.0, E: 100.0 + offset}, sex="total"))
    assert r.sign == 1
    assert r.threshold == pytest.approx(DEFAULT_RULES.basic_share_of_distance * 100)
    assert r.status == expected


# -- the value used: at E, else within the provisional lag -------------------------------------
@RULES
@SIGNS
def test_a_value_within_the_provisional_lag_stands_in_for_e(rules, d):
    base, target, _ = shortfall_case(d, rules)
    last = E - rules.provisional_lag
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, last: target}, {E: target}, rules=rules)
    assert (r.status, r.data_year, bool(r.provisional)) == ("attained", last, True)
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, last - 1: target}, {E: target}, rules=rules)
    assert r.status == "not_assessable"
    assert math.isnan(r.data_year)
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: target}, {E: target}, rules=rules)
    assert (r.data_year, bool(r.provisional)) == (E, False)


# -- the baseline: observed, else the latest before b, else the earliest after b before the data year
@SIGNS
def test_a_missing_baseline_is_substituted_by_the_latest_earlier_then_the_earliest_later(d):
    base, target, _ = shortfall_case(d, DEFAULT_RULES)
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {2018: base - d, 2019: base, 2021: base + d, E: target}, {E: target})
    assert (r.baseline, r.baseline_data_year, r.baseline_source) == (base, 2019, "substituted")
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {2022: base, 2023: base + d, E: target}, {E: target})
    assert (r.baseline, r.baseline_data_year, r.baseline_source) == (base, 2022, "substituted")
    # the data year itself never stands in for the baseline
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {E: target}, {E: target})
    assert r.baseline_source == "missing"
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, 2019: base - d, E: target}, {E: target})
    assert (r.baseline, r.baseline_source) == (base, "observed")


# -- milestones (序时进度) and 提前实现 ----------------------------------------------------------
@pytest.mark.parametrize(("d", "geometric"), [(1, False), (-1, False), (-1, True)],
                         ids=["higher-linear", "lower-linear", "lower-geometric"])
def test_the_midterm_milestone_is_time_proportional(d, geometric):
    indicator = MMR if geometric else BY_SIGN[d]
    base, final = (30.0, 15.0) if d < 0 else (20.0, 40.0)
    share = (E - B) / (2030 - B)
    milestone = base * (final / base) ** share if geometric else base + (final - base) * share
    for offset, expected in [(0.0, "attained"), (DELTA, "attained"), (-DELTA, "basically_attained")]:
        r = status_at(ONE_SIDED[d], indicator, {B: base, E: milestone + d * offset}, {2030: final})
        assert r.target_source == "milestone"
        assert r.target == pytest.approx(milestone, rel=1e-12)
        assert r.threshold == pytest.approx(DEFAULT_RULES.basic_share_of_distance * abs(milestone - base), rel=1e-9)
        assert r.status == expected, (offset, r.to_dict())


@SIGNS
def test_a_baseline_already_meeting_the_final_target_makes_it_the_milestone(d):
    final = 40.0
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: final + d, E: final}, {2030: final})
    assert (r.target, r.target_source) == (final, "next_target")
    assert r.status in ("attained", "attained_early")


@RULES
@SIGNS
@pytest.mark.parametrize(("excess", "final_status"), [
    (-DELTA, "basically_attained"), (0.0, "basically_attained"), (DELTA, "not_attained"),
])
def test_the_final_target_beside_the_midterm_status(rules, d, excess, final_status):
    base = 60.0 if d > 0 else 30.0
    mid, final = base + 5.0 * d, base + 10.0 * d
    final_basic = rules.basic_share_of_distance * abs(final - base)
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: final - d * (final_basic + excess)}, {E: mid, 2030: final},
                  rules=rules)
    assert r.status == "attained"
    assert r.final_target_value == final
    assert r.final_status == final_status


@RULES
@SIGNS
def test_the_final_target_with_the_baseline_already_past_it_uses_a_share_of_it(rules, d):
    final = 40.0
    base, mid = final + 10.0 * d, final + 5.0 * d
    final_basic = rules.basic_share_of_target * final
    for excess, expected in [(0.0, "basically_attained"), (DELTA, "not_attained")]:
        r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: final - d * (final_basic + excess)}, {E: mid, 2030: final},
                      rules=rules)
        assert r.final_status == expected, excess


@SIGNS
@pytest.mark.parametrize(("offset", "expected"), [(0.0, "attained_early"), (DELTA, "attained_early"), (-DELTA, "attained")])
def test_attained_early_when_the_final_target_is_met_at_e(d, offset, expected):
    base = 60.0 if d > 0 else 30.0
    mid, final = base + 5.0 * d, base + 10.0 * d
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: final + d * offset}, {E: mid, 2030: final})
    assert r.status == expected
    assert r.final_status == ("attained_early" if expected == "attained_early" else "basically_attained")


@SIGNS
def test_attained_early_also_with_a_milestone(d):
    base = 60.0 if d > 0 else 30.0
    final = base + 10.0 * d
    r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: final}, {2030: final})
    assert (r.target_source, r.status, r.final_status) == ("milestone", "attained_early", "attained_early")


@pytest.mark.parametrize("kind", ["maintain_at_least", "increase"])
def test_only_milestone_kinds_can_be_attained_early(kind):
    targets = {E: 40.0, 2030: 50.0} if kind == "maintain_at_least" else {}
    r = status_at(kind, HIGHER, {B: 30.0, E: 60.0}, targets)
    assert r.status == "attained"
    assert r.final_status == "attained"


def test_relative_to_baseline_can_be_attained_early_against_its_final_delta():
    target = Target(id="t", indicator=HIGHER, kind="relative_to_baseline", values={E: 5.0, 2030: 10.0}, delta_mode="points")
    assert judged(target, frame(HIGHER, {B: 50.0, E: 60.0})).status == "attained_early"
    assert judged(target, frame(HIGHER, {B: 50.0, E: 60.0 - DELTA})).status == "attained"


# -- around: T·(1 ± tolerance); beyond the band on the good side counts --------------------------
@RULES
@pytest.mark.parametrize("d", [1, -1, 0], ids=["higher", "lower", "none"])
@pytest.mark.parametrize("edge", ["upper", "lower"])
@pytest.mark.parametrize("tolerance", [None, 0.05], ids=["rule-set", "stated"])
def test_around_band_edges_and_the_good_side(rules, d, edge, tolerance):
    target = 45.0
    tol = rules.around_tolerance if tolerance is None else tolerance
    bound = target * (1 + tol) if edge == "upper" else target * (1 - tol)
    out = 1 if edge == "upper" else -1  # the direction leaving the band at this edge

    def at(value):
        return status_at("around", BY_SIGN[d], {B: target, E: value}, {E: target}, rules=rules, tolerance=tolerance)

    inside = at(bound - out * DELTA)
    assert inside.status == "attained"
    assert (inside.band_lower, inside.band_upper) == pytest.approx((target * (1 - tol), target * (1 + tol)), rel=1e-12)
    assert at(bound).status == "attained"  # the band is closed
    beyond = at(bound + out * DELTA)
    good_side = d == out
    assert beyond.status == ("attained" if good_side else "not_attained")
    assert beyond.distance == pytest.approx(0.0 if good_side else DELTA, abs=1e-9)


# -- parity and band: closed intervals ----------------------------------------------------------
def parity_frame(ratio, *, male=10000.0, female_first=True):
    female = ratio * male
    parts = [frame("kindergarten_enrolment", {E: female}, sex="female"), frame("kindergarten_enrolment", {E: male}, sex="male")]
    return with_age_group(pd.concat(parts if female_first else parts[::-1], ignore_index=True))


@RULES
@pytest.mark.parametrize("edge", [0, 1], ids=["lower", "upper"])
@pytest.mark.parametrize("female_first", [True, False], ids=["female-rows-first", "male-rows-first"])
def test_parity_band_is_closed(rules, edge, female_first):
    bound = rules.parity_band[edge]
    out = 1 if edge == 1 else -1
    target = Target(id="p", indicator="kindergarten_enrolment", kind="parity", area="education")
    for ratio, expected in [(bound - out * 1e-4, "attained"), (bound, "attained"), (bound + out * 1e-4, "not_attained")]:
        r = judged(target, parity_frame(ratio, female_first=female_first), rules=rules)
        assert r.value == pytest.approx(ratio, rel=1e-12)
        assert r.status == expected, (ratio, r.to_dict())


def test_a_ratio_is_female_over_male_not_male_over_female():
    target = Target(id="p", indicator="kindergarten_enrolment", kind="parity", area="education")
    data = with_age_group(pd.concat([frame("kindergarten_enrolment", {E: 9000.0}, sex="female"),
                                     frame("kindergarten_enrolment", {E: 10000.0}, sex="male")]))
    assert judged(target, data).value == pytest.approx(0.9)


@pytest.mark.parametrize(("value", "expected"), [
    (0.99, "attained"), (0.95, "attained"), (1.05, "attained"), (0.95 - DELTA, "not_attained"), (1.05 + DELTA, "not_attained"),
])
def test_band_is_closed(value, expected):
    target = Target(id="b", indicator=NONE, kind="band", lower=0.95, upper=1.05)
    r = judged(target, frame(NONE, {B: 1.0, E: value}))
    assert r.status == expected
    assert r.distance == pytest.approx(max(0.95 - value, value - 1.05, 0.0), abs=1e-12)


# -- increase / decrease / gap_narrowing: strict ---------------------------------------------------
@SIGNS
@pytest.mark.parametrize(("move", "expected"), [(DELTA, "attained"), (0.0, "not_attained"), (-DELTA, "not_attained")])
def test_a_direction_target_needs_a_strict_move_the_right_way(d, move, expected):
    kind = "increase" if d > 0 else "decrease"
    r = status_at(kind, BY_SIGN[d], {B: 40.0, E: 40.0 + d * move}, {})
    assert r.status == expected


@pytest.mark.parametrize("male_higher", [True, False], ids=["male-above", "female-above"])
@pytest.mark.parametrize(("change", "expected"), [(-DELTA, "attained"), (0.0, "not_attained"), (DELTA, "not_attained")])
def test_a_sex_gap_narrows_only_when_strictly_smaller(male_higher, change, expected):
    gap_b, gap_e = 13.0, 13.0 + change
    high_b, high_e = 75.0, 74.0

    def rows(high, gap):
        female, male = (high - gap, high) if male_higher else (high, high - gap)
        return female, male

    (fb, mb), (fe, me) = rows(high_b, gap_b), rows(high_e, gap_e)
    # hours of housework: a sex gap judged on the difference (money gaps are judged relative to men's, test_readings)
    data = pd.concat([frame("housework_time_gap", {B: fb, E: fe}, sex="female"),
                      frame("housework_time_gap", {B: mb, E: me}, sex="male")])
    target = Target(id="g", indicator="housework_time_gap", kind="gap_narrowing", gap_between="sex", area="family")
    r = judged(target, data)
    assert (r.baseline, r.value) == pytest.approx((gap_b, gap_e), abs=1e-9)
    assert r.status == expected


# -- slower_increase: the mean annual change since b below the one before b, or a fall ----------
@RULES
@pytest.mark.parametrize(("post", "expected"), [
    (1.0 - 1e-4, "attained"), (1.0, "not_attained"), (1.0 + 1e-4, "not_attained"),
])
def test_slower_increase_needs_a_strictly_smaller_annual_change(rules, post, expected):
    first = B - rules.trend_window
    values = {first: 20.0, B: 20.0 + 1.0 * rules.trend_window, E: 20.0 + rules.trend_window + post * (E - B)}
    r = status_at("slower_increase", LOWER, values, {}, rules=rules)
    assert r.pre_baseline_change == pytest.approx(1.0)
    assert r.post_baseline_change == pytest.approx(post)
    assert r.status == expected


def test_slower_increase_counts_a_fall_even_after_a_steeper_fall():
    values = {2015: 30.0, B: 20.0, E: 19.0}  # −2 a year before b, −0.2 after: a fall
    r = status_at("slower_increase", LOWER, values, {})
    assert (r.pre_baseline_change, r.post_baseline_change) == pytest.approx((-2.0, -0.2))
    assert r.status == "attained"
    flat = status_at("slower_increase", LOWER, {2015: 30.0, B: 20.0, E: 20.0}, {})
    assert flat.status == "not_attained"  # no change is not a fall, and 0 > −2


@RULES
def test_slower_increase_looks_back_trend_window_years_and_no_further(rules):
    inside = status_at("slower_increase", LOWER, {B - rules.trend_window: 10.0, B: 20.0, E: 21.0}, {}, rules=rules)
    assert inside.status == "attained"
    outside = status_at("slower_increase", LOWER, {B - rules.trend_window - 1: 10.0, B: 20.0, E: 21.0}, {}, rules=rules)
    assert outside.status == "not_assessable"


# -- relative_to: not below (≥) or commensurate (within ±3% of R) ---------------------------------
def relative_frame(value, reference):
    return pd.concat([frame("female_share_party_congress_delegates", {E: value}),
                      frame("female_share_party_members", {E: reference})])


@pytest.mark.parametrize(("offset", "expected"), [(DELTA, "attained"), (0.0, "attained"), (-DELTA, "not_attained")])
def test_relative_to_not_below_is_greater_or_equal(offset, expected):
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation="not_below", area="decision_making")
    r = judged(target, relative_frame(30.0 + offset, 30.0))
    assert r.reference_value == 30.0
    assert r.status == expected


@RULES
@pytest.mark.parametrize("side", [1, -1], ids=["above", "below"])
@pytest.mark.parametrize(("excess", "expected"), [(-DELTA, "attained"), (0.0, "attained"), (DELTA, "not_attained")])
def test_relative_to_commensurate_is_within_the_tolerance_on_both_sides(rules, side, excess, expected):
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation="commensurate", area="decision_making")
    reference = 32.0
    value = reference + side * (rules.commensurate_tolerance * reference + excess)
    r = judged(target, relative_frame(value, reference), rules=rules)
    assert r.status == expected


# -- progress ratio R and its classes -------------------------------------------------------------
def ratio_case(d, ratio):
    """Baseline 2020, latest 2025, target 2030 at distance 10: R = d(y_L − y_b)/5 / (10/10)."""
    base = 40.0
    return base, base + 10.0 * d, base + d * ratio * 5.0


@RULES
@SIGNS
@pytest.mark.parametrize(("field", "above", "below"), [
    ("on_track", "on_track", "acceleration_needed"),
    ("acceleration_needed", "acceleration_needed", "limited_progress"),
    (None, "limited_progress", "deterioration"),  # R = 0
])
def test_progress_ratio_classes_are_closed_below(rules, d, field, above, below):
    threshold = 0.0 if field is None else getattr(rules, field)
    for ratio, expected in [(threshold + 1e-6, above), (threshold, above), (threshold - 1e-6, below)]:
        base, final, latest = ratio_case(d, ratio)
        r = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: latest}, {2030: final}, rules=rules)
        assert r.progress == pytest.approx(ratio, abs=1e-9)
        assert r.progress_measure == "ratio"
        if ratio == threshold:  # the equality case: R computed exactly equal to the threshold
            assert r.progress == threshold
        assert r.progress_class == expected, (ratio, r.progress)


@SIGNS
def test_progress_ratio_of_a_geometric_rate_is_the_ratio_of_annual_rates(d):
    indicator = MMR if d < 0 else SCREENING
    base, final = (30.0, 15.0) if d < 0 else (20.0, 40.0)
    indicator_is_geometric = indicator == MMR
    needed = (final / base) ** (1 / 10) - 1
    for ratio in (DEFAULT_RULES.on_track + 1e-6, DEFAULT_RULES.on_track - 1e-6):
        if indicator_is_geometric:
            latest = base * (1 + d * ratio * abs(needed)) ** 5
        else:
            latest = base + d * ratio * abs(final - base) / 10 * 5
        r = status_at(ONE_SIDED[d], indicator, {B: base, E: latest}, {2030: final})
        assert r.progress == pytest.approx(ratio, rel=1e-9)
        assert r.progress_class == ("on_track" if ratio > DEFAULT_RULES.on_track else "acceleration_needed")


@SIGNS
def test_target_achieved_when_the_latest_value_meets_the_goal_and_deterioration_when_it_no_longer_does(d):
    base, final = 40.0, 40.0 + 10.0 * d
    assert status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: final}, {2030: final}).progress_class == "target_achieved"
    short = status_at(ONE_SIDED[d], BY_SIGN[d], {B: base, E: final - d * DELTA}, {2030: final})
    assert short.progress_class == "on_track"
    # a baseline that already met the goal, now failing it: deterioration whatever R says
    held = status_at(ONE_SIDED[d], BY_SIGN[d], {B: final + d, E: final - d * DELTA}, {2030: final})
    assert held.progress_class == "deterioration"
    exactly = status_at(ONE_SIDED[d], BY_SIGN[d], {B: final, E: final - d * DELTA}, {2030: final})
    assert exactly.progress_class == "deterioration"


def test_progress_needs_an_observation_after_the_baseline_year():
    r = status_at("at_least", HIGHER, {2019: 40.0, B: 41.0}, {2030: 50.0}, year=E)
    assert (r.status, r.progress_class) == ("not_assessable", None)
    assert math.isnan(r.progress)
    r = status_at("at_least", HIGHER, {B: 41.0, 2021: 41.0}, {2030: 50.0}, year=E)
    assert r.progress == 0.0
    assert r.progress_class == "limited_progress"


# -- growth g with no numeric target, and the natural-limit factor --------------------------------
def growth_values(d, growth, window, level=50.0, latest=E):
    first = latest - window + 1
    return {B: level, first: level, latest: level * (1 + d * growth) ** (latest - first)}


@RULES
@SIGNS
@pytest.mark.parametrize(("field", "above", "below"), [
    ("substantial_growth", "substantial_progress", "moderate_progress"),
    ("moderate_growth", "moderate_progress", "limited_progress"),
    (None, "limited_progress", "deterioration"),
])
def test_growth_classes_are_closed_below(rules, d, field, above, below):
    kind = "increase" if d > 0 else "decrease"
    threshold = 0.0 if field is None else getattr(rules, field)
    for growth, expected in [(threshold + 1e-6, above), (threshold - 1e-6, below)]:
        r = status_at(kind, BY_SIGN[d], growth_values(d, growth, rules.trend_window), {}, rules=rules)
        assert r.progress_measure == "growth"
        assert r.progress == pytest.approx(growth, abs=1e-9)
        assert r.progress_class == expected, (growth, r.progress)
    flat = status_at(kind, BY_SIGN[d], {B: 50.0, E - 1: 50.0, E: 50.0}, {}, rules=rules)
    assert (flat.progress, flat.progress_class) == (0.0, "limited_progress")


@RULES
def test_growth_uses_the_last_trend_window_years_and_no_earlier_one(rules):
    inside = status_at("increase", HIGHER, {B: 50.0, E - rules.trend_window + 1: 50.0, E: 55.0}, {}, rules=rules)
    span = rules.trend_window - 1
    assert inside.progress == pytest.approx(1.1 ** (1 / span) - 1, rel=1e-12)
    outside = status_at("increase", HIGHER, {B: 50.0, E - rules.trend_window: 50.0, E: 55.0}, {}, rules=rules)
    assert math.isnan(outside.progress)


@RULES
@pytest.mark.parametrize("indicator", [HIGHER, LOWER, NONE], ids=["higher", "lower", "none"])
def test_slower_increase_progress_runs_toward_a_lower_level_whatever_the_indicators_direction(rules, indicator):
    """上升趋势减缓 says a rise should slow: the kind is met by a lower path, so its growth is
    g = −CAGR (d = −1) on any indicator, as a gap's narrowing is; an indicator with no good
    direction gives no d of its own (methodology §3, docs/methodology.md)."""
    window = rules.trend_window
    for growth, expected in [(rules.substantial_growth + 1e-6, "substantial_progress"),
                             (rules.moderate_growth - 1e-6, "limited_progress"),
                             (-1e-6, "deterioration")]:
        values = {B - window: 40.0, **growth_values(-1, growth, window)}  # a fall of `growth` a year
        r = status_at("slower_increase", indicator, values, {}, rules=rules)
        cagr = (values[E] / values[E - window + 1]) ** (1 / (window - 1)) - 1
        assert r.progress_measure == "growth"
        assert r.progress == pytest.approx(-cagr, rel=1e-9)
        assert r.progress_class == expected, (indicator, growth, r.progress)


@RULES
def test_growth_thresholds_near_a_natural_limit_are_scaled(rules):
    level = 90.0  # baseline of a percent with a natural limit of 100
    scale = 1 - (level / 100.0) ** rules.natural_limit_exponent
    for growth, expected in [(rules.substantial_growth * scale + 1e-6, "substantial_progress"),
                             (rules.substantial_growth * scale - 1e-6, "moderate_progress"),
                             (rules.moderate_growth * scale - 1e-6, "limited_progress")]:
        r = status_at("increase", SCREENING, growth_values(1, growth, rules.trend_window, level=level), {}, rules=rules)
        assert r.progress == pytest.approx(growth, rel=1e-9)
        assert r.progress_class == expected, growth
    # a lower-is-better rate is not scaled (the factor is for levels approaching a ceiling)
    r = status_at("decrease", LOWER, growth_values(-1, rules.substantial_growth - 1e-6, rules.trend_window, level=level), {},
                  rules=rules)
    assert r.progress_class == "moderate_progress"


def test_growth_from_a_zero_level_is_a_relative_linear_change():
    # from 0 no CAGR exists: (y_L − y_first)/span/|y_first| is undefined too, so no growth
    r = status_at("increase", HIGHER, {B: 0.0, E - 1: 0.0, E: 2.0}, {})
    assert math.isnan(r.progress)
    r = status_at("increase", HIGHER, {B: -4.0, E - 2: -4.0, E: -2.0}, {})
    assert r.progress == pytest.approx((-2.0 + 4.0) / 2 / 4.0)


# -- small numbers: uncertain when the target lies inside the interval (closed) -----------------
def poisson_bounds(deaths, births, level=0.95):
    from scipy.stats import chi2

    alpha = 1 - level
    lower = chi2.ppf(alpha / 2, 2 * deaths) / 2 if deaths > 0 else 0.0
    upper = chi2.ppf(1 - alpha / 2, 2 * deaths + 2) / 2
    scale = 1e5 / births
    return lower * scale, upper * scale


@pytest.mark.parametrize("edge", ["lower", "upper"])
def test_uncertain_when_the_target_lies_in_the_closed_interval(edge):
    deaths, births = 2, 3000
    lower, upper = poisson_bounds(deaths, births)
    bound = lower if edge == "lower" else upper
    out = -1 if edge == "lower" else 1
    value = deaths / births * 1e5
    data = frame(MMR, {B: 90.0, E: value}, numerators=[np.nan, deaths], denominators=[np.nan, births])
    for target, expected in [(bound, True), (bound - out * 1e-6, True), (bound + out * 1e-6, False)]:
        r = judged(Target(id="u", indicator=MMR, kind="at_most", values={E: target}), data)
        assert (r.ci_lower, r.ci_upper) == pytest.approx((lower, upper), rel=1e-12)
        assert bool(r.uncertain) is expected, (target, lower, upper)


def test_a_wilson_interval_makes_a_share_uncertain():
    from statsmodels.stats.proportion import proportion_confint

    lower, upper = (100 * b for b in proportion_confint(6, 10, alpha=0.05, method="wilson"))
    data = frame(SCREENING, {B: 40.0, E: 60.0}, numerators=[np.nan, 6], denominators=[np.nan, 10])
    inside = judged(Target(id="u", indicator=SCREENING, kind="at_least", values={E: 70.0}), data)
    assert (inside.ci_lower, inside.ci_upper) == pytest.approx((lower, upper), rel=1e-9)
    assert bool(inside.uncertain) is True
    outside = judged(Target(id="u", indicator=SCREENING, kind="at_least", values={E: upper + 1.0}), data)
    assert bool(outside.uncertain) is False


def test_not_assessable_is_never_uncertain():
    data = frame(MMR, {B: 90.0}, numerators=[2], denominators=[3000])
    r = judged(Target(id="u", indicator=MMR, kind="at_most", values={E: 60.0}), data)
    assert r.status == "not_assessable"
    assert bool(r.uncertain) is False
