"""Cases that tell the early-warning rules W1, W3, W4, W5 and W2c apart from the mutants that survived.

Each test here was written against mutants mutmut generated of ``early_warning`` (the third run of
2026-12-02 in ``docs/testing.md``, which also records the mutants judged equivalent): the
survivors of the existing tests, and a few read as likely survivors before the run reached them.
The expected values come from the rules as the methodology states them (``methodology.md`` §4, §7
and §8, and the details of ``docs/methodology.md`` §4) and from the ``RuleSet`` fields, so a
changed default moves the case with it. The tests read only the flag table
(``flags_for_valid``), never the functions that build it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaluation_helpers import COUNTIES, NO_DIRECTION, make_plan, series, years
from wdmonitor import Target
from wdmonitor.early_warning import flags_for_valid
from wdmonitor.rules import DEFAULT_RULES

AS_OF = 2024
JURISDICTION = "211400"
HIGHER = "life_expectancy_female"  # years, higher is better, linear, one decimal
LOWER = "anaemia_prevalence_pregnant"  # percent, lower is better, linear, one decimal
SHARE = "female_share_peoples_congress_standing_committee"  # percent, higher is better, one decimal
MMR = "maternal_mortality_ratio"  # per 100,000 live births, lower is better, counts behind it
BY_SIGN = {1: HIGHER, -1: LOWER}
ONE_SIDED = {1: "at_least", -1: "at_most"}
UNIT = 0.1  # one unit of the last reported decimal of HIGHER, LOWER and SHARE
SIGNS = pytest.mark.parametrize("d", [1, -1], ids=["higher", "lower"])
RULES = pytest.mark.parametrize("rules", [
    DEFAULT_RULES,
    replace(DEFAULT_RULES, name="other", w1_min_distance_units=20, w1_hold_alert_share=0.125, count_min_events=30,
            min_points_projection=2),
], ids=["default", "other"])


def frame(indicator: str, values: dict[int, float], *, region: str = JURISDICTION, sex: str = "female") -> pd.DataFrame:
    return pd.DataFrame({"region": region, "year": list(values), "indicator": indicator, "sex": sex,
                         "area_type": "total", "age_group": "total", "value": [float(v) for v in values.values()]})


def flag_table(data: pd.DataFrame, *targets: Target, rules=DEFAULT_RULES, as_of: int = AS_OF, method: str = "trend") -> pd.DataFrame:
    table = flags_for_valid(data, make_plan(*targets), as_of, method=method, rules=rules)
    return getattr(table, "table", table)


def checks(table: pd.DataFrame, check: str, region: str = JURISDICTION, **where) -> pd.DataFrame:
    rows = table[(table["check"] == check) & (table["region"] == region)]
    for name, value in where.items():
        rows = rows[rows[name] == value]
    return rows


def severity(rows: pd.DataFrame) -> str:
    """The only flag's severity, or 'none' when nothing is flagged."""
    assert len(rows) <= 1, rows
    return rows["severity"].iloc[0] if len(rows) else "none"


# == W1 =========================================================================================
def test_w1_projects_to_the_evaluation_years_after_as_of_only():
    """Methodology §4: W1 projects to every evaluation year E *after* as_of. At as_of = 2025, the
    plan's mid-term year, a flat series short of its target is projected to 2030 only: the
    mid-term year is judged by attainment, not projected."""
    target = Target(id="w1", indicator=HIGHER, kind="at_least", values={2025: 60.0, 2030: 60.0})
    data = frame(HIGHER, years(2020, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0))
    w1 = checks(flag_table(data, target, as_of=2025), "W1")
    assert w1["target_year"].tolist() == [2030]
    before = checks(flag_table(data.query("year <= 2024"), target, as_of=2024), "W1")
    assert sorted(before["target_year"]) == [2025, 2030]


def test_w1_projects_from_two_points_when_the_rule_set_asks_for_two():
    """min_points_projection = 2 (its lowest allowed value): a series of two points inside the trend
    window is projected — a straight line through two points — and flat at 50 against 60, its share
    of the distance is 0 (alert); one point is not projected and is too short."""
    rules = replace(DEFAULT_RULES, name="two-points", min_points_projection=2)
    target = Target(id="w1", indicator=HIGHER, kind="at_least", values={2025: 60.0})
    two = flag_table(frame(HIGHER, {2023: 50.0, 2024: 50.0}), target, rules=rules)
    assert severity(checks(two, "W1", target_year=2025)) == "alert"
    assert checks(two, "too_short").empty
    one = flag_table(frame(HIGHER, {2024: 50.0}), target, rules=rules)
    assert checks(one, "W1").empty
    assert severity(checks(one, "too_short")) == "watch"


@RULES
@SIGNS
def test_w1_share_of_the_distance_needs_w1_min_distance_units_reporting_units(rules, d):
    """docs/methodology.md §4: P = d(ŷ − y_b)/|T − y_b| is used only when |T − y_b| is at least
    w1_min_distance_units reporting units; closer, T is a level to hold (warning on a material miss,
    alert beyond w1_hold_alert_share of T). A flat series at y_b = 50 is projected at 50: at exactly
    the minimum distance P = 0 < w1_alert (alert, P reported); half a unit closer the miss is material
    but below w1_hold_alert_share of T (warning, no P); at twice the distance P = 0 again (alert)."""
    base = 50.0
    distance = rules.w1_min_distance_units * UNIT
    indicator = BY_SIGN[d]
    data = frame(indicator, years(2020, base, base, base, base, base))
    for units_away, expected in [(distance, "alert"), (distance - UNIT / 2, "warning"), (2 * distance, "alert")]:
        goal = base + d * units_away
        assert abs(goal - base) / abs(goal) < rules.w1_hold_alert_share  # a miss that holds no alert of its own
        target = Target(id="w1", indicator=indicator, kind=ONE_SIDED[d], values={2025: goal})
        w1 = checks(flag_table(data, target, rules=rules), "W1", target_year=2025)
        assert severity(w1) == expected, units_away
        share = w1["progress_share"].iloc[0]
        if expected == "alert":
            assert share == pytest.approx(0.0, abs=1e-12)
        else:
            assert np.isnan(share)


def test_w1_only_a_lower_is_better_series_of_zeros_is_never_projected_to_miss():
    """docs/methodology.md §4: a direction target warns when ŷ is not materially better than y_b; only
    a *lower-is-better* level at 0 projected at 0 (a closed gap, no death) is exempt, and a series of
    zeros of such a rate is never projected to miss. A share of women at 0% every year with an
    'increase' target stays at 0: a warning. A balance (no better side) at 0% every year against 50%
    左右 is projected outside its band [50 ± 3%]: a warning. The same zeros with a 'decrease' target on
    a lower-is-better rate: nothing."""
    zeros = years(2020, 0.0, 0.0, 0.0, 0.0, 0.0)
    up = Target(id="up", indicator=SHARE, kind="increase")
    assert severity(checks(flag_table(frame(SHARE, zeros), up), "W1", target_year=2025)) == "warning"
    balance = Target(id="balance", indicator=NO_DIRECTION, kind="around", values={2025: 50.0})
    assert severity(checks(flag_table(frame(NO_DIRECTION, zeros), balance), "W1", target_year=2025)) == "warning"
    down = Target(id="down", indicator=LOWER, kind="decrease")
    assert checks(flag_table(frame(LOWER, zeros), down), "W1").empty



@RULES
@SIGNS
def test_w1_a_projected_miss_of_exactly_the_hold_alert_share_of_t_is_a_warning(rules, d):
    """Methodology §4: a level to hold warns when ŷ fails T and alerts when it fails T by *more than*
    w1_hold_alert_share of T. T = 20 and a baseline beyond it; a trend of one a year the wrong way
    reaching ŷ = T·(1 − d·share) exactly (halves and quarters, exact in binary): a warning. A tenth
    further: an alert."""
    share, goal = rules.w1_hold_alert_share, 20.0
    target = Target(id="w1", indicator=BY_SIGN[d], kind=ONE_SIDED[d], values={2025: goal})
    for beyond, expected in [(0.0, "warning"), (UNIT, "alert")]:
        projected = goal * (1 - d * share) - d * beyond
        assert abs(goal - projected) / goal == pytest.approx(share + beyond / goal, abs=1e-15)
        values = {2020 + i: projected + d * (5 - i) for i in range(5)}  # slope −d a year, ŷ_2025 = projected
        assert d * (values[2020] - goal) > 0  # the baseline holds T: a level to hold
        w1 = checks(flag_table(frame(BY_SIGN[d], values), target, rules=rules), "W1", target_year=2025)
        assert w1["projection"].iloc[0] == pytest.approx(projected, abs=1e-12)
        assert severity(w1) == expected, beyond

# == counted rates: count_min_events events in the trend window (methodology §7) ==================
def mmr(deaths: list[float], births: list[float], *, region: str = JURISDICTION, first: int = 2020) -> pd.DataFrame:
    deaths_, births_ = np.asarray(deaths, dtype=float), np.asarray(births, dtype=float)
    return series(MMR, years(first, *(deaths_ / births_ * 1e5)), region=region, numerators=deaths_,
                  denominators=births_)


def window_deaths(total: int) -> list[float]:
    """Five years' deaths (the trend window) summing to ``total``, as evenly as whole deaths go."""
    per_year = [total // 5] * 5
    for i in range(total % 5):
        per_year[i] += 1
    return [float(d) for d in per_year]


@pytest.mark.parametrize("rules", [DEFAULT_RULES, replace(DEFAULT_RULES, name="thirty", count_min_events=30)],
                         ids=["default", "thirty"])
def test_a_counted_rate_with_count_min_events_events_is_projected_and_one_fewer_is_not(rules):
    """Methodology §7: W1 on a rate with counts is the Poisson GLM's, and a window holding fewer than
    count_min_events events is too noisy to project (W1 withheld, too_few_events said). On 20,000
    births a year an MMR about 20/10万 (4 deaths a year) is flat against a target of 10: with exactly
    count_min_events deaths in the five years the GLM judges it (its probability of meeting 10 is
    below w1_count_warning, so flagged, an alert if below w1_count_alert); with one death fewer it is
    not projected."""
    target = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 10.0})
    births = [20_000.0] * 5
    enough = flag_table(mmr(window_deaths(rules.count_min_events), births), target, rules=rules)
    w1 = checks(enough, "W1", target_year=2025)
    assert w1["method"].tolist() == ["poisson_glm"]
    probability = w1["probability"].iloc[0]
    assert probability < rules.w1_count_warning
    assert severity(w1) == ("alert" if probability < rules.w1_count_alert else "warning")
    assert checks(enough, "too_few_events").empty
    fewer = flag_table(mmr(window_deaths(rules.count_min_events - 1), births), target, rules=rules)
    assert checks(fewer, "W1").empty
    too_few = checks(fewer, "too_few_events")
    assert severity(too_few) == "none" and len(too_few) == 1


# == W3 ===========================================================================================
def direction_target(d: int) -> Target:
    return Target(id="w3", indicator=BY_SIGN[d], kind="increase" if d > 0 else "decrease")


@SIGNS
def test_w3_a_slope_counts_by_the_change_it_makes_over_its_window(d):
    """docs/methodology.md §4: a W3 move counts when material — the slope's change over its window, or
    the last change, at least half a reporting unit (0.05) in the wrong direction. A target met with
    room (T ten points on the good side), so no alert: two points a year apart falling 0.03 — the
    slope's change over its one-year window is 0.03, nil, and so is the last change: nothing. Four
    points falling 0.02 a year: the slope's change over three years is 0.06, material, while the last
    change (0.02) is not materially good: a warning."""
    indicator, nil = BY_SIGN[d], DEFAULT_RULES.materiality * UNIT
    target = Target(id="w3", indicator=indicator, kind=ONE_SIDED[d], values={2025: 50.0 - d * 10.0})
    short = {2023: 50.0, 2024: 50.0 - d * 0.03}
    assert nil > 0.03
    assert checks(flag_table(frame(indicator, short), target), "W3").empty
    slow = {2021 + i: 50.0 - d * 0.02 * i for i in range(4)}
    assert nil <= 3 * 0.02
    assert severity(checks(flag_table(frame(indicator, slow), target), "W3")) == "warning"


@SIGNS
def test_w3_a_direction_target_worse_than_its_baseline_is_an_alert(d):
    """Methodology §4 (W3): worse than the baseline → alert; a direction target (increase, decrease)
    states no T, so being materially worse than the baseline is failing it. 50 at the baseline year,
    then a steady move of 0.2 a year the wrong way: materially worse than 50, an alert (not only the
    warning of a slope and a last change the wrong way)."""
    indicator = BY_SIGN[d]
    worse = {2020 + i: 50.0 - d * 0.2 * i for i in range(5)}
    assert severity(checks(flag_table(frame(indicator, worse), direction_target(d)), "W3")) == "alert"


# == W2c: Hidiroglou–Berthelot across regions ====================================================
def regions_changing(x0: list[float], x1: list[float]) -> pd.DataFrame:
    parts = [frame(HIGHER, {AS_OF - 1: a, AS_OF: b}, region=c.code) for c, a, b in zip(COUNTIES, x0, x1, strict=False)]
    return pd.concat([*parts, frame(HIGHER, {AS_OF - 1: 50.0, AS_OF: 50.0})], ignore_index=True)


def test_w2c_regions_that_all_change_alike_hold_no_outlier():
    """Hidiroglou–Berthelot: an outlier's effect lies *beyond* E_med − C·d_Q1 or E_med + C·d_Q3. Six
    counties of different sizes whose values all rise by the same quarter (ratios exact in binary):
    every ratio is the median, every effect 0, so E_med = Q1 = Q3 = 0 and d_Q1 = d_Q3 = max(0, |A·0|)
    = 0 — no effect lies beyond 0, no county is an outlier. One county doubling instead is, with the
    effect E = s·max(x₀, x₁)^U, s = r/r_med − 1 = 2/1.25 − 1 (its size weighs in at the power U); one
    county halving is too, below the median (s = 1 − r_med/r = 1 − 1.25/0.5)."""
    target = Target(id="w2", indicator=HIGHER, kind="increase")
    x0 = [8.0, 16.0, 24.0, 32.0, 48.0, 64.0]
    alike = flag_table(regions_changing(x0, [a * 1.25 for a in x0]), target)
    assert alike[alike["check"] == "W2c"].empty
    one = flag_table(regions_changing(x0, [a * (2.0 if i == 4 else 1.25) for i, a in enumerate(x0)]), target)
    w2c = one[one["check"] == "W2c"]
    assert w2c["region"].tolist() == [COUNTIES[4].code]
    effect = (2.0 / 1.25 - 1) * max(48.0, 96.0) ** DEFAULT_RULES.hb_u
    assert w2c["hb_effect"].iloc[0] == pytest.approx(effect, rel=1e-12)
    low = flag_table(regions_changing(x0, [a * (0.5 if i == 4 else 1.25) for i, a in enumerate(x0)]), target)
    w2c = low[low["check"] == "W2c"]
    assert w2c["region"].tolist() == [COUNTIES[4].code]
    effect = (1 - 1.25 / 0.5) * max(48.0, 24.0) ** DEFAULT_RULES.hb_u
    assert w2c["hb_effect"].iloc[0] == pytest.approx(effect, rel=1e-12)


# == W4: a counted gap widens only beyond its interval (methodology §7) ============================
def area_gap(urban_deaths: dict[int, float], rural_deaths: dict[int, float], births: float = 100_000.0) -> pd.DataFrame:
    """A city's MMR in its urban and rural areas on ``births`` a year in each (deaths by year)."""
    parts = []
    for area, deaths in (("urban", urban_deaths), ("rural", rural_deaths)):
        k = np.asarray(list(deaths.values()), dtype=float)
        parts.append(series(MMR, dict(zip(deaths, k / births * 1e5, strict=True)), area_type=area, numerators=k,
                            denominators=np.full(len(k), births)))
    return pd.concat(parts, ignore_index=True)


def gap_interval(year_a: int, year_b: int, urban: dict[int, float], rural: dict[int, float],
                 births: float = 100_000.0) -> float:
    """z·sqrt(Var_a + Var_b) for the change of an urban–rural gap between two years: each year's gap
    variance the sum of its two rates' Poisson variances, max(k, 1)/n² × 10^10 (per 10万), and z the
    normal quantile of count_level (1.96)."""
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - DEFAULT_RULES.count_level) / 2)
    variance = [(max(urban[y], 1) + max(rural[y], 1)) / births**2 * 1e10 for y in (year_a, year_b)]
    return z * float(np.sqrt(sum(variance)))


GAP_TARGET = Target(id="gap", indicator=MMR, kind="gap_narrowing", gap_between="area_type")


def test_w4_a_counted_gap_widening_within_its_interval_is_not_a_widening():
    """The gap between the rural and the urban MMR (per 10万, 100,000 births a year in each, so a rate
    is its deaths) is 50 for four years and then 50 + x. Against last year and against the baseline
    alike, x widens the gap only beyond z·sqrt(Var_2024 + Var_2023) (about 36): x = 35 is within it
    (nothing), x = 37 beyond it and 74% wider than at baseline (an alert)."""
    urban = {y: 50.0 for y in range(2020, 2025)}
    for x, expected in [(35.0, "none"), (37.0, "alert")]:
        rural = {**{y: 100.0 for y in range(2020, 2024)}, 2024: 100.0 + x}
        interval = gap_interval(2023, 2024, urban, rural)
        assert (x < interval) == (expected == "none") and abs(x - interval) < 1.5
        w4 = checks(flag_table(area_gap(urban, rural), GAP_TARGET), "W4")
        assert severity(w4) == expected, x


def test_w4_a_counted_gap_observed_first_in_the_earliest_year_keeps_its_interval():
    """A gap observed in 2015 and 2024 only (2015 is the earliest year the engine holds: the previous
    observation and the substituted baseline): 50, then 80. The change, 30, is within
    z·sqrt(Var_2024 + Var_2015) (about 35), so not a widening — the earliest year's variance counts
    like any other year's; 40 wider would be beyond it (an alert, 80% wider than at baseline)."""
    urban = {2015: 50.0, 2024: 50.0}
    for x, expected in [(30.0, "none"), (40.0, "alert")]:
        rural = {2015: 100.0, 2024: 100.0 + x}
        assert (x < gap_interval(2015, 2024, urban, rural)) == (expected == "none")
        w4 = checks(flag_table(area_gap(urban, rural), GAP_TARGET), "W4")
        assert severity(w4) == expected, x
        if len(w4):
            assert (w4["gap_previous"].iloc[0], w4["gap_baseline"].iloc[0]) == (50.0, 50.0)


# == W3 on counts: the GLM's slope from count_min_events events (methodology §7) ====================
def test_w3_on_counts_reads_the_poisson_glm_slope_from_count_min_events_events():
    """Methodology §7: W3 on a rate with counts counts a slope only when the Poisson GLM's 95% interval
    lies wholly on the bad side of 0, and the GLM needs count_min_events events in the window; with
    fewer, the latest year's events are tested exactly against the rest of the window's. Deaths 1, 2,
    4, 5, 8 on 20,000 births a year (20 events): the GLM's slope interval (statsmodels) lies above 0,
    while neither exact test (8 of 20 against a fifth, 8 of 13 against a half) is below count_alpha:
    a warning from the slope. Deaths 1, 2, 4, 5, 7 (19 events): the exact test decides, nothing."""
    import statsmodels.api as sm
    from scipy.stats import binom

    births = np.full(5, 20_000.0)
    rules = DEFAULT_RULES
    target = Target(id="mmr", indicator=MMR, kind="decrease")
    for deaths, expected in [([1.0, 2.0, 4.0, 5.0, 8.0], "warning"), ([1.0, 2.0, 4.0, 5.0, 7.0], "none")]:
        k = np.asarray(deaths)
        glm = sm.GLM(k, sm.add_constant(np.arange(2020.0, 2025.0)), family=sm.families.Poisson(),
                     offset=np.log(births)).fit()
        slope_lower = glm.conf_int(alpha=1 - rules.count_level)[1][0]
        rest = binom.sf(k[-1] - 1, k.sum(), births[-1] / births.sum())  # the latest year against the window
        step = binom.sf(k[-1] - 1, k[-1] + k[-2], 0.5)  # the latest year against the year before
        assert slope_lower > 0 and rest >= rules.count_alpha and step >= rules.count_alpha
        assert (k.sum() >= rules.count_min_events) == (expected == "warning")
        w3 = checks(flag_table(mmr(deaths, list(births)), target, rules=rules), "W3")
        assert severity(w3) == expected, deaths


def test_w3_on_counts_a_straight_line_the_counts_cannot_tell_from_flat_is_no_deterioration():
    """Methodology §7: on a rate with counts W3's slope is the Poisson GLM's, counted only when its 95%
    interval lies wholly on the bad side of 0 — whatever the least-squares line says. Deaths 5, 4, 4,
    5, 5 on 20,000 births a year (23 events): the straight line through the rates rises 0.5/10万 a
    year, 2/10万 over the window (material, the wrong way for a lower-is-better rate), the last change
    is 0 and the latest rate equals the baseline's; the GLM's slope interval (statsmodels) holds 0, so
    nothing."""
    import statsmodels.api as sm

    births = np.full(5, 20_000.0)
    deaths = [5.0, 4.0, 4.0, 5.0, 5.0]
    rates = np.asarray(deaths) / births * 1e5
    slope = np.polyfit(np.arange(2020.0, 2025.0), rates, 1)[0]
    assert slope * 4 >= DEFAULT_RULES.materiality * UNIT and rates[-1] == rates[-2] == rates[0]
    glm = sm.GLM(np.asarray(deaths), sm.add_constant(np.arange(2020.0, 2025.0)), family=sm.families.Poisson(),
                 offset=np.log(births)).fit()
    lower, upper = glm.conf_int(alpha=1 - DEFAULT_RULES.count_level)[1]
    assert lower < 0 < upper and sum(deaths) >= DEFAULT_RULES.count_min_events
    target = Target(id="mmr", indicator=MMR, kind="decrease")
    assert checks(flag_table(mmr(deaths, list(births)), target), "W3").empty


# == the trend window of the counts (_window_events, _counted; the fifth run) =======================
@pytest.mark.parametrize("rules", [DEFAULT_RULES, replace(DEFAULT_RULES, name="thirty", count_min_events=30)],
                         ids=["default", "thirty"])
def test_events_before_the_trend_window_do_not_count_towards_count_min_events(rules):
    """Methodology §7: the events counted are those of the trend window, the last trend_window
    observed years. A year before the window with many deaths does not lift a window of
    count_min_events − 1 deaths to enough: too_few_events is said, and W1 is withheld."""
    window = window_deaths(rules.count_min_events - 1)
    births = [20_000.0] * (rules.trend_window + 1)
    deaths = [float(rules.count_min_events)] + window
    first = AS_OF - rules.trend_window
    table = flag_table(mmr(deaths, births, first=first), Target(id="mmr", indicator=MMR, kind="at_most",
                                                                values={2025: 10.0}), rules=rules)
    assert len(checks(table, "too_few_events")) == 1
    assert checks(table, "W1").empty


def test_a_year_without_counts_before_the_trend_window_leaves_the_rate_counted():
    """Methodology §7: a rate is judged on its counts when every observation *of its trend window* has
    them. A value reported without counts the year before the window does not stop the window's
    count_min_events − 1 deaths from being too few (too_few_events, W1 withheld)."""
    rules = DEFAULT_RULES
    window = window_deaths(rules.count_min_events - 1)
    first = AS_OF - rules.trend_window
    deaths = np.asarray([np.nan] + window)
    births = np.asarray([np.nan] + [20_000.0] * rules.trend_window)
    values = [30.0] + [d / 20_000.0 * 1e5 for d in window]
    data = series(MMR, years(first, *values), numerators=deaths, denominators=births)
    table = flag_table(data, Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 10.0}), rules=rules)
    assert len(checks(table, "too_few_events")) == 1
    assert checks(table, "W1").empty


# == a series of zeros and the exact tests' alpha (_all_zero, _significant; the sixth run) =========
@pytest.mark.parametrize("d", [-1, 1], ids=["lower", "higher"])
def test_a_series_of_zeros_is_read_over_the_trend_window_only(d):
    """docs/methodology.md §4: a lower-is-better series of zeros — no event *in any year of the
    window* — is never projected to miss; a higher-is-better series held at 0 is, like any other
    miss. At as_of = 2025 the trend window is 2021–2025: a series at 3.0 in 2020 and 0 in every
    year of the window projects to 0, outside a band of [5, 10]. Lower is better: a series of
    zeros, no W1 — the year before the window does not count. Higher is better: W1's warning."""
    indicator = {-1: LOWER, 1: SHARE}[d]
    first = 2025 - DEFAULT_RULES.trend_window
    values = {first: 3.0, **{year: 0.0 for year in range(first + 1, 2026)}}
    target = Target(id="b", indicator=indicator, kind="band", lower=5.0, upper=10.0)
    w1 = checks(flag_table(frame(indicator, values), target, as_of=2025), "W1")
    assert severity(w1) == ("none" if d < 0 else "warning")


@pytest.mark.parametrize("deaths", [1, 2, 3])
def test_w3_on_counts_an_exact_p_of_count_alpha_is_not_below_it(deaths):
    """Methodology §7: a counted change counts only when the exact test gives p *below* count_alpha.
    An MMR observed in two years on equal births, 0 deaths then ``deaths``: the conditional test of
    the rise gives P(X ≥ deaths | deaths, ½) = ½**deaths, exact in binary. Too few events for the
    GLM, so W3's slope is the exact test of the latest year against the rest of the window (here
    the year before), its step and its comparison with the baseline (the plan's baseline year
    unobserved, 2023's 0 stands in) the same test: with count_alpha = ½**deaths, p is not below it
    and nothing moves (no W3); with count_alpha a little above, all three are bad, and a direction
    target (no T) worse than its baseline fails it — W3's alert."""
    p = 0.5 ** deaths
    data = mmr([0.0, float(deaths)], [1_000.0, 1_000.0], first=AS_OF - 1)
    target = Target(id="mmr", indicator=MMR, kind="decrease")
    at = replace(DEFAULT_RULES, name="at_p", count_alpha=p)
    assert checks(flag_table(data, target, rules=at), "W3").empty
    above = replace(DEFAULT_RULES, name="above_p", count_alpha=p * 1.01)
    assert severity(checks(flag_table(data, target, rules=above), "W3")) == "alert"


@pytest.mark.parametrize("missing", ["deaths", "births"])
def test_a_rate_missing_either_count_in_a_year_of_its_window_is_not_judged_on_counts(missing):
    """Methodology §7: the Poisson GLM judges a rate from its events and exposure (the births), so a
    rate is judged on counts only when every observation of its trend window has both. An MMR at
    40/10万 (8 deaths on 20,000 births a year) flat against at most 10 is W1's alert by the GLM
    when every year has its counts; with one year's deaths (or births) not reported it is judged by
    the screen's projection, the plain trend, as a rate without counts is."""
    target = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 10.0})
    deaths, births = np.full(5, 8.0), np.full(5, 20_000.0)
    values = deaths / births * 1e5
    full = checks(flag_table(series(MMR, years(2020, *values), numerators=deaths, denominators=births), target), "W1")
    assert set(full["method"]) == {"poisson_glm"}
    (deaths if missing == "deaths" else births)[2] = np.nan
    partial = checks(flag_table(series(MMR, years(2020, *values), numerators=deaths, denominators=births), target), "W1")
    assert set(partial["method"]) == {"trend"} and len(partial) == 2


@pytest.mark.parametrize("births, judged_by", [(0.0, "trend"), (1.0, "poisson_glm")], ids=["no_birth", "one_birth"])
def test_a_year_of_the_window_counts_when_it_has_any_exposure(births, judged_by):
    """Methodology §7: the GLM's offset is log n, the year's births: a year reported with 0 births
    (its value from elsewhere) has no count behind it, so the MMR is judged by the screen's trend;
    a year of a single birth (and no death) is a count like any other, and the GLM judges the rate
    (8 deaths on 20,000 births in the other four years, flat at 40/10万 against at most 10)."""
    target = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 10.0})
    deaths, exposure = np.full(5, 8.0), np.full(5, 20_000.0)
    values = deaths / exposure * 1e5
    deaths[2], exposure[2] = 0.0, births
    values[2] = 40.0 if births == 0 else 0.0
    w1 = checks(flag_table(series(MMR, years(2020, *values), numerators=deaths, denominators=exposure), target), "W1")
    assert set(w1["method"]) == {judged_by} and len(w1) == 2


def test_w3_exact_test_of_the_latest_year_against_the_rest_of_the_trend_window_only():
    """Methodology §7 (docs/methodology.md §4): with fewer than count_min_events events W3's slope
    counts when the latest year's events against the rest *of the window's* differ by the exact
    test. An MMR on 10,000 births a year: 10 deaths in 2019, before the window 2020–2024, then
    1, 1, 1, 1 and 6. The window's 10 deaths are too few for the GLM; 6 against the rest's 4 on
    four times the births gives p = P(X ≥ 6 | 10, 1/5) < count_alpha, so the slope is bad; the
    last change 1 → 6 is within chance (P(X ≥ 6 | 7, ½) = 1/16), not good: W3's warning. Counting
    2019 in the rest (14 deaths on five times the births) would leave p ≈ 0.10."""
    from scipy.stats import binom

    rules = DEFAULT_RULES
    assert binom.sf(5, 10, 1 / 5) < rules.count_alpha < binom.sf(5, 20, 1 / 6)
    assert binom.sf(5, 7, 0.5) > rules.count_alpha
    data = mmr([10.0, 1.0, 1.0, 1.0, 1.0, 6.0], [10_000.0] * 6, first=AS_OF - rules.trend_window)
    w3 = checks(flag_table(data, Target(id="w3", indicator=MMR, kind="decrease"), rules=rules), "W3")
    assert severity(w3) == "warning"
    assert w3["message_en"].str.startswith("few events, by the exact test").all()


@pytest.mark.parametrize("level", [30.0, 70.0], ids=["below", "above"])
def test_w1_a_balance_has_no_good_side_of_its_band(level):
    """Methodology §8 (左右): a level 左右 a share of women is reached at or above the band's lower
    edge, unless the plan means a balance, which has no better side. A balance (an indicator with no
    direction) held at 30% or at 70% against 50% 左右 is projected outside its band [50 ± 3%] on
    either side: W1's warning both times."""
    balance = Target(id="balance", indicator=NO_DIRECTION, kind="around", values={2025: 50.0})
    data = frame(NO_DIRECTION, years(2020, *[level] * 5))
    assert severity(checks(flag_table(data, balance), "W1", target_year=2025)) == "warning"


@pytest.mark.parametrize("zero_in", [AS_OF - 1, AS_OF], ids=["from_zero", "to_zero"])
def test_w2c_a_region_at_zero_in_either_year_is_no_candidate(zero_in):
    """Hidiroglou–Berthelot compares the ratios x₁/x₀ of regions positive in both years: a county at
    0 in as_of − 1 (or in as_of) has no ratio (its effect would be infinite) and is left out of W2c,
    its change W2's business. Five counties rising alike by a quarter and a sixth going 0 → 40 (or
    40 → 0): no W2c outlier."""
    target = Target(id="w2", indicator=SHARE, kind="increase")
    x0, x1 = [8.0, 16.0, 24.0, 32.0, 48.0], [10.0, 20.0, 30.0, 40.0, 60.0]
    pair = {AS_OF - 1: 40.0, AS_OF: 40.0, zero_in: 0.0}
    parts = [frame(SHARE, {AS_OF - 1: a, AS_OF: b}, region=c.code) for c, a, b in zip(COUNTIES, x0, x1, strict=False)]
    parts.append(frame(SHARE, pair, region=COUNTIES[5].code))
    table = flag_table(pd.concat([*parts, frame(SHARE, {AS_OF - 1: 50.0, AS_OF: 50.0})], ignore_index=True), target)
    assert table[table["check"] == "W2c"].empty


def test_w2_reads_a_change_into_the_second_year_the_engine_holds():
    """Methodology §4 (W2b): a year-on-year change of w2_relative_change or more is a watch. The
    engine's years start in 2015; a share of women observed in 2015 and 2016 only, 40 → 50, changes
    by 25% in 2016 (as_of), a change like any other: W2b's watch."""
    target = Target(id="w2", indicator=SHARE, kind="increase")
    w2b = checks(flag_table(frame(SHARE, {2015: 40.0, 2016: 50.0}), target, as_of=2016), "W2b")
    assert severity(w2b) == "watch"
    assert w2b["relative_change"].iloc[0] == pytest.approx(10.0 / 40.0)


def test_w4_judges_a_gap_target_on_the_first_series_of_the_data():
    """docs/methodology.md §4: W4 warns when a gap is wider by at least half a reporting unit than
    last year and than at baseline; an alert from w4_alert_widening (10%) wider than the baseline. A
    gap_narrowing target on a series reported as it is — the only series of the data, so the first
    the engine holds — at 10 in 2020 and 2023 and 10.5 in 2024: 0.5 wider than both, 5% against
    the baseline, W4's warning."""
    target = Target(id="w4", indicator=LOWER, kind="gap_narrowing")
    w4 = checks(flag_table(frame(LOWER, {2020: 10.0, 2023: 10.0, 2024: 10.5}), target), "W4")
    assert DEFAULT_RULES.w4_alert_widening > 0.5 / 10.0
    assert severity(w4) == "warning"
    assert w4["relative_change"].iloc[0] == pytest.approx(0.5 / 10.0)


# == W1 on counts: a probability of meeting T exactly at a threshold (the seventh run) =============
def test_w1_on_counts_a_probability_of_meeting_t_at_a_threshold_is_not_below_it():
    """Methodology §7: W1 on a rate with counts is a warning when the Poisson GLM's probability of
    meeting T is *below* w1_count_warning (0.20), an alert when *below* w1_count_alert (0.05). An MMR
    about 20/10万 (4 deaths a year on 20,000 births) flat against a target of 10 in 2025: the screen
    says alert (no progress), the GLM gives a probability p (the W1 row's trace). With either
    threshold set to p itself, p is not below it: at w1_count_warning = p nothing is flagged, at
    w1_count_alert = p the flag is a warning; a threshold a step above p lifts it a class."""
    target = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 10.0})
    data = mmr([4.0] * 5, [20_000.0] * 5)
    w1 = checks(flag_table(data, target), "W1", target_year=2025)
    assert w1["method"].tolist() == ["poisson_glm"]
    p = float(w1["probability"].iloc[0])
    assert 0.0 < p < 1.0
    above = float(np.nextafter(p, 1.0))

    def w1_severity(warning: float, alert: float) -> str:
        rules = replace(DEFAULT_RULES, name=f"w1-count-{warning!r}-{alert!r}", w1_count_warning=warning, w1_count_alert=alert)
        return severity(checks(flag_table(data, target, rules=rules), "W1", target_year=2025))

    assert w1_severity(p, p / 2) == "none"
    assert w1_severity(above, p / 2) == "warning"
    assert w1_severity((1.0 + p) / 2, p) == "warning"
    assert w1_severity((1.0 + p) / 2, above) == "alert"


def test_w1_on_counts_names_its_model_in_either_language():
    """Methodology §7: W1 on a rate with counts is a Poisson GLM (log link, offset log n), and its
    message says so in both languages, as the trace's method does. The MMR flat at about 20/10万
    against 10: "Poisson regression" in English, 泊松回归 in Chinese, never logistic."""
    target = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 10.0})
    w1 = checks(flag_table(mmr([4.0] * 5, [20_000.0] * 5), target), "W1", target_year=2025)
    assert w1["method"].tolist() == ["poisson_glm"]
    assert "by a Poisson regression" in w1["message_en"].iloc[0] and "logistic" not in w1["message_en"].iloc[0]
    assert "泊松回归" in w1["message_zh"].iloc[0] and "logistic" not in w1["message_zh"].iloc[0]


# == W2c on counts: a small change's exact test, run among the outliers (hb_flags) =================
def counties_flat_but_one(moving: tuple[float, float], births: float = 100_000.0) -> pd.DataFrame:
    """An MMR in six counties on ``births`` a year in as_of − 1 and as_of: the first county's deaths
    ``moving``, the other five's the same in both years (ratio 1), and the city flat."""
    parts = [mmr(list(moving), [births] * 2, region=COUNTIES[0].code, first=AS_OF - 1)]
    parts += [mmr([k, k], [births] * 2, region=c.code, first=AS_OF - 1) for k, c in zip([18.0, 19.0, 20.0, 21.0, 22.0], COUNTIES[1:6], strict=True)]
    parts.append(mmr([120.0, 120.0], [6 * births] * 2, first=AS_OF - 1))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("moving", [(16.0, 17.0), (17.0, 16.0)], ids=["rise", "fall"])
def test_w2c_a_small_counted_change_is_an_outlier_only_with_p_below_count_alpha(moving):
    """Methodology §4 (W2c) and §7: a counted change is flagged only when the exact conditional test
    gives p *below* count_alpha. Five counties flat and one whose deaths go 16 → 17 (or 17 → 16) on
    100,000 births a year: every other ratio is 1, so E_med = Q1 = Q3 = 0, both quartile distances
    max(0, |A·0|) = 0, and the county that moves is the Hidiroglou–Berthelot outlier. Its change,
    6.25% (5.9%), is below w2_relative_change and there are no earlier changes, so neither W2a nor W2b
    asks for the exact test: it is decided among W2c's outliers. Given the 33 deaths, the later
    year's are binomial(33, ½) on equal births, so P(X ≥ 17) = P(X ≤ 16) = ½ by symmetry. At
    count_alpha = ½, p is not below it: within chance, no W2c; at count_alpha a step above ½ it is
    beyond chance: W2c's warning; at the default 0.01 within chance again."""
    from math import comb

    from wdmonitor.intervals import poisson_change_test

    low, high = sorted(moving)
    assert abs(high / low - 1) < DEFAULT_RULES.w2_relative_change
    half = sum(comb(33, k) for k in range(17, 34)) / 2**33
    assert half == 0.5
    p = poisson_change_test([moving[0]], [1e5], [moving[1]], [1e5], "larger" if moving[1] > moving[0] else "smaller")[0]
    assert p == half  # the exact tail is ½ in floating point as well
    target = Target(id="mmr", indicator=MMR, kind="decrease")
    data = counties_flat_but_one(moving)

    def w2c(alpha: float) -> pd.DataFrame:
        rules = replace(DEFAULT_RULES, name=f"w2c-alpha-{alpha!r}", count_alpha=alpha)
        table = flag_table(data, target, rules=rules)
        return table[table["check"] == "W2c"]

    assert w2c(0.5).empty
    beyond = w2c(float(np.nextafter(0.5, 1.0)))
    assert beyond["region"].tolist() == [COUNTIES[0].code]
    assert beyond["severity"].tolist() == ["warning"]
    ratio = moving[1] / moving[0]  # the rates per 100,000 are the deaths themselves
    s = ratio - 1 if ratio > 1 else 1 - 1 / ratio
    assert beyond["hb_effect"].iloc[0] == pytest.approx(s * max(moving) ** DEFAULT_RULES.hb_u, rel=1e-12)
    assert w2c(DEFAULT_RULES.count_alpha).empty


@pytest.mark.parametrize(("moving", "flagged"), [((2000.0, 2001.0), False), ((2000.0, 2010.0), True)], ids=["nil", "material"])
def test_w2c_a_counted_nil_change_is_no_outlier_whatever_its_p(moving, flagged):
    """Methodology §8: a change smaller than half a unit of the last reported decimal is nil, no
    warning; §7: a counted change counts only when p is below count_alpha. On 10,000,000 births a
    year, five counties flat and one going 2,000 → 2,001 deaths: its MMR moves 20.00 → 20.01, less
    than half of 0.1, and although the county is the Hidiroglou–Berthelot outlier (every other ratio
    1) and the exact test's p, about ½, is below a count_alpha of 0.9, a nil change is no W2c. The
    same county going 2,000 → 2,010 deaths (20.0 → 20.1, material; p about 0.45) is W2c's warning."""
    from wdmonitor.intervals import poisson_change_test

    births = 1e7
    change = (moving[1] - moving[0]) / births * 1e5
    nil = DEFAULT_RULES.materiality * UNIT
    assert (change >= nil) == flagged
    p = poisson_change_test([moving[0]], [births], [moving[1]], [births], "larger")[0]
    assert 0.4 < p <= 0.5 + 1e-9  # P(X ≥ d₂ | d₁ + d₂, ½): ½ for one death more, a little less for ten
    rules = replace(DEFAULT_RULES, name="w2c-alpha-0.9", count_alpha=0.9)
    parts = [mmr(list(moving), [births] * 2, region=COUNTIES[0].code, first=AS_OF - 1)]
    parts += [mmr([k, k], [births] * 2, region=c.code, first=AS_OF - 1)
              for k, c in zip([1800.0, 1900.0, 2100.0, 2200.0, 2300.0], COUNTIES[1:6], strict=True)]
    parts.append(mmr([12_300.0, 12_300.0], [6 * births] * 2, first=AS_OF - 1))
    table = flag_table(pd.concat(parts, ignore_index=True), Target(id="mmr", indicator=MMR, kind="decrease"), rules=rules)
    w2c = table[table["check"] == "W2c"]
    assert w2c["region"].tolist() == ([COUNTIES[0].code] if flagged else [])


def test_w2c_takes_in_regions_positive_below_one():
    """Hidiroglou–Berthelot compares the regions positive in both years, however small: six counties
    whose share of women is below 1% (0.2 to 1.0), five flat and one going 0.5 → 1.0. Every other
    ratio is 1, so E_med = Q1 = Q3 = 0 and the county that doubles is the outlier, its effect
    s·max(x₀, x₁)^U = (2/1 − 1)·1.0^U = 1."""
    target = Target(id="w2", indicator=SHARE, kind="increase")
    x0, x1 = [0.5, 0.2, 0.4, 0.6, 0.8, 1.0], [1.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    parts = [frame(SHARE, {AS_OF - 1: a, AS_OF: b}, region=c.code) for c, a, b in zip(COUNTIES, x0, x1, strict=True)]
    table = flag_table(pd.concat([*parts, frame(SHARE, {AS_OF - 1: 50.0, AS_OF: 50.0})], ignore_index=True), target)
    w2c = table[table["check"] == "W2c"]
    assert w2c["region"].tolist() == [COUNTIES[0].code]
    assert w2c["hb_effect"].iloc[0] == pytest.approx((2.0 / 1.0 - 1) * 1.0 ** DEFAULT_RULES.hb_u, rel=1e-12)


@pytest.mark.parametrize(("latest", "flagged"), [(48.04, False), (48.5, True)], ids=["nil", "material"])
def test_w2c_a_nil_change_without_counts_is_no_outlier(latest, flagged):
    """Methodology §8: a change smaller than half a unit of the last reported decimal is nil, no
    warning, whether or not counts stand behind the value. Five counties' share of women rises by a
    quarter and one stays at 48: every other ratio is 1.25, so E_med = Q1 = Q3 = 0 and the one that
    does not rise is the Hidiroglou–Berthelot outlier. 48 → 48.04 moves less than half of 0.1: nil,
    no W2c; 48 → 48.5 is material, and is W2c's warning."""
    change = latest - 48.0
    assert (change >= DEFAULT_RULES.materiality * UNIT) == flagged
    target = Target(id="w2", indicator=SHARE, kind="increase")
    x0 = [48.0, 20.0, 24.0, 28.0, 32.0, 36.0]
    x1 = [latest, *(v * 1.25 for v in x0[1:])]
    parts = [frame(SHARE, {AS_OF - 1: a, AS_OF: b}, region=c.code) for c, a, b in zip(COUNTIES, x0, x1, strict=True)]
    table = flag_table(pd.concat([*parts, frame(SHARE, {AS_OF - 1: 30.0, AS_OF: 36.0})], ignore_index=True), target)
    w2c = table[table["check"] == "W2c"]
    assert w2c["region"].tolist() == ([COUNTIES[0].code] if flagged else [])
