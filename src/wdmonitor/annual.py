"""The annual monitoring report (年度监测): latest values, progress and warnings.

:func:`annual_report` puts, for every numeric target × region × sex, the latest value and
its year, the progress class against the final target, and the early-warning flags (worst
severity first) in one table, in Chinese and English, exportable like the evaluation.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import annual_report, load_plan
>>> plan = load_plan("tests/data/plans/minimal.yaml")
>>> frame = pd.DataFrame({"region": "211400", "year": [2020, 2021, 2022, 2023],
...                       "indicator": "maternal_mortality_ratio", "sex": "female",
...                       "value": [16.9, 16.1, 15.7, 15.1]})
>>> report = annual_report(frame, plan, 2023)
>>> row = report.table.iloc[0]
>>> print(row.latest_value, row.progress_class, row.severity, row.checks)
15.1 acceleration_needed warning W1, baseline_conflict
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .indicators import Plan
from .rules import DEFAULT_RULES, RuleSet
from .vocabulary import ProgressClass, Severity

__all__ = ["ANNUAL_COLUMNS", "AnnualReport", "annual_report"]

ANNUAL_COLUMNS = (
    "area", "goal_no", "target_id", "indicator", "name_zh", "name_en", "region", "region_name", "sex", "area_type",
    "unit", "kind", "baseline_year", "baseline", "latest_year", "latest_value", "final_year", "final_target_value",
    "progress", "progress_class", "progress_class_zh", "severity", "severity_zh", "checks", "message_zh", "message_en",
)
_SERIES_CHECKS = ("W2a", "W2b", "W2c", "W3")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class AnnualReport:
    """The 年度监测 table and the flags behind it.

    ``provenance`` records the plan, the year, the projection, the rule set's name and the
    digest of all its thresholds (``rules_sha256``), and the wdmonitor version.
    """

    table: pd.DataFrame
    flags: pd.DataFrame
    plan: Plan
    year: int
    method: str = "trend"
    rules: RuleSet = DEFAULT_RULES
    provenance: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        counts = self.table["severity"].value_counts().to_dict()
        return f"AnnualReport(plan={self.plan.id!r}, year={self.year}, rows={len(self.table)}, severity={counts})"

    def to_excel(self, path: str | Path, *, lang: str = "zh") -> Path:
        """The 年度监测 workbook: the table in the plan's order (names, precision as number formats,
        severity colours, filters, print set-up), the warnings, the method."""
        from .report import annual_tables
        from .writers import write_excel

        return write_excel(path, annual_tables(self, lang))

    def to_csv(self, path: str | Path, *, lang: str = "zh") -> Path:
        """The 年度监测 table as UTF-8 CSV (BOM for Excel): names, numbers rounded to precision.

        Text cells are neutralised; for the codes and every column, write :attr:`table` itself.
        """
        from .report import _annual_table, _ordered
        from .writers import write_csv

        return write_csv(_annual_table(self, _ordered(self.table, self.plan), lang).rounded(), path)

    def to_markdown(self, region: str | None = None, *, lang: str = "zh") -> str:
        """The table of ``region`` (the jurisdiction by default) as Markdown, rounded as printed."""
        from .report import _annual_table, _ordered
        from .tables_markdown import to_markdown

        region = region or self.plan.jurisdiction.code
        rows = _ordered(self.table[self.table["region"] == region], self.plan)
        title = self.plan.title_en if lang == "en" and self.plan.title_en else self.plan.title_zh
        label = "annual monitoring" if lang == "en" else "年度监测"
        return f"# {title} — {label} {self.year}\n\n" + to_markdown(_annual_table(self, rows, lang).text())

    def report(self, *, lang: str = "zh") -> Any:
        """The :class:`~wdmonitor.report.ReportDocument` behind :meth:`to_docx` and :meth:`to_html`."""
        from .report import annual_document

        return annual_document(self, lang)

    def to_docx(self, path: str | Path, *, lang: str = "zh") -> Path:
        """The 年度监测 report as Word (.docx): a section per area with the jurisdiction's table."""
        from .report_docx import write_docx

        return write_docx(self.report(lang=lang), path)

    def to_html(self, path: str | Path | None = None, *, lang: str = "zh") -> str:
        """The 年度监测 report as a standalone web page; written to ``path`` when given."""
        from .report_html import render_html

        page = render_html(self.report(lang=lang))
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        import html

        from .report import _annual_table, _ordered
        from .report_html import TABLE_CSS, table_html

        rows = _ordered(self.table[self.table["region"] == self.plan.jurisdiction.code], self.plan)
        return (f"<div><style>{TABLE_CSS}</style><strong>{html.escape(self.plan.title_zh)} — 年度监测 {self.year}</strong>"
                + table_html(_annual_table(self, rows, "zh"), max_rows=60) + "</div>")


def _worst(flags: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per key: worst severity, the checks raised and the worst flag's messages."""
    if flags.empty:
        return pd.DataFrame(columns=[*keys, "severity", "checks", "message_zh", "message_en", "_rank"])
    ranked = flags.assign(_rank=flags["severity"].map(lambda s: Severity(s).rank))  # four distinct values
    ranked = ranked.sort_values("_rank", ascending=False, kind="stable")
    grouped = ranked.groupby(keys, sort=False, dropna=False)
    out = grouped.agg(severity=("severity", "first"), message_zh=("message_zh", "first"), message_en=("message_en", "first"),
                      _rank=("_rank", "first"))
    out["checks"] = grouped["check"].agg(lambda c: ", ".join(dict.fromkeys(c)))
    return out.reset_index()


def annual_report(frame: pd.DataFrame, plan: Plan | str | Path, year: int | None = None, *, method: str = "trend",
                  rules: RuleSet = DEFAULT_RULES) -> AnnualReport:
    """The 年度监测 report for ``year`` (the latest year in the frame by default).

    Parameters
    ----------
    frame : DataFrame
        Canonical long frame; validated first. Read a file with
        :func:`~wdmonitor.read_submission` first.
    plan : Plan, str or Path
        The plan, a bundled plan id or the path of a plan file.
    year : int, optional
        The monitoring year (as_of).
    method : {"trend", "ols", "escap"}
        Projection behind the projected-miss flags.
    rules : RuleSet

    Raises
    ------
    ArgumentError
        An argument of the wrong type or out of range, or an unknown ``method`` (checked
        before any work).
    SubmissionError
        The frame fails validation (every failure case attached).
    """
    from .arguments import check_choice, check_inputs, check_rules, check_year
    from .early_warning import flags_for_valid
    from .trends import METHODS

    frame, plan = check_inputs(frame, plan, "annual_report")
    year, rules = check_year(year, "annual_report"), check_rules(rules, "annual_report")
    method = check_choice(method, "method", METHODS, "annual_report")
    from .engine import judge_all, prepared
    from .tables import region_names

    valid = prepared(frame, plan)
    year = (int(valid["year"].max()) if len(valid) else plan.period_start) if year is None else int(year)
    valid = valid[valid["year"].astype("int64") <= year]
    judged = judge_all(valid, plan, year, rules)  # once, for the table and the warnings
    table = judged.table[judged.table["kind"] != "qualitative"].reset_index(drop=True)
    flags = flags_for_valid(valid, plan, year, method=method, rules=rules, judged=judged)
    table["region_name"] = table["region"].map(region_names(plan))
    table["final_target_value"] = table["final_target_value"].fillna(table["target"])

    series_flags = flags[flags["check"].isin(_SERIES_CHECKS)]
    target_flags = flags[~flags["check"].isin(_SERIES_CHECKS)]
    by_target = _worst(target_flags, ["target_id", "region", "sex"])
    by_series = _worst(series_flags, ["indicator", "region", "sex", "area_type"])
    merged = table.merge(by_target, on=["target_id", "region", "sex"], how="left")
    series_keys = ["indicator", "region", "sex", "area_type"]
    by_series = by_series.rename(columns={c: f"{c}_series" for c in by_series.columns if c not in series_keys})
    merged = merged.merge(by_series, on=series_keys, how="left")
    take_series = merged["_rank_series"].fillna(-1) > merged["_rank"].fillna(-1)
    for column in ("severity", "message_zh", "message_en"):
        merged[column] = merged[column].where(~take_series, merged[f"{column}_series"])
    merged["checks"] = (merged["checks"].fillna("") + ", " + merged["checks_series"].fillna("")).str.strip(", ")
    merged["severity"] = merged["severity"].fillna(Severity.NONE.value)
    merged["message_zh"] = merged["message_zh"].fillna("")
    merged["message_en"] = merged["message_en"].fillna("")
    merged["severity_zh"] = merged["severity"].map(lambda s: Severity(s).name_zh)
    merged["progress_class_zh"] = merged["progress_class"].map(lambda c: ProgressClass(c).name_zh if isinstance(c, str) else "")
    report = merged[list(ANNUAL_COLUMNS)].reset_index(drop=True)
    from . import __version__

    provenance = {"plan": plan.id, "year": year, "projection": method, "rules": rules.name,
                  "rules_sha256": rules.digest(), "wdmonitor": __version__}
    return AnnualReport(table=report, flags=flags, plan=plan, year=year, method=method, rules=rules, provenance=provenance)
