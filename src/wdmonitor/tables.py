"""Report tables: the reader's language, the report's rounding, ranking.

A result's frame keeps codes (``attained``, ``female``, ``percent``) for code; the tables
built here show names in Chinese (default) or English — status, sex, area type, unit,
target kind, progress class, warning and severity, from :mod:`wdmonitor.vocabulary` — with
each number carrying its indicator's reporting precision (``Indicator.precision``). A
:class:`ReportTable` holds such a table with the decimals of every numeric cell, so the
Excel writer gives it number formats (the numbers stay numbers) and the Word, HTML and
Markdown renderers print it rounded. All writing goes through :mod:`wdmonitor.writers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .units import unit_label
from .vocabulary import COLUMN_VOCABULARIES, ProgressClass, Status, name_of
from .writers import Sheet, neutralise, write_csv, write_excel

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .indicators import Plan

__all__ = [
    "HEADERS",
    "SEVERITY_FILLS",
    "STATUS_FILLS",
    "ReportTable",
    "Sheet",
    "bilingual",
    "format_number",
    "frame_to_csv",
    "header",
    "localise",
    "neutralise",
    "precision_of",
    "rank_by_indicator",
    "rank_regions",
    "region_names",
    "status_text",
    "write_excel",
]

#: Chinese / English column headers of report tables.
HEADERS: dict[str, str] = {
    "area": "领域 / Area", "area_zh": "领域 / Area (zh)", "goal_no": "目标序号 / Goal", "section": "部分 / Section",
    "target_id": "目标编号 / Target id", "indicator": "指标编号 / Indicator id", "name_zh": "指标 / Indicator",
    "name_en": "Indicator (en)", "region": "地区代码 / Region code", "region_name": "地区 / Region", "sex": "性别 / Sex",
    "area_type": "城乡 / Urban-rural", "unit": "单位 / Unit", "kind": "目标类型 / Kind", "baseline_year": "基期年 / Baseline year",
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
    "evidence": "评估依据 / Evidence", "assessed_by": "评估单位 / Assessed by", "assessed_on": "评估日期 / Assessed on",
    "assessment_basis": "评估方式 / Basis", "assessment_source": "评估来源 / Source of the verdict",
    "proxy_for": "被替代指标 / Proxy for", "judged_on": "判断所依据的指标 / Judged on", "text_zh": "规划原文 / Plan text", "reading": "解读 / Reading", "trace": "计算过程 / Trace",
    "goals": "目标数 / Goals", "targets": "指标目标数 / Targets", "assessable": "可评估 / Assessable",
    "attained_early": "提前实现 / Attained early", "attained": "已实现 / Attained", "basically_attained": "基本实现 / Basically attained",
    "not_attained": "未实现 / Not attained", "not_assessable": "无法评估 / Not assessable", "needs_assessment": "待评估 / Needs assessment",
    "attainment_rate": "达标率 / Attainment rate", "rank": "排名 / Rank", "attained_share": "达标比例 / Share attained",
    "mean_score": "平均进展得分 / Mean score", "flag": "预警类型 / Flag", "severity": "预警等级 / Severity",
    "checks": "预警 / Checks", "check": "检查 / Check", "severity_zh": "预警等级 / Severity (zh)",
    "progress_class_zh": "进展状态 / Progress class (zh)", "message_zh": "说明 / Message (zh)", "message_en": "Message (en)",
    "number": "序号 / No.", "indicator_name": "指标 / Indicator", "stated_target": "目标值 / Target",
    "milestone": "序时进度目标 / Milestone", "final_attainment_rate": "对照终期目标达标率 / Attainment rate against the final targets",
    "message": "说明 / Message", "as_of": "监测年 / As of", "projection": "预测值 / Projection", "probability": "达标概率 / Probability",
    "method": "预测方法 / Method", "key": "项目 / Item",
}

#: Fill colours of status cells in Excel and HTML (shared with the charts).
STATUS_FILLS: dict[str, str] = {
    Status.ATTAINED_EARLY.value: "1A7F37", Status.ATTAINED.value: "4CAF50", Status.BASICALLY_ATTAINED.value: "C5E1A5",
    Status.NOT_ATTAINED.value: "E53935", Status.NOT_ASSESSABLE.value: "BDBDBD", Status.NEEDS_ASSESSMENT.value: "90CAF9",
}
#: Fill colours of severity cells.
SEVERITY_FILLS: dict[str, str] = {"watch": "FFF59D", "warning": "FFB74D", "alert": "E53935"}


def region_names(plan: Plan, lang: str = "zh") -> dict[str, str]:
    """GB/T 2260 code → name (Chinese, or English with ``lang="en"``) for the plan's regions."""
    if lang == "en":
        return {r.code: r.name_en or r.name_zh for r in (plan.jurisdiction, *plan.regions)}
    return {code: name for name, code in plan.region_names().items()}


def bilingual(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with 中文 / English headers where known."""
    return frame.rename(columns={c: HEADERS.get(c, c) for c in frame.columns})


def header(column: str, lang: str = "zh") -> str:
    """A column's header in one language: ``header("status")`` is 评估结论, ``"en"`` Status."""
    text = HEADERS.get(column, column)
    if " / " not in text:
        return text
    zh, en = text.split(" / ", 1)
    return en if lang == "en" else zh


frame_to_csv = write_csv


# -- the reader's language --------------------------------------------------------------------
_UNCERTAIN = {"zh": "（不确定）", "en": " (uncertain)"}


def status_text(status: pd.Series, uncertain: pd.Series | None = None, lang: str = "zh") -> pd.Series:
    """Statuses by name, with 不确定 / uncertain where a small-number interval straddles the target."""
    names = status.map(lambda s: name_of(Status, s, lang))
    if uncertain is None:
        return names
    flagged = uncertain.fillna(False).astype(bool) & status.notna()
    return names.where(~flagged, names + _UNCERTAIN["en" if lang == "en" else "zh"])


def localise(frame: pd.DataFrame, lang: str = "zh", plan: Plan | None = None) -> pd.DataFrame:
    """Codes replaced by the names a reader sees (values only; headers are left alone).

    Vocabulary columns (status, sex, area type, kind, progress class, severity, flag, area,
    section) get their names, ``unit`` its label (``%``, ``/10万``, ``岁``); with
    ``lang="en"`` and a plan, ``region_name`` and ``name_zh`` take the English names.

    Examples
    --------
    >>> frame = pd.DataFrame({"status": ["attained"], "sex": ["female"], "unit": ["per_100k"]})
    >>> localise(frame).iloc[0].tolist(), localise(frame, "en").iloc[0].tolist()
    (['已实现', '女', '/10万'], ['attained', 'women', 'per 100,000'])
    """
    out = frame.copy()
    for column, vocabulary in COLUMN_VOCABULARIES.items():
        if column in out:
            codes = out[column]
            names = {code: name_of(vocabulary, code, lang) for code in pd.unique(codes)}  # a handful of codes
            out[column] = codes.map(names)
    if "unit" in out:
        labels = {u: _unit_text(u, lang) for u in pd.unique(out["unit"])}
        out["unit"] = out["unit"].map(labels)
    if lang == "en" and plan is not None:
        if "region_name" in out and "region" in out:
            english_names = out["region"].astype(str).map(region_names(plan, "en")).astype(object)
            out["region_name"] = english_names.where(english_names.notna(), out["region_name"].astype(object))
        if "name_zh" in out and "indicator" in out:
            english = {i: plan.indicators[i].name_en for i in pd.unique(out["indicator"]) if isinstance(i, str) and i in plan.indicators}
            named = out["indicator"].map(english).astype(object)
            out["name_zh"] = named.where(named.notna(), out["name_zh"].astype(object))
    return out


def _unit_text(unit: object, lang: str) -> str:
    if not isinstance(unit, str) or not unit:
        return ""
    try:
        return unit_label(unit, lang)
    except ValueError:  # a unit spelling outside the registry is shown as written
        return unit


# -- the report's rounding --------------------------------------------------------------------
def precision_of(plan: Plan, indicators: pd.Series, kinds: pd.Series | None = None) -> pd.Series:
    """Each row's reporting precision (decimals) from its indicator; 2 for parity indices.

    Rows without an indicator (qualitative goals) get 1.
    """
    known = {i: plan.indicators[i].precision for i in pd.unique(indicators) if isinstance(i, str) and i in plan.indicators}
    decimals = indicators.map(known).fillna(1).astype("int64")
    if kinds is not None:
        decimals = decimals.where(kinds.astype(str) != "parity", decimals.clip(lower=2))
    return decimals


def format_number(value: object, decimals: int, *, percent: bool = False) -> str:
    """A number as a report prints it: ``format_number(9.849, 1)`` is ``9.8``; blanks stay blank.

    With ``percent=True`` a share (0.6667) prints as a percentage (``66.7%``).
    """
    if value is None or isinstance(value, str):
        return "" if value is None else value
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return ""
    if percent:
        return f"{number * 100:.{decimals}f}%"
    return f"{number:.{decimals}f}"


def excel_format(decimals: int, *, percent: bool = False) -> str:
    """The Excel number format of ``decimals`` decimals (``0.0``, ``0.0%``)."""
    body = "0" if decimals == 0 else "0." + "0" * decimals
    return body + "%" if percent else body


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ReportTable:
    """A table as a report prints it.

    Attributes
    ----------
    frame : DataFrame
        The table with its headers in the report's language; numbers are numbers.
    decimals : mapping of header to int or Series
        The reporting precision of each numeric column: one for the column, or one per row.
    percent : sequence of str
        Headers of share columns printed as percentages (达标率 0.6667 → 66.7%).
    fills : mapping of header to mapping of text to colour
        Cell colours by text (statuses, severities).
    wrap : sequence of str
        Headers of long-text columns (the plan's clause).
    """

    frame: pd.DataFrame
    decimals: Mapping[str, int | pd.Series] = field(default_factory=dict)
    percent: Sequence[str] = ()
    fills: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    wrap: Sequence[str] = ()

    def sheet(self, title: str | None = None, freeze_columns: int = 0) -> Sheet:
        """The worksheet: number formats from the precision, conditional colours, print set-up."""
        formats: dict[str, str | list[str]] = {}
        for column, decimals in self.decimals.items():
            percent = column in self.percent
            if isinstance(decimals, pd.Series):
                formats[column] = [excel_format(int(d), percent=percent) for d in decimals.to_numpy()]
            else:
                formats[column] = excel_format(int(decimals), percent=percent)
        return Sheet(frame=self.frame, formats=formats, fills=self.fills, wrap=self.wrap, title=title,
                     freeze_columns=freeze_columns)

    def rounded(self) -> pd.DataFrame:
        """The table with every number rounded to its precision (numbers stay numbers: for CSV)."""
        out = self.frame.copy()
        for column, decimals in self.decimals.items():
            values = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)
            places = decimals.to_numpy() if isinstance(decimals, pd.Series) else np.full(len(values), decimals)
            extra = 2 if column in self.percent else 0
            rounded = values.copy()
            for d in np.unique(places):  # a few distinct precisions
                chosen = places == d
                rounded[chosen] = np.round(values[chosen], int(d) + extra)
            out[column] = rounded
        return out

    def text(self) -> pd.DataFrame:
        """The table with every number printed at its precision (for Word, HTML and Markdown)."""
        out = self.frame.copy()
        for column, decimals in self.decimals.items():
            if column not in out:
                continue
            percent = column in self.percent
            values = out[column].to_numpy(dtype=object)
            places = decimals.to_numpy() if isinstance(decimals, pd.Series) else np.full(len(values), decimals)
            out[column] = [format_number(v, int(d), percent=percent) for v, d in zip(values, places, strict=True)]
        for column in out.columns:
            if column not in self.decimals and pd.api.types.is_float_dtype(out[column]):
                whole = out[column].dropna()
                if len(whole) and (whole == whole.round()).all():  # years, counts held as floats
                    out[column] = out[column].map(lambda v: "" if pd.isna(v) else str(int(v)))
        out = out.astype(object)
        return out.where(out.notna(), "").astype(str).replace({"nan": "", "<NA>": ""})


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


def _shared_ranks(frame: pd.DataFrame, groups: list[str], key: str, low: str, high: str, widened: pd.Series) -> pd.DataFrame:
    """Ranks by ``key`` (descending, ties shared), then shared along chains of overlapping intervals.

    Within each group the rows are taken in rank order; a row whose interval [``low``,
    ``high``] overlaps the interval of the row ranked just above it, where either of the two
    has a real interval (``widened``), shares that row's rank. The rule a reader can check:
    neighbours in the ranking whose intervals overlap share a rank. Adds ``point_rank`` (the
    rank by ``key`` alone), ``rank`` and ``rank_shared``.
    """
    keyed = frame[key]
    point = keyed.groupby([frame[g] for g in groups], sort=False).rank(method="min", ascending=False) if groups \
        else keyed.rank(method="min", ascending=False)
    out = frame.assign(point_rank=point.astype("int64"), _widened=widened.to_numpy(dtype=bool))
    order = out.sort_values([*groups, "point_rank"], kind="stable")
    same_group = pd.Series(True, index=order.index)
    for g in groups:
        same_group &= order[g].eq(order[g].shift())
    lo, hi = order[low], order[high]
    overlap = (np.maximum(lo, lo.shift()) <= np.minimum(hi, hi.shift())) & same_group
    overlap &= order["_widened"] | order["_widened"].shift(fill_value=False)
    chain = (~overlap).cumsum()
    rank = order["point_rank"].groupby(chain).transform("min")
    shared = rank.groupby(chain).transform("size") > 1
    out["rank"] = rank.reindex(out.index).astype("int64")
    out["rank_shared"] = (shared & order["point_rank"].groupby(chain).transform("nunique").gt(1)).reindex(out.index)
    return out.drop(columns="_widened")


def rank_regions(evaluation: Evaluation, indicators: list[str] | None = None) -> pd.DataFrame:
    """Overall ranking: share of key targets attained, then mean progress score; ties shared.

    An uncertain verdict (its 95% interval holds the target) could go either way, so each
    region's share of targets attained is an interval: from ``attained_share_low`` (every
    uncertain attained verdict missed) to ``attained_share_high`` (every uncertain
    unattained verdict met). Regions next to each other in the ranking whose share intervals
    overlap, where either holds an uncertain verdict, share a rank (``rank_shared``);
    ``point_rank`` is the rank by the point values alone and ``uncertain`` counts the
    uncertain verdicts.
    """
    attained_status = [Status.ATTAINED_EARLY.value, Status.ATTAINED.value, Status.BASICALLY_ATTAINED.value]
    rows = _key_rows(evaluation, indicators)
    uncertain = rows["uncertain"].fillna(False).astype(bool) if "uncertain" in rows else pd.Series(False, index=rows.index)
    rows = rows.assign(
        attained_flag=rows["status"].isin(attained_status),
        assessable_flag=~rows["status"].isin([Status.NOT_ASSESSABLE.value, Status.NEEDS_ASSESSMENT.value]),
        uncertain_flag=uncertain,
    )
    rows = rows.assign(score=_score(rows), could_miss=rows["attained_flag"] & rows["uncertain_flag"],
                       could_meet=~rows["attained_flag"] & rows["assessable_flag"] & rows["uncertain_flag"])
    grouped = rows.groupby("region", sort=False)
    out = pd.DataFrame({
        "targets": grouped.size(),
        "assessable": grouped["assessable_flag"].sum(),
        "attained": grouped["attained_flag"].sum(),
        "uncertain": grouped["uncertain_flag"].sum(),
        "mean_score": grouped["score"].mean().round(6),
        "_miss": grouped["could_miss"].sum(),
        "_meet": grouped["could_meet"].sum(),
    })
    assessable = out["assessable"].where(out["assessable"] > 0)
    out["attained_share"] = (out["attained"] / assessable).round(6)
    out["attained_share_low"] = ((out["attained"] - out["_miss"]) / assessable).round(6)
    out["attained_share_high"] = ((out["attained"] + out["_meet"]) / assessable).round(6)
    out["_key"] = out["attained_share"].fillna(-1) * 1e6 + out["mean_score"].fillna(-10)
    out = out.reset_index()
    out = _shared_ranks(out, [], "_key", "attained_share_low", "attained_share_high", out["uncertain"] > 0)
    out.insert(1, "region_name", out["region"].map(region_names(evaluation.plan)))
    return out.sort_values(["rank", "point_rank", "region"], kind="stable").reset_index(drop=True)[
        ["rank", "region", "region_name", "targets", "assessable", "attained", "attained_share", "mean_score",
         "uncertain", "attained_share_low", "attained_share_high", "point_rank", "rank_shared"]
    ]


def rank_by_indicator(evaluation: Evaluation, indicators: list[str] | None = None) -> pd.DataFrame:
    """Per key target and sex: regions ranked by progress score, ties shared, uncertain regions by their interval.

    ``point_rank`` ranks by the score alone. A region whose value carries a small-number
    interval (``ci_lower``, ``ci_upper``) is placed by it: regions next to each other in the
    ranking whose intervals (or, without counts, values) overlap, where either has an
    interval, share a rank (``rank``, ``rank_shared``). The rule can be checked from the
    table's own columns.
    """
    rows = _key_rows(evaluation, indicators)
    rows = rows.assign(score=_score(rows))
    columns = ["target_id", "indicator", "name_zh", "sex", "region", "region_name", "progress", "progress_class", "score",
               "value", "ci_lower", "ci_upper", "uncertain"]
    out = rows[[c for c in columns if c in rows]].copy()
    for column in ("value", "ci_lower", "ci_upper"):
        if column not in out:
            out[column] = np.nan
    out["uncertain"] = out["uncertain"].fillna(False).astype(bool) if "uncertain" in out else False
    widened = out["ci_lower"].notna() & out["ci_upper"].notna()
    out["_low"] = out["ci_lower"].where(widened, out["value"])
    out["_high"] = out["ci_upper"].where(widened, out["value"])
    out["_key"] = out["score"]
    ranked = out[out["score"].notna()]
    unranked = out[out["score"].isna()]
    if len(ranked):
        ranked = _shared_ranks(ranked, ["target_id", "sex"], "_key", "_low", "_high", widened.loc[ranked.index])
    unranked = unranked.assign(point_rank=np.nan, rank=np.nan, rank_shared=False)
    out = pd.concat([ranked, unranked]).drop(columns=["_low", "_high", "_key"])
    out["rank"] = out["rank"].astype("Int64")
    out["point_rank"] = out["point_rank"].astype("Int64")
    out["rank_shared"] = out["rank_shared"].fillna(False).astype(bool)
    return out.sort_values(["target_id", "sex", "rank", "point_rank", "region"], kind="stable").reset_index(drop=True)


