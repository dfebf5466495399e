"""The monitoring database at national scale: add, read back as of a date, file size.

Uses the synthetic national panel of ``benchmarks/national.py``; prints one figure a line.

    python benchmarks/store.py [--scale 1.0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from national import UNITS, national_plan, panel, peak_mb  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from wdmonitor import Store, check_submission

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    plan = national_plan(max(int(UNITS * args.scale), 4))
    report = check_submission(panel(plan), plan)  # the valid rows validate again as a whole (idempotent)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "national.sqlite", plan)
        started = time.perf_counter()
        receipt = store.add(report.valid, department="统计局", submitted_at="2025-03-01")  # validated again inside
        add_s = time.perf_counter() - started
        started = time.perf_counter()
        frame = store.frame(as_of="2025-03-31")
        frame_s = time.perf_counter() - started
        size = (Path(tmp) / "national.sqlite").stat().st_size / 1e6
    print(f"rows stored: {receipt.n_rows:,}")
    print(f"store.add (validation included, one transaction): {add_s:.2f} s")
    print(f"store.frame(as_of=...): {frame_s:.2f} s ({len(frame):,} rows)")
    print(f"file size: {size:,.0f} MB")
    print(f"peak memory: {peak_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
