"""Where the monitoring database lives: one SQLite file, or a PostgreSQL server.

:class:`wdmonitor.Store` keeps its promises (validated adds, supersession, as-of frames,
merge) in plain code above this module; this module is the one storage layer under it,
written with SQLAlchemy Core so that both engines share one schema, one transaction
discipline and one place that turns engine errors into wdmonitor errors:

* **the schema**, as SQLAlchemy tables, and its version in ``meta`` (checked on open,
  migrated from older versions, refused when newer);
* **transactions**: :meth:`Storage.read` gives a consistent snapshot, :meth:`Storage.write`
  takes the store's single write lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL a transaction
  advisory lock) and commits all or nothing, waiting at most ``timeout`` seconds;
* **bulk transfer**: rows go in with ``executemany`` on SQLite and ``COPY … FROM STDIN`` on
  PostgreSQL, and come out with one cursor fetch on SQLite and ``COPY … TO STDOUT`` on
  PostgreSQL, both exact for NULLs, empty texts and floats;
* **faults**: every engine error becomes a :class:`~wdmonitor.errors.StoreError` (or
  :class:`~wdmonitor.errors.StoreBusyError`) naming the store and saying what to do.

SQLAlchemy and psycopg are imported when a store is opened, not with ``import wdmonitor``.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import StoreBusyError, StoreError

__all__ = ["SCHEMA_VERSION", "Storage", "is_url"]

#: The schema version this wdmonitor writes. Version 1 (wdmonitor 0.1, SQLite only) had no
#: ``row_id`` column; version 2 had no ``assessments`` table (the committee's verdicts on
#: qualitative goals and their revisions). Both are migrated to version 3 on open (see docs/store.md).
SCHEMA_VERSION = 3

TABLES = ("meta", "submissions", "observations", "assessments")
#: Columns of the assessments table besides its row_id: one row per revision of a verdict.
ASSESSMENT_COLUMNS = [
    "revision_id", "target_id", "region", "status", "evidence", "assessed_by", "assessed_on", "note",
    "source_file", "source_sheet", "source_row", "source_sha256", "submitted_at", "added_at", "plan_id",
]
OBSERVATION_COLUMNS = [
    "region", "year", "indicator", "sex", "area_type", "age_group", "value", "unit",
    "numerator", "denominator", "source", "source_file", "source_sheet", "source_row",
]
SUBMISSION_COLUMNS = [
    "submission_id", "department", "submitted_at", "added_at", "note", "source_name",
    "source_sha256", "plan_id", "origin", "n_rows",
]
TEXT_COLUMNS = {"submission_id", "region", "indicator", "sex", "area_type", "age_group", "unit", "source",
                "source_file", "source_sheet", "department", "submitted_at", "added_at", "note",
                "source_name", "source_sha256", "plan_id", "origin", "revision_id", "target_id", "status",
                "evidence", "assessed_by", "assessed_on"}
INTEGER_COLUMNS = {"year", "source_row", "n_rows", "row_id", "_rowid"}
FLOAT_COLUMNS = {"value", "numerator", "denominator"}


def is_url(location: str | Path) -> bool:
    """Whether a store location names a database server rather than a file."""
    return isinstance(location, str) and re.match(r"^[a-z][a-z0-9+]*://", location) is not None


def _schema() -> Any:
    """The store's tables as SQLAlchemy Core objects (built on first use)."""
    from sqlalchemy import (
        BigInteger,
        Column,
        Float,
        Index,
        Integer,
        MetaData,
        Table,
        Text,
        text,
    )

    # Texts compare byte by byte on both engines (ISO timestamps, codes): PostgreSQL's
    # default collation would follow the server's locale.
    text_type = Text().with_variant(Text(collation="C"), "postgresql")
    # On SQLite an INTEGER PRIMARY KEY is the rowid (insertion order); BIGINT identity on PostgreSQL.
    row_id = BigInteger().with_variant(Integer(), "sqlite")
    metadata = MetaData()
    Table("meta", metadata, Column("key", text_type, primary_key=True), Column("value", text_type, nullable=False))
    Table(
        "submissions", metadata,
        Column("submission_id", text_type, primary_key=True),
        Column("department", text_type, nullable=False),
        Column("submitted_at", text_type, nullable=False, index=True),
        Column("added_at", text_type, nullable=False),
        Column("note", text_type, nullable=False, server_default=text("''")),
        Column("source_name", text_type, nullable=False, server_default=text("''")),
        Column("source_sha256", text_type, nullable=False),
        Column("plan_id", text_type, nullable=False, server_default=text("''")),
        Column("origin", text_type, nullable=False, server_default=text("''")),
        Column("n_rows", Integer(), nullable=False),
    )
    observations = Table(
        "observations", metadata,
        Column("row_id", row_id, primary_key=True, autoincrement=True),
        # No foreign key to submissions: every row is written in the transaction that writes its
        # submission, and a per-row key check costs PostgreSQL a trigger call a row (a third of
        # a bulk COPY); Store.frame refuses rows whose submission is missing as damage.
        Column("submission_id", text_type, nullable=False),
        *(Column(name, text_type, nullable=False) for name in ("region",)),
        Column("year", Integer(), nullable=False),
        *(Column(name, text_type, nullable=False) for name in ("indicator", "sex", "area_type", "age_group")),
        Column("value", Float(53)),
        Column("unit", text_type),
        Column("numerator", Float(53)),
        Column("denominator", Float(53)),
        Column("source", text_type),
        Column("source_file", text_type),
        Column("source_sheet", text_type),
        Column("source_row", Integer()),
    )
    Index("observations_key", observations.c.region, observations.c.year, observations.c.indicator,
          observations.c.sex, observations.c.area_type, observations.c.age_group)
    Index("observations_submission", observations.c.submission_id)
    # The committee's verdicts on qualitative goals: every revision kept (who, when, evidence);
    # the latest sent by a date is the verdict as known then (Store.assessments).
    assessments = Table(
        "assessments", metadata,
        Column("row_id", row_id, primary_key=True, autoincrement=True),
        Column("revision_id", text_type, nullable=False),
        *(Column(name, text_type, nullable=False) for name in ("target_id", "region", "status")),
        *(Column(name, text_type, nullable=False, server_default=text("''"))
          for name in ("evidence", "assessed_by", "assessed_on", "note", "source_file", "source_sheet")),
        Column("source_row", Integer()),
        Column("source_sha256", text_type, nullable=False, server_default=text("''")),
        Column("submitted_at", text_type, nullable=False),
        Column("added_at", text_type, nullable=False),
        Column("plan_id", text_type, nullable=False, server_default=text("''")),
    )
    Index("assessments_key", assessments.c.target_id, assessments.c.region, assessments.c.submitted_at)
    return metadata


#: SQLite version 1 → 2: observations get an explicit row_id (their former rowid, so the
#: order of versions is kept). One transaction; the file is unchanged if it fails.
_MIGRATE_1_TO_2_SQLITE = [
    "ALTER TABLE observations RENAME TO observations_v1",
    "DROP INDEX IF EXISTS observations_key",
    "DROP INDEX IF EXISTS observations_submission",
    None,  # create_all: the version 2 tables and indexes
    f"INSERT INTO observations (row_id, submission_id, {', '.join(OBSERVATION_COLUMNS)}) "
    f"SELECT rowid, submission_id, {', '.join(OBSERVATION_COLUMNS)} FROM observations_v1 ORDER BY rowid",
    "DROP TABLE observations_v1",
    "CREATE INDEX IF NOT EXISTS ix_submissions_submitted_at ON submissions (submitted_at)",
]


class Storage:
    """The storage layer of one store: an SQLite file or a PostgreSQL database.

    Parameters
    ----------
    location : str or Path
        A file path (SQLite) or a ``postgresql://`` URL. The URL should not carry a
        password: libpq reads ``PGPASSWORD`` or ``~/.pgpass``.
    timeout : float
        Seconds to wait for a lock before :class:`~wdmonitor.errors.StoreBusyError`.
    """

    def __init__(self, location: str | Path, *, timeout: float) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError
        from sqlalchemy.pool import NullPool

        self.timeout = float(timeout)
        if is_url(location):
            text = str(location)
            # the location as the user wrote it, any password hidden
            self.label = re.sub(r"^([a-z][a-z0-9+]*://[^:/@?]*):[^@/?]*@", r"\1:***@", text)
            try:
                url = make_url(text)
            except ArgumentError as error:
                raise StoreError(f"{self.label}: not a database URL ({error}); expected postgresql://user@host/database "
                                 f"/ 数据库地址格式不正确") from None
            if url.get_backend_name() not in ("postgresql", "postgres"):
                raise StoreError(
                    f"{self.label}: wdmonitor stores live in an SQLite file or on a "
                    f"PostgreSQL server; expected a file path or postgresql://… / 监测数据库只支持SQLite文件或PostgreSQL服务器"
                )
            url = url.set(drivername="postgresql+psycopg")
            try:
                import psycopg  # noqa: F401  (SQLAlchemy's PostgreSQL driver)
            except ImportError:
                raise StoreError(
                    f"{self.label}: a store on a PostgreSQL server needs the psycopg driver: "
                    f"pip install 'wdmonitor[postgresql]' / 使用PostgreSQL服务器需要安装psycopg驱动"
                ) from None
            self.kind = "postgresql"
            self.path: Path | None = None
            # A connection per operation, as for the file: nothing is held open between
            # operations (no idle sessions on the bureau's server, nothing stale after a fork).
            self.engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": max(int(timeout), 2)})
            lock_ms = max(int(self.timeout * 1000), 1)

            @event.listens_for(self.engine, "connect")
            def _session(dbapi_connection: Any, record: Any) -> None:
                with dbapi_connection.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = {lock_ms}")
                dbapi_connection.commit()

            @event.listens_for(self.engine, "begin")
            def _begin(connection: Any) -> None:
                # A read sees one snapshot in all its statements (frame and state agree); a
                # write stays READ COMMITTED, so after waiting for the lock it sees what the
                # writer before it committed.
                if not connection.get_execution_options().get("wdmonitor_write", False):
                    connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        else:
            self.kind = "sqlite"
            self.path = Path(location)
            self.label = str(self.path)
            self.engine = create_engine(f"sqlite:///{self.path}", poolclass=NullPool,
                                        connect_args={"timeout": self.timeout})

            @event.listens_for(self.engine, "connect")
            def _session(dbapi_connection: Any, record: Any) -> None:
                dbapi_connection.isolation_level = None  # wdmonitor emits BEGIN itself
                dbapi_connection.execute("PRAGMA foreign_keys = ON")

            @event.listens_for(self.engine, "begin")
            def _begin(connection: Any) -> None:
                write = connection.get_execution_options().get("wdmonitor_write", False)
                connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
        self.metadata = _schema()

    def __repr__(self) -> str:
        return f"Storage({self.label!r})"

    # -- transactions ------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Any]:
        """A connection in a read transaction: every statement sees the same snapshot."""
        with self.guard(), self.engine.connect() as connection:
            connection.begin()
            try:
                yield connection
            finally:
                connection.rollback()

    @contextmanager
    def write(self) -> Iterator[Any]:
        """A connection holding the store's write lock; commits at the end, or nothing at all."""
        with (self.guard(), self.engine.connect().execution_options(wdmonitor_write=True) as connection,
              connection.begin()):
            if self.kind == "postgresql":
                # one writer at a time per store (schema), as SQLite's file lock; waits lock_timeout
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('wdmonitor:' || current_schema()))")
            yield connection

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn the engine's errors into wdmonitor errors that name the store."""
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        try:
            yield
        except DBAPIError as error:
            raise self.fault(error.orig if error.orig is not None else error) from error
        except (sqlite3.Error, SQLAlchemyError) as error:
            raise self.fault(error) from error
        except Exception as error:
            if type(error).__module__.startswith("psycopg"):
                raise self.fault(error) from error
            raise

    def fault(self, error: BaseException) -> StoreError:
        """The wdmonitor error for an engine error: what happened to which store, and what to do."""
        where = self.label
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        state = getattr(error, "sqlstate", None) or ""
        text = detail.lower()
        if (state in ("55P03", "40P01", "40001") or "database is locked" in text or "database table is locked" in text
                or "lock timeout" in text):
            return StoreBusyError(
                f"{where}: another process is writing to the monitoring database; "
                f"waited {self.timeout:g} s, try again / 监测数据库正被其他进程写入，请稍后重试"
            )
        if state.startswith("53") or "disk is full" in text or "no space left" in text:
            return StoreError(
                f"{where}: the disk is full ({detail}); nothing was written and the store is as it was: free some "
                f"space and try again / 磁盘已满，未写入任何数据，数据库保持原样；请清理磁盘空间后重试"
            )
        if state in ("25006", "42501") or "readonly" in text or "read-only" in text or "permission denied" in text:
            return StoreError(
                f"{where}: the store cannot be written here ({detail}); nothing was written: copy it to a writable "
                f"folder, or ask for write access / 数据库位置只读或无写入权限，未写入任何数据；请复制到可写的位置或申请写入权限"
            )
        if "file is not a database" in text:
            return StoreError(
                f"{where}: not a wdmonitor store ({detail}); expected an SQLite file created by wdmonitor.Store; "
                f"the file was left as it is / 不是wdmonitor监测数据库文件，文件未被改动"
            )
        if "malformed" in text or "disk i/o error" in text or state.startswith("XX"):
            return StoreError(
                f"{where}: the store is damaged ({detail}); it was left as it is: restore it from a backup or from "
                f"the last export (wdmonitor store merge) / 数据库已损坏，未作改动；请用备份或最近的导出文件恢复"
            )
        if "no such table" in text or state == "42P01":
            return StoreError(
                f"{where}: the store is missing a table ({detail}); it is damaged or was changed by other software: "
                f"restore it from a backup or an export / 数据库缺少数据表，可能已损坏；请用备份或导出文件恢复"
            )
        if "unable to open database file" in text:
            return StoreError(
                f"{where}: cannot open or create the store ({detail}): check that the folder exists and can be "
                f"written / 无法打开或创建数据库文件，请检查文件夹是否存在且可写"
            )
        if state == "3D000" or re.search(r'database "[^"]*" does not exist', detail):
            return StoreError(
                f"{where}: the database does not exist on the server ({detail}); create it first "
                f"(createdb, or ask the database administrator) / 服务器上不存在该数据库，请先创建"
            )
        if state == "3F000" or "no schema has been selected" in text:
            return StoreError(
                f"{where}: the schema named by search_path does not exist on the server ({detail}); create it first "
                f"(CREATE SCHEMA …, or ask the database administrator) / 服务器上不存在指定的模式，请先创建"
            )
        if state.startswith("28") or "password authentication failed" in text or "no password supplied" in text:
            return StoreError(
                f"{where}: the server refused the login ({detail}); give the password in PGPASSWORD or ~/.pgpass, "
                f"never in the URL / 服务器拒绝登录；请在PGPASSWORD或~/.pgpass中提供密码"
            )
        if state.startswith("08") or (self.kind == "postgresql" and type(error).__name__ == "OperationalError"):
            return StoreError(
                f"{where}: cannot reach the PostgreSQL server ({detail}); check the host, port and database in the "
                f"URL (or PGHOST, PGPORT) and that the server is running / 无法连接PostgreSQL服务器，请检查地址、端口和数据库名"
            )
        return StoreError(f"{where}: the monitoring database failed ({detail}) / 监测数据库操作失败")

    # -- schema ------------------------------------------------------------------------
    def tables(self, connection: Any) -> set[str]:
        from sqlalchemy import inspect

        return set(inspect(connection).get_table_names())

    def version(self, connection: Any, tables: set[str] | None = None) -> int:
        """The schema version recorded in ``meta``; 0 for an empty database."""
        from sqlalchemy import text

        tables = self.tables(connection) if tables is None else tables
        if not tables:
            return 0
        if "meta" not in tables:
            if self.kind == "sqlite":
                what, fix, zh = ("an SQLite file without the wdmonitor schema", "expected a file created by wdmonitor.Store",
                                 "不是wdmonitor监测数据库文件")
            else:
                what, fix, zh = ("a PostgreSQL schema without the wdmonitor tables",
                                 "give an empty database or schema (options=-csearch_path=…) for the store",
                                 "该数据库（模式）中已有其他数据表，不是wdmonitor监测数据库；请使用空的数据库或模式")
            raise StoreError(f"{self.label}: {what} (tables {sorted(tables)}); {fix} / {zh}")
        row = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).fetchone()
        value = None if row is None else str(row[0])
        if value is None or not value.isdigit():
            raise StoreError(
                f"{self.label}: unknown schema version {value!r} in the meta table (expected a whole number up to "
                f"{SCHEMA_VERSION}); the store was left as it is: it was not written by wdmonitor, or is damaged / "
                f"数据库版本号无法识别，未作改动"
            )
        return int(value)

    def prepare(self, *, create: bool) -> int:
        """Check the schema on open; create it in an empty database or migrate an older one."""
        with self.read() as connection:
            tables = self.tables(connection)
            version = self.version(connection, tables)
        self._refuse_newer(version)
        if version == SCHEMA_VERSION:
            self._require_tables(tables, version)
            return version
        if version == 0 and not create:
            raise StoreError(f"no store at {self.label}: nothing was created / 数据库不存在：{self.label}")
        with self.write() as connection:
            tables = self.tables(connection)
            version = self.version(connection, tables)  # another process may have created it meanwhile
            self._refuse_newer(version)
            if version == 0:
                self.metadata.create_all(connection)
            elif version == 1 and self.kind == "sqlite":
                self._require_tables(tables, version)
                for statement in _MIGRATE_1_TO_2_SQLITE:
                    if statement is None:
                        self.metadata.create_all(connection)  # also the version 3 assessments table
                    else:
                        connection.exec_driver_sql(statement)
            elif version == 2:
                # version 2 → 3: the assessments table (and its index) added; nothing else changes
                self._require_tables(tables, version)
                self.metadata.create_all(connection)
            elif version != SCHEMA_VERSION:
                raise StoreError(f"{self.label}: schema version {version} cannot be migrated by this wdmonitor / "
                                 f"数据库版本{version}无法迁移")
            self._require_tables(self.tables(connection))
            self.set_version(connection, SCHEMA_VERSION)
        return SCHEMA_VERSION

    def set_version(self, connection: Any, version: int) -> None:
        from sqlalchemy import text

        connection.execute(text("DELETE FROM meta WHERE key = 'schema_version'"))
        connection.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"), {"v": str(version)})

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.label}: schema version {version} is newer than this wdmonitor understands "
                f"({SCHEMA_VERSION}); the store was left as it is: upgrade wdmonitor (pip install -U wdmonitor) / "
                f"数据库版本高于当前wdmonitor，未作改动；请升级wdmonitor"
            )

    def _require_tables(self, tables: set[str], version: int = SCHEMA_VERSION) -> None:
        required = TABLES if version >= 3 else tuple(name for name in TABLES if name != "assessments")
        missing = [name for name in required if name not in tables]
        if missing:
            raise StoreError(
                f"{self.label}: the store is missing the table(s) {', '.join(missing)}; it is damaged or was changed "
                f"by other software and was left as it is: restore it from a backup or an export / "
                f"数据库缺少数据表（{', '.join(missing)}），未作改动；请用备份或导出文件恢复"
            )

    # -- bulk transfer -----------------------------------------------------------------
    def query(self, connection: Any, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Rows of a query (``:name`` parameters) as a frame with the store's column types."""
        if self.kind == "sqlite":
            cursor = connection.connection.driver_connection.execute(sql, params or {})
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(columns=names)
        else:
            frame = self._copy_out(connection, sql, params or {})
        return self._typed(frame)

    def _typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The same column types from both engines: pandas' text dtype (NaN for NULL), numbers typed.

        A number column holding something else (SQLite stores any value in any column) means
        the file was damaged or written by other software: refused, never coerced.
        """
        for name in frame.columns:
            if name in FLOAT_COLUMNS or name in INTEGER_COLUMNS:
                numbers = pd.to_numeric(frame[name], errors="coerce")
                bad = numbers.isna() & frame[name].notna()
                if name in INTEGER_COLUMNS:
                    bad |= numbers.notna() & (numbers != numbers.round())
                if bad.any():
                    shown = repr(frame[name][bad].iloc[0])[:40]
                    raise StoreError(
                        f"{self.label}: the store is damaged (column {name} holds {shown}, not a number); it was left "
                        f"as it is: restore it from a backup or from the last export / 数据库已损坏（{name}列不是数字），未作改动"
                    )
                if name in FLOAT_COLUMNS:
                    frame[name] = numbers.astype("float64")
                else:
                    frame[name] = numbers.astype("Int64") if numbers.isna().any() else numbers.astype("int64")
            elif name in TEXT_COLUMNS:
                frame[name] = frame[name].astype("str")
        return frame

    def _copy_out(self, connection: Any, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        statement = re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", sql)
        buffer = io.BytesIO()
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute(f"SELECT * FROM ({statement}) AS q LIMIT 0", params)
        names = [d.name for d in cursor.description]
        with cursor.copy(f"COPY ({statement}) TO STDOUT", params) as copy:
            for chunk in copy:
                buffer.write(chunk)
        if buffer.tell() == 0:
            return pd.DataFrame(columns=names)
        buffer.seek(0)
        dtypes = {n: (object if n in TEXT_COLUMNS else "float64" if n in FLOAT_COLUMNS else object) for n in names}
        frame = pd.read_csv(buffer, sep="\t", header=None, names=names, quoting=csv.QUOTE_NONE, na_values=["\\N"],
                            keep_default_na=False, dtype=dtypes, encoding="utf-8", engine="c")
        for name in names:
            if name in TEXT_COLUMNS:
                frame[name] = _unescape(frame[name])
        return frame

    def append(self, connection: Any, table: str, rows: pd.DataFrame) -> None:
        """Append rows (columns named as in the table) inside the open write transaction.

        SQLite: ``executemany`` over plain Python values; when the rows outnumber those
        already stored, the observation indexes are dropped and built again after the
        insert (twice as fast as keeping them up to date row by row; inside the same
        transaction, so a failure or a kill leaves them as they were). PostgreSQL: ``COPY
        … FROM STDIN`` in its binary format (typed values: no text escaping, NULL is NULL).
        """
        if rows.empty:
            return
        columns = list(rows.columns)
        if self.kind == "postgresql":
            types = ["int4" if name in INTEGER_COLUMNS else "float8" if name in FLOAT_COLUMNS else "text"
                     for name in columns]
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for start in range(0, len(rows), 200_000):
                    chunk = rows.iloc[start:start + 200_000]
                    for record in zip(*(_python_values(chunk[name]) for name in columns), strict=True):
                        copy.write_row(record)
            return
        sqlite = connection.connection.driver_connection
        rebuild: list[Any] = []
        if table == "observations":
            stored = sqlite.execute("SELECT COALESCE(MAX(row_id), 0) FROM observations").fetchone()[0]
            if len(rows) > stored:
                rebuild = sorted(self.metadata.tables["observations"].indexes, key=lambda index: index.name)
                for index in rebuild:
                    index.drop(connection)
        placeholders = ", ".join("?" * len(columns))
        sqlite.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                           zip(*(_python_values(rows[name]) for name in columns), strict=True))
        for index in rebuild:
            index.create(connection)


def _python_values(column: pd.Series) -> list[Any]:
    """A column as Python values for the driver: None for every missing value, texts as str."""
    values = column.to_numpy(dtype=object)  # pd.NA and NaN replaced below (on a copy: this may be a view)
    missing = pd.isna(column).to_numpy()
    if missing.any():
        values = values.copy()
        values[missing] = None
    if column.name in TEXT_COLUMNS:
        return [value if value is None or isinstance(value, str) else str(value) for value in values.tolist()]
    return values.tolist()


_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(column: pd.Series) -> pd.Series:
    """Undo COPY's text escapes, looking only at the distinct values (few in every text column)."""
    values = column.astype(object)
    distinct = [v for v in pd.unique(values) if isinstance(v, str) and "\\" in v]
    if not distinct:
        return values
    pattern = re.compile(r"\\(.)")
    mapping = {v: pattern.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), v) for v in distinct}
    return values.map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
