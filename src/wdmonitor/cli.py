"""The ``wdmonitor`` command line: a thin layer over the public API.

Commands so far: ``plans`` (bundled plans), ``indicators`` (the catalogue, or a plan's
indicators) and ``targets`` (a plan's goals and targets as a table). Errors print as one
line in English and Chinese, without a traceback unless ``--debug`` is given.

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
import sys
from collections.abc import Sequence

import pandas as pd

from .errors import UnknownPlanError, WdmonitorError
from .registry import list_plans, load_indicators, load_plan

__all__ = ["main"]

_EPILOG = """examples:
  wdmonitor plans
  wdmonitor indicators --plan huludao-2021-2030
  wdmonitor targets --plan huludao-2021-2030 --lang en
  wdmonitor targets --plan huludao-2021-2030 -o targets.csv
  wdmonitor template --plan huludao-2021-2030 --department 卫健委 -o 卫健委模板.xlsx
  wdmonitor validate 卫健委2024.xlsx --plan huludao-2021-2030 -o 反馈.xlsx
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wdmonitor",
        description="Monitor women's development plans (妇女发展规划): plans, indicators and targets.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("plans", help="list the bundled plans", description="List the bundled plans.\n\nexample: wdmonitor plans",
                        formatter_class=argparse.RawDescriptionHelpFormatter)

    indicators = commands.add_parser(
        "indicators", help="list catalogue indicators",
        description="List the indicator catalogue, or the indicators a plan uses.\n\nexample: wdmonitor indicators --plan huludao-2021-2030",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    indicators.add_argument("--plan", help="a bundled plan id or a plan YAML path")

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
    template.add_argument("--years", type=int, nargs="+", help="the years asked for (default: baseline to final year)")
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
    return parser


def _validate(args: argparse.Namespace) -> int:
    from .readers import read_submission
    from .validation import check_submission

    plan = load_plan(args.plan)
    frames = [read_submission(path, plan) for path in args.files]
    report = check_submission(pd.concat(frames, ignore_index=True), plan)
    print(report.summary())
    column = "message_zh" if args.lang == "zh" else "message_en"
    for message in report.failure_cases[column].head(10):
        print(f"  - {message}")
    if len(report.failure_cases) > 10:
        print(f"  … {len(report.failure_cases) - 10} more / 另有{len(report.failure_cases) - 10}条")
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
    """Run the command line; returns the exit code (0 success, 1 bad data, 2 usage error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "plans":
            rows = []
            for plan_id in list_plans():
                plan = load_plan(plan_id)
                rows.append({"id": plan.id, "title_zh": plan.title_zh, "period": f"{plan.period_start}-{plan.period_end}",
                             "draft": plan.draft, "goals": len(plan.goals), "numeric_targets": len(plan.numeric_targets)})
            _print(pd.DataFrame(rows))
            return 0
        if args.command == "indicators":
            catalogue = load_indicators()
            if args.plan:
                plan = load_plan(args.plan)
                catalogue = {i: plan.indicators[i] for i in plan.indicator_ids}
            _print(pd.DataFrame([{"id": i.id, "name_zh": i.name_zh, "area": i.area.value, "unit": i.unit,
                                  "direction": i.direction.value, "sex_scope": i.sex_scope.value}
                                 for i in catalogue.values()]))
            return 0
        if args.command == "template":
            from .templates import write_template

            plan = load_plan(args.plan)
            write_template(plan, args.output, department=args.department, years=args.years)
            print(f"written: {args.output}")
            return 0
        if args.command == "validate":
            return _validate(args)
        return _targets(args)
    except UnknownPlanError as error:
        if args.debug:
            raise
        print(f"wdmonitor: error: {error}", file=sys.stderr)
        return 2
    except WdmonitorError as error:
        if args.debug:
            raise
        print(f"wdmonitor: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        if args.debug:
            raise
        print(f"wdmonitor: error: {error} / 文件操作失败", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
