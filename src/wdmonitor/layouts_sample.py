"""Department workbooks in the layouts real 统计报表 use, written from a long frame (SYNTHETIC).

Each writer takes canonical rows (``region, year, indicator, sex, value``) and lays them out
as a department would send them: the form block and title above the table, merged headers,
section, 合计, note and signature rows, sheets per county, hidden and instruction sheets.
They make the real-layout sample workbooks in ``data/sample/`` (``python -m
wdmonitor.layouts_sample data/sample``) and the test corpus, where reading a written
workbook back must give the same rows. Nothing here is real data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import schema as col

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from .indicators import Plan

__all__ = ["LAYOUTS", "regions_as_rows", "sheet_per_region", "system_export", "total_and_female", "write_samples",
           "indicators_as_rows"]

_SEX_ZH = {"female": "女", "male": "男", "total": "合计"}
_UNIT_ZH = {"percent": "%", "per_100k": "1/10万", "per_10k": "1/万", "person": "人", "year": "年", "year_of_age": "岁", "per_mille": "‰", "yuan": "元"}
_FORM = [("表    号：", "妇监1表"), ("制表机关：", "葫芦岛市统计局"), ("批准文号：", "葫统字〔2021〕12号"), ("有效期至：", "2026年12月")]


def _name(plan: Plan, indicator: Any) -> str:
    return plan.indicators[str(indicator)].name_zh


def _unit(plan: Plan, indicator: Any) -> str:
    return _UNIT_ZH.get(plan.indicators[str(indicator)].unit, "")


def _region_name(plan: Plan, code: Any) -> str:
    return next(r.name_zh for r in (plan.jurisdiction, *plan.regions) if r.code == str(code))


def _book() -> tuple[object, Worksheet]:
    import openpyxl

    book = openpyxl.Workbook()
    return book, book.active


def _save(book: object, path: Path) -> Path:
    book.save(path)  # type: ignore[attr-defined]
    return path


def _put(sheet: Worksheet, row: int, column: int, value: object, number_format: str | None = None) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format


def _cell(value: float | None) -> object:
    return "—" if value is None or pd.isna(value) else float(value)


def indicators_as_rows(frame: pd.DataFrame, plan: Plan, path: Path, *, department: str = "卫生健康部门") -> Path:
    """One region and year: 序号 | 指标名称 | 计量单位 | 2024年 (女 / 男 / 合计) under a form block.

    Women-only indicators leave 男 and 合计 as "—"; a section row, a 甲乙丙 column-number row,
    notes and signatures surround the data.
    """
    (region,), (year,) = frame[col.REGION].unique(), frame[col.YEAR].unique()
    book, sheet = _book()
    sheet.title = f"{year}年"
    for i, (label, value) in enumerate(_FORM, start=1):
        _put(sheet, i, 5, label)
        _put(sheet, i, 6, value)
    title = f"{year}年{_region_name(plan, region)}妇女发展规划监测统计表（{department}）"
    _put(sheet, 6, 1, title)
    sheet.merge_cells(start_row=6, start_column=1, end_row=6, end_column=6)
    _put(sheet, 7, 1, f"填报单位：{_region_name(plan, region)}{department}")
    _put(sheet, 8, 1, "序号")
    _put(sheet, 8, 2, "指标名称")
    _put(sheet, 8, 3, "计量单位")
    _put(sheet, 8, 4, f"{year}年")
    for row in (8,):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row + 1, end_column=2)
        sheet.merge_cells(start_row=row, start_column=3, end_row=row + 1, end_column=3)
    sheet.merge_cells(start_row=8, start_column=4, end_row=8, end_column=6)
    for offset, sex in enumerate(("female", "male", "total")):
        _put(sheet, 9, 4 + offset, _SEX_ZH[sex])
    for offset, mark in enumerate(("甲", "乙", "丙", "1", "2", "3")):
        _put(sheet, 10, 1 + offset, mark)
    _put(sheet, 11, 1, "一、妇女与健康")
    row = 12
    for number, (indicator, rows) in enumerate(frame.groupby(col.INDICATOR, sort=False), start=1):
        values = dict(zip(rows[col.SEX], rows[col.VALUE], strict=True))
        _put(sheet, row, 1, f"（{number}）")
        _put(sheet, row, 2, _name(plan, indicator) + ("*" if number % 2 else ""))
        _put(sheet, row, 3, _unit(plan, indicator))
        for offset, sex in enumerate(("female", "male", "total")):
            _put(sheet, row, 4 + offset, _cell(values.get(sex)))
        row += 1
    _put(sheet, row + 1, 1, "注：带*号的指标为规划重点指标。")
    _put(sheet, row + 2, 1, "单位负责人：王芳")
    _put(sheet, row + 2, 3, "填表人：李娜")
    _put(sheet, row + 2, 5, "报出日期：2025年1月20日")
    return _save(book, path)


def regions_as_rows(frame: pd.DataFrame, plan: Plan, path: Path, *, department: str = "教育部门") -> Path:
    """One year, the yearbook layout: 地区 | each indicator (with its unit) over 女 / 男.

    Counties by their short names, the jurisdiction as 全市, and a 合计 row of the counties.
    """
    (year,) = frame[col.YEAR].unique()
    book, sheet = _book()
    sheet.title = "县区汇总"
    _put(sheet, 1, 1, f"{year}年{plan.jurisdiction.name_zh}妇女发展规划监测统计表（{department}）")
    _put(sheet, 2, 1, "地区")
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    column = 2
    columns: dict[tuple[str, str], int] = {}
    for indicator, rows in frame.groupby(col.INDICATOR, sort=False):
        sexes = [s for s in ("female", "male", "total") if s in set(rows[col.SEX])]
        unit = _unit(plan, indicator)
        _put(sheet, 2, column, f"{_name(plan, indicator)}（{unit}）" if unit else _name(plan, indicator))
        if len(sexes) > 1:
            sheet.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + len(sexes) - 1)
        for offset, sex in enumerate(sexes):
            _put(sheet, 3, column + offset, _SEX_ZH[sex])
            columns[(str(indicator), sex)] = column + offset
        column += len(sexes)
    row = 4
    counties = [r.code for r in plan.regions if r.code in set(frame[col.REGION])]
    order = ([plan.jurisdiction.code] if plan.jurisdiction.code in set(frame[col.REGION]) else []) + counties
    for region in order:
        name = "全市" if region == plan.jurisdiction.code else _short(_region_name(plan, region))
        _put(sheet, row, 1, name)
        rows = frame[frame[col.REGION] == region]
        for indicator, sex, value in zip(rows[col.INDICATOR], rows[col.SEX], rows[col.VALUE], strict=True):
            _put(sheet, row, columns[(indicator, sex)], _cell(value))
        row += 1
    county_rows = frame[frame[col.REGION].isin(counties)]
    if len(counties) > 1:
        _put(sheet, row, 1, "合计")
        for (indicator, sex), index in columns.items():
            values = county_rows[(county_rows[col.INDICATOR] == indicator) & (county_rows[col.SEX] == sex)][col.VALUE].dropna()
            if len(values):
                count = plan.indicators[str(indicator)].unit == "person"
                _put(sheet, row, index, float(values.sum() if count else round(values.mean(), 4)))
    return _save(book, path)


def _short(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "县区" else name


def total_and_female(frame: pd.DataFrame, plan: Plan, path: Path, *, department: str = "民政局") -> Path:
    """One region and year: 指标 | 合计 | 其中：女, the year in a 年份 cell; percentages stored as
    fractions with a percent number format (0.274 shown as 27.4%)."""
    (region,), (year,) = frame[col.REGION].unique(), frame[col.YEAR].unique()
    book, sheet = _book()
    sheet.title = "报表"
    _put(sheet, 1, 1, "妇女发展规划监测数据报表")
    _put(sheet, 2, 1, f"填报单位：{_region_name(plan, region)}{department}")
    _put(sheet, 2, 3, "年份：")
    _put(sheet, 2, 4, f"{year}年")
    for index, text in enumerate(("项目", "计量单位", "合计", "其中：女"), start=1):
        _put(sheet, 3, index, text)
    row = 4
    for indicator, rows in frame.groupby(col.INDICATOR, sort=False):
        values = dict(zip(rows[col.SEX], rows[col.VALUE], strict=True))
        unit = plan.indicators[str(indicator)].unit
        _put(sheet, row, 1, _name(plan, indicator))
        _put(sheet, row, 2, _unit(plan, indicator))
        for index, sex in ((3, "total"), (4, "female")):
            value = values.get(sex)
            if unit == "percent" and value is not None and not pd.isna(value):
                _put(sheet, row, index, round(float(value) / 100, 10), "0.0%")
            else:
                _put(sheet, row, index, _cell(value))
        row += 1
    return _save(book, path)


def sheet_per_region(frame: pd.DataFrame, plan: Plan, path: Path, *, department: str = "组织部") -> Path:
    """One year, one sheet per region (named after it), after a 填表说明 sheet and a hidden sheet
    holding last year's figures (which must not be read)."""
    (year,) = frame[col.YEAR].unique()
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes["A1"] = "填表说明"
    notes["A2"] = "1. 每个县区一张工作表，工作表以县区名称命名。"
    notes["A3"] = "2. 无数据的单元格请填“—”。"
    old = book.create_sheet("上年数据")
    old.sheet_state = "hidden"
    old.append(["地区", "年份", "指标名称", "性别", "数值"])
    old.append([plan.jurisdiction.name_zh, year - 1, _name(plan, frame[col.INDICATOR].iloc[0]), "女", 1.0])
    for region, rows in frame.groupby(col.REGION, sort=False):
        sheet = book.create_sheet(_region_name(plan, region))
        sheet.append([f"{year}年妇女发展规划监测统计表（{department}）"])
        sheet.append(["指标名称", "性别", "数值"])
        for indicator, sex, value in zip(rows[col.INDICATOR], rows[col.SEX], rows[col.VALUE], strict=True):
            sheet.append([_name(plan, indicator), _SEX_ZH[sex], _cell(value)])
    return _save(book, path)


def system_export(frame: pd.DataFrame, plan: Plan, path: Path) -> Path:
    """A system export: 行政区划代码 and 地区名称 side by side, one observation a row."""
    book, sheet = _book()
    sheet.title = "导出数据"
    sheet.append(["行政区划代码", "地区名称", "年份", "指标名称", "性别", "数值"])
    for region, year, indicator, sex, value in frame[[col.REGION, col.YEAR, col.INDICATOR, col.SEX, col.VALUE]].itertuples(index=False):
        sheet.append([region, _region_name(plan, region), int(year), _name(plan, indicator), _SEX_ZH[sex], _cell(value)])
    return _save(book, path)


#: Every writer, by the layout it lays out.
LAYOUTS: dict[str, Callable[..., Path]] = {
    "indicators_as_rows": indicators_as_rows,
    "regions_as_rows": regions_as_rows,
    "total_and_female": total_and_female,
    "sheet_per_region": sheet_per_region,
    "system_export": system_export,
}


def write_samples(folder: str | Path) -> list[Path]:
    """The real-layout sample workbooks (SYNTHETIC) from the bundled sample's 2024 figures."""
    from .registry import load_plan
    from .sample import load_sample

    plan = load_plan("huludao-2021-2030")
    folder = Path(folder)
    data = load_sample()
    data = data[(data[col.YEAR] == 2024) & (data[col.AREA_TYPE] == "total")][[col.REGION, col.YEAR, col.INDICATOR, col.SEX, col.VALUE]]
    data = data.assign(**{col.VALUE: data[col.VALUE].round(2)})

    def pick(indicators: list[str], regions: list[str]) -> pd.DataFrame:
        chosen = data[data[col.INDICATOR].isin(indicators) & data[col.REGION].isin(regions)]
        return chosen.sort_values([col.REGION, col.INDICATOR], key=lambda s: s.map({v: i for i, v in enumerate(indicators + regions)}))

    county = "211421"
    health = ["maternal_mortality_ratio", "maternal_systematic_management_rate", "cervical_cancer_screening_rate",
              "breast_cancer_screening_rate"]
    education = ["compulsory_education_retention_rate", "upper_secondary_gross_enrolment_rate"]
    civil = ["female_share_village_committee_members", "female_share_residents_committee_members"]
    every_region = [plan.jurisdiction.code, *(r.code for r in plan.regions)]
    written = [
        indicators_as_rows(pick(health, [county]), plan, folder / "卫健委_2024_绥中县_统计报表.xlsx"),
        regions_as_rows(pick(education, every_region), plan, folder / "教育局_2024_县区汇总.xlsx"),
        total_and_female(pick(civil, [county]), plan, folder / "民政局_2024_绥中县_合计其中女.xlsx"),
        sheet_per_region(pick(["female_share_party_members"], every_region), plan, folder / "组织部_2024_分县区工作表.xlsx"),
    ]
    for path in written:
        _label_synthetic(path)
    return written


SYNTHETIC_NOTE = "注：本表为wdmonitor样例数据，纯属虚构（SYNTHETIC sample, not real data）。"


def _label_synthetic(path: Path) -> None:
    """A note row under every table saying the figures are invented, and fixed dates so the file
    is the same byte for byte each time it is written."""
    import openpyxl

    from .sample import _fix_zip_times

    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if sheet.sheet_state == "visible" and sheet.title != "填表说明":
            sheet.cell(row=sheet.max_row + 2, column=1, value=SYNTHETIC_NOTE)
    book.properties.title = "wdmonitor SYNTHETIC sample workbook"
    book.properties.created = pd.Timestamp("2025-01-01").to_pydatetime()
    book.properties.modified = pd.Timestamp("2025-01-01").to_pydatetime()
    book.save(path)
    _fix_zip_times(path)


if __name__ == "__main__":  # pragma: no cover - the command that writes data/sample
    for written in write_samples(sys.argv[1] if len(sys.argv) > 1 else "data/sample"):
        print(written)
