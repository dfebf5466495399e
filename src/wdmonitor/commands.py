"""The work behind the yearly-cycle commands of :mod:`wdmonitor.cli`.

Each function takes the parsed arguments and returns an exit code: 0 done, 1 the data has
problems, 2 usage errors (raised as exceptions and mapped in :func:`wdmonitor.cli.main`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import UsageError, WdmonitorError  # noqa: F401 - UsageError is imported from here too
from .registry import load_plan

__all__ = ["OUTPUT_SUFFIXES", "Progress", "check_output_path", "evaluate_command", "report_command", "store_command", "warn_command", "write_result"]




class Progress:
    """A one-line progress bar on standard error: ``[#####-----] 2/4 validating``.

    Shown when standard error is a terminal or ``--progress`` is given, so logs and pipes
    stay clean.
    """

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 20
        filled = round(width * self.done / self.total)
        end = "\n" if self.done >= self.total or not sys.stderr.isatty() else ""
        print(f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} {label}", end=end, file=sys.stderr, flush=True)


def progress_for(args: argparse.Namespace, total: int) -> Progress:
    return Progress(total, enabled=bool(getattr(args, "progress", False)) or sys.stderr.isatty())


def headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column headers in one language (the Chinese or the English half of the bilingual ones)."""
    from .tables import HEADERS

    part = 0 if lang == "zh" else 1
    names = {c: HEADERS[c].split(" / ")[part] if " / " in HEADERS.get(c, "") else c for c in frame.columns}
    return frame.rename(columns=names)


def title(plan: Any, lang: str) -> str:
    """The plan's title in the language asked for (the Chinese one when no English is given)."""
    return plan.title_zh if lang == "zh" or not plan.title_en else plan.title_en


def print_table(frame: pd.DataFrame) -> None:
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 40, "display.unicode.east_asian_width", True):
        print(frame.to_string(index=False))


def load_data(args: argparse.Namespace, progress: Progress) -> tuple[Any, pd.DataFrame]:
    """The plan and the frame from files, the bundled SYNTHETIC sample or a store."""
    plan = load_plan(args.plan)
    sources = sum(bool(x) for x in (args.files, args.sample, args.store))
    if sources != 1:
        raise UsageError("give data files, --sample or --store (exactly one) / 请指定数据文件、--sample 或 --store 之一")
    if args.sample:
        from .sample import load_sample

        print("using the bundled SYNTHETIC sample data (not real figures) / 使用内置的虚构样例数据", file=sys.stderr)
        frame = load_sample()
        progress.step("sample read / 已读取样例")
    elif args.store:
        from .storage import is_url
        from .store import Store

        if not is_url(args.store) and not Path(args.store).exists():
            raise UsageError(f"no store at {args.store} / 数据库不存在：{args.store}")
        frame = Store(args.store, plan, create=False).frame(as_of=args.as_of_date, plan=plan)
        progress.step("store read / 已读取数据库")
    else:
        from .readers import read_files

        frame = read_files(args.files, plan, sheet=getattr(args, "sheet", None))
        progress.step("files read / 已读取文件")
    return plan, frame


#: The file types every result writes, by suffix.
OUTPUT_SUFFIXES = (".xlsx", ".csv", ".md", ".html", ".htm", ".docx")


def write_result(result: Any, output: str | Path, lang: str = "zh", **report: Any) -> Path:
    """Write an :class:`Evaluation`, :class:`AnnualReport` or :class:`EarlyWarnings` by the file's suffix.

    ``.xlsx`` the workbook, ``.csv`` the table, ``.md`` Markdown, ``.html`` a standalone
    page, ``.docx`` a Word draft, all in ``lang``. ``report`` goes to ``to_docx`` and
    ``to_html`` (an evaluation's ``frame``, for its warnings and trajectories).
    """
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise UsageError(f"output must end in .xlsx, .csv, .md, .html or .docx (got {str(output)!r}) / "
                         f"输出文件须为 .xlsx、.csv、.md、.html 或 .docx")
    if suffix == ".xlsx":
        result.to_excel(path, lang=lang)
    elif suffix == ".csv":
        result.to_csv(path, lang=lang)
    elif suffix == ".md":
        path.write_text(result.to_markdown(lang=lang), encoding="utf-8")
    elif suffix == ".docx":
        result.to_docx(path, lang=lang, **report)
    else:
        result.to_html(path, lang=lang, **report)
    return path


def check_output_path(output: str | Path) -> None:
    """Refuse an output whose folder does not exist, or that is a folder, before any work is done."""
    path = Path(output)
    if path.is_dir():
        raise UsageError(f"the output {str(output)!r} is a folder; give a file name / 输出路径是文件夹，请给出文件名")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"the output's folder {str(folder)!r} does not exist; create it first or write elsewhere / "
                         f"输出文件夹不存在：{folder}，请先创建或写到其他位置")


def check_outputs(outputs: list[str] | None) -> None:
    """Refuse an output suffix, or a missing output folder, before any work is done."""
    for output in outputs or ():
        check_output_path(output)
        if Path(output).suffix.lower() not in OUTPUT_SUFFIXES:
            raise UsageError(f"output must end in .xlsx, .csv, .md, .html or .docx (got {output!r}) / "
                             f"输出文件须为 .xlsx、.csv、.md、.html 或 .docx")


def _write(result: Any, outputs: list[str], lang: str, **report: Any) -> None:
    for output in outputs:
        written = write_result(result, output, lang, **(report if Path(output).suffix.lower() in (".docx", ".html", ".htm") else {}))
        print(f"written / 已写入: {written}")


def print_unjudged(result: Any, lang: str) -> None:
    """One line per group of valid series no verdict stands on, with the reason (at most 10)."""
    unjudged = result.unjudged(lang)
    if unjudged.empty:
        return
    rows = int(unjudged["rows"].sum())
    print(f"{rows} valid rows judged by no target / {rows}行有效数据未用于任何目标的评估:")
    reason = "reason_zh" if lang == "zh" else "reason_en"
    for item in unjudged.head(10).itertuples():
        print(f"  - {item.indicator} ({item.sex}, {item.area_type}, {item.age_group}): {item.rows} rows in "
              f"{item.regions} regions — {getattr(item, reason)}")
    if len(unjudged) > 10:
        print(f"  … {len(unjudged) - 10} more / 另有{len(unjudged) - 10}组")


def evaluate_command(args: argparse.Namespace) -> int:
    from .evaluation import evaluate

    check_outputs(args.output)
    progress = progress_for(args, 3)
    plan, frame = load_data(args, progress)
    result = evaluate(frame, plan, args.year, args.assessments)
    progress.step("evaluated / 评估完成")
    stage = {"midterm": "中期评估 mid-term", "final": "终期评估 final", "interim": "评估 interim"}[result.stage]
    print(f"{title(plan, args.lang)} — {stage} {result.year}: {len(result.table)} rows / 行")
    from .report import _summary

    print_table(_summary(result, args.lang).text())  # names and 达标率 as the report prints them
    print_unjudged(result, args.lang)
    if args.output:
        regions = [r.code for r in plan.regions] if args.region_sections else []
        _write(result, args.output, args.lang, frame=frame, regions=regions)
    if args.charts:
        from .plotting import write_charts

        paths = write_charts(result, frame, args.charts, lang=args.lang)
        print(f"{len(paths)} charts written / 已绘制{len(paths)}张图: {args.charts}")
    progress.step("done / 完成")
    return 0


def warn_command(args: argparse.Namespace) -> int:
    from .early_warning import flag_early_warnings

    check_outputs(args.output)
    progress = progress_for(args, 3)
    plan, frame = load_data(args, progress)
    warnings = flag_early_warnings(frame, plan, args.as_of, method=args.method)
    flags = warnings.table
    progress.step("flagged / 预警完成")
    from .tables import localise

    counts = localise(flags.groupby(["flag", "severity"]).size().rename("n").reset_index(), args.lang)
    print(f"{title(plan, args.lang)} — 预警 early warning, as of {flags['as_of'].iloc[0] if len(flags) else args.as_of}: {len(flags)} flags")
    print_table(headers(counts, args.lang))
    serious = flags[flags["severity"].isin(["alert", "warning"])].head(args.top)
    if len(serious):
        message = "message_zh" if args.lang == "zh" else "message_en"  # names in English too, not only the headers
        shown = localise(serious[["region", "indicator", "region_name", "name_zh", "sex", "check", "severity", message]], args.lang, plan)
        print_table(headers(shown.drop(columns=["region", "indicator"]), args.lang))
    if args.output:
        _write(warnings, args.output, args.lang)
    progress.step("done / 完成")
    return 0


def report_command(args: argparse.Namespace) -> int:
    from .annual import annual_report

    check_outputs(args.output)
    progress = progress_for(args, 3)
    plan, frame = load_data(args, progress)
    report = annual_report(frame, plan, args.year, method=args.method)
    progress.step("report built / 报告完成")
    rows = report.table[report.table["region"] == plan.jurisdiction.code]
    from .tables import localise

    counts = localise(rows.groupby(["progress_class", "severity"], dropna=False).size().rename("n").reset_index(), args.lang)
    print(f"{title(plan, args.lang)} — 年度监测 annual monitoring {report.year}: {len(report.table)} rows / 行")
    print_table(headers(counts, args.lang))
    if args.output:
        _write(report, args.output, args.lang)
    progress.step("done / 完成")
    return 0


def store_command(args: argparse.Namespace) -> int:
    from .storage import is_url
    from .store import Store

    action = args.store_action
    if action == "add":
        store = Store(args.path, load_plan(args.plan))
        for file in args.files:
            receipt = store.add(file, department=args.department, submitted_at=args.submitted_at, note=args.note or "",
                                sheet=getattr(args, "sheet", None))
            print(f"stored / 已入库: {file}: {receipt.n_rows} rows, submission {receipt.submission_id} ({receipt.submitted_at})")
        return 0
    if not is_url(args.path) and not Path(args.path).exists():
        raise UsageError(f"no store at {args.path} / 数据库不存在：{args.path}")
    store = Store(args.path, create=False)
    if action == "list":
        print_table(store.submissions())
        return 0
    if action == "history":
        key = {"region": args.region, "year": args.year, "indicator": args.indicator, "sex": args.sex,
               "area_type": args.area_type, "age_group": args.age_group}
        print_table(store.history(key))
        return 0
    if action == "export":
        print(f"written / 已写入: {store.export(args.output)}")
        return 0
    report = store.merge(args.other)
    print(f"merged / 已合并: {len(report.added_submissions)} submissions added, {len(report.skipped_submissions)} already present")
    if not report.ok:
        print(f"refused: {len(report.conflicts)} conflicting keys / 存在{len(report.conflicts)}处冲突，未合并", file=sys.stderr)
        print_table(report.conflicts.head(20))
        return 1
    return 0
