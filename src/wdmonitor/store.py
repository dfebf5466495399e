"""The monitoring database (妇女发展统计监测数据库): submissions kept across years.

A :class:`Store` is one SQLite file. SQLite rather than DuckDB because it ships with
Python (zero set-up, nothing to install on a bureau's laptop), its transactions survive a
killed process, and its file locking lets two processes add at once safely; the yearly
monitoring reads a few million rows at most, which SQLite returns in seconds (see
``docs/performance.md`` for the measurement).

Every stored row carries the submission it came from: who sent it, when, the source
file's name and SHA-256, and a note. A later submission for the same key (region, year,
indicator, sex, area_type, age_group) supersedes the earlier one without erasing it:
:meth:`Store.frame` returns the figures as known at a date, :meth:`Store.history` every
version of a key.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> from wdmonitor import load_plan
>>> from wdmonitor.store import Store
>>> plan = load_plan("huludao-2021-2030")
>>> rows = pd.DataFrame({"region": ["211400"], "year": [2021], "sex": ["female"],
...     "indicator": ["maternal_mortality_ratio"], "value": [9.8]})
>>> with tempfile.TemporaryDirectory() as folder:
...     store = Store(pathlib.Path(folder) / "monitoring.sqlite", plan=plan)
...     receipt = store.add(rows, department="卫健委", submitted_at="2022-03-01")
...     float(store.frame()["value"].iloc[0])
9.8
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import schema as col
from .errors import StoreBusyError, StoreError, SubmissionError

if TYPE_CHECKING:
    from .indicators import Plan

__all__ = ["MergeReport", "Receipt", "Store"]

SCHEMA_VERSION = 1

#: Migrations from version n-1 to n, applied in order inside one transaction each.
_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE submissions (
        submission_id TEXT PRIMARY KEY,
        department TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        added_at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        source_name TEXT NOT NULL DEFAULT '',
        source_sha256 TEXT NOT NULL,
        plan_id TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL DEFAULT '',
        n_rows INTEGER NOT NULL
    );
    CREATE TABLE observations (
        submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
        region TEXT NOT NULL,
        year INTEGER NOT NULL,
        indicator TEXT NOT NULL,
        sex TEXT NOT NULL,
        area_type TEXT NOT NULL,
        age_group TEXT NOT NULL,
        value REAL,
        unit TEXT,
        numerator REAL,
        denominator REAL,
        source TEXT,
        source_file TEXT,
        source_sheet TEXT,
        source_row INTEGER
    );
    CREATE INDEX observations_key ON observations (region, year, indicator, sex, area_type, age_group);
    CREATE INDEX observations_submission ON observations (submission_id);
    """,
}

_OBSERVATION_COLUMNS = [
    col.REGION, col.YEAR, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP, col.VALUE, col.UNIT,
    col.NUMERATOR, col.DENOMINATOR, col.SOURCE, col.SOURCE_FILE, col.SOURCE_SHEET, col.SOURCE_ROW,
]
_SUBMISSION_COLUMNS = [
    "submission_id", "department", "submitted_at", "added_at", "note", "source_name",
    "source_sha256", "plan_id", "origin", "n_rows",
]
_KEY = list(col.KEY)


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """What :meth:`Store.add` stored."""

    submission_id: str
    department: str
    submitted_at: str
    source_name: str
    source_sha256: str
    n_rows: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeReport:
    """What :meth:`Store.merge` brought in, or the conflicts that made it refuse."""

    added_submissions: tuple[str, ...]
    skipped_submissions: tuple[str, ...]
    conflicts: pd.DataFrame

    @property
    def ok(self) -> bool:
        return self.conflicts.empty


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _latest_versions(versions: pd.DataFrame) -> np.ndarray:
    """Positions of the latest version of every key, in the frame's reading order.

    The latest is the last sent (``submitted_at``), then the last added (``added_at``),
    then the last row stored (``_rowid``). The result is ordered by region, indicator, sex,
    area type, age group and year. Each column is factorised once with its codes in sorted
    order, so the two sorts are numpy lexsorts over integers.
    """
    if versions.empty:
        return np.arange(0)
    codes = {name: pd.factorize(versions[name], sort=True)[0]
             for name in (*_KEY, "submitted_at", "added_at")}
    key = [codes[name] for name in _KEY]
    by_version = np.lexsort((versions["_rowid"].to_numpy(), codes["added_at"], codes["submitted_at"], *key[::-1]))
    sorted_keys = np.stack([k[by_version] for k in key])
    last_of_key = np.ones(len(by_version), dtype=bool)
    last_of_key[:-1] = (sorted_keys[:, 1:] != sorted_keys[:, :-1]).any(axis=0)
    latest = by_version[last_of_key]
    order = [col.REGION, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP, col.YEAR]
    return latest[np.lexsort(tuple(codes[name][latest] for name in order[::-1]))]


def _timestamp(value: str | datetime | pd.Timestamp | None) -> str:
    if value is None:
        return _now()
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert("UTC").isoformat()


class Store:
    """An embedded monitoring database in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file; created (with its schema) when it does not exist.
    plan : Plan or str, optional
        The plan submissions are validated against when :meth:`add` is not given one.
    timeout : float
        Seconds to wait for another process's write lock before raising
        :class:`~wdmonitor.errors.StoreBusyError`.
    """

    def __init__(self, path: str | Path, plan: Plan | str | None = None, *, timeout: float = 10.0) -> None:
        from .registry import load_plan

        self.path = Path(path)
        self.plan = load_plan(plan) if isinstance(plan, str) else plan
        self.timeout = timeout
        if self.path.exists() and self.path.stat().st_size > 0:
            self._check_is_store()
        self._migrate()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, submissions={len(self.submissions())})"

    # -- connection and schema ----------------------------------------------------------
    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            if write:
                try:
                    connection.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as error:
                    raise self._busy(error) from error
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                else:
                    try:
                        connection.execute("COMMIT")
                    except sqlite3.OperationalError as error:
                        connection.execute("ROLLBACK")
                        raise self._busy(error) from error
            else:
                yield connection
        finally:
            connection.close()

    def _busy(self, error: sqlite3.OperationalError) -> StoreError:
        if "locked" in str(error) or "busy" in str(error):
            return StoreBusyError(
                f"{self.path}: another process is writing to the monitoring database; "
                f"waited {self.timeout:g} s, try again / 监测数据库正被其他进程写入，请稍后重试"
            )
        return StoreError(f"{self.path}: {error} / 监测数据库操作失败")

    def _check_is_store(self) -> None:
        try:
            with self._connect() as connection:
                tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{self.path}: not a wdmonitor store ({error}); expected an SQLite file created by "
                f"wdmonitor.Store / 不是wdmonitor监测数据库文件"
            ) from error
        if tables and "meta" not in tables:
            raise StoreError(
                f"{self.path}: an SQLite file without the wdmonitor schema (tables {sorted(tables)}); "
                f"expected a file created by wdmonitor.Store / 不是wdmonitor监测数据库文件"
            )

    def schema_version(self) -> int:
        """The schema version of the file (migrated to :data:`SCHEMA_VERSION` on open)."""
        with self._connect() as connection:
            return self._version(connection)

    @staticmethod
    def _version(connection: sqlite3.Connection) -> int:
        exists = connection.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not exists:
            return 0
        row = connection.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        if self.path.exists() and self.path.stat().st_size > 0:
            with self._connect() as connection:
                if self._version(connection) == SCHEMA_VERSION:
                    return  # nothing to do: opening a current store never takes the write lock
        with self._connect(write=True) as connection:
            connection.execute("PRAGMA journal_mode")  # touch the file so a new store exists
            version = self._version(connection)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: schema version {version} is newer than this wdmonitor "
                    f"understands ({SCHEMA_VERSION}); upgrade wdmonitor / 数据库版本高于当前wdmonitor"
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(target),)
                )

    # -- adding -----------------------------------------------------------------------
    def add(
        self,
        submission: Any,
        *,
        department: str,
        submitted_at: str | datetime | None = None,
        note: str = "",
        plan: Plan | str | None = None,
    ) -> Receipt:
        """Validate a submission and store its rows, all or nothing.

        Parameters
        ----------
        submission : path, DataFrame or SubmissionReport
            A department's file (read with :func:`wdmonitor.read_submission`), a frame, or
            the report of :func:`wdmonitor.check_submission`. Counts sent for an indicator's
            formula are computed into that indicator first
            (:func:`wdmonitor.compute_indicators`): the store keeps the indicator with its
            numerator and denominator, and the source column names the counts' rows.
        department : str
            Who sent it (卫健委, 教育局 …).
        submitted_at : str or datetime, optional
            When it was sent; now when omitted. Later submissions supersede earlier ones.
        note : str
            Free text kept with the submission.
        plan : Plan or str, optional
            The plan to validate against; the store's plan by default.

        Raises
        ------
        SubmissionError
            When any row fails validation; nothing is stored and the error carries the
            failure cases. Rows left blank (no data) are not stored and refuse nothing.
        StoreError
            When no row carries a value (a template sent back empty).
        StoreBusyError
            When another process holds the write lock for longer than ``timeout``.
        """
        from .formulas import with_indicators
        from .readers import read_submission
        from .registry import load_plan
        from .validation import SubmissionReport, check_submission

        plan = load_plan(plan) if isinstance(plan, str) else (plan or self.plan)
        if plan is None:
            raise StoreError("Store.add needs a plan to validate against: Store(path, plan=...) or add(..., plan=...) / 需要指定规划")
        source_name, digest = "", ""
        if isinstance(submission, SubmissionReport):
            report = submission
        else:
            if isinstance(submission, (str, Path)):
                source_name = Path(submission).name
                digest = hashlib.sha256(Path(submission).read_bytes()).hexdigest()
                frame = read_submission(submission, plan)
            else:
                frame = submission
            report = check_submission(with_indicators(frame, plan), plan)
        errors = report.failure_cases
        if "severity" in errors.columns:
            errors = errors[errors["severity"] == "error"]
        if len(errors):
            raise SubmissionError(
                f"submission refused: {len(errors)} failure(s); nothing was stored / "
                f"报送数据未通过校验（{len(errors)}处问题），未入库",
                errors,
            )
        valid = report.valid
        if valid.empty:
            where = source_name or "<frame>"
            raise StoreError(
                f"{where}: no row carries a value ({report.n_rows} rows, {len(report.no_data)} left blank); "
                f"nothing was stored / {where}：没有填报数值的行，未入库"
            )
        if not source_name and col.SOURCE_FILE in valid.columns and len(valid):
            source_name = str(valid[col.SOURCE_FILE].iloc[0])
        rows = self._observation_rows(valid)
        if not digest:
            digest = hashlib.sha256(rows.to_csv(index=False).encode("utf-8")).hexdigest()
        receipt = Receipt(
            submission_id=uuid.uuid4().hex,
            department=str(department),
            submitted_at=_timestamp(submitted_at),
            source_name=source_name,
            source_sha256=digest,
            n_rows=len(rows),
        )
        with self._connect(write=True) as connection:
            self._insert(connection, receipt, plan.id, "", rows, note)
        return receipt

    @staticmethod
    def _observation_rows(frame: pd.DataFrame) -> pd.DataFrame:
        rows = pd.DataFrame(index=frame.index)
        for name in _OBSERVATION_COLUMNS:
            if name in frame.columns:
                rows[name] = frame[name]
            elif name in (col.AREA_TYPE, col.AGE_GROUP):
                rows[name] = "total"
            else:
                rows[name] = None
        rows[col.YEAR] = rows[col.YEAR].astype("int64")
        for name in (col.VALUE, col.NUMERATOR, col.DENOMINATOR):
            rows[name] = pd.to_numeric(rows[name], errors="coerce").astype("float64")
        return rows.reset_index(drop=True)

    @staticmethod
    def _insert(connection: sqlite3.Connection, receipt: Receipt, plan_id: str, origin: str,
                rows: pd.DataFrame, note: str) -> None:
        connection.execute(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (receipt.submission_id, receipt.department, receipt.submitted_at, _now(), note,
             receipt.source_name, receipt.source_sha256, plan_id, origin, receipt.n_rows),
        )
        records = rows.astype(object).where(rows.notna(), None)
        records.insert(0, "submission_id", receipt.submission_id)
        placeholders = ", ".join("?" * len(records.columns))
        connection.executemany(
            f"INSERT INTO observations ({', '.join(records.columns)}) VALUES ({placeholders})",
            records.itertuples(index=False, name=None),
        )

    # -- reading ----------------------------------------------------------------------
    def submissions(self) -> pd.DataFrame:
        """Every submission with who, when, the source file and its hash."""
        with self._connect() as connection:
            return pd.read_sql_query(
                f"SELECT {', '.join(_SUBMISSION_COLUMNS)} FROM submissions ORDER BY submitted_at, added_at",
                connection,
            )

    def frame(self, as_of: str | datetime | None = None, plan: Plan | str | None = None) -> pd.DataFrame:
        """The canonical frame as known at a date: the latest version of every key.

        Parameters
        ----------
        as_of : str or datetime, optional
            Only submissions sent at or before this moment count; all of them when omitted.
        plan : Plan or str, optional
            Keep only the indicators (and references) of this plan.

        Returns
        -------
        DataFrame
            The canonical long frame with ``submission_id``, ``department`` and
            ``submitted_at`` on every row; ``frame.attrs["store_state"]`` records the
            store state it came from (for an evaluation's provenance).
        """
        from .registry import load_plan

        cutoff = _timestamp(as_of) if as_of is not None else "9999"
        # Every version sent by the cutoff, then the latest per key chosen with numpy on
        # integer codes: several times faster than SQLite's window function and ORDER BY
        # over millions of rows (benchmarks/store.py).
        query = f"""
            SELECT {', '.join('o.' + c for c in _OBSERVATION_COLUMNS)},
                   o.submission_id, s.department, s.submitted_at, s.added_at, o.rowid AS _rowid
            FROM observations o JOIN submissions s USING (submission_id)
            WHERE s.submitted_at <= ?
        """
        with self._connect() as connection:
            versions = pd.read_sql_query(query, connection, params=(cutoff,))
            state = self._state(connection, cutoff)
        frame = versions.iloc[_latest_versions(versions)].drop(columns=["added_at", "_rowid"]).reset_index(drop=True)
        frame = self._typed(frame)
        plan = load_plan(plan) if isinstance(plan, str) else plan
        if plan is not None:
            frame = frame[frame[col.INDICATOR].isin(plan.indicator_ids)].reset_index(drop=True)
        frame.attrs["store_state"] = {**state, "path": str(self.path), "as_of": None if as_of is None else cutoff}
        return frame

    @staticmethod
    def _typed(frame: pd.DataFrame) -> pd.DataFrame:
        frame[col.YEAR] = frame[col.YEAR].astype("int64")
        for name in (col.VALUE, col.NUMERATOR, col.DENOMINATOR):
            frame[name] = frame[name].astype("float64")
        frame[col.SOURCE_ROW] = frame[col.SOURCE_ROW].astype("Int64")
        return frame

    @staticmethod
    def _state(connection: sqlite3.Connection, cutoff: str) -> dict[str, Any]:
        rows = connection.execute(
            "SELECT submission_id, source_sha256 FROM submissions WHERE submitted_at <= ? ORDER BY submission_id",
            (cutoff,),
        ).fetchall()
        digest = hashlib.sha256("\n".join(f"{a}:{b}" for a, b in rows).encode()).hexdigest()
        last = connection.execute(
            "SELECT MAX(submitted_at) FROM submissions WHERE submitted_at <= ?", (cutoff,)
        ).fetchone()[0]
        return {"submissions": len(rows), "last_submitted_at": last, "state_sha256": digest}

    def state(self) -> dict[str, Any]:
        """A fingerprint of the store's content: submissions, the latest date, a hash."""
        with self._connect() as connection:
            return {**self._state(connection, "9999"), "path": str(self.path)}

    def history(self, key: Mapping[str, Any] | tuple[Any, ...]) -> pd.DataFrame:
        """Every stored version of one key, oldest first, with its submission.

        Parameters
        ----------
        key : mapping or tuple
            ``{"region": "211400", "year": 2022, "indicator": "…", "sex": "female"}``
            (area_type and age_group default to ``"total"``), or a tuple in the order of
            :data:`wdmonitor.schema.KEY`.
        """
        if not isinstance(key, Mapping):
            key = dict(zip(_KEY, key, strict=False))
        values = {name: key.get(name, "total" if name in (col.AREA_TYPE, col.AGE_GROUP) else None) for name in _KEY}
        missing = [name for name, value in values.items() if value is None]
        if missing:
            raise StoreError(f"history needs a whole key; missing {', '.join(missing)} / 查询版本历史须给出完整的键")
        where = " AND ".join(f"o.{name} = ?" for name in _KEY)
        params = [str(values[name]) if name != col.YEAR else int(values[name]) for name in _KEY]
        with self._connect() as connection:
            frame = pd.read_sql_query(
                f"""SELECT {', '.join('o.' + c for c in _OBSERVATION_COLUMNS)}, s.submission_id,
                           s.department, s.submitted_at, s.note, s.source_name, s.source_sha256
                    FROM observations o JOIN submissions s USING (submission_id)
                    WHERE {where} ORDER BY s.submitted_at, s.added_at, o.rowid""",
                connection,
                params=params,
            )
        frame = self._typed(frame)
        frame["current"] = np.arange(len(frame)) == len(frame) - 1
        return frame

    # -- exchange between levels ---------------------------------------------------------
    def export(self, path: str | Path) -> Path:
        """Write the whole store (every submission and version) to a file for exchange.

        ``.sqlite``/``.db`` writes a compact copy of the database; ``.csv`` writes one row
        per stored observation with its submission's provenance columns.
        """
        path = Path(path)
        if path.exists():
            raise StoreError(f"{path}: already exists; export writes a new file / 导出文件已存在")
        if path.suffix.lower() == ".csv":
            with self._connect() as connection:
                frame = pd.read_sql_query(
                    f"""SELECT {', '.join('o.' + c for c in _OBSERVATION_COLUMNS)},
                               {', '.join('s.' + c for c in _SUBMISSION_COLUMNS)}
                        FROM observations o JOIN submissions s USING (submission_id)
                        ORDER BY s.submitted_at, s.submission_id, o.rowid""",
                    connection,
                )
            frame.to_csv(path, index=False, encoding="utf-8")
            return path
        with self._connect() as connection:
            connection.execute("VACUUM INTO ?", (str(path),))
        return path

    @classmethod
    def _read_export(cls, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, dtype={col.REGION: str, "submission_id": str, "source_sha256": str,
                                             col.SOURCE_SHEET: str, "note": str, "origin": str},
                                keep_default_na=False, na_values=[""])
            submissions = frame[_SUBMISSION_COLUMNS].drop_duplicates("submission_id")
            for name in ("note", "origin", "source_name", "plan_id"):
                submissions[name] = submissions[name].fillna("")
            observations = frame[["submission_id", *_OBSERVATION_COLUMNS]]
            return submissions, observations
        other = Store(path)
        with other._connect() as connection:
            submissions = pd.read_sql_query(f"SELECT {', '.join(_SUBMISSION_COLUMNS)} FROM submissions", connection)
            observations = pd.read_sql_query(
                f"SELECT submission_id, {', '.join(_OBSERVATION_COLUMNS)} FROM observations ORDER BY rowid", connection
            )
        return submissions, observations

    def merge(self, other: Store | str | Path) -> MergeReport:
        """Bring another store (a county's, or an exported file) into this one.

        Submissions already present (same submission id) are skipped, so merging twice
        changes nothing. A key stored here and there from different submissions with
        different values is a conflict: the merge is refused as a whole and the returned
        report lists the conflicts (nothing is written). Provenance is kept: every merged
        submission records the file it came from in ``origin``.
        """
        source = other.path if isinstance(other, Store) else Path(other)
        submissions, observations = self._read_export(source)
        with self._connect(write=True) as connection:
            present = {r[0] for r in connection.execute("SELECT submission_id FROM submissions")}
            new = submissions[~submissions["submission_id"].isin(present)]
            skipped = tuple(submissions.loc[submissions["submission_id"].isin(present), "submission_id"])
            incoming = observations[observations["submission_id"].isin(new["submission_id"])]
            ours = pd.read_sql_query(
                f"SELECT submission_id, {', '.join(_KEY)}, value FROM observations", connection
            )
            conflicts = self._conflicts(ours, incoming)
            if not conflicts.empty:
                return MergeReport(added_submissions=(), skipped_submissions=skipped, conflicts=conflicts)
            for record in new.to_dict("records"):
                receipt = Receipt(
                    submission_id=str(record["submission_id"]), department=str(record["department"]),
                    submitted_at=str(record["submitted_at"]), source_name=str(record["source_name"] or ""),
                    source_sha256=str(record["source_sha256"]), n_rows=int(record["n_rows"]),
                )
                rows = incoming[incoming["submission_id"] == receipt.submission_id][_OBSERVATION_COLUMNS]
                origin = str(record.get("origin") or "") or str(source)
                self._insert(connection, receipt, str(record.get("plan_id") or ""), origin,
                             self._observation_rows(rows), str(record.get("note") or ""))
        return MergeReport(added_submissions=tuple(new["submission_id"]), skipped_submissions=skipped,
                           conflicts=conflicts)

    import_file = merge  # importing an exported file is merging it

    @staticmethod
    def _conflicts(ours: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
        columns = [*_KEY, "value_here", "value_incoming", "submission_here", "submission_incoming",
                   "message_en", "message_zh"]
        if ours.empty or incoming.empty:
            return pd.DataFrame(columns=columns)
        left = ours.rename(columns={"value": "value_here", "submission_id": "submission_here"})
        right = incoming[["submission_id", *_KEY, "value"]].rename(
            columns={"value": "value_incoming", "submission_id": "submission_incoming"})
        left[col.YEAR] = left[col.YEAR].astype("int64")
        right[col.YEAR] = right[col.YEAR].astype("int64")
        for name in _KEY:
            if name != col.YEAR:
                left[name] = left[name].astype(str)
                right[name] = right[name].astype(str)
        both = left.merge(right, on=_KEY, how="inner")
        differ = ~np.isclose(both["value_here"].astype(float), both["value_incoming"].astype(float),
                             rtol=1e-12, atol=0.0, equal_nan=True)
        both = both[differ].reset_index(drop=True)
        both["message_en"] = (
            "conflicting duplicate: " + both[col.REGION] + " " + both[col.YEAR].astype(str) + " "
            + both[col.INDICATOR] + " " + both[col.SEX] + " is " + both["value_here"].astype(str)
            + " here and " + both["value_incoming"].astype(str) + " in the incoming store"
        )
        both["message_zh"] = (
            "重复数据冲突：" + both[col.REGION] + " " + both[col.YEAR].astype(str) + "年 " + both[col.INDICATOR]
            + " " + both[col.SEX] + " 本库为" + both["value_here"].astype(str) + "，导入库为"
            + both["value_incoming"].astype(str)
        )
        return both[columns]

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look: submissions, stored rows, current rows, years."""
        with self._connect() as connection:
            stored = connection.execute("SELECT COUNT(*) FROM observations").fetchone()[0]
            years = connection.execute("SELECT MIN(year), MAX(year) FROM observations").fetchone()
        current = len(self.frame())
        return {"submissions": len(self.submissions()), "stored_rows": stored, "current_rows": current,
                "years": tuple(years), "schema_version": self.schema_version()}
