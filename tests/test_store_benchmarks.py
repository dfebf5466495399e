"""benchmarks/store_engines.py runs as documented at a tiny scale and prints each engine's line.

The figures are measured, not asserted: see docs/performance.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from store_locations import POSTGRESQL, require_backend

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "store_engines.py"


def test_store_engines_benchmark_prints_sqlite_and_postgresql_side_by_side():
    require_backend("postgresql")
    env = {**os.environ, "WDMONITOR_TEST_POSTGRESQL": POSTGRESQL}
    done = subprocess.run([sys.executable, str(SCRIPT), "--scale", "0.002"], capture_output=True, text=True,
                          check=False, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"rows: [\d,]+ \(sqlite [\d.]+\)", lines[0])
    engine = r"add \d+\.\d\d s, frame as of a date \d+\.\d\d s \([\d,]+ rows\)"
    assert re.fullmatch(rf"sqlite \(Store\): {engine}, file [\d,]+ MB", lines[1])
    assert re.fullmatch(rf"postgresql [\d.]+ \(Store\): {engine}, tables and indexes [\d,]+ MB", lines[2])
    assert re.fullmatch(r"peak memory: [\d,]+ MB", lines[-1])
    rows = lines[0].split()[1]
    assert f"({rows} rows)" in lines[1] and f"({rows} rows)" in lines[2]  # every row read back on both
