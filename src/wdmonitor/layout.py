"""Finding the table in a worksheet as departments lay it out (统计报表), and saying how.

A department's sheet may carry, above its table, the form block (表号, 制表机关, 批准文号,
有效期至), a title ("2024年葫芦岛市妇女发展规划监测统计表（卫生健康部门）"), 填报单位： and
单位：% rows; a header of one to three rows (2024年 over 女/男/合计, ``合计 | 其中：女``),
perhaps a 甲 乙 丙 / 1 2 3 row under it; then data rows mixed with section rows
(一、妇女与健康), 合计 rows, ``其中：女童`` sub-rows, notes and signatures (注：…, 填表人：).
:func:`read_table` finds the header, takes the year, region and unit it needs from outside
the table (the title, a 年份 cell, 填报单位, a 单位 row, the sheet name) and turns every value
cell of every data row into one observation. Every non-empty cell ends up in exactly one
place, which the :class:`SheetLayout` records: a data row, a header row, a context cell, a
column not read, a "not applicable" cell, or a skipped row with its reason.

Layouts recognised, in any combination: one observation a row (地区 年份 指标 性别 数值);
indicators as rows with years and/or sexes as columns; regions as rows with indicators as
columns (the yearbook layout), with sexes or years under each indicator; a 合计/其中：女 pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from . import schema as col
from .errors import SubmissionError
from .names import (
    AREAS,
    CODE_HEADERS,
    HEADER_ALIASES,
    SERIAL_HEADERS,
    Names,
    canonical_header,
    header_key,
    normalise_text,
    sex_word,
    split_unit,
)
from .workbooks import ExcelError, Grid, column_letter

__all__ = ["Layout", "SheetLayout", "read_table"]

#: Rows searched for the header.
HEADER_SEARCH_ROWS = 60
_YEAR = re.compile(r"^(\d{4})\s*年?(?:度)?(?:[_\-\s]?(女|男|合计|总计|f|m|t|female|male|total))?$")
_YEAR_RANGE = re.compile(r"\d{4}\s*(?:年)?\s*[—\-–~～至到]+\s*\d{4}\s*年?")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(\d{4})\s*年(?:度)?")
_NOTE = re.compile(r"^(注|说明|备注|附注|资料来源|数据来源|填表说明)\s*\d*\s*[：:、.．]|^注\s*\d|^(填表人|填报人|制表人|审核人|复核人|单位负责人|统计负责人|部门负责人|负责人|报出日期|填报日期|报送日期|联系电话|电话|联系人)\s*[：:]")
_SIGNATURE = re.compile(r"^(填表人|填报人|制表人|审核人|复核人|单位负责人|统计负责人|部门负责人|负责人|报出日期|填报日期|报送日期|联系电话|电话|联系人)\s*[：:]")
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+(?:部分|章|类))")
_AREA_WORDS = ("妇女与", "健康", "教育", "经济", "参与决策", "决策和管理", "社会保障", "家庭建设", "环境", "法律")
_TOTAL_LABELS = frozenset({"合计", "总计", "小计", "合计数", "总数", "全市合计", "全区合计", "全县合计", "全省合计", "汇总"})
_FORM_LABELS = ("表号", "制表机关", "制定机关", "批准机关", "批准文号", "有效期至", "有效期", "文号", "表式", "统计制度")
_REGION_LABELS = ("填报单位", "报送单位", "填报机关", "单位名称", "地区", "县区", "地市")
_UNIT_LABELS = ("计量单位", "单位")
_YEAR_LABELS = ("年份", "年度", "统计年度", "报告期", "时间", "统计时间")
_COLUMN_NUMBERS = frozenset("甲乙丙丁戊己庚辛壬癸")
_ROLES = frozenset(HEADER_ALIASES.values())
_LABELLED = re.compile(r"^\s*(" + "|".join(sorted({*_FORM_LABELS, *_REGION_LABELS, *_UNIT_LABELS, *_YEAR_LABELS, "表 号", "表号"}, key=len, reverse=True)) + r")\s*[：:]")
_PERCENT_FORMAT = re.compile(r"%(?![^\"]*\")")


@dataclass(frozen=True, slots=True)
class ContextCell:
    """A value taken from outside the table: what it gave, and the cell it came from."""

    field: str  # year | region | unit | source
    value: str
    cell: str
    text: str


@dataclass(frozen=True, slots=True)
class SkippedRow:
    row: int  # 1-based, as the sender sees it
    reason: str  # title | form | context | note | signature | section | total | column_numbers | not_applicable …
    text: str


@dataclass(frozen=True)
class SheetLayout:
    """How one sheet was read: header rows, context, data rows and what was skipped, and why.

    ``places`` maps every non-empty cell (``"B7"``) to where it went: ``data``, ``header``,
    ``context``, ``skipped:<reason>``, ``column_not_read`` or ``not_applicable``.
    """

    file: str
    sheet: str
    status: str  # read | hidden | instructions | empty | not selected
    kind: str = ""
    header_rows: tuple[int, ...] = ()
    columns: tuple[tuple[str, str, str], ...] = ()  # (letter, header text, role)
    context: tuple[ContextCell, ...] = ()
    data_rows: tuple[int, ...] = ()
    skipped: tuple[SkippedRow, ...] = ()
    problems: tuple[tuple[int, str, str, str], ...] = ()  # (row, cell, message_en, message_zh): warnings about rows left out
    places: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def unaccounted(self) -> list[str]:
        """Non-empty cells with no place (always empty: a test checks it)."""
        return [cell for cell, place in self.places.items() if not place]

    def summary(self, lang: str = "zh") -> str:
        """A few lines saying how the sheet was read."""
        name = self.sheet or "(CSV)"
        if self.status != "read":
            why_zh = {"hidden": "隐藏工作表，未读取（如需读取请用 --sheet 指定）", "instructions": "填表说明，未读取",
                      "empty": "空工作表", "not selected": "未选择"}.get(self.status, self.status)
            why_en = {"hidden": "hidden sheet, not read (name it with --sheet to read it)", "instructions": "instructions sheet, not read",
                      "empty": "empty sheet", "not selected": "not selected"}.get(self.status, self.status)
            return f"工作表“{name}”：{why_zh}" if lang == "zh" else f"sheet {name!r}: {why_en}"
        reasons: dict[str, int] = {}
        for skipped in self.skipped:
            reasons[skipped.reason] = reasons.get(skipped.reason, 0) + 1
        context = "; ".join(f"{c.field}={c.value} ({c.cell})" for c in self.context)
        header = ", ".join(map(str, self.header_rows))
        if lang == "zh":
            fields = {"year": "年份", "region": "地区", "unit": "单位", "source": "填报单位"}
            cell_zh = {"sheet name": "工作表名"}
            context = "；".join(f"{fields.get(c.field, c.field)}{c.value}（{cell_zh.get(c.cell, c.cell)}）" for c in self.context)
            skipped_zh = "，".join(f"{_REASONS_ZH.get(k, k)}{v}行" for k, v in reasons.items()) or "无"
            return (f"工作表“{name}”：表头在第{header.replace(', ', '、')}行（{_KINDS_ZH.get(self.kind, self.kind)}），"
                    f"数据{len(self.data_rows)}行；表外信息：{context or '无'}；跳过：{skipped_zh}")
        skipped_en = ", ".join(f"{v} {k}" for k, v in reasons.items()) or "none"
        return (f"sheet {name!r}: header in row(s) {header} ({self.kind}), {len(self.data_rows)} data rows; "
                f"context: {context or 'none'}; skipped rows: {skipped_en}")


_KINDS_ZH = {"long": "每行一个数据", "indicators_as_rows": "指标为行", "regions_as_rows": "地区为行", "wide": "宽表"}
_REASONS_ZH = {"title": "标题", "form": "表号等", "context": "表外信息", "note": "注释", "signature": "签署", "section": "分组标题",
               "total": "合计", "column_numbers": "栏次", "text_above": "表上方文字", "blank": "空白"}


@dataclass(frozen=True)
class Layout:
    """How every sheet of a file was read (:attr:`wdmonitor.SubmissionReport.layout`)."""

    sheets: tuple[SheetLayout, ...]

    def summary(self, lang: str = "zh") -> str:
        return "\n".join(s.summary(lang) for s in self.sheets)

    def to_frame(self) -> pd.DataFrame:
        """One row per sheet, with its status, header rows, context, data and skipped rows."""
        return pd.DataFrame([
            {"file": s.file, "sheet": s.sheet, "status": s.status, "kind": s.kind,
             "header_rows": ",".join(map(str, s.header_rows)),
             "context": "; ".join(f"{c.field}={c.value} ({c.cell}: {c.text})" for c in s.context),
             "data_rows": len(s.data_rows), "skipped": "; ".join(f"{k.row}: {k.reason}" for k in s.skipped)}
            for s in self.sheets])

    def __add__(self, other: Layout) -> Layout:
        return Layout(self.sheets + other.sheets)

    def __deepcopy__(self, memo: dict[int, Any]) -> Layout:
        # immutable: pandas deep-copies a frame's attrs on every operation, and a layout
        # holding every cell's place would make each copy cost as much as the read itself
        return self


# -- cells ----------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_text(value)


def _ref(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"


@dataclass
class _Header:
    """What one header cell says."""

    role: str | None = None  # a key column's role (region, indicator, year, sex, unit, serial …)
    year: int | None = None
    sex: str | None = None
    area: str | None = None
    indicator: str | None = None
    indicator_text: str | None = None
    unit: str | None = None
    numbering: bool = False
    value: bool = False
    unknown: str | None = None

    @property
    def recognised(self) -> bool:
        return self.unknown is None


def _classify(text: str, names: Names) -> _Header:
    """What a header cell's text means."""
    key = header_key(text)
    if key in SERIAL_HEADERS:
        return _Header(role="serial")
    if key in CODE_HEADERS:
        return _Header(role="region_code")
    if key in ("地区名称", "单位名称", "名称", "region_name"):
        return _Header(role="region_name")
    canonical = HEADER_ALIASES.get(key) or canonical_header(text)
    if canonical == "region_name":
        return _Header(role="region_name")
    if canonical == "name_zh":
        return _Header(role="name_zh")
    if isinstance(canonical, str) and canonical in _ROLES:
        if canonical == col.REGION and ("代码" in key or "code" in key):
            return _Header(role="region_code")
        return _Header(value=True) if canonical == col.VALUE else _Header(role=canonical)
    if key in _COLUMN_NUMBERS or re.fullmatch(r"\d{1,2}", key):
        return _Header(numbering=True)
    match = _YEAR.match(key)
    if match:
        sex = sex_word(match.group(2)) if match.group(2) else None
        return _Header(year=int(match.group(1)), sex=sex)
    sex = sex_word(key)
    if sex:
        return _Header(sex=sex)
    if key in AREAS and AREAS[key] != "total":
        return _Header(area=AREAS[key])
    indicator, unit = names.indicator(text)
    if indicator:
        return _Header(indicator=indicator, indicator_text=text, unit=unit)
    bare, unit = split_unit(text)
    if unit and bare == "":
        return _Header(unit=unit)
    canonical = HEADER_ALIASES.get(header_key(bare)) if unit else None
    if canonical == col.VALUE:
        return _Header(value=True, unit=unit)
    return _Header(unknown=text)


def _is_header_row(cells: list[tuple[int, str]], names: Names) -> bool:
    if len(cells) < 2:
        return False
    if any(re.fullmatch(r"[+-]?\d+(?:\.\d+)?", t) and not re.fullmatch(r"\d{4}|\d{1,2}", t) for _, t in cells):
        return False  # a header names columns: a value such as 9.8 or a code such as 211400 is data
    if any(_LABELLED.match(t) for _, t in cells):
        return False  # 填报单位：…, 年份：, 单位：% are context above the table
    kinds = [_classify(text, names) for _, text in cells]
    recognised = [k for k in kinds if k.recognised and not k.numbering]
    keys = [k for k in recognised if k.role or k.year or k.value or k.indicator]
    return len(recognised) >= 2 and len(recognised) >= 0.5 * len(cells) and len(keys) >= 1


# -- the table --------------------------------------------------------------------------------


def _filled(grid: Grid) -> tuple[np.ndarray, dict[tuple[int, int], tuple[int, int]]]:
    """Values with merged ranges filled from their top-left cell, and which cells were filled."""
    values = grid.values.copy()
    filled: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in grid.merged:
        if r0 >= values.shape[0] or c0 >= values.shape[1]:
            continue
        r1, c1 = min(r1, values.shape[0] - 1), min(c1, values.shape[1] - 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    values[r, c] = grid.values[r0, c0]
                    filled[(r, c)] = (r0, c0)
    return values, filled


def _row_cells(values: np.ndarray, r: int) -> list[tuple[int, str]]:
    return [(c, _cell_text(v)) for c, v in enumerate(values[r]) if v is not None and _cell_text(v) != ""]


def _find_header(values: np.ndarray, names: Names) -> int | None:
    for r in range(min(HEADER_SEARCH_ROWS, values.shape[0])):
        if _is_header_row(_row_cells(values, r), names):
            return r
    return None


def _is_numbering_row(cells: list[tuple[int, str]]) -> bool:
    texts = [t for _, t in cells]
    if not texts:
        return False
    if all(t in _COLUMN_NUMBERS for t in texts):
        return True
    digits = [t for t in texts if t not in _COLUMN_NUMBERS]
    return (len(digits) >= 2 and all(re.fullmatch(r"\d{1,2}", t) for t in digits)
            and [int(t) for t in digits] == list(range(int(digits[0]), int(digits[0]) + len(digits))))


def _context_of(text: str, names: Names) -> list[tuple[str, str]]:
    """``[(field, value)]`` found in a text above the table (or a sheet name)."""
    found: list[tuple[str, str]] = []
    plain = re.sub(r"\s+", "", normalise_text(text))
    match = re.match(r"^([^：:]{1,12})[：:](.*)$", plain)
    label, rest = (match.group(1), match.group(2)) if match else ("", plain)
    if label.startswith(_UNIT_LABELS) and not label.startswith("单位名称"):
        if rest:
            found.append(("unit", split_unit(f"({rest})")[1] or rest))
        return found
    if label.startswith(_YEAR_LABELS):
        match = re.search(r"(\d{4})", rest)
        if match:
            found.append(("year", match.group(1)))
        return found
    if label.startswith(_REGION_LABELS):
        direct = names.region(rest)
        codes = names.regions_in(rest) or ([direct] if direct else [])
        if codes:
            found.append(("region", codes[0]))
        if rest:
            found.append(("source", rest))
        return found
    if label.startswith(_FORM_LABELS):
        return found
    years = {m for m in _YEAR_IN_TEXT.findall(_YEAR_RANGE.sub("", plain))}
    if len(years) == 1:
        found.append(("year", years.pop()))
    codes = names.regions_in(plain)
    if len(codes) == 1:
        found.append(("region", codes[0]))
    return found


@dataclass
class _Column:
    index: int
    header: str
    role: str | None = None  # key role, or "value", or "not_read", "serial", "numbering"
    year: int | None = None
    sex: str | None = None
    area: str | None = None
    indicator: str | None = None
    indicator_text: str | None = None
    unit: str | None = None


def _columns(values: np.ndarray, header_rows: list[int], names: Names) -> list[_Column]:
    """Each column's meaning, from the header cells above it (merged cells already filled)."""
    columns = []
    for c in range(values.shape[1]):
        texts = [_cell_text(values[r, c]) for r in header_rows]
        texts = [t for i, t in enumerate(texts) if t and (i == 0 or t != texts[i - 1])]
        column = _Column(c, " / ".join(texts))
        roles = []
        for text in texts:
            token = _classify(text, names)
            if token.role:
                roles.append(token.role)
            column.year = token.year or column.year
            column.sex = token.sex or column.sex
            column.area = token.area or column.area
            if token.indicator:
                column.indicator, column.indicator_text = token.indicator, token.indicator_text
            column.unit = token.unit or column.unit
            if token.value:
                roles.append("value")
            if token.unknown and column.indicator_text is None:
                column.indicator_text = token.unknown
        attributes = column.year or column.sex or column.area or column.indicator
        if attributes or "value" in roles:
            column.role = "value"
        elif roles:
            column.role = roles[-1]
        elif texts and all(_classify(t, names).numbering for t in texts):
            column.role = "numbering"
        elif texts:
            column.role = "unknown"
        else:
            column.role = "unnamed"  # no header at all: its cells, if any, are listed as not read
        columns.append(column)
    return columns


def _label_columns(columns: list[_Column]) -> list[int]:
    return [c.index for c in columns if c.role in (col.REGION, col.INDICATOR, "region_code", "region_name")]


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, np.number)):
        return True
    return bool(re.fullmatch(r"[+-]?[\d,]+(?:\.\d+)?\s*[%‰]?", _cell_text(value)))


def read_table(grid: Grid, names: Names, file: str) -> tuple[pd.DataFrame, SheetLayout]:
    """Observations of one sheet (canonical columns, not yet cleaned) and how it was read.

    Raises
    ------
    SubmissionError
        When no header row can be found: the message names the sheet and the row most like a
        header, and says which headers were expected.
    """
    values, filled = _filled(grid)
    mask = np.array([[v is not None and _cell_text(v) != "" for v in row] for row in grid.values], dtype=bool)
    present = {(int(r), int(c)) for r, c in zip(*np.nonzero(mask.reshape(grid.values.shape)), strict=True)}
    places: dict[str, str] = {_ref(r, c): "" for r, c in present}
    header = _find_header(values, names)
    if header is None:
        raise _no_header(grid, values, file)
    header_rows = [header]
    first_columns = _columns(values, header_rows, names)
    grouped = {c for r0, c0, r1, c1 in grid.merged if r0 <= header <= r1 and c1 > c0 for c in range(c0, c1 + 1)}
    key_columns = {c.index for c in first_columns if c.role not in (None, "value", "unknown", "numbering", "unnamed")
                   and c.index not in grouped}  # a header merged across columns groups those below it
    r = header + 1
    while r < values.shape[0] and len(header_rows) < 4:
        cells = _row_cells(values, r)
        if _is_numbering_row(cells):
            header_rows.append(r)
            r += 1
            continue
        own = [(c, t) for c, t in cells if (r, c) not in filled]
        if cells and all(c not in key_columns or (r, c) in filled for c, _ in cells) and own and all(
                _classify(t, names).recognised and not _classify(t, names).role for _, t in own):
            header_rows.append(r)
            r += 1
            continue
        break
    data_start = r
    numbering_rows = [h for h in header_rows if _is_numbering_row(_row_cells(values, h))]
    true_header = [h for h in header_rows if h not in numbering_rows]
    columns = _columns(values, true_header, names)
    for column in columns:
        if column.role == "unnamed":
            column.role = "not_read"
            column.header = "(no header)"
        if column.role == "unknown":  # a column no header word explains: read only if it holds numbers
            body = [values[x, column.index] for x in range(data_start, values.shape[0]) if values[x, column.index] is not None]
            column.role = "value" if body and sum(map(_numeric, body)) >= 0.5 * len(body) else "not_read"
    value_columns = [c for c in columns if c.role == "value"]
    if not value_columns:
        raise _no_header(grid, values, file, header)
    skipped: list[SkippedRow] = []
    context: list[ContextCell] = []
    for row in range(header):  # everything above the table
        cells = _row_cells(values, row)
        row_context = []
        for i, (c, text) in enumerate(cells):
            if (row, c) in filled:
                continue
            if i and cells[i - 1][1].endswith((":", "：")):  # the value of the label before it, read with it
                places[_ref(row, c)] = "context"
                continue
            following = [t for cc, t in cells if cc > c][:1]
            whole = text + (following[0] if text.endswith((":", "：")) and following else "")
            for name, value in _context_of(whole, names):
                row_context.append(ContextCell(name, value, _ref(row, c), text))
            places[_ref(row, c)] = "context"
        if row_context:
            context.extend(row_context)
            reason = "context"
        elif any(header_key(t).startswith(_FORM_LABELS) for _, t in cells):
            reason = "form"
        elif len(cells) == 1 and (row_context or _YEAR_IN_TEXT.search(cells[0][1]) or "表" in cells[0][1]):
            reason = "title"
        else:
            reason = "text_above"
        if cells:
            skipped.append(SkippedRow(row + 1, reason, " | ".join(t for _, t in cells)[:200]))
            for c, _ in cells:
                places[_ref(row, c)] = "context" if reason == "context" else f"skipped:{reason}"
    for found_name, value in _context_of(grid.sheet, names) if grid.sheet else []:
        if found_name in ("region", "year") and not any(cc.field == found_name for cc in context):
            context.append(ContextCell(found_name, value, "sheet name", grid.sheet))
    for h in header_rows:
        for c, _ in _row_cells(grid.values, h):
            places[_ref(h, c)] = "header"
    for column in columns:
        if column.role in ("not_read", "serial", "numbering"):
            for x in range(data_start, values.shape[0]):
                if (x, column.index) in present:
                    places[_ref(x, column.index)] = "column_not_read" if column.role == "not_read" else "header"
    return _body(grid, values, filled, present, places, columns, header_rows, data_start, context, skipped, names, file)


def _no_header(grid: Grid, values: np.ndarray, file: str, row: int | None = None) -> SubmissionError:
    sheet = f", sheet {grid.sheet!r}" if grid.sheet else ""
    sheet_zh = f"工作表“{grid.sheet}”" if grid.sheet else ""
    if row is None:
        candidates = [(len(_row_cells(values, r)), r) for r in range(min(HEADER_SEARCH_ROWS, values.shape[0]))]
        row = max(candidates)[1] if candidates else 0
    seen = " | ".join(t for _, t in _row_cells(values, row))[:200] if values.shape[0] else ""
    return SubmissionError(
        f"{file}{sheet}: the table's header row could not be found; row {row + 1}, the likeliest, reads {seen!r}; expected a row "
        f"naming the columns, such as 地区 | 年份 | 指标 | 性别 | 数值, or 指标名称 | 计量单位 | 2024年, or 地区 | 孕产妇死亡率 | …, "
        f"with indicator names of the plan / {file}{sheet_zh}：未找到表头行。最像表头的第{row + 1}行为“{seen}”；表头应列明各列含义，"
        f"如“地区、年份、指标、性别、数值”，或“指标名称、计量单位、2024年”，或“地区、孕产妇死亡率……”（指标名称须为规划中的指标）")


def _body(grid: Grid, values: np.ndarray, filled: dict[tuple[int, int], tuple[int, int]], present: set[tuple[int, int]],
          places: dict[str, str], columns: list[_Column], header_rows: list[int], data_start: int,
          context: list[ContextCell], skipped: list[SkippedRow], names: Names, file: str) -> tuple[pd.DataFrame, SheetLayout]:
    """Classify the rows below the header and turn the data rows' value cells into observations."""
    labels = _label_columns(columns)
    value_columns = [c for c in columns if c.role == "value"]
    read_columns = {c.index for c in columns if c.role not in ("not_read", "serial", "numbering")}
    header_width = grid.row_widths[header_rows[0]] if grid.row_widths else None
    key_roles = {c.role: c.index for c in columns if c.role not in (None, "value", "not_read", "unknown", "serial", "numbering")}
    data_rows: list[int] = []
    row_sex: dict[int, str] = {}
    row_area: dict[int, str] = {}
    row_indicator: dict[int, str] = {}
    problems: list[tuple[int, str, str, str]] = []
    in_notes = False
    last_data: int | None = None
    block: list[int] = []
    for r in range(data_start, values.shape[0]):
        cells = [(c, t) for c, t in _row_cells(values, r)]
        own = [(c, t) for c, t in cells if (r, c) in present]
        if not own:
            continue
        first = own[0][1]
        label_text = next((_cell_text(values[r, c]) for c in labels if values[r, c] is not None), first)
        value_cells = [values[r, c.index] for c in value_columns if values[r, c.index] is not None]
        reason = None
        if _SIGNATURE.match(first) or _NOTE.match(first) or (in_notes and not any(_numeric(v) for v in value_cells)):
            reason = "signature" if _SIGNATURE.match(first) else "note"
            in_notes = True
        elif _is_numbering_row(cells):
            reason = "column_numbers"
        elif header_key(label_text) in _TOTAL_LABELS:
            reason = "total"
            problems.extend(_check_total(values, r, block, value_columns, names, grid, file))
            block = []
        elif not any(_numeric(v) or isinstance(v, ExcelError) for v in value_cells) and (
                _SECTION.match(label_text) or any(w in label_text for w in _AREA_WORDS)) and not names.indicator(label_text)[0]:
            reason = "section"
            block = []
        if reason:
            skipped.append(SkippedRow(r + 1, reason, " | ".join(t for _, t in own)[:200]))
            for c, _ in own:
                places[_ref(r, c)] = f"skipped:{reason}"
            continue
        sub = re.match(r"^其中\s*[：:]?\s*(.+)$", header_key(label_text))
        if sub and last_data is not None:
            sex = sex_word(sub.group(1))
            area = AREAS.get(sub.group(1))
            if sex or area:
                parent_indicator = row_indicator.get(last_data, _cell_text(values[last_data, key_roles[col.INDICATOR]])
                                                     if col.INDICATOR in key_roles else None)
                if parent_indicator:
                    row_indicator[r] = parent_indicator
                if sex:
                    row_sex[r] = sex
                    row_sex.setdefault(last_data, "total")
                if area:
                    row_area[r] = area
                    row_area.setdefault(last_data, "total")
        else:
            last_data = r
        if header_width is not None and any(c >= header_width for c, _ in own):  # a text file's row longer than its header
            raise SubmissionError(
                f"{file}, row {r + 1}: the row has more cells ({max(c for c, _ in own) + 1}) than the header has columns "
                f"({header_width}); expected one cell per column (a comma inside a number such as 1,234 must be quoted) / "
                f"第{r + 1}行的单元格数多于表头列数（数字中的逗号须加引号）")
        data_rows.append(r)
        block.append(r)
        for c, _ in own:
            if c in read_columns:
                places[_ref(r, c)] = "data"
    frame, not_applicable = _observations(grid, values, data_rows, columns, value_columns, key_roles, row_sex, row_area,
                                          row_indicator, context, names)
    for r, c in not_applicable:
        if (r, c) in present:
            places[_ref(r, c)] = "not_applicable"
    kind = _kind(columns, value_columns)
    _require(frame, grid, file, header_rows, values)
    layout = SheetLayout(file=file, sheet=grid.sheet, status="read", kind=kind,
                         header_rows=tuple(h + 1 for h in header_rows),
                         columns=tuple((column_letter(c.index), c.header, c.role or "") for c in columns if c.header or c.role),
                         context=tuple(context), data_rows=tuple(r + 1 for r in data_rows),
                         skipped=tuple(sorted(skipped, key=lambda s: s.row)), problems=tuple(problems), places=places)
    return frame, layout


_NEEDED = {
    col.REGION: ("a region: a 地区 column, a 填报单位： line above the table, a title naming the region, or a sheet named after it",
                 "地区：应有“地区”列、表上方的“填报单位：”、含地区名称的标题，或以地区命名的工作表"),
    col.YEAR: ("a year: a 年份 column, year columns such as 2024年, a 年份： cell or a title such as 2024年…统计表",
               "年份：应有“年份”列、“2024年”等年份列、表上方的“年份：”，或含年份的标题"),
    col.INDICATOR: ("an indicator: a 指标名称 column, or indicator names of the plan as column headers",
                    "指标：应有“指标名称”列，或以规划中的指标名称作列名"),
}


def _require(frame: pd.DataFrame, grid: Grid, file: str, header_rows: list[int], values: np.ndarray) -> None:
    """Refuse, once for the sheet, a table that says nowhere which region, year or indicator it is about."""
    have = set(frame.columns) | ({col.REGION} if "region_code" in frame.columns else set())
    missing = [name for name in _NEEDED if name not in have]
    if not missing or not len(frame):
        return
    header = " | ".join(t for _, t in _row_cells(values, header_rows[0]))[:200]
    sheet = f", sheet {grid.sheet!r}" if grid.sheet else ""
    sheet_zh = f"工作表“{grid.sheet}”" if grid.sheet else ""
    raise SubmissionError(
        f"{file}{sheet}: the table (header in row {header_rows[0] + 1}: {header!r}) does not say " + "; nor ".join(_NEEDED[m][0] for m in missing)
        + f" / {file}{sheet_zh}：表格（表头在第{header_rows[0] + 1}行：“{header}”）缺少" + "；".join(_NEEDED[m][1] for m in missing))


def _kind(columns: list[_Column], value_columns: list[_Column]) -> str:
    roles = {c.role for c in columns}
    if any(c.indicator for c in value_columns):
        return "regions_as_rows"
    if col.INDICATOR in roles and any(c.year or c.sex or c.area for c in value_columns):
        return "indicators_as_rows"
    if any(c.year or c.sex for c in value_columns):
        return "wide"
    return "long"


def _check_total(values: np.ndarray, r: int, block: list[int], value_columns: list[_Column], names: Names,
                 grid: Grid, file: str) -> list[tuple[int, str, str, str]]:
    """A 合计 row checked against the data rows above it: counts summed, rates bracketed."""
    problems = []
    for column in value_columns:
        total = _as_number(values[r, column.index])
        parts = [p for p in (_as_number(values[x, column.index]) for x in block) if p is not None]
        if total is None or not parts:
            continue
        unit = names.units.get(column.indicator or "", "")
        count = unit in ("person", "institution", "bed", "case", "ten_thousand_persons")
        ok = abs(sum(parts) - total) <= 0.5 if count else min(parts) - 1e-9 <= total <= max(parts) + 1e-9
        if not ok:
            expected = f"{sum(parts):g}" if count else f"{min(parts):g}–{max(parts):g}"
            where = f"{file}, sheet {grid.sheet!r}, row {r + 1}, column {column_letter(column.index)}"
            where_zh = f"{file}，工作表“{grid.sheet}”，第{r + 1}行，{column_letter(column.index)}列"
            problems.append((r + 1, _ref(r, column.index),
                             f"{where}: the 合计 row gives {total:g}, but the rows it totals give {expected}; the row was left out, "
                             f"please check the figures",
                             f"{where_zh}：合计行为{total:g}，与其上各行（{expected}）不符；该行未读取，请核对"))
    return problems


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, np.number)):
        return float(value)
    try:
        return float(_cell_text(value).replace(",", ""))
    except ValueError:
        return None


def _observations(grid: Grid, values: np.ndarray, data_rows: list[int], columns: list[_Column], value_columns: list[_Column],
                  key_roles: dict[str, int], row_sex: dict[int, str], row_area: dict[int, str], row_indicator: dict[int, str],
                  context: list[ContextCell], names: Names) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """One observation per value cell of every data row (a column loop, vectorised over rows)."""
    rows = np.asarray(data_rows, dtype=int)
    fixed = {cell.field: cell.value for cell in reversed(context)}  # the first context cell of a field wins
    blocks = []
    not_applicable: list[tuple[int, int]] = []
    for column in value_columns:
        block: dict[str, Any] = {}
        for role, index in key_roles.items():
            block["region_code" if role == "region_code" else role] = values[rows, index]
        if column.indicator:
            block[col.INDICATOR] = np.full(len(rows), column.indicator, dtype=object)
        elif col.INDICATOR in block:
            block[col.INDICATOR] = np.array([row_indicator.get(r, v) for r, v in zip(rows, block[col.INDICATOR], strict=True)], dtype=object)
        elif column.indicator_text:
            block[col.INDICATOR] = np.full(len(rows), column.indicator_text, dtype=object)
        if column.year:
            block[col.YEAR] = np.full(len(rows), column.year, dtype=object)
        if column.sex:
            block[col.SEX] = np.full(len(rows), column.sex, dtype=object)
        elif row_sex:
            current = block.get(col.SEX, np.full(len(rows), None, dtype=object))
            block[col.SEX] = np.array([row_sex.get(r, v) for r, v in zip(rows, current, strict=True)], dtype=object)
        if column.area:
            block[col.AREA_TYPE] = np.full(len(rows), column.area, dtype=object)
        elif row_area:
            current = block.get(col.AREA_TYPE, np.full(len(rows), None, dtype=object))
            block[col.AREA_TYPE] = np.array([row_area.get(r, v) for r, v in zip(rows, current, strict=True)], dtype=object)
        cells = values[rows, column.index]
        formats = grid.formats[rows, column.index] if grid.formats is not None else np.full(len(rows), None, dtype=object)
        block[col.VALUE], percent = _cell_values(cells, formats)
        unit = block.get(col.UNIT, np.full(len(rows), None, dtype=object))
        unit = np.where(pd.isna(unit) | (unit == ""), column.unit or fixed.get("unit"), unit) if (column.unit or "unit" in fixed) else unit
        if percent.any():
            unit = np.where(percent, "%", unit)
        block[col.UNIT] = unit
        block[col.SOURCE_ROW] = rows + 1
        block["source_column"] = np.full(len(rows), f"{column_letter(column.index)}", dtype=object)
        block["_cell_column"] = np.full(len(rows), column.index)
        blocks.append(pd.DataFrame(block))
    frame = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame({col.SOURCE_ROW: []})
    for name in (col.REGION, col.YEAR):
        if name in fixed and (name not in frame.columns or frame[name].isna().all()):
            frame[name] = fixed[name]
        elif name in fixed:
            frame[name] = frame[name].where(frame[name].notna(), fixed[name])
    if "source" in fixed and col.SOURCE not in frame.columns:
        frame[col.SOURCE] = fixed["source"]
    frame, not_applicable = _implied_sex(frame, names)
    frame = frame.sort_values([col.SOURCE_ROW, "_cell_column"], kind="stable").drop(columns="_cell_column").reset_index(drop=True)
    return frame, not_applicable


def _implied_sex(frame: pd.DataFrame, names: Names) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """Sex where the layout implies it: women-only indicators are female; male and total cells of
    a women-only indicator left blank or "—" are not applicable (not errors, not "no data")."""
    if col.INDICATOR not in frame.columns or not len(frame):
        return frame, []
    resolved = frame[col.INDICATOR].map(lambda v: names.indicator(v)[0] if isinstance(v, str) else None)
    scope = resolved.map(lambda i: names.scopes.get(i) if i else None)
    women_only = scope.isin(["female", "female_share"])
    if col.SEX not in frame.columns:
        frame[col.SEX] = _implied(women_only, scope)
        frame[col.SEX] = frame[col.SEX].where(frame[col.SEX].notna(), "total")
        return frame, []
    sexes = frame[col.SEX].map(lambda s: sex_word(s) or s if isinstance(s, str) else s)
    implied = _implied(women_only, scope)
    frame[col.SEX] = sexes.where(sexes.notna(), implied)  # a blank sex cell only where the indicator allows one sex
    empty = frame[col.VALUE].map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                                 or (isinstance(v, str) and v.strip().lower() in col.MISSING_SPELLINGS))
    dropped = women_only & frame[col.SEX].isin(["male", "total"]) & empty
    if dropped.any():
        has_female = frame.loc[women_only & (frame[col.SEX] == "female")]
        keys = set(zip(has_female[col.SOURCE_ROW], has_female[col.INDICATOR], strict=True))
        dropped &= pd.Series([(r, i) in keys for r, i in zip(frame[col.SOURCE_ROW], frame[col.INDICATOR], strict=True)], index=frame.index)
    cells = list(zip(frame.loc[dropped, col.SOURCE_ROW] - 1, frame.loc[dropped, "_cell_column"], strict=True))
    return frame[~dropped], cells


def _implied(women_only: pd.Series, scope: pd.Series) -> pd.Series:
    """The one sex an indicator allows (女 for women-only, 合计 for neutral ones), else None."""
    implied = pd.Series(None, index=scope.index, dtype=object)
    implied[scope == "neutral"] = "total"
    implied[women_only] = "female"
    return implied


def _cell_values(cells: np.ndarray, formats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values as Excel shows them: a percent-formatted fraction as its percentage, dates kept as dates."""
    out = cells.copy()
    percent = np.zeros(len(cells), dtype=bool)
    for i, (value, number_format) in enumerate(zip(cells, formats, strict=True)):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(number_format, str) \
                and _PERCENT_FORMAT.search(number_format):
            out[i] = round(float(value) * 100, 10)
            percent[i] = True
        elif isinstance(value, datetime | date):
            out[i] = value
    return out, percent
