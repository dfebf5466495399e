"""The benchmark scripts run as documented and print every figure, one a line (tiny scale).

The figures themselves are measured, not asserted: see docs/performance.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def run(script: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_national_benchmark_prints_each_figure_and_the_growth():
    lines = run("national.py", "--scale", "0.002", "--reference-series", "20", "--growth")
    starts = [line.split(":")[0] for line in lines]
    for label in ("machine", "units", "rows", "floor", "read + validate", "evaluate (mid-term)",
                  "early warnings (as of 2025, on the evaluation's engine run)", "total",
                  "process (imports included)", "process exit", "library / floor", "peak memory", "per-series loop / library, same job"):
        assert label in starts, lines
    assert re.search(r"^total: \d+\.\d\d s$", lines[starts.index("total")])
    assert re.search(r"^library / floor: \d+\.\dx$", lines[starts.index("library / floor")])
    growth = [line for line in lines if line.startswith("scale ")]
    assert [line.split(":")[0] for line in growth] == ["scale 0.02%", "scale 0.06%", "scale 0.2%"]  # of the nation
    assert all("per million rows: read_validate" in line for line in growth)


def test_national_benchmark_runs_province_by_province_in_worker_processes():
    lines = run("national.py", "--units", "40", "--partitions", "--jobs", "2", "--as-of", "2024")
    starts = [line.split(":")[0] for line in lines]
    assert "read + validate + evaluate + early warnings, by province with 2 process(es)" in starts, lines
    assert re.search(r"^peak memory: [\d,]+ MB, largest worker [\d,]+ MB$", lines[starts.index("peak memory")])


def test_national_benchmark_runs_the_cycle_in_memory_on_two_cores():
    lines = run("national.py", "--units", "40", "--jobs", "2", "--reference-series", "0")
    starts = [line.split(":")[0] for line in lines]
    label = "read + validate + evaluate + early warnings in memory on 2 cores, the provinces in 4 groups"
    assert label in starts, lines
    figures = re.fullmatch(r".*: \d+\.\d\d s \(([\d,]+) verdict rows with their traces and the qualitative rows, "
                           r"([\d,]+) flags\)", lines[starts.index(label)])
    assert figures and int(figures[1].replace(",", "")) > 0, lines
    assert re.search(r"^peak memory: [\d,]+ MB, largest worker [1-9][\d,]* MB$", lines[starts.index("peak memory")])


def test_store_benchmark_prints_add_frame_and_size():
    lines = run("store.py", "--scale", "0.002")
    assert [line.split(":")[0] for line in lines] == [
        "rows stored", "store.add (validation included, one transaction)", "store.frame(as_of=...)", "file size",
        "peak memory"]


def test_workbook_benchmark_prints_each_layout_with_its_rows_and_times():
    lines = run("workbooks.py", "--rows", "60", "--repeat", "1")
    assert lines[0].startswith("machine: ")
    names = [line.split(":")[0] for line in lines[1:]]
    assert names == ["plain_60.xlsx", "卫健委_2024_绥中县_统计报表.xlsx", "教育局_2024_县区汇总.xlsx",
                     "民政局_2024_绥中县_合计其中女.xlsx", "组织部_2024_分县区工作表.xlsx"]
    assert re.fullmatch(r"plain_60.xlsx: 60 rows, read \d+\.\d{3} s, check \d+\.\d{3} s", lines[1])
