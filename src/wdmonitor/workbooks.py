"""Opening a department's file as grids of cells, one per sheet, as the sender sees them.

A :class:`Grid` holds every cell of a sheet as Excel holds it: the saved result of a
formula (never the formula), a number with its number format (so a fraction shown as
``27.4%`` can be read as the percentage shown), Excel's error values (``#DIV/0!``) kept as
:class:`ExcelError`, dates as dates, and the merged ranges. :mod:`wdmonitor.layout` then
finds the table in it.

Engines: openpyxl for .xlsx/.xlsm (already a dependency; the only reader that gives number
formats, merged ranges and sheet visibility), xlrd for the old .xls format (it exposes the
number formats of .xls through ``formatting_info``, which python-calamine does not: without
them a percent-formatted fraction would be read as 0.274), and the standard csv module for
text files whose table does not start on the first line.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import SubmissionError

__all__ = ["ExcelError", "Grid", "open_grids"]

#: Excel's error values, as a worksheet shows them.
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"})
#: Largest sheet read, in rows and columns (a few-KB workbook may declare a cell at row 10⁸).
MAX_SHEET_ROWS = 1_100_000
MAX_SHEET_COLUMNS = 500


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


def _openpyxl_grids(path: Path) -> list[Grid]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with open(path, "rb") as handle:
            book = openpyxl.load_workbook(handle, data_only=True, keep_links=False)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile, TypeError, IndexError, AttributeError) as error:
        raise SubmissionError(f"{path.name}: cannot read the workbook ({type(error).__name__}: {str(error)[:200]}); "
                              f"expected an .xlsx file saved by Excel or WPS / 无法读取Excel工作簿，请用Excel或WPS另存为.xlsx后重新报送") from error
    grids = []
    for sheet in book.worksheets:
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
        _too_large(path, sheet.title, rows, columns)
        values = np.full((rows, columns), None, dtype=object)
        formats = np.full((rows, columns), None, dtype=object)
        for row in sheet.iter_rows(min_row=1, max_row=rows, max_col=columns):
            for cell in row:
                value = cell.value
                if value is None or (isinstance(value, str) and value == ""):
                    continue
                r, c = cell.row - 1, cell.column - 1
                if cell.data_type == "e" or (isinstance(value, str) and value in EXCEL_ERRORS and cell.data_type != "s"):
                    value = ExcelError(str(value))
                values[r, c] = value
                formats[r, c] = cell.number_format
        merged = tuple((m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in sheet.merged_cells.ranges)
        grids.append(Grid(values, formats, merged, sheet.title, hidden=sheet.sheet_state != "visible"))
    book.close()
    return grids


def _xlrd_grids(path: Path) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
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
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise SubmissionError(f"{name}: not a readable CSV file ({error}) / 无法解析CSV文件") from error
    width = max((len(r) for r in rows), default=0)
    _too_large(Path(name), "", len(rows), width)
    values = np.full((len(rows), width), None, dtype=object)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell.strip() != "":
                values[r, c] = cell
    return Grid(values, None, (), "")


def open_grids(path: Path) -> list[Grid]:
    """Every sheet of a workbook as a :class:`Grid`, hidden ones marked."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _openpyxl_grids(path)
    if suffix == ".xls":
        return _xlrd_grids(path)
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
