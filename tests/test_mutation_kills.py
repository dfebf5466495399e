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

import statistics
from dataclasses import replace

import pandas as pd
import pytest

from evaluation_helpers import NO_DIRECTION, catalogue, make_plan
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


# == early warning: W2 per series (early_warning._volatility_and_deterioration) ====================
# Methodology §4 W2: (a) the latest change's modified z-score 0.6745(Δ_L − median)/MAD against the
# series' own earlier changes, > w2_z_threshold → warning, needing ≥ w2_min_changes earlier changes,
# MAD = 0 falling back to 1.253314 × the mean absolute deviation; (b) |Δ_L|/|y_{L−1}| ≥
# w2_relative_change → watch. Every statistic is the series' own: each case below holds two series
# (the two sexes of one indicator) whose statistics differ, mirrored between the sexes.
AS_OF = 2024
PER_SEX = "compulsory_education_retention_rate"  # reported for women and men, higher is better
SEXES = pytest.mark.parametrize("sex", ["female", "male"])


def other_sex(sex: str) -> str:
    return "male" if sex == "female" else "female"


def change_series(earlier: list[float], latest: float, *, sex: str, start: float = 50.0) -> pd.DataFrame:
    """A series ending in AS_OF whose year-on-year changes are ``earlier`` and then ``latest``."""
    values = [start]
    for change in [*earlier, latest]:
        values.append(values[-1] + change)
    first = AS_OF - len(values) + 1
    return frame(PER_SEX, dict(zip(range(first, AS_OF + 1), values, strict=True))).assign(sex=sex)


def warning_flags(data: pd.DataFrame, check: str, rules=DEFAULT_RULES) -> dict[str, str]:
    """The severity of ``check`` for each sex of the jurisdiction's PER_SEX series ('none' if not flagged)."""
    from wdmonitor.early_warning import flags_for_valid

    target = Target(id="w2", indicator=PER_SEX, kind="increase", area="education")
    table = flags_for_valid(data, make_plan(target), AS_OF, rules=rules)
    table = table[(table["region"] == "211400") & (table["check"] == check)]
    assert not table["sex"].duplicated().any(), table
    found = dict(zip(table["sex"], table["severity"], strict=True))
    return {sex: found.get(sex, "none") for sex in ("female", "male")}


def latest_for(earlier: list[float], z: float) -> float:
    """The latest change whose modified z-score against ``earlier`` is ``z`` (MAD > 0)."""
    median = statistics.median(earlier)
    mad = statistics.median(abs(c - median) for c in earlier)
    return median + z * mad / 0.6745


@SEXES
def test_w2a_counts_each_series_own_earlier_changes(sex):
    """One sex has w2_min_changes earlier changes and is flagged; the other, one fewer, is not,
    however unusual its latest change (the count is per series, not over the table)."""
    n = DEFAULT_RULES.w2_min_changes
    enough = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0][:n]
    fewer = enough[:-1]
    z = 2 * DEFAULT_RULES.w2_z_threshold
    data = pd.concat([change_series(enough, latest_for(enough, z), sex=sex),
                      change_series(fewer, latest_for(fewer, z), sex=other_sex(sex))])
    assert warning_flags(data, "W2a") == {sex: "warning", other_sex(sex): "none"}


@SEXES
def test_w2a_median_and_mad_are_each_series_own(sex):
    """Earlier changes 1…5 (median 3, MAD 1) beside 10…50 (median 30, MAD 10): a latest change at
    1.5 times the threshold against its own series warns, one at half of it does not. Over both
    series the MAD would be 6, and neither would warn."""
    small, large = [1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 20.0, 30.0, 40.0, 50.0]
    threshold = DEFAULT_RULES.w2_z_threshold
    data = pd.concat([change_series(small, latest_for(small, 1.5 * threshold), sex=sex),
                      change_series(large, latest_for(large, 0.5 * threshold), sex=other_sex(sex), start=500.0)])
    assert warning_flags(data, "W2a") == {sex: "warning", other_sex(sex): "none"}


@SEXES
def test_w2a_zero_mad_falls_back_to_each_series_own_mean_absolute_deviation(sex):
    """MAD 0 in both series: 1, 1, 1, 4, 4 (mean absolute deviation 1.2) and 1, 1, 1, 40, 40 (15.6).
    z = (Δ − 1)/(1.253314·mean AD): 1.5 times the threshold warns, half of it does not; over both
    series the mean absolute deviation would be 8.4, and neither would warn."""
    threshold = DEFAULT_RULES.w2_z_threshold
    small, large = [1.0, 1.0, 1.0, 4.0, 4.0], [1.0, 1.0, 1.0, 40.0, 40.0]
    data = pd.concat([change_series(small, 1.0 + 1.5 * threshold * 1.253314 * 1.2, sex=sex),
                      change_series(large, 1.0 + 0.5 * threshold * 1.253314 * 15.6, sex=other_sex(sex), start=500.0)])
    assert warning_flags(data, "W2a") == {sex: "warning", other_sex(sex): "none"}


@pytest.mark.parametrize(("factor", "expected"), [(1 + 1e-3, "warning"), (1 - 1e-3, "none")])
def test_w2a_below_a_spread_of_one_is_still_the_modified_z_score(factor, expected):
    """Earlier changes 0.1…0.5 (MAD 0.1, so MAD/0.6745 = 0.148 < 1): the z-score is still
    0.6745(Δ − median)/MAD, flagged just above the threshold and not just below it."""
    earlier = [0.1, 0.2, 0.3, 0.4, 0.5]
    latest = latest_for(earlier, DEFAULT_RULES.w2_z_threshold * factor)
    assert warning_flags(change_series(earlier, latest, sex="female"), "W2a")["female"] == expected


def test_w2a_with_one_earlier_change_measures_against_it():
    """With w2_min_changes = 1 the one earlier change is the median and its MAD is 0 (and so its mean
    absolute deviation): the same change again has z = 0, any other an infinite z."""
    rules = replace(DEFAULT_RULES, name="one-change", w2_min_changes=1)
    assert warning_flags(change_series([1.0], 1.0, sex="female"), "W2a", rules)["female"] == "none"
    assert warning_flags(change_series([1.0], 1.5, sex="female"), "W2a", rules)["female"] == "warning"


def test_w2a_a_change_equal_to_every_earlier_one_has_z_zero_under_any_threshold():
    """Every earlier change 1 and the latest 1: no spread and no deviation, z = 0, not flagged even
    under a threshold below 1; the latest 1.01 has an infinite z and is."""
    rules = replace(DEFAULT_RULES, name="low-z", w2_z_threshold=0.5)
    assert warning_flags(change_series([1.0] * 5, 1.0, sex="female"), "W2a", rules)["female"] == "none"
    assert warning_flags(change_series([1.0] * 5, 1.01, sex="female"), "W2a", rules)["female"] == "warning"


def test_w2a_a_z_score_equal_to_the_threshold_is_not_flagged():
    """The methodology's rule is z > w2_z_threshold. Earlier changes −2, −1, 0, 1, 2 (median 0,
    MAD 1) and a latest change of 5.19: the rule set's threshold is set to that z-score, computed as
    (Δ − median)/(MAD/0.6745); at it, no warning; a hair below it, a warning."""
    earlier, latest = [-2.0, -1.0, 0.0, 1.0, 2.0], 5.19
    data = change_series(earlier, latest, sex="female", start=1000.0)
    values = data.sort_values("year")["value"].to_numpy()
    change = values[-1] - values[-2]  # the latest change as the data hold it
    z = (change - 0.0) / (1.0 / 0.6745)
    at = replace(DEFAULT_RULES, name="at-z", w2_z_threshold=float(z))
    below = replace(DEFAULT_RULES, name="below-z", w2_z_threshold=float(z) * (1 - 1e-9))
    assert warning_flags(data, "W2a", at)["female"] == "none"
    assert warning_flags(data, "W2a", below)["female"] == "warning"


@SEXES
@pytest.mark.parametrize("sign", [1, -1], ids=["rise", "fall"])
def test_w2b_measures_the_latest_change_against_the_year_before(sex, sign):
    """y 100, 200, 100, then 100·(1 ± w2_relative_change): the change is w2_relative_change of the year
    before (100), not of the year before that (200), so watch; the other sex, steady, is not."""
    rules = DEFAULT_RULES
    moved = frame(PER_SEX, {2021: 100.0, 2022: 200.0, 2023: 100.0, 2024: 100.0 * (1 + sign * rules.w2_relative_change)})
    steady = frame(PER_SEX, {2021: 100.0, 2022: 200.0, 2023: 100.0, 2024: 100.0})
    data = pd.concat([moved.assign(sex=sex), steady.assign(sex=other_sex(sex))])
    assert warning_flags(data, "W2b", rules) == {sex: "watch", other_sex(sex): "none"}


@pytest.mark.parametrize(("units", "expected"), [(0.4, "none"), (0.6, "flagged")])
def test_w2_a_change_below_half_a_reported_unit_is_never_flagged(units, expected):
    """Methodology §8: a change smaller than half a unit of the last reported decimal is nil. At one
    decimal, after steady years (any departure has an infinite z) a change of 0.04 raises no W2a and,
    from 0.1 (a 40% change), no W2b; a change of 0.06 raises both."""
    unit = 0.1
    change = units * unit
    target = Target(id="w2", indicator=PER_SEX, kind="increase", area="education")
    from wdmonitor.early_warning import flags_for_valid

    steady = frame(PER_SEX, {2019: 50.0, 2020: 50.0, 2021: 50.0, 2022: 50.0, 2023: 50.0, 2024: 50.0 + change})
    small = frame(PER_SEX, {2022: 0.1, 2023: 0.1, 2024: 0.1 + change}).assign(region="211402")
    table = flags_for_valid(pd.concat([steady, small]), make_plan(target, precision=1), AS_OF)
    w2a = table[(table["region"] == "211400") & (table["check"] == "W2a")]
    w2b = table[(table["region"] == "211402") & (table["check"] == "W2b")]
    assert (len(w2a), len(w2b)) == ((0, 0) if expected == "none" else (1, 1))


def test_w2_on_counts_needs_a_p_value_below_count_alpha():
    """Methodology §7: a counted change is a W2 change only when the exact conditional test gives
    p < count_alpha. 0 deaths and then 7, with the same births both years: given N = 7, the 7 are
    binomial with p = 1/2, so P(X ≥ 7) = 2⁻⁷ exactly. With count_alpha = 2⁻⁷ that is not below it
    (no W2b); with count_alpha a little above, it is (W2b from 0)."""
    from wdmonitor.early_warning import flags_for_valid

    births = 3300.0
    deaths = [3.0, 3.0, 3.0, 0.0, 7.0]
    data = pd.DataFrame({"region": "211402", "year": range(2020, 2025), "indicator": "maternal_mortality_ratio",
                         "sex": "female", "area_type": "total", "age_group": "total",
                         "value": [d / births * 1e5 for d in deaths], "numerator": deaths, "denominator": births})
    target = Target(id="mmr", indicator="maternal_mortality_ratio", kind="at_most", values={2025: 10.0})
    p = 0.5 ** 7

    def w2b(alpha):
        rules = replace(DEFAULT_RULES, name="alpha", count_alpha=alpha)
        table = flags_for_valid(data, make_plan(target), AS_OF, rules=rules)
        return table[(table["region"] == "211402") & (table["check"] == "W2b")]

    assert w2b(p).empty
    assert len(w2b(p * (1 + 1e-9))) == 1


@pytest.mark.parametrize("previous", [0.0, 0.02], ids=["zero", "below-half-a-unit"])
def test_w2b_from_zero_states_no_percentage(previous):
    """Methodology §7: a change from 0 is stated as "由0变为x", never as a percentage. A previous value
    of 0, or one below half a reported unit (0.05 at one decimal), then 0.5: W2b is raised from 0 and
    its relative change is missing, not |Δ|/|y_{L−1}|."""
    from wdmonitor.early_warning import flags_for_valid

    target = Target(id="w2", indicator=PER_SEX, kind="increase", area="education")
    data = frame(PER_SEX, {2022: previous, 2023: previous, 2024: 0.5})
    table = flags_for_valid(data, make_plan(target, precision=1), AS_OF)
    w2b = table[(table["region"] == "211400") & (table["check"] == "W2b")]
    assert len(w2b) == 1
    assert pd.isna(w2b["relative_change"].iloc[0])
    assert "由0变为" in w2b["message_zh"].iloc[0]


# == validation: the possible and plausible ranges (validation._ranges) ===========================
# docs/submissions.md: a value outside its indicator's possible range is refused (possible_range:
# a life expectancy of 178), a percentage outside [0, 100] is refused as percent_range, and a
# value outside the plausible range is questioned (plausible_range, a warning). The ranges are
# closed: a value on an end is inside.
def submission(indicator: str, values: list[float], plan=None, sex: str = "female"):
    from wdmonitor import check_submission

    target = Target(id="v", indicator=indicator, kind="increase")
    plan = plan or make_plan(target)
    data = pd.DataFrame({"region": "211400", "indicator": indicator, "sex": sex, "year": range(2010, 2010 + 2 * len(values), 2),
                         "value": values})  # two years apart: no year-on-year plausibility question
    return check_submission(data, plan)


def checks_of(report, value: float) -> set[tuple[str, str]]:
    """The (check, severity) pairs the submission raised on ``value``."""
    cases = report.failure_cases
    cases = cases[pd.to_numeric(cases["value"], errors="coerce") == value]
    return set(zip(cases["check"], cases["severity"], strict=True))


def catalogue_entry(indicator: str):
    """The bundled catalogue's definition of ``indicator``."""
    return catalogue()[indicator]


def with_ranges(indicator: str, **ranges):
    """A plan whose ``indicator`` has the given possible / plausible ranges."""
    plan = make_plan(Target(id="v", indicator=indicator, kind="increase"))
    return replace(plan, indicators={**plan.indicators, indicator: replace(plan.indicators[indicator], **ranges)})


def test_a_value_outside_the_possible_range_is_refused_and_its_ends_are_inside():
    """Life expectancy: possible [0, 125], plausible [60, 95]. 125 is possible (and questioned),
    125 + 10⁻⁶ and 178 are refused as possible_range; 95 is plausible, 95.001 questioned."""
    indicator = "life_expectancy_female"
    low, high = catalogue_entry(indicator).possible
    p_low, p_high = catalogue_entry(indicator).plausible
    report = submission(indicator, [high, high + 1e-6, 178.0, p_high, p_high + 1e-3, p_low, p_low - 1e-3])
    assert checks_of(report, high) == {("plausible_range", "warning")}
    assert checks_of(report, high + 1e-6) == {("possible_range", "error")}
    assert checks_of(report, 178.0) == {("possible_range", "error")}
    assert checks_of(report, p_high) == set()
    assert checks_of(report, p_high + 1e-3) == {("plausible_range", "warning")}
    assert checks_of(report, p_low) == set()
    assert checks_of(report, p_low - 1e-3) == {("plausible_range", "warning")}
    assert low == 0.0


@pytest.mark.parametrize("value", [0.0, 0.5, 9.999])
def test_a_value_below_a_possible_range_above_zero_is_refused(value):
    """An indicator whose possible range is [10, 50]: a value of 0, 0.5 or just below 10 is refused as
    possible_range (not only negative values leave a range from below); 10 is inside."""
    plan = with_ranges("mean_years_schooling_female", possible=(10.0, 50.0), plausible=None)
    report = submission("mean_years_schooling_female", [value, 10.0], plan)
    assert checks_of(report, value) == {("possible_range", "error")}
    assert checks_of(report, 10.0) == set()


def test_a_percentage_with_its_own_possible_range_is_judged_on_it():
    """A gross enrolment rate is a percentage whose possible range is [0, 200]: 150 is possible (and
    questioned as above its plausible 120), 250 is refused as possible_range, not as percent_range."""
    indicator = "upper_secondary_gross_enrolment_rate"
    assert catalogue_entry(indicator).possible == (0.0, 200.0)
    report = submission(indicator, [150.0, 250.0])
    assert checks_of(report, 150.0) == {("plausible_range", "warning")}
    assert checks_of(report, 250.0) == {("possible_range", "error")}


def test_a_range_of_zero_to_hundred_in_another_unit_is_a_possible_range_not_a_percentage():
    """Years of schooling with a possible range of [0, 100]: 150 is refused as possible_range (the
    percent_range check belongs to percentages)."""
    plan = with_ranges("mean_years_schooling_female", possible=(0.0, 100.0), plausible=None)
    report = submission("mean_years_schooling_female", [150.0, 100.0], plan)
    assert checks_of(report, 150.0) == {("possible_range", "error")}
    assert checks_of(report, 100.0) == set()



def test_a_value_inside_its_possible_range_and_below_its_plausible_one_is_questioned():
    """Life expectancy 0 and 0.5 are possible (≥ 0) but below the plausible 60: questioned, not refused."""
    report = submission("life_expectancy_female", [0.0, 0.5])
    assert checks_of(report, 0.0) == {("plausible_range", "warning")}
    assert checks_of(report, 0.5) == {("plausible_range", "warning")}


def test_a_plain_percentage_with_a_plausible_range_is_questioned_outside_it():
    """A percentage in [0, 100] with a plausible range of [20, 80]: 90 and 100 are questioned, 80 is
    not; 100.5 is refused as percent_range and not also questioned."""
    indicator = "cervical_cancer_screening_rate"
    plan = with_ranges(indicator, plausible=(20.0, 80.0))
    report = submission(indicator, [80.0, 90.0, 100.0, 100.5], plan)
    assert checks_of(report, 80.0) == set()
    assert checks_of(report, 90.0) == {("plausible_range", "warning")}
    assert checks_of(report, 100.0) == {("plausible_range", "warning")}
    assert checks_of(report, 100.5) == {("percent_range", "error")}


# -- validation: a value against its counts, and the female count against its total ------------
def counted(indicator: str, value: float, numerator: float, denominator: float, plan=None):
    from wdmonitor import check_submission

    data = pd.DataFrame({"region": ["211400"], "indicator": [indicator], "sex": ["female"], "year": [2022],
                         "value": [value], "numerator": [numerator], "denominator": [denominator]})
    return check_submission(data, plan or make_plan(Target(id="v", indicator=indicator, kind="increase")))


def test_a_denominator_of_one_is_a_denominator():
    """1 screened of 1 woman is 100%: a value of 50 does not match its counts and is refused."""
    report = counted("cervical_cancer_screening_rate", 50.0, 1.0, 1.0)
    assert checks_of(report, 50.0) == {("value_matches_counts", "error")}
    assert checks_of(counted("cervical_cancer_screening_rate", 100.0, 1.0, 1.0), 100.0) == set()


@pytest.mark.parametrize(("offset", "accepted"), [(0.05, True), (0.06, False)])
def test_an_indicator_without_a_stated_precision_matches_its_counts_to_one_decimal(offset, accepted):
    """Methodology §8: the reporting precision defaults to one decimal, so the value matches its counts
    within 0.05: 3/4000 births is 75.0 per 10万; 75.05 matches, 75.06 does not."""
    indicator = "maternal_mortality_ratio"
    plan = with_ranges(indicator, precision=None)
    value = 3 / 4000 * 1e5 + offset
    report = counted(indicator, value, 3.0, 4000.0, plan)
    assert checks_of(report, value) == (set() if accepted else {("value_matches_counts", "error")})


def sex_rows(records):
    from wdmonitor import check_submission

    data = pd.DataFrame([{"region": "211400", "indicator": "kindergarten_enrolment", "sex": sex, "year": 2022,
                          "value": value} for sex, value in records])
    return check_submission(data, make_plan(Target(id="c", indicator="kindergarten_enrolment", kind="parity",
                                                   area="education")))


@pytest.mark.parametrize("sex", ["female", "male"])
@pytest.mark.parametrize(("over", "refused"), [(0.0, False), (0.5, False), (0.5 + 1e-4, True), (1.0, True), (2.0, True)])
def test_a_count_of_one_sex_may_exceed_its_total_by_half_a_person_and_no_more(sex, over, refused):
    """female_le_total and male_le_total: a count of either sex above the total of the same key by
    more than half a person refuses both cells (the other sex not sent, so female + male = total is
    not checked)."""
    total = 4000.0
    report = sex_rows([(sex, total + over), ("total", total)])
    cases = report.failure_cases
    hit = cases[cases["check"] == f"{sex}_le_total"]
    assert sorted(pd.to_numeric(hit["value"]).tolist()) == ([total, total + over] if refused else [])
    assert set(cases["check"]) <= {f"{sex}_le_total", "both_sexes"}
    if refused:
        assert hit["message_zh"].str.contains("女性" if sex == "female" else "男性").all()


# -- validation: the year-on-year plausibility question (validation._plausible_change) ----------
def test_a_counted_rate_whose_jump_is_within_chance_is_not_questioned():
    """One maternal death in 3,300 births and then none in 3,340 is a 100% fall of the MMR, which the
    exact conditional test puts within chance (p = 1, two-sided): no plausible_change question; 60
    deaths in 100,000 births and then 20 is not chance, and is questioned."""
    from wdmonitor import check_submission

    def mmr(region, deaths, births):
        return pd.DataFrame({"region": region, "indicator": "maternal_mortality_ratio", "sex": "female",
                             "year": [2021, 2022], "value": [d / b * 1e5 for d, b in zip(deaths, births, strict=True)],
                             "numerator": deaths, "denominator": births})

    data = pd.concat([mmr("211402", [1.0, 0.0], [3300.0, 3340.0]), mmr("211400", [60.0, 20.0], [1e5, 1e5])],
                     ignore_index=True)
    report = check_submission(data, make_plan(Target(id="m", indicator="maternal_mortality_ratio", kind="at_most",
                                                     values={2025: 10.0})))
    cases = report.failure_cases
    questioned = cases[cases["check"] == "plausible_change"]
    assert questioned["row"].tolist() == [3]  # the city's 2022 row, not the county's


def test_the_plausibility_question_lands_on_its_row_whatever_the_frame_index():
    """A submission whose frame index is not 0…n−1 (rows kept from a larger sheet): the row questioned
    for a jump of more than 50% is the jumping one."""
    from wdmonitor import check_submission

    data = pd.DataFrame({"region": "211400", "indicator": "compulsory_education_retention_rate",
                         "sex": ["female", "female", "male", "male"], "year": [2021, 2022, 2021, 2022],
                         "value": [60.0, 95.0, 60.0, 61.0]}, index=[10, 11, 12, 13])
    report = check_submission(data, make_plan(Target(id="b", indicator="compulsory_education_retention_rate",
                                                     kind="increase", area="education")))
    cases = report.failure_cases
    questioned = cases[cases["check"] == "plausible_change"]
    assert pd.to_numeric(questioned["value"]).tolist() == [95.0]
    assert questioned["row"].tolist() == [1]  # the second row sent: the female 2022 value


# == the store: the latest version of each key (store._latest_versions) ===========================
def test_two_keys_sent_twice_together_keep_one_latest_version_each(tmp_path):
    """Two regions' values for the same indicator and year, sent together and then corrected
    together: each key keeps only its last sent version (a key is all its columns, region too)."""
    from pathlib import Path

    from wdmonitor import Store, load_plan

    store = Store(tmp_path / "versions.sqlite", plan=load_plan(Path(__file__).parent / "data" / "plans" / "minimal.yaml"))

    def sent(a, b):
        return pd.DataFrame({"region": ["211400", "211402"], "year": 2021, "indicator": "maternal_mortality_ratio",
                             "sex": "female", "value": [a, b]})

    store.add(sent(8.0, 5.0), department="卫健委", submitted_at="2023-03-01")
    store.add(sent(9.0, 6.0), department="卫健委", submitted_at="2023-03-02")
    frame = store.frame()
    assert list(zip(frame["region"], frame["value"], strict=True)) == [("211400", 9.0), ("211402", 6.0)]
