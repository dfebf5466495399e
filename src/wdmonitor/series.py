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

from collections.abc import Sequence
from dataclasses import dataclass, field

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

__all__ = ["SERIES_KEY", "KeyCodes", "SeriesMatrix", "to_matrix"]

#: The columns that identify one series.
SERIES_KEY = (REGION, INDICATOR, SEX, AREA_TYPE, AGE_GROUP)


@dataclass(frozen=True, slots=True, eq=False)
class KeyCodes:
    """The series keys as integers: a code per key column and value, combined into one per series.

    Built once per matrix (by :func:`to_matrix`, extended by :meth:`SeriesMatrix.append`), so
    a lookup hashes only the keys it looks for, and a partner series (the same key with
    another sex, say) is found by replacing one integer, never by building its key as text.

    Attributes
    ----------
    levels : tuple of Index
        The distinct values of each :data:`SERIES_KEY` column.
    codes : ndarray of int64, shape (series, len(SERIES_KEY))
        Each series' position in each column's ``levels``.
    index : Index
        The combined code of each series (row ``i`` of the matrix at position ``i``).
    """

    levels: tuple[pd.Index, ...]
    codes: np.ndarray
    index: pd.Index = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", pd.Index(self.combine(self.codes)))

    @classmethod
    def of(cls, keys: pd.DataFrame) -> KeyCodes:
        """The codes of a key frame (columns :data:`SERIES_KEY`), each column factorised once."""
        pairs = [pd.factorize(keys[column], use_na_sentinel=False) for column in SERIES_KEY]
        return cls(tuple(pd.Index(uniques) for _, uniques in pairs),
                   np.column_stack([codes for codes, _ in pairs]).astype(np.int64).reshape(len(keys), len(SERIES_KEY)))

    def combine(self, codes: np.ndarray) -> np.ndarray:
        """One int64 per row of ``codes`` (mixed radix over the levels); -1 where a column is -1."""
        return _combine(self.levels, codes)

    def code(self, column: str, value: object) -> int:
        """The code of one value of one key column, -1 where no series has it."""
        return int(self.levels[SERIES_KEY.index(column)].get_indexer(pd.Index([value], dtype=object))[0])

    def encode(self, keys: pd.DataFrame) -> np.ndarray:
        """The codes of a key frame (columns :data:`SERIES_KEY`); -1 for a value no series has."""
        return _encode(self.levels, keys)

    def find(self, codes: np.ndarray) -> np.ndarray:
        """The row of each code tuple, -1 where no series has it."""
        return np.asarray(self.index.get_indexer(pd.Index(self.combine(codes))), dtype=np.int64)

    def extended(self, keys: pd.DataFrame) -> KeyCodes:
        """These codes with the series of ``keys`` appended; new values join their column's levels."""
        levels = []
        for level, column in zip(self.levels, SERIES_KEY, strict=True):
            values = pd.Index(keys[column])
            unseen = pd.unique(values[level.get_indexer(values) < 0])
            levels.append(level.append(pd.Index(unseen)) if len(unseen) else level)
        return KeyCodes(tuple(levels), np.vstack([self.codes, _encode(levels, keys)]))


def _combine(levels: Sequence[pd.Index], codes: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    """Mixed-radix combination of key codes, given as a (rows, columns) array or one array per column."""
    columns = [codes[:, position] for position in range(len(levels))] if isinstance(codes, np.ndarray) else list(codes)
    combined = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    absent = np.zeros(len(combined), dtype=bool)
    for column, level in zip(columns, levels, strict=True):
        combined = combined * (len(level) + 1) + column
        absent |= column < 0
    return np.where(absent, -1, combined)


def _encode(levels: Sequence[pd.Index], keys: pd.DataFrame) -> np.ndarray:
    """Each key column's position in its levels (-1 for a value not among them)."""
    columns = [level.get_indexer(pd.Index(keys[column])) for level, column in zip(levels, SERIES_KEY, strict=True)]
    return np.column_stack(columns).astype(np.int64).reshape(len(keys), len(SERIES_KEY))


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
    codes : KeyCodes
        ``keys`` as integers (built from ``keys`` when not given).
    """

    keys: pd.DataFrame
    years: np.ndarray
    values: np.ndarray
    numerators: np.ndarray
    denominators: np.ndarray
    codes: KeyCodes = None  # type: ignore[assignment]  # built in __post_init__ when not given
    # each row's running latest and earliest observed column, built on first use: the matrix
    # never changes, and the engine asks for them a dozen times per run
    _running: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.codes is None:
            object.__setattr__(self, "codes", KeyCodes.of(self.keys))

    def _running_columns(self, which: str) -> np.ndarray:
        """For each cell, the latest observed column at or before it (``"latest"``, -1 if none) or
        the earliest at or after it (``"earliest"``, the width if none)."""
        if which not in self._running:
            observed = ~np.isnan(self.values)
            width = self.values.shape[1]
            if which == "latest":
                positions = np.where(observed, np.arange(width), -1)
                running = np.maximum.accumulate(positions, axis=1) if positions.size else positions
            else:
                positions = np.where(observed, np.arange(width), width)
                running = np.minimum.accumulate(positions[:, ::-1], axis=1)[:, ::-1] if positions.size else positions
            self._running[which] = running
        return self._running[which]

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
        running = self._running_columns("latest")
        rows = np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64)
        cols = np.broadcast_to(self.column(year), rows.shape)
        cols = np.minimum(cols, self.values.shape[1] - 1)
        out = np.full(rows.shape, -1, dtype=np.int64)
        ok = (rows >= 0) & (cols >= 0)
        out[ok] = running[rows[ok], cols[ok]]
        return out

    def earliest_index(self, year: np.ndarray | int, rows: np.ndarray | None = None) -> np.ndarray:
        """Column of the earliest observation at or after ``year`` for each row, -1 if none."""
        width = self.values.shape[1]
        running = self._running_columns("earliest")
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
        return self.codes.find(self.codes.encode(keys))

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
            codes=self.codes.extended(keys),
        )


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
    year = frame[YEAR].astype("int64").to_numpy()
    if years is None:
        first, last = (int(year.min()), int(year.max())) if len(year) else (0, -1)
    else:
        first, last = years
    width = max(last - first + 1, 0)
    levels, row_codes = zip(*(_key_column(frame, column) for column in SERIES_KEY), strict=True)
    # series in the order of their codes, column by column (each column's values in order of appearance)
    series, combined = pd.factorize(_combine(levels, row_codes), sort=True)
    representative = np.zeros(len(combined), dtype=np.int64)
    representative[series] = np.arange(len(series))  # any row of a series: they share its key
    codes = KeyCodes(tuple(levels), np.column_stack([column[representative] for column in row_codes]).reshape(-1, len(SERIES_KEY)))
    keys = pd.DataFrame({column: level.take(codes.codes[:, position])
                         for position, (column, level) in enumerate(zip(SERIES_KEY, codes.levels, strict=True))})
    shape = (len(keys), width)
    matrices = {name: np.full(shape, np.nan) for name in (VALUE, NUMERATOR, DENOMINATOR)}
    inside = (year >= first) & (year <= last)
    for name in matrices:
        if name not in frame:
            continue
        matrices[name][series[inside], year[inside] - first] = pd.to_numeric(frame[name], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )[inside]
    return SeriesMatrix(
        keys=keys,
        years=np.arange(first, last + 1, dtype=np.int64),
        values=matrices[VALUE],
        numerators=matrices[NUMERATOR],
        denominators=matrices[DENOMINATOR],
        codes=codes,
    )


def _key_column(frame: pd.DataFrame, column: str) -> tuple[pd.Index, np.ndarray]:
    """The distinct values of one key column as text (``"total"`` when absent) and each row's code.

    Factorised on the column's own values, then on their text (so 2114 and "2114" are one
    region), which converts only the distinct values, never each row.
    """
    if column not in frame:
        return pd.Index(pd.Series(["total"]).astype(str)), np.zeros(len(frame), dtype=np.int64)
    raw, distinct = pd.factorize(frame[column])  # missing keys -1 here (twice as fast as a sentinel-free pass)
    text = pd.Series(distinct, dtype=object).astype(str)
    if (raw < 0).any():  # missing keys take their place in order of appearance
        first_missing = int(np.argmax(raw < 0))
        at = int(raw[:first_missing].max()) + 1 if first_missing else 0
        raw = np.where(raw < 0, at, raw + (raw >= at))
        text = pd.concat([text[:at], pd.Series([np.nan], dtype=object).astype(str), text[at:]], ignore_index=True)
    merged, level = pd.factorize(text, use_na_sentinel=False)
    return pd.Index(level), np.asarray(merged, dtype=np.int64)[raw]
