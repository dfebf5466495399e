"""wdmonitor.testing: strategies that generate valid data, assertions with clear messages."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdmonitor import (
    Status,
    TargetKind,
    check_submission,
    load_indicators,
    load_plan,
    validate_submission,
)
from wdmonitor.formulas import component_ids, compute_indicators
from wdmonitor.testing import (
    assert_frame_close,
    assert_status,
    indicators,
    series,
    submissions,
    targets,
    value_range,
)
from wdmonitor.vocabulary import SexScope

PLAN = load_plan("huludao-2021-2030")
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def row(**values):
    base = {"region": "211400", "year": 2022, "indicator": "maternal_mortality_ratio", "sex": "female", "value": 10.0}
    return {**base, **values}


# -- strategies ---------------------------------------------------------------------------------

@given(indicators(with_formula=True))
def test_indicators_can_be_limited_to_those_with_a_formula(indicator):
    assert indicator.formula is not None


@given(indicators(sex_scope="both"))
def test_indicators_can_be_limited_to_a_sex_scope(indicator):
    assert indicator.sex_scope is SexScope.BOTH


def test_indicators_refuse_an_empty_selection():
    with pytest.raises(ValueError, match="no indicator has with_formula=True, sex_scope=female_share"):
        indicators({"x": load_indicators()["life_expectancy_female"]}, with_formula=True, sex_scope="female_share")


@given(targets())
def test_targets_have_values_in_the_indicators_range(target):
    indicator = load_indicators()[target.indicator]
    low, high = value_range(indicator)
    assert target.years == (2025, 2030)
    if target.kind in (TargetKind.INCREASE, TargetKind.DECREASE):
        assert all(math.isnan(v) for v in target.values.values())
    else:
        assert all(low <= v <= high for v in target.values.values())


@given(series(indicators(sex_scope="female"), min_years=2))
def test_series_are_one_consecutive_series_in_range(frame):
    indicator = load_indicators()[frame["indicator"].iloc[0]]
    low, high = value_range(indicator)
    assert frame[["region", "indicator", "sex"]].drop_duplicates().shape[0] == 1
    assert (frame["year"].diff().dropna() == 1).all()
    assert frame["value"].between(low, high).all()
    assert (frame["sex"] == "female").all()


@pytest.mark.parametrize("plan_id", ["huludao-2021-2030", "youhao-2021-2025"])
def test_generated_submissions_pass_validation(plan_id):
    plan = load_plan(plan_id)

    @SLOW
    @given(submissions(plan))
    def check(frame):
        report = check_submission(frame, plan)
        assert report.ok, report.errors["message_en"].head(3).tolist()

    check()


@SLOW
@given(submissions(PLAN, components=True))
def test_generated_component_submissions_compute_to_valid_frames(frame):
    computed = compute_indicators(frame, PLAN)
    assert not computed["indicator"].isin(component_ids()).any()
    assert computed.attrs["unused_components"] == []
    validate_submission(computed, PLAN)


def test_component_submissions_do_send_components():
    found = []

    @settings(max_examples=30, deadline=None)
    @given(submissions(PLAN, components=True))
    def collect(frame):
        found.append(frame["indicator"].isin(component_ids()).any())

    collect()
    assert any(found)


# -- assert_frame_close -------------------------------------------------------------------------

def test_frames_with_the_same_rows_in_another_order_are_close():
    left = pd.DataFrame([row(), row(year=2023, value=9.0)])
    right = left.iloc[::-1].assign(value=lambda f: f["value"] * (1 + 1e-12), source_file="elsewhere.csv")
    assert_frame_close(left, right, rtol=1e-9)


def test_a_differing_value_is_named_with_its_key():
    left = pd.DataFrame([row(), row(year=2023, value=9.0)])
    with pytest.raises(AssertionError) as error:
        assert_frame_close(left, left.assign(value=[10.0, 9.5]), rtol=0.01)
    assert str(error.value) == ("indicator frames differ: 1 value differs\n"
                                "  211400, 2023, maternal_mortality_ratio, female, total, total: value 9.0 != 9.5 (rtol=0.01, atol=0.0)")


def test_rows_in_one_frame_only_are_listed():
    left = pd.DataFrame([row(), row(sex="male", indicator="x")])
    right = pd.DataFrame([row(), row(region="211402")])
    with pytest.raises(AssertionError) as error:
        assert_frame_close(left, right)
    assert str(error.value) == ("indicator frames differ: 1 row only in left, 1 row only in right\n"
                                "only in left:\n  211400, 2022, x, male, total, total\n"
                                "only in right:\n  211402, 2022, maternal_mortality_ratio, female, total, total")


def test_missing_values_are_equal_and_counts_are_compared():
    left = pd.DataFrame([row(value=np.nan, numerator=3.0, denominator=25_000.0)])
    assert_frame_close(left, left)
    with pytest.raises(AssertionError, match="denominator 25000.0 != 30000.0"):
        assert_frame_close(left, left.assign(denominator=30_000.0))
    assert_frame_close(left, left.assign(denominator=30_000.0), check_counts=False)


def test_a_frame_with_a_repeated_key_is_refused():
    left = pd.DataFrame([row(), row()])
    with pytest.raises(AssertionError, match="left has 2 rows sharing a key"):
        assert_frame_close(left, left.iloc[:1])


def test_a_frame_without_the_required_columns_is_refused():
    with pytest.raises(AssertionError, match="right lacks the column\\(s\\) value of an indicator frame"):
        assert_frame_close(pd.DataFrame([row()]), pd.DataFrame([row()]).drop(columns="value"))


# -- assert_status ------------------------------------------------------------------------------

TABLE = pd.DataFrame({
    "target_id": ["health-2a", "health-2a", "education-4"],
    "region": ["211400", "211402", "211400"],
    "sex": ["female", "female", "female"],
    "status": ["attained", "not_attained", "attained"],
    "trace": ["value 8.0 ≤ target 10.5", "value 12.0 > target 10.5", ""],
})


def test_assert_status_passes_when_every_matching_row_has_the_status():
    assert_status(TABLE, "attained", target_id="health-2a", region="211400")
    assert_status(TABLE, Status.ATTAINED, region="211400")


def test_assert_status_names_the_rows_with_another_status_and_their_trace():
    with pytest.raises(AssertionError) as error:
        assert_status(TABLE, Status.ATTAINED, target_id="health-2a")
    assert str(error.value) == ("1 of 2 row(s) with target_id='health-2a' have another status than 'attained':\n"
                                "  target health-2a, region 211402, sex female: 'not_attained' — value 12.0 > target 10.5")


def test_assert_status_lists_what_is_there_when_nothing_matches():
    with pytest.raises(AssertionError) as error:
        assert_status(TABLE, "attained", target_id="health-9", region="211400")
    assert str(error.value) == ("no row with target_id='health-9', region='211400'; the table has "
                                "target_id: education-4, health-2a; region: 211400, 211402")


def test_assert_status_refuses_an_unknown_status_or_column():
    with pytest.raises(AssertionError, match="expected status 'done' is not one of attained_early, attained"):
        assert_status(TABLE, "done", target_id="health-2a")
    with pytest.raises(AssertionError, match="cannot select on goal: not a column of the table"):
        assert_status(TABLE, "attained", goal="health-2")
    with pytest.raises(AssertionError, match="the table lacks the column\\(s\\) status"):
        assert_status(TABLE.drop(columns="status"), "attained")


def test_assert_status_checks_a_real_evaluation():
    from wdmonitor import evaluate

    frame = pd.DataFrame([row(year=y, value=v) for y, v in ((2020, 9.0), (2021, 8.5), (2022, 8.0))]
                         + [row(year=2022, indicator="life_expectancy_female", value=80.0)])
    table = evaluate(frame, PLAN, 2022).table
    status = table.set_index("target_id").loc["health-2a", "status"]
    assert_status(table, status, target_id="health-2a", region="211400")


@given(st.sampled_from([s.value for s in Status]))
def test_assert_status_accepts_every_status_value(status):
    assert_status(TABLE.assign(status=status), status)
