"""SQLite or DuckDB for the monitoring database: the store's two heavy operations, side by side.

The decision record in docs/performance.md rests on this measurement. On the synthetic
national panel of ``benchmarks/national.py`` (validated once, outside the timings), each
engine does what ``wdmonitor.Store`` does with a submission:

* **write**: one transaction that appends a submission row and every observation row, into
  the store's schema (the same tables and key index);
* **read as of a date**: the latest version of every key among submissions sent by then
  (the window query of ``Store.frame``), returned as a pandas DataFrame.

SQLite is the standard library's ``sqlite3`` with the rows handed over as Python tuples, as
``Store`` does; DuckDB appends the pandas frame directly (its fastest path). DuckDB is not a
dependency of wdmonitor: ``pip install duckdb`` to run this script.

    python benchmarks/store_engines.py [--scale 1.0]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from national import UNITS, national_plan, panel, peak_mb  # noqa: E402

KEY = ["region", "year", "indicator", "sex", "area_type", "age_group"]
COLUMNS = [*KEY, "value", "unit", "numerator", "denominator", "source", "source_file", "source_sheet", "source_row"]
SCHEMA = """
CREATE TABLE submissions (submission_id TEXT PRIMARY KEY, department TEXT NOT NULL, submitted_at TEXT NOT NULL,
                          added_at TEXT NOT NULL);
CREATE TABLE observations (submission_id TEXT NOT NULL, region TEXT NOT NULL, year INTEGER NOT NULL,
    indicator TEXT NOT NULL, sex TEXT NOT NULL, area_type TEXT NOT NULL, age_group TEXT NOT NULL, value DOUBLE,
    unit TEXT, numerator DOUBLE, denominator DOUBLE, source TEXT, source_file TEXT, source_sheet TEXT,
    source_row INTEGER);
CREATE INDEX observations_key ON observations (region, year, indicator, sex, area_type, age_group);
"""
AS_OF = f"""
SELECT {', '.join('o.' + c for c in COLUMNS)}, o.submission_id, s.department, s.submitted_at
FROM (
    SELECT o.*, ROW_NUMBER() OVER (
        PARTITION BY o.region, o.year, o.indicator, o.sex, o.area_type, o.age_group
        ORDER BY s.submitted_at DESC, s.added_at DESC) AS version
    FROM observations o JOIN submissions s USING (submission_id)
    WHERE s.submitted_at <= ?
) o JOIN submissions s USING (submission_id)
WHERE o.version = 1
ORDER BY o.region, o.indicator, o.sex, o.area_type, o.age_group, o.year
"""
SUBMISSION = ("s1", "统计局", "2025-03-01T00:00:00", "2025-03-01T00:00:01")


def observation_rows(valid: pd.DataFrame) -> pd.DataFrame:
    rows = pd.DataFrame({c: valid.get(c) for c in COLUMNS})
    for name in ("region", "indicator", "sex", "area_type", "age_group"):
        rows[name] = rows[name].astype(object)
    rows.insert(0, "submission_id", "s1")
    return rows.reset_index(drop=True)


def sqlite_run(rows: pd.DataFrame, folder: Path) -> tuple[float, float, int]:
    connection = sqlite3.connect(folder / "store.sqlite")
    connection.executescript(SCHEMA)
    started = time.perf_counter()
    with connection:
        connection.execute("INSERT INTO submissions VALUES (?, ?, ?, ?)", SUBMISSION)
        records = rows.astype(object).where(rows.notna(), None)
        connection.executemany(f"INSERT INTO observations VALUES ({', '.join('?' * len(rows.columns))})",
                               records.itertuples(index=False, name=None))
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    frame = pd.read_sql_query(AS_OF, connection, params=("2025-03-31",))
    read_s = time.perf_counter() - started
    connection.close()
    return write_s, read_s, len(frame)


def duckdb_run(rows: pd.DataFrame, folder: Path) -> tuple[float, float, int]:
    import duckdb

    connection = duckdb.connect(str(folder / "store.duckdb"))
    connection.execute(SCHEMA)
    started = time.perf_counter()
    connection.execute("BEGIN TRANSACTION")
    connection.execute("INSERT INTO submissions VALUES (?, ?, ?, ?)", SUBMISSION)
    connection.register("incoming", rows)
    connection.execute("INSERT INTO observations SELECT * FROM incoming")
    connection.execute("COMMIT")
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    frame = connection.execute(AS_OF, ["2025-03-31"]).df()
    read_s = time.perf_counter() - started
    connection.close()
    return write_s, read_s, len(frame)


def main(argv: list[str] | None = None) -> int:
    from wdmonitor import check_submission

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    try:
        import duckdb
    except ImportError:
        print("DuckDB is not installed (it is not a wdmonitor dependency): pip install duckdb", file=sys.stderr)
        return 2
    plan = national_plan(max(int(UNITS * args.scale), 4))
    rows = observation_rows(check_submission(panel(plan), plan).valid)
    print(f"rows: {len(rows):,} (sqlite {sqlite3.sqlite_version}, duckdb {duckdb.__version__})")
    for name, run in (("sqlite", sqlite_run), ("duckdb", duckdb_run)):
        with tempfile.TemporaryDirectory() as tmp:
            write_s, read_s, n = run(rows, Path(tmp))
            size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        print(f"{name}: write {write_s:.2f} s, read as of a date {read_s:.2f} s ({n:,} rows), file {size:,.0f} MB")
    print(f"peak memory: {peak_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
