"""Report tables: bilingual headers, ranking, and Excel / CSV / Markdown / HTML exports.

Every export neutralises text cells that start with ``= + - @`` (a submitted value must
never become a spreadsheet formula) and is deterministic: the same evaluation gives the
same CSV bytes.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .vocabulary import Area, ProgressClass, Status

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .indicators import Plan

__all__ = [
    "HEADERS",
    "SEVERITY_FILLS",
    "STATUS_FILLS",
    "bilingual",
    "evaluation_to_excel",
    "evaluation_to_html",
    "evaluation_to_markdown",
    "frame_to_csv",
    "neutralise",
    "rank_by_indicator",
    "rank_regions",
    "region_names",
    "write_excel",
]

#: Chinese / English column headers of report tables.
HEADERS: dict[str, str] = {
    "area": "领域 / Area", "area_zh": "领域 / Area (zh)", "goal_no": "目标序号 / Goal", "section": "部分 / Section",
    "target_id": "目标编号 / Target id", "indicator": "指标编号 / Indicator id", "name_zh": "指标 / Indicator",
    "name_en": "Indicator (en)", "region": "地区代码 / Region code", "region_name": "地区 / Region", "sex": "性别 / Sex",
    "area_type": "城乡 / Urban-rural", "unit": "单位 / Unit", "kind": "目标类型 / Kind", "baseline_year": "基期 / Baseline year",
    "baseline": "基期值 / Baseline", "baseline_source": "基期值来源 / Baseline source", "target_year": "目标年 / Target year",
    "target": "目标值 / Target", "target_source": "目标来源 / Target source", "data_year": "数据年份 / Data year",
    "value": "监测值 / Value", "provisional": "临时数据 / Provisional", "status": "评估结论 / Status",
    "final_year": "终期年 / Final year", "final_target_value": "终期目标 / Final target",
    "final_status": "对照终期目标 / Against final target", "progress": "进展指数 / Progress",
    "progress_measure": "进展口径 / Progress measure", "progress_class": "进展状态 / Progress class",
    "latest_year": "最新年份 / Latest year", "latest_value": "最新值 / Latest value", "shortfall": "差距 / Shortfall",
    "threshold": "基本实现阈值 / Basic threshold", "distance": "距区间 / Distance", "band_lower": "区间下限 / Band lower",
    "band_upper": "区间上限 / Band upper", "reference": "参照指标 / Reference", "reference_value": "参照值 / Reference value",
    "pre_baseline_change": "基期前年均变化 / Change before baseline", "post_baseline_change": "基期后年均变化 / Change since baseline",
    "maintained_all_years": "各年均保持 / Held every year", "numerator": "分子 / Numerator", "denominator": "分母 / Denominator",
    "ci_lower": "95%区间下限 / CI lower", "ci_upper": "95%区间上限 / CI upper", "uncertain": "小数不确定 / Uncertain",
    "evidence": "评估依据 / Evidence", "text_zh": "规划原文 / Plan text", "reading": "解读 / Reading", "trace": "计算过程 / Trace",
    "goals": "目标数 / Goals", "targets": "指标目标数 / Targets", "assessable": "可评估 / Assessable",
    "attained_early": "提前实现 / Attained early", "attained": "已实现 / Attained", "basically_attained": "基本实现 / Basically attained",
    "not_attained": "未实现 / Not attained", "not_assessable": "无法评估 / Not assessable", "needs_assessment": "待评估 / Needs assessment",
    "attainment_rate": "达标率 / Attainment rate", "rank": "排名 / Rank", "attained_share": "达标比例 / Share attained",
    "mean_score": "平均进展得分 / Mean score", "flag": "预警类型 / Flag", "severity": "预警等级 / Severity",
    "checks": "预警 / Checks", "check": "检查 / Check", "severity_zh": "预警等级 / Severity (zh)",
    "progress_class_zh": "进展状态 / Progress class (zh)", "message_zh": "说明 / Message (zh)", "message_en": "Message (en)",
}

#: Fill colours of status cells in Excel and HTML (shared with the charts).
STATUS_FILLS: dict[str, str] = {
    Status.ATTAINED_EARLY.value: "1A7F37", Status.ATTAINED.value: "4CAF50", Status.BASICALLY_ATTAINED.value: "C5E1A5",
    Status.NOT_ATTAINED.value: "E53935", Status.NOT_ASSESSABLE.value: "BDBDBD", Status.NEEDS_ASSESSMENT.value: "90CAF9",
}
_STATUS_COLUMNS = ("status", "final_status")


def region_names(plan: Plan, lang: str = "zh") -> dict[str, str]:
    """GB/T 2260 code → name (Chinese, or English with ``lang="en"``) for the plan's regions."""
    if lang == "en":
        return {r.code: r.name_en or r.name_zh for r in (plan.jurisdiction, *plan.regions)}
    return {code: name for name, code in plan.region_names().items()}


def bilingual(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with 中文 / English headers where known."""
    return frame.rename(columns={c: HEADERS.get(c, c) for c in frame.columns})


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells starting with = + - @ with an apostrophe so no cell becomes a formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column]
            risky = text.map(lambda v: isinstance(v, str) and v[:1] in ("=", "+", "-", "@"))  # object cells only
            out[column] = text.where(~risky, "'" + text.astype(str))
    return out


def frame_to_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 CSV with a BOM (Excel opens it as UTF-8), neutralised, fixed float format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n", float_format="%.10g")
    return path


# -- ranking ----------------------------------------------------------------------------------
def _key_rows(evaluation: Evaluation, indicators: list[str] | None) -> pd.DataFrame:
    table = evaluation.table
    plan = evaluation.plan
    sub_regions = table["region"] != plan.jurisdiction.code
    if not sub_regions.any():
        sub_regions = pd.Series(True, index=table.index)
    rows = table[sub_regions & (table["kind"] != "qualitative")]
    if indicators is None:
        rows = rows[(rows["section"] == "main_goal") & (rows["progress_measure"] == "ratio")]
    else:
        rows = rows[rows["indicator"].isin(indicators)]
    return rows


def _score(rows: pd.DataFrame) -> pd.Series:
    score = rows["progress"].clip(-1, 1)
    return score.where(rows["progress_class"] != ProgressClass.TARGET_ACHIEVED.value, 1.0)


def rank_regions(evaluation: Evaluation, indicators: list[str] | None = None) -> pd.DataFrame:
    """Overall ranking: share of key targets attained, then mean progress score; ties shared."""
    rows = _key_rows(evaluation, indicators).assign(
        attained_flag=lambda f: f["status"].isin([Status.ATTAINED_EARLY.value, Status.ATTAINED.value, Status.BASICALLY_ATTAINED.value]),
        assessable_flag=lambda f: ~f["status"].isin([Status.NOT_ASSESSABLE.value, Status.NEEDS_ASSESSMENT.value]),
    )
    rows = rows.assign(score=_score(rows))
    grouped = rows.groupby("region", sort=False)
    out = pd.DataFrame({
        "targets": grouped.size(),
        "assessable": grouped["assessable_flag"].sum(),
        "attained": grouped["attained_flag"].sum(),
        "mean_score": grouped["score"].mean().round(6),
    })
    out["attained_share"] = (out["attained"] / out["assessable"].where(out["assessable"] > 0)).round(6)
    key = out["attained_share"].fillna(-1) * 1e6 + out["mean_score"].fillna(-10)
    out["rank"] = key.rank(method="min", ascending=False).astype("int64")
    out = out.reset_index()
    out.insert(1, "region_name", out["region"].map(region_names(evaluation.plan)))
    return out.sort_values(["rank", "region"], kind="stable").reset_index(drop=True)[
        ["rank", "region", "region_name", "targets", "assessable", "attained", "attained_share", "mean_score"]
    ]


def rank_by_indicator(evaluation: Evaluation, indicators: list[str] | None = None) -> pd.DataFrame:
    """Per key target and sex: regions ranked by progress ratio, ties shared."""
    rows = _key_rows(evaluation, indicators)
    rows = rows.assign(score=_score(rows))
    out = rows[["target_id", "indicator", "name_zh", "sex", "region", "region_name", "progress", "progress_class", "score"]].copy()
    out["rank"] = out.groupby(["target_id", "sex"])["score"].rank(method="min", ascending=False).astype("Int64")
    return out.sort_values(["target_id", "sex", "rank", "region"], kind="stable").reset_index(drop=True)


# -- exports ------------------------------------------------------------------------------------
_REPORT_COLUMNS = ("goal_no", "name_zh", "region_name", "sex", "unit", "kind", "baseline_year", "baseline",
                   "target_year", "target", "data_year", "value", "status", "final_status", "progress", "progress_class",
                   "uncertain", "evidence", "trace")


SEVERITY_FILLS: dict[str, str] = {"watch": "FFF59D", "warning": "FFB74D", "alert": "E53935"}


def write_excel(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write report sheets: neutralised cells, bilingual bold headers, status and severity fills, widths."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            clean = neutralise(frame)
            bilingual(clean).to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for position, column in enumerate(clean.columns, start=1):
                letter = get_column_letter(position)
                longest = max([len(str(HEADERS.get(column, column)))] + [len(str(v)) for v in clean[column].head(200)])
                sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
                fills = STATUS_FILLS if column in _STATUS_COLUMNS else SEVERITY_FILLS if column == "severity" else None
                if fills:
                    for row, value in enumerate(clean[column], start=2):
                        colour = fills.get(str(value))
                        if colour:
                            sheet.cell(row=row, column=position).fill = PatternFill("solid", start_color=colour, end_color=colour)
            sheet.freeze_panes = "A2"
    return path


def evaluation_to_excel(evaluation: Evaluation, path: Path) -> Path:
    """Summary sheet, one sheet per area, provenance."""
    sheets: dict[str, pd.DataFrame] = {"汇总 Summary": evaluation.summary()}
    for area in Area:
        part = evaluation.table[evaluation.table["area"] == area.value]
        if len(part):
            sheets[f"{area.name_zh} {area.value}"] = part[list(_REPORT_COLUMNS)]
    sheets["来源 Provenance"] = pd.DataFrame({"key": list(evaluation.provenance), "value": [str(v) for v in evaluation.provenance.values()]})
    return write_excel(path, sheets)


def evaluation_to_markdown(evaluation: Evaluation, region: str | None = None) -> str:
    from .tables_markdown import to_markdown

    plan = evaluation.plan
    region = region or plan.jurisdiction.code
    title = f"# {plan.title_zh} — {evaluation.stage} {evaluation.year}\n\n"
    summary = bilingual(evaluation.summary(region))
    rows = evaluation.table[evaluation.table["region"] == region][
        ["area", "goal_no", "name_zh", "sex", "target_year", "target", "data_year", "value", "status", "progress_class"]
    ]
    return title + to_markdown(summary) + "\n" + to_markdown(bilingual(rows))


def _fill_cell(status: object) -> str:
    colour = STATUS_FILLS.get(str(status))
    text = html.escape(str(status))
    return f'<span style="background:#{colour};padding:0 4px">{text}</span>' if colour else text


def evaluation_to_html(evaluation: Evaluation) -> str:
    plan = evaluation.plan
    head = (f"<div><strong>{html.escape(plan.title_zh)}</strong> — {html.escape(evaluation.stage)} {evaluation.year}"
            f" · {len(evaluation.table)} rows · rules {html.escape(evaluation.rules.name)}</div>")
    summary = bilingual(evaluation.summary()).to_html(index=False, na_rep="")
    rows = evaluation.table[["area", "goal_no", "name_zh", "region_name", "sex", "target", "value", "status", "progress_class"]].copy()
    for column in ("area", "goal_no", "name_zh", "region_name", "sex", "progress_class"):
        rows[column] = rows[column].map(lambda v: html.escape(v) if isinstance(v, str) else "")  # NaN stays empty
    rows["status"] = rows["status"].map(_fill_cell)
    table = bilingual(rows).to_html(index=False, escape=False, na_rep="", max_rows=60, float_format=lambda v: f"{v:.4g}")
    return head + summary + table

