"""The store's command-line cycle on both backends: a file path or a postgresql:// URL.

The cycle on a file alone is in tests/test_cli_cycle.py; here the same commands take the
store from ``locations`` (tests/store_locations.py), and the store's faults reach the user as
one line with exit code 1.
"""

from __future__ import annotations

import pytest

import store_locations
from wdmonitor.cli import main
from wdmonitor.sample import load_sample, sample_path
from wdmonitor.store import Store

locations = store_locations.locations  # parametrised over both backends
PLAN = "huludao-2021-2030"


def test_add_list_export_merge_and_evaluate_a_store_by_its_location(tmp_path, locations, capsys):
    county, city = str(locations.new("county")), str(locations.new("city"))
    assert main(["store", "add", county, str(sample_path()), "--plan", PLAN, "--department", "统计局",
                 "--submitted-at", "2025-03-01"]) == 0
    rows = len(load_sample())  # every row of the sample CSV
    assert f"{rows} rows" in capsys.readouterr().out
    assert main(["store", "list", county]) == 0
    assert "huludao_2020_2024.csv" in capsys.readouterr().out
    exported = tmp_path / "交换.csv"
    assert main(["store", "export", county, str(exported)]) == 0
    assert main(["store", "add", city, str(sample_path()), "--plan", PLAN, "--department", "统计局",
                 "--submitted-at", "2025-03-01"]) == 0
    capsys.readouterr()
    assert main(["store", "merge", city, str(exported)]) == 0  # the same figures: no conflict
    assert main(["store", "merge", city, str(exported)]) == 0  # twice: nothing new
    assert capsys.readouterr().out.splitlines() == [
        "merged / 已合并: 1 submissions added, 0 already present", "merged / 已合并: 0 submissions added, 1 already present"]
    assert main(["evaluate", "--store", county, "--plan", PLAN, "--lang", "en"]) == 0
    assert "mid-term" in capsys.readouterr().out
    summary = Store(county).summary()
    assert summary == {"submissions": 1, "stored_rows": rows, "current_rows": rows, "years": (2015, 2024),
                       "schema_version": 3}


def test_store_faults_are_one_line_with_exit_code_1(tmp_path, locations, capsys):
    store = str(locations.new())
    assert main(["store", "add", store, str(sample_path()), "--plan", PLAN, "--department", "统计局"]) == 0
    capsys.readouterr()
    missing = tmp_path / "县库.sqlite"
    assert main(["store", "merge", store, str(missing)]) == 1
    err = capsys.readouterr().err
    assert err == f"wdmonitor: error: {missing}: no such file; nothing was merged (and nothing was created) / 文件不存在，未合并\n"
    assert not missing.exists()
    locations.execute(store, "UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    assert main(["store", "list", store]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wdmonitor: error: ") and err.count("\n") == 1
    assert "schema version 7 is newer than this wdmonitor understands (3)" in err


def test_a_server_location_without_a_store_is_not_created_by_reading(capsys):
    store_locations.require_backend("postgresql")
    made = store_locations.Locations("postgresql", None)
    try:
        empty = str(made.new("empty"))
        assert main(["store", "list", empty]) == 1
        assert capsys.readouterr().err == f"wdmonitor: error: no store at {empty}: nothing was created / 数据库不存在：{empty}\n"
        with pytest.raises(Exception, match="no store at"):
            Store(empty, create=False)
    finally:
        made.cleanup()
