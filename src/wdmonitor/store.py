"""The monitoring database (妇女发展统计监测数据库): submissions kept across years.

A :class:`Store` is one SQLite file by default, or a database on a PostgreSQL server
(``Store("postgresql://统计局@db.example/monitoring")``) for a bureau that runs one; both go
through the one storage layer of :mod:`wdmonitor.storage` and keep the same promises. SQLite
stays the default because it ships with Python (zero set-up, nothing to install on a bureau's
laptop), its transactions survive a killed process, and its file locking lets several
processes add at once safely (see ``docs/performance.md`` for the measurements and
``docs/store.md`` for the faults and the server).

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
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import schema as col
from .errors import StoreError, SubmissionError
from .exchange import (
    CONFLICT_COLUMNS,
    CSV_NULL,
    ROW_CONTENT,
    changed_rows,
    conflicts,
    csv_encode,
    read_csv_export,
)
from .storage import SCHEMA_VERSION  # storage imports SQLAlchemy only when a store is opened

if TYPE_CHECKING:
    from .indicators import Plan
    from .storage import Storage

__all__ = ["SCHEMA_VERSION", "MergeReport", "Receipt", "Store"]


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
    # microseconds: two submissions added within one second keep their order
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _latest_versions(versions: pd.DataFrame, rank: np.ndarray) -> np.ndarray:
    """Positions of the latest version of every key, in the frame's reading order.

    The latest is the last sent (``submitted_at``), then the last added (``added_at``) —
    both folded into ``rank``, the submission's dense rank in that order, one per row — then
    the last row stored (``_rowid``). The result is ordered by region, indicator, sex, area
    type, age group and year. Each key column is factorised once with its codes in sorted
    order, so the two sorts are numpy lexsorts over integers.
    """
    if versions.empty:
        return np.arange(0)
    codes = {name: pd.factorize(versions[name], sort=True)[0] for name in _KEY}
    key = [codes[name] for name in _KEY]
    by_version = np.lexsort((versions["_rowid"].to_numpy(), rank, *key[::-1]))
    sorted_keys = np.stack([k[by_version] for k in key])
    last_of_key = np.ones(len(by_version), dtype=bool)
    last_of_key[:-1] = (sorted_keys[:, 1:] != sorted_keys[:, :-1]).any(axis=0)
    latest = by_version[last_of_key]
    order = [col.REGION, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP, col.YEAR]
    return latest[np.lexsort(tuple(codes[name][latest] for name in order[::-1]))]


def _timestamp(value: str | datetime | pd.Timestamp | None) -> str:
    if value is None:
        return _now()
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as error:
        shown = repr(value) if len(repr(value)) <= 60 else f"{repr(value)[:60]}… ({len(repr(value))} characters)"
        raise StoreError(f"{shown} is not a date ({error}); expected a date such as 2025-03-01 or "
                         f"2025-03-01T09:30 / 日期无法识别，应为 2025-03-01 这样的日期") from None
    if stamp is pd.NaT:
        raise StoreError(f"{value!r} is not a date; expected a date such as 2025-03-01 / 日期无法识别")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert("UTC").isoformat()


class Store:
    """The monitoring database: an SQLite file, or a PostgreSQL database.

    Parameters
    ----------
    location : str or Path
        The SQLite file (created with its schema when it does not exist), or a
        ``postgresql://user@host:port/database`` URL of a database on a server (its tables
        are created when the database, or the schema named by ``?options=-csearch_path=…``,
        is empty). Give the password in ``PGPASSWORD`` or ``~/.pgpass``, not in the URL.
    plan : Plan or str, optional
        The plan submissions are validated against when :meth:`add` is not given one.
    timeout : float
        Seconds to wait for another process's write lock before raising
        :class:`~wdmonitor.errors.StoreBusyError`.
    create : bool
        Create the store when there is none; with ``False`` a missing store is a
        :class:`~wdmonitor.errors.StoreError` and nothing is created.

    Raises
    ------
    StoreError
        When the location is not a wdmonitor store, is damaged, misses a table, has a schema
        version newer than this wdmonitor, cannot be created, or the server cannot be
        reached; the store is left as it is. An older schema version is migrated (one
        transaction).
    StoreBusyError
        When another process holds a lock for longer than ``timeout``.
    """

    def __init__(self, location: str | Path, plan: Plan | str | None = None, *, timeout: float = 10.0,
                 create: bool = True) -> None:
        from .registry import load_plan

        self.plan = load_plan(plan) if isinstance(plan, str) else plan
        self.timeout = timeout
        self._storage = _open_storage(location, timeout=timeout, create=create)
        self._storage.prepare(create=create)

    @property
    def location(self) -> str:
        """The file path, or the server URL with any password hidden."""
        return self._storage.label

    @property
    def path(self) -> Path | None:
        """The SQLite file; ``None`` for a store on a server."""
        return self._storage.path

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._storage.kind

    def __repr__(self) -> str:
        return f"Store({self.location!r}, submissions={len(self.submissions())})"

    def schema_version(self) -> int:
        """The schema version of the store (migrated to :data:`SCHEMA_VERSION` on open)."""
        with self._storage.read() as connection:
            return self._storage.version(connection)

    # -- adding -----------------------------------------------------------------------
    def add(
        self,
        submission: Any,
        *,
        department: str,
        submitted_at: str | datetime | None = None,
        note: str = "",
        plan: Plan | str | None = None,
        sheet: str | int | Sequence[str | int] | None = None,
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
        sheet : str, int or list, optional
            For a workbook: the sheet (name or position) or sheets to read, passed to
            :func:`wdmonitor.read_submission`; every visible sheet when omitted.

        Raises
        ------
        SubmissionError
            When any row fails validation; nothing is stored and the error carries the
            failure cases. Rows left blank (no data) are not stored and refuse nothing.
        StoreError
            When no row carries a value (a template sent back empty), or the store cannot
            be written (read-only, full disk …): nothing is stored.
        StoreBusyError
            When another process holds the write lock for longer than ``timeout``.
        """
        from .readers import read_submission
        from .registry import load_plan
        from .validation import SubmissionReport, prepare_submission

        plan = load_plan(plan) if isinstance(plan, str) else (plan or self.plan)
        if plan is None:
            raise StoreError("Store.add needs a plan to validate against: Store(path, plan=...) or add(..., plan=...) / 需要指定规划")
        source_name, digest = "", ""
        if isinstance(submission, SubmissionReport):
            report = submission
        else:
            if isinstance(submission, (str, Path)):
                frame = read_submission(submission, plan, sheet=sheet)
                # undecodable bytes of a file name (lone surrogates) kept as their escapes, as the reader shows them
                source_name = Path(submission).name.encode("utf-8", "backslashreplace").decode("utf-8")
                digest = _file_digest(Path(submission))
            else:
                frame = submission
            report = prepare_submission(frame, plan)
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
        if not digest:  # a frame: the SHA-256 of its rows' 64-bit content hashes (pandas), in order
            digest = hashlib.sha256(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes()).hexdigest()
        receipt = Receipt(
            submission_id=uuid.uuid4().hex,
            department=str(department),
            submitted_at=_timestamp(submitted_at),
            source_name=source_name,
            source_sha256=digest,
            n_rows=len(rows),
        )
        submission_row = {**_receipt_row(receipt), "plan_id": plan.id, "origin": "", "note": note}
        with self._storage.write() as connection:
            self._insert(connection, pd.DataFrame([submission_row]), rows.assign(submission_id=receipt.submission_id))
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
        rows[col.SOURCE_ROW] = pd.to_numeric(rows[col.SOURCE_ROW], errors="coerce").astype("Int64")
        return rows.reset_index(drop=True)

    def _insert(self, connection: Any, submissions: pd.DataFrame, observations: pd.DataFrame) -> None:
        """Append submissions (added now) and their observations in the open write transaction."""
        submissions = submissions.assign(added_at=_now())[_SUBMISSION_COLUMNS]
        self._storage.append(connection, "submissions", submissions)
        self._storage.append(connection, "observations", observations[["submission_id", *_OBSERVATION_COLUMNS]])

    # -- reading ----------------------------------------------------------------------
    def submissions(self) -> pd.DataFrame:
        """Every submission with who, when, the source file and its hash."""
        with self._storage.read() as connection:
            return self._storage.query(
                connection,
                f"SELECT {', '.join(_SUBMISSION_COLUMNS)} FROM submissions ORDER BY submitted_at, added_at, submission_id",
            )

    def frame(self, as_of: str | datetime | None = None, plan: Plan | str | None = None, *,
              province: str | None = None) -> pd.DataFrame:
        """The canonical frame as known at a date: the latest version of every key.

        Parameters
        ----------
        as_of : str or datetime, optional
            Only submissions sent at or before this moment count; all of them when omitted.
        plan : Plan or str, optional
            Keep only the indicators (and references) of this plan.
        province : str, optional
            Only the regions whose code starts with these two digits (one partition of
            :meth:`partitions`).

        Returns
        -------
        DataFrame
            The canonical long frame with ``submission_id``, ``department`` and
            ``submitted_at`` on every row; ``frame.attrs["store_state"]`` records the
            store state it came from (for an evaluation's provenance).
        """
        from .registry import load_plan

        cutoff = _timestamp(as_of) if as_of is not None else "9999"
        # Every version sent by the cutoff, without its submission's columns (joined here from
        # the small submissions table, not repeated on millions of rows by the engine), then
        # the latest per key chosen with numpy on integer codes: several times faster than a
        # window function and ORDER BY over millions of rows (benchmarks/store.py).
        query = f"""
            SELECT {', '.join('o.' + c for c in _OBSERVATION_COLUMNS)}, o.submission_id, o.row_id AS _rowid
            FROM observations o
            WHERE o.submission_id IN (SELECT submission_id FROM submissions WHERE submitted_at <= :cutoff)
            {'AND o.region LIKE :province' if province is not None else ''}
        """
        parameters = {"cutoff": cutoff, **({"province": f"{province}%"} if province is not None else {})}
        with self._storage.read() as connection:
            sent = self._storage.query(
                connection, "SELECT submission_id, department, submitted_at, added_at, source_sha256 FROM submissions "
                            "WHERE submitted_at <= :cutoff ORDER BY submission_id", {"cutoff": cutoff})
            versions = self._storage.query(connection, query, parameters)
        of_row = pd.Index(sent["submission_id"]).get_indexer(versions["submission_id"])
        if (of_row < 0).any():  # a row whose submission is gone: the foreign key was broken by other software
            raise StoreError(f"{self.location}: the store is damaged (rows without their submission); restore it from "
                             f"a backup or from the last export / 数据库已损坏（数据行缺少对应的报送记录）")
        order = (sent["submitted_at"].astype(str) + "\x00" + sent["added_at"].astype(str)).to_numpy()
        rank = pd.factorize(order, sort=True)[0]
        latest = _latest_versions(versions, rank[of_row])
        frame = versions.iloc[latest].drop(columns=["_rowid"]).reset_index(drop=True)
        for name in ("department", "submitted_at"):
            frame[name] = pd.Series(sent[name].to_numpy()[of_row[latest]], dtype="str")
        state = _state_of(sent)
        frame = self._typed(frame)
        plan = load_plan(plan) if isinstance(plan, str) else plan
        if plan is not None:
            frame = frame[frame[col.INDICATOR].isin(plan.indicator_ids)].reset_index(drop=True)
        frame.attrs["store_state"] = {**state, "path": self.location, "as_of": None if as_of is None else cutoff}
        return frame

    def partitions(self, as_of: str | datetime | None = None, plan: Plan | str | None = None) -> Iterator[pd.DataFrame]:
        """The frame as known at a date, one province at a time (the first two digits of the region code).

        For :func:`wdmonitor.partitions.evaluate_partitions` and its warnings counterpart: only
        one province's rows are in memory at once.
        """
        with self._storage.read() as connection:
            provinces = self._storage.query(connection, "SELECT DISTINCT substr(region, 1, 2) AS province FROM observations "
                                                        "ORDER BY province")
        for province in provinces["province"].dropna().astype(str):
            yield self.frame(as_of, plan, province=province)

    @staticmethod
    def _typed(frame: pd.DataFrame) -> pd.DataFrame:
        frame[col.YEAR] = frame[col.YEAR].astype("int64")
        for name in (col.VALUE, col.NUMERATOR, col.DENOMINATOR):
            frame[name] = frame[name].astype("float64")
        frame[col.SOURCE_ROW] = frame[col.SOURCE_ROW].astype("Int64")
        return frame

    def _state(self, connection: Any, cutoff: str) -> dict[str, Any]:
        return _state_of(self._storage.query(
            connection,
            "SELECT submission_id, source_sha256, submitted_at FROM submissions WHERE submitted_at <= :cutoff "
            "ORDER BY submission_id",
            {"cutoff": cutoff},
        ))

    def state(self) -> dict[str, Any]:
        """A fingerprint of the store's content: submissions, the latest date, a hash."""
        with self._storage.read() as connection:
            return {**self._state(connection, "9999"), "path": self.location}

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
        try:
            year = int(values[col.YEAR])
        except (TypeError, ValueError, OverflowError):
            raise StoreError(f"history: year must be a whole number (got {values[col.YEAR]!r}) / 年份须为整数") from None
        where = " AND ".join(f"o.{name} = :{name}" for name in _KEY)
        params = {name: str(values[name]) for name in _KEY if name != col.YEAR} | {col.YEAR: year}
        with self._storage.read() as connection:
            frame = self._storage.query(
                connection,
                f"""SELECT {', '.join('o.' + c for c in _OBSERVATION_COLUMNS)}, s.submission_id,
                           s.department, s.submitted_at, s.note, s.source_name, s.source_sha256
                    FROM observations o JOIN submissions s ON s.submission_id = o.submission_id
                    WHERE {where} ORDER BY s.submitted_at, s.added_at, o.row_id""",
                params,
            )
        frame = self._typed(frame)
        frame["current"] = np.arange(len(frame)) == len(frame) - 1
        return frame

    # -- exchange between levels ---------------------------------------------------------
    # -- the committee's assessments ----------------------------------------------------
    def add_assessments(self, source: Any, *, submitted_at: str | datetime | None = None,
                        plan: Plan | str | None = None, sheet: str | int | None = None) -> Receipt:
        """Store the committee's verdicts on qualitative goals as new revisions, all or nothing.

        Parameters
        ----------
        source : path or DataFrame
            The filled assessment workbook, a .csv or .yaml, or a frame (read and checked by
            :func:`wdmonitor.assessments.read_assessments`).
        submitted_at : str or datetime, optional
            When the verdicts were given; now when omitted. A later revision of a goal and
            region supersedes the earlier one without erasing it.
        plan : Plan or str, optional
            The plan the goals belong to; the store's plan by default.
        sheet : str or int, optional
            The sheet of a workbook to read.

        Returns
        -------
        Receipt
            ``department`` lists who assessed (``assessed_by``), ``n_rows`` the verdicts stored.

        Raises
        ------
        AssessmentError
            When the file has problems (every one listed); nothing is stored.
        StoreError
            When the file holds no verdict (a template sent back blank), or the store cannot
            be written.
        """
        from .assessments import read_assessments
        from .registry import load_plan
        from .storage import ASSESSMENT_COLUMNS

        plan = load_plan(plan) if isinstance(plan, str) else (plan or self.plan)
        if plan is None:
            raise StoreError("Store.add_assessments needs a plan: Store(path, plan=...) or add_assessments(..., plan=...) / "
                             "需要指定规划")
        frame = read_assessments(source, plan, sheet=sheet)
        name = str(frame.attrs.get("source_file", "<frame>"))
        if frame.empty:
            raise StoreError(f"{name}: no goal carries a verdict (every status is empty); nothing was stored / "
                             f"{name}：没有填写评估结论的行，未入库")
        if isinstance(source, (str, Path)):
            digest = _file_digest(Path(source))
        else:
            digest = hashlib.sha256(pd.util.hash_pandas_object(frame.drop(columns=["source_row"]), index=False)
                                    .to_numpy().tobytes()).hexdigest()
        receipt = Receipt(submission_id=uuid.uuid4().hex,
                          department=", ".join(sorted({b for b in frame["assessed_by"] if b})),
                          submitted_at=_timestamp(submitted_at), source_name=name, source_sha256=digest,
                          n_rows=len(frame))
        rows = frame.assign(revision_id=receipt.submission_id, source_sha256=digest, submitted_at=receipt.submitted_at,
                            added_at=_now(), plan_id=plan.id)
        rows["source_file"] = rows["source_file"].where(rows["source_file"] != "", name)
        with self._storage.write() as connection:
            self._storage.append(connection, "assessments", rows[ASSESSMENT_COLUMNS])
        return receipt

    def assessments(self, as_of: str | datetime | None = None, *, history: bool = False) -> pd.DataFrame:
        """The committee's verdicts as known at a date: the latest revision of each goal and region.

        Parameters
        ----------
        as_of : str or datetime, optional
            Only revisions given at or before this moment count (as for :meth:`frame`); all
            of them when omitted.
        history : bool
            Every revision instead, oldest first (who, when and the evidence of each).

        Returns
        -------
        DataFrame
            The columns of :func:`wdmonitor.assessments.read_assessments` with
            ``revised_at`` (when the revision was given), ``revision_id`` and
            ``source_sha256``; ready for ``evaluate(..., assessments=...)``.
        """
        from .assessments import ASSESSMENT_COLUMNS as READ_COLUMNS

        cutoff = _timestamp(as_of) if as_of is not None else "9999"
        with self._storage.read() as connection:
            rows = self._storage.query(
                connection,
                "SELECT revision_id, target_id, region, status, evidence, assessed_by, assessed_on, note, source_file, "
                "source_sheet, source_row, source_sha256, submitted_at, added_at FROM assessments "
                "WHERE submitted_at <= :cutoff ORDER BY submitted_at, added_at, row_id", {"cutoff": cutoff})
        if not history:
            rows = rows.drop_duplicates(["target_id", "region"], keep="last")
        rows = rows.rename(columns={"submitted_at": "revised_at"}).drop(columns=["added_at"]).reset_index(drop=True)
        rows["source_row"] = pd.to_numeric(rows["source_row"], errors="coerce").fillna(0).astype("int64")
        frame = rows[[*READ_COLUMNS, "revised_at", "revision_id", "source_sha256"]].copy()
        frame.attrs["wdmonitor_assessments"] = not history
        frame.attrs["source_file"] = self.location
        frame.attrs["as_of"] = None if as_of is None else cutoff
        return frame

    def _tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every submission and every stored row, in the order they were stored."""
        with self._storage.read() as connection:
            submissions = self._storage.query(
                connection, f"SELECT {', '.join(_SUBMISSION_COLUMNS)} FROM submissions ORDER BY submitted_at, "
                            f"added_at, submission_id")
            observations = self._storage.query(
                connection, f"SELECT submission_id, {', '.join(_OBSERVATION_COLUMNS)} FROM observations ORDER BY row_id")
        return submissions, observations

    def export(self, path: str | Path) -> Path:
        """Write the whole store (every submission and version) to a file for exchange.

        ``.sqlite``/``.db`` writes a wdmonitor store file (a compact copy of the database);
        ``.csv`` writes one row per stored observation with its submission's provenance
        columns, NULL written as ``\\N`` so that an empty text stays empty. Either file can
        be given to :meth:`merge` at another level.

        Raises
        ------
        StoreError
            When the file exists (export never overwrites), its folder is missing, or the
            disk is full; a partly written file is removed.
        """
        path = Path(path)
        if path.exists():
            raise StoreError(f"{path}: already exists; export writes a new file / 导出文件已存在")
        if not path.parent.is_dir():
            raise StoreError(f"{path}: the folder {path.parent} does not exist; create it first / 导出文件夹不存在")
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".sqlite", ".db"):
            raise StoreError(f"{path}: export writes .sqlite, .db or .csv (got {suffix or 'no suffix'!r}) / "
                             f"导出文件须为.sqlite、.db或.csv")
        try:
            if suffix == ".csv":
                submissions, observations = self._tables()
                frame = observations.merge(submissions, on="submission_id", how="left", validate="many_to_one")
                frame = frame[[*_OBSERVATION_COLUMNS, *_SUBMISSION_COLUMNS]]
                csv_encode(frame).to_csv(path, index=False, encoding="utf-8", na_rep=CSV_NULL, lineterminator="\n")
            elif self.backend == "sqlite":
                with self._storage.guard(), self._storage.engine.connect() as connection:
                    # VACUUM INTO runs outside a transaction, on the driver's connection itself
                    sqlite = connection.connection.driver_connection
                    assert sqlite is not None
                    sqlite.execute("VACUUM INTO ?", (str(path),))
            else:
                submissions, observations = self._tables()
                revisions = self._revisions()
                copy = Store(path, timeout=self.timeout)
                with copy._storage.write() as connection:
                    copy._storage.append(connection, "submissions", submissions)
                    copy._storage.append(connection, "observations", observations)
                    copy._storage.append(connection, "assessments", revisions)
        except OSError as error:
            path.unlink(missing_ok=True)
            raise StoreError(f"{path}: the export could not be written ({error.strerror or error}); nothing was "
                             f"exported: free some space or choose another folder / 导出失败，未写入") from error
        except StoreError:
            path.unlink(missing_ok=True)
            raise
        return path

    @staticmethod
    def _read_export(source: Store | str | Path, timeout: float) -> tuple[pd.DataFrame, pd.DataFrame, str]:
        """The submissions and rows of another store or an exported file, read only."""
        if isinstance(source, Store):
            return (*source._tables(), source.location)
        from .storage import is_url

        if is_url(source):
            other = Store(str(source), timeout=timeout, create=False)
            return (*other._tables(), other.location)
        path = Path(source)
        if not path.exists():
            raise StoreError(f"{path}: no such file; nothing was merged (and nothing was created) / "
                             f"文件不存在，未合并")
        if not path.is_file():
            raise StoreError(f"{path}: not a file; merge takes a store file (.sqlite) or an export (.csv) / "
                             f"不是文件，无法合并")
        if path.suffix.lower() == ".csv":
            return (*read_csv_export(path), str(path))
        storage = _open_storage(path, timeout=timeout, create=False)
        with storage.read() as connection:
            tables = storage.tables(connection)
            version = storage.version(connection, tables)
            storage._refuse_newer(version)
            if version == 0:
                raise StoreError(f"{path}: an empty file, not a wdmonitor store or export; nothing was merged / "
                                 f"不是wdmonitor数据库或导出文件，未合并")
            storage._require_tables(tables, version)
            order = "row_id" if version >= 2 else "rowid"
            submissions = storage.query(connection, f"SELECT {', '.join(_SUBMISSION_COLUMNS)} FROM submissions")
            observations = storage.query(
                connection, f"SELECT submission_id, {', '.join(_OBSERVATION_COLUMNS)} FROM observations ORDER BY {order}")
        return submissions, observations, str(path)

    def merge(self, other: Store | str | Path) -> MergeReport:
        """Bring another store (a county's, or an exported file) into this one.

        Submissions already present (same submission id, same rows) are skipped, so merging
        twice changes nothing. A conflict refuses the merge as a whole and the returned
        report lists every conflict (nothing is written): a key stored here and there from
        different submissions with different values, or a submission id present here whose
        rows differ in the incoming file (a changed row is never skipped). Provenance is
        kept: every merged submission records the store or file it came from in ``origin``.

        Raises
        ------
        StoreError
            When ``other`` is missing (nothing is created), or is neither a wdmonitor store
            nor an export written by :meth:`export`.
        """
        submissions, observations, origin_label = self._read_export(other, self.timeout)
        with self._storage.write() as connection:
            ours = self._storage.query(
                connection, f"SELECT submission_id, {', '.join(_KEY)}, {', '.join(ROW_CONTENT)} FROM observations")
            present = set(ours["submission_id"])
            known = submissions["submission_id"].isin(present)
            new = submissions[~known]
            skipped = tuple(submissions.loc[known, "submission_id"])
            incoming = observations[observations["submission_id"].isin(new["submission_id"])]
            changed = changed_rows(ours[ours["submission_id"].isin(skipped)],
                                   observations[observations["submission_id"].isin(skipped)])
            found = pd.concat([frame for frame in (changed, conflicts(ours, incoming)) if not frame.empty]
                              or [pd.DataFrame(columns=CONFLICT_COLUMNS)], ignore_index=True)
            if not found.empty:
                return MergeReport(added_submissions=(), skipped_submissions=skipped, conflicts=found)
            if not new.empty:
                new = new.copy()
                new["origin"] = [value if isinstance(value, str) and value else origin_label for value in new["origin"]]
                for name in ("note", "source_name", "plan_id"):
                    new[name] = new[name].fillna("")
                rows = self._observation_rows(incoming).assign(submission_id=incoming["submission_id"].to_numpy())
                self._insert(connection, new, rows)
        return MergeReport(added_submissions=tuple(new["submission_id"]), skipped_submissions=skipped,
                           conflicts=found)

    import_file = merge  # importing an exported file is merging it

    def _revisions(self) -> pd.DataFrame:
        """Every stored revision of the committee's verdicts, in the order they were stored."""
        from .storage import ASSESSMENT_COLUMNS

        with self._storage.read() as connection:
            return self._storage.query(connection, f"SELECT {', '.join(ASSESSMENT_COLUMNS)} FROM assessments ORDER BY row_id")

    def merge_assessments(self, other: Store | str | Path) -> int:
        """Bring another store's revisions of the committee's verdicts (a county's, say) into this one.

        Revisions already here (same revision, goal and region) are skipped, so merging twice
        changes nothing; the others are added as they were given (who, when, evidence), so
        :meth:`assessments` and ``as_of`` treat them as if they had been added here. Returns
        the number of revisions added. A CSV export carries the figures only.

        Raises
        ------
        StoreError
            When ``other`` is missing, not a wdmonitor store, or a store written before
            version 3 (it has no assessments).
        """
        from .storage import ASSESSMENT_COLUMNS, is_url

        if isinstance(other, Store):
            incoming = other._revisions()
        elif is_url(other) or Path(other).suffix.lower() in (".sqlite", ".db"):
            if not is_url(other) and not Path(other).is_file():
                raise StoreError(f"{other}: no such file; nothing was merged (and nothing was created) / 文件不存在，未合并")
            storage = _open_storage(other, timeout=self.timeout, create=False)  # read only: never migrated here
            with storage.read() as connection:
                tables = storage.tables(connection)
                version = storage.version(connection, tables)
                storage._refuse_newer(version)
                if version < 3 or "assessments" not in tables:
                    raise StoreError(f"{other}: a store of schema version {version} holds no assessments (they came with "
                                     f"version 3); nothing was merged / 该数据库版本{version}不含定性评估记录，未合并")
                incoming = storage.query(connection, f"SELECT {', '.join(ASSESSMENT_COLUMNS)} FROM assessments ORDER BY row_id")
        else:
            raise StoreError(f"{other}: the committee's assessments are merged from a store (.sqlite, .db or a server), "
                             f"not from a CSV export / 定性评估只能从数据库文件合并，CSV导出文件不含评估记录")
        with self._storage.write() as connection:
            ours = self._storage.query(connection, "SELECT revision_id, target_id, region FROM assessments")
            have = pd.MultiIndex.from_frame(ours[["revision_id", "target_id", "region"]]) if len(ours) else None
            keys = pd.MultiIndex.from_frame(incoming[["revision_id", "target_id", "region"]]) if len(incoming) else None
            new = incoming if have is None or keys is None else incoming[~keys.isin(have)]
            if len(new):
                self._storage.append(connection, "assessments", new[ASSESSMENT_COLUMNS].assign(added_at=_now()))
        return len(new)

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look: submissions, stored rows, current rows, years."""
        from sqlalchemy import text

        with self._storage.read() as connection:
            stored = connection.execute(text("SELECT COUNT(*) FROM observations")).scalar_one()
            years = tuple(connection.execute(text("SELECT MIN(year), MAX(year) FROM observations")).one())
        current = len(self.frame())
        return {"submissions": len(self.submissions()), "stored_rows": int(stored), "current_rows": current,
                "years": years, "schema_version": self.schema_version()}


def _state_of(submissions: pd.DataFrame) -> dict[str, Any]:
    """The fingerprint of the submissions sent by a cutoff (ordered by submission id)."""
    text = "\n".join(f"{a}:{b}" for a, b in zip(submissions["submission_id"], submissions["source_sha256"], strict=True))
    digest = hashlib.sha256(text.encode()).hexdigest()
    last = None if submissions.empty else str(submissions["submitted_at"].max())
    return {"submissions": len(submissions), "last_submitted_at": last, "state_sha256": digest}


def _open_storage(location: str | Path, *, timeout: float, create: bool) -> Storage:
    """The storage layer for a location, after the checks a file needs before SQLite sees it."""
    from .storage import Storage, is_url

    if not is_url(location):
        path = Path(location)
        if path.is_dir():
            raise StoreError(f"{path}: a folder, not a store file; give a file such as {path / 'monitoring.sqlite'} "
                             f"/ 这是文件夹，不是数据库文件")
        if not path.exists():
            if not create:
                raise StoreError(f"no store at {path}: nothing was created / 数据库不存在：{path}")
            if not path.parent.is_dir():
                raise StoreError(f"{path}: the folder {path.parent} does not exist; create it first / "
                                 f"数据库所在文件夹不存在，请先创建")
        elif not path.is_file():
            raise StoreError(f"{path}: not a regular file (a device or pipe?); a store is an SQLite file / "
                             f"不是普通文件，无法作为数据库")
    return Storage(location, timeout=timeout)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _receipt_row(receipt: Receipt) -> dict[str, Any]:
    return {"submission_id": receipt.submission_id, "department": receipt.department,
            "submitted_at": receipt.submitted_at, "source_name": receipt.source_name,
            "source_sha256": receipt.source_sha256, "n_rows": receipt.n_rows}
