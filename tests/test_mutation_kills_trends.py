"""Cases that tell the count trend (``poisson_trend``) apart from the mutants that survived.

Each test here was written against a mutant mutmut generated of ``wdmonitor.trends`` in the
run of 2026-12-04 of Newton's iteration and the outputs of ``poisson_trend`` (mutants 300–720;
``docs/testing.md`` records the run and the mutants judged equivalent). The expected values are
computed in the test from an independent reference — statsmodels' Poisson GLM with log(births)
as offset and its logistic GLM, each refitted with the quasi-likelihood dispersion
max(1, Pearson χ²/(m − 2)) as statsmodels' ``scale`` — or by hand from the counts, and the
tests read only the fields of the ``PoissonTrend`` that ``poisson_trend`` returns.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import norm

from wdmonitor.trends import poisson_trend, project

YEARS = np.arange(2020, 2025)


def scaled_glm(successes, exposure, years, family):
    """statsmodels' GLM of the counts on the centred year, refitted at the dispersion max(1, X²/df)."""
    x = sm.add_constant(np.asarray(years, dtype=float) - np.mean(years))
    if family == "binomial":
        endog, kwargs, model_family = np.column_stack([successes, exposure - successes]), {}, sm.families.Binomial()
    else:
        endog, kwargs, model_family = successes, {"offset": np.log(exposure)}, sm.families.Poisson()
    model = sm.GLM(endog, x, family=model_family, **kwargs).fit()
    dispersion = max(1.0, model.pearson_chi2 / model.df_resid)
    return sm.GLM(endog, x, family=model_family, **kwargs).fit(scale=dispersion)


# -- the interval of the annual rate of change (slope_lower, slope_upper) ------------------------
@pytest.mark.parametrize("family", ["poisson", "binomial"])
@pytest.mark.parametrize("level", [0.95, 0.8])
def test_the_slope_interval_is_the_wald_interval_of_the_glm_slope(family, level):
    """W3 reads ``slope_lower`` and ``slope_upper`` (methodology §7: a counted slope is bad when its
    interval lies wholly on the bad side of 0): they are exp(β₁ ∓ z·se(β₁)) − 1 with z the normal
    quantile at ``level`` and se(β₁) the quasi-likelihood one, statsmodels' ``conf_int`` of the
    slope of its GLM. One row scatters more than its counts allow (dispersion above 1), one does not.

    Pins mutants 679 (``b1 − z·se`` → ``b1 + z·se``: the lower bound equal to the upper) and 684
    (``b1 + z·se`` → ``b1 + z/se``) of ``poisson_trend``.
    """
    if family == "binomial":
        events = np.array([[412.0, 450, 401, 520, 498], [120, 131, 150, 148, 170]])
        exposure = np.array([[1000.0, 1010, 990, 1020, 1005], [600, 610, 620, 615, 640]])
    else:
        events = np.array([[30.0, 52, 28, 61, 40], [12, 14, 13, 16, 18]])
        exposure = np.array([[200_000.0, 205_000, 198_000, 210_000, 207_000], [50_000, 51_000, 52_000, 51_500, 53_000]])
    fit = poisson_trend(events, exposure, YEARS, 2030, level=level, family=family)
    for row in range(2):
        reference = scaled_glm(events[row], exposure[row], YEARS, family)
        low, high = reference.conf_int(alpha=1 - level)[1]
        assert fit.estimable[row]
        assert fit.slope_lower[row] == pytest.approx(np.expm1(low), rel=1e-4, abs=1e-9)
        assert fit.slope_upper[row] == pytest.approx(np.expm1(high), rel=1e-4, abs=1e-9)
        assert fit.slope_lower[row] < fit.slope[row] < fit.slope_upper[row]
        z = norm.ppf(1 - (1 - level) / 2)
        assert np.log1p(fit.slope_upper[row]) - np.log1p(fit.slope_lower[row]) == pytest.approx(
            2 * z * reference.bse[1], rel=1e-4)
    assert fit.dispersion[0] > 1.0  # the first row scatters beyond its counts


# -- convergence: an estimate Newton's method has not reached is no estimate ----------------------
def test_a_fit_newton_s_method_has_not_converged_on_is_not_estimable():
    """``estimable`` is False "without convergence" (the PoissonTrend docstring): with one Newton
    step allowed (``iterations=1``) neither a rising series nor one at a constant rate is at its
    maximum yet — Newton starts from the least-squares line through the empirical log rates
    log((k + ½)/n), not at the estimate, so the first step is far above 10⁻¹⁰ — and every column is
    NaN; with the default 60 both are statsmodels' estimates.

    Pins mutant 481 (``estimable = exists & converged`` → ``exists | converged``) of ``poisson_trend``.
    """
    deaths = np.array([[30.0, 33, 36, 40, 44], [20, 20, 20, 20, 20]])
    births = np.array([[200_000.0] * 5, [100_000.0] * 5])
    one_step = poisson_trend(deaths, births, YEARS, 2030, iterations=1)
    assert not one_step.estimable.any()
    for column in ("projection", "lower", "upper", "slope", "slope_lower", "slope_upper", "log_slope", "log_rate",
                   "dispersion"):
        assert np.isnan(getattr(one_step, column)).all(), column
    converged = poisson_trend(deaths, births, YEARS, 2030)
    reference = scaled_glm(deaths[0], births[0], YEARS, "poisson")
    assert converged.estimable[0]
    assert converged.log_slope[0] == pytest.approx(reference.params[1], rel=1e-7)
    assert converged.estimable[1]
    assert converged.slope[1] == pytest.approx(0.0, abs=1e-12)


# -- the counts behind a row: events and the first year used --------------------------------------
def test_the_events_and_first_year_are_those_of_the_years_used_and_nan_without_any():
    """``events`` is the number of events over the years used and ``first_year`` the first of them,
    for every row, estimable or not; a row with no year counted (NaN = no count) has neither, not 0
    events. By hand: no count at all → NaN, NaN; one counted year (2022, 4 deaths) → 4 and 2022;
    counts in 2019 and 2021–2024 with a window of 3 years → the years 2022–2024 (2021 falls outside,
    t > 2024 − 3), 1 + 0 + 2 = 3 events from 2022; a year with births of 0 is not counted.

    Pins mutants 694, 695 (``events``: ``points > 0`` → ``>= 0``, ``> 1``) and 702, 703 (the same in
    ``first_year``) of ``poisson_trend``.
    """
    years = np.arange(2019, 2025)
    nan = np.nan
    deaths = np.array([[nan, nan, nan, nan, nan, nan],
                       [nan, nan, nan, 4.0, nan, nan],
                       [7.0, nan, 5.0, 1.0, 0.0, 2.0],
                       [3.0, 2.0, nan, nan, nan, 6.0]])
    births = np.array([[3000.0] * 6,
                       [3000.0] * 6,
                       [3000.0] * 6,
                       [3000.0, 3000.0, 3000.0, 3000.0, 3000.0, 0.0]])
    fit = poisson_trend(deaths, births, years, 2030, window=3)
    assert np.isnan(fit.events[0]) and np.isnan(fit.first_year[0]) and fit.n_points[0] == 0
    assert fit.events[1] == 4.0 and fit.first_year[1] == 2022.0 and fit.n_points[1] == 1
    assert fit.events[2] == 3.0 and fit.first_year[2] == 2022.0 and fit.n_points[2] == 3
    # births of 0 in 2024: the latest counted year is 2020, the window 2018–2020
    assert fit.events[3] == 5.0 and fit.first_year[3] == 2019.0 and fit.n_points[3] == 2
    assert fit.estimable[2] and not fit.estimable[[0, 1, 3]].any()  # three years, events inside them


# -- the probability of meeting a target rate (PoissonTrend.probability) --------------------------
@pytest.mark.parametrize("sign", [1, -1], ids=["at-least", "at-most"])
def test_without_a_multiplier_the_target_is_a_rate_per_unit_of_exposure(sign):
    """``PoissonTrend.probability(target, sign)`` with no multiplier reads ``target`` on the scale of
    events ÷ exposure (a multiplier of 1), as ``poisson_trend``'s own default does: P(the expected
    rate at 2030 meets T) = Φ(d·(η̂ − log T)/se(η̂)), with η̂ and se(η̂) the log rate at 2030 and its
    quasi-likelihood standard error from statsmodels' Poisson GLM (offset log births). The same target
    per 10万 with ``multiplier=1e5`` gives the same probability.

    Pins mutant 1 (the default multiplier 1.0 → 2.0) of ``PoissonTrend.probability``.
    """
    deaths = np.array([[30.0, 33, 36, 40, 44]])
    births = np.full((1, 5), 200_000.0)
    fit = poisson_trend(deaths, births, YEARS, 2030)
    reference = scaled_glm(deaths[0], births[0], YEARS, "poisson")
    point = np.array([1.0, 2030 - YEARS.mean()])
    eta = point @ reference.params
    se = np.sqrt(point @ reference.cov_params() @ point)
    target = 25e-5  # 25 per 10万 as a rate per birth
    expected = norm.cdf(sign * (eta - np.log(target)) / se)
    assert 0.01 < expected < 0.99
    assert fit.probability(np.array([target]), np.array([sign]))[0] == pytest.approx(expected, rel=1e-4)
    assert fit.probability(np.array([25.0]), np.array([sign]), 1e5)[0] == pytest.approx(expected, rel=1e-4)


# -- the logistic trend exists only where the failures are not all at one end ---------------------
@pytest.mark.parametrize("end", ["first", "last"])
def test_a_counted_percentage_whose_failures_all_fall_in_one_end_year_has_no_logistic_trend(end):
    """The logistic fit exists only where neither the successes nor the failures all fall in the
    first or the last year of the window (``poisson_trend``'s docstring; Albert & Anderson 1984).
    Here the window is 2021–2024 (five years up to 2024, 2020 without a count, 2019 before it, with
    failures of its own), and every failure of the window falls in one end year (2,100 of 3,000
    trials), the other three years all successes (800, 4,000, 4,000 of as many): the log-likelihood
    rises without bound as the slope runs to ±∞, so there is no estimate — ``estimable`` False and
    every column NaN. Newton's method need not show it: at ``caba33f``, with the pre-check mutated,
    it stopped at a finite slope of about ±38 on the logit once the fitted proportions of the
    all-success years rounded to 1, so the pre-check on the failures is what keeps the row out.

    Pins mutants 208 (failures n + k for n − k), 209 (the failures' fill outside the window 0 → 1,
    which drags their mean off the end), 229, 230 (the failures' ``&`` → ``|``), 234 (the first
    year's tolerance ``x_min + tol`` → ``x_min − tol``) and 236 (``x_max − tol`` → ``x_max + tol``)
    of ``poisson_trend``.
    """
    years = np.arange(2019, 2025)
    nan = np.nan
    if end == "first":
        successes, trials = [500.0, nan, 900, 4000, 4000, 800], [1000.0, 1000, 3000, 4000, 4000, 800]
    else:
        successes, trials = [500.0, nan, 800, 4000, 4000, 900], [1000.0, 1000, 800, 4000, 4000, 3000]
    fit = poisson_trend(np.array([successes]), np.array([trials]), years, 2030, family="binomial", multiplier=100)
    assert not fit.estimable[0]
    for column in ("projection", "lower", "upper", "slope", "slope_lower", "slope_upper", "log_slope", "log_rate"):
        assert np.isnan(getattr(fit, column)[0]), column
    assert fit.n_points[0] == 4 and fit.events[0] == 9700.0 and fit.first_year[0] == 2021.0


# -- a steep counted percentage: the logistic estimate, wherever Newton's method starts ------------
@pytest.mark.parametrize(("successes", "trials"), [
    ([128.0, 462, np.nan, 79, 11], [128.0, 548, 631, 3393, 3166]),
    ([716.0, 46, np.nan, 16, 1], [1162.0, 354, 4032, 3874, 2791]),
], ids=["from-all-to-a-third-of-a-percent", "from-62-to-0.04-percent"])
def test_a_steeply_falling_counted_percentage_has_statsmodels_logistic_trend(successes, trials):
    """A counted percentage that falls steeply (in the first case from every trial a success to
    0.35%) over years of different sizes, one year without a count: the estimate exists (successes
    and failures in more than one year, neither all at one end), and ``poisson_trend`` finds the
    maximum of the logistic likelihood statsmodels' Binomial GLM finds, with its interval. At
    ``caba33f`` Newton's method (an undamped step clipped at ±5 in each coordinate) got there from
    the pooled proportion's logit and a slope of 0, and from a start further off overshot and never
    settled; since ``17e7a6d`` it starts from the least-squares line through the empirical logits
    and halves a step that would lower the likelihood.

    Pins mutants 286, 287, 288 of ``poisson_trend`` at ``caba33f`` (the start log(s/(1 − s)) →
    log(s·(1 − s)), log(s/(1 + s)), log(s/(2 − s))).
    """
    successes, trials = np.array([successes]), np.array([trials])
    counted = np.isfinite(successes[0])
    fit = poisson_trend(successes, trials, YEARS, 2030, family="binomial", multiplier=100)
    reference = scaled_glm(successes[0][counted], trials[0][counted], YEARS[counted], "binomial")
    assert fit.estimable[0]
    assert fit.log_slope[0] == pytest.approx(reference.params[1], rel=1e-7)
    assert fit.log_slope_se[0] == pytest.approx(reference.bse[1], rel=1e-4)


# -- the projection's degrees of freedom (Projection.df) ------------------------------------------
@pytest.mark.parametrize("method", ["ols", "escap"])
def test_a_projection_s_degrees_of_freedom_are_n_minus_two_and_none_below_two_points(method):
    """A least-squares line through n points leaves n − 2 degrees of freedom for its residual
    variance and the prediction's t distribution (``meeting_probability`` reads ``df``): 3 for five
    points, 0 for two; below two points there is no line and no degree of freedom, 0 (not 1, and
    not the −1 of n − 2), with every other column NaN.

    Pins mutant 433 of ``project`` (the fill of ``df`` for a row of fewer than two points 0.0 → 1.0).
    """
    nan = np.nan
    values = np.array([[60.0, 61, 62, 62.5, 63.5], [nan, nan, nan, 62.0, 63.0], [nan, nan, nan, nan, 63.0],
                       [nan, nan, nan, nan, nan]])
    fit = project(values, YEARS, np.full(4, 2030), method=method)
    assert fit.df.tolist() == [3.0, 0.0, 0.0, 0.0]
    assert fit.n_points.tolist() == [5, 2, 1, 0]
    assert np.isnan(fit.projection[2:]).all() and np.isnan(fit.fitted_se[2:]).all()


# -- a scattered counted percentage: Newton's step halved where it would overshoot ---------------
@pytest.mark.parametrize(("successes", "trials"), [
    ([11.0, 1, 8113, 21834, 170], [5808.0, 100, 14924, 628904, 10891]),
    ([2734586.0, 8194, 441421, 498817, 1], [2734653.0, 8200, 1314491, 771791, 13]),
    ([880.0, 26700, 15302, 11, 283], [1019.0, 2093183, 24029, 22, 19877]),
    ([2277808.0, 1700051, 18, 2529245, 351418], [2277829.0, 1700126, 18, 5494047, 411177]),
], ids=["from-0.2-to-54-to-1.6-percent", "from-all-but-67-to-8-percent", "from-86-to-1.3-to-64-percent",
        "from-all-but-21-to-46-to-85-percent"])
def test_a_scattered_counted_percentage_has_statsmodels_logistic_trend(successes, trials):
    """Proportions that scatter far more than their counts allow, on years of very different
    sizes: the estimate exists (successes and failures in several years, neither all at one end)
    and ``poisson_trend`` finds statsmodels' Binomial GLM maximum, slope and standard error. From
    the least-squares start through the empirical logits a full Newton step overshoots on these
    rows and the iteration must halve it (``_damped``, since ``17e7a6d``) to settle.

    Pins the step-halving of ``_damped`` at ``40305af`` (mutants that skip it or shorten the
    wrong steps).
    """
    successes, trials = np.array([successes]), np.array([trials])
    fit = poisson_trend(successes, trials, YEARS, 2030, family="binomial", multiplier=100)
    reference = scaled_glm(successes[0], trials[0], YEARS, "binomial")
    assert reference.converged
    assert fit.estimable[0]
    assert fit.log_slope[0] == pytest.approx(reference.params[1], rel=1e-7)
    assert fit.log_slope_se[0] == pytest.approx(reference.bse[1], rel=1e-4)


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
@pytest.mark.parametrize(("deaths", "births"), [
    ([0.0, 0, 0, 78, 10], [368.0, 19_431, 130, 3_029_921, 4102]),
    ([203_575.0, 2, 0, 0, 0], [283_753.0, 396_078, 44, 94, 1448]),
], ids=["none-then-78-then-10", "most-then-2-then-none"])
def test_a_count_rate_that_jumps_has_statsmodels_poisson_trend(deaths, births):
    """Rates that jump by orders of magnitude between years of very different sizes, with events in
    more than one year and not all in one end year, so the estimate exists: ``poisson_trend`` finds
    statsmodels' Poisson GLM maximum (offset log births), slope and standard error. On these rows
    Newton's step from the least-squares start is longer than 5 or overshoots, so the step must be
    shortened along its own direction and halved where the log-likelihood would fall.

    Pins mutants of ``_damped`` at ``40305af`` that shorten one coordinate only, or halve the wrong way.
    """
    deaths, births = np.array([deaths]), np.array([births])
    fit = poisson_trend(deaths, births, YEARS, 2030)
    reference = scaled_glm(deaths[0], births[0], YEARS, "poisson")
    assert reference.converged
    assert fit.estimable[0]
    assert fit.log_slope[0] == pytest.approx(reference.params[1], rel=1e-7)
    assert fit.log_slope_se[0] == pytest.approx(reference.bse[1], rel=1e-4)
