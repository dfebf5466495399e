"""Cases that tell the trend, target and interval rules apart from the mutants that survived.

Each test here was written against a mutant mutmut generated of ``wdmonitor.trends``,
``wdmonitor.targets`` or ``wdmonitor.intervals`` (``tools/mutation.sh``; ``docs/testing.md``
records the run and the mutants judged equivalent). The expected values are computed in the
test from an independent reference: statsmodels' OLS, WLS and Poisson and logistic GLMs for
the projections (methodology §4, W1), scipy.stats' hypergeometric and binomial distributions
for the exact tests, and the methodology's text for the target rows' directions.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import t as student

from evaluation_helpers import make_plan
from wdmonitor import Target
from wdmonitor.targets import target_rows
from wdmonitor.trends import meeting_probability, poisson_trend, project


# -- trends: the probability of meeting the target (meeting_probability) -------------------------
def ols_probability(years, values, target_year, target, sign, *, geometric=False):
    """P(the value at ``target_year`` meets ``target``) from statsmodels' OLS prediction.

    The new observation is t-distributed around the prediction with the standard error of a
    new observation (``se_obs``) and n − 2 degrees of freedom, on the log scale when geometric.
    """
    y = np.log(values) if geometric else np.asarray(values, dtype=float)
    fit = sm.OLS(y, sm.add_constant(np.asarray(years, dtype=float))).fit()
    prediction = fit.get_prediction(np.array([[1.0, float(target_year)]]))
    bound = np.log(target) if geometric else target
    score = sign * (prediction.predicted_mean[0] - bound) / prediction.se_obs[0]
    return student.cdf(score, fit.df_resid)


@pytest.mark.parametrize("sign", [1, -1], ids=["at-least", "at-most"])
def test_a_geometric_target_below_one_has_a_probability_of_being_met(sign):
    """A falling rate of 0.9 to 0.62 per mille with a target of 0.5: values and a target below 1
    have logs below 0, a scale like any other. Only a target of 0 or below has no log (and so no
    probability).
    """
    years = np.arange(2020, 2025)
    values = np.array([0.9, 0.83, 0.78, 0.7, 0.62])
    fit = project(values[None, :], years, np.array([2030]), method="ols", geometric=np.array([True]))
    assert fit.geometric[0]
    assert fit.slope[0] == pytest.approx(np.expm1(sm.OLS(np.log(values), sm.add_constant(years * 1.0)).fit().params[1]))
    probability = meeting_probability(fit, np.array([0.5]), np.array([float(sign)]))
    expected = ols_probability(years, values, 2030, 0.5, sign, geometric=True)
    assert 0.0 < expected < 1.0
    assert probability[0] == pytest.approx(expected, rel=1e-9)
    assert np.isnan(meeting_probability(fit, np.array([0.0]), np.array([float(sign)]))[0])


@pytest.mark.parametrize("sign", [1, -1], ids=["at-least", "at-most"])
def test_three_points_give_a_probability_on_one_degree_of_freedom(sign):
    """Three points in the window leave n − 2 = 1 degree of freedom: the probability and the
    prediction interval come from the t distribution with df 1."""
    years = np.arange(2022, 2025)
    values = np.array([60.0, 61.5, 62.0])
    fit = project(values[None, :], years, np.array([2030]), method="ols")
    assert fit.df[0] == 1
    probability = meeting_probability(fit, np.array([65.0]), np.array([float(sign)]))
    assert probability[0] == pytest.approx(ols_probability(years, values, 2030, 65.0, sign), rel=1e-9)
    frame = sm.OLS(values, sm.add_constant(years * 1.0)).fit().get_prediction(np.array([[1.0, 2030.0]])).summary_frame()
    assert fit.lower[0] == pytest.approx(frame["obs_ci_lower"].iloc[0], rel=1e-9)  # t(1): a wide interval
    assert fit.upper[0] == pytest.approx(frame["obs_ci_upper"].iloc[0], rel=1e-9)


def test_a_series_on_an_exact_straight_line_has_no_probability():
    """No scatter about the line: the prediction has no spread (se 0), so no probability (NaN), not 0 or 1."""
    years = np.arange(2020, 2024)
    fit = project(np.array([[60.0, 61.0, 62.0, 63.0]]), years, np.array([2030]), method="ols")
    assert fit.fitted_se[0] == 0.0 and fit.df[0] == 2
    for target in (65.0, 75.0):
        assert np.isnan(meeting_probability(fit, np.array([target]), np.array([1.0]))[0])


# -- trends: the Poisson trend of counted rates (poisson_trend) ------------------------------------
def glm_reference(deaths, births, years, target_year, multiplier=1.0):
    """statsmodels' Poisson GLM of ``deaths`` on the year with offset log(births), quasi-likelihood
    dispersion max(1, Pearson χ²/(m − 2)): (projection, lower, upper, annual change)."""
    x = sm.add_constant(np.asarray(years, dtype=float) - np.mean(years))
    model = sm.GLM(deaths, x, family=sm.families.Poisson(), offset=np.log(births)).fit()
    dispersion = max(1.0, model.pearson_chi2 / model.df_resid)
    scaled = sm.GLM(deaths, x, family=sm.families.Poisson(), offset=np.log(births)).fit(scale=dispersion)
    frame = scaled.get_prediction(np.array([[1.0, target_year - np.mean(years)]]),
                                  offset=np.log([multiplier])).summary_frame(alpha=0.05)
    return (frame["mean"].iloc[0], frame["mean_ci_lower"].iloc[0], frame["mean_ci_upper"].iloc[0],
            np.expm1(model.params[1]))


def test_a_poisson_trend_fits_the_last_five_years_per_unit_of_exposure_by_default():
    """Seven years of deaths and births, no window and no multiplier given: the GLM of the last five
    years (Eurostat's recent trend, methodology §4), the rate per birth."""
    years = np.arange(2018, 2025)
    deaths = np.array([80.0, 20, 31, 36, 33, 41, 45])  # 2018–2019 far off the recent trend
    births = np.array([150_000.0, 160_000, 200_000, 210_000, 190_000, 205_000, 215_000])
    fit = poisson_trend(deaths[None, :], births[None, :], years, 2030)
    projection, lower, upper, slope = glm_reference(deaths[2:], births[2:], years[2:], 2030)
    assert fit.estimable[0] and fit.n_points[0] == 5 and fit.first_year[0] == 2020
    assert fit.projection[0] == pytest.approx(projection, rel=1e-7)
    assert fit.lower[0] == pytest.approx(lower, rel=1e-4)
    assert fit.upper[0] == pytest.approx(upper, rel=1e-4)
    assert fit.slope[0] == pytest.approx(slope, rel=1e-7)


def test_a_poisson_trend_leaves_out_years_without_both_a_count_and_births():
    """A year is used where deaths and births are both present and births are positive: a year with
    no births stated, births of 0 or no deaths stated is left out, not read as a count."""
    years = np.arange(2017, 2025)
    deaths = np.array([30.0, 33, 31, np.nan, 36, 38, 35, 40])
    births = np.array([200_000.0, 205_000, 0.0, 198_000, np.nan, 210_000, 207_000, 212_000])
    fit = poisson_trend(deaths[None, :], births[None, :], years, 2030, window=8, multiplier=1e5)
    keep = np.isfinite(deaths) & np.isfinite(births) & (births > 0)
    assert keep.sum() == 5
    projection, lower, upper, slope = glm_reference(deaths[keep], births[keep], years[keep], 2030, 1e5)
    assert fit.estimable[0] and fit.n_points[0] == 5 and fit.events[0] == deaths[keep].sum()
    assert fit.projection[0] == pytest.approx(projection, rel=1e-7)
    assert fit.lower[0] == pytest.approx(lower, rel=1e-4)
    assert fit.upper[0] == pytest.approx(upper, rel=1e-4)
    assert fit.slope[0] == pytest.approx(slope, rel=1e-7)


def binomial_reference(successes, trials, years, target_year, multiplier=100.0):
    """statsmodels' logistic GLM of successes out of trials on the year, dispersion as for Poisson:
    (projection × multiplier, annual change of the odds)."""
    x = sm.add_constant(np.asarray(years, dtype=float) - np.mean(years))
    endog = np.column_stack([successes, np.asarray(trials) - np.asarray(successes)])
    model = sm.GLM(endog, x, family=sm.families.Binomial()).fit()
    frame = model.get_prediction(np.array([[1.0, target_year - np.mean(years)]])).summary_frame()
    return frame["mean"].iloc[0] * multiplier, np.expm1(model.params[1])


COUNTY_BIRTHS = np.array([3300.0, 3250, 3400, 3380, 3310])


@pytest.mark.parametrize("deaths", [[2.0, 0, 3, 1, 2], [0.0, 1, 0, 2, 0]], ids=["one-year-without", "three-years-without"])
def test_a_year_without_a_death_is_a_count_of_zero_in_the_poisson_trend(deaths):
    """A county's year with no maternal death is a year with a count of 0, used like any other."""
    deaths = np.array(deaths)
    fit = poisson_trend(deaths[None, :], COUNTY_BIRTHS[None, :], np.arange(2020, 2025), 2030, multiplier=1e5)
    projection, lower, upper, slope = glm_reference(deaths, COUNTY_BIRTHS, np.arange(2020, 2025), 2030, 1e5)
    assert fit.estimable[0] and fit.n_points[0] == 5
    assert fit.projection[0] == pytest.approx(projection, rel=1e-7)
    assert fit.slope[0] == pytest.approx(slope, rel=1e-7)


def test_a_single_death_in_a_middle_year_has_a_poisson_trend():
    """One death, neither in the first nor in the last year: the estimate exists (a flat trend)."""
    deaths = np.array([0.0, 0, 1, 0, 0])
    fit = poisson_trend(deaths[None, :], COUNTY_BIRTHS[None, :], np.arange(2020, 2025), 2030, multiplier=1e5)
    projection, lower, upper, slope = glm_reference(deaths, COUNTY_BIRTHS, np.arange(2020, 2025), 2030, 1e5)
    assert fit.estimable[0] and fit.events[0] == 1
    assert fit.projection[0] == pytest.approx(projection, rel=1e-6)
    assert fit.slope[0] == pytest.approx(slope, abs=1e-6)


@pytest.mark.parametrize("family", ["poisson", "binomial"])
def test_a_count_trend_needs_three_years(family):
    """Two years of counts are not a trend (the two-parameter model would fit them exactly); three are."""
    years = np.arange(2022, 2025)
    events = np.array([30.0, 36, 41])
    exposure = np.array([200.0, 210, 205]) if family == "binomial" else np.array([200_000.0, 210_000, 205_000])
    multiplier = 100.0 if family == "binomial" else 1e5
    two = poisson_trend(events[None, 1:], exposure[None, 1:], years[1:], 2030, multiplier=multiplier, family=family)
    assert not two.estimable[0] and np.isnan(two.projection[0])
    three = poisson_trend(events[None, :], exposure[None, :], years, 2030, multiplier=multiplier, family=family)
    if family == "binomial":
        projection, slope = binomial_reference(events, exposure, years, 2030)
    else:
        projection, _, _, slope = glm_reference(events, exposure, years, 2030, multiplier)
    assert three.estimable[0] and three.n_points[0] == 3
    assert three.projection[0] == pytest.approx(projection, rel=1e-7)
    assert three.slope[0] == pytest.approx(slope, rel=1e-7)


def _binomial_fit_and_reference(successes, trials, years):
    """The library's binomial trend of one series to 2030 (asserted estimable), and statsmodels' projection and slope."""
    fit = poisson_trend(successes[None, :], trials[None, :], years, 2030, multiplier=100, family="binomial")
    assert fit.estimable[0]
    return (fit, *binomial_reference(successes, trials, years, 2030))


def test_a_year_of_a_single_trial_is_used_in_the_binomial_trend():
    """A committee seat filled once in a year (one trial) is a year of counts: trials ≥ 1 are used."""
    years = np.arange(2020, 2025)
    successes = np.array([3.0, 1, 4, 4, 5])
    trials = np.array([9.0, 1, 9, 8, 9])
    fit, projection, slope = _binomial_fit_and_reference(successes, trials, years)
    assert fit.n_points[0] == 5
    assert fit.projection[0] == pytest.approx(projection, rel=1e-7)
    assert fit.slope[0] == pytest.approx(slope, rel=1e-7)


def test_a_single_failure_in_a_middle_year_has_a_binomial_trend():
    """Every trial succeeded but one, in neither the first nor the last year: the estimate exists."""
    years = np.arange(2020, 2025)
    trials = np.array([9.0, 9, 10, 9, 9])
    successes = trials - np.array([0.0, 0, 1, 0, 0])
    fit, projection, slope = _binomial_fit_and_reference(successes, trials, years)
    assert fit.projection[0] == pytest.approx(projection, rel=1e-6)
    assert fit.slope[0] == pytest.approx(slope, abs=1e-6)


def test_one_death_in_the_middle_of_three_years_has_the_glm_interval():
    """Few expected events make the information matrix's determinant small (2/3 here): the interval
    is still the GLM's, however little information there is."""
    deaths = np.array([0.0, 1, 0])
    births = np.full(3, 3300.0)
    years = np.arange(2022, 2025)
    fit = poisson_trend(deaths[None, :], births[None, :], years, 2030, multiplier=1e5)
    projection, lower, upper, slope = glm_reference(deaths, births, years, 2030, 1e5)
    assert fit.estimable[0]
    assert fit.projection[0] == pytest.approx(projection, rel=1e-6)
    assert fit.lower[0] == pytest.approx(lower, rel=1e-4)
    assert fit.upper[0] == pytest.approx(upper, rel=1e-4)


def test_three_scattered_years_widen_the_interval_by_the_dispersion_on_one_degree_of_freedom():
    """Counts of 30, 60 and 35 scatter more than Poisson counts do: φ = Pearson χ²/(3 − 2) > 1
    scales the variance (quasi-likelihood, methodology §4 via PoissonTrend)."""
    deaths = np.array([30.0, 60, 35])
    births = np.array([200_000.0, 210_000, 205_000])
    years = np.arange(2022, 2025)
    x = sm.add_constant(years - years.mean())
    chi2 = sm.GLM(deaths, x, family=sm.families.Poisson(), offset=np.log(births)).fit().pearson_chi2
    fit = poisson_trend(deaths[None, :], births[None, :], years, 2030, multiplier=1e5)
    projection, lower, upper, slope = glm_reference(deaths, births, years, 2030, 1e5)
    assert chi2 > 1.5 and fit.dispersion[0] == pytest.approx(chi2 / 1, rel=1e-6)
    assert fit.lower[0] == pytest.approx(lower, rel=1e-4)
    assert fit.upper[0] == pytest.approx(upper, rel=1e-4)


# -- targets: the target rows (targets._sign, target_rows) -----------------------------------------
HIGHER = "life_expectancy_female"  # years, higher is better
LOWER = "anaemia_prevalence_pregnant"  # percent, lower is better


def target_table(*targets, year=2025, regions=("211400",), precision=None):
    return target_rows(make_plan(*targets, precision=precision), year, list(regions))


def one_row(target, **kwargs):
    rows = target_table(target, **kwargs)
    rows = rows[rows["target_id"] == target.id]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(("kind", "indicator", "sign"), [
    ("at_least", LOWER, 1), ("at_most", HIGHER, -1),  # the kind states d whatever the indicator's direction
    ("increase", LOWER, 1), ("decrease", HIGHER, -1),
    ("around", LOWER, -1), ("around", HIGHER, 1),  # else the indicator's direction does (左右: which side is good)
])
def test_a_target_s_direction_is_its_kind_s_else_its_indicator_s(kind, indicator, sign):
    values = {2025: float("nan")} if kind in ("increase", "decrease") else {2025: 50.0}
    assert one_row(Target(id="t", indicator=indicator, kind=kind, values=values)).sign == sign


@pytest.mark.parametrize(("relation", "indicator", "sign"), [
    (None, LOWER, 1), ("not_below", LOWER, 1),  # 不低于: at least the reference, whatever the indicator
    ("commensurate", LOWER, -1), ("commensurate", HIGHER, 1),  # 相适应: the indicator's direction
])
def test_a_relative_to_target_s_direction_is_not_below_or_the_indicator_s(relation, indicator, sign):
    target = Target(id="r", indicator=indicator, kind="relative_to", reference="female_share_party_members",
                    relation=relation)
    assert one_row(target).sign == sign


@pytest.mark.parametrize(("delta", "sign"), [(-0.5, -1), (0.0, 1), (0.5, 1), (5.0, 1)])
def test_a_relative_to_baseline_target_s_direction_is_the_sign_of_its_delta(delta, sign):
    """y_E ≥ y_b + Δ (methodology §2): Δ ≥ 0 is met from above (+1), Δ < 0 from below (−1)."""
    target = Target(id="d", indicator=HIGHER, kind="relative_to_baseline", values={2025: delta, 2030: 10.0},
                    delta_mode="points")
    assert one_row(target).sign == sign


def test_a_qualitative_target_without_an_indicator_has_no_direction():
    row = one_row(Target(id="q", indicator=None, kind="qualitative", text_zh="建立健全工作机制"))
    assert row.sign == 0 and row.precision == 1 and row.unit == ""


def test_a_relative_to_baseline_target_without_a_delta_is_a_row_met_from_above():
    """No Δ stated (the plan's clause gives none yet): the row is still made, with no stated target,
    and read as a rise (Δ taken as positive)."""
    row = one_row(Target(id="d", indicator=HIGHER, kind="relative_to_baseline", values={}, delta_mode="points"))
    assert row.sign == 1 and np.isnan(row.target_stated)


# -- trends: the geometric scale falls back to the linear one (project) ----------------------------
@pytest.mark.parametrize("method", ["trend", "ols"])
def test_a_geometric_series_with_a_zero_in_its_window_is_projected_on_the_linear_scale(method):
    """A zero has no log: a rate that reached 0 in the window is fitted on the value scale."""
    years = np.arange(2020, 2025)
    values = np.array([[3.0, 2.0, 0.0, 1.0, 0.5]])
    fit = project(values, years, np.array([2030]), method=method, geometric=np.array([True]))
    linear = project(values, years, np.array([2030]), method=method, geometric=np.array([False]))
    assert not fit.geometric[0]
    if method == "trend":
        assert fit.slope[0] == pytest.approx((0.5 - 3.0) / 4)
    else:
        ols = sm.OLS(values[0], sm.add_constant(years.astype(float))).fit()
        assert fit.slope[0] == pytest.approx(ols.params[1], rel=1e-9)
    assert fit.projection[0] == pytest.approx(linear.projection[0], rel=1e-12)


@pytest.mark.parametrize("method", ["trend", "ols"])
def test_two_points_give_a_line_through_them_and_no_interval(method):
    """Two observations (2023 and 2024, so Σ(x − x̄)² = ½) are enough for a projection, the line
    through both; with no degree of freedom left there is no interval and no standard error."""
    years = np.arange(2020, 2025)
    values = np.array([[np.nan, np.nan, np.nan, 62.0, 63.5]])
    fit = project(values, years, np.array([2030]), method=method)
    assert fit.n_points[0] == 2 and fit.df[0] == 0
    assert fit.slope[0] == pytest.approx(1.5)
    assert fit.projection[0] == pytest.approx(63.5 + 6 * 1.5)
    assert np.isnan(fit.lower[0]) and np.isnan(fit.upper[0]) and np.isnan(fit.fitted_se[0])


def test_escap_weights_only_the_years_before_the_target_year():
    """ESCAP's w_i = (E − t_min)/(E − t_i) is defined for t_i < E: a year at E (infinite weight) or
    after it (negative weight) carries none, so projecting back to 2023 from 2020–2024 is the
    weighted regression on 2020–2022 with weights 1, 1.5 and 3."""
    years = np.arange(2020, 2025)
    values = np.array([60.0, 61.0, 61.6, 63.0, 62.4])
    fit = project(values[None, :], years, np.array([2023]), method="escap")
    before = years < 2023
    weights = (2023 - 2020) / (2023 - years[before])
    np.testing.assert_allclose(weights, [1.0, 1.5, 3.0])
    wls = sm.WLS(values[before], sm.add_constant(years[before] * 1.0), weights=weights).fit()
    assert fit.slope[0] == pytest.approx(wls.params[1], rel=1e-9)
    assert fit.projection[0] == pytest.approx(wls.params[0] + wls.params[1] * 2023, rel=1e-9)


# -- intervals: the exact tests of a change (binomial_change_test, count_change_test) -------------
@pytest.mark.parametrize("year", [1, 2])
def test_fishers_test_takes_a_year_of_one_trial_and_refuses_a_year_of_none(year):
    """One trial is a year of counts (1 success of 1, then 0 of 5: P(X ≤ 0) for X hypergeometric
    with 1 success among 6 trials, 5 of them drawn, is 1/6); no trial is no count (NaN)."""
    from scipy.stats import hypergeom

    from wdmonitor.intervals import binomial_change_test

    if year == 1:
        p = binomial_change_test([1], [1], [0], [5], "smaller")[0]
        assert p == pytest.approx(hypergeom.cdf(0, 6, 1, 5), rel=1e-9) and p == pytest.approx(1 / 6, rel=1e-9)
        assert np.isnan(binomial_change_test([0], [0], [2], [7], "larger")[0])
    else:
        p = binomial_change_test([0], [5], [1], [1], "larger")[0]
        assert p == pytest.approx(hypergeom.sf(0, 6, 1, 1), rel=1e-9) and p == pytest.approx(1 / 6, rel=1e-9)
        assert np.isnan(binomial_change_test([2], [7], [0], [0], "smaller")[0])


def test_the_change_test_of_counts_is_poissons_unless_asked_for_fishers():
    """Without ``binomial`` the counts are events and exposure (a rate): the conditional test of two
    Poisson counts, 9 of the 12 events in the second of two equal exposures: P(X ≥ 9), X ~ B(12, ½)."""
    from scipy.stats import binom

    from wdmonitor.intervals import count_change_test

    p = count_change_test([3], [10_000], [9], [10_000])[0]
    assert p == pytest.approx(binom.sf(8, 12, 0.5), rel=1e-12)


def test_a_target_row_is_judged_in_its_year_and_a_later_stated_value_is_a_milestone():
    """A value stated for the evaluation year is that year's target (not a milestone); judged the
    year before, the same value is a milestone; a kind without values is judged in the evaluation
    year, a qualitative one in its final year (methodology §2)."""
    at_least = Target(id="a", indicator=HIGHER, kind="at_least", values={2025: 80.0, 2030: 81.0})
    assert not one_row(at_least, year=2025).milestone and one_row(at_least, year=2025).target_year == 2025
    assert one_row(at_least, year=2024).milestone and one_row(at_least, year=2024).target_year == 2025
    increase = one_row(Target(id="i", indicator=HIGHER, kind="increase", values={2030: float("nan")}), year=2025)
    assert increase.target_year == 2025 and not increase.milestone
    qualitative = one_row(Target(id="q", indicator=None, kind="qualitative", text_zh="建立健全工作机制", values={2030: float("nan")}))
    assert qualitative.target_year == 2030


def test_a_relative_to_baseline_row_takes_the_baseline_year_its_target_states():
    target = Target(id="d", indicator=HIGHER, kind="relative_to_baseline", values={2025: 1.0}, delta_mode="points",
                    baseline_years={2025: 2019})
    assert one_row(target).baseline_year == 2019
    plain = Target(id="e", indicator=HIGHER, kind="relative_to_baseline", values={2025: 1.0}, delta_mode="points")
    assert one_row(plain).baseline_year == make_plan(plain).baseline_year


def test_a_parity_row_is_reported_to_two_decimals_at_least_and_other_rows_to_their_own():
    """Methodology §8: a parity index is reported to at least 2 decimals; other kinds keep the
    indicator's precision (1 here); an indicator without a natural limit has none (NaN)."""
    parity = one_row(Target(id="p", indicator="kindergarten_enrolment", kind="parity", area="education"), precision=1)
    assert parity.precision == 2
    other = target_table(Target(id="a", indicator=HIGHER, kind="at_least", values={2025: 80.0}), precision=1)
    assert other["precision"].tolist() == [1]
    assert other["natural_limit"].dtype == float and np.isnan(other["natural_limit"].iloc[0])


# == target_rows: which rows a target has, and which a plan's baseline reaches (left open on 2026-12-02) ==
BOTH = "upper_secondary_gross_enrolment_rate"  # percent, reported for women and men: a total may come too


def test_a_target_on_both_sexes_needs_each_sex_and_takes_the_total_only_where_it_comes():
    """A target naming no sex, on an indicator reported for both sexes, is judged for women and for
    men whatever the data hold (a missing sex is 无法评估, never dropped) and on the total only
    where a total was sent: only the total row is optional."""
    rows = target_table(Target(id="b", indicator=BOTH, kind="at_least", values={2025: 92.0}))
    assert rows.set_index("sex")["optional"].to_dict() == {"female": False, "male": False, "total": True}


def test_a_plans_stated_baseline_stands_in_for_its_own_series_and_never_for_a_gap_derived_from_it():
    """The plan's baseline (the jurisdiction's value in the baseline year, methodology §2) is a level of
    the indicator itself: the at_least row takes it, the gap between the sexes derived from the same
    indicator does not (a level is no gap)."""
    from wdmonitor.indicators import Baseline

    level = Target(id="l", indicator=BOTH, kind="at_least", values={2025: 92.0})
    gap = Target(id="g", indicator=BOTH, kind="gap_narrowing", area="education")
    plan = make_plan(level, gap, baselines=(Baseline(indicator=BOTH, year=2020, value=88.5),))
    rows = target_rows(plan, 2025, ["211400"])
    assert rows.loc[rows["target_id"] == "l", "plan_baseline"].tolist() == [88.5] * 3  # female, male and total
    derived = rows[rows["target_id"] == "g"]
    assert derived["derivation"].tolist() == ["sex_gap"] and derived["plan_baseline"].isna().all()


def test_a_qualitative_goal_and_a_spread_across_regions_are_the_jurisdictions_rows_alone():
    """A target row is repeated for every region present, except a qualitative goal (the committee's
    verdict per region comes later, apply_assessments) and the spread across the sub-regions
    (区域差距), which only the jurisdiction has."""
    per_region = Target(id="r", indicator=HIGHER, kind="at_least", values={2025: 80.0})
    qualitative = Target(id="q", indicator=None, kind="qualitative", text_zh="建立健全妇女发展工作机制")
    spread = Target(id="s", indicator=HIGHER, kind="gap_narrowing", gap_between="region")
    regions = ["211402", "211403", "211400"]
    rows = target_rows(make_plan(per_region, qualitative, spread), 2025, regions)
    by_target = rows.groupby("target_id")["region"].agg(list).to_dict()
    assert by_target == {"r": regions, "q": ["211400"], "s": ["211400"]}
