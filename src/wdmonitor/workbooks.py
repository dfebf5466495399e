"""Opening a department's file as grids of cells, one per sheet, as the sender sees them.

A :class:`Grid` holds every cell of a sheet as Excel holds it: the saved result of a
formula (never the formula), a number with its number format (so a fraction shown as
``27.4%`` can be read as the percentage shown), Excel's error values (``#DIV/0!``) kept as
:class:`ExcelError`, dates as dates, and the merged ranges. :mod:`wdmonitor.layout` then
finds the table in it.

Engines, measured on a 2,000-row department workbook (10,005 cells, 2 cores): for
.xlsx/.xlsm python-calamine reads the values in 0.04 s where openpyxl takes 0.8 s (full
mode) or 0.4 s (read-only); calamine gives neither number formats nor Excel's error values
(an error cell reads as blank), so one regular-expression pass over the sheet XML adds the
percent-formatted numbers, the error cells, the merged ranges and the sheet's real extent
(checked against the limits before calamine allocates anything): 0.5 s for the whole read.
For the old .xls format xlrd, which exposes number formats through ``formatting_info``
(calamine would read a percent-formatted 0.274 as 0.274); the standard csv module for text
files whose table does not start on the first line.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np

from . import limits
from .errors import SubmissionError

__all__ = ["ExcelError", "Grid", "open_grids"]

#: Excel's error values, as a worksheet shows them.
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"})
#: Largest sheet read, in rows and columns (a few-KB workbook may declare a cell at row 10⁸).
MAX_SHEET_ROWS = limits.MAX_SHEET_ROWS
MAX_SHEET_COLUMNS = limits.MAX_SHEET_COLUMNS


class ExcelError(str):
    """An Excel error cell (``#DIV/0!``, ``#N/A`` …): a formula that could not be computed."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Grid:
    """One sheet's cells: ``values[r, c]`` is the cell at row ``r + 1``, column ``c + 1``.

    ``formats`` holds each cell's number format (``None`` when the engine gives none), and
    ``merged`` the merged ranges as 0-based inclusive ``(first_row, first_col, last_row,
    last_col)``.
    """

    values: np.ndarray
    formats: np.ndarray | None
    merged: tuple[tuple[int, int, int, int], ...]
    sheet: str
    hidden: bool = False
    row_widths: tuple[int, ...] | None = None  # cells per line of a text file, blank ones included


def _letters(column: int) -> str:
    """Excel's column letters for a 0-based column number (0 → A, 27 → AB)."""
    name = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


column_letter = _letters


def _too_large(path: Path, sheet: str, rows: int, columns: int) -> None:
    if rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS:
        raise SubmissionError(
            f"{path.name}, sheet {sheet!r}: the sheet spans {rows} rows and {columns} columns, more than the "
            f"{MAX_SHEET_ROWS} rows and {MAX_SHEET_COLUMNS} columns a submission sheet may have; delete the cells "
            f"far below or right of the table / 工作表“{sheet}”的范围为{rows}行{columns}列，超过上限"
            f"（{MAX_SHEET_ROWS}行、{MAX_SHEET_COLUMNS}列），请删除表格下方或右侧的多余单元格")


def _xlsx_grids(path: Path, raw: bytes) -> list[Grid]:
    """Sheets of an .xlsx: cell values through python-calamine (a Rust reader, ~30× openpyxl
    on a department workbook), and from the sheet XML what calamine does not give: which
    numbers carry a percent format, which cells are Excel errors, the merged ranges, and the
    sheet's real extent, checked before anything is allocated."""
    import python_calamine

    try:
        marks = _xlsx_marks(raw)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        grids = []
        for meta in book.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue
            mark = marks.get(meta.name, _Marks())
            _too_large(path, meta.name, mark.rows, mark.columns)
            sheet = book.get_sheet_by_name(meta.name)
            grids.append(_calamine_grid(sheet, mark, meta.name, hidden=str(meta.visible).rsplit(".", 1)[-1] != "Visible"))
        book.close()
    except SubmissionError:
        raise
    except (python_calamine.CalamineError, KeyError, ValueError, OSError, zipfile.BadZipFile, TypeError, IndexError,
            ElementTree.ParseError) as error:
        raise SubmissionError(f"{path.name}: cannot read the workbook ({type(error).__name__}: {str(error)[:200]}); "
                              f"expected an .xlsx file saved by Excel or WPS / 无法读取Excel工作簿，请用Excel或WPS另存为.xlsx后重新报送") from error
    return grids


def _calamine_grid(sheet: Any, mark: _Marks, name: str, hidden: bool) -> Grid:
    """The sheet's values within its real extent (a used range padded to row 1,048,576 is not read)."""
    start_row, start_column = sheet.start or (0, 0)
    height = max(mark.rows, max((r1 + 1 for _, _, r1, _ in mark.merged), default=0))
    width = max(mark.columns, max((c1 + 1 for _, _, _, c1 in mark.merged), default=0))
    values = np.full((height, width), None, dtype=object)
    formats = np.full((height, width), None, dtype=object)
    if sheet.height and height:
        for r, row in enumerate(sheet.iter_rows(), start=start_row):
            if r >= height:
                break
            for c, value in enumerate(row[: max(width - start_column, 0)], start=start_column):
                if value != "" and value is not None:
                    values[r, c] = value
    for (r, c) in mark.percent:
        if r < height and c < width and isinstance(values[r, c], (int, float)) and not isinstance(values[r, c], bool):
            formats[r, c] = "0%"
    for (r, c), text in mark.errors.items():
        values[r, c] = ExcelError(text)
    return Grid(values, formats, mark.merged, name, hidden=hidden)


@dataclass
class _Marks:
    """What one sheet's XML says beyond its values."""

    rows: int = 0
    columns: int = 0
    percent: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: tuple[tuple[int, int, int, int], ...] = ()


#: A cell with content (not self-closing): its column letters and row number.
_FILLED = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?<!/)>')
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*?)>(.*?)</(?:\w+:)?c>', re.S)
_ATTRIBUTE = re.compile(rb'\b(r|s|t)="([^"]*)"')
_REFERENCE = re.compile(rb"([A-Z]+)(\d+)")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)<")
_QUOTED = re.compile(r'"[^"]*"|\\.')


def _xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    """A small XML part parsed, refused when it declares a document type or entities (a workbook
    never needs them; an entity can expand a few bytes into gigabytes)."""
    data = archive.read(part)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError(f"{part} declares a document type or entities, which a workbook never does")
    return ElementTree.fromstring(data)


def _percent_styles(archive: zipfile.ZipFile, names: set[str]) -> set[bytes]:
    """Indexes (as bytes) of the cell styles whose number format shows a percentage."""
    if "xl/styles.xml" not in names:
        return set()
    styles = _xml(archive, "xl/styles.xml")
    custom = {f.get("numFmtId"): f.get("formatCode", "") for f in styles.iterfind("m:numFmts/m:numFmt", _NS)}
    percent_ids = {"9", "10"} | {i for i, code in custom.items() if "%" in _QUOTED.sub("", code)}
    return {str(i).encode() for i, xf in enumerate(styles.iterfind("m:cellXfs/m:xf", _NS)) if xf.get("numFmtId") in percent_ids}


def _xlsx_marks(raw: bytes) -> dict[str, _Marks]:
    """Per sheet: the extent of the cells that hold something, the percent-formatted numbers,
    the error cells and the merged ranges (regular expressions over the XML: no cell objects)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = set(archive.namelist())
        percent_styles = _percent_styles(archive, names)
        percent_cell = (re.compile(rb'<(?:\w+:)?c\b([^>]*?\bs="(?:' + b"|".join(sorted(percent_styles)) + rb')"[^>]*?)>')
                        if percent_styles else None)
        marks = {}
        for name, part in _sheet_parts(archive, names).items():
            xml = archive.read(part)
            if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
                raise ValueError(f"{part} declares a document type or entities, which a workbook never does")
            mark = _Marks(merged=tuple((int(r0) - 1, _column_number(c0), int(r1) - 1, _column_number(c1))
                                       for c0, r0, c1, r1 in _MERGE.findall(xml)))
            filled = _FILLED.findall(xml)
            if filled:
                mark.rows = max(int(row) for _, row in filled)
                mark.columns = max(_column_number(letters) for letters in {letters for letters, _ in filled}) + 1
            for attributes_text, body in _ERROR_CELL.findall(xml):
                reference = _REFERENCE.fullmatch(dict(_ATTRIBUTE.findall(attributes_text)).get(b"r", b""))
                if reference:
                    found = _VALUE.search(body)
                    key = (int(reference.group(2)) - 1, _column_number(reference.group(1)))
                    mark.errors[key] = found.group(1).decode() if found else "#VALUE!"
            for attributes_text in percent_cell.findall(xml) if percent_cell else []:
                attributes = dict(_ATTRIBUTE.findall(attributes_text))
                reference = _REFERENCE.fullmatch(attributes.get(b"r", b""))
                if reference and attributes.get(b"t", b"n") == b"n":
                    mark.percent.add((int(reference.group(2)) - 1, _column_number(reference.group(1))))
            marks[name] = mark
    return marks


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Sheet name → its XML part in the archive."""
    book = _xml(archive, "xl/workbook.xml")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else None
    targets = {rel.get("Id"): rel.get("Target", "") for rel in (rels if rels is not None else [])}
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id") or "", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part in names:
            parts[sheet.get("name", "")] = part
    return parts


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


def _xlrd_grids(path: Path, raw: bytes) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError, KeyError, struct.error) as error:
        raise SubmissionError(f"{path.name}: cannot read the .xls workbook ({type(error).__name__}: {str(error)[:200]}); "
                              f"expected an Excel 97–2003 file / 无法读取.xls工作簿（应为Excel 97-2003格式）") from error
    grids = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            _too_large(path, sheet.name, sheet.nrows, sheet.ncols)
            values = np.full((sheet.nrows, sheet.ncols), None, dtype=object)
            formats = np.full((sheet.nrows, sheet.ncols), None, dtype=object)
            for r in range(sheet.nrows):
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    kind = cell.ctype
                    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or cell.value == "":
                        continue
                    value: Any = cell.value
                    if kind == xlrd.XL_CELL_ERROR:
                        value = ExcelError(xlrd.error_text_from_code.get(value, "#VALUE!"))
                    elif kind == xlrd.XL_CELL_DATE:
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    elif kind == xlrd.XL_CELL_BOOLEAN:
                        value = bool(value)
                    values[r, c] = value
                    xf = book.xf_list[cell.xf_index]
                    formats[r, c] = book.format_map[xf.format_key].format_str
            merged = tuple((r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells)
            grids.append(Grid(values, formats, merged, sheet.name, hidden=bool(sheet.visibility)))
    finally:
        book.release_resources()
    return grids


def text_grid(text: str, name: str) -> Grid:
    """A CSV text as a grid of strings (ragged rows padded), for tables below a title block."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))  # a carriage return inside a quoted cell is text
    except csv.Error as error:
        raise SubmissionError(f"{name}: not a readable CSV file ({error}) / 无法解析CSV文件") from error
    width = max((len(r) for r in rows), default=0)
    _too_large(Path(name), "", len(rows), width)
    values = np.full((len(rows), width), None, dtype=object)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell.strip() != "":
                values[r, c] = cell
    return Grid(values, None, (), "", row_widths=tuple(len(r) for r in rows))


def open_grids(path: Path, raw: bytes) -> list[Grid]:
    """Every sheet of a workbook (its bytes ``raw``, read once) as a :class:`Grid`, hidden ones marked."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grids(path, raw)
    if suffix == ".xls":
        return _xlrd_grids(path, raw)
    raise SubmissionError(f"{path.name}: unsupported file type {suffix!r}; expected .csv, .xlsx or .xls / 不支持的文件类型")


def select_grids(grids: Sequence[Grid], sheet: str | int | Sequence[str | int] | None, path: Path) -> list[tuple[Grid, str]]:
    """The grids to read and, for the others, why not: ``[(grid, "" or reason)]``.

    With no ``sheet`` every visible sheet is read; a hidden sheet is read only when named.
    """
    names = [g.sheet for g in grids]
    if sheet is None:
        return [(g, "hidden" if g.hidden else "") for g in grids]
    wanted = [sheet] if isinstance(sheet, (str, int)) else list(sheet)
    chosen: set[int] = set()
    for item in wanted:
        if isinstance(item, int) and not isinstance(item, bool):
            if not 0 <= item < len(grids):
                raise SubmissionError(f"{path.name}: there is no sheet number {item}; the workbook has {len(grids)} sheet(s) "
                                      f"({', '.join(names)}) / 工作簿中没有第{item}个工作表")
            chosen.add(item)
        elif item in names:
            chosen.add(names.index(item))
        else:
            raise SubmissionError(f"{path.name}: there is no sheet {item!r}; expected one of {', '.join(map(repr, names))} / "
                                  f"工作簿中没有名为“{item}”的工作表，现有：{'、'.join(names)}")
    return [(g, "" if i in chosen else "not selected") for i, g in enumerate(grids)]
