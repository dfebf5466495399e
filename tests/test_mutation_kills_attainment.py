"""Cases that tell attainment's rules apart from the mutants that survived the boundary tests.

Each test here was written against a mutant mutmut generated of a function of
``wdmonitor.attainment`` (``tools/mutation.sh``; ``docs/testing.md`` records the runs and the
mutants judged equivalent) that ``test_rule_boundaries.py`` and ``test_mutation_kills.py`` left
alive. The expected values come from the methodology's formulas (``methodology.md`` §1–§3, §7,
§8) and the ``RuleSet`` fields, computed in the test.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from evaluation_helpers import make_plan, with_age_group
from wdmonitor import Target
from wdmonitor.evaluation import judge_frame
from wdmonitor.rules import DEFAULT_RULES

E, B = 2025, 2020  # evaluation year; the plan's baseline year (make_plan: start 2021)
PRECISION = 4  # reporting precision of every indicator: differences of 10⁻³ are material (§8)


def frame(indicator: str, values: dict[int, float], *, sex: str = "female") -> pd.DataFrame:
    return pd.DataFrame({"region": "211400", "year": list(values), "indicator": indicator, "sex": sex,
                         "area_type": "total", "age_group": "total", "value": [float(v) for v in values.values()]})


def judged(target: Target, data: pd.DataFrame, *, rules=DEFAULT_RULES, year: int = E) -> pd.Series:
    """The jurisdiction's row of a one-target plan, judged at ``year``."""
    table = judge_frame(data, make_plan(target, precision=PRECISION), year, rules)
    rows = table[(table["target_id"] == target.id) & (table["region"] == "211400")]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# -- _band: a parity target's own band, on both edges -----------------------------------------------
def parity_data(ratio: float, *, male: float = 10000.0) -> pd.DataFrame:
    """Girls and boys enrolled at E with a female/male ratio ``ratio``; the age group one girl per boy."""
    return with_age_group(pd.concat([frame("kindergarten_enrolment", {E: ratio * male}, sex="female"),
                                     frame("kindergarten_enrolment", {E: male}, sex="male")], ignore_index=True))


@pytest.mark.parametrize("edge", [0, 1], ids=["lower", "upper"])
@pytest.mark.parametrize("own", [(0.95, 1.05), (0.99, 1.01)], ids=["wider", "narrower"])
def test_a_parity_target_reads_each_edge_of_its_own_band(edge, own):
    """Methodology §1/§8: a parity target stating its band [L, U] is judged inside it, each edge the
    plan's, not the rule set's parity_band (which only stands in for an edge the plan leaves out)."""
    default = DEFAULT_RULES.parity_band
    target = Target(id="p", indicator="kindergarten_enrolment", kind="parity", area="education",
                    lower=own[0], upper=own[1])
    # halfway between the plan's edge and the rule set's: inside exactly one of the two bands
    ratio = (own[edge] + default[edge]) / 2
    inside_own = own[0] <= ratio <= own[1]
    assert inside_own != (default[0] <= ratio <= default[1])
    r = judged(target, parity_data(ratio))
    assert r.value == pytest.approx(ratio, rel=1e-12)
    assert (r.band_lower, r.band_upper) == pytest.approx(own, rel=1e-12)
    assert r.status == ("attained" if inside_own else "not_attained"), ratio


# -- _maintained: maintained_all_years belongs to maintain_* targets only -------------------------
@pytest.mark.parametrize("kind", ["at_least", "increase", "around"])
def test_maintained_all_years_is_reported_for_maintain_targets_only(kind):
    """Methodology §2: a maintain_* target reports whether T held in every year (maintained_all_years
    beside its status); other kinds have no such reading, so the column is empty (None) for them,
    even where their value would happen to hold the target every year."""
    values = {B: 46.0, 2022: 46.0, E: 46.0}
    targets = {} if kind == "increase" else {E: 45.0}
    r = judged(Target(id="t", indicator="life_expectancy_female", kind=kind, values=targets),
               frame("life_expectancy_female", values))
    assert r.maintained_all_years is None
    held = judged(Target(id="t", indicator="life_expectancy_female", kind="maintain_at_least", values={E: 45.0}),
                  frame("life_expectancy_female", values))
    assert bool(held.maintained_all_years) is True


# -- judge: a gap between two counted rates, and a gap held at 0 (methodology §7) ----------------
MMR = "maternal_mortality_ratio"  # per 10万 live births, lower is better


def area_rates(deaths: dict[str, tuple[float, float]], births: float) -> pd.DataFrame:
    """Urban and rural maternal mortality at B and E from deaths (at B, at E) on ``births`` a year."""
    parts = []
    for area_type, (at_b, at_e) in deaths.items():
        part = frame(MMR, {B: at_b / births * 1e5, E: at_e / births * 1e5}, sex="female")
        parts.append(part.assign(area_type=area_type, numerator=[at_b, at_e], denominator=[births, births]))
    return pd.concat(parts, ignore_index=True)


GAP = Target(id="g", indicator=MMR, kind="gap_narrowing", gap_between="area_type")


@pytest.mark.parametrize("births", [100_000.0, 10_000_000.0], ids=["wide", "narrow"])
def test_a_gap_between_two_counted_rates_carries_the_interval_of_the_difference(births):
    """§7: the gap's interval is the difference's, from the sum of the two rates' Poisson variances
    (d/n²·m² each, at E and at the baseline year); the verdict is uncertain when the baseline gap
    lies inside it. Urban 40 → 30 and rural 25 → 25 deaths per 100 000 births (50 000 000 in the
    narrow case, the same rates): the gap 15 → 5 narrows (attained)."""
    from scipy.stats import norm

    scale = births / 100_000.0
    deaths = {"urban": (40.0 * scale, 30.0 * scale), "rural": (25.0 * scale, 25.0 * scale)}
    r = judged(GAP, area_rates(deaths, births))
    gap_b, gap_e = 40.0 - 25.0, 30.0 - 25.0
    assert (r.baseline, r.value) == pytest.approx((gap_b, gap_e), rel=1e-9)
    variance = sum(d / births**2 * 1e10 for pair in deaths.values() for d in pair)  # Var_E + Var_b of the gap
    half = norm.ppf(1 - (1 - DEFAULT_RULES.ci_level) / 2) * variance**0.5
    lower, upper = max(gap_e - half, 0.0), gap_e + half
    assert (r.ci_lower, r.ci_upper) == pytest.approx((lower, upper), rel=1e-9)
    assert r.status == "attained"
    assert bool(r.uncertain) is bool(lower <= gap_b <= upper)


def test_a_counted_gap_of_zero_held_at_zero_is_attained():
    """§7: a gap of 0 that stays 0 is closed (attained), not "not narrowing"."""
    r = judged(GAP, area_rates({"urban": (0.0, 0.0), "rural": (0.0, 0.0)}, 100_000.0))
    assert (r.baseline, r.value) == (0.0, 0.0)
    assert r.status == "attained"


# -- judge: the year of the target shown, and the plan's own words beside it ---------------------
@pytest.mark.parametrize(("targets", "source", "year"), [
    ({2030: 50.0}, "milestone", E),  # a final target only: the milestone at E (序时进度) is shown
    ({E: 45.0, 2030: 50.0}, "stated", E),
    ({2030: 50.0}, "next_target", 2030),  # the baseline already meets T_F: T_F itself (§1)
])
def test_the_target_year_is_the_year_of_the_target_shown(targets, source, year):
    """Methodology §1: where a plan gives only a final target, the mid-term milestone is the
    time-proportional point at E, so the target shown is of year E; the plan's own target and year
    stay beside it (stated_target, stated_target_year)."""
    base = 55.0 if source == "next_target" else 40.0
    r = judged(Target(id="t", indicator="life_expectancy_female", kind="at_least", values=targets),
               frame("life_expectancy_female", {B: base, E: 46.0}))
    assert (r.target_source, r.target_year) == (source, year)
    stated_year = min(y for y in targets if y >= E)
    assert (r.stated_target, r.stated_target_year) == (targets[stated_year], stated_year)


# -- _final_status: the final Δ of a relative_to_baseline target is added to the baseline used ----
@pytest.mark.parametrize(("data", "source"), [
    ({2019: 50.0, E: 60.0}, "substituted"),  # no value in the baseline year: the latest before it
    ({E: 60.0}, "plan"),  # the plan states y_b
])
def test_the_final_target_of_a_relative_to_baseline_target_adds_its_delta_to_the_baseline_used(data, source):
    """§2: relative_to_baseline is met at y_b + Δ; the final Δ (2030) is measured from the same y_b as
    the mid-term Δ, also where y_b is substituted or stated by the plan, so 60 ≥ 50 + 10 is already the
    final target met (提前实现, §2)."""
    from wdmonitor.indicators import Baseline

    base, mid, final = 50.0, 5.0, 10.0
    target = Target(id="t", indicator="life_expectancy_female", kind="relative_to_baseline",
                    values={E: mid, 2030: final}, delta_mode="points")
    baselines = [Baseline(indicator="life_expectancy_female", year=B, value=base)] if source == "plan" else []
    table = judge_frame(frame("life_expectancy_female", data), make_plan(target, baselines=baselines, precision=PRECISION),
                        E, DEFAULT_RULES)
    r = table[table["region"] == "211400"].iloc[0]
    assert (r.baseline, r.baseline_source) == (base, source)
    assert r.target == pytest.approx(base + mid)
    assert r.final_target_value == pytest.approx(base + final)
    assert (r.status, r.final_status) == ("attained_early", "attained_early")


# -- _final_status: the final target met as reported (§8) -------------------------------------------
@pytest.mark.parametrize("d", [1, -1], ids=["higher", "lower"])
@pytest.mark.parametrize(("units", "expected"), [(0.4, "attained_early"), (0.6, "basically_attained")])
def test_a_final_shortfall_below_half_a_reported_unit_is_attained_early(d, units, expected):
    """§8: a shortfall smaller than half a unit of the last reported decimal is nil, 已实现 when the
    value as reported meets the target; against the final target at E that is 提前实现 (§2). 0.6 of a
    unit short is a real shortfall, within the 基本实现 threshold."""
    indicator = "life_expectancy_female" if d > 0 else "anaemia_prevalence_pregnant"
    base = 60.0 if d > 0 else 30.0
    mid, final = base + 5.0 * d, base + 10.0 * d
    value = final - d * units * 10.0**-PRECISION
    r = judged(Target(id="t", indicator=indicator, kind="at_least" if d > 0 else "at_most",
                      values={E: mid, 2030: final}), frame(indicator, {B: base, E: value}))
    assert r.final_status == expected
    assert r.status == ("attained_early" if expected == "attained_early" else "attained")


# -- _cagr: a CAGR needs levels above zero, any such level (methodology §3) ------------------------
@pytest.mark.parametrize("d", [1, -1], ids=["increase", "decrease"])
def test_growth_to_zero_is_the_relative_linear_change(d):
    """§3: g = d·CAGR over the last ≤ trend_window years; levels at or below zero use the relative
    linear change instead (library choice), so a fall from 4 to 0 over two years is d·(0 − 4)/2/4,
    not d·(−100%)."""
    indicator = "life_expectancy_female" if d > 0 else "anaemia_prevalence_pregnant"
    first, latest, span = 4.0, 0.0, 2
    r = judged(Target(id="t", indicator=indicator, kind="increase" if d > 0 else "decrease"),
               frame(indicator, {B: first, E - span: first, E: latest}))
    assert r.progress_measure == "growth"
    assert r.progress == pytest.approx(d * (latest - first) / span / abs(first), rel=1e-12)


@pytest.mark.parametrize(("first", "latest"), [(0.5, 0.8), (0.8, 0.5), (0.5, 1.25)])
def test_growth_between_levels_below_one_is_a_cagr(first, latest):
    """§3: g = d·CAGR(a→c) = d·((y_c/y_a)^(1/(c−a)) − 1) for any levels above zero, below 1 as well."""
    span = 2
    r = judged(Target(id="t", indicator="life_expectancy_female", kind="increase"),
               frame("life_expectancy_female", {B: first, E - span: first, E: latest}))
    assert r.progress == pytest.approx((latest / first) ** (1 / span) - 1, rel=1e-12)


def test_the_ratio_on_the_geometric_scale_after_one_year_is_a_ratio_of_annual_rates():
    """§3, geometric scale: R = d·CAGR(b→t_L) / |CAGR needed b→F|, also with t_L one year after b."""
    base, latest, final = 30.0, 29.0, 15.0
    year = B + 1
    r = judged(Target(id="t", indicator="maternal_mortality_ratio", kind="at_most", values={2030: final}),
               frame("maternal_mortality_ratio", {B: base, year: latest}), year=year)
    current = (latest / base) ** (1 / (year - B)) - 1
    needed = (final / base) ** (1 / (2030 - B)) - 1
    assert r.progress_measure == "ratio"
    assert r.progress == pytest.approx(-1 * current / abs(needed), rel=1e-12)


# -- _baseline: the substitute is the nearest year on either side -----------------------------------
@pytest.mark.parametrize(("data", "year"), [
    ({B - 1: 41.0, E: 50.0}, B - 1),  # the latest before b
    ({B - DEFAULT_RULES.trend_window - 1: 41.0, E: 50.0}, B - DEFAULT_RULES.trend_window - 1),  # however long before
    ({B + 1: 41.0, B + 2: 42.0, E: 50.0}, B + 1),  # none before b: the earliest after it
    ({B + 2: 42.0, E: 50.0}, B + 2),
])
def test_a_missing_baseline_is_substituted_by_the_nearest_year(data, year):
    """Methodology §4/W5 and the engine's rule: without a value in the baseline year, the latest
    observation before it, else the earliest after it (before the data year judged), marked
    substituted."""
    r = judged(Target(id="t", indicator="life_expectancy_female", kind="at_least", values={E: 55.0}),
               frame("life_expectancy_female", data))
    assert (r.baseline, r.baseline_data_year, r.baseline_source) == (data[year], year, "substituted")


# -- _targets_at: the geometric milestone for levels below 1 ---------------------------------------
@pytest.mark.parametrize(("base", "final"), [(0.8, 0.4), (3.0, 0.5)])
def test_the_geometric_milestone_holds_for_levels_below_one(base, final):
    """§1: on the geometric scale T_M = y_b·(T_F/y_b)^((E−b)/(F−b)), for any levels above zero."""
    share = (E - B) / (2030 - B)
    milestone = base * (final / base) ** share
    r = judged(Target(id="t", indicator="maternal_mortality_ratio", kind="at_most", values={2030: final}),
               frame("maternal_mortality_ratio", {B: base, E: milestone}))
    assert r.target_source == "milestone"
    assert r.target == pytest.approx(milestone, rel=1e-12)
    assert r.status in ("attained", "attained_early")


# -- _progress: progress needs an observation after the baseline year; the latest one is reported --
@pytest.mark.parametrize(("kind", "targets"), [("at_least", {2030: 50.0}), ("increase", {}), ("around", {2030: 60.0})])
def test_no_progress_class_without_an_observation_after_the_baseline_year(kind, targets):
    """Methodology §3: progress needs an observation after the baseline year; without one it is
    empty — even where the baseline value already meets the target (no target_achieved)."""
    r = judged(Target(id="t", indicator="life_expectancy_female", kind=kind, values=targets),
               frame("life_expectancy_female", {B - 1: 59.0, B: 60.0}))
    assert (r.latest_year, r.latest_value) == (B, 60.0)
    assert r.progress_class is None
    assert pd.isna(r.progress)


def test_the_latest_observation_is_reported_however_early():
    """t_L, y_L (§ notation) are the latest observation up to E, reported beside the verdict also when
    it lies before the whole trend window (here the only one, trend_window + 1 years before b)."""
    year = B - DEFAULT_RULES.trend_window - 1
    r = judged(Target(id="t", indicator="life_expectancy_female", kind="at_least", values={E: 50.0}),
               frame("life_expectancy_female", {year: 41.0}))
    assert r.status == "not_assessable"
    assert (r.latest_year, r.latest_value) == (year, 41.0)


# -- _progress_ratio: the goal of an around target is its band; no distance, no ratio -------------
NONE_SIDE = "test_share_no_direction"  # percent, no good direction (evaluation_helpers.NO_DIRECTION)
BY_SIGN = {1: "life_expectancy_female", -1: "anaemia_prevalence_pregnant", 0: NONE_SIDE}


@pytest.mark.parametrize("d", [1, -1, 0], ids=["higher", "lower", "none"])
@pytest.mark.parametrize("tolerance", [None, 0.05], ids=["rule-set", "stated"])
def test_an_around_goal_is_achieved_inside_its_band_or_beyond_it_on_the_good_side(d, tolerance):
    """§2–§3: progress is target_achieved when y_L meets T; for 左右 that is inside T·(1 ± tolerance)
    (closed) or, where a side is better, beyond the band on that side."""
    final = 60.0
    tol = DEFAULT_RULES.around_tolerance if tolerance is None else tolerance
    lower, upper = final * (1 - tol), final * (1 + tol)

    def progress_class(latest):
        target = Target(id="t", indicator=BY_SIGN[d], kind="around", values={2030: final}, tolerance=tolerance)
        return judged(target, frame(BY_SIGN[d], {B: 40.0, E: latest})).progress_class

    for latest in (lower, lower + 1e-3, upper - 1e-3, upper):
        assert progress_class(latest) == "target_achieved", latest
    above, below = progress_class(upper + 1e-3), progress_class(lower - 1e-3)
    assert (above == "target_achieved") is (d > 0)
    assert (below == "target_achieved") is (d < 0)


@pytest.mark.parametrize("d", [1, -1], ids=["higher", "lower"])
def test_a_baseline_at_the_goal_leaves_no_ratio(d):
    """§3: R divides by the distance |T − y_b|; with the baseline at the goal there is none, so R is
    empty — the class still says whether y_L holds the goal."""
    final = 40.0
    for latest, klass in [(final + d, "target_achieved"), (final - d, "deterioration")]:
        r = judged(Target(id="t", indicator=BY_SIGN[d], kind="at_least" if d > 0 else "at_most", values={2030: final}),
                   frame(BY_SIGN[d], {B: final, E: latest}))
        assert pd.isna(r.progress), latest
        assert r.progress_class == klass


# -- _progress_growth: a band without a good side grows toward its band ----------------------------
@pytest.mark.parametrize(("window", "latest"), [(30.0, 36.0), (70.0, 60.0)], ids=["below-rising", "above-falling"])
def test_growth_of_a_band_target_without_a_good_side_is_measured_toward_the_band(window, latest):
    """§3, no numeric goal: g = d·CAGR over the last ≤ trend_window years; a band on an indicator with no
    better side (d = 0) has the band for a goal, so the good direction is toward the band (its middle):
    rising from below, falling from above, both progress."""
    lower, upper, span = 40.0, 50.0, 2
    target = Target(id="b", indicator=NONE_SIDE, kind="band", lower=lower, upper=upper)
    r = judged(target, frame(NONE_SIDE, {B: window, E - span: window, E: latest}))
    toward = 1 if (lower + upper) / 2 > latest else -1
    growth = toward * ((latest / window) ** (1 / span) - 1)
    assert growth > DEFAULT_RULES.substantial_growth
    assert r.progress_measure == "growth"
    assert r.progress == pytest.approx(growth, rel=1e-12)
    assert r.progress_class == "substantial_progress"


@pytest.mark.parametrize("latest", [40.0, 45.0, 50.0])
def test_a_band_target_inside_its_band_has_achieved_it(latest):
    """§3: target_achieved when y_L meets the goal; for a band, inside it (closed); outside it, the class
    of its growth."""
    target = Target(id="b", indicator=NONE_SIDE, kind="band", lower=40.0, upper=50.0)
    assert judged(target, frame(NONE_SIDE, {B: 30.0, E - 2: 30.0, E: latest})).progress_class == "target_achieved"
    assert judged(target, frame(NONE_SIDE, {B: 30.0, E - 2: 30.0, E: 39.0})).progress_class == "substantial_progress"


# -- _progress_growth: each growth class is closed below, at equality ------------------------------
@pytest.mark.parametrize("rules", [DEFAULT_RULES, replace(DEFAULT_RULES, substantial_growth=0.04, moderate_growth=0.02)],
                         ids=["default", "other"])
@pytest.mark.parametrize(("field", "klass"), [("substantial_growth", "substantial_progress"),
                                              ("moderate_growth", "moderate_progress")])
def test_growth_equal_to_a_class_threshold_is_in_that_class(rules, field, klass):
    """§3: g ≥ 1.5%/yr substantial, ≥ 0.5% moderate (closed below). A level below zero grows by the relative
    linear change (library choice), (y_L − y_first)/span/|y_first|, which here is the threshold exactly:
    −100 → −100 + 100·threshold in one year."""
    threshold = getattr(rules, field)
    first = -100.0
    r = judged(Target(id="t", indicator="life_expectancy_female", kind="increase"),
               frame("life_expectancy_female", {B: first, E - 1: first, E: first + 100.0 * threshold}), rules=rules)
    assert r.progress == threshold  # computed exactly equal to the threshold
    assert r.progress_class == klass


# -- _targets_at: a geometric milestone is never taken through a zero --------------------------------
@pytest.mark.parametrize(("indicator", "d", "base", "final"), [
    ("life_expectancy_female", 1, 0.0, 40.0),  # a higher-is-better level on the geometric scale, from 0
    ("maternal_mortality_ratio", -1, 30.0, 0.0),  # a rate with a final target of 0
])
def test_a_geometric_milestone_through_zero_is_the_linear_one(indicator, d, base, final):
    """§1: T_M = y_b·(T_F/y_b)^((E−b)/(F−b)) on the geometric scale needs y_b and T_F above zero
    (§7: a geometric projection is never made through a 0); otherwise the linear
    T_M = y_b + (T_F − y_b)(E − b)/(F − b)."""
    from wdmonitor.vocabulary import Scale

    target = Target(id="t", indicator=indicator, kind="at_least" if d > 0 else "at_most", values={2030: final})
    plan = make_plan(target, precision=PRECISION)
    plan = replace(plan, indicators={**plan.indicators, indicator: replace(plan.indicators[indicator], scale=Scale.GEOMETRIC)})
    milestone = base + (final - base) * (E - B) / (2030 - B)
    table = judge_frame(frame(indicator, {B: base, E: milestone}), plan, E, DEFAULT_RULES)
    r = table[table["region"] == "211400"].iloc[0]
    assert bool(r.geometric)
    assert r.target_source == "milestone"
    assert r.target == pytest.approx(milestone, rel=1e-12)
    assert r.status == "attained"


# -- _baseline_conflict: a stated baseline the data contradict (as reported) ---------------------
SCREENING = "cervical_cancer_screening_rate"  # percent, higher is better


@pytest.mark.parametrize(("stated", "data", "source", "conflict"), [
    (74.25, {B: 80.0}, "observed", True),  # the data hold another value for that year
    (80.0 + 0.4 * 10.0**-PRECISION, {B: 80.0}, "observed", False),  # the same value as reported (§8)
    (80.0 + 0.6 * 10.0**-PRECISION, {B: 80.0}, "observed", True),  # a reported unit apart
    (None, {B: 80.0}, "observed", False),  # the plan states none
    (74.25, {2019: 80.0}, "plan", False),  # no value that year: the plan's baseline is used, nothing contradicts it
])
def test_a_baseline_conflict_is_a_stated_baseline_the_observed_value_contradicts_as_reported(stated, data, source,
                                                                                             conflict):
    """Where the plan states a baseline and the data hold another value for that year (as reported, to
    the reporting precision), both are kept and the observed one is used; otherwise no conflict."""
    from wdmonitor.indicators import Baseline

    target = Target(id="b", indicator=SCREENING, kind="at_least", values={2030: 90.0})
    baselines = [] if stated is None else [Baseline(indicator=SCREENING, year=B, value=stated)]
    plan = make_plan(target, baselines=baselines, precision=PRECISION)
    table = judge_frame(frame(SCREENING, {**data, 2022: 82.0, E: 84.0}), plan, E, DEFAULT_RULES)
    r = table[table["region"] == "211400"].iloc[0]
    assert r.baseline_source == source
    assert r.baseline == (80.0 if source == "observed" else stated)
    assert bool(r.baseline_conflict) is conflict


# -- _baseline: a target's own baseline year is substituted the same way ---------------------------
def test_a_missing_own_baseline_year_is_substituted_by_the_earliest_year_after_it():
    """A relative_to_baseline target measured from its own baseline year (baseline_years), here
    trend_window + 5 years before the plan's: without a value that year or before it, the earliest
    observation after it stands in (substituted) — also the first year of all the data — and
    T = y_b + Δ (points, §2)."""
    own = B - DEFAULT_RULES.trend_window - 5
    first = B - DEFAULT_RULES.trend_window  # the data begin here
    target = Target(id="t", indicator="life_expectancy_female", kind="relative_to_baseline", values={E: 5.0},
                    delta_mode="points", baseline_years={E: own})
    r = judged(target, frame("life_expectancy_female", {first: 50.0, E: 56.0}))
    assert (r.baseline, r.baseline_data_year, r.baseline_source) == (50.0, first, "substituted")
    assert r.target == pytest.approx(55.0)
    assert r.status == "attained"


# -- _progress_ratio: R after one year of a one-year target; toward the goal without a good side --
def test_the_ratio_of_a_target_one_year_after_the_baseline():
    """§3: R = [d(y_L − y_b)/(t_L − b)] / [|T − y_b|/(F − b)], also with F = t_L = b + 1."""
    year, base, latest, final = B + 1, 40.0, 42.0, 45.0
    r = judged(Target(id="t", indicator="life_expectancy_female", kind="at_least", values={year: final}),
               frame("life_expectancy_female", {B: base, year: latest}), year=year)
    ratio = (latest - base) / (year - B) / (abs(final - base) / (year - B))
    assert r.progress == pytest.approx(ratio, rel=1e-12)
    assert r.progress_class == "limited_progress"


@pytest.mark.parametrize(("base", "latest", "final"), [(80.0, 75.0, 60.0), (40.0, 45.0, 60.0)], ids=["down", "up"])
def test_the_ratio_of_an_around_target_without_a_good_side_is_measured_toward_the_goal(base, latest, final):
    """§3: R is the share of the distance |T − y_b| covered over the share of time elapsed; with no better
    side (d = 0) the distance is covered in the direction of T, so moving toward T is progress."""
    r = judged(Target(id="t", indicator=NONE_SIDE, kind="around", values={2030: final}),
               frame(NONE_SIDE, {B: base, E: latest}))
    toward = 1 if final > base else -1
    ratio = toward * (latest - base) / (E - B) / (abs(final - base) / (2030 - B))
    assert ratio > 0
    assert r.progress == pytest.approx(ratio, rel=1e-12)


def test_no_ratio_for_a_goal_due_in_the_baseline_year():
    """§3: R divides the distance by the time F − b the plan allows; a goal due in the baseline year
    allows none, so R is empty (and the class says only whether y_L holds the goal)."""
    r = judged(Target(id="t", indicator="life_expectancy_female", kind="at_least", values={B: 45.0}),
               frame("life_expectancy_female", {B: 40.0, E: 42.0}))
    assert pd.isna(r.progress)
    assert r.progress_class is None


# -- _status: a change smaller than half a reported unit is no change (§8) --------------------------
@pytest.mark.parametrize("d", [1, -1], ids=["increase", "decrease"])
@pytest.mark.parametrize(("units", "expected"), [(0.4, "not_attained"), (0.6, "attained")])
def test_a_move_below_half_a_reported_unit_is_no_move(d, units, expected):
    """§8: a change smaller than half a unit of the last reported decimal is nil, so an increase
    (decrease) target is met only when the value as reported has moved the right way (§2,
    d·(y_E − y_b) > 0): 0.4 of a unit moves nothing, 0.6 of a unit is a move of one unit as reported."""
    indicator = BY_SIGN[d]
    base = 40.0
    r = judged(Target(id="t", indicator=indicator, kind="increase" if d > 0 else "decrease"),
               frame(indicator, {B: base, E: base + d * units * 10.0**-PRECISION}))
    assert r.status == expected


# -- _status: 不低于 R holds down to the floating-point allowance, closed -----------------------------
@pytest.mark.parametrize(("times", "expected"), [(1.0, "attained"), (1.5, "not_attained")])
def test_not_below_the_reference_holds_at_the_allowance_itself(times, expected):
    """§2: relative_to 不低于 is y_E ≥ R_E; as everywhere in the engine, a value within the floating-point
    allowance 10⁻⁹·max(|R|, 1) of R counts as on it (test_mutation_kills.py), the allowance included:
    R less exactly the allowance is not below R, R less 1.5 times the allowance is."""
    reference = 30.0
    value = reference - times * 1e-9 * max(abs(reference), 1.0)
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation="not_below", area="decision_making")
    data = pd.concat([frame("female_share_party_congress_delegates", {E: value}),
                      frame("female_share_party_members", {E: reference})], ignore_index=True)
    r = judged(target, data)
    assert (r.value, r.reference_value) == (value, reference)
    assert r.status == expected


# -- _status: 相适应 within ±commensurate_tolerance of R, the edge and its allowance included ---------
def commensurate_edge(tolerance: float) -> tuple[float, float]:
    """A reference R and a value y with |y − R| exactly tolerance·|R| + 10⁻⁹ in floating point (the
    edge of 相适应 with the engine's absolute allowance): for most R no double lies there exactly."""
    for thousandths in range(1, 100_000):
        reference = thousandths / 1000
        edge = tolerance * abs(reference) + 1e-9
        for value in (reference + edge, reference - edge):
            if abs(value - reference) == edge:
                return reference, value
    raise AssertionError("no reference with a value exactly at the edge")


def test_commensurate_holds_at_the_edge_of_the_tolerance_and_its_allowance():
    """§2: relative_to 相适应 is met within ±commensurate_tolerance (3%) of R_E, closed, with the engine's
    10⁻⁹ allowance for floating-point noise: a value exactly at tolerance·|R| + 10⁻⁹ from R is met,
    one 10⁻⁹ further is not."""
    tolerance = DEFAULT_RULES.commensurate_tolerance
    reference, value = commensurate_edge(tolerance)
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation="commensurate", area="decision_making")
    for shown, expected in [(value, "attained"), (value + (value - reference) / abs(value - reference) * 1e-9,
                                                  "not_attained")]:
        data = pd.concat([frame("female_share_party_congress_delegates", {E: shown}),
                          frame("female_share_party_members", {E: reference})], ignore_index=True)
        r = judged(target, data)
        assert (r.value, r.reference_value) == (shown, reference)
        assert r.status == expected, shown


# -- _status: a relative_to row's distance is how far the value lies from its reference ------------
@pytest.mark.parametrize(("value", "expected"), [(28.0, "not_attained"), (33.5, "attained")])
def test_the_distance_of_a_relative_to_target_is_the_value_less_its_reference(value, expected):
    """§2/§4: relative_to compares y_E with R_E of the same region, sex and year; the trace carries the
    signed distance y_E − R_E (below the reference negative), not a sum."""
    reference = 30.0
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation="not_below", area="decision_making")
    data = pd.concat([frame("female_share_party_congress_delegates", {E: value}),
                      frame("female_share_party_members", {E: reference})], ignore_index=True)
    r = judged(target, data)
    assert r.distance == pytest.approx(value - reference, rel=1e-12)
    assert r.status == expected


# -- _status: relative_to without its reference in the year judged is not assessable ---------------
@pytest.mark.parametrize("relation", ["not_below", "commensurate"])
def test_relative_to_without_the_reference_in_the_year_judged_is_not_assessable(relation):
    """§2: relative_to compares y_E with R_E of the same region, sex and year; with R observed only in
    another year (here b) there is nothing to compare with: 无法评估, not 未实现."""
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation=relation, area="decision_making")
    data = pd.concat([frame("female_share_party_congress_delegates", {B: 25.0, E: 31.0}),
                      frame("female_share_party_members", {B: 30.0})], ignore_index=True)
    r = judged(target, data)
    assert pd.isna(r.reference_value)
    assert r.status == "not_assessable"


# -- _status: a valued target without a number is not assessable ------------------------------------
@pytest.mark.parametrize("kind", ["at_least", "maintain_at_least", "around"])
def test_a_valued_target_built_without_a_value_is_not_assessable(kind):
    """§2: a one-sided or 左右 target is judged against its T; a Target built in code without any value
    (a plan file is refused for it, registry: "needs values by year") has no T to judge against, so it is
    无法评估 — not 未实现, whatever the data."""
    r = judged(Target(id="t", indicator="life_expectancy_female", kind=kind, values={}),
               frame("life_expectancy_female", {B: 40.0, E: 45.0}))
    assert pd.isna(r.target)
    assert r.status == "not_assessable"


# -- _progress_growth: the natural-limit factor, for a higher-is-better level approaching its ceiling -----
def growth_class(target: Target, values: dict[int, float], plan=None) -> pd.Series:
    table = judge_frame(frame(target.indicator, values), plan or make_plan(target, precision=PRECISION), E, DEFAULT_RULES)
    return table[table["region"] == "211400"].iloc[0]


def test_the_growth_thresholds_of_a_proportion_with_a_ceiling_of_one_are_scaled():
    """§3: near a natural limit the growth thresholds are scaled by C = 1 − (y_b/limit)^4.44 (Open SDG);
    for a proportion whose ceiling is 1 (declared here: the bundled catalogue's ceilings are 100%) at
    y_b = 0.8, C = 1 − 0.8^4.44, and 1.2%/yr clears 1.5%·C (substantial), not 1.5%."""
    rules = DEFAULT_RULES
    indicator, level, growth, span = "life_expectancy_female", 0.8, 0.012, 2
    scale = 1 - (level / 1.0) ** rules.natural_limit_exponent
    assert rules.substantial_growth * scale <= growth < rules.substantial_growth
    target = Target(id="t", indicator=indicator, kind="increase")
    plan = make_plan(target, precision=PRECISION)
    plan = replace(plan, indicators={**plan.indicators, indicator: replace(plan.indicators[indicator], natural_limit=1.0)})
    r = growth_class(target, {B: level, E - span: level, E: level * (1 + growth) ** span}, plan)
    assert r.progress == pytest.approx(growth, rel=1e-9)
    assert r.progress_class == "substantial_progress"


def test_the_growth_of_a_band_without_a_good_side_falling_toward_it_is_not_scaled():
    """§3: the factor C scales the thresholds for a level approaching its ceiling (test_rule_boundaries: a
    lower-is-better rate is not scaled). A band on a percent with no better side, [40, 50], approached from
    80% by falling 1.2%/yr moves away from the ceiling of 100% (declared, as the catalogue gives every
    percentage): unscaled, 1.2% is moderate (≥ 0.5%, < 1.5%), though 1.5%·C at y_b = 80 would be below it."""
    rules = DEFAULT_RULES
    level, fall, span = 80.0, 0.012, 2
    scale = 1 - (level / 100.0) ** rules.natural_limit_exponent
    assert rules.moderate_growth <= fall < rules.substantial_growth
    assert fall >= rules.substantial_growth * scale  # scaled, it would be substantial
    target = Target(id="b", indicator=NONE_SIDE, kind="band", lower=40.0, upper=50.0)
    plan = make_plan(target, precision=PRECISION)
    plan = replace(plan, indicators={**plan.indicators, NONE_SIDE: replace(plan.indicators[NONE_SIDE], natural_limit=100.0)})
    r = growth_class(target, {B: level, E - span: level, E: level * (1 - fall) ** span}, plan)
    assert r.progress == pytest.approx(fall, rel=1e-9)
    assert r.progress_class == "moderate_progress"


# -- _progress_growth: 相适应 without a good side grows toward its reference ---------------------------
@pytest.mark.parametrize(("window", "latest"), [(40.0, 36.0), (20.0, 24.0)], ids=["above-falling", "below-rising"])
def test_growth_of_a_commensurate_target_without_a_good_side_is_measured_toward_the_reference(window, latest):
    """§3, no numeric goal: g = d·CAGR over the last ≤ trend_window years; for 相适应 (within ±3% of R) on an
    indicator with no better side the goal is R itself, so the good direction is toward R: falling from
    above it and rising from below it are both progress."""
    span, reference = 2, 30.0
    target = Target(id="r", indicator=NONE_SIDE, kind="relative_to", reference="female_share_party_members",
                    relation="commensurate", area="decision_making")
    data = pd.concat([frame(NONE_SIDE, {B: window, E - span: window, E: latest}),
                      frame("female_share_party_members", {B: reference, E - span: reference, E: reference})],
                     ignore_index=True)
    r = judged(target, data)
    toward = 1 if reference > latest else -1
    growth = toward * ((latest / window) ** (1 / span) - 1)
    assert growth > DEFAULT_RULES.substantial_growth
    assert r.status == "not_attained"
    assert r.progress == pytest.approx(growth, rel=1e-12)
    assert r.progress_class == "substantial_progress"
