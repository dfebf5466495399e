"""Small numbers, zeros and materiality (methodology §7–8; docs/methodology.md §5, cases 7–11).

County data: a county with 3,000–5,000 births a year sees 0, 1 or 2 maternal deaths and one
death moves its MMR by 20–33/10万. Every verdict and warning such a county gets must follow
from its counts: no warning where the counts cannot tell, every real deterioration still
flagged. The numbers in these tests follow from the formulas (Garwood, the exact conditional
test, the Poisson GLM), each computed here from its definition or from statsmodels.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation_helpers import make_plan, series, years
from wdmonitor import Target, flag_early_warnings
from wdmonitor.intervals import (
    binomial_change_test,
    count_change_test,
    gap_variance,
    poisson_change_test,
    rate_variance,
)
from wdmonitor.pooling import pooled_rates
from wdmonitor.rules import DEFAULT_RULES
from wdmonitor.series import to_matrix
from wdmonitor.trends import estimate_exists, poisson_trend

MMR = "maternal_mortality_ratio"
COUNTY = "211402"
CITY = "211400"
MMR_TARGET = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 10.5, 2030: 10.0})
MMR_GAP = Target(id="mmr-gap", indicator=MMR, kind="gap_narrowing", gap_between="area_type")
BIRTHS = [3300.0, 3320.0, 3340.0, 3360.0, 3380.0]
W1_TO_W4 = {"W1", "W2a", "W2b", "W2c", "W3", "W4"}


def mmr(deaths, births, *, region=COUNTY, area_type="total", first=2020):
    deaths = np.asarray(deaths, dtype=float)
    births = np.asarray(births, dtype=float)
    return series(MMR, years(first, *(deaths / births * 1e5)), region=region, area_type=area_type,
                  numerators=deaths, denominators=births)


def warnings_of(frame, *targets, as_of=2024, rules=DEFAULT_RULES):
    return flag_early_warnings(frame, make_plan(*targets), as_of=as_of, rules=rules).table


# -- the exact conditional test and the Poisson GLM against their references ---------------------
@pytest.mark.parametrize(("d1", "n1", "d2", "n2"), [(0, 3300, 1, 3340), (1, 3300, 0, 3340), (30, 1e5, 60, 1e5),
                                                    (20, 200_000, 38, 200_000), (0, 100, 0, 100), (7, 5000, 2, 9000)])
def test_the_exact_conditional_test_is_statsmodels_exact_cond(d1, n1, d2, n2):
    from statsmodels.stats.rates import test_poisson_2indep

    for alternative in ("larger", "smaller"):
        got = poisson_change_test([d1], [n1], [d2], [n2], alternative)[0]
        if d1 + d2 == 0:
            assert got == 1.0  # no event: no evidence of any change
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            want = test_poisson_2indep(d2, n2, d1, n1, method="exact-cond", alternative=alternative).pvalue
        assert got == pytest.approx(want, rel=1e-9)


def test_one_death_after_none_is_within_chance():
    # d2 = 1 given N = 1 is Bernoulli with p = n2/(n1 + n2) = 3340/6640 = 0.503
    assert poisson_change_test([0], [3300], [1], [3340])[0] == pytest.approx(3340 / 6640)


def test_the_poisson_trend_is_statsmodels_glm_with_a_log_offset():
    import statsmodels.api as sm

    rng = np.random.default_rng(18)
    deaths = rng.poisson(30, (5, 5)).astype(float)
    births = rng.integers(100_000, 300_000, (5, 5)).astype(float)
    years_ = np.arange(2020, 2025)
    fit = poisson_trend(deaths, births, years_, 2030, multiplier=1e5)
    for i in range(5):
        x = sm.add_constant(years_ - years_.mean())
        model = sm.GLM(deaths[i], x, family=sm.families.Poisson(), offset=np.log(births[i])).fit()
        prediction = model.get_prediction(np.array([[1.0, 2030 - years_.mean()]]), offset=np.log([1e5])).summary_frame()
        # quasi-Poisson: statsmodels' scale="X2" dispersion, never below 1
        dispersion = max(1.0, model.pearson_chi2 / model.df_resid)
        scaled = sm.GLM(deaths[i], x, family=sm.families.Poisson(), offset=np.log(births[i])).fit(scale=dispersion)
        prediction = scaled.get_prediction(np.array([[1.0, 2030 - years_.mean()]]), offset=np.log([1e5])).summary_frame()
        assert fit.estimable[i]
        assert fit.dispersion[i] == pytest.approx(dispersion, rel=1e-6)
        assert fit.log_slope[i] == pytest.approx(model.params[1], rel=1e-7)
        assert fit.log_slope_se[i] == pytest.approx(scaled.bse[1], rel=1e-4)
        assert fit.projection[i] == pytest.approx(prediction["mean"].iloc[0], rel=1e-7)
        assert fit.lower[i] == pytest.approx(prediction["mean_ci_lower"].iloc[0], rel=1e-4)
        assert fit.upper[i] == pytest.approx(prediction["mean_ci_upper"].iloc[0], rel=1e-4)


def test_the_binomial_trend_is_statsmodels_logistic_glm():
    import statsmodels.api as sm

    rng = np.random.default_rng(81)
    trials = rng.integers(50, 5000, (4, 5)).astype(float)
    successes = np.floor(trials * rng.uniform(0.2, 0.9, (4, 5)))
    years_ = np.arange(2020, 2025)
    fit = poisson_trend(successes, trials, years_, 2030, multiplier=100, family="binomial")
    for i in range(4):
        x = sm.add_constant(years_ - years_.mean())
        endog = np.column_stack([successes[i], trials[i] - successes[i]])
        model = sm.GLM(endog, x, family=sm.families.Binomial()).fit()
        dispersion = max(1.0, model.pearson_chi2 / model.df_resid)
        scaled = sm.GLM(endog, x, family=sm.families.Binomial()).fit(scale=dispersion)
        prediction = scaled.get_prediction(np.array([[1.0, 2030 - years_.mean()]])).summary_frame()
        assert fit.log_slope[i] == pytest.approx(model.params[1], rel=1e-7)
        assert fit.log_slope_se[i] == pytest.approx(scaled.bse[1], rel=1e-4)
        assert fit.projection[i] == pytest.approx(prediction["mean"].iloc[0] * 100, rel=1e-7)
        assert fit.lower[i] == pytest.approx(prediction["mean_ci_lower"].iloc[0] * 100, rel=1e-4)


@pytest.mark.parametrize("deaths", [[0, 0, 0, 0, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0], [0, 0, 0, 0, 5]])
def test_no_poisson_trend_where_its_estimate_does_not_exist(deaths):
    # no event, or every event in the first or the last year: the slope runs to ±∞
    fit = poisson_trend(np.array([deaths], dtype=float), np.array([BIRTHS]), np.arange(2020, 2025), 2030, multiplier=1e5)
    assert not fit.estimable[0]
    assert np.isnan(fit.projection[0]) and np.isnan(fit.slope[0])



def test_newton_reaches_the_logistic_trend_statsmodels_finds_on_a_steep_fall():
    """Every year has successes and failures, so the maximum-likelihood estimate exists and
    statsmodels' Binomial GLM finds it. A proportion falling from 37.5% to 0.2% on years of very
    different sizes sent Newton's method, started at a slope of 0 with each coordinate of its step
    clipped at ±5, into a 2-cycle ((b0, b1) = (−5.27, 1.24) ↔ (−0.27, −3.76)): no estimate however
    many iterations. Now it starts from the weighted least-squares line through the empirical
    logits (statsmodels' IRLS start), shortens a long step along its own direction and halves it
    where the log-likelihood falls beyond the rounding of its sum."""
    import statsmodels.api as sm

    k, n, t = np.array([[300.0, 40, 20, 10]]), np.array([[800.0, 400, 4000, 4500]]), np.array([2020, 2021, 2023, 2024])
    fit = poisson_trend(k, n, t, 2030, family="binomial", multiplier=100)
    x = sm.add_constant(t - t.mean())
    model = sm.GLM(np.column_stack([k[0], n[0] - k[0]]), x, family=sm.families.Binomial()).fit()
    assert model.converged
    assert fit.estimable[0]
    assert fit.log_slope[0] == pytest.approx(model.params[1], rel=1e-7)


def test_a_newton_step_longer_than_five_is_shortened_along_its_direction_and_reaches_the_estimate():
    """A proportion from 98.4% to all but 0.29 of 5.4 million in four counted years (10⁹ trials, a logit
    slope of about 11 a year; statsmodels' IRLS diverges on it): the first Newton step from the start
    is longer than 5, and taken whole it overshoots and, undamped, never converges. Shortened to 5
    along its own direction it climbs, and the estimate is the maximum: it solves the likelihood equations
    Σ(k − n·p̂) = 0 and Σ x·(k − n·p̂) = 0 (McCullagh & Nelder §4.4), to 10⁻⁹ of the events."""
    k = np.array([[0.0, 0.0, np.nan, 432.0, 2183972000.0, 220627222.0, 5410726.0]])
    n = np.array([[1694721993.40754, 91211.15561315308, 50439801109.6586, 438.82572127402017, 2183972570.45501,
                   220627222.0480899, 5410726.289791558]])
    years = np.arange(2018, 2025)
    fit = poisson_trend(k, n, years, 2030, family="binomial")
    assert fit.estimable[0] and fit.log_slope[0] > 5
    used = (years > 2024 - 5) & np.isfinite(k[0])
    x = years[used] - years[used].mean()
    eta = fit.log_rate[0] + fit.log_slope[0] * (x - (2030 - years[used].mean()))  # the fitted logits
    residual = n[0, used] / (1 + np.exp(eta)) - (n[0, used] - k[0, used])  # k − n·p̂, as n·(1 − p̂) − failures
    assert abs(residual.sum()) < 1e-9 * k[0, used].sum()
    assert abs((x * residual).sum()) < 1e-9 * k[0, used].sum()

@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=5, max_size=5), min_size=1, max_size=8),
       st.sampled_from(["poisson", "binomial"]))
def test_estimate_exists_is_where_the_poisson_trend_has_an_estimate(counts, family):
    """``estimate_exists`` is the existence rule of ``poisson_trend`` without the fit: the two
    agree on every row (0–30 events a year out of 30–3,380 trials, so the binomial's failures
    can be absent too)."""
    events = np.array(counts, dtype=float)
    exposure = np.where(np.arange(len(counts))[:, None] % 2 == 0, 3380.0, 30.0) * np.ones_like(events)
    fit = poisson_trend(events, exposure, np.arange(2020, 2025), 2030, family=family)
    assert estimate_exists(events, exposure, np.arange(2020, 2025), family=family).tolist() == fit.estimable.tolist()


@pytest.mark.parametrize("deaths", [[0, 0, 0, 0, 25], [25, 0, 0, 0, 0]], ids=["last_year", "first_year"])
def test_enough_deaths_all_in_one_end_year_withhold_w1_and_w5_says_why(deaths):
    """Methodology §7: W1 on a counted rate is withheld when the window holds fewer than
    count_min_events events *or the maximum-likelihood estimate does not exist* (every event in
    the first or last year). 25 ≥ 20 deaths all in one year: the screen alone would warn
    (25/3,380 = 740/10万 against 10.5), the GLM has no estimate: no W1, and W5 says so
    (no_trend_estimate), not too_few_events (25 is not too few)."""
    assert sum(deaths) >= DEFAULT_RULES.count_min_events
    county = warnings_of(mmr(deaths, BIRTHS), MMR_TARGET).query("region == @COUNTY")
    assert "W1" not in set(county["check"])
    note = county[county["check"] == "no_trend_estimate"]
    assert note["severity"].tolist() == ["none"]
    assert note["message_zh"].tolist() == ["近期25例集中于趋势窗口的首年或末年，计数无法估计趋势，不作趋势预测"]
    assert note["message_en"].str.startswith("the 25 events of the trend window fall in its first or last year").all()
    assert "too_few_events" not in set(county["check"])
    spread = warnings_of(mmr([5, 5, 5, 5, 5], BIRTHS), MMR_TARGET).query("region == @COUNTY")
    assert "no_trend_estimate" not in set(spread["check"])


def test_a_screening_rate_missing_women_only_in_its_last_year_has_no_trend_estimate():
    """The binomial fit needs the failures spread too: 1,000 women a year, all screened
    2020–2023 and 25 missed in 2024 (≥ count_min_events of the rarer outcome): no estimate, so no
    W1 and the W5 note; 19 missed is too few (too_few_events) and gets no second note."""
    screening = "cervical_cancer_screening_rate"
    target = Target(id="s", indicator=screening, kind="at_least", values={2025: 99.9})
    trials = np.full(5, 1000.0)

    def flags(missed):
        frame = series(screening, years(2020, *((trials - missed) / trials * 100)), region=COUNTY,
                       numerators=trials - missed, denominators=trials)
        return warnings_of(frame, target).query("region == @COUNTY")

    late = flags(np.array([0.0, 0, 0, 0, 25]))
    assert "W1" not in set(late["check"])
    assert late.loc[late["check"] == "no_trend_estimate", "severity"].tolist() == ["none"]
    few = flags(np.array([0.0, 0, 0, 0, 19]))
    assert "no_trend_estimate" not in set(few["check"])
    assert few.loc[few["check"] == "too_few_events", "severity"].tolist() == ["none"]

def test_a_rate_variance_of_zero_events_is_that_of_one():
    assert rate_variance([0], [3300], 1e5)[0] == pytest.approx(1e10 / 3300**2)
    assert rate_variance([4], [10_000], 1e5)[0] == pytest.approx(400.0)
    assert rate_variance([50], [100], 100, "wilson")[0] == pytest.approx(25.0)


# -- pooling ------------------------------------------------------------------------------------
def test_pooled_rates_sum_three_years_of_events_and_births():
    frame = mmr([0, 0, 0, 0, 1], BIRTHS)
    pooled = pooled_rates(to_matrix(frame), {MMR: "per_100k"}, DEFAULT_RULES)
    # 2024: (0 + 0 + 1) / (3340 + 3360 + 3380) × 10^5 = 9.92
    assert pooled.values[0, 4] == pytest.approx(1 / (3340 + 3360 + 3380) * 1e5)
    assert (pooled.events[0, 4], pooled.exposure[0, 4]) == (1.0, 3340 + 3360 + 3380)
    assert pooled.pooled[0].tolist() == [False, True, True, True, True]  # 2020 has no earlier year
    assert pooled.years_text(0, 4) == "2022–2024"
    assert pooled.years_text(0, 1) == "2020–2021" and pooled.years_pooled[0, 1] == 2


def test_no_pooling_at_twenty_events_or_with_pooling_off_or_for_other_units():
    frame = mmr([7, 7, 6, 6, 7], [60_000] * 5)  # 6 + 6 + 7 = 19 < 20 in 2024, 7 + 6 + 6 = 19 in 2023
    assert pooled_rates(to_matrix(frame), {MMR: "per_100k"}, DEFAULT_RULES).pooled[0, 4]
    more = mmr([7, 7, 6, 7, 7], [60_000] * 5)  # 6 + 7 + 7 = 20
    assert not pooled_rates(to_matrix(more), {MMR: "per_100k"}, DEFAULT_RULES).pooled[0, 4]
    off = replace(DEFAULT_RULES, pool_rates=False)
    assert not pooled_rates(to_matrix(frame), {MMR: "per_100k"}, off).pooled.any()
    assert not pooled_rates(to_matrix(frame), {MMR: "percent"}, DEFAULT_RULES).pooled.any()


# -- worked case 7: a county with 0 deaths in every year ------------------------------------------
def test_case7_a_county_with_no_death_gets_no_warning():
    flags = warnings_of(mmr([0] * 5, BIRTHS), MMR_TARGET)
    county = flags[flags["region"] == COUNTY]
    assert not set(county["check"]) & W1_TO_W4
    noisy = county[county["check"] == "too_few_events"]
    assert noisy["severity"].tolist() == ["none"]
    assert noisy["message_zh"].iloc[0] == "近期各年均为0例，无趋势可言，不作趋势预测"


# -- worked case 8: one death, in the latest year ---------------------------------------------------
def test_case8_a_single_death_raises_no_alert_and_no_percentage():
    frame = mmr([0, 0, 0, 0, 1], BIRTHS)  # 2024: 1/3380 = 29.6/10万
    flags = warnings_of(frame, MMR_TARGET)
    county = flags[flags["region"] == COUNTY]
    assert not set(county["check"]) & W1_TO_W4  # the exact test: p = 3380/6740 = 0.50, far above 0.01
    assert county.loc[county["check"] == "too_few_events", "message_zh"].tolist() == [
        "近期共1例，少于20例，变动主要来自偶然，不作趋势预测"]
    assert not flags["message_zh"].str.contains("inf").any()


def test_a_change_from_zero_is_stated_as_from_zero_never_as_a_percentage():
    # without counts the same series is judged on its values: W2b says "由0变为x"
    frame = series(MMR, years(2020, 0.0, 0.0, 0.0, 0.0, 29.6), region=COUNTY)
    flags = warnings_of(frame, MMR_TARGET)
    w2b = flags[(flags["region"] == COUNTY) & (flags["check"] == "W2b")]
    assert w2b["message_zh"].tolist() == ["2024年由0变为29.6，需关注"]
    assert w2b["message_en"].tolist() == ["from 0 to 29.6 in 2024"]
    assert w2b["relative_change"].isna().all()


# -- worked case 9: 99.9% of a 100% coverage target ------------------------------------------------
def test_case9_a_rounding_sized_shortfall_is_no_alert():
    coverage = Target(id="cov", indicator="cervical_cancer_screening_rate", kind="at_least", values={2025: 100})
    frame = series("cervical_cancer_screening_rate", years(2020, 99.91, 99.9, 99.9, 99.9, 99.9))
    w1 = warnings_of(frame, coverage)
    w1 = w1[w1["check"] == "W1"].set_index("target_year")
    # trend (99.9 − 99.91)/4 = −0.0025 a year: ŷ_2025 = 99.8975; |T − y_b| = 0.09 is less than
    # w1_min_distance_units = 10 reporting units (1.0), so the target is a level to hold: the
    # miss 0.1025 is material (≥ 0.05) but 0.1% of T, below the 5% alert share → warning
    assert w1.loc[2025, "projection"] == pytest.approx(99.8975)
    assert w1.loc[2025, "severity"] == "warning"
    assert math.isnan(w1.loc[2025, "progress_share"])
    assert w1.loc[2025, "message_zh"] == "按trend趋势预计2025年为99.9，目标100，预计差距0.1，预计达标困难"


def test_a_projection_meeting_the_target_as_reported_is_nil():
    coverage = Target(id="cov", indicator="cervical_cancer_screening_rate", kind="at_least", values={2025: 100})
    # ŷ_2025 = 99.96 + 0.0025 = 99.9625: the miss 0.0375 rounds away at one decimal
    frame = series("cervical_cancer_screening_rate", years(2020, 99.95, 99.95, 99.96, 99.96, 99.96))
    flags = warnings_of(frame, coverage)
    assert flags[flags["check"] == "W1"].empty


def test_a_three_hundredths_dip_after_a_rise_is_not_deterioration():
    target = Target(id="s", indicator="cervical_cancer_screening_rate", kind="at_least", values={2030: 80})
    frame = series("cervical_cancer_screening_rate", years(2020, 60.0, 61.0, 62.0, 63.0, 62.97))
    flags = warnings_of(frame, target)
    assert flags[flags["check"] == "W3"].empty
    dipped = series("cervical_cancer_screening_rate", years(2020, 60.0, 61.0, 62.0, 63.0, 62.9))
    assert warnings_of(dipped, target).query("check == 'W3'")["severity"].tolist() == ["watch"]


# -- worked case 10: an urban–rural gap of 0 held at 0 --------------------------------------------
def test_case10_a_gap_held_at_zero_is_closed():
    frame = pd.concat([mmr([0] * 5, BIRTHS, area_type="urban"), mmr([0] * 5, BIRTHS, area_type="rural"),
                       mmr([0] * 5, [b * 2 for b in BIRTHS])], ignore_index=True)
    flags = warnings_of(frame, MMR_GAP)
    county = flags[flags["region"] == COUNTY]
    assert not set(county["check"]) & W1_TO_W4


def test_a_gap_widening_within_its_counts_interval_is_not_a_widening():
    # urban 0 → 1 death and rural 0 throughout: the gap moves 0 → 29.6, inside its interval
    # 1.96·sqrt(Var_2024 + Var_2023) with Var = (max(k, 1)/n²)·10^10 per rate
    urban = mmr([0, 0, 0, 0, 1], BIRTHS, area_type="urban")
    rural = mmr([0, 0, 0, 0, 0], BIRTHS, area_type="rural")
    flags = warnings_of(pd.concat([urban, rural], ignore_index=True), MMR_GAP)
    assert flags[(flags["region"] == COUNTY) & (flags["check"] == "W4")].empty
    rows = pd.DataFrame({"derivation": ["area_gap"], "unit": ["per_100k"], "region": [COUNTY], "indicator": [MMR],
                         "sex": ["female"], "area_type": ["urban/rural"]})
    variance = gap_variance(rows, to_matrix(pd.concat([urban, rural])))
    assert variance[0, 4] == pytest.approx(2 * 1e10 / 3380**2)
    assert 1.96 * math.sqrt(variance[0, 4] + variance[0, 3]) > 29.6


def test_a_large_gap_widening_beyond_its_interval_warns():
    # a city: urban 40 → 40, rural 40 → 80 deaths on 200,000 births each year
    urban = mmr([40, 40, 40, 40, 40], [200_000] * 5, region=CITY, area_type="urban")
    rural = mmr([40, 40, 40, 40, 80], [200_000] * 5, region=CITY, area_type="rural")
    flags = warnings_of(pd.concat([urban, rural], ignore_index=True), MMR_GAP)
    w4 = flags[flags["check"] == "W4"]
    assert w4["severity"].tolist() == ["alert"]  # from 0 to 20/10万: wider than any 10%
    assert w4["message_zh"].iloc[0] == "差距由基期0、上期0变为20，差距扩大"


# -- worked case 11: a large city whose MMR truly rises ----------------------------------------------
def test_case11_a_real_rise_in_a_large_city_still_warns():
    deaths = [20, 24, 28, 33, 38]  # on 200,000 births a year: 10, 12, 14, 16.5, 19/10万
    flags = warnings_of(mmr(deaths, [200_000] * 5, region=CITY), MMR_TARGET)
    w1 = flags[flags["check"] == "W1"].set_index("target_year")
    fit = poisson_trend(np.array([deaths], dtype=float), np.full((1, 5), 200_000.0), np.arange(2020, 2025), 2025,
                        multiplier=1e5)
    assert w1.loc[2025, "method"] == "poisson_glm"
    assert w1.loc[2025, "projection"] == pytest.approx(fit.projection[0])
    assert w1.loc[2025, "probability"] < DEFAULT_RULES.w1_count_alert
    assert set(w1["severity"]) == {"alert"}
    w3 = flags[flags["check"] == "W3"]
    assert w3["severity"].tolist() == ["warning"]  # slope's 95% interval wholly above 0
    fit = poisson_trend(np.array([deaths], dtype=float), np.full((1, 5), 200_000.0), np.arange(2020, 2025), 2024)
    assert fit.slope_lower[0] > 0
    # 38 against the baseline's 20 on equal births: P(X ≥ 38 | 58, ½) = 0.012 ≥ 0.01, no alert
    assert poisson_change_test([20], [200_000], [38], [200_000])[0] == pytest.approx(0.0124, abs=5e-4)


# -- hypothesis properties ---------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(births=st.lists(st.integers(500, 500_000), min_size=5, max_size=5),
       target=st.floats(0.5, 200.0), region=st.sampled_from([CITY, COUNTY]))
def test_a_series_of_zeros_never_raises_w1_to_w4(births, target, region):
    plan_target = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: target, 2030: target})
    decrease = Target(id="down", indicator=MMR, kind="decrease")
    frame = pd.concat([mmr([0] * 5, births, region=region), mmr([0] * 5, births, region=region, area_type="urban"),
                       mmr([0] * 5, births, region=region, area_type="rural")], ignore_index=True)
    flags = warnings_of(frame, plan_target, decrease, MMR_GAP)
    assert not set(flags.loc[flags["region"] == region, "check"]) & W1_TO_W4


# -- verdicts: pooled rates, uncertain verdicts and closed gaps -----------------------------------
def judged(frame, *targets, year=2025, rules=DEFAULT_RULES, region=COUNTY):
    from wdmonitor import evaluate

    table = evaluate(frame, make_plan(*targets), year, rules=rules).table
    return table[table["region"] == region].set_index("target_id")


def test_case8_a_single_death_is_judged_on_the_three_year_pooled_rate():
    births = [3300.0, 3320.0, 3340.0, 3360.0, 3380.0]
    frame = mmr([0, 0, 0, 0, 1], births, first=2021)  # 2025: 1/3380 = 29.6/10万 alone
    row = judged(frame, MMR_TARGET).loc["mmr"]
    # pooled 2023–2025: (0 + 0 + 1)/(3340 + 3360 + 3380) × 10^5 = 9.92 ≤ 10.5 (and ≤ 10 in 2030)
    assert row["pooled"] and row["pooled_years"] == "2023–2025"
    assert row["value"] == pytest.approx(1e5 / 10_080)
    assert (row["numerator"], row["denominator"]) == (1.0, 10_080.0)
    # Garwood: [χ²(0.025; 2)/2, χ²(0.975; 4)/2] / 10,080 × 10^5 = [0.25, 55.27], holding 10.5
    from scipy.stats import chi2

    assert row["ci_lower"] == pytest.approx(chi2.ppf(0.025, 2) / 2 / 10_080 * 1e5)
    assert row["ci_upper"] == pytest.approx(chi2.ppf(0.975, 4) / 2 / 10_080 * 1e5)
    assert row["uncertain"]
    assert "(pooled 2023–2025, Σd/Σn)" in row["trace"]
    unpooled = judged(frame, MMR_TARGET, rules=replace(DEFAULT_RULES, pool_rates=False)).loc["mmr"]
    assert not unpooled["pooled"] and unpooled["value"] == pytest.approx(1e5 / 3380)
    assert unpooled["status"] == "not_attained" and unpooled["uncertain"]  # 29.6 > 10.5, but 10.5 lies in [0.75, 164.8]


def test_case7_no_death_is_attained_but_uncertain_on_a_county_scale():
    row = judged(mmr([0] * 5, BIRTHS, first=2021), MMR_TARGET).loc["mmr"]
    # pooled 0/10,080: upper bound χ²(0.975; 2)/2 / 10,080 × 10^5 = 36.6 > 10.5
    assert row["value"] == 0 and row["pooled"]
    assert row["status"] in ("attained", "attained_early") and row["uncertain"]
    assert row["ci_upper"] == pytest.approx(3.6889 / 10_080 * 1e5, rel=1e-4)


def test_a_large_city_is_not_pooled_and_its_verdict_is_firm():
    frame = mmr([20, 24, 28, 33, 38], [200_000] * 5, region=CITY, first=2021)
    row = judged(frame, MMR_TARGET, region=CITY).loc["mmr"]
    assert not row["pooled"] and row["pooled_years"] == ""
    assert row["status"] == "not_attained" and not row["uncertain"]  # 19/10万, interval [13.4, 26.1]


def test_case10_a_gap_of_zero_held_at_zero_is_attained():
    frame = pd.concat([mmr([0] * 5, BIRTHS, area_type="urban", first=2020), mmr([0] * 5, BIRTHS, area_type="rural", first=2020)])
    frame = pd.concat([frame, frame[frame["year"] == 2024].assign(year=2025)], ignore_index=True)
    row = judged(frame, MMR_GAP).loc["mmr-gap"]
    assert row["value"] == 0 and row["baseline"] == 0
    assert row["status"] == "attained" and not row["uncertain"]


def test_a_gap_narrowing_within_its_counts_interval_is_uncertain():
    # urban 2 → 1 and rural 0 → 0 deaths on ~3,300 births: the gap 60.6 → 29.6 is inside
    # 29.6 ± 1.96·sqrt(Var_2025 + Var_2020)
    urban = mmr([2, 1, 1, 1, 1, 1], [3300.0] * 6, area_type="urban", first=2020)
    rural = mmr([0] * 6, [3300.0] * 6, area_type="rural", first=2020)
    row = judged(pd.concat([urban, rural], ignore_index=True), MMR_GAP).loc["mmr-gap"]
    assert row["status"] == "attained" and row["uncertain"]
    half = 1.96 * math.sqrt(2 * 1e10 / 3300**2 + (2 + 1) * 1e10 / 3300**2)
    assert row["ci_upper"] == pytest.approx(1e5 / 3300 + half, rel=1e-3)


@settings(max_examples=20, deadline=None)
@given(deaths=st.lists(st.integers(0, 40), min_size=5, max_size=5), births=st.integers(2000, 200_000),
       target=st.floats(1.0, 300.0))
def test_scaling_the_counts_up_narrows_the_interval_and_never_makes_a_firm_verdict_uncertain(deaths, births, target):
    # on the same basis (a year's own rate: pooling off) a hundred times the events and births
    # at the same rates give a narrower interval; a verdict firm on the small counts stays firm
    rules = replace(DEFAULT_RULES, pool_rates=False)
    goal = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: target, 2030: target})
    small = judged(mmr(deaths, [births] * 5, first=2021), goal, rules=rules).loc["mmr"]
    large = judged(mmr([100 * d for d in deaths], [100 * births] * 5, first=2021), goal, rules=rules).loc["mmr"]
    assert large["value"] == pytest.approx(small["value"])
    assert large["status"] == small["status"]
    assert large["ci_upper"] - large["ci_lower"] < small["ci_upper"] - small["ci_lower"]
    if not small["uncertain"]:
        assert not large["uncertain"]


# -- ranking: uncertain regions placed by their interval --------------------------------------------
def test_neighbours_in_the_ranking_whose_intervals_overlap_share_a_rank():
    from wdmonitor.tables import _shared_ranks

    frame = pd.DataFrame({"g": "t", "key": [3.0, 2.0, 1.0, 0.0], "low": [10.0, 12.0, 30.0, 31.0],
                          "high": [20.0, 25.0, 35.0, 31.0]})
    widened = pd.Series([True, True, True, False])
    ranked = _shared_ranks(frame, ["g"], "key", "low", "high", widened)
    assert ranked["point_rank"].tolist() == [1, 2, 3, 4]
    # [10, 20] and [12, 25] overlap: rank 1 shared; [30, 35] is apart: 3; the point 31 lies in [30, 35]: 3
    assert ranked["rank"].tolist() == [1, 1, 3, 3]
    assert ranked["rank_shared"].tolist() == [True, True, True, True]
    points = _shared_ranks(frame, ["g"], "key", "low", "high", pd.Series([False] * 4))
    assert points["rank"].tolist() == [1, 2, 3, 4] and not points["rank_shared"].any()


def test_counties_that_their_counts_cannot_tell_apart_share_their_mmr_rank():
    from wdmonitor import evaluate
    from wdmonitor.tables import rank_by_indicator

    counties = ["211402", "211403", "211404"]
    deaths = {"211402": [2, 2, 1, 1, 0, 0], "211403": [2, 2, 2, 1, 1, 1], "211404": [2, 2, 2, 2, 2, 2]}
    small = pd.concat([mmr(deaths[c], [3300.0] * 6, region=c, first=2020) for c in counties], ignore_index=True)
    plan = make_plan(MMR_TARGET)
    ranks = rank_by_indicator(evaluate(small, plan, 2025)).set_index("region")
    assert ranks.loc[counties, "point_rank"].tolist() == [1, 2, 3]
    assert ranks.loc[counties, "rank"].tolist() == [1, 1, 1] and ranks["rank_shared"].all()
    # a hundred times the counts: the intervals part and the ranks are the points' own
    large = pd.concat([mmr([100 * d for d in deaths[c]], [330_000.0] * 6, region=c, first=2020) for c in counties],
                      ignore_index=True)
    ranks = rank_by_indicator(evaluate(large, plan, 2025)).set_index("region")
    assert ranks.loc[counties, "rank"].tolist() == [1, 2, 3] and not ranks["rank_shared"].any()


# -- W1 on counted proportions: the logistic GLM ------------------------------------------------------
SCREENING = "cervical_cancer_screening_rate"


def screening(screened, women, region=CITY):
    screened, women = np.asarray(screened, dtype=float), np.asarray(women, dtype=float)
    return series(SCREENING, years(2020, *(screened / women * 100)), region=region, numerators=screened, denominators=women)


def test_case9_with_counts_one_woman_missed_a_year_is_too_few_to_project():
    coverage = Target(id="cov", indicator=SCREENING, kind="at_least", values={2025: 100})
    frame = screening([999] * 5, [1000] * 5)  # 99.9% every year: one woman missed a year
    flags = warnings_of(frame, coverage)
    assert flags[flags["check"] == "W1"].empty  # without counts: a warning (test_case9_a_rounding_sized_shortfall…)
    # the rarer outcome carries the information: 5 missed in five years, fewer than 20
    assert flags.loc[flags["check"] == "too_few_events", "message_zh"].tolist() == [
        "近期共5例，少于20例，变动主要来自偶然，不作趋势预测"]


def test_a_counted_proportion_falling_away_from_its_target_still_warns():
    target = Target(id="s", indicator=SCREENING, kind="at_least", values={2025: 80, 2030: 90})
    women = [20_000] * 5
    frame = screening([14_000, 13_800, 13_500, 13_300, 13_000], women)  # 70% → 65%
    w1 = warnings_of(frame, target).query("check == 'W1'").set_index("target_year")
    assert set(w1["method"]) == {"binomial_glm"}
    assert (w1["probability"] < DEFAULT_RULES.w1_count_alert).all()
    # the counts confirm the screen; they never raise it above the screen's class (P < 0.10: alert)
    assert set(w1["severity"]) == {"alert"}
    assert w1.loc[2025, "message_zh"].startswith("按logistic回归（近期共")


# -- counted percentages: Fisher's exact test of a year-on-year change (cases 12–13) -----------------
COMMITTEE = "female_share_peoples_congress_standing_committee"
COMMITTEE_TARGET = Target(id="committee", indicator=COMMITTEE, kind="at_least", values={2025: 30, 2030: 30})
W2_W3 = {"W2a", "W2b", "W2c", "W3"}


def committee(women, members, *, counts=True, region=COUNTY):
    women, members = np.asarray(women, dtype=float), np.asarray(members, dtype=float)
    return series(COMMITTEE, years(2020, *(women / members * 100)), region=region,
                  numerators=women if counts else None, denominators=members if counts else None)


def fisher_tail(a1, n1, a2, n2, alternative):
    """Fisher's one-sided p from its definition: a₂ hypergeometric given the 2×2 table's margins."""
    marked, total = a1 + a2, n1 + n2
    support = range(max(0, marked - n1), min(marked, n2) + 1)
    tail = [x for x in support if (x >= a2 if alternative == "larger" else x <= a2)]
    return sum(math.comb(marked, x) * math.comb(total - marked, n2 - x) for x in tail) / math.comb(total, n2)


@pytest.mark.parametrize(("a1", "n1", "a2", "n2"), [(3, 7, 2, 7), (2, 7, 3, 7), (0, 7, 3, 7), (7, 7, 0, 9), (420, 1200, 330, 1200),
                                                    (14_000, 20_000, 13_000, 20_000), (5, 40, 5, 12), (1, 3, 0, 5)])
def test_fishers_exact_test_is_its_hypergeometric_tail_and_scipys(a1, n1, a2, n2):
    from scipy.stats import fisher_exact

    for alternative, side in (("larger", "greater"), ("smaller", "less")):
        got = binomial_change_test([a1], [n1], [a2], [n2], alternative)[0]
        if n1 + n2 <= 5000:  # the definition in exact integers (its big binomials are slow beyond that)
            assert got == pytest.approx(fisher_tail(a1, n1, a2, n2, alternative), rel=1e-9, abs=1e-300)
        table = [[a2, n2 - a2], [a1, n1 - a1]]
        assert got == pytest.approx(fisher_exact(table, alternative=side).pvalue, rel=1e-9, abs=1e-300)


def test_fishers_exact_test_is_vectorised_and_refuses_impossible_tables():
    a1, n1, a2, n2 = np.array([3, 0, 7, 8, np.nan]), np.array([7, 7, 7, 7, 7]), np.array([2, 0, 7, 1, 1]), np.array([7, 7, 7, 7, 7])
    p = binomial_change_test(a1, n1, a2, n2, "smaller")
    assert p[0] == pytest.approx(0.5)  # (C(5,0)C(9,7) + C(5,1)C(9,6) + C(5,2)C(9,5)) / C(14,7) = 1716/3432
    assert p[1] == p[2] == 1.0  # no woman, or only women, in both years: no evidence of any change
    assert np.isnan(p[3]) and np.isnan(p[4])  # 8 women of 7 members; a missing count
    mixed = count_change_test(a1[:1].repeat(2), n1[:1].repeat(2), a2[:1].repeat(2), n2[:1].repeat(2), "smaller",
                              binomial=[True, False])
    assert mixed[0] == pytest.approx(0.5)
    assert mixed[1] == pytest.approx(poisson_change_test([3], [7], [2], [7], "smaller")[0])  # P(X ≤ 2 | 5, ½) = 16/32
    with pytest.raises(ValueError, match="alternative"):
        binomial_change_test([1], [2], [1], [2], "two-sided")


def test_case12_one_woman_fewer_on_a_committee_of_seven_is_chance():
    # 3 of 7 women (42.9%) four years, then 2 of 7 (28.6%): −14.3 points, 33.3% down, below the target 30
    flags = warnings_of(committee([3, 3, 3, 3, 2], [7] * 5), COMMITTEE_TARGET)
    assert not set(flags.loc[flags["region"] == COUNTY, "check"]) & W2_W3  # Fisher: p = 1716/3432 = 0.5 ≫ 0.01
    # the same shares without the counts are judged on their values: W2b watch and a W3 alert
    bare = warnings_of(committee([3, 3, 3, 3, 2], [7] * 5, counts=False), COMMITTEE_TARGET)
    bare = bare[bare["region"] == COUNTY].set_index("check")
    assert bare.loc["W2b", "severity"] == "watch" and bare.loc["W3", "severity"] == "alert"


def test_case13_a_large_committee_that_truly_falls_still_warns():
    # 420, 425, 418, 422 of 1,200 (35.0–35.4%), then 330 (27.5%, below the target 30)
    frame = committee([420, 425, 418, 422, 330], [1200] * 5)
    flags = warnings_of(frame, COMMITTEE_TARGET)
    flags = flags[flags["region"] == COUNTY].set_index("check")
    assert fisher_tail(422, 1200, 330, 1200, "smaller") < 1e-4 < DEFAULT_RULES.count_alpha  # 3.06e-5
    assert fisher_tail(420, 1200, 330, 1200, "smaller") < DEFAULT_RULES.count_alpha  # against the baseline: 4.38e-5
    assert fisher_tail(1685, 4800, 330, 1200, "smaller") < DEFAULT_RULES.count_alpha  # against the rest of the window
    assert flags.loc["W2b", "message_zh"] == "2024年较上年变动21.8%，需关注"  # (422 − 330)/422
    assert flags.loc["W3", "severity"] == "alert"  # worse than the baseline's 35% and below 30, beyond chance
    assert flags.loc["W3", "message_zh"].endswith("基期值35，出现退步")


@settings(max_examples=12, deadline=None)
@given(members=st.lists(st.integers(1, 12), min_size=5, max_size=5), women=st.integers(0, 7), seats=st.sampled_from([7, 9, 15]),
       target=st.sampled_from([20.0, 45.0, 80.0]))
def test_a_constant_counted_share_never_raises_w2_or_w3(members, women, seats, target):
    # women × k of seats × k members in every year (k from 1 to 12): the share never changes
    k = np.asarray(members, dtype=float)
    goal = Target(id="committee", indicator=COMMITTEE, kind="at_least", values={2025: target, 2030: target})
    flags = warnings_of(committee(women * k, seats * k), goal)
    assert not set(flags["check"]) & W2_W3


@settings(max_examples=10, deadline=None)
@given(women=st.lists(st.integers(0, 9), min_size=5, max_size=5), extra=st.lists(st.integers(0, 6), min_size=5, max_size=5),
       target=st.sampled_from([20.0, 40.0, 60.0]))
def test_a_hundred_times_the_counts_never_removes_a_w2_or_w3_flag(women, extra, target):
    women = np.asarray(women, dtype=float)
    members = women + np.asarray(extra, dtype=float) + 1.0
    goal = Target(id="committee", indicator=COMMITTEE, kind="at_least", values={2025: target, 2030: target})

    def w2_w3(frame):
        flags = warnings_of(frame, goal)
        return flags[flags["check"].isin(W2_W3)].set_index("check")

    small, large = w2_w3(committee(women, members)), w2_w3(committee(women * 100, members * 100))
    shares = women / members * 100
    for check in small.index:
        if check == "W3" and check not in large.index:
            # the one way a hundredfold count drops W3: the latest year rose beyond chance, so a
            # window that fell is recovering (the screen's rule); at 1× the rise was within chance
            assert small.loc["W3", "severity"] == "warning" and shares[-1] - shares[-2] >= 0.05
            continue
        assert check in large.index


@pytest.mark.parametrize(("scale", "flagged"), [(1, False), (100, True)], ids=["few-deaths", "many-deaths"])
def test_w2c_an_outlier_among_regions_whose_change_is_within_chance_is_no_outlier(scale, flagged):
    """The other counties' MMRs do not move (ratio 1, effect 0, so E_med = 0 and both quartile
    distances 0): the one county that triples is the Hidiroglou–Berthelot outlier. With 1 then 3
    deaths on 3,300 births the exact conditional test gives P(X ≥ 3 | 4, ½) = 5/16 ≥ count_alpha:
    within chance, no W2c; with 100 then 300 deaths on 330,000 births the same rates are beyond
    chance, and W2c flags the county (methodology §7: a counted change counts only beyond chance)."""
    from evaluation_helpers import COUNTIES
    from wdmonitor.intervals import poisson_change_test

    births = [3300.0 * scale] * 2
    parts = [mmr([1 * scale, 3 * scale], births, region=COUNTIES[0].code, first=2023)]
    parts += [mmr([k, k], [4000.0, 4000.0], region=c.code, first=2023) for k, c in zip([2, 3, 1, 2, 4], COUNTIES[1:6], strict=False)]
    p = poisson_change_test([1 * scale], [births[0]], [3 * scale], [births[1]], "larger")[0]
    assert bool(p < DEFAULT_RULES.count_alpha) == flagged and (scale > 1 or p == pytest.approx(5 / 16))
    frame = pd.concat(parts, ignore_index=True)
    flags = warnings_of(frame, MMR_TARGET)
    w2c = set(flags.loc[flags["check"] == "W2c", "region"])
    assert w2c == ({COUNTIES[0].code} if flagged else set())
    # county by county, the exact test runs where every partition's candidates meet (hb_flags)
    from wdmonitor.partitions import by_region, flag_early_warnings_partitions

    plan = make_plan(MMR_TARGET)
    partitioned = flag_early_warnings_partitions(by_region(frame, plan, "county"), plan, 2024).table
    assert set(partitioned.loc[partitioned["check"] == "W2c", "region"]) == w2c
