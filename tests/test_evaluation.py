"""evaluate(): the worked cases of methodology section 5 and every target kind of section 1."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evaluation_helpers import COUNTIES, make_plan, series, with_age_group, years
from wdmonitor import Baseline, SubmissionError, Target, evaluate, load_plan
from wdmonitor.assessments import AssessmentError

SCREENING = "cervical_cancer_screening_rate"  # percent, higher is better, women
MMR = "maternal_mortality_ratio"  # per 100k, lower is better, geometric scale


def row(result, **key):
    table = result.table
    for name, value in key.items():
        table = table[table[name] == value]
    assert len(table) == 1, table
    return table.iloc[0]


def one(target, frame, year=None, **kwargs):
    """The jurisdiction's row of ``target``, on the frame's sex when the indicator has several."""
    result = evaluate(frame, make_plan(target), year, **kwargs)
    rows = result.table[(result.table["target_id"] == target.id) & (result.table["region"] == "211400")]
    if len(rows) > 1:
        return row(result, target_id=target.id, region="211400", sex=frame["sex"].iloc[0])
    return row(result, target_id=target.id, region="211400")


# -- worked case 1: at_least, linear ------------------------------------------------------------
CASE1 = Target(id="c1", indicator=SCREENING, kind="at_least", values={2025: 65, 2030: 70})


def test_case1_progress_against_2030_is_0875_acceleration_needed():
    r = one(CASE1, series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5)))
    assert r.progress == pytest.approx(0.875)
    assert r.progress_class == "acceleration_needed"


def test_case1_648_in_2025_is_basically_attained():
    r = one(CASE1, series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5, 64.8)))
    assert r.shortfall == pytest.approx(0.2)
    assert r.threshold == pytest.approx(0.25)
    assert r.status == "basically_attained"
    assert not r.provisional


def test_case1_647_in_2025_is_not_attained():
    r = one(CASE1, series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5, 64.7)))
    assert r.shortfall == pytest.approx(0.3)
    assert r.status == "not_attained"


# -- worked case 2: at_most, geometric (MMR) ----------------------------------------------------
CASE2 = Target(id="c2", indicator=MMR, kind="at_most", values={2025: 14.5, 2030: 12})


def test_case2_aarr_ratio_1215_on_track_and_midterm_target_met_in_2024():
    r = one(CASE2, series(MMR, years(2020, 16.9, 16.1, 15.7, 15.1, 14.3)))
    current = 1 - (14.3 / 16.9) ** (1 / 4)
    required = 1 - (12 / 16.9) ** (1 / 10)
    assert current == pytest.approx(0.0409, abs=5e-5)
    assert required == pytest.approx(0.0337, abs=5e-5)
    assert r.progress == pytest.approx(current / required)
    assert round(r.progress, 3) == 1.215
    assert r.progress_class == "on_track"
    assert (r.status, r.data_year, r.provisional) == ("attained", 2024, True)
    assert r.final_status == "not_attained"
    assert r.final_target_value == 12


# -- worked case 3: parity ------------------------------------------------------------------------
PARITY = Target(id="c3", indicator="kindergarten_enrolment", kind="parity", area="education")


@pytest.mark.parametrize(("female", "status"), [(9600, "not_attained"), (9800, "attained")])
def test_case3_parity_ratio(female, status):
    # the age group as many girls as boys: the parity index is the ratio of the head counts
    frame = with_age_group(pd.concat([series("kindergarten_enrolment", {2025: female}, sex="female"),
                                      series("kindergarten_enrolment", {2025: 10000}, sex="male")]))
    r = one(PARITY, frame)
    assert r.sex == "female/male"
    assert r.value == pytest.approx(female / 10000)
    assert r.status == status


# -- worked case 6: maintain_at_least ------------------------------------------------------------
CASE6 = Target(id="c6", indicator="maternal_systematic_management_rate", kind="maintain_at_least", values={2030: 45},
               area="education")


def test_case6_maintain_attained_and_held_every_year():
    r = one(CASE6, series("maternal_systematic_management_rate", years(2020, 46.2, 45.9, 45.6, 45.4, 45.1)))
    assert r.status == "attained"
    assert r.maintained_all_years is True


def test_maintain_with_a_dip_is_attained_but_not_held_every_year():
    r = one(CASE6, series("maternal_systematic_management_rate", years(2020, 46.2, 44.9, 45.6, 45.4, 45.1)))
    assert r.status == "attained"
    assert r.maintained_all_years is False


def test_maintain_within_half_a_percent_is_basically_attained():
    r = one(CASE6, series("maternal_systematic_management_rate", years(2020, 46, 45.5, 44.9)), year=2022)
    assert r.threshold == pytest.approx(0.225)
    assert r.status == "basically_attained"


# -- the other kinds ------------------------------------------------------------------------------
def test_attained_early_when_the_final_target_is_met_at_midterm():
    r = one(CASE2, series(MMR, years(2020, 16.9, 15, 13, 12.5, 11.9)))
    assert r.status == "attained_early"
    assert r.final_status == "attained_early"


def test_midterm_milestone_is_time_proportional_when_only_a_final_target_is_stated():
    target = Target(id="m", indicator=SCREENING, kind="at_least", values={2030: 70})
    r = one(target, series(SCREENING, years(2020, 60, 61, 62, 63, 64, 65)))
    assert r.target_source == "milestone"
    assert r.target == pytest.approx(65.0)  # 60 + (70 − 60)·5/10
    assert r.status == "attained"
    assert "; T(2025, milestone towards 70 in 2030)=65;" in r.trace


def test_geometric_milestone_for_a_rate():
    target = Target(id="m", indicator=MMR, kind="at_most", values={2030: 10})
    r = one(target, series(MMR, years(2020, 20, 18, 17, 16, 15, 14.5)))
    assert r.target == pytest.approx(20 * (10 / 20) ** 0.5)  # 14.14, not the linear 15
    assert r.status == "not_attained"


def test_milestone_is_the_final_target_when_the_baseline_already_meets_it():
    target = Target(id="m", indicator=SCREENING, kind="at_least", values={2030: 70})
    r = one(target, series(SCREENING, years(2020, 72, 71, 71, 70.5, 70.2, 70.1)))
    assert r.target == 70
    assert r.target_source == "next_target"


def test_five_year_plan_midterm_is_2023():
    target = Target(id="y", indicator=SCREENING, kind="at_least", values={2025: 70})
    plan = make_plan(target, start=2021, end=2025)
    result = evaluate(series(SCREENING, years(2020, 60, 62, 64, 66)), plan)
    assert result.year == 2023 and result.stage == "midterm"
    assert row(result, region="211400").target == pytest.approx(60 + 10 * 3 / 5)


def test_value_more_than_one_year_old_is_not_assessable():
    r = one(CASE1, series(SCREENING, years(2020, 60, 61, 62)))
    assert r.status == "not_assessable"
    assert math.isnan(r.value)


@pytest.mark.parametrize(("value", "status"), [(44.0, "attained"), (46.3, "attained"), (43.6, "not_attained"), (47.0, "attained")])
def test_around_on_a_share_of_women_is_a_level_to_reach_not_a_ceiling(value, status):
    # methodology §8: 保持在45%左右 on a share of women is met at or above the band's lower edge
    target = Target(id="a", indicator="female_share_employed", kind="around", values={2030: 45}, area="economy")
    r = one(target, series("female_share_employed", {2020: 44, 2025: value}))
    assert (r.band_lower, r.band_upper) == (pytest.approx(43.65), pytest.approx(46.35))
    assert r.status == status


@pytest.mark.parametrize(("value", "status"), [(66.0, "attained"), (71.0, "attained"), (63.0, "not_attained")])
def test_around_with_higher_is_better_counts_above_the_band(value, status):
    target = Target(id="a", indicator=SCREENING, kind="around", values={2030: 65})
    r = one(target, series(SCREENING, {2020: 60, 2025: value}))
    assert r.status == status


@pytest.mark.parametrize(("kind", "last", "status"), [("increase", 31, "attained"), ("increase", 30, "not_attained"),
                                                        ("decrease", 29, "attained"), ("decrease", 31, "not_attained")])
def test_direction_kinds_compare_with_the_baseline(kind, last, status):
    target = Target(id="d", indicator="female_share_village_party_secretaries", kind=kind, area="decision_making")
    r = one(target, series("female_share_village_party_secretaries", {2020: 30, 2025: last}))
    assert r.status == status


def test_direction_without_baseline_is_not_assessable():
    target = Target(id="d", indicator="female_share_village_party_secretaries", kind="increase", area="decision_making")
    r = one(target, series("female_share_village_party_secretaries", {2025: 31}))
    assert r.baseline_source == "missing"
    assert r.status == "not_assessable"


def test_baseline_substituted_from_the_nearest_earlier_year():
    target = Target(id="d", indicator="female_share_village_party_secretaries", kind="increase", area="decision_making")
    r = one(target, series("female_share_village_party_secretaries", {2019: 30, 2025: 31}))
    assert (r.baseline_source, r.baseline) == ("substituted", 30)
    assert r.status == "attained"


def test_plan_stated_baseline_stands_in_for_the_jurisdiction():
    target = Target(id="d", indicator=MMR, kind="decrease")
    plan = make_plan(target, baselines=[Baseline(indicator=MMR, year=2020, value=7.35)])
    r = row(evaluate(series(MMR, {2025: 7.0}), plan), region="211400")
    assert (r.baseline_source, r.baseline, r.status) == ("plan", 7.35, "attained")


def test_case4_sex_gap_narrowing():
    target = Target(id="g", indicator="science_literacy_rate", kind="gap_narrowing", gap_between="sex", area="education")
    frame = pd.concat([series("science_literacy_rate", {2020: 62, 2024: 60.5, 2025: 61}, sex="female"),
                       series("science_literacy_rate", {2020: 75, 2024: 74, 2025: 73}, sex="male")])
    r = one(target, frame)
    assert (r.baseline, r.value, r.status) == (13, 12, "attained")


def test_urban_rural_gap_widening_is_not_attained():
    target = Target(id="g", indicator=MMR, kind="gap_narrowing", gap_between="area_type")
    frame = pd.concat([series(MMR, {2020: 10, 2025: 9}, area_type="urban"), series(MMR, {2020: 14, 2025: 15}, area_type="rural")])
    r = one(target, frame)
    assert (r.area_type, r.baseline, r.value, r.status) == ("urban/rural", 4, 6, "not_attained")


def test_regional_gap_is_the_spread_across_counties():
    target = Target(id="g", indicator=MMR, kind="gap_narrowing", gap_between="region")
    frame = pd.concat([series(MMR, {2020: 8 + i, 2025: 9 + i / 2}, region=c.code) for i, c in enumerate(COUNTIES)])
    result = evaluate(frame, make_plan(target))
    assert list(result.table["region"]) == ["211400"]
    r = result.table.iloc[0]
    assert (r.baseline, r.value, r.status) == (5, 2.5, "attained")


@pytest.mark.parametrize(("relation", "value", "status"), [("not_below", 30, "attained"), ("not_below", 29.9, "not_attained"),
                                                             ("commensurate", 29.2, "attained"), ("commensurate", 28.9, "not_attained")])
def test_relative_to_another_indicator(relation, value, status):
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation=relation, area="decision_making")
    frame = pd.concat([series("female_share_party_congress_delegates", {2025: value}),
                       series("female_share_party_members", {2025: 30})])
    r = one(target, frame)
    assert r.reference_value == 30
    assert r.status == status


def test_relative_to_baseline_relative_delta():
    target = Target(id="n", indicator="nutrition_knowledge_rate_female", kind="relative_to_baseline", values={2025: 10, 2030: 10},
                    delta_mode="relative", baseline_years={2025: 2019, 2030: 2022})
    frame = series("nutrition_knowledge_rate_female", {2019: 60, 2022: 64, 2025: 65.8})
    r = one(target, frame)
    assert (r.baseline_year, r.baseline, r.target) == (2019, 60, pytest.approx(66))
    assert r.status == "basically_attained"  # within 5% of Δ = 6: shortfall 0.2 ≤ 0.3


def test_relative_to_baseline_points_delta():
    target = Target(id="n", indicator="nutrition_knowledge_rate_female", kind="relative_to_baseline", values={2025: 10},
                    delta_mode="points", baseline_years={2025: 2019})
    r = one(target, series("nutrition_knowledge_rate_female", {2019: 60, 2025: 70}), year=2025)
    assert (r.target, r.status) == (70, "attained")


@pytest.mark.parametrize(("values", "status"), [
    (years(2015, 10, 11, 12, 13, 14, 15, 15.5, 16, 16.5, 17, 17.5), "attained"),   # +1/yr before 2020, +0.5/yr after
    (years(2015, 10, 10.5, 11, 11.5, 12, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5), "not_attained"),
])
def test_slower_increase_compares_mean_annual_change_before_and_after_baseline(values, status):
    target = Target(id="s", indicator="obesity_prevalence_female", kind="slower_increase")
    r = one(target, series("obesity_prevalence_female", values))
    assert r.status == status


def test_slower_increase_without_pre_baseline_years_is_not_assessable():
    target = Target(id="s", indicator="obesity_prevalence_female", kind="slower_increase")
    r = one(target, series("obesity_prevalence_female", years(2020, 15, 15.5, 16, 16.5, 17, 17.5)))
    assert r.status == "not_assessable"


def test_count_and_coverage_are_at_least():
    target = Target(id="k", indicator="mother_baby_rooms", kind="count", values={2025: 65}, area="environment")
    r = one(target, series("mother_baby_rooms", {2020: 20, 2025: 66}, sex="total"))
    assert r.status == "attained"


def test_small_numbers_give_a_poisson_interval_and_an_uncertain_mark():
    # 3,000 births: one death moves the MMR by 33/10万
    target = Target(id="mm", indicator=MMR, kind="at_most", values={2025: 10})
    frame = series(MMR, {2020: 0.0, 2025: 1 / 3000 * 1e5}, numerators=[0, 1], denominators=[3000, 3000])
    r = one(target, frame)
    assert r.status == "not_attained"
    assert (round(r.ci_lower, 2), round(r.ci_upper, 1)) == (0.84, 185.7)
    assert r.uncertain


def test_wilson_interval_for_a_share():
    target = Target(id="w", indicator="female_share_village_committee_members", kind="at_least", values={2025: 30}, area="decision_making")
    r = one(target, series("female_share_village_committee_members", {2020: 20, 2025: 28}, numerators=[2, 7], denominators=[10, 25]))
    assert r.ci_lower < 30 < r.ci_upper
    assert r.uncertain


def test_qualitative_needs_assessment_without_one():
    target = Target(id="q", indicator=None, kind="qualitative", text_zh="性别平等评估机制健全")
    r = one(target, series(SCREENING, {2025: 1}))
    assert r.status == "needs_assessment"


def test_qualitative_takes_the_committees_assessment(tmp_path):
    target = Target(id="q", indicator=None, kind="qualitative", text_zh="性别平等评估机制健全")
    file = tmp_path / "assessments.csv"
    file.write_text("target_id,status,evidence,assessed_by,assessed_on\nq,基本实现,评估报告第3页,市妇儿工委,2025-12-01\n", encoding="utf-8")
    r = one(target, series(SCREENING, {2025: 1}), assessments=file)
    assert r.status == "basically_attained"
    assert (r.evidence, r.assessed_by, r.assessed_on) == ("评估报告第3页", "市妇儿工委", "2025-12-01")
    assert (r.assessment_basis, r.assessment_source) == ("recorded", "assessments.csv, row 2")


def test_assessments_with_problems_are_refused_all_at_once(tmp_path):
    target = Target(id="q", indicator=None, kind="qualitative")
    file = tmp_path / "a.csv"
    file.write_text("target_id,status,evidence\nq,done,\nzz,已实现,x\n", encoding="utf-8")
    with pytest.raises(AssessmentError) as error:
        evaluate(series(SCREENING, {2025: 1}), make_plan(target), assessments=file)
    assert str(error.value) == (
        "a.csv: 3 problems in the assessments; nothing was read / 评估表有3处问题，未读取\n"
        "  - a.csv, row 2, column B (status): one of 已实现, 基本实现, 未实现, 无法评估 (attained, basically attained, "
        "not attained, not assessable) (got 'done') / 评估结论须为已实现、基本实现、未实现或无法评估\n"
        "  - a.csv, row 2, column C (evidence): the evidence the verdict rests on / 评估须注明依据\n"
        "  - a.csv, row 3, column A (target_id): a qualitative target of plan test-plan (got 'zz') / 规划test-plan中没有该目标"
    )


def test_invalid_frame_raises_submission_error():
    with pytest.raises(SubmissionError):
        evaluate(series("no_such_indicator", {2025: 1}), make_plan(CASE1))


def test_female_and_male_rows_for_a_both_sex_indicator():
    target = Target(id="i", indicator="science_literacy_rate", kind="increase", area="education")
    frame = pd.concat([series("science_literacy_rate", {2020: 10, 2025: 12}, sex=s) for s in ("female", "male")])
    result = evaluate(frame, make_plan(target))
    assert sorted(result.table["sex"]) == ["female", "male"]


def test_final_evaluation_uses_the_final_year():
    result = evaluate(series(SCREENING, years(2020, 60, 62, 64, 66, 68, 70, 70, 70, 70, 70, 71)), make_plan(CASE1), 2030)
    r = row(result, region="211400")
    assert (result.stage, r.target_year, r.target, r.status) == ("final", 2030, 70, "attained")


def test_trace_names_the_numbers():
    r = one(CASE1, series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5, 64.8)))
    # the plan's final target (70 in 2030): s_F = 70 − 64.8 = 5.2 > 0.05·(70 − 60) = 0.5
    assert r.trace == ("y_b(2020, observed)=60; y_E(2025)=64.8; T(2025, stated)=65; s=d·(T−y)=0.2, basic≤0.25; "
                       "final T(2030)=70: s_F=d·(T_F−y)=5.2, basic≤0.5 → final not_attained; "
                       "ratio=0.96 at 2025 → basically_attained")


def test_every_target_of_every_bundled_plan_has_rows():
    from wdmonitor import list_plans

    for plan_id in list_plans():
        plan = load_plan(plan_id)
        result = evaluate(series(SCREENING, {plan.baseline_year: 50}).assign(region=plan.jurisdiction.code).iloc[:0], plan)
        assert set(result.table["target_id"]) == {t.id for t in plan.targets}, plan_id
        assert set(result.table["status"]) <= {"not_assessable", "needs_assessment"}


def test_target_equal_to_the_baseline_leaves_no_distance_whatever_the_unit():
    """30.3/10万 sent as 3.03/万 converts back to 30.299999999999997: no infinite progress ratio."""
    target = Target(id="e", indicator=MMR, kind="at_most", values={2025: 5.0, 2030: 30.3})
    per_10k = series(MMR, {2020: 3.03, 2025: 0.1}).assign(unit="/万")
    r = one(target, per_10k)
    assert math.isnan(r.progress)
    assert r.progress_class == "target_achieved"
