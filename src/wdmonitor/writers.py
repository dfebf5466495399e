"""The one Excel writer and the one cell neutraliser of wdmonitor.

Every workbook the library writes — report tables (evaluation, 年度监测, 预警), the
feedback report sent back to a department and the blank submission templates — goes
through :func:`write_excel`, and every text cell through :func:`neutralise`:

* text a spreadsheet would read as a formula (starting with ``= + - @``) gets a leading
  apostrophe, so a submitted value never becomes a formula;
* control characters a worksheet refuses are shown as ``\\x07`` escapes;
* text longer than Excel's 32,767 characters per cell is cut, with its length noted.

A :class:`Sheet` carries what makes a table report-ready: number formats (per column or
per row, from each indicator's reporting precision), conditional colours (by status or
severity), filters, frozen panes, and the print set-up (landscape, fit to width, header
row repeated on every page).

Examples
--------
>>> import pandas as pd
>>> neutralise(pd.DataFrame({"a": ["=1+1", "-2", "ok"], "b": [1.5, 2.0, 3.0]}))["a"].tolist()
["'=1+1", "'-2", 'ok']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["EXCEL_CELL_CHARACTERS", "Sheet", "neutralise", "neutralise_value", "write_csv", "write_excel"]

#: Excel's limit on the characters in a cell.
EXCEL_CELL_CHARACTERS = 32_767
#: Text a spreadsheet may take for a formula: these signs, and a leading tab or carriage return
#: (some spreadsheets strip them on import and then read the sign behind them).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_value(value: object) -> object:
    """One cell made safe for a worksheet: no formula, no control character, within the cell limit.

    Non-text values are returned as they are.

    Examples
    --------
    >>> neutralise_value("@SUM(A1)"), neutralise_value("a\\x07b"), neutralise_value(3)
    ("'@SUM(A1)", 'a\\\\x07b', 3)
    """
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text: str = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate as its escape
    if text[:1] in _FORMULA_STARTS:
        text = "'" + text
    if len(text) > EXCEL_CELL_CHARACTERS:
        note = f"… ({len(text)} characters)"
        text = text[: EXCEL_CELL_CHARACTERS - len(note)] + note
    return text


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`neutralise_value`.

    Only object and string columns are visited; numbers, dates and booleans are untouched.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # what neutralise_value would change: a formula's first sign, a control character, a lone surrogate
    unsafe = re.compile("^[" + re.escape("".join(_FORMULA_STARTS)) + "]|" + ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff]")
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            values = series.to_numpy(dtype=object)
            codes, uniques = pd.factorize(values)  # each distinct text looked at once
            fixed = np.array([neutralise_value(v) if isinstance(v, str) and (len(v) > EXCEL_CELL_CHARACTERS or unsafe.search(v))
                              else v for v in uniques] + [None], dtype=object)
            out[column] = pd.Series(np.where(codes >= 0, fixed[codes], values), index=out.index, dtype=object)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """UTF-8 CSV with a BOM (Excel opens it as UTF-8), neutralised, byte for byte reproducible."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n", float_format="%.10g")
    return path


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Sheet:
    """A worksheet as a report prints it.

    Parameters
    ----------
    frame : DataFrame
        The table, with the headers the reader sees.
    formats : mapping of column to str or sequence of str
        Excel number formats (``0.0``, ``0.0%``): one for the column, or one per row (the
        value column of a table mixing indicators of different precision).
    fills : mapping of column to mapping of text to colour
        Conditional colours: a cell of the column whose text is a key is filled with the
        colour (``RRGGBB``), as a conditional-format rule, so edits keep their colour.
    wrap : sequence of str
        Columns whose text wraps (a plan's clause), with a fixed width.
    widths : mapping of column to float
        Column widths that override the ones worked out from the text.
    title : str, optional
        A title written above the table (the header then sits in row 2).
    freeze : bool
        Freeze the header row and the first ``freeze_columns`` columns.
    freeze_columns : int
    filters : bool
        An auto-filter on the header row.
    landscape : bool
        Print landscape, fit to one page wide, header row repeated on every page.
    """

    frame: pd.DataFrame
    formats: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    fills: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    wrap: Sequence[str] = ()
    widths: Mapping[str, float] = field(default_factory=dict)
    title: str | None = None
    freeze: bool = True
    freeze_columns: int = 0
    filters: bool = True
    landscape: bool = True


def _width(header: str, values: pd.Series) -> float:
    """Column width from the longest text, a CJK character counting as two."""
    def length(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    sample = [length(str(v)) for v in values.head(200) if v is not None and bool(pd.notna(v))]
    return float(min(max(8, length(str(header)) + 2, *(s + 2 for s in sample)), 60))


def _write_sheet(book: Any, name: str, sheet: Sheet) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = neutralise(sheet.frame)
    ws = book.create_sheet(title=name)
    top = 1
    if sheet.title:
        ws.cell(row=1, column=1, value=neutralise_value(sheet.title)).font = Font(bold=True, size=13)
        top = 2
    columns = list(frame.columns)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", start_color="DDE5F0", end_color="DDE5F0")
    for position, column in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=position, value=str(column))
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    n = len(frame)
    for position, column in enumerate(columns, start=1):
        values = frame[column].tolist()
        number_format = sheet.formats.get(column)
        per_row = number_format is not None and not isinstance(number_format, str)
        wrap = column in sheet.wrap
        for offset, value in enumerate(values):
            if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
                continue
            if hasattr(value, "item"):  # numpy scalars
                value = value.item()
            cell = ws.cell(row=top + 1 + offset, column=position, value=value)
            if number_format is not None and isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = number_format[offset] if per_row else number_format
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(position)
        width = sheet.widths.get(column) or (40.0 if wrap else _width(str(column), frame[column]))
        ws.column_dimensions[letter].width = width
        colours = sheet.fills.get(column)
        if colours and n:
            target = f"{letter}{top + 1}:{letter}{top + n}"
            for text, colour in colours.items():
                fill = PatternFill("solid", start_color=colour, end_color=colour, bgColor=colour)
                ws.conditional_formatting.add(target, CellIsRule(operator="equal", formula=[f'"{text}"'], fill=fill))
    last = get_column_letter(max(len(columns), 1))
    if sheet.filters and columns:
        ws.auto_filter.ref = f"A{top}:{last}{top + max(n, 1)}"
    if sheet.freeze:
        ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{top + 1}"
    if sheet.landscape:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{top}:{top}"


def _sheet_name(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``, unique."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, k = clean, 2
    while candidate.lower() in taken:
        suffix = f" ({k})"
        candidate, k = clean[: 31 - len(suffix)] + suffix, k + 1
    taken.add(candidate.lower())
    return candidate


def write_excel(path: str | Path, sheets: Mapping[str, Sheet | pd.DataFrame]) -> Path:
    """Write ``sheets`` (name → :class:`Sheet` or DataFrame) as one .xlsx workbook.

    A DataFrame is written as a plain :class:`Sheet` (bold header, filters, frozen header,
    widths). Every text cell is neutralised.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from openpyxl import load_workbook
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> table = Sheet(frame=pd.DataFrame({"达标率": [0.6667]}), formats={"达标率": "0.0%"})
    >>> book = load_workbook(write_excel(folder / "r.xlsx", {"汇总": table}))
    >>> book["汇总"]["A2"].value, book["汇总"]["A2"].number_format
    (0.6667, '0.0%')
    """
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, sheet in sheets.items():
        _write_sheet(book, _sheet_name(name, taken), sheet if isinstance(sheet, Sheet) else Sheet(frame=sheet, landscape=False))
    if not sheets:
        book.create_sheet("Sheet")
    book.properties.creator = "wdmonitor"
    book.save(path)
    return path
