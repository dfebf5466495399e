"""The body shared by the per-plan tests.

Each plan's test file holds its own literal tables, read off the document — header facts,
numeric targets, goal counts — in a subclass of :class:`PlanDocumentCase`, which asserts them.
"""

from __future__ import annotations

import math

import pytest

import wdmonitor
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


class PlanDocumentCase:
    """The tests every bundled plan passes against its own document (subclass per plan).

    A subclass sets ``PLAN_ID``, ``TITLE_ZH``, ``PERIOD`` (start, end, baseline year),
    ``EVALUATION_YEARS`` (mid-term, final), ``CODE``, ``DRAFT``, ``NUMERIC_TARGETS`` (rows of
    target id, a piece of the clause, indicator, kind, year, value, unit) and
    ``GOALS_PER_AREA``; its own checks are further methods taking ``plan``.
    """

    PLAN_ID: str
    TITLE_ZH: str
    PERIOD: tuple[int, int, int]
    EVALUATION_YEARS: tuple[int, int]
    CODE: str
    DRAFT: bool
    NUMERIC_TARGETS: list[tuple]
    GOALS_PER_AREA: dict

    def pytest_generate_tests(self, metafunc):
        if "numeric_target" in metafunc.fixturenames:
            metafunc.parametrize("numeric_target", self.NUMERIC_TARGETS, ids=[f"{r[0]}-{r[4]}" for r in self.NUMERIC_TARGETS])

    @pytest.fixture(scope="class")
    @classmethod
    def plan(cls):
        return wdmonitor.load_plan(cls.PLAN_ID)

    def test_plan_is_bundled(self):
        assert self.PLAN_ID in wdmonitor.list_plans()

    def test_header_facts(self, plan):
        assert plan.title_zh == self.TITLE_ZH
        assert (plan.period_start, plan.period_end, plan.baseline_year) == self.PERIOD
        assert (plan.midterm_year, plan.final_year) == self.EVALUATION_YEARS
        assert plan.jurisdiction.code == self.CODE
        assert plan.draft is self.DRAFT

    def test_goal_count_per_area_matches_the_document(self, plan):
        assert plan.goals_per_area() == self.GOALS_PER_AREA

    def test_numeric_target_matches_the_document(self, plan, numeric_target):
        assert_numeric_target(plan, *numeric_target)

    def test_every_numeric_target_is_listed(self, plan):
        assert_every_numeric_target_listed(plan, self.NUMERIC_TARGETS)

    def test_clauses_are_quoted_from_their_goal(self, plan):
        assert_clauses_quoted_from_their_goal(plan)
