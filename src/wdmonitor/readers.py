"""Reading departments' CSV and Excel files into the canonical long frame.

Headers may be Chinese or English (地区, 行政区划代码, 年份, 指标, 性别, 数值, 单位 …);
the layout may be long (one observation a row) or wide (years, or 女/男/合计, or both as
columns); indicators may be given by id or Chinese name, sexes as 女/男/合计 or F/M/T.
Cells are cleaned but never silently coerced: full-width digits are normalised, "98.5%",
"1,234" and "15.1/10万" are split into number and unit, "—", "…", "-" and blanks become
missing; anything else that is not a number stays as text so validation reports it. Every
row keeps ``source_file``, ``source_sheet`` and ``source_row`` (the row number the sender
sees, header included).

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import load_plan
>>> plan = load_plan("huludao-2021-2030")
>>> sent = pd.DataFrame({"地区": ["葫芦岛市"], "指标名称": ["孕产妇死亡率"], "性别": ["女"],
...     "2021年": ["9.8/10万"], "2022年": ["—"]})
>>> read_submission(sent, plan)[["region", "year", "indicator", "sex", "value", "unit"]]
   region  year                 indicator     sex value  unit
0  211400  2021  maternal_mortality_ratio  female   9.8  /10万
1  211400  2022  maternal_mortality_ratio  female   NaN   NaN
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import limits
from . import schema as col
from .errors import SubmissionError
from .layout import Layout, SheetLayout, read_table
from .names import AREAS, HEADER_ALIASES, SEXES, Names, canonical_header, header_key, normalise_text
from .workbooks import open_grids, select_grids, text_grid

if TYPE_CHECKING:
    from .indicators import Plan

__all__ = ["HEADER_ALIASES", "read_submission"]

_SEX = SEXES
_AREA = AREAS

_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(%|‰|/\s*10\s*万|/\s*万|/\s*千)?$")
_YEAR_COLUMN = re.compile(r"^(\d{4})年?(?:[_\-\s]?(女|男|合计|总计|f|m|t|female|male|total))?$")
#: The limits, from the one place that keeps them (see :mod:`wdmonitor.limits`).
MAX_ROWS = limits.MAX_ROWS
MAX_BYTES = limits.MAX_BYTES


_text = normalise_text
_header = header_key
_canonical_header = canonical_header


def _map_unique(values: pd.Series, func: Any) -> pd.Series:
    """``values.map(func)`` computed once per distinct value (NaN passed through unchanged).

    Department files repeat the same few region, indicator and sex labels millions of times
    at national scale; normalising each distinct label once keeps reading linear and fast.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):  # a CSV's text columns are read as categories: no hashing again
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([func(v) for v in uniques] + [np.nan], dtype=object)  # one call per distinct value
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _clean_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as floats where they parse, text kept otherwise; and the unit found inside.

    Plain numbers take a vectorised path; only cells that are not (full-width digits,
    "1,234", "28.5%", "15.1/10万", "—", text) go through the cell-by-cell cleaning.
    """
    if values.dtype.kind in "fiu" and np.isfinite(values.to_numpy(dtype=float)[values.notna().to_numpy()]).all():
        # the parser's plain numbers; whole numbers stay integers (the year 2024, not 2024.0)
        plain = values.astype(float) if values.dtype.kind == "f" else values.astype(object)
        return plain, pd.Series(np.nan, index=values.index, dtype=object)
    values = values.astype(object)
    empty = values.isna() | values.eq("")
    with np.errstate(invalid="ignore"):
        parsed = pd.to_numeric(values, errors="coerce")
    plain = parsed.notna() & np.isfinite(parsed.astype(float))
    if pd.api.types.infer_dtype(values, skipna=True) in ("boolean", "mixed", "mixed-integer"):
        plain &= ~values.map(lambda v: isinstance(v, (bool, np.bool_)))  # an Excel TRUE is not the number 1
    out: Any = parsed.astype(object)
    out[~plain] = None
    unit = pd.Series(np.nan, index=values.index, dtype=object)
    out[empty] = np.nan
    rest = values[~plain & ~empty]
    if len(rest):
        dated = rest.map(lambda v: isinstance(v, (datetime.date, pd.Timestamp)))
        text = rest.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else v if isinstance(v, (datetime.date, pd.Timestamp)) else _text(v))
        lowered = text.map(lambda v: v.lower() if isinstance(v, str) else v)
        missing = text.isna() | lowered.isin(col.MISSING_SPELLINGS)
        stripped = text.where(~missing).map(_thousands)
        as_text = stripped.map(lambda v: v if isinstance(v, str) else "")
        parts = as_text.astype(str).str.extract(_NUMBER.pattern)
        number = pd.to_numeric(parts[0], errors="coerce")
        slow = number.astype(object).where(number.notna(), stripped)
        out.loc[rest.index] = slow.where(~missing, np.nan).where(~dated, rest)
        unit.loc[rest.index] = parts[1].map(lambda u: re.sub(r"\s+", "", u) if isinstance(u, str) else u)
    return out, unit


_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:\s*(?:%|‰|/\s*10\s*万|/\s*万|/\s*千))?$")


def _distinct(values: pd.Series, clean: Any) -> tuple[pd.Series, pd.Series]:
    """``clean(values)`` computed on the distinct values only, then spread back to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned, unit = clean(pd.Series(list(uniques), dtype=object))
    # a missing cell stays missing; 2024 stays the integer 2024 (no NaN among the distinct values to make it a float)
    cleaned = np.append(cleaned.to_numpy(dtype=object), np.nan)
    unit = np.append(unit.to_numpy(dtype=object), np.nan)
    return pd.Series(cleaned[codes], index=values.index, dtype=object), pd.Series(unit[codes], index=values.index, dtype=object)


def _thousands(value: Any) -> Any:
    """"1,234.5" → "1234.5"; a comma that is not a thousands separator ("9,8") is left for validation to refuse."""
    if isinstance(value, str) and "," in value and _GROUPED.match(value):
        return value.replace(",", "")
    return value


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read only from a regular file and never more than :data:`MAX_BYTES`.

    A pipe, a device (``/dev/zero``) or a folder is refused before a byte is read (opened
    without blocking, then checked), and the limit holds while reading, whatever the size
    the file claims; a workbook's unpacked size is checked too (a zip bomb).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError as error:
        raise SubmissionError(f"{path.name}: is a folder; expected a .csv, .xlsx or .xls file / {path.name} 是文件夹，应为文件") from error
    except OSError as error:
        raise SubmissionError(f"{path.name}: cannot read the file ({error.strerror}) / 无法读取文件（{error.strerror}）") from error
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise SubmissionError(f"{path.name}: is a folder; expected a .csv, .xlsx or .xls file / {path.name} 是文件夹，应为文件")
        raise SubmissionError(f"{path.name}: is not a regular file (a pipe, device or socket); expected a .csv, .xlsx or .xls "
                              f"file / {path.name} 不是普通文件（管道、设备等），应为.csv、.xlsx或.xls文件")
    with os.fdopen(descriptor, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SubmissionError(f"{path.name}: the file has more than the {MAX_BYTES} bytes a submission may have; "
                              f"split it into smaller files / 文件超过上限{MAX_BYTES}字节，请拆分后报送")
    if path.suffix.lower() in (".xlsx", ".xlsm") and raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                unzipped = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            unzipped = 0  # the workbook reader says what is wrong with it
        if unzipped > MAX_BYTES:
            raise SubmissionError(f"{path.name}: the workbook unpacks to {unzipped} bytes, more than the {MAX_BYTES} a "
                                  f"submission may have / 工作簿解压后为{unzipped}字节，超过上限{MAX_BYTES}字节")
    return raw


#: Legacy encodings tried, in order, when a text file is not UTF-8.
LEGACY_ENCODINGS = ("gb18030", "big5")
#: Share of a decoding's Chinese characters that must be common ones (GB2312 level 1 for GB18030,
#: Big5 level 1 for Big5) for that decoding to be taken: a file in one encoding read as the other
#: gives mostly rare characters (library choice, see docs/robustness.md).
COMMON_SHARE = 0.9


def _common_share(text: str, encoding: str) -> float:
    """Share of the CJK ideographs of ``text`` that are among the encoding's common characters."""
    ideographs = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not ideographs:
        return 1.0
    common = 0
    for ch in set(ideographs):
        try:
            code = ch.encode("gb2312" if encoding == "gb18030" else "big5")
        except UnicodeEncodeError:
            continue
        lead = code[0]
        if (encoding == "gb18030" and 0xB0 <= lead <= 0xD7) or (encoding == "big5" and 0xA4 <= lead <= 0xC6):
            common += ideographs.count(ch)
    return common / len(ideographs)


def _decode(path: Path, raw: bytes) -> str:
    """The text of a file, its encoding decided from the whole file, or a refusal saying what was tried."""
    return _decoded(path, raw)[0]


def _decoded(path: Path, raw: bytes) -> tuple[str, str]:
    """:func:`_decode`'s text and the encoding it was decoded from."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    for encoding in LEGACY_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _common_share(text, encoding) >= COMMON_SHARE:
            return text, encoding
    raise SubmissionError(
        f"{path.name}: the text encoding could not be decided (tried UTF-8, UTF-16 with a byte-order mark, "
        f"GB18030, Big5); save the file as UTF-8 (CSV UTF-8 in Excel or WPS) / "
        f"无法确定文件编码（已尝试UTF-8、带BOM的UTF-16、GB18030、Big5），请另存为UTF-8编码的CSV文件")


def _plain_csv(text: str, names: Names) -> bool:
    """Whether a CSV's first line is its header and the table a plain one (the fast path)."""
    import csv
    import io

    end = -1
    for _ in range(3):  # the first three lines, without copying the rest of the text
        end = text.find("\n", end + 1)
        if end < 0:
            break
    first_lines = text if end < 0 else text[:end]
    head = list(csv.reader(io.StringIO(first_lines, newline="")))  # a carriage return inside a quoted cell is text
    if not head:
        return True
    grid = text_grid(first_lines, "head")
    try:
        _, layout = read_table(grid, names, "head")
    except SubmissionError:
        return True  # the fast path gives the usual messages for a file with no usable header
    if any(cell.strip() == "" for cell in head[0]):
        return False  # a column without a header: the layout reader lists it instead of pandas naming it "Unnamed: 3"
    roles = {role for _, header, role in layout.columns if header != "(no header)"}  # a ragged row: pandas refuses it
    has_sex = col.SEX in roles or any(header_key(h) in SEXES or re.search(r"(女|男|合计)$", header_key(h)) for _, h, _ in layout.columns)
    return layout.header_rows == (1,) and layout.kind in ("long", "wide", "indicators_as_rows") and has_sex and not (
        roles & {"unknown", "not_read", "serial", "numbering", "region_code"})


_LABEL_COLUMNS = (col.REGION, col.YEAR, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP)


def _read_csv(path: Path, text: str, utf8: bytes | None = None) -> pd.DataFrame:
    """A plain CSV through pandas' C parser: from its bytes when they are UTF-8 (``utf8``: the
    parser reads them as they are), else from the decoded text."""
    from io import BytesIO, StringIO

    def source() -> BytesIO | StringIO:
        return BytesIO(utf8) if utf8 is not None else StringIO(text)

    encoding = "utf-8-sig" if utf8 is not None else None
    try:
        # numeric columns go through pandas' C parser (an empty cell is missing); the parser
        # keeps a column as text when any cell is not a plain number, and the cleaning below
        # then handles "1,234", "28.5%", full-width digits and the like
        header = pd.read_csv(source(), nrows=0, encoding=encoding).columns
        numeric = [c for c in header if _canonical_header(c) in (col.VALUE, col.NUMERATOR, col.DENOMINATOR)]
        # the key columns as categories: the parser hashes each label once, and names are then
        # resolved once per category (they are plain text again when read_submission returns)
        labels = {c: "category" if _canonical_header(c) in _LABEL_COLUMNS else object for c in header if c not in numeric}
        frame = pd.read_csv(source(), dtype=labels, keep_default_na=False, na_values={c: [""] for c in numeric},
                            skip_blank_lines=False, encoding=encoding)
    except pd.errors.EmptyDataError as error:
        raise SubmissionError(f"{path.name}: the file is empty; expected a header row and data rows / 文件为空，应有表头和数据行") from error
    except pd.errors.ParserError as error:
        raise SubmissionError(f"{path.name}: not a readable CSV file ({error}) / 无法解析CSV文件") from error
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took the surplus cells of row 2 as an index
        raise SubmissionError(
            f"{path.name}, row 2: the row has more cells ({frame.index.nlevels + frame.shape[1]}) than the header has "
            f"columns ({frame.shape[1]}); expected one cell per column / 第2行的单元格数多于表头列数")
    return frame


_INSTRUCTIONS = re.compile(r"说明|须知|instruction|readme|封面|目录", re.IGNORECASE)


def _read_sheets(path: Path, grids: list[Any], names: Names) -> tuple[pd.DataFrame, Layout]:
    """Every selected sheet's observations, and how each sheet was read or why it was not."""
    frames, layouts = [], []
    for grid, reason in grids:
        has_cells = any(v is not None and str(v).strip() != "" for v in grid.values.flat)
        numbers = any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in grid.values.flat)
        if reason:
            layouts.append(SheetLayout(path.name, grid.sheet, reason))
            continue
        if not has_cells:
            layouts.append(SheetLayout(path.name, grid.sheet, "empty"))
            continue
        if _INSTRUCTIONS.search(grid.sheet) and len(grids) > 1:
            layouts.append(SheetLayout(path.name, grid.sheet, "instructions"))
            continue
        try:
            frame, layout = read_table(grid, names, path.name)
        except SubmissionError:
            if not numbers and len(grids) > 1:  # text only, no table: a notes or instructions sheet
                layouts.append(SheetLayout(path.name, grid.sheet, "instructions"))
                continue
            raise
        frame[col.SOURCE_SHEET] = grid.sheet
        frames.append(frame)
        layouts.append(layout)
    if not frames:
        listed = "; ".join(f"{s.sheet!r}: {s.status}" for s in layouts)
        raise SubmissionError(f"{path.name}: no sheet with a table was read ({listed}); expected a sheet with a header row and data "
                              f"rows, or name a hidden sheet with --sheet / 工作簿中没有可读取的数据表（{listed}），如需读取隐藏工作表请用 --sheet 指定")
    return pd.concat(frames, ignore_index=True), Layout(tuple(layouts))


def _from_sent_frame(frame: pd.DataFrame, source: str, first_row: int) -> pd.DataFrame:
    """A frame whose first line was the header: repeated headers refused, wide layouts melted."""
    sent_headers = list(frame.columns)
    mangled = [c for c in sent_headers if isinstance(c, str) and (m := re.fullmatch(r"(.+)\.\d+", c))
               and m.group(1) in sent_headers]  # pandas renames a repeated header "x" to "x.1"
    if mangled:
        again = ", ".join(repr(c.rsplit(".", 1)[0]) for c in mangled)
        raise SubmissionError(f"{source}: the header {again} appears more than once; expected each column once / "
                              f"表头 {again} 重复出现，每列只能出现一次")
    codes = [c for c in sent_headers if _canonical_header(c) == col.REGION and ("代码" in _header(c) or "code" in _header(c))]
    named = [c for c in sent_headers if _canonical_header(c) == col.REGION and c not in codes]
    renamed = {c: _canonical_header(c) for c in sent_headers}
    if len(codes) == 1 and len(named) == 1:  # a system export: 行政区划代码 and 地区名称, checked against each other
        renamed[named[0]] = "region_name"
    frame = frame.rename(columns=renamed)
    doubled = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
    if doubled:
        clashes = "; ".join(f"{', '.join(repr(str(h)) for h in sent_headers if _canonical_header(h) == name)} → {name}"
                            for name in doubled)
        raise SubmissionError(f"{source}: several columns mean the same thing ({clashes}); expected each column once / "
                              f"多列含义相同（{clashes}），每列只能出现一次")
    frame[col.SOURCE_ROW] = np.arange(len(frame)) + first_row
    cells = frame.drop(columns=[col.SOURCE_ROW])
    blank = pd.Series(True, index=frame.index)
    for column in cells.columns:  # only rows still blank so far are looked at again
        candidates = blank[blank].index
        if len(candidates) == 0:
            break
        blank.loc[candidates] = _map_unique(cells.loc[candidates, column], lambda v: _text(v) == "").fillna(True).astype(bool)
    frame = frame[~blank]

    spelled = [c for c in frame.columns if isinstance(c, str) and re.match(r"^[〇零一二三四五六七八九]{4}年", _header(c))]
    if spelled:  # a year column the sender spelt out would otherwise be carried along unread
        names = ", ".join(repr(c) for c in spelled)
        raise SubmissionError(f"{source}: the column header(s) {names} spell a year in Chinese numerals; expected digits "
                              f"such as '2022年' / 列名 {names} 中的年份须用阿拉伯数字书写，如“2022年”")
    wide: dict[Any, tuple[str, str | None]] = {}
    for column in frame.columns:
        match = _YEAR_COLUMN.match(_header(column)) if isinstance(column, (str, int)) else None
        if match:
            wide[column] = (match.group(1), match.group(2))
    sex_columns = [c for c in frame.columns if isinstance(c, str) and _header(c) in _SEX and col.SEX not in frame.columns]
    if wide:
        ids = [c for c in frame.columns if c not in wide]
        frame = frame.melt(id_vars=ids, value_vars=list(wide), var_name="_column", value_name=col.VALUE)
        frame[col.YEAR] = frame["_column"].map(lambda c: wide[c][0])
        sexes = frame["_column"].map(lambda c: wide[c][1])
        if sexes.notna().any():
            frame[col.SEX] = sexes.map(lambda s: _SEX.get(s.lower(), s) if isinstance(s, str) else s)
        frame = frame.drop(columns="_column").sort_values([col.SOURCE_ROW], kind="stable")
    elif sex_columns:
        ids = [c for c in frame.columns if c not in sex_columns]
        frame = frame.melt(id_vars=ids, value_vars=sex_columns, var_name=col.SEX, value_name=col.VALUE)
        frame[col.SEX] = frame[col.SEX].map(lambda s: _SEX[_header(s)])
        frame = frame.sort_values([col.SOURCE_ROW], kind="stable")
    return frame


def _whole(value: Any) -> Any:
    """A whole number as an int (a workbook stores 2024 and 211400 as floats), anything else unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _year_cell(value: Any) -> Any:
    """A year cell as a number where it is one: 2024.0 → 2024, "2024年" or "2024年度" → 2024."""
    value = _whole(value)
    if isinstance(value, str) and (match := re.fullmatch(r"(\d{4})\s*年度?", _text(value))):
        return int(match.group(1))
    return value


def _resolve(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """Cells cleaned and names resolved to ids, once per distinct spelling."""
    for name in (col.REGION, "region_code"):
        if name in frame.columns:
            frame[name] = _map_unique(frame[name], _whole)
    for name in (col.VALUE, col.NUMERATOR, col.DENOMINATOR, col.YEAR):
        if name in frame.columns:
            values = frame[name]
            if name == col.YEAR:  # a few distinct years in millions of rows: each cleaned once
                cleaned, inner_unit = _distinct(values, lambda years: _clean_numbers(years.map(_year_cell)))
            else:
                cleaned, inner_unit = _clean_numbers(values)
            frame[name] = cleaned
            if name == col.VALUE and inner_unit.notna().any():
                unit = frame[col.UNIT] if col.UNIT in frame.columns else pd.Series(np.nan, index=frame.index, dtype=object)
                frame[col.UNIT] = unit.where(unit.notna() & (unit.astype(str) != ""), inner_unit.to_numpy())
    if col.SEX in frame.columns:
        frame[col.SEX] = _map_unique(frame[col.SEX], lambda s: _SEX.get(_header(s), _text(s)))
    if col.AREA_TYPE in frame.columns:
        frame[col.AREA_TYPE] = _map_unique(frame[col.AREA_TYPE], lambda s: _AREA.get(_header(s), _text(s))).fillna("total")
    if "region_code" in frame.columns:
        if col.REGION in frame.columns:
            frame["region_name"] = frame[col.REGION]
        frame[col.REGION] = frame.pop("region_code")
    if col.REGION in frame.columns:
        frame[col.REGION] = _map_unique(frame[col.REGION], lambda r: names.region(r) or _text(r))
    if col.INDICATOR in frame.columns:
        in_name = _map_unique(frame[col.INDICATOR], lambda i: names.indicator(i)[1])
        frame[col.INDICATOR] = _map_unique(frame[col.INDICATOR], lambda i: names.indicator(i)[0] or _text(i))
        if in_name.notna().any():  # a unit written in the name ("孕产妇系统管理率（%）")
            unit = frame[col.UNIT] if col.UNIT in frame.columns else pd.Series(np.nan, index=frame.index, dtype=object)
            frame[col.UNIT] = unit.where(unit.notna() & (unit.astype(str) != ""), in_name)
    for name in frame.columns:  # the text columns the parser read as categories, as text again
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(object)
    return frame


def read_submission(path_or_frame: str | Path | pd.DataFrame, plan: Plan, *,
                    sheet: str | int | Sequence[str | int] | None = None) -> pd.DataFrame:
    """Read a department's file (or a frame) into the canonical long frame.

    Parameters
    ----------
    path_or_frame : path or DataFrame
        A .csv, .xlsx or .xls file, or a frame as sent (its columns being the header).
    plan : Plan
        Resolves region names and Chinese indicator names.
    sheet : str, int or list of them, optional
        The sheets to read. By default every visible sheet is read (instructions and empty
        sheets are listed as skipped); a hidden sheet is read only when named here.

    Returns
    -------
    DataFrame
        Canonical columns with provenance (``source_file``, ``source_sheet``, ``source_row``
        and, for workbooks, ``source_column``); not yet validated (see
        :func:`wdmonitor.check_submission`). ``frame.attrs["layout"]`` is the
        :class:`wdmonitor.layout.Layout` saying how each sheet was read.

    Raises
    ------
    SubmissionError
        When the file cannot be read, no table is found in it, or it has more than
        :data:`MAX_ROWS` rows.
    """
    from .arguments import check_plan

    plan = check_plan(plan, "read_submission")
    names = _names(plan)
    if isinstance(path_or_frame, pd.DataFrame):
        source = "<frame>"
        frame = _from_sent_frame(path_or_frame.astype(object), source, 2)
        layout = Layout((SheetLayout(source, "", "read", kind="long", header_rows=(1,)),))
    else:
        path = Path(path_or_frame)
        # a lone surrogate in a file name (undecodable bytes) is shown as its escape, so every writer can take it
        source = path.name.encode("utf-8", "backslashreplace").decode("utf-8")
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".txt", ".xlsx", ".xlsm", ".xls"):
            raise SubmissionError(f"{path.name}: unsupported file type {suffix!r}; expected .csv, .xlsx or .xls / 不支持的文件类型")
        raw = _read_bytes(path)
        digest = hashlib.sha256(raw).hexdigest()
        if suffix in (".csv", ".txt"):
            text, encoding = _decoded(path, raw)
            if _plain_csv(text, names):
                frame = _from_sent_frame(_read_csv(path, text, raw if encoding == "utf-8-sig" else None), source, 2)
                layout = Layout((SheetLayout(source, "", "read", kind="long", header_rows=(1,)),))
            else:
                frame, sheet_layout = read_table(text_grid(text, source), names, source)
                layout = Layout((sheet_layout,))
        else:
            frame, layout = _read_sheets(path, select_grids(open_grids(path, raw), sheet, path), names)
    if len(frame) > MAX_ROWS:
        raise SubmissionError(f"{source}: {len(frame)} rows, more than the {MAX_ROWS} a submission may have / 行数超过上限")
    frame = _resolve(frame, names)
    frame[col.SOURCE_FILE] = source
    if col.SOURCE_SHEET not in frame.columns:
        frame[col.SOURCE_SHEET] = ""
    frame = frame.reset_index(drop=True)
    frame.attrs[col.SOURCE_FILE] = source  # names the file even when no row is left
    frame.attrs["layout"] = layout
    frame.attrs["sha256"] = {} if isinstance(path_or_frame, pd.DataFrame) else {source: digest}
    return frame


def read_files(paths: Sequence[str | Path], plan: Plan, *, sheet: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Several department files read as one frame (:func:`combine`), as ``--sheet`` means them.

    With sheet names, each workbook reads the named sheets it has; a workbook that has none
    of them, or a name that no workbook has, is an error (a mistyped name is never ignored).
    CSV files have no sheets and are read whole.
    """
    if sheet is None or len(paths) == 1:
        return combine([read_submission(path, plan, sheet=sheet) for path in paths])
    wanted = [sheet] if isinstance(sheet, str) else list(sheet)
    frames, found = [], set()
    for path in map(Path, paths):
        if path.suffix.lower() in (".csv", ".txt"):
            frames.append(read_submission(path, plan))
            continue
        names = sheet_names(path)
        mine = [name for name in wanted if name in names]
        if not mine:
            raise SubmissionError(f"{path.name}: has none of the sheets named ({', '.join(map(repr, wanted))}); its sheets are "
                                  f"{', '.join(map(repr, names))} / 工作簿中没有所指定的工作表，现有：{'、'.join(names)}")
        found.update(mine)
        frames.append(read_submission(path, plan, sheet=mine))
    missing = [name for name in wanted if name not in found]
    if missing:
        raise SubmissionError(f"no file has the sheet(s) {', '.join(map(repr, missing))} / 所有文件中均没有工作表："
                              f"{'、'.join(missing)}")
    return combine(frames)


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of a workbook, in order, hidden ones included."""
    path = Path(path)
    raw = _read_bytes(path)
    return [grid.sheet for grid in open_grids(path, raw)]


def combine(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Frames read from several files as one, their layouts and file hashes kept together."""
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    layouts = [f.attrs["layout"] for f in frames if "layout" in f.attrs]
    if layouts:
        combined.attrs["layout"] = Layout(tuple(s for layout in layouts for s in layout.sheets))
    combined.attrs["sha256"] = {k: v for f in frames for k, v in f.attrs.get("sha256", {}).items()}
    if len(frames) == 1:
        combined.attrs[col.SOURCE_FILE] = frames[0].attrs.get(col.SOURCE_FILE)
    return combined


_NAMES: dict[int, tuple[Any, Names]] = {}


def _names(plan: Plan) -> Names:
    """The plan's :class:`Names`, built once per plan object."""
    cached = _NAMES.get(id(plan))
    if cached is None or cached[0] is not plan:
        cached = (plan, Names.for_plan(plan))
        _NAMES.clear()
        _NAMES[id(plan)] = cached
    return cached[1]
