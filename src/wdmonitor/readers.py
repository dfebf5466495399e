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

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import schema as col
from .errors import SubmissionError

if TYPE_CHECKING:
    from .indicators import Plan

__all__ = ["HEADER_ALIASES", "read_submission"]

#: Header spellings (after NFKC, lower case, spaces removed) → canonical column.
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(["region", "地区", "地区名称", "行政区划代码", "区划代码", "代码", "地区代码", "区域"], col.REGION),
    **dict.fromkeys(["year", "年份", "年度", "年"], col.YEAR),
    **dict.fromkeys(["indicator", "指标", "指标代码", "指标名称", "指标编号"], col.INDICATOR),
    **dict.fromkeys(["sex", "性别"], col.SEX),
    **dict.fromkeys(["value", "数值", "值", "指标值", "数据"], col.VALUE),
    **dict.fromkeys(["unit", "单位", "计量单位"], col.UNIT),
    **dict.fromkeys(["numerator", "分子"], col.NUMERATOR),
    **dict.fromkeys(["denominator", "分母"], col.DENOMINATOR),
    **dict.fromkeys(["source", "来源", "数据来源"], col.SOURCE),
    **dict.fromkeys(["area_type", "城乡", "城乡类别"], col.AREA_TYPE),
    **dict.fromkeys(["age_group", "年龄组", "年龄"], col.AGE_GROUP),
}
_CANONICAL = set(HEADER_ALIASES.values())
_PASS_THROUGH = {"name_zh", "region_name"}  # template columns kept for readability
_SEX = {
    **dict.fromkeys(["女", "女性", "f", "female", "妇女"], "female"),
    **dict.fromkeys(["男", "男性", "m", "male"], "male"),
    **dict.fromkeys(["合计", "总计", "全部", "t", "total", "两性", "小计"], "total"),
}
_AREA = {
    **dict.fromkeys(["城镇", "城市", "urban"], "urban"),
    **dict.fromkeys(["农村", "乡村", "rural"], "rural"),
    **dict.fromkeys(["合计", "全部", "total", "总计"], "total"),
}

_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(%|‰|/\s*10\s*万|/\s*万|/\s*千)?$")
_YEAR_COLUMN = re.compile(r"^(\d{4})年?(?:[_\-\s]?(女|男|合计|总计|f|m|t|female|male|total))?$")
MAX_ROWS = 5_000_000
#: Largest file read, in bytes (checked before reading), and largest uncompressed workbook.
MAX_BYTES = 200_000_000


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header(name: Any) -> str:
    return re.sub(r"\s+", "", _text(name)).lower()


def _canonical_header(name: Any) -> Any:
    """The canonical column for a header, also for bilingual ones such as "地区代码 region"."""
    key = _header(name)
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    tokens = [t for t in re.split(r"[\s/()（）]+", _text(name).lower()) if t]
    for token in reversed(tokens):  # the English name of a bilingual header decides
        if token in _CANONICAL or token in _PASS_THROUGH:
            return token
    for token in tokens:
        if token in HEADER_ALIASES:
            return HEADER_ALIASES[token]
    return name


def _map_unique(values: pd.Series, func: Any) -> pd.Series:
    """``values.map(func)`` computed once per distinct value (NaN passed through unchanged).

    Department files repeat the same few region, indicator and sex labels millions of times
    at national scale; normalising each distinct label once keeps reading linear and fast.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([func(v) for v in uniques] + [np.nan], dtype=object)  # one call per distinct value
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _clean_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as floats where they parse, text kept otherwise; and the unit found inside.

    Plain numbers take a vectorised path; only cells that are not (full-width digits,
    "1,234", "28.5%", "15.1/10万", "—", text) go through the cell-by-cell cleaning.
    """
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
        text = rest.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else _text(v))
        lowered = text.map(lambda v: v.lower() if isinstance(v, str) else v)
        missing = text.isna() | lowered.isin(col.MISSING_SPELLINGS)
        stripped = text.where(~missing).map(lambda v: v.replace(",", "") if isinstance(v, str) else v)
        as_text = stripped.map(lambda v: v if isinstance(v, str) else "")
        parts = as_text.astype(str).str.extract(_NUMBER.pattern)
        number = pd.to_numeric(parts[0], errors="coerce")
        slow = number.astype(object).where(number.notna(), stripped)
        out.loc[rest.index] = slow.where(~missing, np.nan)
        unit.loc[rest.index] = parts[1].map(lambda u: re.sub(r"\s+", "", u) if isinstance(u, str) else u)
    return out, unit


def _check_size(path: Path) -> None:
    """Refuse files (and workbooks once unzipped) larger than :data:`MAX_BYTES` before reading them."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise SubmissionError(f"{path.name}: cannot read the file ({error.strerror}) / 无法读取文件") from error
    if size > MAX_BYTES:
        raise SubmissionError(f"{path.name}: the file has {size} bytes, more than the {MAX_BYTES} a submission may have; "
                              f"split it into smaller files / 文件大小为{size}字节，超过上限{MAX_BYTES}字节，请拆分后报送")
    if path.suffix.lower() in (".xlsx", ".xlsm") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_BYTES:
            raise SubmissionError(f"{path.name}: the workbook unpacks to {unzipped} bytes, more than the {MAX_BYTES} a "
                                  f"submission may have / 工作簿解压后为{unzipped}字节，超过上限{MAX_BYTES}字节")


def _read_file(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, str, int]:
    _check_size(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object, engine="openpyxl")
        except (ValueError, KeyError, OSError, zipfile.BadZipFile) as error:
            raise SubmissionError(f"{path.name}: cannot read the workbook ({error}); expected an .xlsx file / 无法读取Excel文件") from error
        import openpyxl

        with open(path, "rb") as handle:
            book = openpyxl.load_workbook(handle, read_only=True, keep_links=False)
            name = sheet if isinstance(sheet, str) else book.sheetnames[sheet or 0]
            book.close()
        return frame, str(name), 2
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            raise SubmissionError(f"{path.name}: unreadable text encoding / 无法识别文件编码")
        from io import StringIO

        try:
            # numeric columns go through pandas' C parser (an empty cell is missing); the parser
            # keeps a column as text when any cell is not a plain number, and the cleaning below
            # then handles "1,234", "28.5%", full-width digits and the like
            header = pd.read_csv(StringIO(text), nrows=0).columns
            numeric = [c for c in header if _canonical_header(c) in (col.VALUE, col.NUMERATOR, col.DENOMINATOR)]
            frame = pd.read_csv(StringIO(text), dtype={c: object for c in header if c not in numeric}, keep_default_na=False,
                                na_values={c: [""] for c in numeric}, skip_blank_lines=False)
        except pd.errors.EmptyDataError as error:
            raise SubmissionError(f"{path.name}: the file is empty; expected a header row and data rows / 文件为空，应有表头和数据行") from error
        except pd.errors.ParserError as error:
            raise SubmissionError(f"{path.name}: not a readable CSV file ({error}) / 无法解析CSV文件") from error
        if not isinstance(frame.index, pd.RangeIndex):  # pandas took the surplus cells of row 2 as an index
            raise SubmissionError(
                f"{path.name}, row 2: the row has more cells ({frame.index.nlevels + frame.shape[1]}) than the header has "
                f"columns ({frame.shape[1]}); expected one cell per column / 第2行的单元格数多于表头列数")
        return frame, "", 2
    raise SubmissionError(f"{path.name}: unsupported file type {suffix!r}; expected .csv or .xlsx / 不支持的文件类型")


def read_submission(path_or_frame: str | Path | pd.DataFrame, plan: Plan, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a department's file (or a frame) into the canonical long frame.

    Parameters
    ----------
    path_or_frame : path or DataFrame
        A .csv or .xlsx file, or a frame as sent.
    plan : Plan
        Resolves region names and Chinese indicator names.
    sheet : str or int, optional
        Excel sheet; the first when omitted.

    Returns
    -------
    DataFrame
        Canonical columns with provenance; not yet validated (see
        :func:`wdmonitor.check_submission`).

    Raises
    ------
    SubmissionError
        When the file cannot be read or has more than :data:`MAX_ROWS` rows.
    """
    if isinstance(path_or_frame, pd.DataFrame):
        frame, source, sheet_name, first_row = path_or_frame.astype(object), "<frame>", "", 2
    else:
        path = Path(path_or_frame)
        frame, sheet_name, first_row = _read_file(path, sheet)
        source = path.name
    if len(frame) > MAX_ROWS:
        raise SubmissionError(f"{source}: {len(frame)} rows, more than the {MAX_ROWS} a submission may have / 行数超过上限")
    sent_headers = list(frame.columns)
    mangled = [c for c in sent_headers if isinstance(c, str) and (m := re.fullmatch(r"(.+)\.\d+", c))
               and m.group(1) in sent_headers]  # pandas renames a repeated header "x" to "x.1"
    if mangled:
        again = ", ".join(repr(c.rsplit(".", 1)[0]) for c in mangled)
        raise SubmissionError(f"{source}: the header {again} appears more than once; expected each column once / "
                              f"表头 {again} 重复出现，每列只能出现一次")
    frame = frame.rename(columns=_canonical_header)
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

    for name in (col.VALUE, col.NUMERATOR, col.DENOMINATOR, col.YEAR):
        if name in frame.columns:
            cleaned, inner_unit = _clean_numbers(frame[name])
            frame[name] = cleaned
            if name == col.VALUE and inner_unit.notna().any():
                unit = frame[col.UNIT] if col.UNIT in frame.columns else pd.Series(np.nan, index=frame.index, dtype=object)
                frame[col.UNIT] = unit.where(unit.notna() & (unit.astype(str) != ""), inner_unit.to_numpy())
    if col.SEX in frame.columns:
        frame[col.SEX] = _map_unique(frame[col.SEX], lambda s: _SEX.get(_header(s), _text(s)))
    if col.AREA_TYPE in frame.columns:
        frame[col.AREA_TYPE] = _map_unique(frame[col.AREA_TYPE], lambda s: _AREA.get(_header(s), _text(s))).fillna("total")
    if col.REGION in frame.columns:
        region_codes = plan.region_names()
        frame[col.REGION] = _map_unique(frame[col.REGION], lambda r: region_codes.get(_text(r), _text(r)))
    if col.INDICATOR in frame.columns:
        by_name = {}
        for indicator in plan.indicators.values():
            for name in (indicator.name_zh, *indicator.aliases_zh):
                by_name[_header(name)] = indicator.id
        frame[col.INDICATOR] = _map_unique(frame[col.INDICATOR], lambda i: by_name.get(_header(i), _text(i)))
    frame[col.SOURCE_FILE] = source
    frame[col.SOURCE_SHEET] = sheet_name
    frame = frame.reset_index(drop=True)
    frame.attrs[col.SOURCE_FILE] = source  # names the file even when no row is left
    return frame
