"""The monitoring database's engines side by side: SQLite, PostgreSQL and DuckDB.

The decision record in docs/performance.md rests on this measurement. On the synthetic
national panel of ``benchmarks/national.py`` (validated once, outside the timings), each
engine does the store's two heavy operations:

* **add**: one transaction that appends a submission and every observation row;
* **read as of a date**: the latest version of every key among submissions sent by then,
  returned as a pandas DataFrame.

SQLite and PostgreSQL are measured through ``wdmonitor.Store`` itself (its one storage
layer: ``executemany`` on SQLite, ``COPY`` in and out on PostgreSQL), so the figures are what
a bureau gets. DuckDB is not a wdmonitor backend; it is measured at the engine level (the
store's schema, the pandas frame appended directly, the window query of the latest version)
when it is installed (``pip install duckdb``), as the candidate for the embedded default.

PostgreSQL needs a server: ``--postgresql postgresql://user@host/database`` (or the
``WDMONITOR_TEST_POSTGRESQL`` variable that ``.ci/run`` sets); the run works in a schema of
its own and drops it at the end. Without a server that line is left out.

    python benchmarks/store_engines.py [--scale 1.0] [--postgresql URL]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from national import UNITS, national_plan, panel, peak_mb  # noqa: E402

KEY = ["region", "year", "indicator", "sex", "area_type", "age_group"]
COLUMNS = [*KEY, "value", "unit", "numerator", "denominator", "source", "source_file", "source_sheet", "source_row"]
DUCKDB_SCHEMA = """
CREATE TABLE submissions (submission_id TEXT PRIMARY KEY, department TEXT NOT NULL, submitted_at TEXT NOT NULL,
                          added_at TEXT NOT NULL);
CREATE TABLE observations (submission_id TEXT NOT NULL, region TEXT NOT NULL, year INTEGER NOT NULL,
    indicator TEXT NOT NULL, sex TEXT NOT NULL, area_type TEXT NOT NULL, age_group TEXT NOT NULL, value DOUBLE,
    unit TEXT, numerator DOUBLE, denominator DOUBLE, source TEXT, source_file TEXT, source_sheet TEXT,
    source_row INTEGER);
CREATE INDEX observations_key ON observations (region, year, indicator, sex, area_type, age_group);
"""
DUCKDB_AS_OF = f"""
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


def store_run(location: str | Path, report, plan) -> tuple[float, float, int]:
    from wdmonitor import Store

    store = Store(location, plan)
    started = time.perf_counter()
    store.add(report, department="统计局", submitted_at="2025-03-01")  # a checked report: not validated again
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    frame = store.frame(as_of="2025-03-31")
    frame_s = time.perf_counter() - started
    return add_s, frame_s, len(frame)


def sqlite_line(report, plan) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.sqlite"
        add_s, frame_s, n = store_run(path, report, plan)
        size = path.stat().st_size / 1e6
    return f"sqlite (Store): add {add_s:.2f} s, frame as of a date {frame_s:.2f} s ({n:,} rows), file {size:,.0f} MB"


def postgresql_line(url: str, report, plan) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        version = connection.execute("SHOW server_version").fetchone()[0]
    try:
        location = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
        add_s, frame_s, n = store_run(location, report, plan)
        with psycopg.connect(url, autocommit=True) as connection:
            size = float(connection.execute(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)).fetchone()[0]) / 1e6
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return (f"postgresql {version.split()[0]} (Store): add {add_s:.2f} s, frame as of a date {frame_s:.2f} s "
            f"({n:,} rows), tables and indexes {size:,.0f} MB")


def duckdb_line(valid: pd.DataFrame) -> str:
    import duckdb

    rows = pd.DataFrame({c: valid.get(c) for c in COLUMNS})
    for name in ("region", "indicator", "sex", "area_type", "age_group"):
        rows[name] = rows[name].astype(object)
    rows.insert(0, "submission_id", "s1")
    rows = rows.reset_index(drop=True)
    with tempfile.TemporaryDirectory() as tmp:
        connection = duckdb.connect(str(Path(tmp) / "store.duckdb"))
        connection.execute(DUCKDB_SCHEMA)
        started = time.perf_counter()
        connection.execute("BEGIN TRANSACTION")
        connection.execute("INSERT INTO submissions VALUES (?, ?, ?, ?)",
                           ("s1", "统计局", "2025-03-01T00:00:00", "2025-03-01T00:00:01"))
        connection.register("incoming", rows)
        connection.execute("INSERT INTO observations SELECT * FROM incoming")
        connection.execute("COMMIT")
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        frame = connection.execute(DUCKDB_AS_OF, ["2025-03-31"]).df()
        read_s = time.perf_counter() - started
        connection.close()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
    return (f"duckdb {duckdb.__version__} (engine only, not a wdmonitor backend): write {write_s:.2f} s, "
            f"read as of a date {read_s:.2f} s ({len(frame):,} rows), file {size:,.0f} MB")


def main(argv: list[str] | None = None) -> int:
    from wdmonitor import check_submission

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--postgresql", default=os.environ.get("WDMONITOR_TEST_POSTGRESQL", ""),
                        help="a PostgreSQL database to measure in (a schema of its own, dropped after)")
    args = parser.parse_args(argv)
    plan = national_plan(max(int(UNITS * args.scale), 4))
    report = check_submission(check_submission(panel(plan), plan).valid, plan)  # the valid rows, a clean report
    print(f"rows: {len(report.valid):,} (sqlite {sqlite3.sqlite_version})")
    print(sqlite_line(report, plan))
    if args.postgresql:
        print(postgresql_line(args.postgresql, report, plan))
    else:
        print("postgresql: no server given (--postgresql URL or WDMONITOR_TEST_POSTGRESQL)", file=sys.stderr)
    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("duckdb: not installed (not a wdmonitor dependency): pip install duckdb", file=sys.stderr)
    else:
        print(duckdb_line(report.valid))
    print(f"peak memory: {peak_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
