"""Series as a matrix: every region × indicator × sex × area type × age group at once.

The engine never loops over series. :func:`to_matrix` pivots the canonical long frame into
one row per series and one column per year, with the numerators and denominators beside
the values; every rule of the methodology is then a gather or a reduction over these
arrays. Derived series (sex gaps, urban–rural gaps, female/male ratios, the spread across
regions) are appended as extra rows with :meth:`SeriesMatrix.append`, so they are judged
by exactly the same code as observed ones.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"region": "211400", "year": [2020, 2022], "indicator": "x",
...                       "sex": "female", "value": [1.0, 3.0]})
>>> m = to_matrix(frame)
>>> m.years.tolist(), m.values.tolist()
([2020, 2021, 2022], [[1.0, nan, 3.0]])
>>> m.latest_index(2021).tolist()
[0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import (
    AGE_GROUP,
    AREA_TYPE,
    DENOMINATOR,
    INDICATOR,
    NUMERATOR,
    REGION,
    SEX,
    VALUE,
    YEAR,
)

__all__ = ["SERIES_KEY", "SeriesMatrix", "to_matrix"]

#: The columns that identify one series.
SERIES_KEY = (REGION, INDICATOR, SEX, AREA_TYPE, AGE_GROUP)


@dataclass(frozen=True, slots=True, eq=False)
class SeriesMatrix:
    """Values (and counts) of many series over a common run of years.

    Attributes
    ----------
    keys : DataFrame
        One row per series, columns :data:`SERIES_KEY`; row ``i`` describes ``values[i]``.
    years : ndarray of int
        Consecutive years, the columns of the matrices.
    values, numerators, denominators : ndarray of float, shape (series, years)
        NaN where there is no observation (or no count).
    """

    keys: pd.DataFrame
    years: np.ndarray
    values: np.ndarray
    numerators: np.ndarray
    denominators: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    def column(self, year: np.ndarray | int) -> np.ndarray:
        """Column index of ``year`` (may fall outside ``0..len(years)-1``)."""
        start = int(self.years[0]) if len(self.years) else 0
        return np.asarray(year, dtype=np.int64) - start

    def at(self, rows: np.ndarray, year: np.ndarray | int, which: str = "values") -> np.ndarray:
        """Gather ``matrix[rows, year]``; NaN for a missing row (-1) or a year out of range."""
        matrix = getattr(self, which)
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.broadcast_to(self.column(year), rows.shape)
        ok = (rows >= 0) & (cols >= 0) & (cols < matrix.shape[1])
        out = np.full(rows.shape, np.nan)
        out[ok] = matrix[rows[ok], cols[ok]]
        return out

    def latest_index(self, year: np.ndarray | int, rows: np.ndarray | None = None) -> np.ndarray:
        """Column of the latest observation at or before ``year`` for each row, -1 if none."""
        observed = ~np.isnan(self.values)
        positions = np.where(observed, np.arange(self.values.shape[1]), -1)
        running = np.maximum.accumulate(positions, axis=1) if positions.size else positions
        rows = np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64)
        cols = np.broadcast_to(self.column(year), rows.shape)
        cols = np.minimum(cols, self.values.shape[1] - 1)
        out = np.full(rows.shape, -1, dtype=np.int64)
        ok = (rows >= 0) & (cols >= 0)
        out[ok] = running[rows[ok], cols[ok]]
        return out

    def earliest_index(self, year: np.ndarray | int, rows: np.ndarray | None = None) -> np.ndarray:
        """Column of the earliest observation at or after ``year`` for each row, -1 if none."""
        observed = ~np.isnan(self.values)
        width = self.values.shape[1]
        positions = np.where(observed, np.arange(width), width)
        running = np.minimum.accumulate(positions[:, ::-1], axis=1)[:, ::-1] if positions.size else positions
        rows = np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64)
        cols = np.broadcast_to(self.column(year), rows.shape)
        cols = np.maximum(cols, 0)
        out = np.full(rows.shape, -1, dtype=np.int64)
        ok = (rows >= 0) & (cols < width)
        found = running[rows[ok], cols[ok]]
        out[ok] = np.where(found < width, found, -1)
        return out

    def lookup(self, keys: pd.DataFrame) -> np.ndarray:
        """Row index of each key in ``keys`` (columns :data:`SERIES_KEY`), -1 where absent."""
        own, wanted = encode_keys(self.keys, keys)
        return np.asarray(pd.Index(own).get_indexer(wanted), dtype=np.int64)

    def append(self, keys: pd.DataFrame, values: np.ndarray, numerators: np.ndarray | None = None,
               denominators: np.ndarray | None = None) -> SeriesMatrix:
        """A new matrix with extra series (same years) appended."""
        empty = np.full(values.shape, np.nan)
        return SeriesMatrix(
            keys=pd.concat([self.keys, keys[list(SERIES_KEY)]], ignore_index=True),
            years=self.years,
            values=np.vstack([self.values, values]),
            numerators=np.vstack([self.numerators, empty if numerators is None else numerators]),
            denominators=np.vstack([self.denominators, empty if denominators is None else denominators]),
        )


def encode_keys(*frames: pd.DataFrame) -> list[np.ndarray]:
    """One int64 code per row for the :data:`SERIES_KEY` columns, consistent across frames.

    Each key column is factorised once over all frames and the codes are combined
    arithmetically, so matching millions of keys never builds Python tuples.
    """
    sizes = [len(f) for f in frames]
    combined = np.zeros(sum(sizes), dtype=np.int64)
    for column in SERIES_KEY:
        values = pd.concat([f[column].reset_index(drop=True) for f in frames], ignore_index=True)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    return np.split(combined, np.cumsum(sizes)[:-1])


def to_matrix(frame: pd.DataFrame, years: tuple[int, int] | None = None) -> SeriesMatrix:
    """Pivot a canonical long frame into a :class:`SeriesMatrix`.

    Parameters
    ----------
    frame : DataFrame
        Validated canonical frame (one row per key; ``area_type`` and ``age_group`` default
        to ``"total"`` when absent).
    years : (int, int), optional
        First and last year of the columns; by default the frame's own range.
    """
    data = frame.copy()
    for column in (AREA_TYPE, AGE_GROUP):
        if column not in data:
            data[column] = "total"
    for column in (NUMERATOR, DENOMINATOR):
        if column not in data:
            data[column] = np.nan
    for column in SERIES_KEY:
        data[column] = data[column].astype(str)
    year = data[YEAR].astype("int64").to_numpy()
    if years is None:
        first, last = (int(year.min()), int(year.max())) if len(year) else (0, -1)
    else:
        first, last = years
    width = max(last - first + 1, 0)
    (combined,) = encode_keys(data)
    _, first_rows, codes = np.unique(combined, return_index=True, return_inverse=True)
    keys = data[list(SERIES_KEY)].iloc[first_rows].reset_index(drop=True)
    shape = (len(keys), width)
    matrices = {name: np.full(shape, np.nan) for name in (VALUE, NUMERATOR, DENOMINATOR)}
    inside = (year >= first) & (year <= last)
    for name in matrices:
        matrices[name][codes[inside], year[inside] - first] = pd.to_numeric(data[name], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )[inside]
    return SeriesMatrix(
        keys=keys,
        years=np.arange(first, last + 1, dtype=np.int64),
        values=matrices[VALUE],
        numerators=matrices[NUMERATOR],
        denominators=matrices[DENOMINATOR],
    )
