"""flag_early_warnings(): worked cases 1, 4, 5 and 6 and the awkward series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation_helpers import COUNTIES, make_plan, series, with_age_group, years
from wdmonitor import Target, flag_early_warnings
from wdmonitor.early_warning import FLAG_COLUMNS
from wdmonitor.rules import RuleSet

SCREENING = "cervical_cancer_screening_rate"
MMR = "maternal_mortality_ratio"


def flags_of(frame, *targets, as_of=2024, **kwargs):
    return flag_early_warnings(frame, make_plan(*targets), as_of=as_of, **kwargs).table


def pick(flags, **key):
    for name, value in key.items():
        flags = flags[flags[name] == value]
    return flags


# -- worked case 1: W1 --------------------------------------------------------------------------
CASE1 = Target(id="c1", indicator=SCREENING, kind="at_least", values={2025: 65, 2030: 70})


def test_case1_projected_miss_warning_for_2025_and_2030():
    flags = flags_of(series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5)), CASE1)
    w1 = pick(flags, flag="projected_miss").set_index("target_year")
    assert list(w1.index) == [2025, 2030]
    assert w1.loc[2025, "slope"] == pytest.approx(0.875)
    assert w1.loc[2025, "projection"] == pytest.approx(64.375)
    assert w1.loc[2025, "progress_share"] == pytest.approx(0.875)
    assert w1.loc[2030, "projection"] == pytest.approx(68.75)
    assert w1.loc[2030, "progress_share"] == pytest.approx(0.875)
    assert set(w1["severity"]) == {"warning"}
    assert w1.loc[2025, "message_en"] == ("projected to 2025: 64.4 (trend) against a target of 65; "
                                          "share of the distance covered P=0.875")


def test_projection_heading_out_of_a_target_already_met_warns():
    target = Target(id="h", indicator=MMR, kind="at_most", values={2030: 10})
    flags = flags_of(series(MMR, years(2020, 8.0, 8.3, 8.6, 8.9, 9.2)), target)
    w1 = pick(flags, flag="projected_miss").set_index("target_year")
    assert w1.loc[2030, "projection"] == pytest.approx(9.2 * (9.2 / 8.0) ** (6 / 4))
    assert w1.loc[2030, "severity"] == "alert"  # 11.8 fails 10 by more than 5%


def test_ols_and_escap_give_an_interval_and_a_probability():
    for method in ("ols", "escap"):
        flags = flags_of(series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5)), CASE1, method=method)
        w1 = pick(flags, flag="projected_miss", target_year=2030).iloc[0]
        assert w1.method == method
        assert w1.lower < w1.projection < w1.upper
        assert 0 < w1.probability < 0.5


def test_on_track_series_has_no_projected_miss():
    flags = flags_of(series(SCREENING, years(2020, 60, 62, 64, 66, 68)), CASE1)
    assert pick(flags, flag="projected_miss").empty


# -- worked case 4: W4 --------------------------------------------------------------------------
def test_case4_sex_gap_widening_warning_not_alert():
    target = Target(id="g", indicator="science_literacy_rate", kind="gap_narrowing", gap_between="sex", area="education")
    frame = pd.concat([series("science_literacy_rate", {2020: 62, 2023: 61.5, 2024: 60.5}, sex="female"),
                       series("science_literacy_rate", {2020: 75, 2023: 74.5, 2024: 74}, sex="male")])
    w4 = pick(flags_of(frame, target), flag="gap_widening").iloc[0]
    assert (w4.gap_baseline, w4.gap_previous, w4.gap_latest) == (13, 13, 13.5)
    assert w4.relative_change == pytest.approx(0.5 / 13)
    assert round(w4.relative_change * 100, 1) == 3.8
    assert w4.severity == "warning"


def test_gap_ten_percent_wider_than_baseline_is_an_alert():
    target = Target(id="g", indicator="science_literacy_rate", kind="gap_narrowing", gap_between="sex", area="education")
    frame = pd.concat([series("science_literacy_rate", {2020: 62, 2023: 61, 2024: 60}, sex="female"),
                       series("science_literacy_rate", {2020: 75, 2023: 74.5, 2024: 74.5}, sex="male")])
    assert pick(flags_of(frame, target), flag="gap_widening").iloc[0].severity == "alert"


def test_parity_leaving_the_band_is_an_alert():
    target = Target(id="p", indicator="kindergarten_enrolment", kind="parity", area="education")
    frame = with_age_group(pd.concat([series("kindergarten_enrolment", {2020: 990, 2023: 1000, 2024: 950}, sex="female"),
                                      series("kindergarten_enrolment", {2020: 1000, 2023: 1000, 2024: 1000}, sex="male")]))
    w4 = pick(flags_of(frame, target), flag="gap_widening").iloc[0]
    assert (w4.gap_previous, w4.gap_latest, w4.severity) == (1.0, 0.95, "alert")


# -- worked case 5: W2 --------------------------------------------------------------------------
def test_case5_volatility_modified_z_score_warning_and_no_watch():
    target = Target(id="v", indicator=SCREENING, kind="at_least", values={2030: 50})
    flags = flags_of(series(SCREENING, years(2018, 40.1, 40.9, 41.6, 42.5, 43.1, 43.9, 47.9)), target)
    w2a = pick(flags, check="W2a").iloc[0]
    assert w2a.last_change == pytest.approx(4.0)
    assert w2a.z_score == pytest.approx(0.6745 * (4.0 - 0.8) / 0.1)
    assert round(w2a.z_score, 1) == 21.6
    assert w2a.severity == "warning"
    assert pick(flags, check="W2b").empty  # 4.0 / 43.9 = 9.1% < 10%


def test_ten_percent_change_is_a_watch():
    target = Target(id="v", indicator=SCREENING, kind="increase")
    w2b = pick(flags_of(series(SCREENING, years(2020, 40, 41, 42, 43, 47.3)), target), check="W2b").iloc[0]
    assert w2b.relative_change == pytest.approx(0.1)
    assert w2b.severity == "watch"


def test_hidiroglou_berthelot_flags_the_outlying_county():
    target = Target(id="v", indicator=SCREENING, kind="increase")
    growth = [1.01, 1.03, 0.99, 1.02, 1.6, 1.0]
    frame = pd.concat([series(SCREENING, {2023: 50.0, 2024: 50.0 * g}, region=c.code) for c, g in zip(COUNTIES, growth, strict=True)])
    w2c = pick(flags_of(frame, target), check="W2c")
    assert list(w2c["region"]) == [COUNTIES[4].code]


def test_cross_region_check_needs_enough_regions():
    target = Target(id="v", indicator=SCREENING, kind="increase")
    growth = [1.01, 1.03, 0.99, 1.02, 1.6, 1.0]
    frame = pd.concat([series(SCREENING, {2023: 50.0, 2024: 50.0 * g}, region=c.code) for c, g in zip(COUNTIES, growth, strict=True)])
    assert pick(flags_of(frame, target, rules=RuleSet(name="seven", hb_min_regions=7)), check="W2c").empty
    three = frame[frame["region"].isin([c.code for c in COUNTIES[2:5]])]
    assert pick(flags_of(three, target), check="W2c").empty


# -- worked case 6: W3 --------------------------------------------------------------------------
def test_case6_maintain_floor_falling_is_a_w3_warning():
    target = Target(id="m", indicator="maternal_systematic_management_rate", kind="maintain_at_least", values={2030: 45})
    w3 = pick(flags_of(series("maternal_systematic_management_rate", years(2020, 46.2, 45.9, 45.6, 45.4, 45.1)), target), flag="deterioration")
    assert len(w3) == 1
    assert w3.iloc[0].severity == "warning"
    assert w3.iloc[0].slope < 0 and w3.iloc[0].last_change == pytest.approx(-0.3)


def test_worse_than_baseline_and_failing_is_an_alert():
    target = Target(id="d", indicator=SCREENING, kind="at_least", values={2030: 70})
    w3 = pick(flags_of(series(SCREENING, years(2020, 60, 61, 60, 59.5, 59)), target), flag="deterioration").iloc[0]
    assert w3.severity == "alert"


def test_rising_trend_with_a_dip_is_a_watch():
    target = Target(id="d", indicator=SCREENING, kind="at_least", values={2030: 90})
    w3 = pick(flags_of(series(SCREENING, years(2020, 60, 62, 64, 66, 65.5)), target), flag="deterioration").iloc[0]
    assert w3.severity == "watch"


# -- W5 and the awkward series ----------------------------------------------------------------------
def test_data_flags_no_data_stale_short_substituted_provisional():
    targets = [Target(id="a", indicator=SCREENING, kind="at_least", values={2030: 70}),
               Target(id="b", indicator=MMR, kind="at_most", values={2030: 10}),
               Target(id="c", indicator="maternal_systematic_management_rate", kind="increase")]
    frame = pd.concat([series(SCREENING, {2019: 50, 2021: 52}), series(MMR, {2020: 12, 2023: 11.5})])
    flags = pick(flags_of(frame, *targets), flag="data")
    got = set(zip(flags["target_id"], flags["check"], flags["severity"], strict=True))
    assert got == {
        ("a", "stale", "warning"), ("a", "too_short", "watch"), ("a", "baseline_substituted", "watch"),
        ("b", "too_short", "watch"), ("b", "provisional", "none"), ("c", "no_data", "alert"),
    }
    assert pick(flags, target_id="c").iloc[0].message_en == "no data up to 2024"


def test_zero_in_a_geometric_series_is_documented_and_projected_linearly():
    target = Target(id="z", indicator=MMR, kind="at_most", values={2030: 10})
    flags = flags_of(series(MMR, years(2020, 0.0, 33.3, 0.0, 33.3, 0.0)), target)
    assert len(pick(flags, check="zero_in_geometric")) == 1
    assert flags["severity"].notna().all()


@pytest.mark.parametrize("values", [
    years(2020, 50, 50, 50, 50, 50),  # constant
    {2020: 50, 2024: 51},  # gappy and short
    {2024: 50},  # one point
    years(2020, 0, 0, 0, 0, 0),
])
def test_awkward_series_give_flags_not_exceptions(values):
    targets = [Target(id="a", indicator=SCREENING, kind="at_least", values={2030: 70}),
               Target(id="i", indicator=SCREENING, kind="increase"),
               Target(id="r", indicator=MMR, kind="at_most", values={2030: 10})]
    frame = pd.concat([series(SCREENING, values), series(MMR, values)])
    for method in ("trend", "ols", "escap"):
        flags = flags_of(frame, *targets, method=method)
        assert list(flags.columns) == list(FLAG_COLUMNS)
        assert flags["severity"].isin(["none", "watch", "warning", "alert"]).all()
        assert flags["message_en"].str.len().gt(0).all()
        assert not flags["message_en"].str.contains("nan").any()


def test_as_of_ignores_later_rows_and_defaults_to_the_latest_year():
    frame = series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5))
    assert (flags_of(frame, CASE1, as_of=None)["as_of"] == 2024).all()
    early = flags_of(frame, CASE1, as_of=2022)  # 60, 61, 62: one a year reaches 65 and 70 on time
    assert pick(early, flag="projected_miss").empty
    assert (early["as_of"] == 2022).all()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(values=st.lists(st.floats(20, 80).map(lambda v: round(v, 1)), min_size=1, max_size=6),
       missing=st.lists(st.booleans(), min_size=6, max_size=6))
def test_generated_series_never_raise_or_give_nan_severity(values, missing):
    history = {2019 + i: v for i, v in enumerate(values) if not missing[i] or i == len(values) - 1}
    flags = flags_of(series(SCREENING, history), CASE1, Target(id="i", indicator=SCREENING, kind="increase"), method="ols")
    assert flags["severity"].isin(["none", "watch", "warning", "alert"]).all()
    assert np.isfinite(flags["as_of"].astype(float)).all()
