"""The monitoring database: add, refusal, supersession, as-of, merge, crash and concurrency.

Every test runs on both backends (an SQLite file, a PostgreSQL schema) through the
``locations`` fixture; see tests/store_locations.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import store_locations
from wdmonitor import StoreError, SubmissionError, load_plan
from wdmonitor.store import SCHEMA_VERSION, Store, _timestamp

locations = store_locations.locations  # the fixture, parametrised over both backends

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


def test_opening_a_new_location_creates_a_versioned_store(locations, plan):
    location = locations.new()
    store = Store(location, plan=plan)
    assert store.backend == locations.backend
    assert store.schema_version() == SCHEMA_VERSION == 3
    assert store.submissions().empty
    assert store.frame().empty


def test_added_rows_carry_their_provenance(locations, plan):
    location = locations.new()
    store = Store(location, plan=plan)
    receipt = store.add(mmr_rows({2021: 9.8, 2022: 9.1}), department="卫健委", submitted_at="2023-03-01", note="年报")
    frame = store.frame()
    assert frame[["year", "value"]].to_dict("records") == [{"year": 2021, "value": 9.8}, {"year": 2022, "value": 9.1}]
    assert set(frame["submission_id"]) == {receipt.submission_id}
    assert set(frame["department"]) == {"卫健委"}
    submissions = store.submissions()
    assert submissions.loc[0, "note"] == "年报"
    assert submissions.loc[0, "n_rows"] == 2
    assert len(submissions.loc[0, "source_sha256"]) == 64
    # reopening the store keeps everything
    assert len(Store(location).frame()) == 2


def test_a_file_submission_records_its_name_and_hash(tmp_path, locations, plan):
    import hashlib

    csv = tmp_path / "卫健委2022.csv"
    mmr_rows({2022: 9.1}).to_csv(csv, index=False)
    store = Store(locations.new(), plan=plan)
    receipt = store.add(csv, department="卫健委")
    assert receipt.source_name == "卫健委2022.csv"
    assert receipt.source_sha256 == hashlib.sha256(csv.read_bytes()).hexdigest()


def test_an_invalid_batch_is_refused_whole(locations, plan):
    store = Store(locations.new(), plan=plan)
    rows = mmr_rows({2021: 9.8, 2022: -3.0})
    with pytest.raises(SubmissionError) as info:
        store.add(rows, department="卫健委")
    assert str(info.value).startswith("submission refused: ")
    assert len(info.value.failure_cases) >= 1
    assert store.submissions().empty
    assert store.frame().empty


def test_a_later_submission_supersedes_without_erasing(locations, plan):
    store = Store(locations.new(), plan=plan)
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


def test_history_needs_a_whole_key(locations, plan):
    store = Store(locations.new(), plan=plan)
    with pytest.raises(StoreError) as info:
        store.history({"region": "211400", "year": 2022})
    assert str(info.value) == "history needs a whole key; missing indicator, sex / 查询版本历史须给出完整的键"


def test_store_state_changes_with_each_submission(locations, plan):
    store = Store(locations.new(), plan=plan)
    empty = store.state()
    store.add(mmr_rows({2021: 9.8}), department="卫健委", submitted_at="2023-03-01")
    after = store.state()
    assert empty["submissions"] == 0 and after["submissions"] == 1
    assert empty["state_sha256"] != after["state_sha256"]
    assert store.frame().attrs["store_state"]["state_sha256"] == after["state_sha256"]


def test_merge_brings_a_county_store_into_the_city(locations, plan):
    city = Store(locations.new("city"), plan=plan)
    county = Store(locations.new("county"), plan=plan)
    city.add(mmr_rows({2021: 9.8}), department="市卫健委", submitted_at="2023-03-01")
    county.add(mmr_rows({2021: 12.0}, region="211402"), department="连山区卫健委", submitted_at="2023-02-01")
    report = city.merge(county)
    assert report.ok and len(report.added_submissions) == 1
    frame = city.frame()
    assert sorted(frame["region"]) == ["211400", "211402"]
    assert set(frame["department"]) == {"市卫健委", "连山区卫健委"}
    origin = city.submissions().set_index("department").loc["连山区卫健委", "origin"]
    assert origin == county.location
    # merging again changes nothing
    again = city.merge(county)
    assert again.ok and again.added_submissions == () and len(again.skipped_submissions) == 1
    assert len(city.frame()) == 2


def test_merge_refuses_conflicting_duplicates_with_a_report(locations, plan):
    city = Store(locations.new("city"), plan=plan)
    county = Store(locations.new("county"), plan=plan)
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
def test_export_and_import_between_levels(tmp_path, locations, plan, suffix):
    county = Store(locations.new("county"), plan=plan)
    county.add(mmr_rows({2021: 12.0, 2022: 11.5}, region="211402"), department="连山区卫健委", submitted_at="2023-02-01")
    county.add(mmr_rows({2022: 11.0}, region="211402"), department="连山区卫健委", submitted_at="2023-05-01")
    exported = county.export(tmp_path / f"exchange{suffix}")
    city = Store(locations.new("city"), plan=plan)
    report = city.import_file(exported)
    assert report.ok and len(report.added_submissions) == 2
    pd.testing.assert_frame_equal(
        city.frame()[["region", "year", "value", "submission_id"]],
        county.frame()[["region", "year", "value", "submission_id"]],
    )
    assert len(city.history(("211402", 2022, "maternal_mortality_ratio", "female"))) == 2


def test_export_never_overwrites(tmp_path, locations, plan):
    store = Store(locations.new(), plan=plan)
    (tmp_path / "out.csv").write_text("x")
    with pytest.raises(StoreError, match="already exists"):
        store.export(tmp_path / "out.csv")


WRITER = textwrap.dedent(
    """
    import sys, time
    import numpy as np, pandas as pd
    from wdmonitor import load_plan, StoreBusyError
    from wdmonitor.store import Store
    from wdmonitor.validation import check_submission

    location, department, n, timeout, retries = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[6])
    plan = load_plan(sys.argv[5])
    years = np.arange(n) % 10 + 2021
    ages = [f"{department}-{k}" for k in np.arange(n) // 10]
    frame = pd.DataFrame({"region": "211402", "year": years, "indicator": "maternal_mortality_ratio",
                          "sex": "female", "age_group": ages, "value": 10.0})
    report = check_submission(frame, plan)
    store = Store(location, plan=plan, timeout=timeout)
    print("ready", flush=True)
    for attempt in range(retries + 1):
        try:
            store.add(report, department=department)
        except StoreBusyError as error:
            print("busy", error, flush=True)
            if attempt == retries:
                sys.exit(3)
            time.sleep(0.05 * (1 + attempt % 5))
        else:
            break
    print("done", flush=True)
    """
)


def start_writer(tmp_path, location, department, n, timeout=30.0, retries=0):
    script = tmp_path / "writer.py"
    if not script.exists():
        script.write_text(WRITER)
    return subprocess.Popen(
        [sys.executable, str(script), str(location), department, str(n), str(timeout), str(MINIMAL), str(retries)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.05, 0.4, 1.2])
def test_a_kill_in_the_middle_of_add_leaves_no_trace(tmp_path, locations, plan, delay):
    location = locations.new()
    store = Store(location, plan=plan)
    store.add(mmr_rows({2021: 9.8}), department="卫健委", submitted_at="2023-03-01")
    before = store.frame()
    writer = start_writer(tmp_path, location, "killed", 300_000)
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(delay)
    writer.kill()
    writer.wait()
    if locations.backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(location)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
    after = Store(location, plan=plan)
    submissions = after.submissions()
    if len(submissions) == 1:  # killed before its commit: nothing of it is visible, the old rows are intact
        pd.testing.assert_frame_equal(after.frame(), before)
    else:  # killed after its commit: the whole submission is there
        assert submissions["n_rows"].tolist() == [1, 300_000]
        assert len(after.frame()) == 300_001
    # and the store takes the next writer at once (no lock left behind)
    assert Store(location, plan=plan, timeout=1.0).add(mmr_rows({2022: 9.1}), department="卫健委").n_rows == 1


@pytest.mark.slow
def test_eight_writers_at_once_all_succeed_retrying_when_busy(tmp_path, locations, plan):
    location = locations.new()
    Store(location, plan=plan)
    writers = [start_writer(tmp_path, location, f"dept{k}", 4_000, timeout=0.3, retries=200) for k in range(8)]
    results = [w.communicate(timeout=600) for w in writers]
    assert [w.returncode for w in writers] == [0] * 8, results
    busy = [line for out, _ in results for line in out.splitlines() if line.startswith("busy")]
    assert all(line == f"busy {Store(location).location}: another process is writing to the monitoring database; "
                       "waited 0.3 s, try again / 监测数据库正被其他进程写入，请稍后重试" for line in busy)
    store = Store(location, plan=plan)
    assert sorted(store.submissions()["department"]) == [f"dept{k}" for k in range(8)]
    assert store.submissions()["n_rows"].tolist() == [4_000] * 8
    frame = store.frame()
    assert len(frame) == 32_000
    assert frame.groupby("department").size().to_dict() == {f"dept{k}": 4_000 for k in range(8)}


@pytest.mark.slow
def test_a_writer_that_cannot_wait_gets_a_clear_busy_error(tmp_path, locations, plan):
    location = locations.new()
    holder = Store(location, plan=plan)
    with holder._storage.write():  # another writer holds the lock
        blocked = start_writer(tmp_path, location, "blocked", 10, timeout=0.2)
        out, err = blocked.communicate(timeout=120)
    assert blocked.returncode == 3, err
    assert out.splitlines()[-1] == (
        f"busy {holder.location}: another process is writing to the monitoring database; waited 0.2 s, try again / "
        "监测数据库正被其他进程写入，请稍后重试"
    )
    assert Store(location, plan=plan).submissions().empty


def test_an_evaluation_records_the_store_state_it_was_computed_from(locations, plan):
    from wdmonitor import evaluate

    store = Store(locations.new(), plan=plan)
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


# The reference for Store.frame: the SQL window function picks the latest version of a key.
_REFERENCE = """
    SELECT o.region, o.year, o.indicator, o.value, o.submission_id FROM (
        SELECT o.*, ROW_NUMBER() OVER (
            PARTITION BY o.region, o.year, o.indicator, o.sex, o.area_type, o.age_group
            ORDER BY s.submitted_at DESC, s.added_at DESC, o.row_id DESC) AS version
        FROM observations o JOIN submissions s USING (submission_id) WHERE s.submitted_at <= :cutoff
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
def test_frame_as_of_agrees_with_the_sql_window_reference(locations, plan, batches, as_of):
    store = Store(locations.new(f"ref{len(locations.schemas)}-{uuid.uuid4().hex[:6]}"), plan=plan)
    for submitted_at, rows in batches:
        frame = pd.DataFrame(rows, columns=["region", "year", "value"]).assign(indicator="maternal_mortality_ratio", sex="female")
        store.add(frame, department="卫健委", submitted_at=submitted_at)
    got = store.frame(as_of=as_of)[["region", "year", "indicator", "value", "submission_id"]]
    with store._storage.read() as connection:
        expected = store._storage.query(connection, _REFERENCE, {"cutoff": _timestamp(as_of)})
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_blank_rows_are_not_stored_and_an_empty_submission_is_refused(locations, plan):
    store = Store(locations.new(), plan=plan)
    receipt = store.add(mmr_rows({2021: 9.8, 2022: None}), department="卫健委", submitted_at="2023-03-01")
    assert receipt.n_rows == 1 and store.frame()["year"].tolist() == [2021]
    with pytest.raises(StoreError) as info:
        store.add(mmr_rows({2023: None}), department="卫健委", submitted_at="2024-03-01")
    assert str(info.value) == ("<frame>: no row carries a value (1 rows, 1 left blank); nothing was stored / "
                               "<frame>：没有填报数值的行，未入库")
    assert len(store.submissions()) == 1


def test_counts_are_stored_as_the_indicator_they_compute(locations):
    huludao = load_plan("huludao-2021-2030")
    store = Store(locations.new(), plan=huludao)
    counts = pd.DataFrame({"region": "211400", "year": 2024, "indicator": ["maternal_deaths", "live_births"],
                           "sex": ["female", "total"], "value": [3, 25_000]})
    assert store.add(counts, department="卫健委", submitted_at="2025-03-01").n_rows == 1
    stored = store.frame().iloc[0]
    assert (stored["indicator"], stored["value"], stored["numerator"], stored["denominator"]) == (
        "maternal_mortality_ratio", 12.0, 3.0, 25_000.0)


def test_importing_wdmonitor_does_not_import_the_storage_engines():
    probe = "import sys, wdmonitor, wdmonitor.store; print(sorted({'sqlalchemy', 'psycopg'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_add_reads_the_sheet_it_is_given(tmp_path, locations, plan):
    workbook = tmp_path / "卫健委.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        mmr_rows({2021: 9.8}).to_excel(writer, sheet_name="说明", index=False)
        mmr_rows({2022: 9.1, 2023: 8.7}).to_excel(writer, sheet_name="2022-2023年", index=False)
    store = Store(locations.new(), plan=plan)
    receipt = store.add(workbook, department="卫健委", submitted_at="2024-03-01", sheet="2022-2023年")
    assert receipt.n_rows == 2 and receipt.source_name == "卫健委.xlsx"
    frame = store.frame()
    assert frame["year"].tolist() == [2022, 2023]
    assert set(frame["source_sheet"]) == {"2022-2023年"}
