"""Write the binary and generated cases of the bad-input corpus (run once; outputs are kept).

    /work/venv/bin/python tests/data/bad/make_bad.py

The small text cases (.csv, .yaml) are written by hand; this script writes the .xlsx/.xlsm
workbooks (with openpyxl, some patched at the XML level) and the CSV files that are
awkward to type: random bytes, a huge cell, control characters, UTF-16. Randomness is seeded,
and zip timestamps are fixed, so a rerun gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
HEADER = ["地区", "年份", "指标", "性别", "数值"]
ROW = ["211400", 2021, "maternal_mortality_ratio", "female", 9.8]
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def _rezip(data: bytes, patch: dict[str, bytes | None] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip with fixed timestamps, replacing (or, with None, dropping) members."""
    patch, extra = patch or {}, extra or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            body = patch.get(info.filename, source.read(info.filename))
            if info.filename == "docProps/core.xml" and body is not None:  # openpyxl stamps the save time
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", body)
            if body is None:
                continue
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), body, zipfile.ZIP_DEFLATED)
        for name, body in sorted(extra.items()):
            target.writestr(zipfile.ZipInfo(name, FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _save(book: openpyxl.Workbook, name: str, patch: dict[str, bytes | None] | None = None,
          extra: dict[str, bytes] | None = None) -> None:
    book.properties.created = book.properties.modified = dt.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    (HERE / name).write_bytes(_rezip(buffer.getvalue(), patch, extra))


def _book(rows: list[list[object]], title: str = "报表") -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return book


def merged_cells() -> None:
    book = _book([HEADER, ["211400", 2021, "maternal_mortality_ratio", "female", 9.8],
                  [None, 2022, "maternal_mortality_ratio", "female", 9.7],
                  [None, 2023, "maternal_mortality_ratio", "female", 9.6]])
    book.active.merge_cells("A2:A4")  # the region is shown once for three rows
    _save(book, "merged_cells.xlsx")


def blank_cells() -> None:
    _save(_book([HEADER, ["211400", 2021, "maternal_mortality_ratio", "female", None],
                 [None, None, None, None, None],
                 ["211400", 2022, None, "female", 9.7],
                 ["211400", 2023, "maternal_mortality_ratio", None, 9.6]]), "blank_cells.xlsx")


def not_excel() -> None:
    (HERE / "not_excel.xlsx").write_text("地区,年份,指标,性别,数值\n211400,2021,maternal_mortality_ratio,female,9.8\n", encoding="utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("readme.txt", FIXED_TIME), "a zip file, not a workbook")
    (HERE / "zip_not_workbook.xlsx").write_bytes(out.getvalue())
    buffer = io.BytesIO()
    _book([HEADER, ROW]).save(buffer)
    (HERE / "truncated.xlsx").write_bytes(_rezip(buffer.getvalue())[:1500])


def million_empty_rows() -> None:
    """One data row, but the sheet's used range (and one formatted cell) reach row 1,048,576."""
    book = _book([HEADER, ROW])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:E1048576"/>', sheet)
    sheet = sheet.replace("</sheetData>", '<row r="1048576"><c r="E1048576" t="inlineStr"><is><t></t></is></c></row></sheetData>')
    (HERE / "million_empty_rows.xlsx").write_bytes(_rezip(buffer.getvalue(), {"xl/worksheets/sheet1.xml": sheet.encode("utf-8")}))


def huge_cell() -> None:
    _save(_book([HEADER, ["211400", 2021, "maternal_mortality_ratio", "female", "九" * 32_767]]), "huge_cell.xlsx")
    (HERE / "huge_cell.csv").write_text("region,year,indicator,sex,value\n211400,2021,maternal_mortality_ratio,female," + "9" * 200_000 + "x\n", encoding="utf-8")


def formulas() -> None:
    """Formulas (no cached value), an external reference and text that looks like a formula."""
    book = _book([HEADER, ["211400", 2021, "maternal_mortality_ratio", "female", "=4+5.8"],
                  ["211400", 2022, "maternal_mortality_ratio", "female", "='C:\\evil\\[book.xlsx]Sheet1'!A1"],
                  ["211400", 2023, "maternal_mortality_ratio", "female", '=WEBSERVICE("http://example.invalid/")'],
                  ["211400", 2024, "maternal_mortality_ratio", "female", 9.8]])
    cell = book.active["E5"]
    cell.value, cell.data_type = "=cmd|' /C calc'!A0", "s"  # text, not a formula
    _save(book, "formulas.xlsx")
    # an .xlsm with a (fake) macro project: reading must ignore it
    _save(_book([HEADER, ROW]), "macro.xlsm", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not a real macro project"})


def odd_cell_types() -> None:
    _save(_book([HEADER, ["211400", dt.datetime(2021, 1, 1), "maternal_mortality_ratio", "female", 9.8],
                 ["211400", 2022, "maternal_mortality_ratio", "female", "#DIV/0!"],
                 ["211400", 2023, "maternal_mortality_ratio", "female", True]]), "odd_cell_types.xlsx")


def title_rows() -> None:
    book = _book([["2021年妇女发展统计监测表"], [], HEADER, ROW])
    book.active.merge_cells("A1:E1")
    _save(book, "title_rows.xlsx")


def empty_sheet() -> None:
    _save(_book([]), "empty_sheet.xlsx")


def text_cases() -> None:
    rng = random.Random(12)
    (HERE / "binary_garbage.csv").write_bytes(bytes(rng.randrange(256) for _ in range(512)))
    (HERE / "control_chars.csv").write_text(
        "region,year,indicator,sex,value\n211400,2021,maternal\x07mortality\x01ratio,female,9.8\n", encoding="utf-8")
    (HERE / "utf16.csv").write_text("region,year,indicator,sex,value\n211400,2021,maternal_mortality_ratio,female,9.8\n",
                                     encoding="utf-16")


if __name__ == "__main__":
    merged_cells()
    blank_cells()
    not_excel()
    million_empty_rows()
    huge_cell()
    formulas()
    odd_cell_types()
    title_rows()
    empty_sheet()
    text_cases()
