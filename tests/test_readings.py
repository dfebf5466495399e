"""The plans' wording read as the methodology reads it (methodology §8), and every valid row judged.

Each case builds its data so that the old reading and the new one disagree, and derives the
expected verdict from the rule's text.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation_helpers import make_plan, series
from wdmonitor import Target, check_submission, evaluate, load_indicators
from wdmonitor.evaluation import judge_frame

CATALOGUE = load_indicators()
RETENTION = "compulsory_education_retention_rate"  # percent, measured on both sexes
SCREENING = "cervical_cancer_screening_rate"  # percent, women


def _one(target: Target, frame: pd.DataFrame, year: int = 2025) -> pd.DataFrame:
    return judge_frame(frame, make_plan(target), year)


# -- totals: a both-sex indicator sent as totals is judged on the total -----------------------
def test_a_series_sent_as_totals_is_judged_on_the_total():
    target = Target(id="r", indicator=RETENTION, kind="maintain_at_least", values={2030: 97})
    frame = series(RETENTION, {2020: 97.5, 2025: 98.1}, sex="total")
    table = _one(target, frame)
    total = table[table["sex"] == "total"].iloc[0]
    assert total.status == "attained" and total.value == pytest.approx(98.1)
    # the sexes the data do not carry are listed as not assessable, and do not hide the verdict
    assert set(table.loc[table["sex"] != "total", "status"]) == {"not_assessable"}
    result = evaluate(frame, make_plan(target), 2025)
    assert result.target_status().set_index("target_id").loc["r", "status"] == "attained"


def test_a_total_is_judged_beside_the_sexes_when_all_three_are_sent():
    target = Target(id="r", indicator=RETENTION, kind="at_least", values={2030: 97})
    frame = pd.concat([series(RETENTION, {2020: 96.0, 2025: 97.4}, sex=sex) for sex in ("female", "male", "total")])
    frame.loc[frame["sex"] == "male", "value"] = [96.0, 96.2]  # men below the target: the target's status is theirs
    table = _one(target, frame)
    assert sorted(table["sex"]) == ["female", "male", "total"]
    worst = evaluate(frame, make_plan(target), 2025).target_status().set_index("target_id").loc["r", "status"]
    assert worst == table.set_index("sex").loc["male", "status"] != "attained"


def test_no_total_row_is_invented_where_the_data_carry_none():
    target = Target(id="r", indicator=RETENTION, kind="at_least", values={2030: 97})
    frame = pd.concat([series(RETENTION, {2020: 96.0, 2025: 97.4}, sex=sex) for sex in ("female", "male")])
    assert sorted(_one(target, frame)["sex"]) == ["female", "male"]


def test_one_sex_beside_its_total_is_valid():
    # 合计 | 其中：女 — the layout of many departments' forms
    frame = pd.concat([series(RETENTION, {2024: 97.4}, sex="female"), series(RETENTION, {2024: 97.0}, sex="total")])
    report = check_submission(frame, make_plan())
    assert report.ok and len(report.valid) == 2


# -- materiality: 已实现 when the value as reported meets the target --------------------------
@pytest.mark.parametrize(("value", "status"), [(69.96, "attained"), (69.95, "attained"), (69.94, "basically_attained")])
def test_a_shortfall_smaller_than_the_reporting_precision_is_nil(value, status):
    # one decimal: 69.96 and 69.95 are reported as 70.0 and meet 70; 69.94 is reported as 69.9
    assert CATALOGUE[SCREENING].precision == 1
    target = Target(id="s", indicator=SCREENING, kind="at_least", values={2025: 70})
    row = _one(target, series(SCREENING, {2020: 60.0, 2025: value})).iloc[0]
    assert row.status == status
    assert row.shortfall == pytest.approx(70 - value)  # the shortfall itself is kept as computed


def test_a_move_smaller_than_the_reporting_precision_is_no_move():
    target = Target(id="i", indicator=SCREENING, kind="increase")
    assert _one(target, series(SCREENING, {2020: 60.0, 2025: 60.04})).iloc[0].status == "not_attained"
    assert _one(target, series(SCREENING, {2020: 60.0, 2025: 60.06})).iloc[0].status == "attained"


# -- 左右 on a share of women: a level to reach, not a ceiling --------------------------------
def test_every_share_of_women_reads_direction_higher():
    shares = [i for i in CATALOGUE.values() if i.sex_scope.value == "female_share"]
    assert shares and {i.direction.value for i in shares} == {"higher"}


@pytest.mark.parametrize(("indicator", "level", "value"), [("female_share_urban_unit_employed", 40, 41.9),
                                                           ("female_share_employed", 45, 47.5)])
def test_exceeding_a_share_of_women_around_its_level_is_attained(indicator, level, value):
    target = Target(id="a", indicator=indicator, kind="around", values={2030: level})
    row = _one(target, series(indicator, {2020: level - 2.0, 2025: value})).iloc[0]
    assert value > row.band_upper and row.status == "attained"


# -- milestones labelled honestly -------------------------------------------------------------
def test_a_milestone_carries_its_own_year_and_the_plans_target_beside_it():
    target = Target(id="m", indicator=SCREENING, kind="at_least", values={2030: 90})
    row = _one(target, series(SCREENING, {2020: 80.0, 2025: 84.0})).iloc[0]
    assert row.target_source == "milestone"
    assert row.target == pytest.approx(80 + (90 - 80) * 5 / 10)  # time-proportional: half way in 2025
    assert (row.target_year, row.stated_target, row.stated_target_year) == (2025, 90, 2030)
    table = evaluate(series(SCREENING, {2020: 80.0, 2025: 84.0}), make_plan(target), 2025).table
    assert "milestone towards 90 in 2030" in table["trace"].iloc[0]


# -- mid-term counting both ways --------------------------------------------------------------
def test_the_summary_counts_against_the_milestones_and_the_final_targets():
    # 84 in 2025: above the 2025 milestone (82.5, half way from 75 to 90) yet short of the final 90
    targets = [Target(id="m", indicator=SCREENING, kind="at_least", values={2030: 90}, area="health"),
               Target(id="n", indicator="maternal_systematic_management_rate", kind="at_least", values={2030: 90},
                      area="health")]
    frame = pd.concat([series(SCREENING, {2020: 75.0, 2025: 84.0}),
                       series("maternal_systematic_management_rate", {2020: 80.0, 2025: 91.0})])
    result = evaluate(frame, make_plan(*targets), 2025)
    total = result.summary().set_index("area").loc["total"]
    statuses = result.table.set_index("target_id")
    assert statuses.loc["m", "status"] == "attained" and statuses.loc["m", "final_status"] == "not_attained"
    assert statuses.loc["n", "final_status"] == "attained_early"
    assert total["attainment_rate"] == pytest.approx(2 / 2)
    assert total["final_attainment_rate"] == pytest.approx(1 / 2)


# -- plausibility -------------------------------------------------------------------------------
def _checks(report) -> list[tuple[str, str, float]]:
    return [(c.check, c.severity, c.value) for c in report.failure_cases.itertuples()]


def test_an_impossible_value_is_refused_and_an_unlikely_one_questioned():
    life = CATALOGUE["life_expectancy_female"]
    frame = series("life_expectancy_female", {2022: 178.0, 2023: 101.0, 2024: 81.0})
    report = check_submission(frame, make_plan())
    assert life.possible[1] < 178 and life.plausible[1] < 101 <= life.possible[1]
    assert _checks(report) == [("possible_range", "error", 178.0), ("plausible_range", "warning", 101.0)]
    assert report.failure_cases["message_en"].iloc[0] == (
        "<frame>, row 1, column value: the value must lie between 0 and 125 for this indicator (got 178.0)")
    assert report.failure_cases["message_zh"].iloc[1] == (
        "<frame>，第2行，“数值”列：数值超出该指标的合理范围60至95，请核实（实际为101.0）")


def test_urban_plus_rural_must_equal_the_total_for_counts():
    parts = [series("kindergarten_enrolment", {2024: v}, sex="total", area_type=a)
             for a, v in (("urban", 3000.0), ("rural", 2000.0), ("total", 5600.0))]
    report = check_submission(pd.concat(parts, ignore_index=True), make_plan())
    assert _checks(report) == [("urban_plus_rural_is_total", "error", 5600.0)]


def test_a_total_rate_outside_its_parts_is_questioned():
    parts = [series(RETENTION, {2024: v}, sex=s) for s, v in (("female", 97.0), ("male", 96.0), ("total", 97.3))]
    report = check_submission(pd.concat(parts, ignore_index=True), make_plan())
    assert _checks(report) == [("total_between_parts", "warning", 97.3)]
    inside = [series(RETENTION, {2024: v}, sex=s) for s, v in (("female", 97.0), ("male", 96.0), ("total", 97.04))]
    assert check_submission(pd.concat(inside, ignore_index=True), make_plan()).failure_cases.empty  # within rounding


@pytest.mark.parametrize(("deaths", "questioned"), [((1, 0), False), ((2, 5), False), ((40, 90), True)])
def test_a_jump_of_a_counted_rate_is_questioned_only_beyond_chance(deaths, questioned):
    births = 40000.0  # 40 → 90 deaths: 100 → 225 per 10万, a change chance does not explain
    frame = series("maternal_mortality_ratio", {2023: deaths[0] / births * 1e5, 2024: deaths[1] / births * 1e5},
                   numerators=list(deaths), denominators=[births, births])
    checks = set(check_submission(frame, make_plan()).failure_cases["check"])
    assert ("plausible_change" in checks) is questioned


# -- a baseline the plan states and the data contradict -------------------------------------------
def test_a_conflicting_baseline_is_kept_beside_the_observed_one_and_flagged():
    from wdmonitor import flag_early_warnings
    from wdmonitor.indicators import Baseline

    target = Target(id="b", indicator=SCREENING, kind="at_least", values={2030: 90})
    stated = Baseline(indicator=SCREENING, year=2020, value=74.25)
    plan = make_plan(target, baselines=[stated])
    frame = series(SCREENING, {2020: 80.0, 2022: 82.0, 2024: 84.0})
    row = evaluate(frame, plan, 2024).table.iloc[0]
    assert (row.baseline, row.plan_baseline, bool(row.baseline_conflict)) == (80.0, 74.25, True)
    assert "the plan states y_b=74.25 (observed value used, W5 reports both)" in row.trace
    flags = flag_early_warnings(frame, plan, 2024).table
    conflict = flags[flags["check"] == "baseline_conflict"]
    assert conflict["message_en"].tolist() == ["the plan states a baseline of 74.25; the data hold 80, which is used"]
    # the same value as reported is no conflict
    same = series(SCREENING, {2020: 74.249, 2022: 82.0, 2024: 84.0})
    assert not evaluate(same, plan, 2024).table.iloc[0].baseline_conflict


def test_the_trace_explains_the_final_status():
    target = Target(id="m", indicator=SCREENING, kind="at_least", values={2030: 90})
    row = evaluate(series(SCREENING, {2020: 75.0, 2025: 89.5}), make_plan(target), 2025).table.iloc[0]
    # s_F = 90 − 89.5 = 0.5 ≤ 0.05·(90 − 75) = 0.75: 基本实现 against the final target
    assert (row.final_shortfall, row.final_threshold, row.final_status) == (pytest.approx(0.5), pytest.approx(0.75),
                                                                          "basically_attained")
    assert "final T(2030)=90: s_F=d·(T_F−y)=0.5, basic≤0.75 → final basically_attained" in row.trace


# -- parity of enrolment: the gender parity index, and a plan's own band ---------------------------
def _enrolment(girls: float, boys: float) -> pd.DataFrame:
    return pd.concat([series("kindergarten_enrolment", {2025: girls}, sex="female"),
                      series("kindergarten_enrolment", {2025: boys}, sex="male")], ignore_index=True)


def test_parity_of_head_counts_is_judged_on_the_parity_index_not_the_raw_ratio():
    from evaluation_helpers import with_age_group

    target = Target(id="p", indicator="kindergarten_enrolment", kind="parity", area="education")
    # 8 850 girls and 10 000 boys enrolled; the age group has 0.885 girls per boy: equal access
    row = _one(target, with_age_group(_enrolment(8850, 10000), female_per_male=0.885)).iloc[0]
    assert row.value == pytest.approx((8850 / 10000) / 0.885) and row.status == "attained"
    # without the age group's population the index is missing: never the raw 0.885
    assert _one(target, _enrolment(8850, 10000)).iloc[0].status == "not_assessable"


def test_a_parity_target_keeps_its_own_band():
    from evaluation_helpers import with_age_group

    own = Target(id="p", indicator="kindergarten_enrolment", kind="parity", area="education", lower=0.95, upper=1.05)
    default = Target(id="q", indicator="kindergarten_enrolment", kind="parity", area="education")
    data = with_age_group(_enrolment(9600, 10000))
    assert _one(own, data).iloc[0].status == "attained"  # 0.96 in the plan's [0.95, 1.05]
    assert _one(default, data).iloc[0].status == "not_attained"  # outside the rule set's [0.97, 1.03]


# -- money gaps on the ratio ------------------------------------------------------------------------
def test_an_income_gap_narrows_when_the_ratio_improves_though_the_yuan_gap_widens():
    target = Target(id="g", indicator="income_gap_male_female", kind="gap_narrowing", gap_between="sex", area="economy")
    women = {2020: 30000.0, 2025: 42000.0}
    men = {2020: 40000.0, 2025: 54000.0}  # the gap in yuan widens (10 000 → 12 000), the ratio rises (0.75 → 0.78)
    frame = pd.concat([series("income_gap_male_female", women, sex="female"),
                       series("income_gap_male_female", men, sex="male")], ignore_index=True)
    row = _one(target, frame).iloc[0]
    assert (row.baseline, row.value) == (pytest.approx(25.0), pytest.approx(100 * (1 - 42 / 54)))
    assert row.unit == "percent" and row.status == "attained"


# -- every valid row judged or listed ---------------------------------------------------------------
def test_valid_rows_no_target_judges_are_listed_with_the_reason(tmp_path):
    import subprocess
    import sys

    target = Target(id="s", indicator=SCREENING, kind="at_least", values={2030: 70})
    frame = pd.concat([series(SCREENING, {2020: 60.0, 2025: 66.0}),
                       series("tertiary_gross_enrolment_rate", {2024: 58.0, 2025: 60.0}, sex="total")], ignore_index=True)
    result = evaluate(frame, make_plan(target), 2025)
    listed = result.unjudged("en")
    assert listed[["indicator", "sex", "regions", "rows", "reason"]].values.tolist() == [
        ["tertiary_gross_enrolment_rate", "total", 1, 2, "no_target"]]
    assert listed["reason_en"].iloc[0] == "no target of the plan is judged on this indicator"
    assert result.provenance["unjudged"][0]["rows"] == 2  # kept in the provenance, as plain values
    # the series a derived verdict is computed from are used, not listed
    gap = Target(id="g", indicator="housework_time_gap", kind="gap_narrowing", gap_between="sex", area="family")
    both = pd.concat([series("housework_time_gap", {2020: 3.0, 2025: 2.8}, sex=s) for s in ("female", "male")])
    assert evaluate(both, make_plan(gap), 2025).unjudged().empty
    # the command line says so
    path = tmp_path / "data.csv"
    frame.assign(region="211400").to_csv(path, index=False)
    done = subprocess.run([sys.executable, "-m", "wdmonitor", "evaluate", str(path), "--plan", "huludao-2021-2030",
                           "--lang", "en"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert ("  - tertiary_gross_enrolment_rate (total, total, total): 2 rows in 1 regions — no target of the plan is "
            "judged on this indicator") in done.stdout
