"""Small-number intervals: exact Poisson for rates, Wilson for proportions.

A district with 3,000 births moves its maternal mortality ratio by 33/10万 with one death;
a verdict on such a rate must say how uncertain it is. Both functions are vectorised over
arrays of counts and return the interval on the indicator's own scale (``multiplier`` is
100 for percent, 100000 for per 100k).

Examples
--------
>>> lo, hi = poisson_interval([1], [3000], multiplier=100_000)
>>> round(float(lo[0]), 2), round(float(hi[0]), 1)
(0.84, 185.7)
>>> lo, hi = wilson_interval([3], [10], multiplier=100)
>>> round(float(lo[0]), 2), round(float(hi[0]), 2)
(10.78, 60.32)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["poisson_interval", "wilson_interval"]


def poisson_interval(events: ArrayLike, exposure: ArrayLike, multiplier: float | ArrayLike = 1.0,
                     level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a rate ``events / exposure × multiplier``.

    Lower bound χ²(α/2; 2k)/2, upper bound χ²(1−α/2; 2k+2)/2, divided by the exposure;
    zero events give a lower bound of 0. NaN where counts are missing or exposure ≤ 0.
    """
    from scipy.stats import chi2

    k = np.asarray(events, dtype=float)
    n = np.asarray(exposure, dtype=float)
    alpha = 1.0 - level
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0)
    k_ok = np.where(ok, k, 0.0)
    with np.errstate(invalid="ignore"):
        lower = np.where(k_ok > 0, chi2.ppf(alpha / 2, 2 * k_ok) / 2, 0.0)
        upper = chi2.ppf(1 - alpha / 2, 2 * k_ok + 2) / 2
    scale = np.asarray(multiplier, dtype=float) / np.where(ok, n, 1.0)
    return np.where(ok, lower * scale, np.nan), np.where(ok, upper * scale, np.nan)


def wilson_interval(successes: ArrayLike, trials: ArrayLike, multiplier: float | ArrayLike = 1.0,
                    level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``successes / trials × multiplier``.

    NaN where counts are missing, ``trials ≤ 0`` or ``successes`` outside ``[0, trials]``.
    """
    from scipy.stats import norm

    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
    n_ok = np.where(ok, n, 1.0)
    p = np.where(ok, k, 0.0) / n_ok
    z = norm.ppf(1 - (1 - level) / 2)
    centre = (p + z * z / (2 * n_ok)) / (1 + z * z / n_ok)
    half = z / (1 + z * z / n_ok) * np.sqrt(p * (1 - p) / n_ok + z * z / (4 * n_ok * n_ok))
    m = np.asarray(multiplier, dtype=float)
    return np.where(ok, (centre - half) * m, np.nan), np.where(ok, (centre + half) * m, np.nan)
