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

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["binomial_change_test", "count_change_test", "gap_variance", "poisson_change_test", "poisson_interval",
           "rate_variance", "wilson_interval"]


def poisson_interval(events: ArrayLike, exposure: ArrayLike, multiplier: float | ArrayLike = 1.0,
                     level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a rate ``events / exposure × multiplier``.

    Lower bound χ²(α/2; 2k)/2, upper bound χ²(1−α/2; 2k+2)/2, divided by the exposure;
    zero events give a lower bound of 0. NaN where counts are missing or exposure ≤ 0.
    """
    from scipy.special import gammaincinv  # as scipy.stats computes it, without its import

    k, n, m = np.broadcast_arrays(np.asarray(events, dtype=float), np.asarray(exposure, dtype=float),
                                  np.asarray(multiplier, dtype=float))
    alpha = 1.0 - level
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0)
    lower, upper = np.full(k.shape, np.nan), np.full(k.shape, np.nan)
    k_ok = k[ok]  # the quantiles only where there are counts (most rows of a national table have none)
    with np.errstate(invalid="ignore"):
        low = np.where(k_ok > 0, gammaincinv(k_ok, alpha / 2), 0.0)
        high = gammaincinv(k_ok + 1, 1 - alpha / 2)
    scale = m[ok] / n[ok]
    lower[ok], upper[ok] = low * scale, high * scale
    return lower, upper


def wilson_interval(successes: ArrayLike, trials: ArrayLike, multiplier: float | ArrayLike = 1.0,
                    level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``successes / trials × multiplier``.

    NaN where counts are missing, ``trials ≤ 0`` or ``successes`` outside ``[0, trials]``.
    """
    from scipy.special import ndtri  # as scipy.stats computes it, without its import

    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
    n_ok = np.where(ok, n, 1.0)
    p = np.where(ok, k, 0.0) / n_ok
    z = ndtri(1 - (1 - level) / 2)
    centre = (p + z * z / (2 * n_ok)) / (1 + z * z / n_ok)
    half = z / (1 + z * z / n_ok) * np.sqrt(p * (1 - p) / n_ok + z * z / (4 * n_ok * n_ok))
    m = np.asarray(multiplier, dtype=float)
    return np.where(ok, (centre - half) * m, np.nan), np.where(ok, (centre + half) * m, np.nan)


def rate_variance(events: ArrayLike, exposure: ArrayLike, multiplier: float | ArrayLike = 1.0,
                  kind: ArrayLike = "poisson") -> np.ndarray:
    """Sampling variance of a rate or a proportion from its counts, on the indicator's scale.

    Poisson rates: (k/n²)·m²; proportions (``kind="wilson"``): p(1 − p)/n·m². A count of 0 (or,
    for a proportion, 0 or n) is taken as 1 (or n − 1) so that a rate of 0 is not claimed to be
    known exactly (library choice). NaN where counts are missing or ``n ≤ 0``.

    Examples
    --------
    >>> float(rate_variance([4], [10000], 100_000)[0])
    400.0
    """
    k = np.asarray(events, dtype=float)
    n = np.asarray(exposure, dtype=float)
    m = np.asarray(multiplier, dtype=float)
    kind = np.asarray(kind, dtype=object)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0)
    n_ok = np.where(ok, n, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        poisson = np.maximum(k, 1.0) / (n_ok * n_ok)
        p = np.clip(k, np.minimum(1.0, n_ok / 2), np.maximum(n_ok - 1.0, n_ok / 2)) / n_ok
        binomial = p * (1 - p) / n_ok
    variance = np.where(kind == "wilson", binomial, poisson) * m * m
    return np.where(ok, variance, np.nan)


def poisson_change_test(events_1: ArrayLike, exposure_1: ArrayLike, events_2: ArrayLike, exposure_2: ArrayLike,
                        alternative: str = "larger") -> np.ndarray:
    """Exact conditional test that the rate behind ``events_2`` differs from that behind ``events_1``.

    Given the total N = d1 + d2, d2 is binomial with p = n2/(n1 + n2) when the two rates are
    equal (Przyborowski and Wilenski 1940; the ``exact-cond`` method of statsmodels'
    ``test_poisson_2indep``, Gu et al. 2008). ``alternative="larger"`` gives
    P(X ≥ d2), the p-value for a rise; ``"smaller"`` P(X ≤ d2), for a fall. Vectorised; NaN
    where a count or an exposure is missing, and 1.0 when both counts are 0 (no evidence).

    Examples
    --------
    >>> round(float(poisson_change_test([0], [3300], [1], [3340])[0]), 3)  # 0 then 1 death
    0.503
    >>> float(poisson_change_test([30], [100_000], [60], [100_000])[0]) < 0.01
    True
    """
    from scipy.special import bdtr, bdtrc  # as scipy.stats computes it, without its import

    d1, n1 = np.asarray(events_1, dtype=float), np.asarray(exposure_1, dtype=float)
    d2, n2 = np.asarray(events_2, dtype=float), np.asarray(exposure_2, dtype=float)
    ok = np.isfinite(d1) & np.isfinite(d2) & np.isfinite(n1) & np.isfinite(n2) & (n1 > 0) & (n2 > 0) & (d1 >= 0) & (d2 >= 0)
    total = np.where(ok, np.round(d1) + np.round(d2), 0.0)
    k = np.where(ok, np.round(d2), 0.0)
    p = np.where(ok, n2 / np.where(ok, n1 + n2, 1.0), 0.5)
    if alternative == "larger":
        value = np.where(k >= 1, bdtrc(np.maximum(k - 1, 0).astype(np.int64), total.astype(np.int64), p), 1.0)
    elif alternative == "smaller":
        value = bdtr(k.astype(np.int64), total.astype(np.int64), p)
    else:
        raise ValueError(f"alternative must be 'larger' or 'smaller' (got {alternative!r})")
    value = np.where(total == 0, 1.0, np.minimum(value, 1.0))
    return np.where(ok, value, np.nan)


def _hypergeometric_upper(x: np.ndarray, total: np.ndarray, marked: np.ndarray, drawn: np.ndarray,
                          tolerance: float = 1e-15) -> np.ndarray:
    """P(X ≥ x) for X hypergeometric (``drawn`` of ``total`` items, ``marked`` of them marked), exactly.

    Every sum runs upwards from above the mode, where the terms fall: P(X ≥ x) itself when x
    lies above the mode, else 1 − P(Y ≥ drawn − x + 1) with Y the unmarked items drawn. The
    first term comes from log binomial coefficients (``scipy.special.gammaln``), the next ones
    from the pmf's ratio recurrence, for every row at once in blocks of about eight standard
    deviations of terms (rows grouped by that length); a row stops once what is left, below
    term/(1 − ratio) past the mode, is under ``tolerance`` of its sum. Integers as floats;
    every row must have a valid table.
    """
    from scipy.special import gammaln

    mode = np.floor((drawn + 1) * (marked + 1) / (total + 2))
    direct = x > mode
    m = np.where(direct, marked, total - marked)
    start = np.where(direct, x, drawn - x + 1)
    rest = total - m
    low_end, high_end = np.maximum(0.0, drawn - rest), np.minimum(m, drawn)
    start = np.maximum(start, low_end)
    with np.errstate(invalid="ignore"):
        log_first = (gammaln(m + 1) - gammaln(start + 1) - gammaln(m - start + 1) + gammaln(rest + 1)
                     - gammaln(drawn - start + 1) - gammaln(rest - drawn + start + 1)
                     - gammaln(total + 1) + gammaln(drawn + 1) + gammaln(total - drawn + 1))
    term = np.where(start <= high_end, np.exp(log_first), 0.0)
    tail = term.copy()
    j = start.copy()
    share = m / total
    sd = np.sqrt(drawn * share * (1 - share) * (total - drawn) / np.maximum(total - 1, 1))
    length = 2.0 ** np.ceil(np.log2(np.clip(8 * sd + 8, 16, 1024)))  # terms a row needs, rounded up
    live = np.flatnonzero(term > 0)
    while len(live):
        done = []
        for size in np.unique(length[live]):
            rows = live[length[live] == size]
            for chunk in np.array_split(rows, max(1, int(len(rows) * size // 2_000_000))):
                steps = j[chunk, None] + np.arange(int(size), dtype=float)  # the term each ratio starts from
                mm, rr, dd = m[chunk, None], rest[chunk, None], drawn[chunk, None]
                with np.errstate(invalid="ignore", divide="ignore"):
                    ratio = np.where(steps + 1 <= high_end[chunk, None],
                                     (mm - steps) * (dd - steps) / ((steps + 1) * (rr - dd + steps + 1)), 0.0)
                terms = term[chunk, None] * np.cumprod(ratio, axis=1)
                tail[chunk] += terms.sum(axis=1)
                term[chunk] = terms[:, -1]
                j[chunk] += size
                left = term[chunk] / np.maximum(1.0 - ratio[:, -1], 1e-300)
                done.append(chunk[(left <= tolerance * tail[chunk]) | (term[chunk] == 0)])
        live = np.setdiff1d(live, np.concatenate(done), assume_unique=True)
        length[live] = 1024.0
    return np.where(direct, np.minimum(tail, 1.0), np.clip(1.0 - tail, 0.0, 1.0))


def binomial_change_test(successes_1: ArrayLike, trials_1: ArrayLike, successes_2: ArrayLike, trials_2: ArrayLike,
                         alternative: str = "larger") -> np.ndarray:
    """Fisher's exact test that the proportion behind ``successes_2`` differs from that behind ``successes_1``.

    The binomial counterpart of :func:`poisson_change_test` for a counted percentage (women among
    a committee's members, women screened among those eligible): on the 2×2 table of successes
    and failures in the two years, given both margins, a₂ is hypergeometric (a₁ + a₂ marked
    among n₁ + n₂, n₂ drawn) when the two proportions are equal (Fisher 1935; Agresti,
    *Categorical Data Analysis*, 2013, §3.5; ``scipy.stats.fisher_exact``). ``"larger"`` gives
    P(X ≥ a₂), the p-value for a rise; ``"smaller"`` P(X ≤ a₂), for a fall. Vectorised over
    every row at once (no loop per series; :func:`_hypergeometric_upper`); NaN where a count is
    missing, a trial count is not positive or successes lie outside [0, trials]; 1.0 where every
    trial of both years succeeds or every one fails (no evidence).

    Examples
    --------
    >>> round(float(binomial_change_test([3], [7], [2], [7], "smaller")[0]), 6)  # 3 of 7 women, then 2 of 7
    0.5
    >>> float(binomial_change_test([420], [1200], [330], [1200], "smaller")[0]) < 0.01
    True
    """
    if alternative not in ("larger", "smaller"):
        raise ValueError(f"alternative must be 'larger' or 'smaller' (got {alternative!r})")
    a1, n1, a2, n2 = (np.round(v) for v in np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (successes_1, trials_1, successes_2, trials_2))))
    ok = (np.isfinite(a1) & np.isfinite(a2) & np.isfinite(n1) & np.isfinite(n2) & (n1 > 0) & (n2 > 0)
          & (a1 >= 0) & (a2 >= 0) & (a1 <= n1) & (a2 <= n2))
    shape = a1.shape
    a1, n1, a2, n2, ok = (v.ravel() for v in (a1, n1, a2, n2, ok))
    marked = a1 + a2
    total = n1 + n2
    informative = ok & (marked > 0) & (marked < total)
    value = np.ones(len(ok))
    rows = np.flatnonzero(informative)
    if len(rows):
        if alternative == "larger":  # successes in year 2 at least a₂
            value[rows] = _hypergeometric_upper(a2[rows], total[rows], marked[rows], n2[rows])
        else:  # successes at most a₂: failures in year 2 at least n₂ − a₂
            value[rows] = _hypergeometric_upper(n2[rows] - a2[rows], total[rows], total[rows] - marked[rows], n2[rows])
    return np.where(ok, value, np.nan).reshape(shape)


def count_change_test(events_1: ArrayLike, exposure_1: ArrayLike, events_2: ArrayLike, exposure_2: ArrayLike,
                      alternative: str = "larger", binomial: ArrayLike = False) -> np.ndarray:
    """The exact test of a change between two years' counts: Fisher's where ``binomial`` (a counted
    percentage: successes of trials, :func:`binomial_change_test`), else the conditional test of
    two Poisson counts (:func:`poisson_change_test`). Each test runs once, on its own rows.

    Examples
    --------
    >>> p = count_change_test([3, 3], [7, 7], [2, 2], [7, 7], "smaller", binomial=[True, False])
    >>> round(float(p[0]), 6), round(float(p[1]), 6)  # 3 of 7 then 2 of 7; 3 events then 2 on equal exposure
    (0.5, 0.5)
    """
    e1, x1, e2, x2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (events_1, exposure_1, events_2, exposure_2)))
    which = np.broadcast_to(np.asarray(binomial, dtype=bool), e1.shape)
    out = np.full(e1.shape, np.nan)
    if which.any():
        out[which] = binomial_change_test(e1[which], x1[which], e2[which], x2[which], alternative)
    if (~which).any():
        out[~which] = poisson_change_test(e1[~which], x1[~which], e2[~which], x2[~which], alternative)
    return out


def gap_variance(rows: Any, matrix: Any) -> np.ndarray:
    """Sampling variance of each derived sex or urban–rural gap, year by year, from its two rates' counts.

    ``rows`` are target rows (columns ``derivation``, ``unit``, ``region``, ``indicator``,
    ``sex``, ``area_type``); the result has one row per target row and one column per year
    of ``matrix``. Var(gap) = Var(r_a) + Var(r_b) (:func:`rate_variance`), the variance of a
    difference of two independent rates; NaN where a component has no counts, and for
    parity ratios and spreads across regions.
    """
    import pandas as pd

    from .pooling import MULTIPLIERS

    out = np.full((len(rows), len(matrix.years)), np.nan)
    derivation = rows["derivation"].to_numpy(dtype=object) if "derivation" in rows else np.full(len(rows), "", dtype=object)
    unit = rows["unit"].to_numpy(dtype=object)
    multiplier = np.array([MULTIPLIERS.get(u, np.nan) for u in unit], dtype=float)
    kind = np.where(unit == "percent", "wilson", "poisson").astype(object)
    for name, column, first, second in (("sex_gap", "sex", "female", "male"), ("area_gap", "area_type", "urban", "rural")):
        chosen = np.flatnonzero((derivation == name) & np.isfinite(multiplier))
        if not len(chosen):
            continue
        keys = pd.DataFrame({"region": rows["region"].to_numpy()[chosen], "indicator": rows["indicator"].to_numpy()[chosen],
                             "sex": rows["sex"].to_numpy()[chosen], "area_type": rows["area_type"].to_numpy()[chosen],
                             "age_group": "total"})
        total = np.zeros((len(chosen), len(matrix.years)))
        for level in (first, second):
            component = matrix.lookup(keys.assign(**{column: level}))
            ok = component >= 0
            events = np.full(total.shape, np.nan)
            exposure = np.full(total.shape, np.nan)
            events[ok], exposure[ok] = matrix.numerators[component[ok]], matrix.denominators[component[ok]]
            total = total + rate_variance(events, exposure, multiplier[chosen, None], kind[chosen, None])
        out[chosen] = total
    return out
