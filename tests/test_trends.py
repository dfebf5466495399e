"""The closed-form projections agree with statsmodels' OLS and WLS on generated series."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from wdmonitor.trends import meeting_probability, project

YEARS = np.arange(2018, 2025)


@st.composite
def generated(draw):
    values = draw(st.lists(st.floats(1.0, 100.0, allow_nan=False), min_size=len(YEARS), max_size=len(YEARS)))
    keep = draw(st.lists(st.booleans(), min_size=len(YEARS), max_size=len(YEARS)))
    keep[-1] = True
    keep[-2] = keep[-3] = keep[-4] = True  # at least four points in the five-year window
    return np.where(keep, values, np.nan)


def reference(values, target_year, method, geometric, window=5):
    t = YEARS.astype(float)
    inside = ~np.isnan(values) & (t > t[~np.isnan(values)].max() - window)
    x, y = t[inside], values[inside]
    if geometric:
        y = np.log(y)
    exog = sm.add_constant(x)
    if method == "ols":
        model = sm.OLS(y, exog)
    else:
        model = sm.WLS(y, exog, weights=(target_year - x.min()) / (target_year - x))
    fit = model.fit()
    frame = fit.get_prediction(np.array([[1.0, target_year]])).summary_frame(alpha=0.05)
    return fit, frame.iloc[0]


@settings(max_examples=80, deadline=None, derandomize=True)
@given(rows=st.lists(generated(), min_size=1, max_size=5), method=st.sampled_from(["ols", "escap"]),
       target_year=st.sampled_from([2025, 2030]), geometric=st.booleans())
def test_vectorised_fits_agree_with_statsmodels(rows, method, target_year, geometric):
    values = np.vstack(rows)
    fit = project(values, YEARS, np.full(len(rows), target_year), method=method, geometric=np.full(len(rows), geometric))
    for i, row in enumerate(rows):
        sm_fit, pred = reference(row, target_year, method, geometric)
        transform = np.exp if geometric else (lambda v: v)
        assert fit.projection[i] == pytest.approx(transform(pred["mean"]), rel=1e-8, abs=1e-8)
        assert fit.lower[i] == pytest.approx(transform(pred["obs_ci_lower"]), rel=1e-8, abs=1e-8)
        assert fit.upper[i] == pytest.approx(transform(pred["obs_ci_upper"]), rel=1e-8, abs=1e-8)
        slope = np.expm1(sm_fit.params[1]) if geometric else sm_fit.params[1]
        assert fit.slope[i] == pytest.approx(slope, rel=1e-8, abs=1e-10)


def test_trend_method_is_the_endpoint_slope_of_the_window():
    values = np.array([[np.nan, 58.0, 60, 61, 62, 62.5, 63.5]])
    fit = project(values, YEARS, np.array([2025]))
    assert fit.slope[0] == pytest.approx((63.5 - 60) / 4)  # 2018 is outside the five-year window
    assert fit.n_points[0] == 5


def test_geometric_trend_is_the_annual_rate():
    values = np.array([[np.nan, np.nan, 16.9, 16.1, 15.7, 15.1, 14.3]])
    fit = project(values, YEARS, np.array([2030]), geometric=np.array([True]))
    assert fit.slope[0] == pytest.approx((14.3 / 16.9) ** 0.25 - 1)
    assert fit.projection[0] == pytest.approx(14.3 * (14.3 / 16.9) ** (6 / 4))


def test_probability_from_the_prediction_distribution():
    from scipy.stats import t as student

    values = np.array([[np.nan, np.nan, 60, 61, 62, 62.5, 63.5]])
    fit = project(values, YEARS, np.array([2030]), method="ols")
    probability = meeting_probability(fit, np.array([70.0]), np.array([1.0]))
    expected = student.cdf((fit.projection[0] - 70) / fit.fitted_se[0], 3)
    assert probability[0] == pytest.approx(expected)
    assert probability[0] < 0.5


def test_a_target_without_a_direction_has_no_probability_of_being_met():
    values = np.array([[np.nan, np.nan, 60, 61, 62, 62.5, 63.5]] * 2)
    fit = project(values, YEARS, np.array([2030, 2030]), method="ols")
    probability = meeting_probability(fit, np.array([70.0, 70.0]), np.array([0.0, 1.0]))
    assert np.isnan(probability[0])  # "at least" or "at most" is what a probability of meeting needs
    assert 0 < probability[1] < 0.5


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="projection method must be one of trend, ols, escap"):
        project(np.ones((1, 3)), np.arange(3), np.array([5]), method="arima")
