"""The store's version selection at its boundaries, through the public ``Store`` API only.

The latest version of a key is the last sent (``submitted_at``), then the last added; a
frame ``as_of`` a moment counts the submissions sent at or before it (a closed bound), in
UTC whatever the offset it was written with; versions of different keys never supersede
each other.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wdmonitor import Store, load_plan

MINIMAL = Path(__file__).parent / "data" / "plans" / "minimal.yaml"


@pytest.fixture(scope="module")
def plan():
    return load_plan(MINIMAL)


@pytest.fixture
def store(tmp_path, plan):
    return Store(tmp_path / "versions.sqlite", plan=plan)


def mmr(values, region="211400"):
    return pd.DataFrame({"region": region, "year": list(values), "indicator": "maternal_mortality_ratio",
                         "sex": "female", "value": list(values.values())})


def values(frame):
    return dict(zip(zip(frame["region"], frame["year"], strict=True), frame["value"], strict=True))


@pytest.mark.parametrize("later_first", [True, False], ids=["later-added-first", "later-added-last"])
def test_the_last_sent_version_wins_whatever_the_order_of_adding(store, later_first):
    sends = [(9.0, "2023-03-02T00:00:01"), (8.0, "2023-03-02T00:00:00")]
    for value, when in (sends if later_first else sends[::-1]):
        store.add(mmr({2021: value}), department="卫健委", submitted_at=when)
    assert values(store.frame()) == {("211400", 2021): 9.0}


def test_versions_sent_at_the_same_moment_are_ordered_by_adding(store):
    for value in (7.0, 8.0, 9.0):
        store.add(mmr({2021: value}), department="卫健委", submitted_at="2023-03-02")
    assert values(store.frame()) == {("211400", 2021): 9.0}


def test_as_of_is_a_closed_bound_in_utc(store):
    store.add(mmr({2021: 8.0}), department="卫健委", submitted_at="2023-03-01T00:00:00Z")
    store.add(mmr({2021: 9.0}), department="卫健委", submitted_at="2023-03-02T08:00:00+08:00")  # 00:00 UTC
    assert values(store.frame(as_of="2023-03-02T00:00:00Z")) == {("211400", 2021): 9.0}
    assert values(store.frame(as_of="2023-03-01T23:59:59Z")) == {("211400", 2021): 8.0}
    assert values(store.frame(as_of="2023-03-02T07:59:59+08:00")) == {("211400", 2021): 8.0}
    assert store.frame(as_of="2023-02-28T23:59:59Z").empty
    assert values(store.frame(as_of="2023-03-01")) == {("211400", 2021): 8.0}


def test_versions_of_different_keys_never_supersede_each_other(store):
    store.add(mmr({2021: 8.0, 2022: 7.0}), department="卫健委", submitted_at="2023-03-01")
    store.add(mmr({2022: 6.5}, region="211402"), department="卫健委", submitted_at="2023-03-05")
    store.add(mmr({2022: 6.0}), department="卫健委", submitted_at="2023-03-03")
    assert values(store.frame()) == {("211400", 2021): 8.0, ("211400", 2022): 6.0, ("211402", 2022): 6.5}
    assert values(store.frame(as_of="2023-03-02")) == {("211400", 2021): 8.0, ("211400", 2022): 7.0}


def test_the_frame_is_in_key_order_whatever_the_order_of_sending(store):
    store.add(mmr({2023: 1.0, 2021: 3.0}, region="211402"), department="a", submitted_at="2023-03-01")
    store.add(mmr({2022: 2.0}), department="b", submitted_at="2023-03-02")
    store.add(mmr({2021: 4.0}), department="c", submitted_at="2023-02-01")
    frame = store.frame()
    assert list(zip(frame["region"], frame["year"], strict=True)) == [("211400", 2021), ("211400", 2022),
                                                                      ("211402", 2021), ("211402", 2023)]
    assert frame["department"].tolist() == ["c", "b", "a", "a"]
