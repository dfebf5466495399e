"""Reading department workbooks as they arrive: seconds per workbook, by layout and size.

Writes SYNTHETIC workbooks with :mod:`wdmonitor.layouts_sample` (the real 统计报表 layouts)
and a plain one-observation-a-row workbook of ``--rows`` rows (default 2,000, a large
department's yearly return), then prints, each on its own line, the time to read each with
``read_submission`` and to check it with ``check_submission`` (best of ``--repeat`` runs).

Usage::

    python benchmarks/workbooks.py              # 2,000 rows
    python benchmarks/workbooks.py --rows 20000
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="rows of the plain workbook (default 2,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is printed (default 3)")
    args = parser.parse_args(argv)

    import openpyxl

    from wdmonitor import check_submission, load_plan, read_submission
    from wdmonitor.layouts_sample import write_samples

    plan = load_plan("huludao-2021-2030")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["地区", "年份", "指标", "性别", "数值"])
        codes = list(plan.region_codes)
        women = [i.id for i in plan.indicators.values() if i.sex_scope.value == "female" and i.unit == "percent"]
        for i in range(args.rows):  # distinct keys: region, then year, then indicator
            region, year = codes[i % len(codes)], 2010 + (i // len(codes)) % 21
            indicator = women[(i // (len(codes) * 21)) % len(women)]
            sheet.append([region, year, indicator, "female", round(40 + (i * 7919 % 500) / 10, 1)])
        plain = folder / f"plain_{args.rows}.xlsx"
        book.save(plain)
        for path in [plain, *write_samples(folder)]:
            frame = read_submission(path, plan)
            read = best(lambda p=path: read_submission(p, plan), args.repeat)
            check = best(lambda f=frame: check_submission(f, plan), args.repeat)
            print(f"{path.name}: {len(frame):,} rows, read {read:.3f} s, check {check:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
