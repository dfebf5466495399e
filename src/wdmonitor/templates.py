"""Blank submission templates a department fills in.

:func:`submission_template` lists, for a plan, the rows a department owes: each numeric
indicator it reports (``Indicator.source``), the sexes the indicator needs, urban and rural
rows besides the total where a target is about the gap between them, every region of the
plan and the years asked for, with the unit pre-filled and the value empty.
:func:`write_template` writes it as an .xlsx with bilingual headers and an instructions
sheet; a filled template reads back through :func:`wdmonitor.read_submission`.

The committee's template for the qualitative goals — one row per goal and region with a
status drop-down — is :func:`assessment_template` and :func:`write_assessment_template`
(from :mod:`wdmonitor.assessments`, re-exported here); it reads back through
:func:`wdmonitor.assessments.read_assessments`.

Examples
--------
>>> from wdmonitor import load_plan
>>> plan = load_plan("huludao-2021-2030")
>>> blank = submission_template(plan, department="卫健委", years=[2024])
>>> blank[["region", "year", "indicator", "sex", "unit"]].head(2)
   region  year                 indicator     sex  unit
0  211400  2024    life_expectancy_female  female     岁
1  211400  2024  maternal_mortality_ratio  female  /10万
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import schema as col
from .assessments import assessment_template, write_assessment_template
from .units import unit_label

if TYPE_CHECKING:
    from .indicators import Plan

__all__ = ["assessment_template", "submission_template", "write_assessment_template", "write_template"]

_HEADERS = {
    col.REGION: "地区代码",
    "region_name": "地区名称",
    col.YEAR: "年份",
    col.INDICATOR: "指标代码",
    "name_zh": "指标名称",
    col.SEX: "性别",
    col.AREA_TYPE: "城乡",
    col.AGE_GROUP: "年龄组",
    col.VALUE: "数值",
    col.UNIT: "单位",
    col.NUMERATOR: "分子",
    col.DENOMINATOR: "分母",
    col.SOURCE: "来源",
}
_UNIT_TEXT = {"ratio": "ratio"}  # a ratio has no label of its own


def submission_template(plan: Plan, department: str | None = None, years: Sequence[int] | None = None,
                        *, components: bool = False) -> pd.DataFrame:
    """The blank long frame a department fills in.

    Parameters
    ----------
    plan : Plan
    department : str, optional
        Keep only indicators whose ``source`` is this department (卫健委, 教育局 …).
    years : sequence of int, optional
        The years asked for; the baseline year to the plan's final year by default.
    components : bool
        Ask for the counts behind every indicator that has a formula (maternal deaths and
        live births instead of the maternal mortality ratio), as
        :func:`wdmonitor.compute_indicators` reads them; indicators without a formula are
        asked for as values.

    Examples
    --------
    >>> from wdmonitor import load_plan
    >>> counts = submission_template(load_plan("huludao-2021-2030"), "卫健委", [2024], components=True)
    >>> mmr = counts[(counts["region"] == "211400") & counts["indicator"].isin(["maternal_deaths", "live_births"])]
    >>> mmr[["indicator", "sex", "area_type"]].head(4).values.tolist()  # urban and rural too: a gap target
    [['maternal_deaths', 'female', 'total'], ['live_births', 'total', 'total'], \
['maternal_deaths', 'female', 'urban'], ['live_births', 'total', 'urban']]
    """
    years = list(years) if years is not None else list(range(plan.baseline_year, plan.final_year + 1))
    indicators = [plan.indicators[i] for i in plan.indicator_ids]
    if department is not None:
        indicators = [i for i in indicators if i.source == department]
    regions = [plan.jurisdiction, *plan.regions]
    # a target on the gap between urban and rural areas needs those rows besides the total
    split = {t.indicator for t in plan.targets
             if t.indicator is not None and t.gap_between is not None and t.gap_between.value == "area_type"}
    lines = _lines(plan, indicators, split, components)
    rows = [
        {
            col.REGION: region.code,
            "region_name": region.name_zh,
            col.YEAR: year,
            col.INDICATOR: item_id,
            "name_zh": name_zh,
            col.SEX: sex,
            col.AREA_TYPE: area_type,
            col.AGE_GROUP: "total",
            col.VALUE: None,
            col.UNIT: _UNIT_TEXT.get(unit, unit_label(unit)),
            col.NUMERATOR: None,
            col.DENOMINATOR: None,
            col.SOURCE: source,
        }
        for year in years
        for region in regions
        for item_id, name_zh, unit, source, sex, area_type in lines
    ]
    frame = pd.DataFrame(rows, columns=list(_HEADERS))
    for name in (col.VALUE, col.NUMERATOR, col.DENOMINATOR):
        frame[name] = frame[name].astype("float64")
    return frame


def _lines(plan: Plan, indicators: list[Any], split: set[str], components: bool) -> list[tuple[str, str, str, str, str, str]]:
    """(id, Chinese name, unit, source, sex, area type) of every line asked for, in order."""
    formulas: dict[str, Any] = {}
    catalogue: Mapping[str, Any] = {}
    if components:
        from .formulas import _formulas
        from .registry import load_components

        catalogue = load_components()
        formulas = {f.indicator: f for f in _formulas(plan, catalogue)}
    lines: dict[tuple[str, str, str], tuple[str, str, str, str, str, str]] = {}
    for indicator in indicators:
        area_types = ("total", "urban", "rural") if indicator.id in split else ("total",)
        formula = formulas.get(indicator.id)
        for sex in indicator.sex_scope.sexes:
            for area_type in area_types:
                if formula is None:
                    lines[(indicator.id, sex.value, area_type)] = (indicator.id, indicator.name_zh, indicator.unit,
                                                                   indicator.source, sex.value, area_type)
                    continue
                for term in formula.terms:
                    component = catalogue[term.component]
                    term_sex = term.sex_for(sex, component.sex_scope).value
                    term_area = term.area_type.value if term.area_type is not None else area_type
                    lines[(component.id, term_sex, term_area)] = (component.id, component.name_zh, component.unit,
                                                                  component.source or indicator.source, term_sex, term_area)
    return list(lines.values())


def write_template(plan: Plan, path: str | Path, department: str | None = None,
                   years: Sequence[int] | None = None, *, components: bool = False) -> Path:
    """Write the template as an .xlsx: a data sheet with bilingual headers and instructions.

    ``components=True`` asks for the counts behind the indicators that have a formula (see
    :func:`submission_template`). Written by :func:`wdmonitor.writers.write_excel`, so a
    department's text can never become a formula.
    """
    path = Path(path)
    frame = submission_template(plan, department, years, components=components)
    frame.columns = [f"{_HEADERS[c]} {c}" for c in frame.columns]
    instructions = pd.DataFrame(
        {
            "说明 instructions": [
                f"{plan.title_zh}：请在“数据 data”表的“数值 value”列填写各行数据，保持其他列不变。",
                "Fill in the 数值 value column of the data sheet; leave the other columns as they are.",
                "单位列为指标的计量单位；如按其他单位填报（如 /万），请改写单位列，系统将自动换算。",
                "The unit column holds the indicator's unit; if you report in another compatible unit, change it.",
                "无数据请留空或填“—”，不要填0。 Leave a cell empty (or —) when there are no data; do not write 0.",
                "如有分子分母（如孕产妇死亡数和活产数），请一并填写。 Add numerator and denominator where you have them.",
            ]
        }
    )
    from .writers import Sheet, write_excel

    # the data sheet keeps the header in row 1, as read_submission expects; no print set-up needed
    write_excel(path, {"数据 data": Sheet(frame=frame, landscape=False),
                       "说明 instructions": Sheet(frame=instructions, landscape=False, filters=False, widths={"说明 instructions": 90.0})})
    return path
