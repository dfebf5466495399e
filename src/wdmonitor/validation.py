"""Validation of canonical submission frames against a plan, every problem at once.

:func:`check_submission` parses the numbers (nothing is coerced silently: text in a
number is a failure, not a NaN), runs the pandera model of the canonical frame
(:class:`wdmonitor.contract.SubmissionModel`, ``lazy=True``), then the checks that need the plan: known
indicator and region, year in range, sex consistent with the indicator's sex scope,
percentages within 0–100, non-negative rates and counts, units convertible to the
indicator's unit (values converted), numerator ≤ denominator and the value consistent with
them, female + male = total for counts, duplicate keys, and a missing partner sex for
indicators that need both. Every input row ends up either in ``report.valid`` or, by its
row number, in ``report.failure_cases``.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import load_plan
>>> plan = load_plan("huludao-2021-2030")
>>> frame = pd.DataFrame({"region": ["211400", "211400"], "year": [2021, 2022],
...     "indicator": "maternal_mortality_ratio", "sex": "female", "value": [9.8, -1]})
>>> report = check_submission(frame, plan)
>>> len(report.valid), report.failure_cases["check"].tolist()
(1, ['non_negative'])
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import schema as col
from .errors import SubmissionError, UnitError
from .readers import _map_unique
from .units import conversion_factor
from .vocabulary import Sex
from .workbooks import EXCEL_ERRORS

if TYPE_CHECKING:
    from .indicators import Plan
    from .layout import Layout

__all__ = ["CHECKS", "Check", "Severity", "SubmissionReport", "check_submission", "prepare_submission", "valid_or_raise",
           "validate_submission"]

FAILURE_COLUMNS = [
    "row", "column", "value", "check", "severity", "message_en", "message_zh",
    col.SOURCE_FILE, col.SOURCE_SHEET, col.SOURCE_ROW,
]
_COUNT_UNITS = {"person", "institution", "bed", "case", "ten_thousand_persons"}
#: Year-on-year relative change above which a value is flagged for the sender to confirm.
PLAUSIBLE_CHANGE = 0.5
_SCALES = {"percent": 100.0, "per_100k": 1e5, "per_10k": 1e4, "per_mille": 1e3, "per_million": 1e6, "ratio": 1.0}


_MODEL_MESSAGES = {
    "region": ("region must be a six-digit GB/T 2260 code (or a region name the plan knows)", "地区须为6位行政区划代码或规划中的地区名称"),
    "year": ("year is missing", "缺少年份"),
    "indicator": ("indicator is missing", "缺少指标"),
    "sex": ("sex must be female, male or total (女/男/合计)", "性别须为女、男或合计"),
    "value": ("value is missing", "缺少数值"),
    "area_type": ("area_type must be urban, rural or total (城镇/乡村/合计)", "城乡类别须为城镇、乡村或合计"),
    "age_group": ("age_group is missing", "缺少年龄组"),
}


@dataclass(frozen=True)
class SubmissionReport:
    """What :func:`check_submission` found.

    Attributes
    ----------
    valid : DataFrame
        Canonical rows that passed every check, values in the indicator's unit; the key
        columns (region, indicator, sex, area_type, age_group) are categoricals of the
        valid rows' labels.
    failure_cases : DataFrame
        One row per failure or warning: ``row`` (0-based position in the input),
        ``column``, ``value``, ``check``, ``severity`` (``error``, ``warning``, or
        ``no_data`` for a row sent without a value: a blank or "—" cell, the way a
        template is left where there are no data), ``message_en``, ``message_zh`` and the
        source reference.
    n_rows : int
        Rows in the input.
    layout : Layout or None
        How each sheet of the file was read (header rows, context taken from outside the
        table, data rows, rows skipped and why), when the frame came from
        :func:`wdmonitor.read_submission`.
    provenance : dict
        The plan, the library version, each file's SHA-256 and when the check ran.
    """

    valid: pd.DataFrame
    failure_cases: pd.DataFrame
    n_rows: int
    layout: Layout | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    errors: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "errors", self.failure_cases[self.failure_cases["severity"] == "error"])

    @property
    def counts(self) -> pd.DataFrame:
        """Failure cases per check and severity (as pandera's ``error_counts``)."""
        if self.failure_cases.empty:
            return pd.DataFrame({"check": [], "severity": [], "count": []})
        return self.failure_cases.groupby(["check", "severity"]).size().rename("count").reset_index()

    @property
    def ok(self) -> bool:
        """Whether no row failed (warnings allowed)."""
        return self.errors.empty

    def __bool__(self) -> bool:
        return self.ok

    @property
    def warnings(self) -> pd.DataFrame:
        return self.failure_cases[self.failure_cases["severity"] == "warning"]

    @property
    def no_data(self) -> pd.DataFrame:
        """Rows sent without a value (blank or "—"): kept out of ``valid`` as no data."""
        return self.failure_cases[self.failure_cases["severity"] == "no_data"]

    @property
    def excluded_rows(self) -> list[int]:
        """Input rows (0-based) not in ``valid``: refused by an error, or sent without data."""
        kept_out = self.failure_cases["severity"].isin(["error", "no_data"])
        return sorted(set(self.failure_cases.loc[kept_out, "row"].astype(int)))

    def summary(self) -> str:
        bad = self.errors["row"].nunique()
        empty = len(self.no_data)
        blank_en = f"{empty} without data, " if empty else ""
        blank_zh = f"，{empty}行未填数值" if empty else ""
        return (
            f"{self.n_rows} rows: {len(self.valid)} valid, {blank_en}{bad} refused with {len(self.errors)} failure(s), "
            f"{len(self.warnings)} warning(s) / 共{self.n_rows}行：{len(self.valid)}行通过{blank_zh}，{bad}行未通过"
        )

    def to_excel(self, path: str | Path) -> Path:
        """Write the report for the sender: a summary, every failure case with the sheet and row
        the sender sees, and how each sheet was read; bilingual headers.

        Written by :func:`wdmonitor.writers.write_excel`, so text cells starting with ``=``,
        ``+``, ``-`` or ``@`` get a leading apostrophe (a submitted value never becomes a
        formula) and control characters are shown as escapes.
        """
        from .writers import Sheet, write_excel

        table = self.failure_cases[[col.SOURCE_FILE, col.SOURCE_SHEET, col.SOURCE_ROW, "column", "value",
                                    "severity", "message_zh", "message_en"]].copy()
        table["value"] = table["value"].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        table.columns = [f"{zh} {en}" for zh, en in _REPORT_HEADERS]
        summary = pd.DataFrame({"项目 item": ["汇总 summary"], "内容 content": [self.summary()]})
        sheets: dict[str, Sheet | pd.DataFrame] = {
            "汇总 summary": Sheet(frame=summary, landscape=False, filters=False),
            "问题 failures": Sheet(frame=table, wrap=[table.columns[-2], table.columns[-1]]),
        }
        if self.layout is not None and self.layout.sheets:
            layout = self.layout.to_frame()
            layout.columns = [f"{_LAYOUT_HEADERS.get(c, c)} {c}" for c in layout.columns]
            sheets["读取方式 layout"] = Sheet(frame=layout, landscape=False)
        return write_excel(path, sheets)

    def to_csv(self, path: str | Path) -> Path:
        """Write ``failure_cases`` as UTF-8 CSV (with a BOM, for Excel), byte for byte reproducible.

        As in :meth:`to_excel`, text starting with ``=``, ``+``, ``-`` or ``@`` gets a leading
        apostrophe so that a spreadsheet opening the file shows it as text.
        """
        from .writers import write_csv

        return write_csv(self.failure_cases, path)

    def _repr_html_(self) -> str:
        table = self.failure_cases.head(50).to_html(index=False) if len(self.failure_cases) else ""
        return f"<p>{html.escape(self.summary())}</p>{table}"


_LAYOUT_HEADERS = {"file": "文件", "sheet": "工作表", "status": "状态", "kind": "版式", "header_rows": "表头行",
                   "context": "表外信息", "data_rows": "数据行数", "skipped": "跳过的行"}
_REPORT_HEADERS = [
    ("文件", "file"), ("工作表", "sheet"), ("行号", "row"), ("列", "column"), ("数值", "value"),
    ("级别", "severity"), ("中文说明", "message (Chinese)"), ("英文说明", "message (English)"),
]


#: Longest value quoted in a message; a longer one is cut and its length given.
SHOWN_CHARACTERS = 100
def _shown(value: object) -> str:
    if isinstance(value, (datetime.date, pd.Timestamp)):
        return repr(f"{value:%Y-%m-%d}")  # a date as the sender typed it, not as Python spells it
    text = repr(value)
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[:SHOWN_CHARACTERS]}… ({len(str(value))} characters)"


Message = pd.Series | str | Callable[[np.ndarray], pd.Series | np.ndarray]


def _failures(frame: pd.DataFrame, mask: pd.Series | np.ndarray, column: str, check: str, message_en: Message,
              message_zh: Message, severity: str = "error") -> pd.DataFrame:
    """Failure cases of the rows in ``mask``.

    A message that depends on the row may be a callable taking the boolean mask and
    returning a Series for the selected rows only, so clean millions of rows cost nothing.
    """
    selected = np.asarray(mask, dtype=bool)
    if not selected.any():
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    rows = frame[selected]
    if callable(message_en):
        message_en = pd.Series(np.asarray(message_en(selected)), index=rows.index)
    elif isinstance(message_en, pd.Series):
        message_en = pd.Series(message_en.to_numpy()[selected], index=rows.index)
    if callable(message_zh):
        message_zh = pd.Series(np.asarray(message_zh(selected)), index=rows.index)
    elif isinstance(message_zh, pd.Series):
        message_zh = pd.Series(message_zh.to_numpy()[selected], index=rows.index)
    values = rows[column] if column in rows.columns else pd.Series("", index=rows.index)
    if isinstance(values.dtype, pd.CategoricalDtype):  # key columns: a missing label shows as None
        values = values.astype(object).where(values.notna(), None)
    where_en, where_zh = _where(rows, column)
    shown = values.map(_shown)
    out = pd.DataFrame(
        {
            "row": rows["_row"].to_numpy(),
            "column": column,
            "value": values.astype(object).to_numpy(),
            "check": check,
            "severity": severity,
            "message_en": (where_en + message_en + " (got " + shown + ")").to_numpy(),
            "message_zh": (where_zh + message_zh + "（实际为" + shown + "）").to_numpy(),
            col.SOURCE_FILE: rows[col.SOURCE_FILE].to_numpy(),
            col.SOURCE_SHEET: rows[col.SOURCE_SHEET].to_numpy(),
            col.SOURCE_ROW: rows[col.SOURCE_ROW].to_numpy(),
        }
    )
    return out


#: The canonical columns as a Chinese message names them.
COLUMN_NAMES_ZH = {
    col.REGION: "地区", col.YEAR: "年份", col.INDICATOR: "指标", col.SEX: "性别", col.VALUE: "数值", col.UNIT: "单位",
    col.NUMERATOR: "分子", col.DENOMINATOR: "分母", col.AREA_TYPE: "城乡", col.AGE_GROUP: "年龄组", "region_name": "地区名称",
}


def _where(rows: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """"file, sheet 'S', row 7, column D (value): " and its Chinese counterpart, per row."""
    file = rows[col.SOURCE_FILE].astype(str)
    sheet = rows[col.SOURCE_SHEET].fillna("").astype(str)
    row = rows[col.SOURCE_ROW].astype(str)
    has_sheet = sheet != ""
    letter = rows["source_column"].fillna("").astype(str) if column == col.VALUE and "source_column" in rows else pd.Series("", index=rows.index)
    has_letter = letter != ""
    en: pd.Series = (file + np.where(has_sheet, ", sheet '" + sheet + "'", "") + ", row " + row + ", column "
                     + np.where(has_letter, letter + " (" + column + ")", column) + ": ")
    zh_name = COLUMN_NAMES_ZH.get(column, column)
    zh: pd.Series = (file + np.where(has_sheet, "，工作表“" + sheet + "”", "") + "，第" + row + "行，"
                     + np.where(has_letter, letter + "列（" + zh_name + "）", "“" + zh_name + "”列") + "：")
    return pd.Series(en, index=rows.index), pd.Series(zh, index=rows.index)


#: pandas 3 copies on write: a shallow copy's columns never reach the caller's frame
_SHALLOW_COPY_IS_SAFE = int(pd.__version__.split(".")[0]) >= 3


def _prepare(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    missing = [c for c in col.REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        files: Any = frame[col.SOURCE_FILE].dropna().unique() if col.SOURCE_FILE in frame.columns else []
        source = files[0] if len(files) else frame.attrs.get(col.SOURCE_FILE)
        found = [str(c) for c in frame.columns if c not in (col.SOURCE_FILE, col.SOURCE_SHEET, col.SOURCE_ROW)]
        raise SubmissionError(
            f"{f'{source}: ' if source else ''}"
            f"the submission lacks the required column(s) {', '.join(missing)}; found {', '.join(found) or 'no columns'}; "
            f"expected {', '.join(col.REQUIRED_COLUMNS)} / 报送数据缺少必填列：{'、'.join(COLUMN_NAMES_ZH[m] for m in missing)}"
            f"（应有{'、'.join(COLUMN_NAMES_ZH[c] for c in col.REQUIRED_COLUMNS)}）"
        )
    data = frame.copy(deep=not _SHALLOW_COPY_IS_SAFE)  # the checks only replace whole columns of their own frame
    data["_row"] = np.arange(len(data))
    if col.SOURCE_FILE not in data:
        data[col.SOURCE_FILE] = "<frame>"
    if col.SOURCE_SHEET not in data:
        data[col.SOURCE_SHEET] = ""
    if col.SOURCE_ROW not in data:
        data[col.SOURCE_ROW] = data["_row"] + 1
    names = plan.region_names()
    data[col.REGION] = _categorical(data[col.REGION], lambda v: names.get(str(v).strip(), str(v).strip()))  # names → codes
    for name in (col.INDICATOR, col.SEX):
        data[name] = _categorical(data[name], lambda v: str(v).strip())
    for name in (col.AREA_TYPE, col.AGE_GROUP):  # not sent, or a blank cell: the total
        values = data[name] if name in data else pd.Series(np.nan, index=data.index, dtype=object)
        data[name] = _categorical(values, lambda v: v, missing="total")
    return data


def _categorical(values: pd.Series, clean: Any, missing: Any = None) -> pd.Series:
    """Key column as a categorical, each distinct label cleaned once (one factorisation);
    a missing label stays missing, or becomes ``missing`` when given.

    Duplicates, sex pairs and series groupings then work on integer codes; the valid frame
    keeps them (its categories the valid rows' labels), for the engine's series keys.
    """
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # a list, dict or set in a key cell: kept as its text, refused as an unknown label
        values = values.map(lambda v: repr(v) if isinstance(v, (list, dict, set)) else v)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = [clean(v) for v in uniques] + ([] if missing is None else [missing])  # one call per distinct label
    new_codes, categories = pd.factorize(pd.Series(cleaned, dtype=object), use_na_sentinel=True)
    if missing is not None:  # the last code stands for a missing label
        new_codes, codes = new_codes[:-1], np.where(codes < 0, len(uniques), codes)
        mapping = np.append(new_codes, pd.Index(categories).get_loc(missing))
    else:
        mapping = np.append(new_codes, -1)
    return pd.Series(pd.Categorical.from_codes(mapping[codes], categories=pd.Index(categories, dtype=object)), index=values.index)


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (−1 for a missing label) and the distinct labels of a column; free for a categorical."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64), values.cat.categories
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64), pd.Index(uniques)


def _key(data: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the number (0, 1, …) of its combination of ``columns``, and whether every label is present.

    A missing label is a value of its own (as pandas' ``dropna=False``); the checks that
    compare rows of the same key (sex totals, urban + rural, partner sexes, the previous
    year) then index arrays by these numbers instead of grouping millions of labels.
    """
    key = np.zeros(len(data), dtype=np.int64)
    complete = np.ones(len(data), dtype=bool)
    for name in columns:
        codes, uniques = _codes(data[name])
        if (key.max(initial=0) + 1) * (len(uniques) + 1) >= 2**62:  # never overflows: renumber first
            key = pd.factorize(key)[0].astype(np.int64)
        key = key * (len(uniques) + 1) + (codes + 1)
        complete &= codes >= 0
    return _numbered(key), complete


def _numbered(key: np.ndarray) -> np.ndarray:
    """Each distinct value of ``key`` (non-negative integers) numbered 0, 1, … in increasing order.

    Where the values are small enough (a few tens of millions), a table marks those present
    and numbers them in order, several times faster than hashing millions of keys; only the
    table's present places are written and read (a running count over a sparse table of tens
    of millions of places took twice as long).
    """
    largest = int(key.max(initial=-1))
    if largest < 1 << 25:
        present = np.zeros(largest + 1, dtype=bool)
        present[key] = True
        found = np.flatnonzero(present)
        number = np.empty(largest + 1, dtype=np.int32)  # read only where a key is present
        number[found] = np.arange(len(found), dtype=np.int32)
        return number[key].astype(np.int64)
    return np.unique(key, return_inverse=True)[1].astype(np.int64)


def _is(labels: pd.Series, *wanted: Any) -> np.ndarray:
    """Per row, whether the label is one of ``wanted``, compared on the column's integer codes."""
    codes, uniques = _codes(labels)
    found = pd.Index(uniques).get_indexer(list(wanted))
    return np.isin(codes, found[found >= 0])


def _per_label(labels: pd.Series, values: dict[Any, Any], dtype: Any = object, default: Any = np.nan) -> np.ndarray:
    """Per row, ``values[label]`` (``default`` for another or a missing label), looked up once per distinct label."""
    codes, uniques = _codes(labels)
    table = np.array([values.get(u, default) for u in uniques] + [default], dtype=dtype)
    return table[codes]


def _wide(data: pd.DataFrame, rows: np.ndarray, key: np.ndarray, between: str, labels: tuple[str, ...],
          values: np.ndarray | None = None) -> np.ndarray:
    """The values of ``rows``, one row per key number and one column per label of ``between``
    (NaN where the key has no such row; the rows are unique per key and label)."""
    values = data[col.VALUE].to_numpy(dtype=float) if values is None else values
    codes, uniques = _codes(data[between])
    wide = np.full((key.max(initial=-1) + 1, len(labels)), np.nan)
    for position, code in enumerate(pd.Index(uniques).get_indexer(list(labels))):
        chosen = rows & (codes == code) & (code >= 0)
        wide[key[chosen], position] = values[chosen]
    return wide


def _number_failures(data: pd.DataFrame, bad: pd.Series, column: str, check: str, message_en: str,
                     message_zh: str) -> list[pd.DataFrame]:
    """Cells that are not numbers: Excel error cells and dates named as such, other text as text."""
    raw = data[column][bad]  # only the cells already found not to be numbers are looked at
    excel = pd.Series(False, index=data.index)
    dated = pd.Series(False, index=data.index)
    if len(raw):
        excel[raw.index] = raw.map(lambda v: isinstance(v, str) and v.strip().upper() in EXCEL_ERRORS).astype(bool)
        dated[raw.index] = raw.map(lambda v: isinstance(v, (datetime.date, pd.Timestamp))).astype(bool)
    return [
        _failures(data, excel, column, Check.EXCEL_ERROR,
                  "the cell holds an Excel error value (a formula that could not be computed); enter the figure itself",
                  "单元格为Excel错误值（公式无法计算），请填写数值本身"),
        _failures(data, dated, column, Check.DATE_NOT_NUMBER,
                  f"a date was entered where {'a year' if column == col.YEAR else 'a number'} belongs; "
                  f"{'write the year as 2024' if column == col.YEAR else 'enter the figure'}, not a date",
                  f"此处应填写{'年份（如2024）' if column == col.YEAR else '数值'}，而非日期"),
        _failures(data, bad & ~excel & ~dated, column, check, message_en, message_zh),
    ]


def _parse_number(data: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """Parsed floats and the mask of present-but-unparseable cells."""
    raw = data[column]
    numbers = pd.to_numeric(raw, errors="coerce")
    bad = pd.Series(False, index=raw.index)
    if np.iscomplexobj(numbers):  # a complex value is not a rate or a count: refused, never cut to its real part
        imaginary = pd.Series(np.imag(numbers), index=raw.index) != 0
        bad |= imaginary
        numbers = pd.Series(np.where(imaginary, np.nan, np.real(numbers)), index=raw.index)
    parsed = numbers.astype("float64")
    suspect = raw.notna() & parsed.isna() & ~bad
    if suspect.any():  # only cells that did not parse are looked at as text
        # the reader's spellings of "no data" ("—", "…", "-", "/") count as blank here too
        bad[suspect] = ~raw[suspect].astype(str).str.strip().str.lower().isin(col.MISSING_SPELLINGS)
    return parsed, bad


def _close_names(indicators: pd.Series, unknown: pd.Series, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """"; closest: …" hints for indicator names that did not match, computed once per name."""
    from .readers import _names

    names = _names(plan)
    hint_en = pd.Series("", index=indicators.index, dtype=object)
    hint_zh = pd.Series("", index=indicators.index, dtype=object)
    if unknown.any():
        for name in indicators[unknown].astype(str).unique():
            close = names.closest_indicators(name)
            if close:
                rows = unknown & (indicators.astype(str) == name)
                hint_en[rows] = "; the closest names of the plan are " + ", ".join(close)
                hint_zh[rows] = "；规划中最接近的指标为：" + "、".join(close)
    return hint_en.to_numpy(), hint_zh.to_numpy()


def _region_name_failures(data: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """A system export's 地区名称 must name the region its 行政区划代码 gives."""
    from .readers import _names

    names = _names(plan)
    named = data["region_name"].astype(object)
    given = named.notna() & (named.astype(str).str.strip() != "")
    by_name = _map_unique(named.where(given), lambda v: names.region(v) or "?")
    clash = given & (by_name.to_numpy() != data[col.REGION].astype(object).to_numpy())
    expected = data[col.REGION].astype(object).map(lambda c: names.region_display.get(c, "?"))
    return _failures(data, clash, "region_name", "region_name_matches_code",
                     lambda m: "the region name must be the one of the region code in the same row (" + data[col.REGION][m].astype(str)
                     + " is " + expected[m].astype(str) + ")",
                     lambda m: "地区名称须与同行的行政区划代码一致（" + data[col.REGION][m].astype(str) + "为" + expected[m].astype(str) + "）")


class Severity(StrEnum):
    """How a failure case counts: an error refuses the row, a warning asks the sender to confirm,
    no data keeps a row sent without a value out of the valid data."""

    ERROR = "error"
    WARNING = "warning"
    NO_DATA = "no_data"


class Check(StrEnum):
    """The named checks of :func:`check_submission`, in the ``check`` column of the failure cases."""

    NUMBER = "number"
    EXCEL_ERROR = "excel_error"
    DATE_NOT_NUMBER = "date_not_number"
    YEAR_NUMBER = "year_number"
    NO_DATA = "no_data"
    SCHEMA_REGION = "schema_region"
    SCHEMA_YEAR = "schema_year"
    SCHEMA_INDICATOR = "schema_indicator"
    SCHEMA_SEX = "schema_sex"
    SCHEMA_VALUE = "schema_value"
    SCHEMA_AREA_TYPE = "schema_area_type"
    SCHEMA_AGE_GROUP = "schema_age_group"
    KNOWN_INDICATOR = "known_indicator"
    REGION_NAME_MATCHES_CODE = "region_name_matches_code"
    KNOWN_REGION = "known_region"
    YEAR_IN_PERIOD = "year_in_period"
    SEX_SCOPE = "sex_scope"
    UNIT_CONVERTIBLE = "unit_convertible"
    FINITE = "finite"
    NON_NEGATIVE = "non_negative"
    PERCENT_RANGE = "percent_range"
    POSSIBLE_RANGE = "possible_range"
    PLAUSIBLE_RANGE = "plausible_range"
    NUMERATOR_LE_DENOMINATOR = "numerator_le_denominator"
    VALUE_MATCHES_COUNTS = "value_matches_counts"
    DUPLICATE_KEY = "duplicate_key"
    FEMALE_LE_TOTAL = "female_le_total"
    MALE_LE_TOTAL = "male_le_total"
    FEMALE_PLUS_MALE_IS_TOTAL = "female_plus_male_is_total"
    URBAN_PLUS_RURAL_IS_TOTAL = "urban_plus_rural_is_total"
    TOTAL_BETWEEN_PARTS = "total_between_parts"
    BOTH_SEXES = "both_sexes"
    PLAUSIBLE_CHANGE = "plausible_change"
    TOTAL_ROW = "total_row"


@dataclass
class _Checked:
    """The frame being checked and what the checks so far found (each check reads and adds to it)."""

    data: pd.DataFrame
    plan: Plan
    parts: list[pd.DataFrame] = field(default_factory=list)
    value: pd.Series = field(default_factory=pd.Series)
    year: pd.Series = field(default_factory=pd.Series)
    bad_value: pd.Series = field(default_factory=pd.Series)
    bad_year: pd.Series = field(default_factory=pd.Series)
    blank: pd.Series = field(default_factory=pd.Series)
    known: pd.Series = field(default_factory=pd.Series)
    duplicated: pd.Series = field(default_factory=pd.Series)

    keys: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def key(self, without: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:func:`_key` of the observation key less one column, computed once per check run (the rows never change)."""
        columns = tuple(k for k in col.KEY if k != without)
        if columns not in self.keys:
            self.keys[columns] = _key(self.data, list(columns))
        return self.keys[columns]

    def refused_rows(self) -> set[int]:
        """Input rows refused by an error so far."""
        return {int(r) for p in self.parts if len(p) for r in p.loc[p["severity"] == Severity.ERROR, "row"]}

    def flagged_rows(self) -> set[int]:
        """Input rows with any failure case so far."""
        return {int(r) for p in self.parts if len(p) for r in p["row"]}


def _numbers(c: _Checked) -> list[pd.DataFrame]:
    """``number``, ``excel_error``, ``date_not_number``, ``year_number``, ``no_data``: cells parsed, nothing coerced."""
    data = c.data
    c.value, c.bad_value = _parse_number(data, col.VALUE)
    parts = _number_failures(data, c.bad_value, col.VALUE, Check.NUMBER, "value must be a number", "数值须为数字")
    c.year, c.bad_year = _parse_number(data, col.YEAR)
    c.bad_year |= c.year.notna() & (c.year % 1 != 0)
    parts += _number_failures(data, c.bad_year, col.YEAR, Check.YEAR_NUMBER, "year must be a whole number", "年份须为整数")
    for name in (col.NUMERATOR, col.DENOMINATOR):
        if name in data:
            parsed, bad = _parse_number(data, name)
            parts.append(_failures(data, bad, name, Check.NUMBER, f"{name} must be a number", "分子分母须为数字"))
            data[name] = parsed
        else:
            data[name] = np.nan
    data[col.VALUE] = c.value
    data[col.YEAR] = c.year
    # A row with no value and no counts is "no data" (a template left blank), not an error;
    # with a numerator or denominator but no value, the value is missing.
    c.blank = c.value.isna() & ~c.bad_value & data[col.NUMERATOR].isna() & data[col.DENOMINATOR].isna()
    parts.append(_failures(data, c.blank, col.VALUE, Check.NO_DATA,
                           "no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data",
                           "未填报数值（空白、“—”或无计算结果的公式）：该行按无数据处理，不计入有效数据", severity=Severity.NO_DATA))
    return parts


def _schema(c: _Checked) -> list[pd.DataFrame]:
    """``schema_*``: the pandera model of the canonical frame (lazy: every failure at once).

    pandera checks a frame of representatives (:func:`_representatives`): a few thousand rows
    stand for millions, and each failure found on a representative is every row it stands for.
    """
    import pandera.pandas as pa  # imported here: pandera costs ~0.4 s and only validation needs it

    from .contract import SubmissionModel

    data = c.data
    schema = SubmissionModel.to_schema()
    compact, groups = _representatives(data, schema)
    for name in (col.REGION, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP):
        # pandas' string dtype lets pandera check the type by dtype instead of cell by cell
        compact[name] = compact[name].astype("string")
    parts = []
    try:
        schema.validate(compact, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        for name, (en, zh) in _MODEL_MESSAGES.items():
            failed = np.zeros(len(compact), dtype=bool)
            failed[cases.loc[cases["column"] == name, "index"].astype(int).to_numpy()] = True
            mask = failed[groups[name]]
            if name in (col.VALUE, col.YEAR):
                mask &= ~np.asarray(c.bad_value if name == col.VALUE else c.bad_year, dtype=bool)
            if name == col.VALUE:
                mask &= ~c.blank.to_numpy()  # reported as no data
            parts.append(_failures(data, mask, name, Check(f"schema_{name}"), en, zh))
    return parts


def _representatives(data: pd.DataFrame, schema: Any) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The model's columns with one row per distinct value of each, and each row's representative.

    A column's checks look at one value at a time, so one row of each distinct value stands
    for all the rows holding it; a column with no checks is judged only on its type and on
    whether a value is missing, so one present and one missing row stand for all of it. The
    columns are padded to one length by repeating their last representative. ``groups[name]``
    is, per input row, the position of its representative. A model with checks across
    columns, of uniqueness or that coerces values is checked on the whole frame.
    """
    names = list(schema.columns)
    whole = bool(schema.checks) or bool(schema.unique) or bool(schema.coerce) or any(
        schema.columns[n].unique or schema.columns[n].coerce for n in names)
    if whole or not len(data):
        positions = np.arange(len(data))
        return data[names].reset_index(drop=True), {name: positions for name in names}
    chosen, groups = {}, {}
    for name in names:
        values = data[name]
        if not schema.columns[name].checks:
            codes = values.isna().to_numpy().astype(np.int64)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy().astype(np.int64)
        else:
            codes = pd.factorize(values, use_na_sentinel=True)[0].astype(np.int64)
        first = pd.Series(codes).drop_duplicates()  # the first row of each distinct value, in order of appearance
        group_of_code = np.zeros(int(codes.max()) + 2, dtype=np.int64)
        group_of_code[first.to_numpy() + 1] = np.arange(len(first))
        chosen[name], groups[name] = first.index.to_numpy(), group_of_code[codes + 1]
    length = max(len(rows) for rows in chosen.values())
    compact = pd.DataFrame({name: data[name].iloc[np.r_[rows, np.repeat(rows[-1], length - len(rows))]].to_numpy()
                            for name, rows in chosen.items()})
    for name in names:  # the representatives keep their column's type (a categorical becomes its categories' type)
        if isinstance(data[name].dtype, pd.CategoricalDtype):
            compact[name] = compact[name].astype(object)
        elif compact[name].dtype != data[name].dtype:
            compact[name] = compact[name].astype(data[name].dtype)
    return compact, groups


def _identifiers(c: _Checked) -> list[pd.DataFrame]:
    """``known_indicator``, ``region_name_matches_code``, ``known_region``, ``year_in_period``."""
    data, plan = c.data, c.plan
    c.known = data[col.INDICATOR].isin(list(plan.indicators))
    unknown = data[col.INDICATOR].notna() & ~c.known
    hints = _close_names(data[col.INDICATOR], unknown, plan)
    parts = [_failures(data, unknown, col.INDICATOR, Check.KNOWN_INDICATOR,
                       lambda m: "indicator must be an indicator of the plan (a catalogue id or its Chinese name)" + hints[0][m],
                       lambda m: "指标须为规划中的指标（指标代码或中文名称）" + hints[1][m])]
    if "region_name" in data.columns:
        parts.append(_region_name_failures(data, plan))
    region_ok = data[col.REGION].isin(list(plan.region_codes))
    six_digits = _map_unique(data[col.REGION], lambda v: isinstance(v, str) and len(v) == 6 and v.isascii() and v.isdigit()).fillna(False).astype(bool)
    parts.append(_failures(data, data[col.REGION].notna() & six_digits & ~region_ok,
                           col.REGION, Check.KNOWN_REGION, f"region must be one of the plan's regions ({_listed(plan.region_codes)})",
                           "地区须为规划所辖地区"))
    first, last = plan.baseline_year - 10, plan.period_end
    parts.append(_failures(data, c.year.notna() & ~c.bad_year & ~c.year.between(first, last), col.YEAR, Check.YEAR_IN_PERIOD,
                           f"year must lie between {first} and {last} (plan period, baseline and history)",
                           f"年份须在{first}至{last}年之间"))
    return parts


def _listed(codes: tuple[str, ...] | list[str], most: int = 12) -> str:
    """The codes as a message lists them: all of a city's, the first of a nation's and how many in all."""
    codes = list(codes)
    return ", ".join(codes) if len(codes) <= most else f"{', '.join(codes[:most - 2])}, … {len(codes):,} in all"


def _sex_scope(c: _Checked) -> list[pd.DataFrame]:
    """``sex_scope``: the sexes an indicator may carry (its catalogue entry joined to each row)."""
    indicators = c.plan.indicators
    data = c.data
    data.index = data["_row"].to_numpy()
    indicator = data[col.INDICATOR]
    for name, attribute in (("_unit", lambda i: i.unit), ("_scope", lambda i: i.sex_scope.value),
                            ("_allowed", lambda i: ",".join(s.value for s in i.sex_scope.allowed_sexes))):
        per_indicator = {i.id: attribute(i) for i in indicators.values()}
        data[name] = _categorical(indicator, lambda v, table=per_indicator: table.get(v))
    c.known = pd.Series(c.known.to_numpy(), index=data.index)
    sex_known = data[col.SEX].isin([s.value for s in Sex])
    allowed_pairs = {(i.id, s.value) for i in indicators.values() for s in i.sex_scope.allowed_sexes}
    pair, _ = _key(data, [col.INDICATOR, col.SEX])  # numbered 0, 1, …: each pair judged once, on one of its rows
    first = np.zeros(pair.max(initial=-1) + 1, dtype=np.int64)
    first[pair[::-1]] = np.arange(len(pair) - 1, -1, -1)
    ids, sexes = data[col.INDICATOR].iloc[first].to_numpy(dtype=object), data[col.SEX].iloc[first].to_numpy(dtype=object)
    ok = np.array([(i, s) in allowed_pairs for i, s in zip(ids, sexes, strict=True)], dtype=bool)
    allowed = pd.Series(ok[pair], index=data.index)
    return [_failures(data, c.known.to_numpy() & sex_known & ~allowed, col.SEX, Check.SEX_SCOPE,
                      lambda m: "sex is not allowed for this indicator (" + data["_scope"][m].astype(str) + " indicator: "
                      + data["_allowed"][m].astype(str) + ")", "性别与指标的性别范围不符")]


def _units(c: _Checked) -> list[pd.DataFrame]:
    """``unit_convertible``: each distinct (submitted unit, indicator unit) pair converted once; values converted."""
    data = c.data
    data["_factor"] = 1.0
    parts = []
    if col.UNIT in data.columns:
        pairs = data.loc[c.known.to_numpy() & data[col.UNIT].notna(), [col.UNIT, "_unit"]].drop_duplicates()
        bad_unit = pd.Series(False, index=data.index)
        for submitted, canonical in pairs.itertuples(index=False):
            rows = (data[col.UNIT] == submitted) & (data["_unit"] == canonical)
            try:
                data.loc[rows, "_factor"] = conversion_factor(str(submitted), str(canonical))
            except UnitError:
                bad_unit |= rows
        parts.append(_failures(data, bad_unit, col.UNIT, Check.UNIT_CONVERTIBLE,
                               lambda m: "unit must be convertible to the indicator's unit " + data["_unit"][m].astype(str),
                               lambda m: "单位须可换算为指标单位 " + data["_unit"][m].astype(str)))
    data[col.VALUE] = data[col.VALUE] * data["_factor"]
    return parts


def _indicator_map(c: _Checked, attribute: str) -> pd.Series:
    """Per row, an attribute of the row's catalogue indicator (NaN for an unknown indicator)."""
    values = {i: getattr(d, attribute) for i, d in c.plan.indicators.items()}
    return pd.Series(_per_label(c.data[col.INDICATOR], values), index=c.data.index)


def _bounds(c: _Checked, attribute: str) -> tuple[pd.Series, pd.Series]:
    """Per row, the low and high end of the indicator's ``possible`` or ``plausible`` range (NaN: none)."""
    ranges = {i: getattr(d, attribute) for i, d in c.plan.indicators.items()}
    ranges = {i: r for i, r in ranges.items() if isinstance(r, tuple)}
    ends = [pd.Series(_per_label(c.data[col.INDICATOR], {i: r[end] for i, r in ranges.items()}, dtype=float),
                      index=c.data.index) for end in (0, 1)]
    return ends[0], ends[1]


def _ranges(c: _Checked) -> list[pd.DataFrame]:
    """``finite``, ``non_negative``, ``percent_range``, ``possible_range`` (errors), ``plausible_range`` (warning).

    Each indicator's ``possible`` range is what a value cannot leave (a life expectancy of
    178); its ``plausible`` range what a value leaves only by mistake or by a rare event.
    """
    data = c.data
    value = data[col.VALUE]
    low, high = _bounds(c, "possible")
    percent = (data["_unit"] == "percent") & (low == 0) & (high == 100)  # the plain percentage: its own message
    outside = ~percent & ((value < low) | (value > high)) & (value >= 0) & np.isfinite(value.fillna(0.0))
    p_low, p_high = _bounds(c, "plausible")
    refused = outside | (value < 0) | (percent & (value > 100)) | ~np.isfinite(value.fillna(0.0))
    unlikely = ~refused & ((value < p_low) | (value > p_high))

    def expected(lo: pd.Series, hi: pd.Series, zh: bool) -> Callable[[np.ndarray], pd.Series]:
        def text(m: np.ndarray) -> pd.Series:
            span = lo[m].map("{:g}".format) + ("至" if zh else " and ") + hi[m].map("{:g}".format)
            return ("数值须在" + span + "之间") if zh else ("the value must lie between " + span + " for this indicator")
        return text

    def questioned(zh: bool) -> Callable[[np.ndarray], pd.Series]:
        def text(m: np.ndarray) -> pd.Series:
            span = p_low[m].map("{:g}".format) + ("至" if zh else "–") + p_high[m].map("{:g}".format)
            return ("数值超出该指标的合理范围" + span + "，请核实") if zh else (
                "the value lies outside the plausible range " + span + " of this indicator; please check it")
        return text

    return [
        _failures(data, value.notna() & ~np.isfinite(value.fillna(0.0)), col.VALUE, Check.FINITE,
                  "value must be a finite number", "数值须为有限数"),
        _failures(data, value < 0, col.VALUE, Check.NON_NEGATIVE, "rates, shares and counts cannot be negative",
                  "比率、比例和人数不能为负"),
        _failures(data, percent & (value > 100), col.VALUE, Check.PERCENT_RANGE,
                  "a percentage must lie between 0 and 100", "百分比须在0到100之间"),
        _failures(data, outside, col.VALUE, Check.POSSIBLE_RANGE, expected(low, high, False), expected(low, high, True)),
        _failures(data, unlikely, col.VALUE, Check.PLAUSIBLE_RANGE, questioned(False), questioned(True),
                  severity=Severity.WARNING),
    ]


def _half_unit(c: _Checked) -> pd.Series:
    """Per row, half a unit of the indicator's last reported decimal (methodology §8; one
    decimal for an unknown indicator), looked up once per indicator."""
    halves = {i: 0.5 * np.power(10.0, -float(d.precision)) for i, d in c.plan.indicators.items()}  # precision: never None
    return pd.Series(_per_label(c.data[col.INDICATOR], halves, dtype=float, default=0.5 * np.power(10.0, -1.0)),
                     index=c.data.index)


def _counts_behind(c: _Checked) -> list[pd.DataFrame]:
    """``numerator_le_denominator``, ``value_matches_counts``: a rate or share against the counts sent with it.

    The value must equal numerator / denominator in the indicator's unit as the indicator
    is reported: within half a unit of its last decimal (0.05 for MMR per 10万 at one decimal).
    """
    data = c.data
    value, numerator, denominator = data[col.VALUE], data[col.NUMERATOR], data[col.DENOMINATOR]
    both = numerator.notna() & denominator.notna()
    parts = [_failures(data, both & (numerator > denominator) & (data["_unit"] == "percent"), col.NUMERATOR,
                       Check.NUMERATOR_LE_DENOMINATOR,
                       lambda m: "numerator must not exceed denominator (" + denominator[m].astype(str) + ")",
                       lambda m: "分子不得大于分母（" + denominator[m].astype(str) + "）")]
    scale = data["_unit"].map(_SCALES).astype("float64")
    implied = numerator / denominator.where(denominator != 0) * scale
    allowed = _half_unit(c) * (1 + 1e-9) + 1e-12
    inconsistent = both & scale.notna() & implied.notna() & value.notna() & ((value - implied).abs() > allowed)
    parts.append(_failures(data, inconsistent, col.VALUE, Check.VALUE_MATCHES_COUNTS,
                           lambda m: "value must equal numerator / denominator in the indicator's unit, to its reporting "
                                     "precision (" + implied[m].round(4).astype(str) + ")",
                           lambda m: "数值须与分子/分母一致（按报告精度，应为" + implied[m].round(4).astype(str) + "）"))
    return parts


def _area_totals(c: _Checked) -> list[pd.DataFrame]:
    """``urban_plus_rural_is_total`` (counts) and ``total_between_parts`` (rates, warning).

    For a count, urban + rural must equal the total of the same key; for a rate or share,
    the total must lie between its female and male values and between its urban and rural
    values (a total is a weighted mean of its parts), to the reporting precision.
    """
    data = c.data
    usable = c.known.to_numpy() & ~c.duplicated.to_numpy() & data[col.VALUE].notna().to_numpy()
    counts = usable & data["_unit"].isin(_COUNT_UNITS).to_numpy()
    rates = usable & data["_unit"].isin(list(_SCALES)).to_numpy()
    slack = _half_unit(c).to_numpy() * (1 + 1e-9)
    codes, complete = c.key(without=col.AREA_TYPE)
    urban, rural, total = _wide(data, counts & complete, codes, col.AREA_TYPE, ("urban", "rural", "total")).T
    off = np.abs(urban + rural - total) > 0.5  # NaN where a part is missing: never off
    parts = [_failures(data, off[codes] & complete & counts & _is(data[col.AREA_TYPE], "total"), col.VALUE, Check.URBAN_PLUS_RURAL_IS_TOTAL,
                       "urban + rural must equal total for counts", "城镇与农村之和须等于合计")]
    for between, first, second in ((col.SEX, "female", "male"), (col.AREA_TYPE, "urban", "rural")):
        codes, complete = c.key(without=between)
        rows = rates & complete
        one, other, total = _wide(data, rows, codes, between, (first, second, "total")).T
        half = _wide(data, rows, codes, between, ("total",), values=slack)[:, 0]
        off = (total < np.minimum(one, other) - half) | (total > np.maximum(one, other) + half)
        flagged = off[codes] & rows & _is(data[between], "total")
        en = f"the total rate must lie between its {first} and {second} values (a total is a weighted mean of its parts)"
        zh = {"female": "合计比率须介于女性与男性数值之间（合计为各部分的加权平均）",
              "urban": "合计比率须介于城镇与农村数值之间（合计为各部分的加权平均）"}[first]
        parts.append(_failures(data, flagged, col.VALUE, Check.TOTAL_BETWEEN_PARTS, en, zh, severity=Severity.WARNING))
    return parts


def _duplicates(c: _Checked) -> list[pd.DataFrame]:
    """``duplicate_key``: the same observation sent twice."""
    codes, complete = c.key()
    c.duplicated = pd.Series((np.bincount(codes)[codes] > 1) & complete, index=c.data.index)
    return [_failures(c.data, c.duplicated, col.INDICATOR, Check.DUPLICATE_KEY,
                      "the same region, year, indicator, sex, area_type and age_group appear more than once",
                      "同一地区、年份、指标、性别、城乡和年龄组重复报送")]


def _sex_totals(c: _Checked) -> list[pd.DataFrame]:
    """``female_le_total``, ``male_le_total``, ``female_plus_male_is_total``: for counts, the sexes against their total."""
    data = c.data
    counts = (data["_unit"].isin(_COUNT_UNITS) & c.known).to_numpy()
    if not counts.any():
        return []
    codes, complete = c.key(without=col.SEX)
    female, male, total = _wide(data, counts & ~c.duplicated.to_numpy() & complete, codes, col.SEX,
                                ("female", "male", "total")).T
    rows = complete & counts
    parts = []
    for part, values, check, zh in (("female", female, Check.FEMALE_LE_TOTAL, "女性"), ("male", male, Check.MALE_LE_TOTAL, "男性")):
        over = values > total + 0.5  # half a person: a count is a whole number
        parts.append(_failures(data, over[codes] & rows & _is(data[col.SEX], part, "total"), col.VALUE, check,
                               f"the {part} count exceeds the total (合计) of the same key; both cells are refused",
                               f"{zh}人数大于合计数，两项均不予接受"))
    full = np.isfinite(female + male + total)
    off = full & ~np.isclose(female + male, total, rtol=1e-9, atol=0.5)
    parts.append(_failures(data, off[codes] & rows & _is(data[col.SEX], "total"), col.VALUE, Check.FEMALE_PLUS_MALE_IS_TOTAL,
                           "female + male must equal total for counts", "女性与男性之和须等于合计"))
    return parts


def _both_sexes(c: _Checked) -> list[pd.DataFrame]:
    """``both_sexes``: an indicator compared between the sexes needs both, each valid."""
    data = c.data
    female, male, total = (_is(data[col.SEX], label) for label in ("female", "male", "total"))
    both = (data["_scope"] == "both").to_numpy() & ~c.blank.to_numpy()
    needs_pair = both & (female | male)
    if not needs_pair.any():
        return []
    # A partner refused for its own reasons counts as missing: otherwise the lonely sex
    # would pass now and fail when the valid frame is checked again (validation is
    # idempotent: checking report.valid finds nothing new).
    kept = ~data["_row"].isin(c.refused_rows()).to_numpy()
    paired = needs_pair & kept
    codes, _ = c.key(without=col.SEX)

    def keys_with(rows: np.ndarray) -> np.ndarray:
        present = np.zeros(codes.max(initial=-1) + 1, dtype=bool)
        present[codes[rows]] = True
        return present[codes]

    # 合计 | 其中：女 — one sex beside its total is judged on its own and on the total (methodology §8)
    paired_or_total = keys_with(paired & female) & keys_with(paired & male) | keys_with(both & kept & total)
    lonely = paired & ~paired_or_total
    return [_failures(data, lonely, col.SEX, Check.BOTH_SEXES,
                      "this indicator needs female and male rows (or one sex and the total) for the same key; "
                      "the other sex is missing or refused",
                      "该指标须同时报送女性和男性数据（或某一性别及合计），另一性别缺失或未通过校验")]


def _plausible_change(c: _Checked) -> list[pd.DataFrame]:
    """``plausible_change`` (warning): a value more than 50% away from the same series' previous year,
    unless counts behind a rate show the change is within chance (:func:`_chance_change`)."""
    data = c.data
    clean = ~data["_row"].isin(c.flagged_rows()).to_numpy()
    if not clean.any():
        return []
    codes, _ = c.key(without=col.YEAR)
    year = data[col.YEAR].to_numpy(dtype=float)
    order = np.flatnonzero(clean)[np.lexsort((year[clean], codes[clean]))]  # each series by year
    before = np.r_[-1, order[:-1]]
    follows = np.r_[False, codes[order][1:] == codes[order][:-1]]  # the row before is the same series
    previous = np.full(len(data), np.nan)
    previous[order] = np.where(follows, data[col.VALUE].to_numpy(dtype=float)[before], np.nan)
    prev_year = np.full(len(data), np.nan)
    prev_year[order] = np.where(follows, year[before], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        jump = np.abs(data[col.VALUE].to_numpy(dtype=float) - previous) / np.where(previous != 0, np.abs(previous), np.nan)
    # a rate per 10万 from few events (1 death, then 0) jumps by chance: with counts behind both
    # years, the change is questioned only when the exact conditional test finds it unlikely
    jumped = clean & (jump > PLAUSIBLE_CHANGE) & (year - prev_year == 1)
    jumped = pd.Series(jumped & ~_chance_change(data, order, before, follows, jumped), index=data.index)
    previous_all = pd.Series(previous, index=data.index)

    def previous_text(m: np.ndarray) -> pd.Series:
        return previous_all[m].round(4).astype(str)

    return [_failures(data, jumped, col.VALUE, Check.PLAUSIBLE_CHANGE,
                      lambda m: "value differs by more than 50% from the previous year's " + previous_text(m) + " in this submission; please confirm",
                      lambda m: "与上一年数值" + previous_text(m) + "相差超过50%，请核实", severity=Severity.WARNING)]


#: Two-sided significance below which a year-on-year change of a counted rate is questioned.
CHANGE_ALPHA = 0.01


def _chance_change(data: pd.DataFrame, order: np.ndarray, before: np.ndarray, follows: np.ndarray,
                   asked: np.ndarray) -> np.ndarray:
    """Rows of a Poisson rate whose change from the previous year chance alone explains.

    The exact conditional test (Przyborowski & Wilenski 1940): given d₁ + d₂ events, d₂ is
    binomial with p = n₂ / (n₁ + n₂) when the rate did not change; the change is chance when
    the two-sided p-value is at least :data:`CHANGE_ALPHA`. ``order`` lists the rows compared,
    each series by year; ``before[i]`` is the row before ``order[i]``, its previous year where
    ``follows[i]``. Only the rows ``asked`` (a mask over ``data``: the large changes) are tested.
    """
    from scipy.special import bdtr, bdtrc  # the binomial cdf and survival function, without scipy.stats' import

    tested = asked[order]
    order, before, follows = order[tested], before[tested], follows[tested]

    numerator, denominator = data[col.NUMERATOR].to_numpy(dtype=float), data[col.DENOMINATOR].to_numpy(dtype=float)
    poisson = data["_unit"].iloc[order].isin(["per_100k", "per_10k", "per_mille", "per_million"]).to_numpy()
    d2, n2 = numerator[order], denominator[order]
    d1, n1 = np.where(follows, numerator[before], np.nan), np.where(follows, denominator[before], np.nan)
    # events are whole numbers: a fractional total has no binomial law (scipy's gives NaN: never chance)
    counted = poisson & np.isfinite(d1 + d2 + n1 + n2) & (n1 > 0) & (n2 > 0) & ((d1 + d2) % 1 == 0)
    total = np.where(counted, d1 + d2, 0.0).astype(np.int64)
    share = np.where(counted, n2 / np.where(counted, n1 + n2, 1.0), 0.5)
    k = np.floor(np.where(counted, d2, 0.0)).astype(np.int64)
    p_value = np.minimum(1.0, 2 * np.minimum(bdtr(k, total, share), bdtrc(k - 1, total, share)))
    chance = np.zeros(len(data), dtype=bool)
    chance[order] = counted & (p_value >= CHANGE_ALPHA)
    return chance


#: The checks, in the order they run; each may read what the ones before it found.
CHECKS: tuple[Callable[[_Checked], list[pd.DataFrame]], ...] = (
    _numbers, _schema, _identifiers, _sex_scope, _units, _ranges, _counts_behind, _duplicates, _sex_totals,
    _area_totals, _both_sexes, _plausible_change,
)


def check_submission(frame: pd.DataFrame, plan: Plan) -> SubmissionReport:
    """Validate a canonical frame against a plan and report every problem.

    The named checks of :data:`CHECKS` run in turn (each a small function adding failure
    cases named by :class:`Check`, with a :class:`Severity`); the report counts them per
    check (:attr:`SubmissionReport.counts`) and carries the reader's layout section and the
    provenance.

    Parameters
    ----------
    frame : DataFrame
        Canonical long frame (see :mod:`wdmonitor.schema`); provenance columns optional.
    plan : Plan
        Gives the known indicators, regions, period and units.

    Returns
    -------
    SubmissionReport

    Raises
    ------
    SubmissionError
        Only when a required column is missing (no row can be checked).
    """
    from .arguments import check_inputs

    frame, plan = check_inputs(frame, plan, "check_submission")
    checked = _Checked(_prepare(frame, plan), plan)
    for check in CHECKS:
        checked.parts.extend(part for part in check(checked) if len(part))
    parts = checked.parts
    failures = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FAILURE_COLUMNS)
    failures = failures.sort_values(["row", "column", "check"], kind="stable").reset_index(drop=True)
    for name in ("check", "severity"):  # plain text in the table, as the enums' values
        failures[name] = failures[name].map(lambda v: v.value if isinstance(v, StrEnum) else v).astype(object)
    data = checked.data
    refused = set(failures.loc[failures["severity"].isin([Severity.ERROR.value, Severity.NO_DATA.value]), "row"])
    valid = data[~data["_row"].isin(refused)]  # a new frame: its columns are replaced below, never written into
    valid[col.YEAR] = valid[col.YEAR].astype("int64")
    if col.UNIT in valid.columns:
        valid[col.UNIT] = valid["_unit"].astype("str")
    for name in (col.NUMERATOR, col.DENOMINATOR):
        if name not in frame.columns:
            valid = valid.drop(columns=name)
    valid = valid.drop(columns=["_row", "_unit", "_scope", "_allowed", "_factor"]).reset_index(drop=True)
    for name in (col.REGION, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP):
        valid[name] = valid[name].cat.remove_unused_categories()  # the valid rows' labels only
    layout = frame.attrs.get("layout")
    if layout is not None:
        failures = pd.concat([failures, _layout_failures(layout)], ignore_index=True) if any(
            s.problems for s in layout.sheets) else failures
    return SubmissionReport(valid=valid, failure_cases=failures, n_rows=len(frame), layout=layout,
                            provenance=_provenance(frame, plan))


def _layout_failures(layout: Layout) -> pd.DataFrame:
    """Warnings about rows the reader left out (a 合计 row that does not add up), as failure cases."""
    rows = [{"row": -1, "column": "", "value": cell, "check": "total_row", "severity": "warning", "message_en": en,
             "message_zh": zh, col.SOURCE_FILE: sheet.file, col.SOURCE_SHEET: sheet.sheet, col.SOURCE_ROW: row}
            for sheet in layout.sheets for row, cell, en, zh in sheet.problems]
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS)


def _provenance(frame: pd.DataFrame, plan: Plan) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        library = version("wdmonitor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        library = "unknown"
    return {"plan": plan.id, "wdmonitor": library, "files": dict(frame.attrs.get("sha256", {})),
            "checked_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")}


def prepare_submission(frame: pd.DataFrame, plan: Plan | str | Path) -> SubmissionReport:
    """Compute indicators from the counts sent, then check every row: the one way in.

    :func:`~wdmonitor.evaluate`, :func:`~wdmonitor.flag_early_warnings`,
    :func:`~wdmonitor.annual_report`, :meth:`Store.add <wdmonitor.Store.add>` and
    ``wdmonitor validate`` all call it, so a file is judged the same way wherever it is sent.

    Parameters
    ----------
    frame : DataFrame
        Canonical long frame of indicators, components or both (the reader's ``attrs`` —
        layout, file digests — are kept).
    plan : Plan, str or Path
        The plan, a bundled plan id or the path of a plan file.

    Returns
    -------
    SubmissionReport
        As :func:`check_submission` returns it, on the frame with its computed indicators.
    """
    from .arguments import check_inputs
    from .formulas import with_indicators

    frame, plan = check_inputs(frame, plan, "prepare_submission")
    indicators = with_indicators(frame, plan)
    if indicators is not frame:
        indicators.attrs.update(frame.attrs)
    report = check_submission(indicators, plan)
    report.provenance["computed_from_counts"] = indicators is not frame
    return report


def validate_submission(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The valid canonical frame, or :class:`SubmissionError` with every failure case."""
    return valid_or_raise(check_submission(frame, plan))


def valid_or_raise(report: SubmissionReport) -> pd.DataFrame:
    """``report.valid`` when no row failed, else :class:`SubmissionError` with every failure case."""
    if not report.ok:
        first = "\n".join(report.errors["message_en"].head(5))
        raise SubmissionError(f"{report.summary()}\n{first}", report.errors)
    return report.valid

