"""Small-number intervals against independent formulas (methodology sections 2 and 7).

The exact Poisson (Garwood) interval is checked against the gamma distribution it is the
χ² form of (lower = Γ⁻¹(α/2; k), upper = Γ⁻¹(1 − α/2; k + 1)), with its closed form for zero
events (lower 0, upper −ln(α/2)); Wilson against statsmodels' proportion_confint.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gamma
from statsmodels.stats.proportion import proportion_confint

from wdmonitor.intervals import poisson_interval, wilson_interval
from wdmonitor.rules import DEFAULT_RULES


@pytest.mark.parametrize("level", [DEFAULT_RULES.ci_level, 0.90, 0.99])
@pytest.mark.parametrize("events", [1, 2, 3, 7, 20, 150])
def test_poisson_interval_is_the_gamma_quantiles_of_k_and_k_plus_one(events, level):
    exposure, multiplier = 3000.0, 1e5
    alpha = 1 - level
    lo, hi = poisson_interval([events], [exposure], multiplier, level)
    assert lo[0] == pytest.approx(gamma.ppf(alpha / 2, events) * multiplier / exposure, rel=1e-10)
    assert hi[0] == pytest.approx(gamma.ppf(1 - alpha / 2, events + 1) * multiplier / exposure, rel=1e-10)
    assert lo[0] < events * multiplier / exposure < hi[0]


@pytest.mark.parametrize("level", [DEFAULT_RULES.ci_level, 0.90])
def test_zero_events_give_a_lower_bound_of_zero_and_the_closed_form_upper_bound(level):
    lo, hi = poisson_interval([0, 0], [3000.0, 1.0], [1e5, 1.0], level)
    assert lo.tolist() == [0.0, 0.0]
    assert hi[0] == pytest.approx(-math.log((1 - level) / 2) * 1e5 / 3000, rel=1e-10)
    assert hi[1] == pytest.approx(-math.log((1 - level) / 2), rel=1e-10)


def test_poisson_interval_is_nan_without_usable_counts():
    lo, hi = poisson_interval([1, np.nan, 1, -1, 1, 1], [100, 100, 0, 100, -5, np.nan])
    assert np.isnan(lo[1:]).all() and np.isnan(hi[1:]).all()
    assert lo[0] == pytest.approx(gamma.ppf(0.025, 1) / 100)
    assert hi[0] == pytest.approx(gamma.ppf(0.975, 2) / 100)
    # the smallest positive exposure is usable
    lo, hi = poisson_interval([0], [1e-3])
    assert (lo[0], hi[0]) == (0.0, pytest.approx(-math.log(0.025) / 1e-3))


@pytest.mark.parametrize("level", [DEFAULT_RULES.ci_level, 0.90, 0.99])
@pytest.mark.parametrize(("successes", "trials"), [(0, 10), (1, 10), (6, 10), (10, 10), (3, 1000), (999, 1000)])
def test_wilson_interval_matches_statsmodels(successes, trials, level):
    lo, hi = wilson_interval([successes], [trials], 100, level)
    want = proportion_confint(successes, trials, alpha=1 - level, method="wilson")
    assert (lo[0], hi[0]) == pytest.approx((100 * want[0], 100 * want[1]), rel=1e-9, abs=1e-12)


def test_wilson_interval_is_nan_outside_zero_to_trials():
    lo, hi = wilson_interval([11, -1, 1, 1, np.nan, 5], [10, 10, 0, -3, 10, 5])
    assert np.isnan(lo[:5]).all() and np.isnan(hi[:5]).all()
    # successes equal to trials is a proportion of 1, not an error
    assert hi[5] == pytest.approx(1.0) and lo[5] == pytest.approx(proportion_confint(5, 5, method="wilson")[0])


def test_counts_held_as_python_objects_give_the_same_float_intervals():
    # a spreadsheet column with blanks reads as objects: floats and None
    events = pd.Series([2, None, 0], dtype=object)
    exposure = pd.Series([3000, 3000, 1000], dtype=object)
    multiplier = np.array([1e5, 1e5, 100.0], dtype=object)
    for interval in (poisson_interval, wilson_interval):
        lo, hi = interval(events, exposure, multiplier)
        want_lo, want_hi = interval(np.array([2.0, np.nan, 0.0]), np.array([3000.0, 3000.0, 1000.0]), np.array([1e5, 1e5, 100.0]))
        assert lo.dtype == hi.dtype == np.float64
        np.testing.assert_array_equal(lo, want_lo)
        np.testing.assert_array_equal(hi, want_hi)


@pytest.mark.parametrize("successes", [0, 1])
def test_wilson_interval_of_a_single_trial(successes):
    lo, hi = wilson_interval([successes], [1])
    assert (lo[0], hi[0]) == pytest.approx(proportion_confint(successes, 1, method="wilson"), rel=1e-9, abs=1e-12)


def test_a_negative_fraction_of_a_success_is_not_a_proportion():
    lo, hi = wilson_interval([-0.01], [10])
    assert np.isnan(lo[0]) and np.isnan(hi[0])
