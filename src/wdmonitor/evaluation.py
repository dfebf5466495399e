"""``evaluate``: the mid-term and final evaluation (中期评估, 终期评估) of a plan.

Runs the steps — validation, the series matrix, target rows, attainment and progress — and
returns a frozen :class:`Evaluation` holding the table, with the summary, the ranking and
the exports as methods.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import evaluate, load_plan
>>> plan = load_plan("tests/data/plans/minimal.yaml")
>>> frame = pd.DataFrame({"region": "211400", "year": [2020, 2021, 2022, 2023, 2024],
...                       "indicator": "maternal_mortality_ratio", "sex": "female",
...                       "value": [16.9, 16.1, 15.7, 15.1, 14.3]})
>>> result = evaluate(frame, plan)
>>> row = result.table.query("kind == 'at_most'").iloc[0]
>>> print(row.status, int(row.data_year), bool(row.provisional))
not_attained 2024 True
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engine import judge_all, prepared
from .indicators import Plan
from .rules import DEFAULT_RULES, RuleSet
from .vocabulary import Area, Status, TargetKind

__all__ = ["Evaluation", "evaluate"]

#: Columns of :attr:`Evaluation.table`, in order.
TABLE_COLUMNS = (
    "area", "goal_no", "section", "target_id", "indicator", "name_zh", "name_en", "region", "region_name",
    "sex", "area_type", "unit", "kind", "baseline_year", "baseline", "baseline_source", "plan_baseline",
    "baseline_conflict", "target_year", "target",
    "target_source", "stated_target_year", "stated_target", "data_year", "value", "provisional", "status", "final_year", "final_target_value",
    "final_status", "final_shortfall", "final_threshold", "progress", "progress_measure", "progress_class", "latest_year", "latest_value",
    "shortfall", "threshold", "distance", "band_lower", "band_upper", "reference", "reference_value",
    "pre_baseline_change", "post_baseline_change", "maintained_all_years", "numerator", "denominator",
    "ci_lower", "ci_upper", "uncertain", "pooled", "pooled_years", "evidence", "assessed_by", "assessed_on", "assessment_basis",
    "assessment_source", "proxy_for", "judged_on", "text_zh", "reading", "trace",
)

_ATTAINED = (Status.ATTAINED_EARLY.value, Status.ATTAINED.value, Status.BASICALLY_ATTAINED.value)
_STATUS_ORDER = (Status.ATTAINED_EARLY.value, Status.ATTAINED.value, Status.BASICALLY_ATTAINED.value,
                 Status.NEEDS_ASSESSMENT.value, Status.NOT_ASSESSABLE.value, Status.NOT_ATTAINED.value)


def _number(values: pd.Series) -> np.ndarray:
    """Numbers as short text for traces ('–' for NaN), each distinct number formatted once."""
    numeric = pd.to_numeric(values, errors="coerce").astype(float).to_numpy(dtype=float)
    # years, targets and rounded values repeat across regions; told apart by their bits so
    # that -0.0 keeps its sign
    codes, bits = pd.factorize(np.round(numeric, 4).view(np.int64))
    # Python's str of each distinct float (what Series.astype(str) gives, without its string array)
    text = np.array([t[:-2] if t.endswith(".0") else t for t in map(str, bits.view(np.float64).tolist())], dtype=object)
    return np.where(np.isnan(numeric), "–", text[codes]).astype(object)


def _label(values: pd.Series) -> np.ndarray:
    """Labels as text for traces, each distinct label converted once (a missing one as '–')."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    text = np.append(pd.Series(distinct, dtype=object).astype(str).to_numpy(dtype=object), "–")
    return text[codes]


def _joined(*parts: str | np.ndarray) -> np.ndarray:
    """Row by row, the text pieces joined (a str piece is the same on every row): one join per row."""
    n = next(len(p) for p in parts if not isinstance(p, str))
    columns = [itertools.repeat(p, n) if isinstance(p, str) else p for p in parts]
    return np.array(["".join(row) for row in zip(*columns, strict=False)], dtype=object)


#: The columns a trace's clauses read (the rows of a clause are taken from these alone).
_TRACE_COLUMNS = pd.Index([
    "shortfall", "threshold", "band_lower", "band_upper", "distance", "reference", "reference_value",
    "pre_baseline_change", "post_baseline_change", "ci_lower", "ci_upper", "numerator", "denominator", "pooled_years",
    "plan_baseline", "final_year", "final_target_value", "final_shortfall", "final_threshold", "final_status",
    "progress_measure", "progress", "latest_year",
])


def _trace(table: pd.DataFrame, year: int) -> pd.Series:
    """A line per row with the inputs and intermediate numbers behind its verdict.

    A milestone (序时进度) is the target at the evaluation year ``year``, on the way to the
    stated one: its trace names both, ``T(2025, milestone towards 70 in 2030)=68.5524``.
    Each clause is formatted only for the rows it applies to, and each row's pieces are
    joined once.
    """
    index, table = table.index, table.reset_index(drop=True)
    target = _joined("T(", _label(table["target_year"]), ", ", _label(table["target_source"]), ")")
    milestone = np.flatnonzero((table["target_source"] == "milestone").to_numpy())
    if len(milestone):
        t = table.iloc[milestone]
        target[milestone] = _joined(f"T({year}, milestone towards ", _number(t["stated_target"]), " in ",
                                    _label(t["stated_target_year"]), ")")
    clauses = [_joined("y_b(", _number(table["baseline_data_year"]), ", ", _label(table["baseline_source"]), ")=",
                       _number(table["baseline"]), "; y_E(", _number(table["data_year"]), ")=", _number(table["value"]),
                       "; ", target, "=", _number(table["target"]))]

    def clause(where: Any, text: Callable[[pd.DataFrame], np.ndarray]) -> None:
        rows = np.flatnonzero(np.asarray(where, dtype=bool))
        if len(rows):
            column = np.full(len(table), "", dtype=object)
            column[rows] = text(table[_TRACE_COLUMNS.intersection(table.columns)].iloc[rows])
            clauses.append(column)

    clause(table["shortfall"].notna(), lambda t: _joined("; s=d·(T−y)=", _number(t["shortfall"]), ", basic≤",
                                                         _number(t["threshold"])))
    clause(table["band_lower"].notna(), lambda t: _joined("; band=[", _number(t["band_lower"]), ", ", _number(t["band_upper"]),
                                                          "], distance=", _number(t["distance"])))
    clause(table["reference_value"].notna(), lambda t: _joined("; reference ", _label(t["reference"]), "=",
                                                               _number(t["reference_value"])))
    clause(table["pre_baseline_change"].notna(), lambda t: _joined("; change/yr before b=", _number(t["pre_baseline_change"]),
                                                                   ", since b=", _number(t["post_baseline_change"])))
    clause(table["ci_lower"].notna(), lambda t: _joined("; 95% CI [", _number(t["ci_lower"]), ", ", _number(t["ci_upper"]),
                                                        "] from ", _number(t["numerator"]), "/", _number(t["denominator"])))
    if "pooled" in table:
        clause(table["pooled"].fillna(False).astype(bool), lambda t: _joined(" (pooled ", _label(t["pooled_years"]), ", Σd/Σn)"))
    clause(table["baseline_conflict"].fillna(False).astype(bool),
           lambda t: _joined("; the plan states y_b=", _number(t["plan_baseline"]), " (observed value used, W5 reports both)"))
    clause(table["final_shortfall"].notna(),
           lambda t: _joined("; final T(", _number(t["final_year"]), ")=", _number(t["final_target_value"]),
                             ": s_F=d·(T_F−y)=", _number(t["final_shortfall"]), ", basic≤", _number(t["final_threshold"]),
                             " → final ", _label(t["final_status"])))
    clause(table["progress"].notna(), lambda t: _joined("; ", _label(t["progress_measure"]), "=", _number(t["progress"]),
                                                        " at ", _number(t["latest_year"])))
    clauses += [" → ", _label(table["status"])]
    return pd.Series(_joined(*clauses), index=index, dtype=str)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Evaluation:
    """The result of :func:`evaluate`: the table and what is built from it.

    Attributes
    ----------
    table : DataFrame
        One row per target × region × sex (× area type); see :data:`TABLE_COLUMNS`.
    plan : Plan
    year : int
        The evaluation year E.
    stage : str
        ``midterm``, ``final`` or ``interim`` (any other year).
    rules : RuleSet
    provenance : dict
        What produced the table: plan, year, rule set, library version, the data's hash,
        and the monitoring database's state when the frame came from a :class:`Store`.
    """

    table: pd.DataFrame
    plan: Plan
    year: int
    stage: str
    rules: RuleSet = DEFAULT_RULES
    provenance: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        counts = self.table["status"].value_counts().to_dict()
        return f"Evaluation(plan={self.plan.id!r}, year={self.year}, stage={self.stage!r}, rows={len(self.table)}, status={counts})"

    # -- summaries ---------------------------------------------------------------------------
    def target_status(self, region: str | None = None) -> pd.DataFrame:
        """One status per target for ``region`` (the jurisdiction by default).

        A target judged on several series (female, male and the total, say) takes the least
        favourable status among the series that could be judged: not attained, then
        basically attained, then attained. It is 无法评估 (or 待评估) only when no series could
        be judged: a sex the data do not carry does not hide the verdict on the sexes they do.
        ``uncertain`` is true when a series with that status is uncertain (its 95% interval
        holds the target); ``final_status`` and ``final_uncertain`` are the same against
        the plan's final targets.
        """
        region = region or self.plan.jurisdiction.code
        rows = self.table[self.table["region"] == region]
        first = rows.drop_duplicates("target_id").set_index("target_id")
        out = first[["area", "goal_no", "section", "indicator", "name_zh", "kind"]].copy()
        for column, flag in (("status", "uncertain"), ("final_status", "final_uncertain")):
            status, uncertain = _decisive(rows, column)
            out[column] = status.reindex(out.index)
            out[flag] = uncertain.reindex(out.index).fillna(False).astype(bool)
        return out.reset_index()

    def summary(self, region: str | None = None) -> pd.DataFrame:
        """Per area and overall: goals, targets, assessable targets, each status count and 达标率.

        达标率 is counted twice, and both are named (methodology §8, mid-term counting):

        - ``attainment_rate`` (达标率（序时进度）): against the target at the evaluation year —
          the time-proportional milestone where the plan states only a later target;
        - ``final_attainment_rate`` (对照终期目标达标率): against the plan's final targets, as
          the national statistics bureau's mid-term reports count (提前实现 and 基本实现 in).

        Each is (attained early + attained + basically attained) / firm verdicts, where a firm
        verdict is an assessable one that is not uncertain; the uncertain verdicts are counted
        apart (``uncertain``, ``final_uncertain``) and in neither numerator nor denominator.
        Not-assessable and needs-assessment counts stand beside them; ``proxy`` counts the
        targets whose verdict rests on a proxy indicator (:mod:`wdmonitor.proxies`).
        """
        per_target = self.target_status(region)
        counts = pd.crosstab(per_target["area"], per_target["status"]).reindex(columns=list(_STATUS_ORDER), fill_value=0)
        goals = pd.Series({a.value: sum(1 for g in self.plan.goals if g.area is a) for a in Area})
        frame = pd.DataFrame(index=[a.value for a in Area])
        frame["area_zh"] = [a.name_zh for a in Area]
        frame["goals"] = goals
        frame["targets"] = per_target.groupby("area").size().reindex(frame.index, fill_value=0)
        frame = frame.join(counts).fillna(0)
        for column, flag, rate in (("status", "uncertain", "attainment_rate"),
                                   ("final_status", "final_uncertain", "final_attainment_rate")):
            assessable = ~per_target[column].isin([Status.NOT_ASSESSABLE.value, Status.NEEDS_ASSESSMENT.value])
            firm = assessable & ~per_target[flag]
            parts = pd.DataFrame({"area": per_target["area"], flag: assessable & per_target[flag], f"_{rate}_firm": firm,
                                  f"_{rate}_met": firm & per_target[column].isin(_ATTAINED)})
            frame = frame.join(parts.groupby("area").sum()).fillna(0)
        total = frame.drop(columns="area_zh").sum()
        frame.loc["total"] = total
        frame.loc["total", "area_zh"] = "合计"
        frame["assessable"] = frame["targets"] - frame[Status.NOT_ASSESSABLE.value] - frame[Status.NEEDS_ASSESSMENT.value]
        for rate in ("attainment_rate", "final_attainment_rate"):
            firm = frame[f"_{rate}_firm"]
            frame[rate] = frame[f"_{rate}_met"] / firm.where(firm > 0)  # unrounded: a table rounds once, as it prints
        for column in ("goals", "targets", "assessable", *_STATUS_ORDER, "uncertain", "final_uncertain"):
            frame[column] = frame[column].astype("int64")
        ordered = ["area_zh", "goals", "targets", "assessable", *_STATUS_ORDER, "uncertain", "attainment_rate",
                   "final_uncertain", "final_attainment_rate"]
        # targets whose verdict rests on a proxy indicator (替代性指标), counted and said in the report
        rows = self.table[self.table["region"] == (region or self.plan.jurisdiction.code)]
        judged_on = rows["judged_on"].fillna("").astype(str) != "" if "judged_on" in rows else pd.Series(False, index=rows.index)
        proxied = rows.loc[judged_on].drop_duplicates("target_id").groupby("area").size()
        frame["proxy"] = proxied.reindex(frame.index, fill_value=0).to_numpy()
        frame.loc["total", "proxy"] = int(proxied.sum())
        frame["proxy"] = frame["proxy"].astype("int64")
        return frame[[*ordered, "proxy"]].rename_axis("area").reset_index()

    def unjudged(self, lang: str = "zh") -> pd.DataFrame:
        """The valid series no verdict stands on (by indicator, sex, area type and age group), and why.

        Read from ``provenance["unjudged"]``: a row sent and accepted is judged or listed
        here, never dropped in silence.
        """
        frame = pd.DataFrame(self.provenance.get("unjudged", []),
                             columns=["indicator", "sex", "area_type", "age_group", "regions", "rows", "reason",
                                      "reason_en", "reason_zh"])
        return frame.drop(columns="reason_en" if lang == "zh" else "reason_zh")

    def ranking(self, indicators: list[str] | None = None) -> pd.DataFrame:
        """Rank the sub-regions on the plan's key indicators (重点指标排序); ties share a rank.

        Key indicators default to the numeric main-goal targets. Composite (library choice,
        documented in docs/methodology.md): first the share of assessable key targets attained
        (early, plain or basically), then the mean progress score, the progress ratio clipped
        to [−1, 1] with achieved targets counting 1. Regions equal on both share the rank.
        """
        from .tables import rank_regions

        return rank_regions(self, indicators)

    def indicator_ranking(self, indicators: list[str] | None = None) -> pd.DataFrame:
        """Per key indicator, the regions ranked by progress ratio (ties shared)."""
        from .tables import rank_by_indicator

        return rank_by_indicator(self, indicators)

    # -- exports -----------------------------------------------------------------------------
    def to_excel(self, path: str | Path, *, lang: str = "zh") -> Path:
        """Write the evaluation workbook as a report prints it.

        A summary sheet with 达标率 by area (against the milestones and against the final
        targets, as percentages); one sheet per area, one row per target and region in the
        plan's order — 序号, 指标, the plan's clause, 目标值 and 目标年 as the plan states them
        (the milestone beside them at the mid-term), 基期值, 监测值 and its year, 评估结论,
        against the final target, 进展 — with statuses by name and coloured, numbers with
        each indicator's precision as Excel number formats, filters, frozen panes and a
        landscape print set-up; the trace and technical columns in their own sheet; the
        provenance. ``lang="en"`` writes it in English.
        """
        from .report import evaluation_tables
        from .writers import write_excel

        return write_excel(path, evaluation_tables(self, lang))

    def to_csv(self, path: str | Path, *, lang: str = "zh") -> Path:
        """Write the area tables as one UTF-8 CSV (BOM for Excel): names, numbers rounded to precision.

        Text cells are neutralised against formulas; the same evaluation gives the same bytes.
        For the codes and every technical column, write :attr:`table` itself.
        """
        from .report import evaluation_csv
        from .writers import write_csv

        return write_csv(evaluation_csv(self, lang), path)

    def to_markdown(self, region: str | None = None, *, lang: str = "zh") -> str:
        """The summary and the per-target table of ``region`` as Markdown, rounded as printed."""
        from .report import _summary, _target_rows
        from .tables_markdown import to_markdown

        region = region or self.plan.jurisdiction.code
        title = self.plan.title_en if lang == "en" and self.plan.title_en else self.plan.title_zh
        stage = {"midterm": ("中期评估", "mid-term evaluation"), "final": ("终期评估", "final evaluation"),
                 "interim": ("评估", "evaluation")}[self.stage][lang == "en"]
        rows = self.table[self.table["region"] == region]
        from .report import _ordered

        rows = _ordered(rows, self.plan)
        return (f"# {title} — {stage} {self.year}\n\n" + to_markdown(_summary(self, lang, region).text()) + "\n"
                + to_markdown(_target_rows(self, rows, lang).text()))

    def report(self, *, lang: str = "zh", frame: pd.DataFrame | None = None, warnings: Any = None,
               charts: bool = True, regions: tuple[str, ...] | list[str] = ()) -> Any:
        """The :class:`~wdmonitor.report.ReportDocument` behind :meth:`to_docx` and :meth:`to_html`.

        See :func:`wdmonitor.report.evaluation_document` for the arguments.
        """
        from .report import evaluation_document

        return evaluation_document(self, lang, frame=frame, warnings=warnings, charts=charts, regions=tuple(regions))

    def to_docx(self, path: str | Path, *, lang: str = "zh", frame: pd.DataFrame | None = None, warnings: Any = None,
                charts: bool = True, regions: tuple[str, ...] | list[str] = ()) -> Path:
        """Write the 中期/终期评估报告 draft as Word (.docx).

        A title from the plan and the evaluation year, the summary by area with 达标率, a
        section per area with its table, chart and the goals not attained or uncertain in
        sentences generated from the verdicts, the early-warning list (when ``frame`` or
        ``warnings`` is given), the qualitative goals awaiting assessment, the key
        indicators' trajectories (with ``frame``), optional sections per region
        (``regions``) and the provenance; Chinese by default, English with ``lang="en"``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from wdmonitor import evaluate, load_plan
        >>> from wdmonitor.sample import load_sample
        >>> plan = load_plan("huludao-2021-2030")
        >>> frame = load_sample()
        >>> path = evaluate(frame, plan).to_docx(pathlib.Path(tempfile.mkdtemp()) / "中期评估报告.docx", charts=False)
        >>> path.suffix
        '.docx'
        """
        from .report_docx import write_docx

        return write_docx(self.report(lang=lang, frame=frame, warnings=warnings, charts=charts, regions=regions), path)

    def to_html(self, path: str | Path | None = None, *, lang: str = "zh", frame: pd.DataFrame | None = None,
                warnings: Any = None, charts: bool = True, regions: tuple[str, ...] | list[str] = ()) -> str:
        """The report as a standalone web page (the sections of :meth:`to_docx`); written to ``path`` when given."""
        from .report_html import render_html

        page = render_html(self.report(lang=lang, frame=frame, warnings=warnings, charts=charts, regions=regions))
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        import html

        from .report import _ordered, _summary, _target_rows
        from .report_html import TABLE_CSS, table_html

        stage = {"midterm": "中期评估", "final": "终期评估", "interim": "评估"}[self.stage]
        head = (f"<strong>{html.escape(self.plan.title_zh)} — {stage} {self.year}</strong> · {len(self.table)} rows"
                f" · rules {html.escape(self.rules.name)}")
        rows = _ordered(self.table[self.table["region"] == self.plan.jurisdiction.code], self.plan)
        return (f"<div><style>{TABLE_CSS}</style>{head}" + table_html(_summary(self, "zh"))
                + table_html(_target_rows(self, rows, "zh"), max_rows=60) + "</div>")


def _decisive(rows: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """Per target: the least favourable judged status in ``column``, and whether it is uncertain.

    Rows that could not be judged (无法评估, 待评估) count only when no row of the target was judged.
    """
    status = rows[column].astype(str)
    unjudged = status.isin([Status.NOT_ASSESSABLE.value, Status.NEEDS_ASSESSMENT.value])
    order = pd.Categorical(status, categories=_STATUS_ORDER, ordered=True)
    rank = pd.Series(order.codes, index=rows.index) + np.where(unjudged, -len(_STATUS_ORDER), 0)
    targets = rows["target_id"].to_numpy()
    worst = rank.groupby(targets, sort=False).transform("max")
    decisive = rank == worst
    flagged = rows["uncertain"].fillna(False).astype(bool) if column == "status" else _final_uncertain(rows)
    uncertain = (decisive & flagged & ~unjudged).groupby(targets, sort=False).any()
    picked = status[decisive].groupby(targets[decisive.to_numpy()], sort=False).first()
    return picked, uncertain


def _final_uncertain(rows: pd.DataFrame) -> pd.Series:
    """Whether the 95% interval of a row holds its final target (the verdict against it is uncertain)."""
    final = pd.to_numeric(rows["final_target_value"], errors="coerce").fillna(pd.to_numeric(rows["target"], errors="coerce"))
    lower = pd.to_numeric(rows["ci_lower"], errors="coerce")
    upper = pd.to_numeric(rows["ci_upper"], errors="coerce")
    counted = rows["uncertain"].notna() & lower.notna()
    return counted & (lower <= final) & (final <= upper) & rows["kind"].isin(TargetKind.family("interval"))


def _stage(plan: Plan, year: int) -> str:
    if year == plan.midterm_year:
        return "midterm"
    if year == plan.final_year:
        return "final"
    return "interim"


def judge_frame(valid: pd.DataFrame, plan: Plan, year: int, rules: RuleSet = DEFAULT_RULES) -> pd.DataFrame:
    """The verdict rows for an already validated frame (no validation, no assessments).

    The table of :func:`wdmonitor.engine.judge_all`, for benchmarks and property tests that
    need values validation would refuse (negated series, for instance).
    """
    return judge_all(valid, plan, year, rules).table


def evaluate(frame: pd.DataFrame, plan: Plan | str | Path, year: int | None = None, assessments: Any = None, *,
             rules: RuleSet = DEFAULT_RULES) -> Evaluation:
    """Evaluate every target of ``plan`` for every region and sex in ``frame`` at ``year``.

    Parameters
    ----------
    frame : DataFrame
        Canonical long frame (indicators, components or both); validated first. Read a
        file with :func:`~wdmonitor.read_submission` first.
    plan : Plan, str or Path
        The plan, a bundled plan id or the path of a plan file.
    year : int, optional
        Evaluation year; the plan's mid-term year by default, its final year for 终期评估.
    assessments : path or DataFrame, optional
        The committee's verdicts on qualitative targets (see :mod:`wdmonitor.assessments`).
    rules : RuleSet
        Thresholds; the methodology's defaults.

    Raises
    ------
    ArgumentError
        An argument of the wrong type or out of range (checked before any work).
    SubmissionError
        The frame fails validation (every failure case attached).
    """
    from .arguments import check_inputs, check_rules, check_year

    frame, plan = check_inputs(frame, plan, "evaluate")
    year, rules = check_year(year, "evaluate"), check_rules(rules, "evaluate")
    year = plan.midterm_year if year is None else year
    store_state = frame.attrs.get("store_state") if hasattr(frame, "attrs") else None
    valid = prepared(frame, plan)
    judged = judge_all(valid, plan, year, rules)
    provenance = {"rows_in": int(len(frame)), "rows_valid": int(len(valid)), "data_sha256": data_digest(valid)}
    if store_state is not None:
        provenance["store"] = store_state
    return evaluation_of(judged.table, judged.unjudged, plan, year, assessments, rules, provenance)


def data_digest(valid: pd.DataFrame) -> str:
    """SHA-256 of the valid rows' values (the source columns left out), for an evaluation's provenance."""
    values = valid.drop(columns=[c for c in valid if str(c).startswith("source")])
    return hashlib.sha256(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes()).hexdigest()


def traced(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The engine's verdict rows with their traces (:func:`_trace`, and the note of a row judged on a proxy).

    A row's trace stands on that row alone, so a partition's rows are traced where they are
    judged and :func:`evaluation_of` keeps those traces; a qualitative row's trace is the
    committee's verdict, written by :func:`evaluation_of` once every region's row is there.
    """
    from .proxies import proxy_trace

    table = table.assign(trace=_trace(table, year))
    table["trace"] = proxy_trace(table)
    return table


def evaluation_of(table: pd.DataFrame, unjudged: pd.DataFrame, plan: Plan, year: int, assessments: Any,
                  rules: RuleSet, provenance: dict[str, Any]) -> Evaluation:
    """The :class:`Evaluation` of the engine's verdict rows: the committee's assessments, names, traces, provenance.

    Shared by :func:`evaluate` and :func:`wdmonitor.partitions.evaluate_partitions` (which
    passes the verdict rows of every partition together).
    """
    from . import __version__
    from .assessments import apply_assessments, assessment_trace
    from .tables import region_names

    if "trace" not in table:  # rows traced already (a partition's, in its worker) keep their traces
        table = traced(table, year)
    # every region's qualitative rows, with the committee's verdicts (recorded or summarised)
    table = apply_assessments(table, assessments, plan)
    table["region_name"] = table["region"].map(region_names(plan))
    table["trace"] = assessment_trace(table)
    table = table[list(TABLE_COLUMNS)].reset_index(drop=True)
    given = dict(provenance)
    store = given.pop("store", None)
    provenance = {
        "plan": plan.id, "year": year, "stage": _stage(plan, year), "rules": rules.name,
        "rules_sha256": rules.digest(), "wdmonitor": __version__, **given,
        # valid series no verdict stands on, with the reason: listed, never dropped in silence
        "unjudged": [{k: (int(v) if isinstance(v, (int, np.integer)) else str(v)) for k, v in record.items()}
                     for record in unjudged.to_dict("records")],
    }
    if store is not None:
        provenance["store"] = store
    return Evaluation(table=table, plan=plan, year=year, stage=_stage(plan, year), rules=rules, provenance=provenance)
