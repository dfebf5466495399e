"""Recent trends and projections of many series at once (methodology section 4, W1).

Three methods, chosen by name:

``trend`` (default)
    The recent trend over the last ≤ 5 years: the slope between the first and the last
    observation of the window, or on the geometric scale the constant annual rate between
    them (CAGR; for a falling rate, minus the AARR). No interval.
``ols``
    Least squares over the window (on log values for the geometric scale), with a
    prediction interval and the probability of meeting the target.
``escap``
    ESCAP's time-weighted regression: weights w_i = (E − t_min)/(E − t_i), so recent years
    count more when projecting to E; interval and probability as for ``ols``.

All fits are closed-form sums over numpy arrays; statsmodels' OLS and WLS are the
reference they are tested against (``tests/test_trends.py``).

Where counts stand behind a rate (deaths and births), :func:`poisson_trend` fits the trend as
a Poisson regression of the events on the year with the exposure as offset (log link), the
model of statsmodels' ``GLM(family=Poisson(), offset=log n)``, by Newton's method on every
row at once; statsmodels is the reference it is tested against (``tests/test_small_numbers.py``).

Examples
--------
>>> import numpy as np
>>> years = np.array([[2020, 2021, 2022, 2023, 2024]])
>>> values = np.array([[60, 61, 62, 62.5, 63.5]])
>>> fit = project(values, years, target_year=np.array([2025]))
>>> round(float(fit.slope[0]), 3), round(float(fit.projection[0]), 3)
(0.875, 64.375)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["METHODS", "PoissonTrend", "Projection", "estimate_exists", "meeting_probability", "poisson_trend", "project",
           "project_series"]

METHODS = ("trend", "ols", "escap")


@dataclass(frozen=True, slots=True, eq=False)
class Projection:
    """Projection of each row to its target year.

    ``slope`` is per year on the value scale (linear) or the annual growth rate (geometric).
    ``lower``/``upper`` bound the prediction interval and ``scale_se``/``df`` describe it on
    the fitted scale (log for geometric rows); NaN for the ``trend`` method or too few points.
    ``geometric`` says which rows were fitted on the log scale (a geometric row holding a
    zero or a negative value falls back to the linear scale).
    """

    method: str
    projection: np.ndarray
    slope: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fitted_se: np.ndarray
    df: np.ndarray
    n_points: np.ndarray
    first_year: np.ndarray
    geometric: np.ndarray


def _weighted_fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Row-wise weighted least squares of y on x; w = 0 marks absent points."""
    sw = w.sum(axis=1)
    safe_sw = np.where(sw > 0, sw, 1.0)
    xbar = (w * x).sum(axis=1) / safe_sw
    ybar = (w * y).sum(axis=1) / safe_sw
    dx = np.where(w > 0, x - xbar[:, None], 0.0)
    dy = np.where(w > 0, y - ybar[:, None], 0.0)
    sxx = (w * dx * dx).sum(axis=1)
    sxy = (w * dx * dy).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1.0), np.nan)
    intercept = ybar - slope * xbar
    residual = np.where(w > 0, y - (intercept[:, None] + slope[:, None] * x), 0.0)
    n = (w > 0).sum(axis=1)
    df = n - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = np.where(df > 0, (w * residual * residual).sum(axis=1) / np.where(df > 0, df, 1), np.nan)
    return slope, intercept, s2, xbar, sxx, sw, n, df


def project(values: np.ndarray, years: np.ndarray, target_year: np.ndarray, *, method: str = "trend",
            geometric: np.ndarray | None = None, window: int = 5, level: float = 0.95) -> Projection:
    """Project each row of ``values`` (observed at ``years``, NaN = missing) to ``target_year``.

    Only the observations within the last ``window`` years of each row (``t_L − window + 1``
    to ``t_L``) are used. Rows with fewer than two such points get NaN.

    Parameters
    ----------
    values, years : ndarray, shape (rows, points)
        ``years`` may be one row broadcast to all.
    target_year : ndarray of int, shape (rows,)
    method : {"trend", "ols", "escap"}
    geometric : ndarray of bool, shape (rows,), optional
        Rows to fit on the geometric scale (log values).
    window : int
        Length of the recent-trend window in years (5, Eurostat).
    level : float
        Level of the prediction interval.
    """
    if method not in METHODS:
        raise ValueError(f"projection method must be one of {', '.join(METHODS)} (got {method!r})")
    y = np.asarray(values, dtype=float)
    t = np.broadcast_to(np.asarray(years, dtype=float), y.shape)
    rows = y.shape[0]
    target = np.broadcast_to(np.asarray(target_year, dtype=float), (rows,))
    observed = ~np.isnan(y)
    latest = np.where(observed, t, -np.inf).max(axis=1, initial=-np.inf)
    inside = observed & (t > latest[:, None] - window)
    wanted_geo = np.zeros(rows, dtype=bool) if geometric is None else np.asarray(geometric, dtype=bool)
    positive = np.where(inside, y > 0, True).all(axis=1)
    geo = wanted_geo & positive
    with np.errstate(invalid="ignore", divide="ignore"):
        fit_y = np.where(geo[:, None], np.log(np.where(inside & (y > 0), y, 1.0)), y)
    fit_y = np.where(inside, fit_y, 0.0)
    n = inside.sum(axis=1)
    first = np.where(inside, t, np.inf).min(axis=1, initial=np.inf)
    nan = np.full(rows, np.nan)

    if method == "trend":
        first_value = np.take_along_axis(fit_y, np.argmax(inside, axis=1)[:, None], axis=1)[:, 0]
        last_pos = inside.shape[1] - 1 - np.argmax(inside[:, ::-1], axis=1)
        last_value = np.take_along_axis(fit_y, last_pos[:, None], axis=1)[:, 0]
        span = latest - first
        with np.errstate(invalid="ignore", divide="ignore"):
            slope_fit = np.where((n >= 2) & (span > 0), (last_value - first_value) / np.where(span > 0, span, 1.0), np.nan)
        fitted = last_value + slope_fit * (target - latest)
        se, df, lower, upper = nan, np.zeros(rows), nan, nan
    else:
        if method == "ols":
            weights = inside.astype(float)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                weights = np.where(inside, (target[:, None] - first[:, None]) / (target[:, None] - t), 0.0)
            weights = np.where(np.isfinite(weights) & (weights > 0), weights, 0.0)
        slope_fit, intercept, s2, xbar, sxx, sw, n_fit, df_int = _weighted_fit(t, fit_y, weights)
        fitted = intercept + slope_fit * target
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_var = s2 * (1.0 / np.where(sw > 0, sw, np.nan) + (target - xbar) ** 2 / np.where(sxx > 0, sxx, np.nan))
            se = np.sqrt(mean_var + s2)  # a new observation with weight 1
        df = df_int.astype(float)
        from scipy.special import stdtrit  # Student's t quantile, without scipy.stats' import

        with np.errstate(invalid="ignore"):
            q = np.where(df > 0, stdtrit(np.where(df > 0, df, 1), 1 - (1 - level) / 2), np.nan)
        lower, upper = fitted - q * se, fitted + q * se
    if np.any(geo):
        with np.errstate(over="ignore", invalid="ignore"):
            fitted = np.where(geo, np.exp(fitted), fitted)
            lower = np.where(geo, np.exp(lower), lower)
            upper = np.where(geo, np.exp(upper), upper)
            slope = np.where(geo, np.expm1(slope_fit), slope_fit)
    else:
        slope = slope_fit
    short = n < 2
    return Projection(
        method=method,
        projection=np.where(short, np.nan, fitted),
        slope=np.where(short, np.nan, slope),
        lower=np.where(short, np.nan, lower),
        upper=np.where(short, np.nan, upper),
        fitted_se=np.where(short, np.nan, se),
        df=np.where(short, 0.0, df),
        n_points=n,
        first_year=np.where(np.isfinite(first), first, np.nan),
        geometric=geo,
    )


def meeting_probability(fit: Projection, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Probability that the value at the target year meets ``target`` (``sign`` +1: at least).

    From the prediction's t distribution on the fitted scale; NaN without an interval, and
    where ``sign`` is 0 (a target with no direction has no side to meet it on).
    """
    from scipy.special import stdtr  # Student's t distribution function, without scipy.stats' import

    target = np.asarray(target, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(fit.geometric, np.log(fit.projection), fit.projection)
        bound = np.where(fit.geometric, np.log(np.where(target > 0, target, np.nan)), target)
        score = (centre - bound) / fit.fitted_se * np.asarray(sign, dtype=float)
        df = np.where(fit.df > 0, fit.df, np.nan)
        probability = stdtr(df, score)
    return np.where(np.isfinite(score) & (fit.df > 0) & (np.asarray(sign, dtype=float) != 0), probability, np.nan)


@dataclass(frozen=True, slots=True, eq=False)
class PoissonTrend:
    """A Poisson regression of each row's events on the year, with log(exposure) as offset.

    ``log μ_t = β0 + β1·(t − t̄) + log n_t`` over the last ≤ ``window`` years with counts.
    ``projection`` is the expected rate at the target year on the indicator's scale, with the
    Wald interval ``lower``/``upper`` of level ``level`` (on the log scale, so it never goes
    below 0); ``slope`` is the annual rate of change exp(β1) − 1 with its interval.
    The variance is the quasi-likelihood one: the model's, times the dispersion
    φ = max(1, Pearson χ²/(m − 2)) (``dispersion``) when the years scatter more than their
    counts alone allow (statsmodels' ``fit(scale="X2")``, never below the pure model).
    ``estimable`` is False where the maximum-likelihood estimate does not exist (no event,
    or every event in the first or the last year of the window: the slope runs to ±∞), with
    fewer than three years, or without convergence; every other column is NaN there.
    """

    projection: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    slope: np.ndarray
    slope_lower: np.ndarray
    slope_upper: np.ndarray
    log_slope: np.ndarray
    log_slope_se: np.ndarray
    log_rate: np.ndarray
    log_rate_se: np.ndarray
    events: np.ndarray
    n_points: np.ndarray
    first_year: np.ndarray
    estimable: np.ndarray
    level: float
    family: str = "poisson"
    dispersion: np.ndarray | None = None

    def probability(self, target: np.ndarray, sign: np.ndarray, multiplier: np.ndarray | float = 1.0) -> np.ndarray:
        """Probability that the expected rate at the target year meets ``target`` (``sign`` +1: at least).

        From the normal distribution of the log rate (the logit of the proportion for the
        binomial family) (Wald); NaN where the fit is not estimable or the target has no
        log (logit): 0 or below (or 100% and above).
        """
        from scipy.special import ndtr  # the normal distribution function, without scipy.stats' import

        target = np.asarray(target, dtype=float) / np.asarray(multiplier, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.family == "binomial":
                inside = (target > 0) & (target < 1)
                bound = np.log(np.where(inside, target, np.nan) / (1 - np.where(inside, target, np.nan)))
            else:
                bound = np.log(np.where(target > 0, target, np.nan))
            score = np.asarray(sign, dtype=float) * (self.log_rate - bound) / self.log_rate_se
        return np.where(self.estimable & np.isfinite(score), ndtr(score), np.nan)


@dataclass(frozen=True, slots=True, eq=False)
class _Window:
    """The years of each row a count model is fitted on, and their moments."""

    events: np.ndarray  # the events where used, else 0
    exposure: np.ndarray  # the exposure where used, else 1
    used: np.ndarray
    x: np.ndarray  # the year less the row's mean year, 0 where not used
    t: np.ndarray
    total: np.ndarray
    points: np.ndarray
    centre: np.ndarray


def _window(events: Any, exposure: Any, years: Any, window: int) -> _Window:
    """The last ``window`` years up to each row's latest year with counts (events ≥ 0, exposure > 0)."""
    k = np.asarray(events, dtype=float)
    n = np.asarray(exposure, dtype=float)
    t = np.broadcast_to(np.asarray(years, dtype=float), k.shape)
    counted = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0)
    latest = np.where(counted, t, -np.inf).max(axis=1, initial=-np.inf)
    used = counted & (t > latest[:, None] - window)
    points = used.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(points > 0, np.where(used, t, 0.0).sum(axis=1) / np.maximum(points, 1), 0.0)
    x = np.where(used, t - centre[:, None], 0.0)
    k0 = np.where(used, k, 0.0)
    return _Window(k0, np.where(used, n, 1.0), used, x, t, k0.sum(axis=1), points, centre)


def _exists(w: _Window, binomial: bool) -> np.ndarray:
    """Where the maximum-likelihood estimate exists: three years or more, and the events (and,
    for a proportion, the failures) neither absent nor all in the window's first or last year."""
    x_min = np.where(w.used, w.x, np.inf).min(axis=1, initial=np.inf)
    x_max = np.where(w.used, w.x, -np.inf).max(axis=1, initial=-np.inf)
    tolerance = 1e-9 * np.maximum(x_max - x_min, 1.0)

    def inside(counts: np.ndarray) -> np.ndarray:
        total = counts.sum(axis=1)
        with np.errstate(invalid="ignore"):
            mean = (counts * w.x).sum(axis=1) / np.where(total > 0, total, 1.0)
        return (total > 0) & (mean > x_min + tolerance) & (mean < x_max - tolerance)

    exists = (w.points >= 3) & inside(w.events)
    if binomial:  # the failures must not all fall at one end either
        exists &= inside(np.where(w.used, w.exposure - w.events, 0.0))
    return exists


def _start(w: _Window, binomial: bool, exists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton's start: the weighted least-squares line through the empirical log rates (logits),
    (k + ½)/n (or (k + ½)/(n − k + ½)), weighted by their inverse variances — the start of
    statsmodels' IRLS, μ₀ = (y + ½)/(n + 1), here on the fitted scale."""
    k, n, used, x = w.events, w.exposure, w.used, w.x
    with np.errstate(divide="ignore", invalid="ignore"):
        if binomial:
            failures = np.maximum(n - k, 0.0)
            z = np.log((k + 0.5) / (failures + 0.5))
            v = 1 / (k + 0.5) + 1 / (failures + 0.5)
        else:
            z = np.log((k + 0.5) / n)
            v = 1 / (k + 0.5)
        weight = np.where(used, 1 / v, 0.0)
        total = weight.sum(axis=1)
        x_bar = (weight * x).sum(axis=1) / np.where(total > 0, total, 1.0)
        z_bar = (weight * np.where(used, z, 0.0)).sum(axis=1) / np.where(total > 0, total, 1.0)
        dx = np.where(used, x - x_bar[:, None], 0.0)
        sxx = (weight * dx * dx).sum(axis=1)
        slope = (weight * dx * np.where(used, z, 0.0)).sum(axis=1) / np.where(sxx > 0, sxx, 1.0)
    slope = np.where(exists & (sxx > 0) & np.isfinite(slope), slope, 0.0)
    intercept = np.where(exists & np.isfinite(z_bar), z_bar - slope * x_bar, 0.0)
    return intercept, slope


def _damped(step0: np.ndarray, step1: np.ndarray, b0: np.ndarray, b1: np.ndarray, moving: np.ndarray,
            log_likelihood: Any) -> tuple[np.ndarray, np.ndarray]:
    """Newton's step, at most 5 on either coefficient (shortened along its own direction, so it
    still climbs), halved where the log-likelihood would fall (step-halving, as R's glm2): a full
    step can overshoot on a steep series and cycle."""
    longest = np.maximum(np.abs(step0), np.abs(step1))
    shorten = np.where(longest > 5, 5 / np.where(longest > 5, longest, 1.0), 1.0)
    step0, step1 = step0 * shorten, step1 * shorten
    # near the estimate (a step below 10⁻³) the quadratic model holds and a full step climbs
    at = np.flatnonzero(moving & (longest > 1e-3))
    if not len(at):
        return step0, step1
    before, size = log_likelihood(b0[at], b1[at], at)
    s0, s1 = step0[at], step1[at]
    for _ in range(40):
        after, _ = log_likelihood(b0[at] + s0, b1[at] + s1, at)
        worse = ~(after >= before - 1e-12 * size)  # a fall beyond the sum's rounding
        if not worse.any():
            break
        s0, s1 = np.where(worse, s0 / 2, s0), np.where(worse, s1 / 2, s1)
    step0[at], step1[at] = s0, s1
    return step0, step1


def estimate_exists(events: Any, exposure: Any, years: Any, *, window: int = 5, family: str = "poisson") -> np.ndarray:
    """Where :func:`poisson_trend` can estimate a trend at all, without fitting it.

    False with fewer than three years of counts in the window, no event, or every event
    (for ``family="binomial"``, also every failure) in the first or the last year of the
    window: there the slope of the maximum-likelihood fit runs to ±∞ (Albert & Anderson 1984).

    >>> import numpy as np
    >>> estimate_exists(np.array([[0.0, 0, 0, 0, 25], [3, 4, 2, 5, 6]]), np.full((2, 5), 3000.0), np.arange(2021, 2026))
    array([False,  True])
    """
    if family not in ("poisson", "binomial"):
        raise ValueError(f"family must be 'poisson' or 'binomial' (got {family!r})")
    return _exists(_window(events, exposure, years, window), family == "binomial")


def poisson_trend(events: np.ndarray, exposure: np.ndarray, years: np.ndarray, target_year: np.ndarray | int, *,
                  window: int = 5, level: float = 0.95, multiplier: np.ndarray | float = 1.0,
                  iterations: int = 60, family: str = "poisson") -> PoissonTrend:
    """Fit :class:`PoissonTrend` to every row of ``events``/``exposure`` (NaN = no count) at once.

    With ``family="binomial"`` the same fit is a logistic regression of ``events`` successes
    out of ``exposure`` trials (statsmodels ``GLM(family=Binomial())`` on the two columns
    successes and failures): ``projection`` is then the proportion × ``multiplier``, the
    interval is on the logit scale, ``slope`` is the annual change of the odds, and the fit
    exists only where neither every trial succeeds nor every one fails.

    Parameters
    ----------
    events, exposure : ndarray, shape (rows, years)
        Counts (maternal deaths) and exposure (live births); a year is used where both are
        present and the exposure is positive.
    years : ndarray, shape (years,)
    target_year : int or ndarray of int, shape (rows,)
    window : int
        The last ``window`` years up to each row's latest year with counts.
    level : float
        Level of the intervals.
    multiplier : float or ndarray
        Scale of the rate (100000 for per 10万).

    Examples
    --------
    >>> import numpy as np
    >>> deaths = np.array([[30.0, 33, 36, 40, 44]])
    >>> births = np.full((1, 5), 200_000.0)
    >>> fit = poisson_trend(deaths, births, np.arange(2020, 2025), 2030, multiplier=1e5)
    >>> bool(fit.estimable[0]), round(float(fit.slope[0]), 3), round(float(fit.projection[0]), 1)
    (True, 0.101, 39.1)
    """
    from scipy.special import ndtri  # the normal quantile, without scipy.stats' import

    if family not in ("poisson", "binomial"):
        raise ValueError(f"family must be 'poisson' or 'binomial' (got {family!r})")
    binomial = family == "binomial"
    w = _window(events, exposure, years, window)
    k0, n1, used, x, t, total, points, centre = w.events, w.exposure, w.used, w.x, w.t, w.total, w.points, w.centre
    rows = k0.shape[0]
    target = np.broadcast_to(np.asarray(target_year, dtype=float), (rows,))
    exists = _exists(w, binomial)
    log_n = np.log(n1)
    b0, b1 = _start(w, binomial, exists)
    converged = np.zeros(rows, dtype=bool)
    i00 = i01 = i11 = np.ones(rows)
    mu = weight = np.zeros_like(x)

    def fitted(c0: np.ndarray, c1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The expected events and the weights at (c0, c1)."""
        eta = c0[:, None] + c1[:, None] * x
        with np.errstate(over="ignore", invalid="ignore"):
            if binomial:
                p_fit = 1.0 / (1.0 + np.exp(-np.clip(eta, -700, 700)))
                return np.where(used, n1 * p_fit, 0.0), np.where(used, n1 * p_fit * (1 - p_fit), 0.0)
            mean = np.where(used, np.exp(np.clip(eta + log_n, -700, 700)), 0.0)
            return mean, mean

    def log_likelihood(c0: np.ndarray, c1: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The log-likelihood (up to a constant) of rows ``at`` and the size of its terms, which
        bounds its rounding."""
        eta = c0[:, None] + c1[:, None] * x[at]
        with np.errstate(over="ignore", invalid="ignore"):
            if binomial:
                first, second = k0[at] * eta, n1[at] * np.logaddexp(0.0, eta)
            else:
                first, second = k0[at] * (eta + log_n[at]), np.exp(np.clip(eta + log_n[at], -700, 700))
        return (np.where(used[at], first - second, 0.0).sum(axis=1),
                np.where(used[at], np.abs(first) + np.abs(second), 0.0).sum(axis=1))

    for _ in range(iterations):  # Newton on the concave log-likelihood, every row at once
        mu, weight = fitted(b0, b1)
        r = np.where(used, k0 - mu, 0.0)
        u0, u1 = r.sum(axis=1), (x * r).sum(axis=1)
        i00, i01, i11 = weight.sum(axis=1), (x * weight).sum(axis=1), (x * x * weight).sum(axis=1)
        det = i00 * i11 - i01 * i01
        ok = exists & (det > 0) & np.isfinite(det)
        safe = np.where(ok, det, 1.0)
        step0 = np.where(ok, (i11 * u0 - i01 * u1) / safe, 0.0)
        step1 = np.where(ok, (i00 * u1 - i01 * u0) / safe, 0.0)
        converged = ok & (np.abs(step0) < 1e-10 * (1 + np.abs(b0))) & (np.abs(step1) < 1e-10 * (1 + np.abs(b1)))
        step0, step1 = _damped(step0, step1, b0, b1, ok & ~converged, log_likelihood)
        b0, b1 = b0 + step0, b1 + step1
        if not (exists & ~converged).any():
            break
    estimable = exists & converged
    det = i00 * i11 - i01 * i01
    safe = np.where(estimable & (det > 0), det, np.nan)
    # quasi-likelihood: the variance is inflated by φ = Pearson χ²/(m − 2) when the years vary
    # more than the counts alone allow, never deflated (φ ≥ 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pearson = np.where(used & (weight > 0), (k0 - mu) ** 2 / np.where(weight > 0, weight, 1.0), 0.0).sum(axis=1)
        dispersion = np.where(points > 2, np.maximum(pearson / np.maximum(points - 2, 1), 1.0), 1.0)
    v00, v01, v11 = dispersion * i11 / safe, -dispersion * i01 / safe, dispersion * i00 / safe
    x_target = target - centre
    z = ndtri(1 - (1 - level) / 2)
    m = np.broadcast_to(np.asarray(multiplier, dtype=float), (rows,))
    with np.errstate(invalid="ignore", over="ignore"):
        log_rate = np.where(estimable, b0 + b1 * x_target, np.nan)
        log_rate_se = np.sqrt(v00 + 2 * x_target * v01 + x_target * x_target * v11)
        slope_se = np.sqrt(v11)
        inverse = (lambda v: 1.0 / (1.0 + np.exp(-v))) if binomial else np.exp
        projection = inverse(log_rate) * m
        lower, upper = inverse(log_rate - z * log_rate_se) * m, inverse(log_rate + z * log_rate_se) * m
    nan_unless = lambda a: np.where(estimable, a, np.nan)  # noqa: E731 - a local mask
    return PoissonTrend(
        projection=nan_unless(projection), lower=nan_unless(lower), upper=nan_unless(upper),
        slope=nan_unless(np.expm1(b1)), slope_lower=nan_unless(np.expm1(b1 - z * slope_se)),
        slope_upper=nan_unless(np.expm1(b1 + z * slope_se)), log_slope=nan_unless(b1), log_slope_se=nan_unless(slope_se),
        log_rate=log_rate, log_rate_se=nan_unless(log_rate_se), events=np.where(points > 0, total, np.nan),
        n_points=points, first_year=np.where(points > 0, np.where(used, t, np.inf).min(axis=1, initial=np.inf), np.nan),
        estimable=estimable, level=level, family=family, dispersion=np.where(estimable, dispersion, np.nan),
    )


def project_series(frame: Any, plan: Any, indicator: str, region: str, sex: str | None = None, *,
                   method: str = "ols", to_year: int | None = None, area_type: str = "total") -> Any:
    """The projection of one series, year by year up to ``to_year``, for a trajectory chart.

    Returns a DataFrame with ``year``, ``projection`` and, for ``ols`` and ``escap``,
    ``pi_lower`` and ``pi_upper`` (the 95% prediction interval), ready for
    :func:`wdmonitor.plotting.plot_trajectory`'s ``projection`` argument.

    Examples
    --------
    >>> import pandas as pd
    >>> from wdmonitor import load_plan
    >>> plan = load_plan("tests/data/plans/minimal.yaml")
    >>> frame = pd.DataFrame({"region": "211400", "year": [2020, 2021, 2022, 2023, 2024],
    ...     "indicator": "maternal_mortality_ratio", "sex": "female", "value": [16.9, 16.1, 15.7, 15.1, 14.3]})
    >>> path = project_series(frame, plan, "maternal_mortality_ratio", "211400", to_year=2030)
    >>> path["year"].tolist()[:2], bool((path["pi_lower"] < path["projection"]).all())
    ([2025, 2026], True)
    """
    import pandas as pd

    indicator_def = plan.indicator(indicator)
    sex = sex or indicator_def.sexes[0].value
    rows = frame[(frame["indicator"] == indicator) & (frame["region"].astype(str) == region) & (frame["sex"] == sex)]
    if "area_type" in rows:
        rows = rows[rows["area_type"].fillna("total") == area_type]
    observed = rows.groupby("year")["value"].first().sort_index()
    latest = int(observed.index.max())
    targets = np.arange(latest + 1, (to_year or plan.final_year) + 1)
    values = np.tile(observed.to_numpy(dtype=float), (len(targets), 1))
    fit = project(values, observed.index.to_numpy(dtype=float), targets, method=method,
                  geometric=np.full(len(targets), indicator_def.scale.value == "geometric"))
    out = pd.DataFrame({"year": targets, "projection": fit.projection})
    if method != "trend":
        out["pi_lower"], out["pi_upper"] = fit.lower, fit.upper
    return out
