"""aggregate(): rates rebuilt from summed counts, counts summed, rates without counts refused."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation_helpers import COUNTIES, make_plan
from wdmonitor import AggregationError, Target, aggregate, evaluate

PLAN = make_plan(Target(id="m", indicator="maternal_mortality_ratio", kind="at_most", values={2030: 10}))


def rows(indicator, values, **columns):
    frame = pd.DataFrame({"region": [c.code for c in COUNTIES[: len(values)]], "year": 2024, "indicator": indicator,
                          "sex": "female", "value": values})
    return frame.assign(**columns)


def test_rate_of_the_sums_not_the_mean_of_the_rates():
    counties = rows("maternal_mortality_ratio", [0.0, 50.0], numerator=[0, 1], denominator=[3000, 2000])
    city = aggregate(counties, PLAN).iloc[0]
    assert (city.region, city.numerator, city.denominator) == ("211400", 1, 5000)
    assert city.value == pytest.approx(20.0)  # not (0 + 50) / 2 = 25
    assert city.n_regions == 2


def test_counts_are_summed():
    city = aggregate(rows("kindergarten_enrolment", [100.0, 250.0]).assign(sex="male"), PLAN).iloc[0]
    assert city.value == 350


def test_rates_without_counts_are_refused_with_the_groups_named():
    with pytest.raises(AggregationError) as error:
        aggregate(rows("maternal_mortality_ratio", [10.0, 20.0]), PLAN)
    assert str(error.value) == (
        "cannot aggregate 1 group(s) / 无法汇总1组数据:\n"
        "maternal_mortality_ratio 2024 female (211402, 211403): a value in per_100k is not a count: it needs numerator "
        "and denominator or a weight column / 单位为per_100k的值不是计数，须有分子分母或权重才能汇总"
    )


def test_per_capita_incomes_are_not_summed():
    # Two counties' mean incomes are no income of the city; summing them was once the default.
    with pytest.raises(AggregationError, match="a value in yuan is not a count"):
        aggregate(rows("income_gap_male_female", [30000.0, 40000.0]), PLAN)
    counties = rows("income_gap_male_female", [30000.0, 40000.0], people=[1000, 3000])
    assert aggregate(counties, PLAN, weight="people").iloc[0].value == pytest.approx(37500.0)


def test_mixed_counts_are_refused():
    counties = rows("maternal_mortality_ratio", [0.0, 50.0], numerator=[0, None], denominator=[3000, None])
    with pytest.raises(AggregationError, match="some regions sent numerator and denominator, others did not"):
        aggregate(counties, PLAN)


def test_explicit_weights_allow_a_weighted_mean():
    counties = rows("life_expectancy_female", [80.0, 82.0], births=[1000, 3000])
    assert aggregate(counties, PLAN, weight="births").iloc[0].value == pytest.approx(81.5)


def test_aggregated_frame_evaluates_at_the_city_level():
    counties = pd.concat([rows("maternal_mortality_ratio", [0.0, 50.0], numerator=[0, 1], denominator=[3000, 2000]).assign(year=y)
                          for y in (2020, 2025)])
    city = aggregate(counties, PLAN)
    result = evaluate(pd.concat([counties, city.drop(columns="n_regions")]), PLAN)
    assert set(result.table["region"]) == {"211400", "211402", "211403"}


@settings(max_examples=50, deadline=None, derandomize=True)
@given(counts=st.lists(st.tuples(st.integers(0, 30), st.integers(500, 9000)), min_size=2, max_size=6))
def test_aggregating_counts_then_computing_equals_the_rate_of_the_sums(counts):
    deaths, births = zip(*counts, strict=True)
    counties = rows("maternal_mortality_ratio", [d / b * 1e5 for d, b in counts], numerator=list(deaths), denominator=list(births))
    city = aggregate(counties, PLAN).iloc[0]
    assert city.value == pytest.approx(sum(deaths) / sum(births) * 1e5)
