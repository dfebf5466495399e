"""Evaluation and warnings partition by partition give the tables of one frame (issue: township scale).

Every verdict and flag stands on a region's own series, except the spread across regions
(区域差距) and the Hidiroglou–Berthelot comparison among regions (W2c), which the partitioned
run computes from every partition at the end; the tests compare whole tables, row for row.
"""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
import store_locations

from wdmonitor import Store, evaluate, flag_early_warnings, load_plan
from wdmonitor.errors import ArgumentError
from wdmonitor.partitions import (
    by_province,
    by_region,
    evaluate_partitions,
    flag_early_warnings_partitions,
    iter_partitions,
    monitor_partitions,
    write_partitions,
)
from wdmonitor.sample import generate_sample
from wdmonitor.vocabulary import GapBetween

locations = store_locations.locations  # the fixture, parametrised over both backends

PLAN = load_plan("huludao-2021-2030")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_sample(PLAN)


@pytest.fixture(scope="module")
def one_frame(frame):
    return evaluate(frame, PLAN, 2025), flag_early_warnings(frame, PLAN, 2024)


def test_the_sample_has_what_the_partitioned_run_must_reassemble(frame, one_frame):
    evaluation, warnings = one_frame
    counties = [r.code for r in PLAN.regions if r.level == "county"]
    assert len(list(by_region(frame, PLAN, "county"))) == len(counties) + 1  # and the city's own rows
    across = [t.id for t in PLAN.numeric_targets if t.gap_between is GapBetween.REGION]  # verdicts across regions
    judged = evaluation.table[evaluation.table["target_id"].isin(across) & (evaluation.table["status"] != "无法评估")]
    assert len(judged) and set(judged["region"]) == {PLAN.jurisdiction.code}
    assert (warnings.table["check"] == "W2c").any()  # a comparison among regions


def test_evaluation_by_county_is_the_evaluation_of_the_whole_frame(frame, one_frame):
    partitioned = evaluate_partitions(by_region(frame, PLAN, "county"), PLAN, 2025)
    pd.testing.assert_frame_equal(partitioned.table, one_frame[0].table)
    pd.testing.assert_frame_equal(partitioned.summary(), one_frame[0].summary())
    assert partitioned.provenance["unjudged"] == one_frame[0].provenance["unjudged"]
    assert partitioned.provenance["rows_valid"] == one_frame[0].provenance["rows_valid"]
    assert partitioned.provenance["partitions"] == len(list(by_region(frame, PLAN, "county")))


def test_warnings_by_county_are_the_warnings_of_the_whole_frame(frame, one_frame):
    partitioned = flag_early_warnings_partitions(by_region(frame, PLAN, "county"), PLAN, 2024)
    pd.testing.assert_frame_equal(partitioned.table, one_frame[1].table)


def test_partitions_in_any_order_give_the_same_tables(frame, one_frame):
    parts = list(by_region(frame, PLAN, "county"))[::-1]
    pd.testing.assert_frame_equal(evaluate_partitions(parts, PLAN, 2025).table, one_frame[0].table)
    pd.testing.assert_frame_equal(flag_early_warnings_partitions(parts, PLAN, 2024).table, one_frame[1].table)


def test_by_province_keeps_every_row_once(frame):
    parts = list(by_province(frame))
    assert sum(len(p) for p in parts) == len(frame)
    assert [p["region"].str[:2].unique().tolist() for p in parts] == [["21"]]


def test_parallel_workers_give_the_same_tables(frame, one_frame):
    pytest.importorskip("joblib")
    parts = list(by_region(frame, PLAN, "county"))
    pd.testing.assert_frame_equal(evaluate_partitions(parts, PLAN, 2025, n_jobs=2).table, one_frame[0].table)
    pd.testing.assert_frame_equal(flag_early_warnings_partitions(parts, PLAN, 2024, n_jobs=2).table, one_frame[1].table)


def test_a_region_split_over_two_partitions_is_refused(frame):
    county = frame[frame["region"] == "211402"]
    halves = [county[county["year"] < 2020], county[county["year"] >= 2020]]
    with pytest.raises(ArgumentError, match="211402.*partitions 1 and 2"):
        evaluate_partitions(halves, PLAN, 2025)
    with pytest.raises(ArgumentError, match="同一地区的数据须在同一分区"):
        flag_early_warnings_partitions(halves, PLAN, 2024)


def test_one_frame_is_not_taken_for_partitions(frame):
    with pytest.raises(ArgumentError, match="iterable of frames"):
        evaluate_partitions(frame, PLAN, 2025)


def test_warnings_need_the_monitoring_year(frame):
    with pytest.raises(TypeError):
        flag_early_warnings_partitions(by_province(frame), PLAN)  # as_of is required: no latest year before reading all


def test_a_plan_survives_pickling_for_the_workers(frame, one_frame):
    again = pickle.loads(pickle.dumps(PLAN))
    assert list(again.indicators) == list(PLAN.indicators) and len(again.targets) == len(PLAN.targets)
    pd.testing.assert_frame_equal(evaluate(frame, again, 2025).table, one_frame[0].table)
    with pytest.raises(TypeError):
        again.indicators["x"] = None  # read-only again


def test_a_store_is_evaluated_province_by_province(locations, frame, one_frame):
    store = Store(locations.new(), plan=PLAN)
    store.add(frame, department="统计局", submitted_at="2026-03-01")
    parts = list(store.partitions())
    assert [p["region"].str[:2].unique().tolist() for p in parts] == [["21"]]
    pd.testing.assert_frame_equal(evaluate_partitions(store, PLAN, 2025).table, one_frame[0].table)
    pd.testing.assert_frame_equal(flag_early_warnings_partitions(store, PLAN, 2024).table, one_frame[1].table)
    assert store.frame(province="11").empty


def test_files_are_read_where_they_are_judged_and_each_once(frame, one_frame, tmp_path):
    paths = []
    for number, part in enumerate(by_region(frame, PLAN, "county")):
        paths.append(tmp_path / f"part_{number}.csv")
        part.to_csv(paths[-1], index=False)
    evaluation, warnings = monitor_partitions(paths, PLAN, 2025, 2024)
    pd.testing.assert_frame_equal(evaluation.table, one_frame[0].table)
    pd.testing.assert_frame_equal(warnings.table, one_frame[1].table)
    assert evaluation.provenance["rows_in"] == warnings.provenance["rows_in"] == len(frame)


def _same_rows(pieces: list[pd.DataFrame], whole: pd.DataFrame) -> None:
    """The pieces together hold exactly the rows of ``whole`` (in any order)."""
    together = pd.concat(pieces, ignore_index=True)
    columns = ["target_id", "region", "sex", "area_type"] if "target_id" in whole and "flag" not in whole else None
    keys = columns or ["region", "indicator", "sex", "area_type", "flag", "check", "target_id", "target_year", "message_en"]
    order = lambda t: t.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(order(together.astype(object)), order(whole.astype(object)))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_streamed_partitions_hold_the_rows_of_the_whole_frame(frame, one_frame, n_jobs):
    if n_jobs != 1:
        pytest.importorskip("joblib")
    pairs = list(iter_partitions(by_region(frame, PLAN, "county"), PLAN, 2025, 2024, n_jobs=n_jobs))
    assert len(pairs) == len(list(by_region(frame, PLAN, "county"))) + 1  # each partition, then the last pass
    last_verdicts, last_flags = pairs[-1]
    assert set(last_verdicts["region"]) == {PLAN.jurisdiction.code}
    assert "W2c" in set(last_flags["check"])  # the comparison among regions comes once every region is seen
    assert not any((p[1]["check"] == "W2c").any() for p in pairs[:-1])
    _same_rows([p[0] for p in pairs], one_frame[0].table)
    _same_rows([p[1] for p in pairs], one_frame[1].table)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_written_partitions_are_the_tables_of_the_whole_frame(frame, one_frame, tmp_path, n_jobs):
    if n_jobs != 1:
        pytest.importorskip("joblib")
    summary = write_partitions(by_region(frame, PLAN, "county"), PLAN, tmp_path, 2025, 2024, n_jobs=n_jobs)  # written by the workers
    parts = len(list(by_region(frame, PLAN, "county")))
    assert summary["partitions"] == parts and summary["rows_in"] == len(frame)
    assert summary["verdict_rows"] == len(one_frame[0].table) and summary["flags"] == len(one_frame[1].table)
    assert summary["unjudged"] == one_frame[0].provenance["unjudged"]
    names = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert names == sorted([f"evaluation-{n:03d}.csv" for n in range(1, parts + 1)] + ["evaluation-last.csv"]
                           + [f"warnings-{n:03d}.csv" for n in range(1, parts + 1)] + ["warnings-last.csv"])
    read = pd.concat([pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False) for p in tmp_path.glob("evaluation-*.csv")])
    assert sorted(zip(read["target_id"], read["region"], read["sex"], strict=True)) == sorted(
        zip(one_frame[0].table["target_id"], one_frame[0].table["region"], one_frame[0].table["sex"], strict=True))


def test_a_region_split_over_two_streamed_partitions_is_refused(frame):
    county = frame[frame["region"] == "211402"]
    with pytest.raises(ArgumentError, match="211402.*partitions 1 and 2"):
        list(iter_partitions([county[county["year"] < 2020], county[county["year"] >= 2020]], PLAN, 2025, 2024))


def test_a_list_of_files_is_one_partition(frame, one_frame, tmp_path):
    paths = []
    for number, part in enumerate(by_region(frame, PLAN, "county")):
        paths.append(tmp_path / f"part_{number}.csv")
        part.to_csv(paths[-1], index=False)
    groups = [paths[0::2], paths[1::2]]  # any grouping of whole regions' files
    evaluation, warnings = monitor_partitions(groups, PLAN, 2025, 2024)
    assert evaluation.provenance["partitions"] == 2
    pd.testing.assert_frame_equal(evaluation.table, one_frame[0].table)
    pd.testing.assert_frame_equal(warnings.table, one_frame[1].table)


def test_warnings_as_of_the_evaluation_year_stand_on_the_evaluation_s_engine_run(frame):
    from wdmonitor.early_warning import flags_for_valid, shared_run
    from wdmonitor.engine import judge_all, prepared

    valid = prepared(frame, PLAN)
    last = int(valid["year"].max())
    judged = judge_all(valid, PLAN, last)
    assert shared_run(judged, valid, last) is judged
    pd.testing.assert_frame_equal(flags_for_valid(valid, PLAN, last, judged=judged), flags_for_valid(valid, PLAN, last))
    assert shared_run(judged, valid, last - 1) is None  # another year: the warnings run the engine themselves
    assert shared_run(judged, valid.copy(), last) is None  # other rows
    earlier = valid[valid["year"].astype("int64") <= last - 1]  # judged a year early, on rows with a later year
    assert shared_run(judge_all(valid, PLAN, last - 1), valid, last - 1) is None
    assert shared_run(judge_all(earlier, PLAN, last - 1), earlier, last - 1) is not None


def _where(number: int, seconds: float) -> dict[str, int]:
    """A partition's stand-in: which process judged it, after ``seconds``."""
    import os
    import time

    time.sleep(seconds)
    return {"number": number, "pid": os.getpid()}


@pytest.mark.parametrize("seconds", [[0.0] * 7, [0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.4, 0.0, 0.4, 0.0, 0.0, 0.0]])
def test_two_jobs_are_this_process_and_one_worker_and_the_results_come_in_order(seconds):
    import os

    from wdmonitor.partitions import _run

    pytest.importorskip("joblib")
    results = list(_run(lambda pair: _where(*pair), list(enumerate(seconds)), 2))
    assert [r["number"] for r in results] == list(range(7))  # in the partitions' order, however long each took
    pids = {r["pid"] for r in results}
    assert os.getpid() in pids and len(pids) == 2  # this process judged some, one worker the rest


def test_evaluating_and_warning_at_the_same_year_judges_the_jurisdiction_once_with_the_same_tables(frame, monkeypatch):
    """At the same year the warnings stand on the evaluation's run of the jurisdiction (no later
    year among the kept rows): one engine run of the last pass, and the tables of one frame."""
    import wdmonitor.partitions as partitions

    last = int(frame["year"].max())
    runs = []
    judge = partitions.judge_all
    monkeypatch.setattr(partitions, "judge_all", lambda *a, **k: runs.append(k.get("only")) or judge(*a, **k))
    evaluation, warnings = monitor_partitions(by_region(frame, PLAN, "county"), PLAN, last, last)
    assert runs.count([PLAN.jurisdiction.code]) == 1
    pd.testing.assert_frame_equal(evaluation.table, evaluate(frame, PLAN, last).table)
    pd.testing.assert_frame_equal(warnings.table, flag_early_warnings(frame, PLAN, last).table)
