"""Checks shared by the per-plan tests: each plan's test file holds its own literal table of
numeric targets and goal counts, read off the document, and asserts them with these."""

from __future__ import annotations

import math

import pytest

from wdmonitor.vocabulary import TargetKind


def assert_numeric_target(plan, target_id, clause, indicator, kind, year, value, unit):
    """One row of a plan's table matches the loaded target."""
    target = {t.id: t for t in plan.targets}[target_id]
    assert clause in target.text_zh
    assert target.indicator == indicator
    assert target.kind is TargetKind(kind)
    assert plan.indicators[indicator].unit == unit
    assert year in target.values
    if value is None:
        assert math.isnan(target.values[year])
    else:
        assert target.values[year] == pytest.approx(value)


def assert_every_numeric_target_listed(plan, rows):
    """The table lists every numeric target-year of the plan, and nothing else."""
    frame = plan.to_frame()
    numeric = frame[frame["kind"] != "qualitative"]
    assert set(zip(numeric["target_id"], numeric["year"], strict=True)) == {(row[0], row[4]) for row in rows}


def assert_clauses_quoted_from_their_goal(plan):
    """Every target quotes a clause of its own goal's text."""
    for goal in plan.goals:
        for target in goal.targets:
            assert target.text_zh in goal.text_zh
