"""Pooled rates for small areas: a multi-year rate Σd/Σn where a year's events are too few.

A county with 3,000–5,000 births a year sees 0, 1 or 2 maternal deaths; one death moves its
MMR by 20–33/10万. Health statistics judge such areas on a rate pooled over several years
(the 3-year MMR), and the US National Center for Health Statistics flags rates from fewer
than 20 events as unreliable (methodology §7). :func:`pooled_rates` does that for every
series and year of a :class:`~wdmonitor.series.SeriesMatrix` at once: where the rule set
pools (``RuleSet.pool_rates``), the indicator's unit is one of ``RuleSet.pool_units`` and the
events of the ``pool_years`` years ending at a year sum to fewer than ``pool_min_events``, the
cell holds the pooled rate Σd/Σn × multiplier over those years (the years with counts, at
least two), marked in ``pooled`` with the first year of the pool.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> from wdmonitor.rules import DEFAULT_RULES
>>> from wdmonitor.series import to_matrix
>>> frame = pd.DataFrame({"region": "211402", "year": [2022, 2023, 2024], "sex": "female",
...     "indicator": "maternal_mortality_ratio", "value": [0.0, 0.0, 26.7],
...     "numerator": [0, 0, 1], "denominator": [3700, 3720, 3750]})
>>> pooled = pooled_rates(to_matrix(frame), {"maternal_mortality_ratio": "per_100k"}, DEFAULT_RULES)
>>> round(float(pooled.values[0, 2]), 2), bool(pooled.pooled[0, 2]), pooled.years_text(0, 2)
(8.95, True, '2022–2024')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .rules import RuleSet
from .series import SERIES_KEY, SeriesMatrix

__all__ = ["MULTIPLIERS", "GapInterval", "PooledRates", "PooledValues", "gap_interval", "pool_values", "pooled_rates", "units_of"]

#: Scale of each rate unit (the rate is events / exposure × multiplier).
MULTIPLIERS: dict[str, float] = {"per_100k": 1e5, "per_10k": 1e4, "per_mille": 1e3, "per_million": 1e6, "percent": 100.0}


@dataclass(frozen=True, slots=True, eq=False)
class PooledRates:
    """The values of a matrix with pooled rates where the rule set pools them.

    Attributes
    ----------
    values : ndarray, shape (series, years)
        The pooled rate where ``pooled``, else the matrix's own value.
    events, exposure : ndarray, shape (series, years)
        Σd and Σn behind each pooled cell, else the year's own counts (NaN without).
    pooled : ndarray of bool, shape (series, years)
        Cells judged on a pooled rate.
    first_year : ndarray of float, shape (series, years)
        First year of the pool (NaN where not pooled); the pool ends at the cell's year.
    years_pooled : ndarray of int, shape (series, years)
        Years with counts in the pool (0 where not pooled).
    years : ndarray of int
        The matrix's years.
    """

    values: np.ndarray
    events: np.ndarray
    exposure: np.ndarray
    pooled: np.ndarray
    first_year: np.ndarray
    years_pooled: np.ndarray
    years: np.ndarray

    def at(self, rows: np.ndarray, year: np.ndarray | int, which: str = "values") -> np.ndarray:
        """Gather ``which[rows, year]``; NaN (False for ``pooled``) for a missing row or year."""
        matrix = getattr(self, which)
        rows = np.asarray(rows, dtype=np.int64)
        start = int(self.years[0]) if len(self.years) else 0
        cols = np.broadcast_to(np.asarray(year, dtype=np.int64) - start, rows.shape)
        ok = (rows >= 0) & (cols >= 0) & (cols < matrix.shape[1])
        out = np.zeros(rows.shape, dtype=bool) if matrix.dtype == bool else np.full(rows.shape, np.nan)
        out[ok] = matrix[rows[ok], cols[ok]]
        return out

    def years_text(self, row: int, column: int) -> str:
        """The pool's years as text (``2022–2024``), empty where the cell is not pooled."""
        if not self.pooled[row, column]:
            return ""
        return f"{int(self.first_year[row, column])}–{int(self.years[column])}"


def units_of(plan: Any) -> dict[str, str]:
    """Indicator id → unit, from a :class:`~wdmonitor.indicators.Plan` (or its catalogue)."""
    indicators = getattr(plan, "indicators", plan)
    return {indicator_id: indicator.unit for indicator_id, indicator in indicators.items()}


def pooled_rates(matrix: SeriesMatrix, units: Mapping[str, str] | Any, rules: RuleSet) -> PooledRates:
    """Pool the rates of small areas over ``rules.pool_years`` years, for every series and year at once.

    Parameters
    ----------
    matrix : SeriesMatrix
        Values with their numerators (events) and denominators (exposure).
    units : mapping or Plan
        Indicator id → unit (or a plan, whose catalogue gives them); series of other units,
        and derived series (gaps, ratios), are never pooled.
    rules : RuleSet
        ``pool_rates``, ``pool_years``, ``pool_min_events`` and ``pool_units``.

    Returns
    -------
    PooledRates
    """
    if not isinstance(units, Mapping):
        units = units_of(units)
    shape = matrix.values.shape
    cells = _pool_cells(matrix, np.repeat(np.arange(shape[0]), shape[1]), np.tile(np.arange(shape[1]), shape[0]), units, rules)
    return PooledRates(values=cells.values.reshape(shape), events=cells.events.reshape(shape),
                       exposure=cells.exposure.reshape(shape), pooled=cells.pooled.reshape(shape),
                       first_year=cells.first_year.reshape(shape), years_pooled=cells.years_pooled.reshape(shape),
                       years=matrix.years)


@dataclass(frozen=True, slots=True, eq=False)
class _Cells:
    """:class:`PooledRates`' arrays at some cells of a matrix, one entry per cell."""

    values: np.ndarray
    events: np.ndarray
    exposure: np.ndarray
    pooled: np.ndarray
    first_year: np.ndarray
    years_pooled: np.ndarray


def _pool_cells(matrix: SeriesMatrix, rows: np.ndarray, cols: np.ndarray, units: Mapping[str, str],
                rules: RuleSet) -> _Cells:
    """The pooled rate at each cell ``(rows[i], cols[i])`` of ``matrix`` (every cell inside it).

    Sums over the ``pool_years`` years ending at a cell are differences of the rows'
    cumulative sums; only the rows asked about are summed, and only the cells asked about
    are pooled, so the evaluation pools its target rows' cells, not the whole matrix.
    """
    involved, local = np.unique(rows, return_inverse=True)
    local = local.reshape(-1)
    k, n = matrix.numerators[involved], matrix.denominators[involved]
    counted = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0)
    multiplier, poolable = _poolable(matrix, involved, units, rules)
    span = int(rules.pool_years)

    def trailing(a: np.ndarray) -> np.ndarray:
        """Sum over the ``span`` years ending at each cell (a cumulative-sum difference)."""
        c = np.concatenate([np.zeros((a.shape[0], 1)), np.cumsum(a, axis=1)], axis=1)
        return c[local, cols + 1] - c[local, np.maximum(cols + 1 - span, 0)]

    events = trailing(np.where(counted, k, 0.0))
    exposure = trailing(np.where(counted, n, 0.0))
    present = trailing(counted.astype(float))
    first = np.full(len(cols), np.nan)  # the first year with counts in each pool: the earliest counted column in the span
    for back in range(span - 1, -1, -1):  # pool_years gathers, not a loop over series
        column = cols - back
        take = (column >= 0) & counted[local, np.maximum(column, 0)] & np.isnan(first)
        first = np.where(take, column, first)
    here = counted[local, cols]
    pooled = poolable[local] & here & (present >= 2) & (events < rules.pool_min_events)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = events / np.where(exposure > 0, exposure, np.nan) * multiplier[local]
    start = int(matrix.years[0]) if len(matrix.years) else 0
    return _Cells(
        values=np.where(pooled, rate, matrix.values[rows, cols]),
        events=np.where(pooled, events, np.where(here, k[local, cols], np.nan)),
        exposure=np.where(pooled, exposure, np.where(here, n[local, cols], np.nan)),
        pooled=pooled,
        first_year=np.where(pooled, first + start, np.nan),
        years_pooled=np.where(pooled, present, 0).astype(np.int64),
    )


def _poolable(matrix: SeriesMatrix, rows: np.ndarray, units: Mapping[str, str], rules: RuleSet) -> tuple[np.ndarray, np.ndarray]:
    """Each series' rate multiplier and whether the rule set pools its unit (one look-up per indicator)."""
    column = SERIES_KEY.index("indicator")
    level_unit = np.array([units.get(i, "") for i in matrix.codes.levels[column]], dtype=object)
    level_multiplier = np.array([MULTIPLIERS.get(u, np.nan) for u in level_unit], dtype=float)
    codes = matrix.codes.codes[rows, column]
    unit, multiplier = level_unit[codes], level_multiplier[codes]
    poolable = np.isin(unit, np.asarray(rules.pool_units, dtype=object)) & bool(rules.pool_rates) & np.isfinite(multiplier)
    return multiplier, poolable


@dataclass(frozen=True, slots=True, eq=False)
class PooledValues:
    """The value each target row is judged on, pooled where the rule set pools it.

    Attributes
    ----------
    value : ndarray
        The pooled rate where ``pooled``, else the row's own value at its data year.
    numerator, denominator : ndarray
        The counts behind ``value`` (Σd and Σn where pooled); NaN without counts.
    pooled : ndarray of bool
    pooled_years : ndarray of object
        ``"2022–2024"`` where pooled, else ``""``.
    """

    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    pooled: np.ndarray
    pooled_years: np.ndarray


def pool_values(rows: Any, matrix: SeriesMatrix, series: np.ndarray, data_year: np.ndarray, value: np.ndarray,
                rules: RuleSet) -> PooledValues:
    """The evaluation's pooling stage: each target row's value at its data year, pooled for small areas.

    ``rows`` are target rows (``unit``, ``series_indicator`` and ``derivation`` columns);
    derived series (gaps, ratios) are never pooled. Vectorised: the rule of :func:`pooled_rates`
    at each row's own cell (its series at its data year).
    """
    simple = rows["derivation"].to_numpy(dtype=object) == "" if "derivation" in rows else np.ones(len(rows), dtype=bool)
    units = dict(zip(rows["series_indicator"].to_numpy(dtype=object)[simple], rows["unit"].to_numpy(dtype=object)[simple],
                     strict=True))
    year = np.where(np.isnan(data_year), 0, data_year).astype(np.int64)
    column = matrix.column(year)
    inside = simple & (series >= 0) & ~np.isnan(data_year) & (column >= 0) & (column < len(matrix.years))
    cells = _pool_cells(matrix, series[inside], column[inside], units, rules)  # the rows' own cells only
    pooled = np.zeros(len(series), dtype=bool)
    pooled[inside] = cells.pooled

    def spread(values: np.ndarray) -> np.ndarray:
        out = np.full(len(series), np.nan)
        out[inside] = values
        return out

    first = spread(cells.first_year)
    numerator = np.where(pooled, spread(cells.events), matrix.at(series, year, "numerators"))
    denominator = np.where(pooled, spread(cells.exposure), matrix.at(series, year, "denominators"))
    text = np.full(len(series), "", dtype=object)
    if pooled.any():
        text[pooled] = [f"{int(a)}–{int(b)}" for a, b in zip(first[pooled], year[pooled], strict=True)]  # the pooled rows only
    return PooledValues(value=np.where(pooled, spread(cells.values), value), numerator=numerator, denominator=denominator,
                        pooled=pooled, pooled_years=text)


@dataclass(frozen=True, slots=True, eq=False)
class GapInterval:
    """The interval of a gap between two counted rates at E, against the gap at baseline.

    ``lower``/``upper`` bound gap_E ± z·sqrt(Var(gap_E) + Var(gap_b)) (the difference of two
    differences of independent rates); ``uncertain`` where gap_b lies inside it, so the
    counts cannot tell whether the gap narrowed; ``closed`` where the gap was 0 at baseline
    and is 0 at E (a closed gap is attained, never "not narrowing").
    """

    lower: np.ndarray
    upper: np.ndarray
    uncertain: np.ndarray
    closed: np.ndarray


def gap_interval(rows: Any, matrix: SeriesMatrix, value: np.ndarray, data_year: np.ndarray, baseline: np.ndarray,
                 baseline_year: np.ndarray, level: float) -> GapInterval:
    """:class:`GapInterval` for every ``gap_narrowing`` row (NaN and False elsewhere)."""
    from scipy.special import ndtri  # the normal quantile, without scipy.stats' import

    from .intervals import gap_variance

    gap = rows["kind"].to_numpy(dtype=object) == "gap_narrowing"
    n = len(rows)
    closed = gap & (np.abs(np.nan_to_num(value, nan=1.0)) <= 1e-12) & (np.abs(np.nan_to_num(baseline, nan=1.0)) <= 1e-12)
    lower, upper, uncertain = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    if not gap.any():
        return GapInterval(lower, upper, uncertain, closed)
    variance = gap_variance(rows, matrix)
    index = np.arange(n)

    def at(year: np.ndarray) -> np.ndarray:
        col = np.where(np.isnan(year), -1, year - (matrix.years[0] if len(matrix.years) else 0)).astype(np.int64)
        ok = (col >= 0) & (col < variance.shape[1])
        return np.where(ok, variance[index, np.clip(col, 0, max(variance.shape[1] - 1, 0))], np.nan) if variance.size else np.full(n, np.nan)

    half = ndtri(1 - (1 - level) / 2) * np.sqrt(at(data_year) + at(baseline_year))
    known = gap & np.isfinite(half) & np.isfinite(value)
    lower = np.where(known, np.maximum(value - half, 0.0), np.nan)
    upper = np.where(known, value + half, np.nan)
    with np.errstate(invalid="ignore"):
        uncertain = known & ~closed & (lower <= baseline) & (baseline <= upper)
    return GapInterval(lower, upper, uncertain, closed)
