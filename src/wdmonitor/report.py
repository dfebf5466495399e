"""What a report says: the tables and sections of the 中期/终期评估报告, 年度监测 and 预警.

One content model serves every output. :func:`evaluation_tables`, :func:`annual_tables`
and :func:`warning_tables` build the worksheets (in the reader's language, numbers with
their reporting precision); :func:`evaluation_document` and friends build a
:class:`ReportDocument` — title, provenance, sections of text, tables and charts — which
:mod:`wdmonitor.report_docx` renders as Word and :mod:`wdmonitor.report_html` as a
standalone web page, so the two always show the same thing.

Sentences are generated from the verdicts, for instance
``孕产妇死亡率2024年为3.9/10万，提前实现2025年目标（≤10.5/10万）。``

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import evaluate, load_plan
>>> plan = load_plan("tests/data/plans/minimal.yaml")
>>> frame = pd.DataFrame({"region": "211400", "year": [2020, 2021, 2022, 2023, 2024],
...                       "indicator": "maternal_mortality_ratio", "sex": "female",
...                       "value": [16.9, 16.1, 15.7, 15.1, 14.3]})
>>> print(verdict_sentences(evaluate(frame, plan))[0])
孕产妇死亡率2024年为14.3/10万，未实现2025年目标（≤10.5/10万）。
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .tables import (
    SEVERITY_FILLS,
    STATUS_FILLS,
    ReportTable,
    format_number,
    header,
    localise,
    precision_of,
    region_names,
    status_text,
)
from .vocabulary import Area, Severity, Sex, Status, TargetKind, WarningFlag, name_of

if TYPE_CHECKING:
    from .annual import AnnualReport
    from .early_warning import EarlyWarnings
    from .evaluation import Evaluation
    from .indicators import Plan

__all__ = [
    "Chart",
    "ReportDocument",
    "Section",
    "annual_document",
    "annual_tables",
    "evaluation_csv",
    "evaluation_document",
    "evaluation_tables",
    "target_text",
    "verdict_sentences",
    "warning_document",
    "warning_tables",
]

_T = {
    "summary": ("汇总", "Summary"), "trace": ("计算过程", "Trace"), "provenance": ("来源", "Provenance"),
    "annual": ("年度监测", "Annual monitoring"), "flags": ("预警", "Early warnings"), "method": ("方法", "Method"),
    "midterm": ("中期评估报告", "Mid-term evaluation report"), "final": ("终期评估报告", "Final evaluation report"),
    "interim": ("评估报告", "Evaluation report"), "not_met": ("未实现和结论不确定的目标", "Targets not attained or uncertain"),
    "warnings": ("预警：预计达标困难、波动较大", "Early warnings: projected to miss, volatile"),
    "qualitative": ("待评估的定性目标", "Qualitative goals awaiting assessment"), "charts": ("图表", "Charts"),
    "overview": ("总体情况", "Overview"), "data": ("数据来源", "Data and provenance"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


# -- the plan's wording of a target -----------------------------------------------------------
def target_text(kind: str, value: float, lower: float, upper: float, decimals: int, unit: str, lang: str = "zh",
                reference: str = "") -> str:
    """A target as the plan states it: ``≤10.5``, ``≥90%``, ``95%左右``, ``提高`` …

    Examples
    --------
    >>> target_text("at_most", 10.5, np.nan, np.nan, 1, "/10万"), target_text("around", 95, np.nan, np.nan, 1, "%", "en")
    ('≤10.5/10万', 'around 95%')
    """
    # as the plan writes it (10.5, 92.17); a target derived from a baseline is cut to two decimals
    number = f"{round(float(value), max(decimals, 2)):.10g}" if value is not None and value == value else ""
    sign = unit if unit in ("%", "‰") or unit.startswith("/") else (f" {unit}" if unit else "")
    if kind in ("at_least", "maintain_at_least", "coverage", "count", "relative_to_baseline") and number:
        return f"≥{number}{sign}"
    if kind in ("at_most", "maintain_at_most") and number:
        return f"≤{number}{sign}"
    if kind == "around" and number:
        return f"around {number}{sign}" if lang == "en" else f"{number}{sign}左右"
    if kind in ("band", "parity") and not (np.isnan(lower) or np.isnan(upper)):
        return f"{float(lower):.10g}–{float(upper):.10g}{'' if kind == 'parity' else sign}"
    if kind == "relative_to" and reference:
        return f"not below {reference}" if lang == "en" else f"不低于{reference}"
    try:
        return name_of(TargetKind, kind, lang)
    except ValueError:
        return kind


def _stated(evaluation: Evaluation) -> pd.DataFrame:
    """Per row: the target value the plan states for ``target_year`` and the milestone beside it."""
    plan = evaluation.plan
    table = evaluation.table
    values = {(t.id, year): v for t in plan.targets for year, v in t.values.items()}
    keys = zip(table["target_id"], table["stated_target_year"].fillna(-1).astype(int), strict=True)
    stated = pd.Series([values.get(k, np.nan) for k in keys], index=table.index, dtype=float)
    milestone = table["target"].where(table["target_source"] == "milestone")
    derived = table["target_source"].isin(["baseline_plus_delta"])
    stated = stated.where(~derived, table["target"])
    return pd.DataFrame({"stated": stated, "milestone": milestone})


def _ordered(table: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Rows in the plan's order: target, then the jurisdiction and its regions, then sex."""
    target_order = {t.id: i for i, t in enumerate(plan.targets)}
    region_order = {code: i for i, code in enumerate(plan.region_codes)}
    sex_order = {Sex.FEMALE.value: 0, Sex.MALE.value: 1, Sex.TOTAL.value: 2}
    keys = pd.DataFrame({
        "t": table["target_id"].map(target_order).fillna(len(target_order)),
        "r": table["region"].astype(str).map(region_order).fillna(len(region_order)),
        "s": table["sex"].map(sex_order).fillna(3),
        "a": table["area_type"].astype(str),
    }, index=table.index)
    return table.loc[keys.sort_values(["t", "r", "s", "a"], kind="stable").index]


def _status_fills(lang: str) -> dict[str, str]:
    fills = {}
    suffix = " (uncertain)" if lang == "en" else "（不确定）"
    for code, colour in STATUS_FILLS.items():
        fills[name_of(Status, code, lang)] = colour
        fills[name_of(Status, code, lang) + suffix] = colour
    return fills


def _severity_fills(lang: str) -> dict[str, str]:
    return {name_of(Severity, code, lang): colour for code, colour in SEVERITY_FILLS.items()}


# -- evaluation tables ------------------------------------------------------------------------
def _target_rows(evaluation: Evaluation, rows: pd.DataFrame, lang: str) -> ReportTable:
    """The report table of ``rows``: 序号, 指标, 规划原文, 目标值, 目标年, 序时进度, 基期, 监测值, 结论, 进展."""
    plan = evaluation.plan
    stated = _stated(evaluation).loc[rows.index]
    decimals = precision_of(plan, rows["indicator"], rows["kind"])
    shown = localise(rows, lang, plan)
    names = shown["name_zh"].where(rows["kind"] != TargetKind.QUALITATIVE.value, "")
    reference = rows["reference"].map(lambda i: (plan.indicators[i].name_en if lang == "en" else plan.indicators[i].name_zh)
                                      if isinstance(i, str) and i in plan.indicators else "")
    targets = [target_text(k, v, lo, hi, int(d), u, lang, ref) if k != TargetKind.QUALITATIVE.value else ""
               for k, v, lo, hi, d, u, ref in zip(rows["kind"], stated["stated"], rows["band_lower"], rows["band_upper"],
                                                   decimals, shown["unit"], reference, strict=True)]
    h = {c: header(c, lang) for c in ("number", "indicator_name", "text_zh", "region_name", "sex", "area_type", "unit",
                                       "stated_target", "target_year", "milestone", "baseline_year", "baseline", "data_year",
                                       "value", "status", "final_status", "progress_class")}
    frame = pd.DataFrame({
        h["number"]: rows["goal_no"].astype(str).to_numpy(),
        h["indicator_name"]: names.to_numpy(),
        h["text_zh"]: rows["text_zh"].to_numpy(),
        h["region_name"]: shown["region_name"].to_numpy(),
        h["sex"]: shown["sex"].to_numpy(),
        h["area_type"]: shown["area_type"].to_numpy(),
        h["unit"]: shown["unit"].to_numpy(),
        h["stated_target"]: targets,
        h["target_year"]: rows["stated_target_year"].astype("Int64").to_numpy(),
        h["milestone"]: stated["milestone"].to_numpy(),
        h["baseline_year"]: rows["baseline_year"].astype("Int64").to_numpy(),
        h["baseline"]: rows["baseline"].to_numpy(dtype=float),
        h["data_year"]: rows["data_year"].astype("Int64").to_numpy(),
        h["value"]: rows["value"].to_numpy(dtype=float),
        h["status"]: status_text(rows["status"], rows["uncertain"], lang).to_numpy(),
        h["final_status"]: status_text(rows["final_status"], None, lang).to_numpy(),
        h["progress_class"]: shown["progress_class"].to_numpy(),
    })
    from .assessments import assessment_columns
    from .proxies import proxy_column

    judged = proxy_column(rows, plan, lang)  # a verdict judged on a proxy says so beside the indicator
    if judged is not None:
        frame.insert(2, str(judged.name), judged.to_numpy())
    beside = assessment_columns(rows, lang)  # a qualitative verdict's evidence and source beside it
    if beside is not None:
        at = list(frame.columns).index(h["status"]) + 1
        for offset, column in enumerate(beside.columns):
            frame.insert(at + offset, column, beside[column].to_numpy())
    if (rows["area_type"].astype(str) == "total").all():
        frame = frame.drop(columns=h["area_type"])
    if stated["milestone"].isna().all():
        frame = frame.drop(columns=h["milestone"])
    places = pd.Series(decimals.to_numpy(), index=frame.index)
    numeric = {h[c]: places for c in ("milestone", "baseline", "value") if h[c] in frame}
    fills = _status_fills(lang)
    return ReportTable(frame=frame, decimals=numeric, fills={h["status"]: fills, h["final_status"]: fills}, wrap=(h["text_zh"],))


def _summary(evaluation: Evaluation, lang: str, region: str | None = None) -> ReportTable:
    """The summary by area: 达标率 against the milestones and against the final targets, each
    over the firm verdicts with the uncertain ones counted beside it (:meth:`Evaluation.summary`)."""
    summary = evaluation.summary(region)
    names = [Area(a).name_en if lang == "en" else Area(a).name_zh for a in summary["area"][:-1]] + ["Total" if lang == "en" else "合计"]
    columns = ["goals", "targets", "assessable", "attained_early", "attained", "basically_attained", "not_attained",
               "needs_assessment", "not_assessable"]
    frame = pd.DataFrame({header("area", lang): names})
    for column in columns:
        label = name_of(Status, column, lang) if column in set(Status) else header(column, lang)
        label = label[:1].upper() + label[1:]  # a column header (English names are lower case in sentences)
        frame[label] = summary[column].to_numpy()
    uncertain = "结论不确定" if lang == "zh" else "Uncertain"
    against = ("（序时进度）" if lang == "zh" else " (milestones)") if evaluation.stage == "midterm" else ""
    rate = header("attainment_rate", lang) + against  # both rates named (methodology §8)
    final_header = header("final_attainment_rate", lang)
    frame[uncertain + against] = summary["uncertain"].to_numpy()
    frame[rate] = summary["attainment_rate"].to_numpy()
    frame[uncertain + ("（对照终期目标）" if lang == "zh" else " (final targets)")] = summary["final_uncertain"].to_numpy()
    frame[final_header] = summary["final_attainment_rate"].to_numpy()
    return ReportTable(frame=frame, decimals={rate: 1, final_header: 1}, percent=(rate, final_header))


def _trace(evaluation: Evaluation, lang: str) -> pd.DataFrame:
    columns = ["target_id", "indicator", "region", "sex", "area_type", "kind", "target", "target_source", "progress",
               "progress_measure", "shortfall", "threshold", "distance", "ci_lower", "ci_upper", "uncertain", "evidence",
               "assessed_by", "assessed_on", "assessment_basis", "assessment_source", "proxy_for", "judged_on",
               "reading", "trace"]
    rows = _ordered(evaluation.table, evaluation.plan)[columns]
    return rows.rename(columns={c: header(c, lang) for c in columns})


def _provenance(provenance: dict[str, Any], lang: str) -> pd.DataFrame:
    return pd.DataFrame({header("key", lang): list(provenance), ("值" if lang == "zh" else "Value"): [str(v) for v in provenance.values()]})


def evaluation_tables(evaluation: Evaluation, lang: str = "zh") -> dict[str, Any]:
    """The evaluation workbook's sheets: summary, one per area, the trace, the provenance.

    Each area sheet has one row per target and region (and sex) in the plan's order, as the
    report prints it; the trace and the technical columns sit in their own sheet.
    """
    plan = evaluation.plan
    sheets: dict[str, Any] = {_t("summary", lang): _summary(evaluation, lang).sheet()}
    table = _ordered(evaluation.table, plan)
    for area in Area:
        rows = table[table["area"] == area.value]
        if len(rows):
            sheets[area.name_en if lang == "en" else area.name_zh] = _target_rows(evaluation, rows, lang).sheet(freeze_columns=2)
    sheets[_t("trace", lang)] = _trace(evaluation, lang)
    sheets[_t("provenance", lang)] = _provenance(evaluation.provenance, lang)
    return sheets


def evaluation_csv(evaluation: Evaluation, lang: str = "zh") -> pd.DataFrame:
    """The evaluation as one CSV table: the area sheets' columns, every area, numbers rounded."""
    plan = evaluation.plan
    table = _ordered(evaluation.table, plan)
    report = _target_rows(evaluation, table, lang)
    frame = report.rounded()
    frame.insert(0, header("area", lang), [name_of(Area, a, lang) for a in table["area"]])
    return frame


# -- sentences ----------------------------------------------------------------------------------
def verdict_sentences(evaluation: Evaluation, region: str | None = None, lang: str = "zh",
                      statuses: Sequence[str] = (Status.NOT_ATTAINED.value, Status.NOT_ASSESSABLE.value),
                      area: str | None = None) -> list[str]:
    """One sentence per row of ``region`` (and ``area``) whose status is in ``statuses`` or is uncertain.

    ``孕产妇死亡率2024年为9.8/10万，已实现2025年目标（≤10.5）。`` — the value and its year, the
    verdict, the target as the plan states it (and the milestone at the mid-term).
    """
    plan = evaluation.plan
    region = region or plan.jurisdiction.code
    table = _ordered(evaluation.table, plan)
    rows = table[(table["region"] == region) & table["kind"].ne(TargetKind.QUALITATIVE.value)
                 & (table["status"].isin(list(statuses)) | table["uncertain"].fillna(False).astype(bool))]
    if area is not None:
        rows = rows[rows["area"] == area]
    if rows.empty:
        return []
    stated = _stated(evaluation).loc[rows.index]
    decimals = precision_of(plan, rows["indicator"], rows["kind"])
    shown = localise(rows, lang, plan)
    stated_values = stated["stated"].to_numpy(dtype=float)
    milestones = stated["milestone"].to_numpy(dtype=float)
    sentences = []
    for i, index in enumerate(rows.index):
        row = rows.loc[index]
        d = int(decimals.iloc[i])
        unit = str(shown.at[index, "unit"])
        space = " " if lang == "en" and unit and not unit.startswith(("%", "‰")) else ""
        name = str(shown.at[index, "name_zh"])
        if row["sex"] in (Sex.FEMALE.value, Sex.MALE.value) and plan.indicators[row["indicator"]].sex_scope.value == "both":
            sex = str(shown.at[index, "sex"])
            name += f" ({sex})" if lang == "en" else f"（{sex}）"
        status = name_of(Status, row["status"], lang)
        reference = row["reference"]
        reference_name = ((plan.indicators[reference].name_en if lang == "en" else plan.indicators[reference].name_zh)
                          if isinstance(reference, str) and reference in plan.indicators else "")
        text = target_text(str(row["kind"]), stated_values[i], float(row["band_lower"]), float(row["band_upper"]),
                           d, unit, lang, reference_name)
        value = format_number(row["value"], d)
        if row["status"] == Status.NOT_ASSESSABLE.value or not value:
            sentences.append(f"{name}: no data for {evaluation.year}, not assessable." if lang == "en"
                             else f"{name}缺少{evaluation.year}年前的监测数据，无法评估。")
            continue
        year = int(row["data_year"])
        target_year = int(row["stated_target_year"]) if pd.notna(row["stated_target_year"]) else evaluation.year
        milestone = milestones[i]
        if lang == "en":
            goal = (f"the {evaluation.year} milestone ({format_number(milestone, d)}{space}{unit}) towards the {target_year} target ({text})"
                    if pd.notna(milestone) else f"the {target_year} target ({text})")
            sentence = f"{name} was {value}{space}{unit} in {year}: {goal} {status}"
            if row["uncertain"]:
                sentence += " (uncertain: few cases)"
        else:
            goal = (f"{evaluation.year}年序时进度目标（{format_number(milestone, d)}{unit}，{target_year}年目标{text}）"
                    if pd.notna(milestone) else f"{target_year}年目标（{text}）")
            sentence = f"{name}{year}年为{value}{unit}，{status}{goal}"
            if row["uncertain"]:
                sentence += "，因例数较少结论不确定"
        sentences.append(sentence + "。" if lang == "zh" else sentence + ".")
    return sentences


# -- the document ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A chart as PNG bytes, with its caption."""

    caption: str
    png: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A heading and what follows it: paragraphs, bullet points, tables, charts, subsections."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    charts: tuple[Chart, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportDocument:
    """A report's content, in one language, for :mod:`report_docx` and :mod:`report_html`."""

    title: str
    subtitle: str
    lang: str
    provenance: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def to_docx(self, path: Any) -> Any:
        from .report_docx import write_docx

        return write_docx(self, path)

    def to_html(self) -> str:
        from .report_html import render_html

        return render_html(self)


def _png(ax: Any) -> bytes:
    buffer = io.BytesIO()
    figure = ax.get_figure(root=True)
    figure.savefig(buffer, format="png", dpi=110)  # constrained layout already fits the labels
    return buffer.getvalue()


def _new_axes(height: float = 4.0) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(8.0, height), layout="constrained").subplots()


def _chart_language(lang: str) -> str:
    import warnings

    from .plotting import _language

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _language(lang)[0]


def _plan_title(plan: Plan, lang: str) -> str:
    return plan.title_en if lang == "en" and plan.title_en else plan.title_zh


def _provenance_lines(provenance: dict[str, Any], lang: str) -> tuple[tuple[str, str], ...]:
    labels = {"plan": ("规划", "Plan"), "year": ("评估年", "Year"), "stage": ("阶段", "Stage"), "rules": ("规则", "Rules"),
              "rules_sha256": ("规则SHA-256", "Rules SHA-256"), "projection": ("预测方法", "Projection"),
              "wdmonitor": ("wdmonitor版本", "wdmonitor version"), "rows_in": ("输入行数", "Rows read"),
              "rows_valid": ("有效行数", "Valid rows"), "data_sha256": ("数据SHA-256", "Data SHA-256"),
              "store": ("监测数据库", "Monitoring database")}
    return tuple(((labels[k][1] if lang == "en" else labels[k][0]) if k in labels else k, str(v)) for k, v in provenance.items())


def evaluation_document(evaluation: Evaluation, lang: str = "zh", *, frame: pd.DataFrame | None = None,
                        warnings: EarlyWarnings | None = None, charts: bool = True,
                        regions: Sequence[str] = ()) -> ReportDocument:
    """The 中期/终期评估报告 draft: summary, a section per area, goals not met, warnings, charts.

    Parameters
    ----------
    evaluation : Evaluation
    lang : {"zh", "en"}
    frame : DataFrame, optional
        The data evaluated: with it the early warnings are computed (when ``warnings`` is not
        given) and each key indicator's trajectory is drawn.
    warnings : EarlyWarnings, optional
    charts : bool
        Embed the charts (statuses by area, one per area, trajectories).
    regions : sequence of str
        Sub-region codes that get their own section (per county sections).
    """
    plan = evaluation.plan
    top = plan.jurisdiction.code
    table = _ordered(evaluation.table, plan)
    own = table[table["region"] == top]
    chart_lang = _chart_language(lang) if charts else lang
    if warnings is None and frame is not None:
        from .early_warning import flag_early_warnings

        warnings = flag_early_warnings(frame, plan)
    summary = _summary(evaluation, lang)
    total = evaluation.summary().iloc[-1]
    rate = format_number(total["attainment_rate"], 1, percent=True)
    if lang == "en":
        overview = (f"Of the plan's {int(total['targets'])} targets, {int(total['assessable'])} could be assessed at "
                    f"{evaluation.year}; of the {int(total['assessable']) - int(total['uncertain'])} firm verdicts "
                    f"{rate} were attained (early, fully or basically), and {int(total['uncertain'])} verdicts rest on too "
                    "few cases to be firm. "
                    f"{int(total['needs_assessment'])} qualitative goals await the committee's assessment.")
    else:
        overview = (f"规划共{int(total['targets'])}项目标，{evaluation.year}年可评估{int(total['assessable'])}项，"
                    f"其中{int(total['uncertain'])}项因例数较少结论不确定，其余结论确定的目标达标率{rate}"
                    f"（含提前实现、已实现和基本实现）；{int(total['needs_assessment'])}项定性目标待评估。")
    from .proxies import proxy_sentence

    overview = " ".join(filter(None, (overview, proxy_sentence(evaluation, lang)))) if lang == "en" else \
        overview + proxy_sentence(evaluation, lang)
    overview_charts: list[Chart] = []
    if charts:
        from .plotting import plot_status_summary

        ax = plot_status_summary(own if len(own) else table, ax=_new_axes(), lang=chart_lang)
        overview_charts.append(Chart(caption=ax.get_title(), png=_png(ax)))
    sections = [Section(heading=_t("overview", lang), paragraphs=(overview,), tables=(summary,), charts=tuple(overview_charts))]

    area_sections = []
    for area in Area:
        rows = own[own["area"] == area.value]
        if rows.empty:
            continue
        area_charts: list[Chart] = []
        numeric = table[(table["area"] == area.value) & (table["kind"] != TargetKind.QUALITATIVE.value)]
        if charts and len(numeric):
            from .plotting import plot_area_status

            ax = plot_area_status(evaluation, area.value, lang=chart_lang,
                                  ax=_new_axes(max(2.5, 0.32 * numeric["indicator"].nunique() + 1.6)))
            area_charts.append(Chart(caption=ax.get_title(), png=_png(ax)))
        picked = verdict_sentences(evaluation, top, lang, area=area.value)
        area_sections.append(Section(heading=area.name_en if lang == "en" else area.name_zh, paragraphs=tuple(picked),
                                     tables=(_target_rows(evaluation, rows, lang),), charts=tuple(area_charts)))
    sections.extend(area_sections)

    not_met = verdict_sentences(evaluation, top, lang)
    sections.append(Section(heading=_t("not_met", lang), bullets=tuple(not_met) or (
        ("Every assessable target was attained." if lang == "en" else "可评估目标均已实现。"),)))
    if warnings is not None:
        sections.append(_warning_section(warnings, lang, top))
    from .assessments import report_sections

    sections.extend(report_sections(evaluation, lang))  # every verdict with its evidence; what awaits, per region
    for code in regions:
        name = region_names(plan, lang).get(code, code)
        part = table[table["region"] == code]
        if part.empty:
            continue
        sections.append(Section(heading=name, tables=(_summary(evaluation, lang, code), _target_rows(evaluation, part, lang)),
                                bullets=tuple(verdict_sentences(evaluation, code, lang))))
    if charts and frame is not None:
        sections.append(Section(heading=_t("charts", lang), charts=tuple(_trajectories(evaluation, frame, chart_lang))))
    stage = _t(evaluation.stage, lang)
    title = f"{_plan_title(plan, lang)} {stage}" if lang == "zh" else f"{_plan_title(plan, lang)}: {stage}"
    subtitle = (f"{evaluation.year} evaluation · draft generated by wdmonitor" if lang == "en"
                else f"{evaluation.year}年评估 · wdmonitor 生成的草稿")
    return ReportDocument(title=title, subtitle=subtitle, lang=lang, provenance=_provenance_lines(evaluation.provenance, lang),
                          sections=tuple(sections))


#: Most trajectories a report embeds (each chart costs about half a second to draw).
MAX_TRAJECTORIES = 12


def _trajectories(evaluation: Evaluation, frame: pd.DataFrame, lang: str) -> list[Chart]:
    """Trajectories of the key indicators the report speaks of: those not attained or uncertain."""
    from .plotting import _series, plot_trajectory
    from .trends import project_series

    plan = evaluation.plan
    top = plan.jurisdiction.code
    own = evaluation.table[evaluation.table["region"] == top]
    key = own[(own["section"] == "main_goal") & (own["progress_measure"] == "ratio")
              & (own["status"].isin([Status.NOT_ATTAINED.value]) | own["uncertain"].fillna(False).astype(bool))]
    charts = []
    for indicator in list(dict.fromkeys(key["indicator"].astype(str)))[:MAX_TRAJECTORIES]:
        sex = plan.indicator(indicator).sexes[0].value
        series = _series(frame, indicator, top, sex)
        if series.empty:
            continue
        projection = project_series(frame, plan, indicator, top, sex, method="ols") if series["year"].nunique() >= 3 else None
        ax = plot_trajectory(frame, plan, indicator, top, sex, projection=projection, evaluation=evaluation, ax=_new_axes(), lang=lang)
        charts.append(Chart(caption=ax.get_title(), png=_png(ax)))
    return charts


# -- warnings ----------------------------------------------------------------------------------
def _warning_table(flags: pd.DataFrame, plan: Plan, lang: str) -> ReportTable:
    shown = localise(flags, lang, plan)
    columns = {"name_zh": "indicator_name", "region_name": "region_name", "sex": "sex", "flag": "flag", "check": "check",
               "severity": "severity", "target_year": "target_year"}
    frame = pd.DataFrame({header(v, lang): shown[k].to_numpy() for k, v in columns.items()})
    frame[header("target_year", lang)] = flags["target_year"].astype("Int64").to_numpy()
    frame[header("message", lang)] = flags["message_en" if lang == "en" else "message_zh"].to_numpy()
    return ReportTable(frame=frame, fills={header("severity", lang): _severity_fills(lang)}, wrap=(header("message", lang),))


def _warning_section(warnings: EarlyWarnings, lang: str, region: str) -> Section:
    flags = warnings.table
    serious = flags[(flags["region"] == region) & flags["severity"].isin([Severity.ALERT.value, Severity.WARNING.value])
                    & flags["flag"].isin([WarningFlag.PROJECTED_MISS.value, WarningFlag.VOLATILITY.value,
                                          WarningFlag.DETERIORATION.value, WarningFlag.GAP_WIDENING.value])]
    if lang == "en":
        intro = f"As of {warnings.as_of}, {len(serious)} warnings and alerts for {region_names(warnings.plan, 'en').get(region, region)}:"
    else:
        intro = f"截至{warnings.as_of}年，{region_names(warnings.plan).get(region, region)}共有{len(serious)}条预警和警报："
    table = _warning_table(serious, warnings.plan, lang) if len(serious) else None
    return Section(heading=_t("warnings", lang), paragraphs=(intro,), tables=(table,) if table is not None else ())


def warning_tables(warnings: EarlyWarnings, lang: str = "zh") -> dict[str, Any]:
    """The 预警 workbook: the list (severity coloured, messages in the report's language), the trace, the method."""
    flags = warnings.table
    listing = _warning_table(flags, warnings.plan, lang).sheet(freeze_columns=1)
    trace_columns = [c for c in flags.columns if c not in ("name_zh", "region_name", "message_zh", "message_en")]
    trace = flags[trace_columns].rename(columns={c: header(c, lang) for c in trace_columns})
    return {_t("flags", lang): listing, _t("trace", lang): trace, _t("method", lang): _provenance(warnings.provenance, lang)}


def warning_document(warnings: EarlyWarnings, lang: str = "zh") -> ReportDocument:
    """The 预警 list as a document: a section per region with its warnings and alerts."""
    plan = warnings.plan
    sections = []
    for code in plan.region_codes:
        section = _warning_section(warnings, lang, code)
        if section.tables:
            sections.append(Section(heading=region_names(plan, lang).get(code, code), paragraphs=section.paragraphs,
                                    tables=section.tables))
    title = f"{_plan_title(plan, lang)} " + _t("flags", lang)
    subtitle = f"as of {warnings.as_of}, projection {warnings.method}" if lang == "en" else f"截至{warnings.as_of}年，预测方法{warnings.method}"
    return ReportDocument(title=title, subtitle=subtitle, lang=lang, provenance=_provenance_lines(warnings.provenance, lang),
                          sections=tuple(sections))


# -- annual ------------------------------------------------------------------------------------
def _annual_table(report: AnnualReport, rows: pd.DataFrame, lang: str) -> ReportTable:
    plan = report.plan
    decimals = precision_of(plan, rows["indicator"], rows["kind"])
    shown = localise(rows, lang, plan)
    names = ("number", "indicator_name", "region_name", "sex", "unit", "baseline_year", "baseline", "latest_year",
             "latest_value", "final_year", "final_target_value", "progress_class", "severity", "checks", "message")
    h = {c: header(c, lang) for c in names}
    frame = pd.DataFrame({
        h["number"]: rows["goal_no"].astype(str).to_numpy(), h["indicator_name"]: shown["name_zh"].to_numpy(),
        h["region_name"]: shown["region_name"].to_numpy(), h["sex"]: shown["sex"].to_numpy(), h["unit"]: shown["unit"].to_numpy(),
        h["baseline_year"]: rows["baseline_year"].astype("Int64").to_numpy(), h["baseline"]: rows["baseline"].to_numpy(dtype=float),
        h["latest_year"]: rows["latest_year"].astype("Int64").to_numpy(), h["latest_value"]: rows["latest_value"].to_numpy(dtype=float),
        h["final_year"]: rows["final_year"].astype("Int64").to_numpy(),
        h["final_target_value"]: rows["final_target_value"].to_numpy(dtype=float),
        h["progress_class"]: shown["progress_class"].to_numpy(), h["severity"]: shown["severity"].to_numpy(),
        h["checks"]: rows["checks"].to_numpy(), h["message"]: rows["message_en" if lang == "en" else "message_zh"].to_numpy(),
    })
    places = pd.Series(decimals.to_numpy(), index=frame.index)
    return ReportTable(frame=frame, decimals={h[c]: places for c in ("baseline", "latest_value", "final_target_value")},
                       fills={h["severity"]: _severity_fills(lang)}, wrap=(h["message"],))


def annual_tables(report: AnnualReport, lang: str = "zh") -> dict[str, Any]:
    """The 年度监测 workbook: the table in the plan's order, the warnings, the method."""
    rows = _ordered(report.table, report.plan)
    method = pd.DataFrame({header("key", lang): ["plan", "year", "projection", "rules"],
                           ("值" if lang == "zh" else "Value"): [report.plan.id, str(report.year), report.method, report.rules.name]})
    return {_t("annual", lang): _annual_table(report, rows, lang).sheet(freeze_columns=2),
            _t("flags", lang): _warning_table(report.flags, report.plan, lang).sheet(freeze_columns=1),
            _t("method", lang): method}


def annual_document(report: AnnualReport, lang: str = "zh") -> ReportDocument:
    """The 年度监测 report: a section per area with the jurisdiction's table."""
    plan = report.plan
    rows = _ordered(report.table, plan)
    own = rows[rows["region"] == plan.jurisdiction.code]
    sections = []
    for area in Area:
        part = own[own["area"] == area.value]
        if len(part):
            sections.append(Section(heading=area.name_en if lang == "en" else area.name_zh, tables=(_annual_table(report, part, lang),)))
    title = f"{_plan_title(plan, lang)} " + _t("annual", lang) + f" {report.year}"
    provenance = {"plan": plan.id, "year": report.year, "rules": report.rules.name, "rules_sha256": report.rules.digest()}
    subtitle = f"projection {report.method}" if lang == "en" else f"预测方法 {report.method}"
    return ReportDocument(title=title, subtitle=subtitle, lang=lang, provenance=_provenance_lines(provenance, lang),
                          sections=tuple(sections))
