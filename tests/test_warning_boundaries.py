"""Every threshold and comparison of the early-warning rules W1-W5, at its boundary.

Methodology section 4. As in tests/test_rule_boundaries.py, each case is built from the rule's
formula and a ``RuleSet`` field, runs with the defaults and with a rule set whose every
warning number differs, and mirrors the direction (and the sex, where a check is per sex).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evaluation_helpers import COUNTIES, make_plan, with_age_group
from wdmonitor import Target
from wdmonitor.early_warning import flags_for_valid
from wdmonitor.rules import DEFAULT_RULES

AS_OF = 2024
HIGHER = "life_expectancy_female"  # higher is better, linear, no natural limit
LOWER = "anaemia_prevalence_pregnant"  # lower is better, linear
MMR = "maternal_mortality_ratio"  # geometric scale
BOTH = "compulsory_education_retention_rate"  # reported for women and men
GAP = "housework_time_gap"  # a sex gap (hours, an absolute difference) is derived from its two series
BY_SIGN = {1: HIGHER, -1: LOWER}
ONE_SIDED = {1: "at_least", -1: "at_most"}
DELTA = 1e-6
# materiality (methodology §8): half a unit of the last reported decimal is the smallest
# difference that counts; HIGHER, LOWER and GAP (hours) report one decimal, parity two
NIL = DEFAULT_RULES.materiality * 0.1
NIL_GAP = DEFAULT_RULES.materiality * 0.1
NIL_RATIO = DEFAULT_RULES.materiality * 0.01

OTHER = replace(
    DEFAULT_RULES, name="other", w1_none=0.75, w1_alert=0.25, w1_hold_alert_share=0.125, w2_z_threshold=5.0,
    w2_min_changes=5, w2_relative_change=0.25, w4_alert_widening=0.25, stale_after=3, min_points_projection=4,
    parity_band=(0.9, 1.125), hb_min_regions=5, hb_c=2.0,
)
RULES = pytest.mark.parametrize("rules", [DEFAULT_RULES, OTHER], ids=["default", "other"])
SIGNS = pytest.mark.parametrize("d", [1, -1], ids=["higher", "lower"])


def frame(indicator, values, *, sex="female", region="211400"):
    return pd.DataFrame({"region": region, "year": list(values), "indicator": indicator, "sex": sex,
                         "area_type": "total", "age_group": "total", "value": [float(v) for v in values.values()]})


def table_of(result):
    """The flag table, whether the result is the table itself or an object holding it."""
    return getattr(result, "table", result)


def flags(target, data, *, rules=DEFAULT_RULES, as_of=AS_OF, method="trend", check=None, region="211400", **where):
    table = table_of(flags_for_valid(data, make_plan(target), as_of, method=method, rules=rules))
    table = table[table["region"] == region]
    if check is not None:
        table = table[table["check"] == check]
    for name, value in where.items():
        table = table[table[name] == value]
    return table


def severity(table):
    """The only flag's severity, or 'none' when nothing is flagged."""
    assert len(table) <= 1, table
    return table["severity"].iloc[0] if len(table) else "none"


# -- W1: P = d(ŷ_E − y_b)/|T − y_b| against w1_none and w1_alert ----------------------------------
def w1_short(d, share):
    """Baseline 2020 at distance 100 of T (2025); the trend over 2020-2024 reaches y_b + d·100·share in 2025.

    The trend slope is (y_2024 − y_2020)/4 and ŷ_2025 = y_2024 + slope, so y_2024 = y_b + d·80·share.
    """
    base = 0.0 if d > 0 else 100.0
    latest = base + d * 80.0 * share
    values = {2020: base, 2021: base, 2022: base, 2023: base, 2024: latest}
    target = Target(id="w1", indicator=BY_SIGN[d], kind=ONE_SIDED[d], values={2025: base + d * 100.0})
    return target, frame(BY_SIGN[d], values)


@RULES
@SIGNS
@pytest.mark.parametrize(("field", "above", "below"), [("w1_none", "none", "warning"), ("w1_alert", "warning", "alert")])
def test_w1_progress_share_classes_are_closed_below(rules, d, field, above, below):
    threshold = getattr(rules, field)
    for share, expected in [(threshold + DELTA, above), (threshold, above), (threshold - DELTA, below)]:
        target, data = w1_short(d, share)
        table = flags(target, data, rules=rules, check="W1", target_year=2025)
        if len(table):
            assert table["progress_share"].iloc[0] == pytest.approx(share, abs=1e-9)
            assert table["projection"].iloc[0] == pytest.approx((0.0 if d > 0 else 100.0) + d * 100 * share, abs=1e-7)
        assert severity(table) == expected, (field, share)


def w1_hold(d, margin, target=20.0):
    """The baseline already meets T; the trend (slope −d a year) reaches T·(1 − d·margin) in 2025."""
    projected = target * (1 - d * margin)
    latest = projected + d
    values = {2020: latest + 4 * d, 2021: latest + 3 * d, 2022: latest + 2 * d, 2023: latest + d, 2024: latest}
    return Target(id="w1", indicator=BY_SIGN[d], kind=ONE_SIDED[d], values={2025: target}), frame(BY_SIGN[d], values)


@RULES
@SIGNS
def test_w1_holding_a_target_warns_on_any_material_failure_and_alerts_beyond_a_share_of_t(rules, d):
    share = rules.w1_hold_alert_share
    nil = NIL / 20.0  # a miss of half a reporting unit, as a share of T = 20
    cases = [(-DELTA, "none"), (0.0, "none"), (nil - DELTA, "none"), (nil, "warning"), (share, "warning"),
             (share + DELTA, "alert")]
    for margin, expected in cases:
        target, data = w1_hold(d, margin)
        table = flags(target, data, rules=rules, check="W1", target_year=2025)
        assert severity(table) == expected, margin


@RULES
def test_w1_needs_min_points_projection_points(rules):
    needed = rules.min_points_projection
    years = list(range(AS_OF - needed + 1, AS_OF + 1))  # exactly the minimum, inside the trend window
    values = {2020: 0.0, **{y: 10.0 * (i + 1) for i, y in enumerate(years)}} if 2020 not in years else \
        {y: 10.0 * i for i, y in enumerate(years)}
    target = Target(id="w1", indicator=HIGHER, kind="at_least", values={2025: 1000.0})
    data = frame(HIGHER, values)
    enough = {y: v for y, v in values.items() if y in years}
    assert severity(flags(target, frame(HIGHER, enough), rules=rules, check="W1", target_year=2025)) == "alert"
    fewer = {y: v for y, v in enough.items() if y != years[0]}
    assert flags(target, frame(HIGHER, fewer), rules=rules, check="W1").empty
    too_short = flags(target, frame(HIGHER, fewer), rules=rules, check="too_short")
    assert severity(too_short) == "watch"
    assert flags(target, frame(HIGHER, enough), rules=rules, check="too_short").empty
    assert len(data) >= needed


@SIGNS
def test_w1_direction_targets_warn_when_the_projection_is_no_better_than_the_baseline(d):
    kind = "increase" if d > 0 else "decrease"
    target = Target(id="w1", indicator=BY_SIGN[d], kind=kind)
    flat = {2020: 50.0, 2021: 50.0, 2022: 50.0, 2023: 50.0, 2024: 50.0}
    assert severity(flags(target, frame(BY_SIGN[d], flat), check="W1", target_year=2025)) == "warning"
    # ŷ_2025 = y_b + 5/4·(y_2024 − y_b): an improvement smaller than half a reporting unit is none
    nil_better = {**flat, 2024: 50.0 + d * 0.8 * (NIL - DELTA)}
    assert severity(flags(target, frame(BY_SIGN[d], nil_better), check="W1", target_year=2025)) == "warning"
    better = {**flat, 2024: 50.0 + d * 0.8 * NIL}
    assert flags(target, frame(BY_SIGN[d], better), check="W1").empty


@pytest.mark.parametrize("d", [1, -1, 0], ids=["higher", "lower", "none"])
@pytest.mark.parametrize("out", [1, -1], ids=["above", "below"])
def test_w1_band_targets_warn_outside_the_band_except_beyond_on_the_good_side(d, out):
    indicator = {1: HIGHER, -1: LOWER, 0: "housework_time_gap"}[d]  # hours, no good direction
    target = Target(id="w1", indicator=indicator, kind="around", values={2025: 50.0})
    edge = 50.0 * (1 + out * DEFAULT_RULES.around_tolerance)
    values = {2020: 50.0, 2021: 50.0, 2022: 50.0, 2023: 50.0}
    # the trend over 2020-2024 reaches ŷ_2025 = 50 + 5/4·(y_2024 − 50)
    outside = {**values, 2024: 50.0 + (edge + out * (NIL + DELTA) - 50.0) * 4 / 5}
    inside = {**values, 2024: 50.0 + (edge - out * 0.01 - 50.0) * 4 / 5}
    nil_outside = {**values, 2024: 50.0 + (edge + out * (NIL - DELTA) - 50.0) * 4 / 5}  # outside by less than materiality
    assert flags(target, frame(indicator, inside), check="W1", target_year=2025).empty
    assert flags(target, frame(indicator, nil_outside), check="W1", target_year=2025).empty
    expected = "none" if d == out else "warning"
    warned = flags(target, frame(indicator, outside), check="W1", target_year=2025)
    assert severity(warned) == expected
    if expected == "warning":  # judged on its band, and the message says so (no share of a distance)
        lower, upper = 50.0 * (1 - DEFAULT_RULES.around_tolerance), 50.0 * (1 + DEFAULT_RULES.around_tolerance)
        assert warned["message_en"].iloc[0].endswith(f"outside the band [{lower:.1f}, {upper:.1f}]")
        assert f"超出区间[{lower:.1f}, {upper:.1f}]" in warned["message_zh"].iloc[0]
        assert "P=" not in warned["message_en"].iloc[0] + warned["message_zh"].iloc[0]


# -- W2a: modified z-score of the latest change -----------------------------------------------
def changes_frame(earlier, latest, start=100.0, indicator=HIGHER, sex="female"):
    values = [start]
    for change in [*earlier, latest]:
        values.append(values[-1] + change)
    first = AS_OF - len(values) + 1
    return frame(indicator, dict(zip(range(first, AS_OF + 1), values, strict=True)), sex=sex)


def z_case(earlier, z):
    """The latest change whose modified z-score 0.6745(Δ − median)/MAD is ``z``."""
    median = statistics.median(earlier)
    mad = statistics.median(abs(c - median) for c in earlier)
    return median + z * mad / 0.6745


@RULES
@pytest.mark.parametrize("sign", [1, -1], ids=["rise", "fall"])
def test_w2a_flags_a_modified_z_score_above_the_threshold(rules, sign):
    earlier = [float(c) for c in range(1, rules.w2_min_changes + 2)]  # 1, 2, 3 …: median and MAD non-zero
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    for factor, expected in [(1 + 1e-6, "warning"), (1 - 1e-6, "none")]:
        latest = z_case(earlier, sign * rules.w2_z_threshold * factor)
        table = flags(target, changes_frame(earlier, latest, start=1000.0), rules=rules, check="W2a")
        assert severity(table) == expected, (factor, table.get("z_score"))
        if len(table):
            assert table["z_score"].iloc[0] == pytest.approx(sign * rules.w2_z_threshold * factor, rel=1e-3)


@RULES
def test_w2a_needs_w2_min_changes_earlier_changes(rules):
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    enough = [1.0, 2.0] * rules.w2_min_changes
    enough = enough[: rules.w2_min_changes]
    latest = 100.0
    assert severity(flags(target, changes_frame(enough, latest, start=1000.0), rules=rules, check="W2a")) == "warning"
    assert flags(target, changes_frame(enough[1:], latest, start=1000.0), rules=rules, check="W2a").empty


def test_w2a_with_a_zero_mad_scales_the_mean_absolute_deviation_by_sqrt_pi_over_2():
    earlier = [1.0, 1.0, 1.0, 4.0, 4.0]  # median 1, MAD 0, mean absolute deviation 1.2
    spread = math.sqrt(math.pi / 2) * 1.2
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    threshold = DEFAULT_RULES.w2_z_threshold
    for factor, expected in [(1 + 1e-5, "warning"), (1 - 1e-5, "none")]:
        latest = 1.0 + threshold * spread * factor
        table = flags(target, changes_frame(earlier, latest, start=1000.0), check="W2a")
        assert severity(table) == expected, factor


def test_w2a_with_every_earlier_change_equal_flags_any_departure():
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    assert flags(target, changes_frame([1.0] * 5, 1.0, start=1000.0), check="W2a").empty
    assert severity(flags(target, changes_frame([1.0] * 5, 1.01, start=1000.0), check="W2a")) == "warning"


# -- W2b: a year-on-year change of w2_relative_change or more → watch ----------------------------
@RULES
@pytest.mark.parametrize("sign", [1, -1], ids=["rise", "fall"])
@pytest.mark.parametrize("sex", ["female", "male"])
def test_w2b_watches_a_relative_change_of_the_threshold_or_more_for_each_sex(rules, sign, sex):
    target = Target(id="w2", indicator=BOTH, kind="increase", area="education")
    other = "male" if sex == "female" else "female"
    steady = frame(BOTH, {2022: 100.0, 2023: 100.0, 2024: 100.0}, sex=other)
    for factor, expected in [(1.0, "watch"), (1 + 1e-6, "watch"), (1 - 1e-6, "none")]:
        latest = 100.0 * (1 + sign * rules.w2_relative_change * factor)
        moved = frame(BOTH, {2022: 100.0, 2023: 100.0, 2024: latest}, sex=sex)
        table = flags(target, pd.concat([moved, steady]), rules=rules, check="W2b")
        assert severity(table[table["sex"] == sex]) == expected, factor
        assert table[table["sex"] == other].empty
        if len(table):
            assert table["relative_change"].iloc[0] == pytest.approx(rules.w2_relative_change * factor, rel=1e-9)


# -- W2c: Hidiroglou-Berthelot across regions -----------------------------------------------------
def hb_outliers(x0, x1, rules):
    """Statistics Canada's HB effects and outliers, written from the method's definition."""
    ratio = np.asarray(x1) / np.asarray(x0)
    median = np.median(ratio)
    s = np.where(ratio < median, 1 - median / ratio, ratio / median - 1)
    effect = s * np.maximum(x0, x1) ** rules.hb_u
    e_med, q1, q3 = np.median(effect), np.quantile(effect, 0.25), np.quantile(effect, 0.75)
    d_q1 = max(e_med - q1, abs(rules.hb_a * e_med))
    d_q3 = max(q3 - e_med, abs(rules.hb_a * e_med))
    return (effect < e_med - rules.hb_c * d_q1) | (effect > e_med + rules.hb_c * d_q3), effect


def hb_bounds(effect, rules):
    """The two bounds E_med − C·d_Q1 and E_med + C·d_Q3 of the HB effects ``effect``."""
    e_med, q1, q3 = np.median(effect), np.quantile(effect, 0.25), np.quantile(effect, 0.75)
    return np.array([e_med - rules.hb_c * max(e_med - q1, abs(rules.hb_a * e_med)),
                     e_med + rules.hb_c * max(q3 - e_med, abs(rules.hb_a * e_med))])


def hb_frame(x0, x1):
    parts = [frame(HIGHER, {AS_OF - 1: a, AS_OF: b}, region=c.code) for c, a, b in zip(COUNTIES, x0, x1, strict=False)]
    return pd.concat([*parts, frame(HIGHER, {AS_OF - 1: 50.0, AS_OF: 50.0})], ignore_index=True)


@RULES
@settings(max_examples=15)  # each example flags a whole plan
@given(x0=st.lists(st.floats(5.0, 100.0), min_size=4, max_size=6),
       moves=st.lists(st.floats(0.5, 2.0), min_size=6, max_size=6))
def test_w2c_flags_the_regions_the_hidiroglou_berthelot_definition_flags(rules, x0, moves):
    x1 = [a * m for a, m in zip(x0, moves, strict=False)]
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    table = table_of(flags_for_valid(hb_frame(x0, x1), make_plan(target), AS_OF, rules=rules))
    got = set(table.loc[table["check"] == "W2c", "region"])
    if len(x0) < rules.hb_min_regions:
        assert got == set()
        return
    outlier, effect = hb_outliers(x0, x1, rules)
    # an effect within rounding of a bound is a tie (test_w2c_an_effect_exactly_on_its_bound_is_no_outlier)
    assume(not np.isclose(effect, hb_bounds(effect, rules)[:, None], rtol=1e-7, atol=1e-12).any())
    assert got == {c.code for c, o in zip(COUNTIES, outlier, strict=False) if o}
    hb = table[table["check"] == "W2c"].set_index("region")["hb_effect"]
    for c, e in zip(COUNTIES, effect, strict=False):
        if c.code in hb.index:
            assert hb[c.code] == pytest.approx(e, rel=1e-9)


def test_w2c_an_effect_exactly_on_its_bound_is_no_outlier():
    """Methodology §7: an HB outlier lies strictly outside [E_med − C·d_Q1, E_med + C·d_Q3]. Four
    regions at 5 moving to 5, 2.5, 4.0625, 4.0625: ratios 1, 1/2, 13/16, 13/16, median 13/16;
    s = 3/13, −5/8, 0, 0; effects s·√5 (U = 0.5); E_med = 0, Q1 = −5/8 + ¾·5/8 = −5/32 (linear
    quartiles), d_Q1 = 5/32 (A·E_med = 0), so the lower bound 0 − 4·5/32·√5 = −5/8·√5 is exactly
    the second region's effect: on the bound, no outlier, however the floating point rounds."""
    x0, x1 = [5.0] * 4, [5.0, 2.5, 4.0625, 4.0625]
    ratio = [Fraction(b).limit_denominator() / Fraction(a).limit_denominator() for a, b in zip(x0, x1, strict=True)]
    assert sorted(ratio)[1:3] == [Fraction(13, 16)] * 2
    s_low = 1 - Fraction(13, 16) / ratio[1]
    q1 = s_low + Fraction(3, 4) * (0 - s_low)
    assert s_low == -DEFAULT_RULES.hb_c * (0 - q1) == Fraction(-5, 8)  # the tie, in exact arithmetic
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    table = table_of(flags_for_valid(hb_frame(x0, x1), make_plan(target), AS_OF))
    assert table[table["check"] == "W2c"].empty


@pytest.mark.parametrize("rules", [replace(DEFAULT_RULES, hb_min_regions=5), replace(OTHER, hb_min_regions=6)],
                         ids=["five", "six"])
def test_w2c_needs_hb_min_regions_regions(rules):
    # (with linear quartiles, four regions can never hold an HB outlier for C ≥ 1: the
    # extreme value pulls its own quartile, so the default of four is pinned by the
    # methodology-numbers test and the boundary is tested at five and six)
    n = rules.hb_min_regions
    x0 = [50.0] * n
    x1 = [50.0, 51.0, 49.0, 50.5, 49.5, 50.2][: n - 1] + [150.0]
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    table = table_of(flags_for_valid(hb_frame(x0, x1), make_plan(target), AS_OF, rules=rules))
    outlier, _ = hb_outliers(x0, x1, rules)
    assert COUNTIES[n - 1].code in {c.code for c, o in zip(COUNTIES, outlier, strict=False) if o}
    assert set(table.loc[table["check"] == "W2c", "region"]) == {c.code for c, o in zip(COUNTIES, outlier, strict=False) if o}
    fewer = table_of(flags_for_valid(hb_frame(x0[1:], x1[1:]), make_plan(target), AS_OF, rules=rules))
    assert fewer[fewer["check"] == "W2c"].empty


# -- W3: slope and last change in the good direction ------------------------------------------------
@SIGNS
@pytest.mark.parametrize(("moves", "target_offset", "expected"), [
    # a move counts only when it is material (§8): at least half a reporting unit (NIL = 0.05)
    ([1, 1, 1, -NIL], None, "watch"),  # rising trend, a material dip: watch
    ([1, 1, 1, -0.03], None, "none"),  # a 0.03-point dip after a rise is nil
    ([1, 1, 1, 0], None, "none"),  # a rise that stalls has not deteriorated
    ([1, 1, 1, DELTA], None, "none"),
    ([0, 0, 0, 0], None, "none"),  # flat: no move in the wrong direction
    ([1, -1, 1, -1], None, "watch"),  # slope 0 (nil), Δ_L < 0, back at the baseline: a dip, not a trend
    ([3, -1, -1, -0.5], None, "warning"),  # slope and last change in the wrong direction, still above the baseline
    ([0, 0, 0, -0.1], 10.0, "alert"),  # worse than the baseline and failing T
    ([0, 0, 0, -0.03], 10.0, "none"),  # worse by a nil amount: nothing
    ([0, 0, 0, -0.1], -10.0, "warning"),  # worse than the baseline but T still met: no alert
    ([0, 0, 0, -0.1], -0.1, "warning"),  # meeting T exactly is not failing it
])
def test_w3_classes(d, moves, target_offset, expected):
    base = 50.0
    values = {2020: base}
    for year, move in zip(range(2021, 2025), moves, strict=True):
        values[year] = values[year - 1] + d * move
    if target_offset is None:
        target = Target(id="w3", indicator=BY_SIGN[d], kind="increase" if d > 0 else "decrease")
    else:
        target = Target(id="w3", indicator=BY_SIGN[d], kind=ONE_SIDED[d], values={2025: base + d * target_offset})
    assert severity(flags(target, frame(BY_SIGN[d], values), check="W3")) == expected


# -- W4: gap widening, parity leaving its band ------------------------------------------------------
def gap_frame(gaps, male_above=True, high=80.0):
    parts = []
    for sex in ("female", "male"):
        above = (sex == "male") == male_above
        parts.append(frame(GAP, {y: high if above else high - g for y, g in gaps.items()}, sex=sex))
    return pd.concat(parts, ignore_index=True)


@RULES
@pytest.mark.parametrize("male_above", [True, False], ids=["male-above", "female-above"])
def test_w4_gap_wider_than_last_year_and_baseline_warns_and_a_share_wider_than_baseline_alerts(rules, male_above):
    target = Target(id="w4", indicator=GAP, kind="gap_narrowing", gap_between="sex", area="economy")
    base = 10.0
    alert_gap = base * (1 + rules.w4_alert_widening)
    cases = [
        (base, base, "none"),
        (base, base + NIL_GAP, "warning"),  # half a reporting unit (0.1 hour) wider
        (base, base + NIL_GAP - DELTA, "none"),  # wider by a nil amount
        (base + 2 * NIL_GAP, base + NIL_GAP, "none"),  # narrower than last year
        (base, alert_gap - 1e-4, "warning"),
        (base, alert_gap, "alert"),
        (alert_gap + 1, alert_gap, "alert"),  # narrower than last year, still 10% wider than baseline
        (base + 0.5, base + 0.5, "none"),  # as wide as last year: not wider (strict)
        (base - 0.5, base, "none"),  # wider than last year, as wide as at baseline: not wider (strict)
        (base - 0.5, base + NIL_GAP - DELTA, "none"),  # wider than last year, than at baseline by a nil amount
        (base + 0.5, base + 0.5 + NIL_GAP - DELTA, "none"),  # wider than at baseline, than last year by a nil amount
    ]
    for previous, latest, expected in cases:
        table = flags(target, gap_frame({2020: base, 2023: previous, 2024: latest}, male_above), rules=rules, check="W4")
        assert severity(table) == expected, (previous, latest)
        if len(table):
            assert table["gap_latest"].iloc[0] == pytest.approx(latest)
            assert (table["gap_previous"].iloc[0], table["latest_year"].iloc[0]) == (pytest.approx(previous), 2024)
            assert table["relative_change"].iloc[0] == pytest.approx((latest - base) / base)


@RULES
@pytest.mark.parametrize("edge", [0, 1], ids=["lower", "upper"])
def test_w4_parity_leaving_its_closed_band_alerts(rules, edge):
    target = Target(id="w4", indicator="kindergarten_enrolment", kind="parity", area="education")
    bound = rules.parity_band[edge]
    out = 1 if edge == 1 else -1

    def data(previous, latest):
        male = 10000.0
        return with_age_group(pd.concat([
            frame("kindergarten_enrolment", {2020: male, 2023: previous * male, 2024: latest * male}, sex="female"),
            frame("kindergarten_enrolment", {2020: male, 2023: male, 2024: male}, sex="male")], ignore_index=True))

    assert severity(flags(target, data(bound, bound + out * NIL_RATIO), rules=rules, check="W4")) == "alert"
    assert severity(flags(target, data(bound, bound + out * 1e-4), rules=rules, check="W4")) == "none"  # nil (§8)
    assert severity(flags(target, data(1.0, bound), rules=rules, check="W4")) == "none"
    assert severity(flags(target, data(bound + out * 1e-4, bound + out * 2e-4), rules=rules, check="W4")) == "none"


# -- W5: data flags ----------------------------------------------------------------------------------
@RULES
def test_w5_stale_is_older_than_as_of_minus_stale_after(rules):
    target = Target(id="w5", indicator=HIGHER, kind="increase")
    edge = AS_OF - rules.stale_after
    at_edge = flags(target, frame(HIGHER, {2019: 50.0, 2020: 50.0, edge: 51.0}), rules=rules)
    assert at_edge[at_edge["check"] == "stale"].empty
    assert severity(at_edge[at_edge["check"] == "provisional"]) == "none"
    assert at_edge.loc[at_edge["check"] == "provisional", "latest_year"].tolist() == [edge]
    older = flags(target, frame(HIGHER, {2018: 50.0, 2019: 50.0, edge - 1: 51.0}), rules=rules)
    assert severity(older[older["check"] == "stale"]) == "warning"
    assert older[older["check"] == "provisional"].empty
    current = flags(target, frame(HIGHER, {2020: 50.0, AS_OF: 51.0}), rules=rules)
    assert current[current["check"].isin(["stale", "provisional"])].empty


def test_w5_no_data_substituted_baseline_and_zero_in_a_geometric_series():
    target = Target(id="w5", indicator=MMR, kind="at_most", values={2025: 10.0})
    county = COUNTIES[0].code
    table = flags(target, frame(MMR, {2020: 12.0, 2024: 11.0}, region=county), region="211400")
    assert severity(table[table["check"] == "no_data"]) == "alert"
    substituted = flags(target, frame(MMR, {2019: 12.0, 2023: 11.0, 2024: 11.0}))
    assert severity(substituted[substituted["check"] == "baseline_substituted"]) == "watch"
    assert substituted.loc[substituted["check"] == "baseline_substituted", "baseline"].tolist() == [12.0]
    observed = flags(target, frame(MMR, {2019: 13.0, 2020: 12.0, 2024: 11.0}))
    assert observed[observed["check"] == "baseline_substituted"].empty
    zero = flags(target, frame(MMR, {2020: 12.0, 2023: 0.0, 2024: 11.0}))
    assert severity(zero[zero["check"] == "zero_in_geometric"]) == "none"
    positive = flags(target, frame(MMR, {2020: 12.0, 2023: 1e-9, 2024: 11.0}))
    assert positive[positive["check"] == "zero_in_geometric"].empty


# -- W1's probability of meeting T: from the OLS prediction's t distribution -----------------------
@pytest.mark.parametrize("geometric", [False, True], ids=["linear", "geometric"])
@pytest.mark.parametrize("sign", [1, -1], ids=["at-least", "at-most"])
def test_the_probability_of_meeting_t_is_the_ols_prediction_t_probability(geometric, sign):
    import statsmodels.api as sm
    from scipy.stats import t as student

    from wdmonitor.trends import meeting_probability, project

    years = np.array([2020.0, 2021.0, 2022.0, 2023.0, 2024.0])
    values = np.array([16.9, 16.1, 15.7, 15.1, 14.3])
    target = 13.0
    fit = project(values[None, :], years, np.array([2030]), method="ols", geometric=np.array([geometric]))
    got = meeting_probability(fit, np.array([target]), np.array([sign]))
    y = np.log(values) if geometric else values
    model = sm.OLS(y, sm.add_constant(years)).fit()
    prediction = model.get_prediction(np.array([[1.0, 2030.0]]))
    se = math.sqrt(prediction.se_mean[0] ** 2 + model.scale)
    bound = math.log(target) if geometric else target
    want = student.cdf(sign * (prediction.predicted_mean[0] - bound) / se, model.df_resid)
    assert got.dtype == np.float64
    assert got[0] == pytest.approx(want, rel=1e-9)
    # a geometric target of 0 or below has no log: no probability, not an error
    if geometric:
        assert np.isnan(meeting_probability(fit, np.array([0.0]), np.array([sign]))[0])
    # no interval (the trend method) gives no probability
    trend = project(values[None, :], years, np.array([2030]), method="trend", geometric=np.array([geometric]))
    assert np.isnan(meeting_probability(trend, np.array([target]), np.array([sign]))[0])


@pytest.mark.parametrize("male_above", [True, False], ids=["male-above", "female-above"])
def test_w4_compares_with_the_previous_observation_however_far_back(male_above):
    # observed only in 2015 (the first year of the series) and 2024: 2015 is both the previous
    # observation and the substituted baseline; 5% wider warns, below the 10% alert
    target = Target(id="w4", indicator=GAP, kind="gap_narrowing", gap_between="sex", area="economy")
    table = flags(target, gap_frame({2015: 10.0, 2024: 10.5}, male_above), check="W4")
    assert severity(table) == "warning"
    assert (table["gap_previous"].iloc[0], table["gap_baseline"].iloc[0]) == (10.0, 10.0)


def test_w4_finds_each_region_its_own_previous_observation():
    # two counties, the previous observation in different years: each is compared with its own
    target = Target(id="w4", indicator=GAP, kind="gap_narrowing", gap_between="sex", area="economy")
    first, second = COUNTIES[0].code, COUNTIES[1].code
    data = pd.concat([gap_frame({2020: 10.0, 2022: 10.0, 2024: 10.5}).assign(region=first),
                      gap_frame({2020: 10.0, 2023: 10.0, 2024: 10.5}).assign(region=second)], ignore_index=True)
    table = table_of(flags_for_valid(data, make_plan(target), AS_OF))
    w4 = table[table["check"] == "W4"].set_index("region")
    assert w4.loc[[first, second], "severity"].tolist() == ["warning", "warning"]
    assert w4.loc[[first, second], "gap_previous"].tolist() == [10.0, 10.0]


def test_w4_flags_gap_and_parity_series_only_and_each_series_once():
    gap = Target(id="w4", indicator=GAP, kind="gap_narrowing", gap_between="sex", area="economy")
    again = Target(id="w4-again", indicator=GAP, kind="gap_narrowing", gap_between="sex", area="economy")
    rising = Target(id="up", indicator=HIGHER, kind="increase")
    data = pd.concat([gap_frame({2020: 10.0, 2023: 10.0, 2024: 10.5}),
                      frame(HIGHER, {2020: 10.0, 2023: 10.0, 2024: 10.5})], ignore_index=True)
    table = table_of(flags_for_valid(data, make_plan(gap, again, rising), AS_OF))
    w4 = table[table["check"] == "W4"]
    assert w4[["indicator", "region", "severity"]].values.tolist() == [[GAP, "211400", "warning"]]
