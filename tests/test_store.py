"""The monitoring database: add, refusal, supersession, as-of, merge, crash and concurrency."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdmonitor import StoreError, SubmissionError, load_plan
from wdmonitor.store import SCHEMA_VERSION, Store, _timestamp

MINIMAL = Path(__file__).parent / "data" / "plans" / "minimal.yaml"


@pytest.fixture(scope="module")
def plan():
    return load_plan(MINIMAL)


def mmr_rows(values: dict[int, float], region: str = "211400") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": region,
            "year": list(values),
            "indicator": "maternal_mortality_ratio",
            "sex": "female",
            "value": list(values.values()),
        }
    )


def test_opening_a_new_path_creates_a_versioned_store(tmp_path, plan):
    path = tmp_path / "sub" / "monitoring.sqlite"
    path.parent.mkdir()
    store = Store(path, plan=plan)
    assert path.exists()
    assert store.schema_version() == SCHEMA_VERSION
    assert store.submissions().empty
    assert store.frame().empty


def test_added_rows_carry_their_provenance(tmp_path, plan):
    store = Store(tmp_path / "m.sqlite", plan=plan)
    receipt = store.add(mmr_rows({2021: 9.8, 2022: 9.1}), department="卫健委", submitted_at="2023-03-01", note="年报")
    frame = store.frame()
    assert frame[["year", "value"]].to_dict("records") == [{"year": 2021, "value": 9.8}, {"year": 2022, "value": 9.1}]
    assert set(frame["submission_id"]) == {receipt.submission_id}
    assert set(frame["department"]) == {"卫健委"}
    submissions = store.submissions()
    assert submissions.loc[0, "note"] == "年报"
    assert submissions.loc[0, "n_rows"] == 2
    assert len(submissions.loc[0, "source_sha256"]) == 64
    # reopening the file keeps everything
    assert len(Store(tmp_path / "m.sqlite").frame()) == 2


def test_a_file_submission_records_its_name_and_hash(tmp_path, plan):
    import hashlib

    csv = tmp_path / "卫健委2022.csv"
    mmr_rows({2022: 9.1}).to_csv(csv, index=False)
    store = Store(tmp_path / "m.sqlite", plan=plan)
    receipt = store.add(csv, department="卫健委")
    assert receipt.source_name == "卫健委2022.csv"
    assert receipt.source_sha256 == hashlib.sha256(csv.read_bytes()).hexdigest()


def test_an_invalid_batch_is_refused_whole(tmp_path, plan):
    store = Store(tmp_path / "m.sqlite", plan=plan)
    rows = mmr_rows({2021: 9.8, 2022: -3.0})
    with pytest.raises(SubmissionError) as info:
        store.add(rows, department="卫健委")
    assert str(info.value).startswith("submission refused: ")
    assert len(info.value.failure_cases) >= 1
    assert store.submissions().empty
    assert store.frame().empty


def test_a_later_submission_supersedes_without_erasing(tmp_path, plan):
    store = Store(tmp_path / "m.sqlite", plan=plan)
    store.add(mmr_rows({2021: 9.8, 2022: 9.1}), department="卫健委", submitted_at="2023-03-01")
    store.add(mmr_rows({2022: 8.7}), department="卫健委", submitted_at="2023-06-01", note="更正")
    now = store.frame()
    assert now.set_index("year")["value"].to_dict() == {2021: 9.8, 2022: 8.7}
    before = store.frame(as_of="2023-04-01")
    assert before.set_index("year")["value"].to_dict() == {2021: 9.8, 2022: 9.1}
    assert store.frame(as_of="2023-01-01").empty
    history = store.history({"region": "211400", "year": 2022, "indicator": "maternal_mortality_ratio", "sex": "female"})
    assert history["value"].tolist() == [9.1, 8.7]
    assert history["current"].tolist() == [False, True]
    assert history["note"].tolist() == ["", "更正"]


def test_history_needs_a_whole_key(tmp_path, plan):
    store = Store(tmp_path / "m.sqlite", plan=plan)
    with pytest.raises(StoreError) as info:
        store.history({"region": "211400", "year": 2022})
    assert str(info.value) == "history needs a whole key; missing indicator, sex / 查询版本历史须给出完整的键"


def test_store_state_changes_with_each_submission(tmp_path, plan):
    store = Store(tmp_path / "m.sqlite", plan=plan)
    empty = store.state()
    store.add(mmr_rows({2021: 9.8}), department="卫健委", submitted_at="2023-03-01")
    after = store.state()
    assert empty["submissions"] == 0 and after["submissions"] == 1
    assert empty["state_sha256"] != after["state_sha256"]
    assert store.frame().attrs["store_state"]["state_sha256"] == after["state_sha256"]


def test_merge_brings_a_county_store_into_the_city(tmp_path, plan):
    city = Store(tmp_path / "city.sqlite", plan=plan)
    county = Store(tmp_path / "county.sqlite", plan=plan)
    city.add(mmr_rows({2021: 9.8}), department="市卫健委", submitted_at="2023-03-01")
    county.add(mmr_rows({2021: 12.0}, region="211402"), department="连山区卫健委", submitted_at="2023-02-01")
    report = city.merge(county)
    assert report.ok and len(report.added_submissions) == 1
    frame = city.frame()
    assert sorted(frame["region"]) == ["211400", "211402"]
    assert set(frame["department"]) == {"市卫健委", "连山区卫健委"}
    origin = city.submissions().set_index("department").loc["连山区卫健委", "origin"]
    assert origin == str(tmp_path / "county.sqlite")
    # merging again changes nothing
    again = city.merge(county)
    assert again.ok and again.added_submissions == () and len(again.skipped_submissions) == 1
    assert len(city.frame()) == 2


def test_merge_refuses_conflicting_duplicates_with_a_report(tmp_path, plan):
    city = Store(tmp_path / "city.sqlite", plan=plan)
    county = Store(tmp_path / "county.sqlite", plan=plan)
    city.add(mmr_rows({2021: 12.0}, region="211402"), department="市卫健委", submitted_at="2023-03-01")
    county.add(mmr_rows({2021: 11.0}, region="211402"), department="连山区卫健委", submitted_at="2023-02-01")
    report = city.merge(county)
    assert not report.ok
    assert report.added_submissions == ()
    conflict = report.conflicts.iloc[0]
    assert (conflict["value_here"], conflict["value_incoming"]) == (12.0, 11.0)
    assert conflict["message_en"] == (
        "conflicting duplicate: 211402 2021 maternal_mortality_ratio female is 12.0 here and 11.0 in the incoming store"
    )
    assert conflict["message_zh"] == "重复数据冲突：211402 2021年 maternal_mortality_ratio female 本库为12.0，导入库为11.0"
    assert len(city.submissions()) == 1


@pytest.mark.parametrize("suffix", [".csv", ".sqlite"])
def test_export_and_import_between_levels(tmp_path, plan, suffix):
    county = Store(tmp_path / "county.sqlite", plan=plan)
    county.add(mmr_rows({2021: 12.0, 2022: 11.5}, region="211402"), department="连山区卫健委", submitted_at="2023-02-01")
    county.add(mmr_rows({2022: 11.0}, region="211402"), department="连山区卫健委", submitted_at="2023-05-01")
    exported = county.export(tmp_path / f"exchange{suffix}")
    city = Store(tmp_path / "city.sqlite", plan=plan)
    report = city.import_file(exported)
    assert report.ok and len(report.added_submissions) == 2
    pd.testing.assert_frame_equal(
        city.frame()[["region", "year", "value", "submission_id"]],
        county.frame()[["region", "year", "value", "submission_id"]],
    )
    assert len(city.history(("211402", 2022, "maternal_mortality_ratio", "female"))) == 2


def test_export_never_overwrites(tmp_path, plan):
    store = Store(tmp_path / "m.sqlite", plan=plan)
    (tmp_path / "out.csv").write_text("x")
    with pytest.raises(StoreError, match="already exists"):
        store.export(tmp_path / "out.csv")


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
    with pytest.raises(StoreError, match="not a wdmonitor store"):
        Store(text)


WRITER = textwrap.dedent(
    """
    import sys, time
    import numpy as np, pandas as pd
    from wdmonitor import load_plan, StoreBusyError
    from wdmonitor.store import Store
    from wdmonitor.validation import check_submission

    path, region, n, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    plan = load_plan(sys.argv[5])
    years = np.arange(n) % 10 + 2021
    ages = (np.arange(n) // 10).astype(str)
    frame = pd.DataFrame({"region": region, "year": years, "indicator": "maternal_mortality_ratio",
                          "sex": "female", "age_group": ages, "value": 10.0})
    report = check_submission(frame, plan)
    store = Store(path, plan=plan, timeout=timeout)
    print("ready", flush=True)
    try:
        store.add(report, department="test")
    except StoreBusyError as error:
        print("busy", error, flush=True)
        sys.exit(3)
    print("done", flush=True)
    """
)


def start_writer(tmp_path, store_path, region, n, timeout=30.0):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    return subprocess.Popen(
        [sys.executable, str(script), str(store_path), region, str(n), str(timeout), str(MINIMAL)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_kill_in_the_middle_of_add_leaves_the_store_as_it_was(tmp_path, plan):
    path = tmp_path / "m.sqlite"
    store = Store(path, plan=plan)
    store.add(mmr_rows({2021: 9.8}), department="卫健委", submitted_at="2023-03-01")
    before = store.frame()
    writer = start_writer(tmp_path, path, "211402", 400_000)
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    writer.kill()
    writer.wait()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    after = Store(path, plan=plan)
    # the writer was killed before its commit: nothing of it is visible, the old rows are intact
    assert len(after.submissions()) == 1
    pd.testing.assert_frame_equal(after.frame(), before)


@pytest.mark.slow
def test_two_writers_at_once_both_succeed_or_one_is_told_busy(tmp_path, plan):
    path = tmp_path / "m.sqlite"
    Store(path, plan=plan)
    first = start_writer(tmp_path, path, "211402", 50_000)
    second = start_writer(tmp_path, path, "211400", 50_000)
    results = [w.communicate(timeout=300) for w in (first, second)]
    assert [w.returncode for w in (first, second)] == [0, 0], results
    store = Store(path, plan=plan)
    assert sorted(store.submissions()["n_rows"]) == [50_000, 50_000]
    assert len(store.frame()) == 100_000


@pytest.mark.slow
def test_a_writer_that_cannot_wait_gets_a_clear_busy_error(tmp_path, plan):
    path = tmp_path / "m.sqlite"
    Store(path, plan=plan)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        blocked = start_writer(tmp_path, path, "211402", 10, timeout=0.2)
        out, err = blocked.communicate(timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert blocked.returncode == 3, err
    assert out.splitlines()[-1] == (
        f"busy {path}: another process is writing to the monitoring database; waited 0.2 s, try again / "
        "监测数据库正被其他进程写入，请稍后重试"
    )
    assert Store(path, plan=plan).submissions().empty


def test_an_evaluation_records_the_store_state_it_was_computed_from(tmp_path, plan):
    from wdmonitor import evaluate

    store = Store(tmp_path / "m.sqlite", plan=plan)
    store.add(mmr_rows({2020: 12.0, 2025: 9.8}), department="卫健委", submitted_at="2025-03-01")
    first = evaluate(store.frame(as_of="2025-04-01"), plan)
    store.add(mmr_rows({2025: 11.0}), department="卫健委", submitted_at="2025-06-01", note="更正")
    corrected = evaluate(store.frame(), plan)
    before = evaluate(store.frame(as_of="2025-04-01"), plan)
    assert first.provenance["store"]["submissions"] == 1
    assert corrected.provenance["store"]["submissions"] == 2
    assert first.provenance["store"]["state_sha256"] == before.provenance["store"]["state_sha256"]
    assert first.provenance["store"]["state_sha256"] != corrected.provenance["store"]["state_sha256"]
    mmr = lambda r: r.table.query("kind == 'at_most' and region == '211400'").iloc[0].status  # noqa: E731
    assert (mmr(first), mmr(corrected), mmr(before)) == ("attained_early", "not_attained", "attained_early")


# The reference for Store.frame: SQLite's window function picks the latest version of a key.
_REFERENCE = """
    SELECT o.region, o.year, o.indicator, o.value, o.submission_id FROM (
        SELECT o.*, ROW_NUMBER() OVER (
            PARTITION BY o.region, o.year, o.indicator, o.sex, o.area_type, o.age_group
            ORDER BY s.submitted_at DESC, s.added_at DESC, o.rowid DESC) AS version
        FROM observations o JOIN submissions s USING (submission_id) WHERE s.submitted_at <= ?
    ) o WHERE o.version = 1
    ORDER BY o.region, o.indicator, o.sex, o.area_type, o.age_group, o.year
"""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.tuples(st.sampled_from(["2023-01-01", "2023-06-01", "2024-01-01"]),
                                  st.lists(st.tuples(st.sampled_from(["211400", "211402"]), st.integers(2020, 2024),
                                                     st.floats(0, 50).map(lambda v: round(v, 2))),
                                           min_size=1, max_size=6, unique_by=lambda r: r[:2])),
                        min_size=1, max_size=5),
       as_of=st.sampled_from(["2023-03-01", "2023-12-31", "2024-12-31"]))
def test_frame_as_of_agrees_with_the_sql_window_reference(tmp_path_factory, plan, batches, as_of):
    path = tmp_path_factory.mktemp("ref") / "m.sqlite"
    store = Store(path, plan=plan)
    for submitted_at, rows in batches:
        frame = pd.DataFrame(rows, columns=["region", "year", "value"]).assign(indicator="maternal_mortality_ratio", sex="female")
        store.add(frame, department="卫健委", submitted_at=submitted_at)
    got = store.frame(as_of=as_of)[["region", "year", "indicator", "value", "submission_id"]]
    with sqlite3.connect(path) as connection:
        expected = pd.read_sql_query(_REFERENCE, connection, params=(_timestamp(as_of),))
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_blank_rows_are_not_stored_and_an_empty_submission_is_refused(tmp_path, plan):
    store = Store(tmp_path / "m.sqlite", plan=plan)
    receipt = store.add(mmr_rows({2021: 9.8, 2022: None}), department="卫健委", submitted_at="2023-03-01")
    assert receipt.n_rows == 1 and store.frame()["year"].tolist() == [2021]
    with pytest.raises(StoreError) as info:
        store.add(mmr_rows({2023: None}), department="卫健委", submitted_at="2024-03-01")
    assert str(info.value) == ("<frame>: no row carries a value (1 rows, 1 left blank); nothing was stored / "
                               "<frame>：没有填报数值的行，未入库")
    assert len(store.submissions()) == 1


def test_counts_are_stored_as_the_indicator_they_compute(tmp_path):
    huludao = load_plan("huludao-2021-2030")
    store = Store(tmp_path / "m.sqlite", plan=huludao)
    counts = pd.DataFrame({"region": "211400", "year": 2024, "indicator": ["maternal_deaths", "live_births"],
                           "sex": ["female", "total"], "value": [3, 25_000]})
    assert store.add(counts, department="卫健委", submitted_at="2025-03-01").n_rows == 1
    stored = store.frame().iloc[0]
    assert (stored["indicator"], stored["value"], stored["numerator"], stored["denominator"]) == (
        "maternal_mortality_ratio", 12.0, 3.0, 25_000.0)
