"""Units: Chinese spellings, conversions, and errors for incompatible units."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import wdmonitor
from wdmonitor.errors import UnitError
from wdmonitor.units import conversion_factor, convert, parse_unit, unit_label

SPELLINGS = [
    ("%", "percent"),
    ("％", "percent"),
    ("/10万", "per_100k"),
    ("/10 万", "per_100k"),
    ("1/10万", "per_100k"),
    ("/万", "per_10k"),
    ("‰", "per_mille"),
    ("岁", "year_of_age"),
    ("周岁", "year_of_age"),
    ("年", "year"),
    ("人", "person"),
    ("名", "person"),
    ("所", "institution"),
    ("个", "institution"),
    ("家", "institution"),
    ("小时", "hour"),
    ("张/千名儿童", "bed / thousand_children"),
    ("名/千名儿童", "person / thousand_children"),
    ("ratio", "ratio"),
    ("元", "yuan"),
]


@pytest.mark.parametrize(("spelling", "expected"), SPELLINGS)
def test_plan_spellings_parse(spelling, expected):
    assert str(parse_unit(spelling)) == expected


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1.5, "/万", "/10万", 15.0),
        (0.5, "ratio", "%", 50.0),
        (12.0, "/10万", "‰", 0.12),
        (98.5, "%", "%", 98.5),
        (2.0, "小时", "minute", 120.0),
        (1.12, "名/千名儿童", "person / thousand_children", 1.12),
    ],
)
def test_convert_between_compatible_units(value, source, target, expected):
    assert convert(value, source, target) == pytest.approx(expected, rel=1e-12)


def test_rate_per_ten_thousand_becomes_exact_per_100k():
    # the factor is rounded to 12 significant digits: no 14.999999999999996
    assert convert(1.5, "/万", "/10万") == 15.0
    assert conversion_factor("/万", "/10万") == 10.0


def test_incompatible_units_are_refused_in_both_languages():
    with pytest.raises(UnitError) as info:
        convert(1.0, "%", "岁")
    assert str(info.value) == (
        "cannot convert '%' to '岁': the units measure different things "
        "(dimensionless vs [time]) / 单位 '%' 无法换算为 '岁'：量纲不同"
    )


def test_persons_never_become_institutions():
    with pytest.raises(UnitError, match="cannot convert '人' to '所'"):
        conversion_factor("人", "所")


def test_unknown_unit_names_the_spelling():
    with pytest.raises(UnitError) as info:
        parse_unit("个百分点每户")
    message = str(info.value)
    assert message.startswith("unknown unit '个百分点每户': expected a unit such as %, /10万, ‰, 岁, 人, 所")
    assert message.endswith("/ 未知单位 '个百分点每户'")


def test_labels_for_tables():
    assert unit_label("per_100k") == "/10万"
    assert unit_label("%") == "%"
    assert unit_label("‰") == "‰"


def test_a_year_of_age_is_a_year_labelled_apart_from_a_year_of_schooling():
    """Life expectancy is printed in 岁 and years of schooling in 年, though both are years:
    a submission in either converts to the other unchanged."""
    assert (unit_label("year_of_age"), unit_label("year")) == ("岁", "年")
    assert (unit_label("岁", lang="en"), unit_label("年", lang="en")) == ("years", "years")
    assert conversion_factor("年", "岁") == conversion_factor("岁", "years") == 1.0
    catalogue = wdmonitor.load_plan("jinan-2021-2030").indicators
    assert unit_label(catalogue["life_expectancy_female"].unit) == "岁"
    assert unit_label(catalogue["mean_years_schooling_female"].unit) == "年"


RATE_UNITS = ["%", "‰", "/万", "/10万", "ratio", "per_million"]
finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(value=finite, source=st.sampled_from(RATE_UNITS), target=st.sampled_from(RATE_UNITS))
def test_round_trip_returns_the_value(value, source, target):
    back = convert(convert(value, source, target), target, source)
    assert math.isclose(back, value, rel_tol=1e-12, abs_tol=1e-12)


@given(
    # subnormal floats (5e-324) underflow to 0 when scaled; no submission carries one
    value=st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_subnormal=False),
    threshold=st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_subnormal=False),
    source=st.sampled_from(RATE_UNITS),
)
def test_conversion_preserves_comparisons_with_a_target(value, threshold, source):
    """A verdict (value ≤ target) is the same whichever unit the submission came in."""
    in_source = convert(value, "/10万", source)
    threshold_in_source = convert(threshold, "/10万", source)
    back = convert(in_source, source, "/10万")
    assert (back <= threshold) == (value <= threshold) or math.isclose(value, threshold, rel_tol=1e-9)
    assert (in_source <= threshold_in_source) == (value <= threshold) or math.isclose(value, threshold, rel_tol=1e-9)
