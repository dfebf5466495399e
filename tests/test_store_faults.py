"""The monitoring database under faults: each is a wdmonitor error naming the store and a fix,
and the store is left as it was (issue 22). File faults are SQLite's; the others run on both
backends through the ``locations`` fixture (tests/store_locations.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import store_locations
from store_locations import POSTGRESQL, require_backend
from wdmonitor import StoreBusyError, StoreError, load_plan
from wdmonitor.store import Store

locations = store_locations.locations  # parametrised over both backends
postgresql_locations = store_locations.postgresql_locations

MINIMAL = Path(__file__).parent / "data" / "plans" / "minimal.yaml"
BUSY = "another process is writing to the monitoring database; waited 0.2 s, try again / 监测数据库正被其他进程写入，请稍后重试"
DAMAGED = ("it was left as it is: restore it from a backup or from the last export (wdmonitor store merge) / "
           "数据库已损坏，未作改动；请用备份或最近的导出文件恢复")


@pytest.fixture(scope="module")
def plan():
    return load_plan(MINIMAL)


def rows(n: int, prefix: str = "a", value: float = 10.0) -> pd.DataFrame:
    return pd.DataFrame({"region": "211402", "year": np.arange(n) % 10 + 2021, "indicator": "maternal_mortality_ratio",
                         "sex": "female", "age_group": [f"{prefix}{k}" for k in np.arange(n) // 10], "value": value})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(tmp_path, plan):
    """An SQLite store of 3,000 rows in two submissions."""
    path = tmp_path / "monitoring.sqlite"
    store = Store(path, plan=plan)
    store.add(rows(2000), department="卫健委", submitted_at="2023-03-01")
    store.add(rows(1000, "b"), department="教育局", submitted_at="2023-04-01")
    return path


# -- files that are not stores, damaged or truncated -----------------------------------------
def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE people (name TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert str(info.value) == (
        f"{path}: an SQLite file without the wdmonitor schema (tables ['people']); "
        "expected a file created by wdmonitor.Store / 不是wdmonitor监测数据库文件"
    )
    text = tmp_path / "notes.sqlite"
    text.write_text("just some text, not a database " * 20)
    before = digest(text)
    with pytest.raises(StoreError) as info:
        Store(text)
    assert str(info.value) == (
        f"{text}: not a wdmonitor store (file is not a database); expected an SQLite file created by wdmonitor.Store; "
        "the file was left as it is / 不是wdmonitor监测数据库文件，文件未被改动"
    )
    assert digest(text) == before


@pytest.mark.parametrize("keep", [0.02, 0.3, 0.6, 0.95])
def test_a_truncated_store_is_reported_damaged_and_left_as_it_is(filled, keep):
    size = filled.stat().st_size
    with filled.open("r+b") as handle:
        handle.truncate(int(size * keep))
    before = digest(filled)
    with pytest.raises(StoreError) as info:
        Store(filled).frame()
    assert str(info.value) == f"{filled}: the store is damaged (database disk image is malformed); {DAMAGED}"
    with pytest.raises(StoreError, match="the store is damaged"):
        Store(filled, plan=load_plan(MINIMAL)).add(rows(10, "c"), department="x")
    assert digest(filled) == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.floats(0, 1), length=st.integers(1, 5000), seed=st.integers(0, 2**32 - 1))
def test_any_damage_gives_a_store_error_or_the_data_never_anything_else(tmp_path, plan, offset, length, seed):
    path = tmp_path / "fuzzed.sqlite"
    path.unlink(missing_ok=True)
    store = Store(path, plan=plan)
    store.add(rows(1500), department="卫健委", submitted_at="2023-03-01")
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(int(offset * (size - 1)))
        handle.write(np.random.default_rng(seed).bytes(length))
    before = digest(path)
    try:
        frame = Store(path).frame()
    except StoreError:
        pass
    else:
        assert set(frame.columns) >= {"region", "year", "value"}
    assert digest(path) == before  # reading never writes


def test_a_number_column_holding_text_is_damage_not_a_number(filled):
    with sqlite3.connect(filled) as connection:  # SQLite keeps any value in any column
        connection.execute("UPDATE observations SET year = 'abc' WHERE row_id = 7")
    with pytest.raises(StoreError) as info:
        Store(filled).frame()
    assert str(info.value) == (
        f"{filled}: the store is damaged (column year holds 'abc', not a number); it was left as it is: restore it "
        "from a backup or from the last export / 数据库已损坏（year列不是数字），未作改动")


def test_an_empty_file_becomes_a_store_but_a_folder_or_a_device_does_not(tmp_path):
    empty = tmp_path / "new.sqlite"
    empty.touch()
    assert Store(empty).schema_version() == 3
    with pytest.raises(StoreError) as info:
        Store(tmp_path)
    assert str(info.value) == (f"{tmp_path}: a folder, not a store file; give a file such as "
                               f"{tmp_path / 'monitoring.sqlite'} / 这是文件夹，不是数据库文件")
    with pytest.raises(StoreError) as info:
        Store("/dev/null")
    assert str(info.value) == "/dev/null: not a regular file (a device or pipe?); a store is an SQLite file / 不是普通文件，无法作为数据库"
    with pytest.raises(StoreError) as info:
        Store(tmp_path / "missing" / "m.sqlite")
    assert str(info.value) == (f"{tmp_path / 'missing' / 'm.sqlite'}: the folder {tmp_path / 'missing'} does not exist; "
                               "create it first / 数据库所在文件夹不存在，请先创建")
    assert not (tmp_path / "missing").exists()


# -- schema versions and missing tables (both backends) --------------------------------------
@pytest.mark.parametrize("version", ["4", "99"])
def test_a_newer_schema_version_is_refused(locations, plan, version):
    location = locations.new()
    Store(location, plan=plan).add(rows(10), department="卫健委", submitted_at="2023-03-01")
    locations.execute(location, f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'")
    with pytest.raises(StoreError) as info:
        Store(location)
    assert str(info.value).endswith(
        f": schema version {version} is newer than this wdmonitor understands (3); the store was left as it is: "
        "upgrade wdmonitor (pip install -U wdmonitor) / 数据库版本高于当前wdmonitor，未作改动；请升级wdmonitor")
    locations.execute(location, "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    assert len(Store(location).frame()) == 10  # untouched


@pytest.mark.parametrize("value", ["abc", None])
def test_an_unknown_schema_version_is_refused(locations, plan, value):
    location = locations.new()
    Store(location, plan=plan)
    locations.execute(location, "DELETE FROM meta" if value is None else f"UPDATE meta SET value = '{value}'")
    with pytest.raises(StoreError) as info:
        Store(location)
    assert str(info.value).endswith(
        f": unknown schema version {value!r} in the meta table (expected a whole number up to 3); the store was left "
        "as it is: it was not written by wdmonitor, or is damaged / 数据库版本号无法识别，未作改动")


def test_a_missing_table_is_reported(locations, plan):
    location = locations.new()
    Store(location, plan=plan).add(rows(10), department="卫健委", submitted_at="2023-03-01")
    locations.execute(location, "DROP TABLE observations")
    with pytest.raises(StoreError) as info:
        Store(location)
    assert str(info.value).endswith(
        ": the store is missing the table(s) observations; it is damaged or was changed by other software and was "
        "left as it is: restore it from a backup or an export / 数据库缺少数据表（observations），未作改动；请用备份或导出文件恢复")


def test_a_version_1_file_is_migrated_keeping_every_version_in_order(tmp_path, plan):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:  # the schema of wdmonitor 0.1
        connection.executescript("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE submissions (submission_id TEXT PRIMARY KEY, department TEXT NOT NULL,
                submitted_at TEXT NOT NULL, added_at TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
                source_name TEXT NOT NULL DEFAULT '', source_sha256 TEXT NOT NULL, plan_id TEXT NOT NULL DEFAULT '',
                origin TEXT NOT NULL DEFAULT '', n_rows INTEGER NOT NULL);
            CREATE TABLE observations (submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
                region TEXT NOT NULL, year INTEGER NOT NULL, indicator TEXT NOT NULL, sex TEXT NOT NULL,
                area_type TEXT NOT NULL, age_group TEXT NOT NULL, value REAL, unit TEXT, numerator REAL,
                denominator REAL, source TEXT, source_file TEXT, source_sheet TEXT, source_row INTEGER);
            CREATE INDEX observations_key ON observations (region, year, indicator, sex, area_type, age_group);
            CREATE INDEX observations_submission ON observations (submission_id);
            INSERT INTO meta VALUES ('schema_version', '1');
            INSERT INTO submissions VALUES ('s1', '卫健委', '2023-03-01T00:00:00+00:00', '2023-03-02T00:00:00+00:00',
                '', 'a.csv', 'aa', 'minimal', '', 2);
            INSERT INTO submissions VALUES ('s2', '卫健委', '2023-03-01T00:00:00+00:00', '2023-03-02T00:00:00+00:00',
                '更正', 'b.csv', 'bb', 'minimal', '', 1);
            INSERT INTO observations VALUES ('s1', '211402', 2022, 'maternal_mortality_ratio', 'female', 'total',
                'total', 9.1, NULL, NULL, NULL, NULL, 'a.csv', '', 2);
            INSERT INTO observations VALUES ('s1', '211402', 2021, 'maternal_mortality_ratio', 'female', 'total',
                'total', 9.8, NULL, NULL, NULL, NULL, 'a.csv', '', 3);
            INSERT INTO observations VALUES ('s2', '211402', 2022, 'maternal_mortality_ratio', 'female', 'total',
                'total', 8.7, NULL, NULL, NULL, NULL, 'b.csv', '', 2);
        """)
    exported = tmp_path / "old-export.sqlite"
    shutil.copy(path, exported)
    before = digest(exported)
    # an old export merges as it is, read only
    city = Store(tmp_path / "city.sqlite", plan=plan)
    assert city.merge(exported).added_submissions == ("s1", "s2")
    assert digest(exported) == before
    # opening the old store migrates it: same rows, same order of versions (s2 was stored last)
    store = Store(path, plan=plan)
    assert store.schema_version() == 3
    assert store.frame().set_index("year")["value"].to_dict() == {2021: 9.8, 2022: 8.7}
    history = store.history(("211402", 2022, "maternal_mortality_ratio", "female"))
    assert history["value"].tolist() == [9.1, 8.7] and history["source_sheet"].tolist() == ["", ""]
    with sqlite3.connect(path) as connection:
        assert [r[0] for r in connection.execute("SELECT row_id FROM observations ORDER BY row_id")] == [1, 2, 3]
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- read-only, full disk, locks --------------------------------------------------------------
@contextlib.contextmanager
def read_only(*paths: Path):
    """Make paths read-only even for root (immutable attribute), or by mode for other users."""
    if os.geteuid() == 0:
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
                pytest.fail(f"chattr +i {path} failed: cannot make a read-only location as root here")
        try:
            yield
        finally:
            for path in paths:
                subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        modes = {path: path.stat().st_mode for path in paths}
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


def test_a_read_only_location_can_be_read_but_not_written(tmp_path, plan, filled):
    before = Store(filled).frame()
    with read_only(filled, tmp_path):
        store = Store(filled, plan=plan)
        pd.testing.assert_frame_equal(store.frame(), before)
        with pytest.raises(StoreError) as info:
            store.add(rows(10, "c"), department="x")
        assert str(info.value) == (
            f"{filled}: the store cannot be written here (attempt to write a readonly database); nothing was "
            "written: copy it to a writable folder, or ask for write access / "
            "数据库位置只读或无写入权限，未写入任何数据；请复制到可写的位置或申请写入权限")
        with pytest.raises(StoreError) as info:
            Store(tmp_path / "new.sqlite")
        assert str(info.value) == (
            f"{tmp_path / 'new.sqlite'}: cannot open or create the store (unable to open database file): check that "
            "the folder exists and can be written / 无法打开或创建数据库文件，请检查文件夹是否存在且可写")
    pd.testing.assert_frame_equal(Store(filled).frame(), before)


def test_a_read_only_server_session_refuses_writes_and_keeps_the_store(postgresql_locations, plan):
    locations = postgresql_locations
    from sqlalchemy.engine import make_url

    location = locations.new()
    Store(location, plan=plan).add(rows(10), department="卫健委", submitted_at="2023-03-01")
    url = make_url(location)
    reader = url.update_query_dict({"options": url.query["options"] + " -cdefault_transaction_read_only=on"})
    store = Store(reader.render_as_string(hide_password=False), plan=plan)
    assert len(store.frame()) == 10
    with pytest.raises(StoreError) as info:
        store.add(rows(10, "c"), department="x")
    assert str(info.value).endswith(
        "nothing was written: copy it to a writable folder, or ask for write access / "
        "数据库位置只读或无写入权限，未写入任何数据；请复制到可写的位置或申请写入权限")
    assert "cannot execute" in str(info.value) and "read-only transaction" in str(info.value)
    assert len(Store(location).submissions()) == 1


def test_a_full_disk_stores_nothing_and_says_so(filled, plan):
    from sqlalchemy import event

    store = Store(filled, plan=plan)
    before = store.frame()
    pages = filled.stat().st_size // 4096
    # SQLite's own limit on the file's size: the same error path as a full disk (SQLITE_FULL)
    event.listen(store._storage.engine, "connect",
                 lambda connection, record: connection.execute(f"PRAGMA max_page_count = {pages + 2}"))
    with pytest.raises(StoreError) as info:
        store.add(rows(20_000, "c"), department="x")
    assert str(info.value) == (
        f"{filled}: the disk is full (database or disk is full); nothing was written and the store is as it was: "
        "free some space and try again / 磁盘已满，未写入任何数据，数据库保持原样；请清理磁盘空间后重试")
    after = Store(filled)
    pd.testing.assert_frame_equal(after.frame(), before)
    with sqlite3.connect(filled) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_on_the_server_midway_through_copy_stores_nothing(postgresql_locations, plan, monkeypatch):
    locations = postgresql_locations
    import psycopg

    from wdmonitor.storage import Storage

    location = locations.new()
    store = Store(location, plan=plan)
    store.add(rows(100), department="卫健委", submitted_at="2023-03-01")
    before = store.frame()
    append = Storage.append

    def append_then_fill(self, connection, table, frame):
        if table != "observations":
            return append(self, connection, table, frame)
        append(self, connection, table, frame.iloc[: len(frame) // 2])  # half the rows reach the server
        raise psycopg.errors.DiskFull('could not extend file "base/16384/16390": No space left on device')

    monkeypatch.setattr(Storage, "append", append_then_fill)
    with pytest.raises(StoreError) as info:
        store.add(rows(1000, "c"), department="x")
    assert str(info.value) == (
        f"{store.location}: the disk is full (could not extend file \"base/16384/16390\": No space left on device); "
        "nothing was written and the store is as it was: free some space and try again / "
        "磁盘已满，未写入任何数据，数据库保持原样；请清理磁盘空间后重试")
    monkeypatch.undo()
    pd.testing.assert_frame_equal(Store(location).frame(), before)
    assert len(Store(location).submissions()) == 1


@contextlib.contextmanager
def exclusive_lock(locations, location):
    """Another process's lock that keeps every reader and writer out (a long commit, a DBA's LOCK)."""
    if locations.backend == "sqlite":
        holder = sqlite3.connect(location, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    import psycopg

    with psycopg.connect(str(location)) as holder:
        holder.execute("LOCK TABLE observations, submissions IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            holder.rollback()


def test_a_lock_held_by_another_process_is_busy_not_damage(locations, plan):
    location = locations.new()
    Store(location, plan=plan).add(rows(10), department="卫健委", submitted_at="2023-03-01")
    store = Store(location, plan=plan, timeout=0.2)
    with exclusive_lock(locations, location):
        with pytest.raises(StoreBusyError) as info:
            store.frame()
        assert str(info.value) == f"{store.location}: {BUSY}"
        with pytest.raises(StoreBusyError):
            store.add(rows(10, "c"), department="x")
        if locations.backend == "sqlite":  # SQLite's lock keeps even the opening out
            with pytest.raises(StoreBusyError) as info:
                Store(location, timeout=0.2)
            assert str(info.value) == f"{location}: {BUSY}"
    assert len(store.frame()) == 10 and len(store.submissions()) == 1


# -- merge faults ---------------------------------------------------------------------------
def test_merging_a_missing_file_fails_and_creates_nothing(tmp_path, locations, plan):
    store = Store(locations.new(), plan=plan)
    missing = tmp_path / "县库.sqlite"
    with pytest.raises(StoreError) as info:
        store.merge(missing)
    assert str(info.value) == f"{missing}: no such file; nothing was merged (and nothing was created) / 文件不存在，未合并"
    assert not missing.exists()
    if locations.backend == "postgresql":
        other = locations.new("empty")
        with pytest.raises(StoreError, match="^no store at .*: nothing was created / 数据库不存在"):
            store.merge(other)
        with pytest.raises(StoreError, match="no store at"):
            Store(other, create=False)


def test_merging_a_file_that_is_not_an_export_is_refused(tmp_path, locations, plan):
    store = Store(locations.new(), plan=plan)
    submission = tmp_path / "卫健委2024.csv"
    rows(10).to_csv(submission, index=False)
    with pytest.raises(StoreError) as info:
        store.merge(submission)
    assert str(info.value) == (
        f"{submission}: not a wdmonitor export (missing the column(s) area_type, unit, numerator, denominator, source, "
        "source_file and 12 more); merge takes a store file or a CSV written by Store.export "
        "(wdmonitor store export); to add a department's file use Store.add (wdmonitor store add) / "
        "不是wdmonitor导出文件（缺少列），未合并；报送文件请用 store add 入库")
    workbook = tmp_path / "卫健委2024.xlsx"
    rows(10).to_excel(workbook, index=False)
    with pytest.raises(StoreError, match="not a wdmonitor store"):
        store.merge(workbook)
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(StoreError) as info:
        store.merge(empty)
    assert str(info.value) == (f"{empty}: an empty file, not a wdmonitor store or export; nothing was merged / "
                               "不是wdmonitor数据库或导出文件，未合并")
    assert empty.stat().st_size == 0  # not turned into a store
    assert store.submissions().empty


def test_a_changed_row_under_an_existing_submission_is_a_conflict(tmp_path, locations, plan):
    county = Store(locations.new("county"), plan=plan)
    county.add(rows(20), department="连山区卫健委", submitted_at="2023-02-01")
    exported = county.export(tmp_path / "交换.csv")
    city = Store(locations.new("city"), plan=plan)
    assert city.merge(exported).ok
    edited = pd.read_csv(exported, dtype=str, keep_default_na=False)
    edited.loc[3, "value"] = "12.5"
    edited.to_csv(exported, index=False)
    report = city.merge(exported)
    assert not report.ok and report.added_submissions == ()
    conflict = report.conflicts.iloc[0]
    sid = county.submissions()["submission_id"].iloc[0]
    assert len(report.conflicts) == 1
    assert conflict["message_en"] == (
        f"changed row under an existing submission {sid}: 211402 2024 maternal_mortality_ratio female is changed "
        "(value 10.0 here, 12.5 in the incoming file); a changed row is refused, never skipped")
    assert conflict["message_zh"] == (
        f"已有报送{sid}的数据被改动：211402 2024年 maternal_mortality_ratio female 内容被改动（本库10.0，导入文件12.5），拒绝合并")
    edited.drop(index=5).to_csv(exported, index=False)  # a row removed is a change too
    assert len(city.merge(exported).conflicts) == 2
    assert len(city.frame()) == 20 and city.frame()["value"].eq(10.0).all()


@pytest.mark.parametrize("suffix", [".csv", ".sqlite"])
def test_empty_texts_and_missing_values_survive_export_and_merge(tmp_path, locations, plan, suffix):
    county = Store(locations.new("county"), plan=plan)
    sent = rows(4)
    sent["source"] = ["", None, "\\N", "卫健委\t年报"]
    sent["unit"] = [None, "/10万", None, "/10万"]
    county.add(sent, department="连山区卫健委", submitted_at="2023-02-01", note="")
    exported = county.export(tmp_path / f"交换{suffix}")
    city = Store(locations.new("city"), plan=plan)
    assert city.merge(exported).ok
    columns = ["region", "year", "age_group", "value", "unit", "source", "source_sheet", "submission_id"]
    got, expected = city.frame()[columns], county.frame()[columns]
    pd.testing.assert_frame_equal(got, expected)
    assert got["source"].tolist()[:1] == [""] and got["source_sheet"].eq("").all()
    assert pd.isna(got["source"].iloc[1]) and got["source"].iloc[2] == "\\N"
    assert city.submissions()["note"].tolist() == [""]
    assert city.merge(exported).skipped_submissions == tuple(county.submissions()["submission_id"])  # not a change


# -- server faults ----------------------------------------------------------------------------
def test_a_server_that_cannot_be_reached_or_a_missing_database_is_explained(tmp_path):
    require_backend("postgresql")
    from sqlalchemy.engine import make_url

    nowhere = f"postgresql://postgres@/wdmonitor_test?host={tmp_path}"
    with pytest.raises(StoreError) as info:
        Store(nowhere, timeout=2)
    assert str(info.value).startswith(f"{nowhere}: cannot reach the PostgreSQL server (")
    assert str(info.value).endswith("check the host, port and database in the URL (or PGHOST, PGPORT) and that the "
                                    "server is running / 无法连接PostgreSQL服务器，请检查地址、端口和数据库名")
    missing = make_url(POSTGRESQL).set(database="no_such_database").render_as_string(hide_password=False)
    with pytest.raises(StoreError) as info:
        Store(missing)
    assert str(info.value).endswith("create it first (createdb, or ask the database administrator) / "
                                    "服务器上不存在该数据库，请先创建")
    with pytest.raises(StoreError) as info:
        Store("mysql://bureau@db.example/monitoring")
    assert str(info.value) == ("mysql://bureau@db.example/monitoring: wdmonitor stores live in an SQLite file or on a "
                               "PostgreSQL server; expected a file path or postgresql://… / "
                               "监测数据库只支持SQLite文件或PostgreSQL服务器")


def test_a_password_in_the_url_is_never_shown(postgresql_locations):
    from sqlalchemy.engine import make_url

    url = make_url(postgresql_locations.new()).set(password="s3cret").render_as_string(hide_password=False)
    store = Store(url)  # trust authentication on the test server ignores the password
    assert store.location == url.replace(":s3cret@", ":***@")
    assert "s3cret" not in repr(store) and "s3cret" not in str(store.frame().attrs["store_state"])


def test_a_schema_holding_other_tables_is_not_taken_over(locations):
    location = locations.new()
    locations.execute(location, "CREATE TABLE people (name TEXT)")
    with pytest.raises(StoreError) as info:
        Store(location)
    what = ("an SQLite file without the wdmonitor schema (tables ['people']); expected a file created by "
            "wdmonitor.Store / 不是wdmonitor监测数据库文件"
            if locations.backend == "sqlite" else
            "a PostgreSQL schema without the wdmonitor tables (tables ['people']); give an empty database or schema "
            "(options=-csearch_path=…) for the store / 该数据库（模式）中已有其他数据表，不是wdmonitor监测数据库；请使用空的数据库或模式")
    assert str(info.value) == f"{location}: {what}"


def test_a_bad_date_is_refused_before_anything_is_stored(locations, plan):
    store = Store(locations.new(), plan=plan)
    with pytest.raises(StoreError) as info:
        store.add(rows(10), department="x", submitted_at="昨天")
    assert str(info.value).startswith("'昨天' is not a date (")
    with pytest.raises(StoreError, match="is not a date"):
        store.frame(as_of="2025-13-45")
    assert store.submissions().empty
