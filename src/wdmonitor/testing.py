"""Helpers for testing indicator formulas and evaluations in your own pytest suite.

Strategies generate catalogue-shaped data for `hypothesis <https://hypothesis.works>`_:
:func:`indicators`, :func:`targets`, :func:`series` and :func:`submissions` (a whole valid
submission for a plan, optionally as component counts). Assertions compare results with a
message that names the row: :func:`assert_frame_close` for indicator frames and
:func:`assert_status` for the verdicts of an evaluation table.

hypothesis is imported only when a strategy is called; it ships in the ``test`` extra
(``pip install wdmonitor[test]``). The assertions need only pandas.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor.testing import assert_frame_close
>>> left = pd.DataFrame({"region": ["211400"], "year": [2022], "indicator": ["maternal_mortality_ratio"],
...                      "sex": ["female"], "value": [10.0]})
>>> assert_frame_close(left, left.assign(value=10.0 + 1e-12))
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import schema as col
from .indicators import Indicator, Plan, Target
from .vocabulary import Sex, SexScope, Status, TargetKind

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["assert_frame_close", "assert_status", "indicators", "series", "submissions", "targets", "value_range"]

#: Listed differences in an assertion message; the count of the rest follows.
MAX_SHOWN = 20

_RANGES = {
    "percent": (0.0, 100.0), "per_100k": (0.0, 200.0), "per_10k": (0.0, 100.0), "per_mille": (0.0, 50.0),
    "per_million": (0.0, 1000.0), "ratio": (0.5, 1.5), "year": (5.0, 90.0), "hour": (0.0, 8.0),
    "yuan": (1000.0, 200000.0), "person": (0.0, 10000.0), "institution": (0.0, 500.0), "bed": (0.0, 5000.0),
    "case": (0.0, 1000.0),
}


def _strategies() -> Any:
    try:
        import hypothesis.strategies as st
    except ImportError as error:  # pragma: no cover - the test extra installs it
        raise ImportError("wdmonitor.testing strategies need hypothesis: pip install 'wdmonitor[test]' / "
                          "需要安装 hypothesis") from error
    return st


def value_range(indicator: Indicator) -> tuple[float, float]:
    """A plausible (low, high) range of values in the indicator's unit, used by the strategies.

    The catalogue's ``plausible`` range where it declares one; else a typical range for the
    unit, inside the indicator's ``possible`` range.

    Examples
    --------
    >>> from wdmonitor import load_indicators
    >>> value_range(load_indicators()["maternal_mortality_ratio"])
    (0.0, 300.0)
    """
    if indicator.plausible is not None:
        return indicator.plausible
    low, high = _RANGES.get(indicator.unit, (0.0, 10.0))
    if indicator.possible is not None:
        low, high = max(low, indicator.possible[0]), min(high, indicator.possible[1])
    if indicator.natural_limit is not None:
        high = min(high, indicator.natural_limit)
    return low, high


def _catalogue(catalogue: Mapping[str, Indicator] | Plan | None) -> Mapping[str, Indicator]:
    if catalogue is None:
        from .registry import load_indicators

        return load_indicators()
    return catalogue.indicators if isinstance(catalogue, Plan) else catalogue


def indicators(catalogue: Mapping[str, Indicator] | Plan | None = None, *, with_formula: bool | None = None,
               sex_scope: SexScope | str | None = None) -> SearchStrategy[Indicator]:
    """Indicators of the catalogue (or of a plan), optionally only those with a formula or a sex scope.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(indicators(with_formula=True))
    ... def test_formula_indicators_have_a_unit(indicator):
    ...     assert indicator.unit
    >>> test_formula_indicators_have_a_unit()
    """
    st = _strategies()
    chosen = [i for i in _catalogue(catalogue).values()
              if (with_formula is None or (i.formula is not None) == with_formula)
              and (sex_scope is None or i.sex_scope is SexScope(sex_scope))]
    if not chosen:
        raise ValueError(f"no indicator has with_formula={with_formula}, sex_scope={sex_scope} / 没有符合条件的指标")
    return st.sampled_from(chosen)


_VALUED_KINDS = (TargetKind.AT_LEAST, TargetKind.AT_MOST, TargetKind.MAINTAIN_AT_LEAST, TargetKind.MAINTAIN_AT_MOST)
_DIRECTION_KINDS = (TargetKind.INCREASE, TargetKind.DECREASE)


def targets(indicator: Indicator | SearchStrategy[Indicator] | None = None, *, years: Sequence[int] = (2025, 2030),
            kinds: Sequence[TargetKind | str] = (*_VALUED_KINDS, *_DIRECTION_KINDS)) -> SearchStrategy[Target]:
    """Targets on an indicator (drawn from the catalogue when not given), with values in its range.

    Kinds with a value get one value per year of ``years``; ``increase`` and ``decrease``
    get NaN values, as the plan loader writes them.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(targets(kinds=["at_least"]))
    ... def test_at_least_targets_have_values(target):
    ...     assert len(target.values) == 2
    >>> test_at_least_targets_have_values()
    """
    st = _strategies()
    chosen_kinds = [TargetKind(k) for k in kinds]
    source = indicators() if indicator is None else (st.just(indicator) if isinstance(indicator, Indicator) else indicator)

    @st.composite
    def build(draw: Any) -> Target:
        chosen = draw(source)
        kind = draw(st.sampled_from(chosen_kinds))
        low, high = value_range(chosen)
        if kind in _DIRECTION_KINDS:
            values = dict.fromkeys(years, math.nan)
        else:
            values = {year: draw(st.floats(low, high, allow_nan=False)) for year in years}
        return Target(id=f"{chosen.id}-{kind.value}", indicator=chosen.id, kind=kind, values=values,
                      area=chosen.area, text_zh=f"{chosen.name_zh}（生成的目标）")

    return build()


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=[col.REGION, col.YEAR, col.INDICATOR, col.SEX, col.VALUE, col.AREA_TYPE,
                                           col.AGE_GROUP, col.UNIT])
    frame[col.YEAR] = frame[col.YEAR].astype("int64")
    frame[col.VALUE] = frame[col.VALUE].astype("float64")
    return frame


def series(indicator: Indicator | SearchStrategy[Indicator] | None = None, *, region: str = "211400",
           years: tuple[int, int] = (2015, 2030), sex: Sex | str | None = None, min_years: int = 1) -> SearchStrategy[pd.DataFrame]:
    """One series as a canonical frame: consecutive years of one region, indicator and sex.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(series(min_years=3))
    ... def test_series_are_consecutive(frame):
    ...     assert list(frame["year"].diff().dropna().unique()) == [1]
    >>> test_series_are_consecutive()
    """
    st = _strategies()
    source = indicators() if indicator is None else (st.just(indicator) if isinstance(indicator, Indicator) else indicator)
    first, last = years

    @st.composite
    def build(draw: Any) -> pd.DataFrame:
        chosen = draw(source)
        chosen_sex = Sex(sex) if sex is not None else draw(st.sampled_from(chosen.sexes))
        start = draw(st.integers(first, last - min_years + 1))
        n = draw(st.integers(min_years, last - start + 1))
        low, high = value_range(chosen)
        values = draw(st.lists(st.floats(low, high, allow_nan=False), min_size=n, max_size=n))
        return _frame([{col.REGION: region, col.YEAR: start + i, col.INDICATOR: chosen.id, col.SEX: chosen_sex.value,
                        col.VALUE: v, col.AREA_TYPE: "total", col.AGE_GROUP: "total", col.UNIT: chosen.unit}
                       for i, v in enumerate(values)])

    return build()


def submissions(plan: Plan, *, components: bool = False, max_indicators: int = 5, max_regions: int = 3,
                max_years: int = 4) -> SearchStrategy[pd.DataFrame]:
    """Whole submissions that :func:`~wdmonitor.check_submission` accepts for ``plan``.

    Indicators come from the plan's targets, regions from the plan, years from its
    baseline to its end; every series has the sexes its indicator needs (female and male
    for ``both``). With ``components=True`` an indicator with a ratio, share or sum formula
    is sent as its component counts instead (numerators never above denominators), so
    that :func:`~wdmonitor.formulas.compute_indicators` turns the frame into a valid one.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from wdmonitor import check_submission, load_plan
    >>> plan = load_plan("huludao-2021-2030")
    >>> @settings(max_examples=5, deadline=None)
    ... @given(submissions(plan))
    ... def test_generated_submissions_are_valid(frame):
    ...     assert check_submission(frame, plan).ok
    >>> test_generated_submissions_are_valid()
    """
    st = _strategies()
    ids = sorted(i for i in plan.indicator_ids if i in plan.indicators)
    formulas: dict[str, Any] = {}
    known: Mapping[str, Any] = {}
    if components:
        from .formulas import FormulaKind, parse_formula
        from .registry import load_components

        known = load_components()
        for indicator_id in ids:
            indicator = plan.indicators[indicator_id]
            if indicator.formula is not None:
                formula, _ = parse_formula(indicator.formula, indicator, known)
                if formula is not None and formula.kind is not FormulaKind.DIFFERENCE:
                    formulas[indicator_id] = formula
    first = plan.baseline_year

    @st.composite
    def build(draw: Any) -> pd.DataFrame:
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=max_indicators, unique=True))
        regions = draw(st.lists(st.sampled_from(plan.region_codes), min_size=1, max_size=max_regions, unique=True))
        years = draw(st.lists(st.integers(first, plan.period_end), min_size=1, max_size=max_years, unique=True))
        records: list[dict[str, Any]] = []
        counts: dict[tuple[str, str, str, int], int] = {}

        def count(component: str, sex: Sex, region: str, year: int, high: int) -> int:
            key = (component, sex.value, region, year)
            if key not in counts:
                counts[key] = draw(st.integers(1 if high > 1 else 0, max(high, 1)))
            return counts[key]

        for indicator_id in sorted(chosen):
            indicator = plan.indicators[indicator_id]
            formula = formulas.get(indicator_id) if components else None
            # a both-scope formula is sent for female and male; compute_indicators derives the total
            sexes = indicator.sexes
            for region in sorted(regions):
                for year in sorted(years):
                    for sex in sexes:
                        if formula is None:
                            low, high = value_range(indicator)
                            records.append({col.REGION: region, col.YEAR: year, col.INDICATOR: indicator_id,
                                            col.SEX: sex.value, col.VALUE: draw(st.floats(low, high, allow_nan=False)),
                                            col.AREA_TYPE: "total", col.AGE_GROUP: "total", col.UNIT: indicator.unit})
                            continue
                        scopes = [known[t.component].sex_scope for t in formula.terms]
                        resolved = [t.sex_for(sex, s) for t, s in zip(formula.terms, scopes, strict=True)]
                        if formula.kind is FormulaKind.SUM:
                            for term, term_sex in zip(formula.terms, resolved, strict=True):
                                count(term.component, term_sex, region, year, 50)
                        else:
                            denominator = count(formula.terms[1].component, resolved[1], region, year, 100_000)
                            count(formula.terms[0].component, resolved[0], region, year, denominator)
        for (component, sex_value, region, year), value in counts.items():
            records.append({col.REGION: region, col.YEAR: year, col.INDICATOR: component, col.SEX: sex_value,
                            col.VALUE: float(value), col.AREA_TYPE: "total", col.AGE_GROUP: "total",
                            col.UNIT: known[component].unit})
        return _frame(records)

    return build()


# -- assertions -----------------------------------------------------------------------------

def _keyed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [c for c in col.REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise AssertionError(f"{name} lacks the column(s) {', '.join(missing)} of an indicator frame")
    out = frame.copy()
    for column in (col.AREA_TYPE, col.AGE_GROUP):
        out[column] = out[column].fillna("total").astype(str) if column in out else "total"
    for column in (col.REGION, col.INDICATOR, col.SEX):
        out[column] = out[column].astype(str)
    out[col.YEAR] = pd.to_numeric(out[col.YEAR]).astype("int64")
    duplicated = out.duplicated(list(col.KEY), keep=False)
    if duplicated.any():
        raise AssertionError(f"{name} has {int(duplicated.sum())} rows sharing a key:\n{_rows(out[duplicated])}")
    return out


def _rows(frame: pd.DataFrame) -> str:
    keys = frame[list(col.KEY)].astype(str).agg(", ".join, axis=1)
    shown = [f"  {k}" for k in keys.head(MAX_SHOWN)]
    if len(keys) > MAX_SHOWN:
        shown.append(f"  … and {len(keys) - MAX_SHOWN} more")
    return "\n".join(shown)


def assert_frame_close(left: pd.DataFrame, right: pd.DataFrame, *, rtol: float = 1e-9, atol: float = 0.0,
                       check_counts: bool = True) -> None:
    """Assert two indicator frames hold the same observations with close values.

    Rows are matched on the key (region, year, indicator, sex, area_type, age_group; the
    last two default to ``total``), whatever their order; provenance columns are ignored.
    ``value`` is compared with :func:`numpy.isclose` (NaN equals NaN), and ``numerator``
    and ``denominator`` too when both frames have them and ``check_counts`` is true.

    Raises
    ------
    AssertionError
        Naming the rows found in one frame only and every value that differs.

    Examples
    --------
    >>> import pandas as pd
    >>> left = pd.DataFrame({"region": ["211400"], "year": [2022], "indicator": ["x"], "sex": ["female"], "value": [1.0]})
    >>> assert_frame_close(left, left.assign(value=1.5))
    Traceback (most recent call last):
    ...
    AssertionError: indicator frames differ: 1 value differs
      211400, 2022, x, female, total, total: value 1.0 != 1.5 (rtol=1e-09, atol=0.0)
    """
    a, b = _keyed(left, "left"), _keyed(right, "right")
    compared = [col.VALUE] + ([c for c in (col.NUMERATOR, col.DENOMINATOR) if c in a and c in b] if check_counts else [])
    key = list(col.KEY)
    merged = a[key + compared].merge(b[key + compared], on=key, how="outer", suffixes=("_left", "_right"), indicator=True)
    problems, details = [], []
    for side, label in (("left_only", "left"), ("right_only", "right")):
        only = merged[merged["_merge"] == side]
        if len(only):
            problems.append(f"{len(only)} row{'s' if len(only) != 1 else ''} only in {label}")
            details.append(f"only in {label}:\n{_rows(only)}")
    both = merged[merged["_merge"] == "both"]
    lines = []
    for name in compared:
        x = pd.to_numeric(both[f"{name}_left"], errors="coerce").to_numpy(dtype=float)
        y = pd.to_numeric(both[f"{name}_right"], errors="coerce").to_numpy(dtype=float)
        differ = ~(np.isclose(x, y, rtol=rtol, atol=atol) | (np.isnan(x) & np.isnan(y)))
        keys = both[key].astype(str).agg(", ".join, axis=1).to_numpy()
        lines += [f"  {k}: {name} {float(p)!r} != {float(q)!r} (rtol={rtol}, atol={atol})" for k, p, q in zip(keys[differ], x[differ], y[differ], strict=True)]
    if lines:
        problems.append(f"{len(lines)} value{'s differ' if len(lines) != 1 else ' differs'}")
        details.append("\n".join(lines[:MAX_SHOWN] + ([f"  … and {len(lines) - MAX_SHOWN} more"] if len(lines) > MAX_SHOWN else [])))
    if problems:
        raise AssertionError(f"indicator frames differ: {', '.join(problems)}\n" + "\n".join(details))


def assert_status(table: pd.DataFrame, expected: Status | str, **key: Any) -> None:
    """Assert every row of an evaluation table matching ``key`` has the ``expected`` status.

    Parameters
    ----------
    table : DataFrame
        With columns ``target_id``, ``region``, ``sex`` and ``status`` (``Evaluation.table``).
    expected : Status or str
        ``"attained"``, ``Status.NOT_ATTAINED`` …
    **key
        Column values selecting the rows: ``target_id="health-2a", region="211400"``.

    Raises
    ------
    AssertionError
        When no row matches (the values present are listed) or a matching row has
        another status (its trace is shown when the table has one).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"target_id": ["health-2a"], "region": ["211400"], "sex": ["female"],
    ...                       "status": ["attained"]})
    >>> assert_status(table, "attained", target_id="health-2a")
    >>> assert_status(table, "not_attained", target_id="health-2a")
    Traceback (most recent call last):
    ...
    AssertionError: 1 of 1 row(s) with target_id='health-2a' have another status than 'not_attained':
      target health-2a, region 211400, sex female: 'attained'
    """
    required = ["target_id", "region", "sex", "status"]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise AssertionError(f"the table lacks the column(s) {', '.join(missing)}; an evaluation table has {', '.join(required)}")
    try:
        wanted = Status(expected).value
    except ValueError:
        raise AssertionError(f"expected status {expected!r} is not one of {', '.join(s.value for s in Status)}") from None
    unknown = [k for k in key if k not in table.columns]
    if unknown:
        raise AssertionError(f"cannot select on {', '.join(unknown)}: not a column of the table")
    mask = np.ones(len(table), dtype=bool)
    for name, value in key.items():
        mask &= (table[name].astype(str) == str(value)).to_numpy()
    selection = ", ".join(f"{k}={v!r}" for k, v in key.items()) or "(all rows)"
    rows = table[mask]
    if rows.empty:
        present = "; ".join(f"{k}: {', '.join(sorted(table[k].astype(str).unique())[:10])}" for k in key)
        raise AssertionError(f"no row with {selection}; the table has {present}")
    off = rows[rows["status"].astype(str) != wanted]
    if len(off):
        lines = []
        for record in off.head(MAX_SHOWN).to_dict("records"):
            trace = record.get("trace")
            lines.append(f"  target {record['target_id']}, region {record['region']}, sex {record['sex']}: {str(record['status'])!r}"
                         + (f" — {trace}" if isinstance(trace, str) and trace else ""))
        raise AssertionError(f"{len(off)} of {len(rows)} row(s) with {selection} have another status than {wanted!r}:\n" + "\n".join(lines))

