"""The ``wdmonitor`` command line: a thin layer over the public API.

The yearly cycle without writing Python: ``plans``, ``indicators`` and ``targets`` show what
is bundled; ``template`` writes the workbook a department fills in; ``validate`` checks
what comes back; ``store`` keeps submissions across years; ``evaluate`` (中期/终期评估),
``warn`` (预警) and ``report`` (年度监测) produce the tables. Errors print as one line in
English and Chinese, without a traceback unless ``--debug`` is given. Exit codes: 0 done,
1 the data has problems, 2 usage errors.

Examples
--------
From a shell::

    wdmonitor plans
    wdmonitor targets --plan huludao-2021-2030 --numeric

From Python, :func:`main` takes the arguments and returns the exit code:

>>> from wdmonitor.cli import main
>>> main(["targets", "--plan", "huludao-2021-2030", "-o", "/dev/null"])  # doctest: +ELLIPSIS
葫芦岛市妇女发展规划（2021—2030年） / Huludao City Women's Development Plan (2021–2030): 82 goals, ...
written: /dev/null
0
"""

from __future__ import annotations

import argparse
import errno
import sys
import unicodedata
from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from .commands import (
    UsageError,
    check_output_path,
    evaluate_command,
    report_command,
    store_command,
    warn_command,
)
from .errors import UnknownPlanError, WdmonitorError
from .limits import MAX_YEAR, MIN_YEAR
from .registry import list_plans, load_indicators, load_plan

__all__ = ["main"]

_EPILOG = """examples:
  wdmonitor plans
  wdmonitor indicators --plan huludao-2021-2030
  wdmonitor targets --plan huludao-2021-2030 --lang en
  wdmonitor targets --plan huludao-2021-2030 -o targets.csv
  wdmonitor template --plan huludao-2021-2030 --department 卫健委 -o 卫健委模板.xlsx
  wdmonitor template --assessments --plan huludao-2021-2030 -o 定性评估.xlsx
  wdmonitor validate 卫健委2024.xlsx --plan huludao-2021-2030 -o 反馈.xlsx
  wdmonitor evaluate --sample --plan huludao-2021-2030 -o midterm.xlsx
  wdmonitor evaluate --sample --plan huludao-2021-2030 -o 中期评估.xlsx -o 中期评估报告.docx --charts charts
  wdmonitor evaluate 2024/*.xlsx --plan huludao-2021-2030 --year 2030 --assessments 定性评估.csv -o final.xlsx
  wdmonitor warn --store 监测库.sqlite --plan huludao-2021-2030 --as-of 2024 -o 预警.xlsx
  wdmonitor report --sample --plan huludao-2021-2030 --lang en -o annual.md
  wdmonitor store add 监测库.sqlite 卫健委2024.xlsx --plan huludao-2021-2030 --department 卫健委
"""


class _Refused(Exception):
    """argparse refused the command line (a usage error, exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line for :func:`main`, not the usage text and an exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Refused(f"{message} ({self.prog} --help shows the options) / 命令行参数有误，请用 {self.prog} --help 查看用法")


def _year(text: str) -> int:
    """A command-line year: a whole number from MIN_YEAR to MAX_YEAR (10^20 and -5 are usage errors)."""
    stripped = text.strip()
    if not (stripped.isascii() and stripped.lstrip("-").isdigit() and len(stripped) <= 5
            and MIN_YEAR <= int(stripped) <= MAX_YEAR):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a year: expected a whole year from {MIN_YEAR} to {MAX_YEAR} / "
                                         f"年份无效，应为{MIN_YEAR}至{MAX_YEAR}之间的整数年份")
    return int(stripped)


def _date(text: str) -> str:
    """A command-line date or date and time in ISO 8601 (2025-03-31, 2025-03-31T09:30), kept as given."""
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        stamp = None
    if stamp is None or not MIN_YEAR <= stamp.year <= MAX_YEAR:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a date: expected a date such as 2025-03-31 or 2025-03-31T09:30 / "
                                         "日期无法识别，应为 2025-03-31 或 2025-03-31T09:30 这样的日期")
    return text.strip()


def _shown(text: str, limit: int = 60) -> str:
    """A user's text as a message quotes it: unprintable characters escaped (\\x00, \\udcff), cut after
    ``limit`` characters with its length (paths are shown whole: the system bounds their length)."""
    escaped = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return f"'{escaped}'" if len(escaped) <= limit else f"'{escaped[:limit]}'… ({len(text)} characters)"


_PATH_SHOWN = 4096


#: Options whose value is text that reaches tables, stores and writers (not paths).
_TEXT_OPTIONS = ("department", "note", "sheet", "region", "indicator", "age_group")


def _check_text(args: argparse.Namespace) -> None:
    """Refuse lone surrogates in every argument (bytes the system could not decode as text, which no
    table, store or writer can hold) and control characters in the text options."""
    for name, values in vars(args).items():
        for value in values if isinstance(values, list) else [values]:
            if not isinstance(value, str):
                continue
            categories = {unicodedata.category(c) for c in value}
            control = name in _TEXT_OPTIONS and "Cc" in categories
            if "Cs" in categories or control:
                is_file = name in ("files", "path", "other")
                option = "the file name" if is_file else "--" + name.replace("_", "-")
                option_zh = "文件名" if is_file else option
                if "Cs" in categories:
                    raise UsageError(f"{option} {_shown(value, _PATH_SHOWN if is_file else 60)} contains bytes that are not text in the system's encoding "
                                     "(a lone surrogate); rename the file or give plain text / "
                                     f"{option_zh} 含有无法识别为文字的字节，请重命名文件或输入普通文本")
                raise UsageError(f"{option} {_shown(value)} contains a control character; give plain text / "
                                 f"{option} 含有控制字符，请输入普通文本")


def _os_message(error: OSError) -> str:
    """One line for an OSError on the user's paths: which path, what happened, what to do."""
    place = f"{_shown(str(error.filename), _PATH_SHOWN)}: " if error.filename is not None else ""
    known = {
        errno.ENOSPC: "no space left on the disk; free some space or write to another disk / 磁盘空间已满，请清理空间或写到其他磁盘",
        errno.ENOENT: "no such file or folder; check the path (an output's folder must exist) / 文件或文件夹不存在，请检查路径（输出文件夹须已存在）",
        errno.EACCES: "permission denied; choose a file you may read or write / 没有读写权限，请换一个文件或位置",
        errno.EPERM: "permission denied; choose a file you may read or write / 没有读写权限，请换一个文件或位置",
        errno.EISDIR: "is a folder, a file was expected / 该路径是文件夹，应为文件",
        errno.ENOTDIR: "a part of the path is not a folder; check the path / 路径中有一部分不是文件夹，请检查路径",
        errno.EROFS: "the disk is read-only; write to another place / 磁盘为只读，请写到其他位置",
    }
    what = known.get(error.errno or -1, f"{error.strerror or type(error).__name__}; check the path / 文件操作失败，请检查路径")
    return f"{place}{what}"


def _say(message: str) -> None:
    """Print an error on standard error, whatever the text holds (a lone surrogate is escaped, not a crash)."""
    line = f"wdmonitor: error: {message}"
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    print(line.encode(encoding, "backslashreplace").decode(encoding, "replace"), file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wdmonitor",
        description="Monitor women's development plans (妇女发展规划): from blank templates to the mid-term and final evaluation.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    plans = commands.add_parser("plans", help="list the bundled plans", description="List the bundled plans.\n\nexample: wdmonitor plans --lang en",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    plans.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of titles (default zh)")

    indicators = commands.add_parser(
        "indicators", help="list catalogue indicators",
        description="List the indicator catalogue, or the indicators a plan uses.\n\nexample: wdmonitor indicators --plan huludao-2021-2030",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    indicators.add_argument("--plan", help="a bundled plan id or a plan YAML path")
    indicators.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of names (default zh)")

    targets = commands.add_parser(
        "targets", help="show a plan's goals and targets",
        description="Show a plan's goals and targets, one row per target and year.\n\n"
                    "example: wdmonitor targets --plan huludao-2021-2030 -o targets.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    targets.add_argument("--plan", required=True, help="a bundled plan id or a plan YAML path")
    targets.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of names (default zh)")
    targets.add_argument("--numeric", action="store_true", help="only numeric targets")
    targets.add_argument("-o", "--output", help="write the table to a .csv or .md file instead of printing it")
    template = commands.add_parser(
        "template", help="write a blank submission workbook",
        description="Write the blank submission workbook a department fills in.\n\n"
                    "example: wdmonitor template --plan huludao-2021-2030 --department 卫健委 -o 卫健委模板.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    template.add_argument("--plan", required=True, help="a bundled plan id or a plan YAML path")
    template.add_argument("--department", help="only the indicators this department reports (卫健委, 教育局 …)")
    template.add_argument("--years", type=_year, nargs="+", help="the years asked for (default: baseline to final year)")
    template.add_argument("--components", action="store_true",
                          help="ask for the counts behind indicators that have a formula (maternal deaths and live "
                               "births instead of the maternal mortality ratio)")
    template.add_argument("--assessments", action="store_true",
                          help="write the committee's assessment workbook instead: one row per qualitative goal and "
                               "region, with a status drop-down, evidence, assessed by and assessed on")
    template.add_argument("--regions", nargs="+", help="with --assessments: the regions (codes or names; default all)")
    template.add_argument("--lang", choices=["zh", "en"], default="zh",
                          help="with --assessments: the workbook's language (default zh)")
    template.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    validate = commands.add_parser(
        "validate", help="check department files against a plan",
        description="Read and check one or more department files; exit code 0 when clean, 1 when the data has "
                    "failures, 2 for usage errors.\n\n"
                    "example: wdmonitor validate 卫健委2024.xlsx --plan huludao-2021-2030 -o 反馈.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    validate.add_argument("files", nargs="+", help=".csv or .xlsx files")
    validate.add_argument("--plan", required=True, help="a bundled plan id or a plan YAML path")
    validate.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the messages printed")
    validate.add_argument("-o", "--output", help="write the full bilingual report (.xlsx) here")
    validate.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)
    validate.add_argument("--sheet", action="append", help="read only this sheet of each workbook (repeatable; a hidden sheet is read only when named)")

    def data_command(name: str, summary: str, description: str, example: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=summary, description=f"{description}\n\nexample: {example}",
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_argument("files", nargs="*", help="department .csv or .xlsx files")
        command.add_argument("--plan", required=True, help="a bundled plan id or a plan YAML path")
        command.add_argument("--sample", action="store_true", help="use the bundled SYNTHETIC sample data (葫芦岛, 2020–2024)")
        command.add_argument("--store", help="read the data from a monitoring database instead of files "
                                              "(an SQLite file, or postgresql://user@host/database)")
        command.add_argument("--as-of-date", type=_date, help="with --store: the data as known at this date (2025-03-31)")
        command.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of headers and messages (default zh)")
        command.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
        command.add_argument("--sheet", action="append", help="read only this sheet of each workbook (repeatable; a hidden sheet is read only when named)")
        command.add_argument("-o", "--output", action="append",
                             help="write the result by the file's suffix: .xlsx workbook, .docx Word draft, .html page, "
                                  ".csv or .md table, in --lang; repeat for several files")
        return command

    evaluate = data_command(
        "evaluate", "mid-term or final evaluation tables (中期/终期评估)",
        "Judge every target for every region and sex: status, progress, the summary per area with 达标率,\n"
        "and the full table with its trace. The year defaults to the plan's mid-term year.",
        "wdmonitor evaluate --sample --plan huludao-2021-2030 -o 中期评估.xlsx -o 中期评估报告.docx --charts charts")
    evaluate.add_argument("--year", type=_year, help="evaluation year (default: the plan's mid-term year; its final year for 终期评估)")
    evaluate.add_argument("--assessments", help="the committee's verdicts on qualitative goals: the workbook of 'wdmonitor template --assessments' filled in (.xlsx), or a .csv or .yaml")
    evaluate.add_argument("--region-sections", action="store_true",
                          help="in a .docx or .html report, add a section per county (district) with its summary and table")
    evaluate.add_argument("--charts", metavar="DIR",
                          help="also write the report's charts (PNG) into DIR: statuses per area, key indicators × "
                               "regions, and each key indicator's trajectory with its projection")

    warn = data_command(
        "warn", "early-warning flags (预警: 预计达标困难、波动较大)",
        "Flag projected misses, volatility, deterioration, widening gaps and data problems.",
        "wdmonitor warn --sample --plan huludao-2021-2030 --as-of 2024 -o flags.xlsx")
    warn.add_argument("--as-of", type=_year, help="the monitoring year (default: the latest year in the data)")
    warn.add_argument("--method", choices=["trend", "ols", "escap"], default="trend", help="projection method (default trend)")
    warn.add_argument("--top", type=int, default=15, help="how many alerts and warnings to print (default 15)")

    report = data_command(
        "report", "the annual monitoring table (年度监测)",
        "Latest value, progress class and worst warning for every target, region and sex.",
        "wdmonitor report --sample --plan huludao-2021-2030 --year 2024 -o annual.xlsx")
    report.add_argument("--year", type=_year, help="the monitoring year (default: the latest year in the data)")
    report.add_argument("--method", choices=["trend", "ols", "escap"], default="trend", help="projection method (default trend)")

    store = commands.add_parser(
        "store", help="the monitoring database (监测数据库)",
        description="Keep submissions across years with who, when and which file; revisions supersede without erasing.\n\n"
                    "examples:\n  wdmonitor store add 监测库.sqlite 卫健委2024.xlsx --plan huludao-2021-2030 --department 卫健委\n"
                    "  wdmonitor store list 监测库.sqlite\n"
                    "  wdmonitor store history 监测库.sqlite --region 211400 --year 2024 --indicator maternal_mortality_ratio --sex female\n"
                    "  wdmonitor store export 监测库.sqlite 交换.sqlite\n  wdmonitor store merge 市库.sqlite 县库.sqlite",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = store.add_subparsers(dest="store_action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="validate files and store them (all or nothing per file)",
                             description="example: wdmonitor store add 监测库.sqlite 卫健委2024.xlsx --plan huludao-2021-2030 --department 卫健委")
    add.add_argument("path", help="the store: an SQLite file (created when missing) or a postgresql:// URL "
                                    "(password from PGPASSWORD or ~/.pgpass)")
    add.add_argument("files", nargs="+", help="department .csv or .xlsx files")
    add.add_argument("--plan", required=True, help="a bundled plan id or a plan YAML path")
    add.add_argument("--department", required=True, help="who sent the files (卫健委, 教育局 …)")
    add.add_argument("--submitted-at", type=_date, help="when they were sent (default now)")
    add.add_argument("--note", help="free text kept with the submission")
    add.add_argument("--sheet", action="append", help="read only this sheet of each workbook (repeatable; a hidden sheet is read only when named)")
    listing = actions.add_parser("list", help="list the submissions", description="example: wdmonitor store list 监测库.sqlite")
    listing.add_argument("path")
    history = actions.add_parser("history", help="every version of one observation",
                                 description="example: wdmonitor store history 监测库.sqlite --region 211400 --year 2024 "
                                             "--indicator maternal_mortality_ratio --sex female")
    history.add_argument("path")
    history.add_argument("--region", required=True)
    history.add_argument("--year", type=_year, required=True)
    history.add_argument("--indicator", required=True)
    history.add_argument("--sex", required=True, choices=["female", "male", "total"])
    history.add_argument("--area-type", default="total", choices=["total", "urban", "rural"])
    history.add_argument("--age-group", default="total")
    export = actions.add_parser("export", help="write the store to a file (.sqlite or .csv) for another level",
                                description="example: wdmonitor store export 县库.sqlite 交换.sqlite")
    export.add_argument("path")
    export.add_argument("output")
    merge = actions.add_parser("merge", help="bring another store or export in, refusing conflicts",
                               description="example: wdmonitor store merge 市库.sqlite 县库.sqlite")
    merge.add_argument("path")
    merge.add_argument("other")

    serve = commands.add_parser(
        "serve", help="the web portal for departments' submissions (监测数据网上报送系统)",
        description="Run the submission portal on this machine (needs the portal extra: pip install \"wdmonitor[portal]\").\n\n"
                    "example: wdmonitor serve --plan huludao-2021-2030",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--plan", required=True, help="a bundled plan id or a plan YAML path")
    serve.add_argument("--store", help="the monitoring database accepted submissions go into (default DATA/store.sqlite; "
                                        "or postgresql://user@host/database)")
    serve.add_argument("--data", default="wdmonitor-portal", help="the portal's folder: its database, uploads, outputs (default ./wdmonitor-portal)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--create-admin", metavar="USERNAME",
                       help="first create this administrator (password from WDMONITOR_PORTAL_ADMIN_PASSWORD or a prompt)")
    portal_admin = commands.add_parser(
        "portal-admin", help="create the portal's accounts from the command line",
        description="example: wdmonitor portal-admin create --username admin (password from WDMONITOR_PORTAL_ADMIN_PASSWORD or a prompt)")
    portal_actions = portal_admin.add_subparsers(dest="portal_action", required=True, metavar="ACTION")
    create = portal_actions.add_parser("create", help="create an account (an administrator unless --role is given)")
    create.add_argument("--username", required=True)
    create.add_argument("--role", choices=["admin", "reviewer", "office", "filler"], default="admin")
    create.add_argument("--region", default="", help="a reviewer's or filler's region code (211421)")
    create.add_argument("--department", default="", help="a filler's department (卫健委)")
    create.add_argument("--data", default="wdmonitor-portal", help="the portal's folder (default ./wdmonitor-portal)")
    create.add_argument("--plan", help="the plan the portal serves (default huludao-2021-2030)")
    return parser


def _validate(args: argparse.Namespace) -> int:
    from .readers import read_files
    from .validation import prepare_submission

    plan = load_plan(args.plan)
    sent = read_files(args.files, plan, sheet=args.sheet)
    if "layout" in sent.attrs:  # how each sheet was read, so the statistician can see it at once
        print(sent.attrs["layout"].summary(args.lang))
    report = prepare_submission(sent, plan)
    if report.provenance["computed_from_counts"]:
        print(f"{len(sent)} rows read; the counts among them were computed into indicators by their formulas / "
              f"共读取{len(sent)}行，其中的计数已按公式计算为指标")
    print(report.summary())
    column = "message_zh" if args.lang == "zh" else "message_en"
    # errors first, then warnings; rows without data are counted in the summary, listed in the report
    shown = pd.concat([report.errors, report.warnings])
    for message in shown[column].head(10):
        print(f"  - {message}")
    if len(shown) > 10:
        print(f"  … {len(shown) - 10} more / 另有{len(shown) - 10}条")
    if args.output:
        report.to_excel(args.output)
        print(f"written: {args.output}")
    return 0 if report.ok else 1


def _print(frame: pd.DataFrame) -> None:
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 40, "display.unicode.east_asian_width", True):
        print(frame.to_string(index=False))


def _targets(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    frame = plan.to_frame()
    if args.numeric:
        frame = frame[frame["kind"] != "qualitative"]
    name = "name_zh" if args.lang == "zh" else "name_en"
    columns = ["area", "goal_no", "target_id", "indicator", name, "kind", "year", "value", "lower", "upper", "unit", "text_zh"]
    table = frame[columns]
    print(f"{plan.title_zh} / {plan.title_en}: {len(plan.goals)} goals, {len(plan.targets)} targets "
          f"({len(plan.numeric_targets)} numeric); mid-term {plan.midterm_year}, final {plan.final_year}")
    if args.output:
        if args.output.endswith(".md"):
            from .tables_markdown import to_markdown

            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(to_markdown(table))
        else:
            table.to_csv(args.output, index=False, encoding="utf-8-sig")
        print(f"written: {args.output}")
    else:
        _print(table.drop(columns=["text_zh"]))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 bad data, 2 usage error).

    Every failure is one line on standard error, in English and Chinese: a usage error
    (options argparse refuses, an unparseable date, an impossible year, text with control
    characters, a missing output folder) exits 2; a wdmonitor error about the data or a
    file exits 1 (an unknown plan 2); an ``OSError`` on the user's paths (a full disk, a
    read-only place, a missing file) names the path and what to do, exit 2. Other
    exceptions are bugs and surface with their traceback. ``--debug`` re-raises every error.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _Refused as error:
        _say(str(error))
        return 2
    try:
        _check_text(args)
        for output in _outputs(args):
            check_output_path(output)
        return _run(args)
    except (UnknownPlanError, UsageError) as error:
        if args.debug:
            raise
        _say(str(error))
        return 2
    except WdmonitorError as error:
        if args.debug:
            raise
        _say(str(error))
        return 1
    except OSError as error:
        if args.debug:
            raise
        _say(_os_message(error))
        return 2


def _outputs(args: argparse.Namespace) -> list[str]:
    """The files the command will write (checked before any work: their folder must exist)."""
    output = getattr(args, "output", None)
    if args.command == "store":
        output = args.output if args.store_action == "export" else None
    if output is None:
        return []
    return list(output) if isinstance(output, list) else [output]


def _run(args: argparse.Namespace) -> int:
    if args.command == "plans":
        rows = []
        for plan_id in list_plans():
            plan = load_plan(plan_id)
            title = plan.title_zh if args.lang == "zh" else plan.title_en
            rows.append({"id": plan.id, "title": title, "period": f"{plan.period_start}-{plan.period_end}",
                         "draft": plan.draft, "goals": len(plan.goals), "numeric_targets": len(plan.numeric_targets)})
        _print(pd.DataFrame(rows))
        return 0
    if args.command == "indicators":
        catalogue = load_indicators()
        if args.plan:
            plan = load_plan(args.plan)
            catalogue = {i: plan.indicators[i] for i in plan.indicator_ids}
        _print(pd.DataFrame([{"id": i.id, "name": i.name_zh if args.lang == "zh" else i.name_en, "area": i.area.value, "unit": i.unit,
                              "direction": i.direction.value, "sex_scope": i.sex_scope.value}
                             for i in catalogue.values()]))
        return 0
    if args.command == "template" and args.assessments:
        from .assessments import write_assessment_template

        if args.department or args.years or args.components:
            raise UsageError("--assessments lists qualitative goals: it takes no --department, --years or --components / "
                             "--assessments 用于定性目标评估表，不能与 --department、--years、--components 同用")
        write_assessment_template(load_plan(args.plan), args.output, regions=args.regions, lang=args.lang)
        print(f"written: {args.output}")
        return 0
    if args.command == "template":
        from .templates import write_template

        plan = load_plan(args.plan)
        write_template(plan, args.output, department=args.department, years=args.years, components=args.components)
        print(f"written: {args.output}")
        return 0
    if args.command == "validate":
        return _validate(args)
    if args.command == "evaluate":
        return evaluate_command(args)
    if args.command == "warn":
        return warn_command(args)
    if args.command == "report":
        return report_command(args)
    if args.command == "store":
        return store_command(args)
    if args.command in ("serve", "portal-admin"):
        from .portal.setup import admin_command, serve_command

        return serve_command(args) if args.command == "serve" else admin_command(args)
    return _targets(args)


if __name__ == "__main__":
    sys.exit(main())
