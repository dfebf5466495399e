"""Templates: the rows a department owes, written as Excel, read back unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from wdmonitor import check_submission, load_plan, read_submission
from wdmonitor.templates import submission_template, write_template


@pytest.fixture(scope="module")
def plan():
    return load_plan("huludao-2021-2030")


def test_template_lists_indicators_sexes_regions_and_years(plan):
    blank = submission_template(plan, department="教育局", years=[2023, 2024])
    indicators = sorted(set(blank["indicator"]))
    assert indicators == sorted(i for i in plan.indicator_ids if plan.indicators[i].source == "教育局")
    both = blank[blank["indicator"] == "kindergarten_enrolment"]
    assert sorted(set(both["sex"])) == ["female", "male"]
    assert sorted(set(blank["region"])) == list(plan.region_codes)
    assert sorted(set(blank["year"])) == [2023, 2024]
    assert blank["value"].isna().all()
    per_region_year = sum(len(plan.indicators[i].sex_scope.sexes) for i in indicators)
    assert len(blank) == per_region_year * 7 * 2


def test_filled_excel_template_reads_back_and_validates(plan, tmp_path):
    path = write_template(plan, tmp_path / "卫健委模板.xlsx", department="卫健委", years=[2024])
    sent = pd.read_excel(path, sheet_name="数据 data", dtype=object)
    assert sent.columns[:3].tolist() == ["地区代码 region", "地区名称 region_name", "年份 year"]
    sent["数值 value"] = 50.0
    filled = tmp_path / "卫健委2024.xlsx"
    sent.to_excel(filled, sheet_name="数据 data", index=False)
    frame = read_submission(filled, plan)
    expected = submission_template(plan, department="卫健委", years=[2024])
    assert frame[["region", "year", "indicator", "sex", "unit"]].astype(str).values.tolist() == \
        expected[["region", "year", "indicator", "sex", "unit"]].astype(str).values.tolist()
    report = check_submission(frame, plan)
    assert len(report.errors) == 0, report.errors["message_en"].head().tolist()
    assert len(report.valid) == len(expected)


def test_an_urban_rural_gap_target_asks_for_urban_and_rural_rows(plan):
    # health-2c: the gap in maternal mortality between urban and rural areas narrows
    blank = submission_template(plan, department="卫健委", years=[2024])
    mmr = blank[(blank["indicator"] == "maternal_mortality_ratio") & (blank["region"] == "211400")]
    assert mmr["area_type"].tolist() == ["total", "urban", "rural"]
    assert set(blank.loc[blank["indicator"] == "life_expectancy_female", "area_type"]) == {"total"}


def test_a_template_sent_back_half_filled_is_accepted_with_the_blanks_as_no_data(plan, tmp_path):
    path = write_template(plan, tmp_path / "卫健委模板.xlsx", department="卫健委", years=[2023, 2024])
    sent = pd.read_excel(path, sheet_name="数据 data", dtype=object)
    filled_2024 = sent["年份 year"] == 2024
    sent.loc[filled_2024, "数值 value"] = 50.0  # 2023 left blank, as the instructions allow
    filled = tmp_path / "卫健委2023-2024.xlsx"
    sent.to_excel(filled, sheet_name="数据 data", index=False)
    report = check_submission(read_submission(filled, plan), plan)
    assert report.ok, report.errors["message_en"].head().tolist()
    assert len(report.valid) == filled_2024.sum()
    assert len(report.no_data) == (~filled_2024).sum()


def test_a_counts_template_filled_in_computes_and_evaluates(plan, tmp_path):
    from wdmonitor import compute_indicators, evaluate

    path = write_template(plan, tmp_path / "卫健委计数模板.xlsx", department="卫健委", years=[2023, 2024], components=True)
    sent = pd.read_excel(path, sheet_name="数据 data", dtype=object)
    ids = set(sent["指标代码 indicator"])
    assert {"maternal_deaths", "live_births"} <= ids and "maternal_mortality_ratio" not in ids
    # counts: 2 deaths in 20,000 births everywhere; every other count 90 of 100; values 50
    counts = {"maternal_deaths": 2, "live_births": 20_000, "infants_infected_hiv_mother_to_child": 1}
    denominators = {"live_births", "women_aged_35_64", "infants_born_hiv_positive_mothers"}
    unit_is_person = sent["单位 unit"] == "人"
    sent["数值 value"] = [
        counts.get(i, 100 if i in denominators else 90) if person else 50.0
        for i, person in zip(sent["指标代码 indicator"], unit_is_person, strict=True)
    ]
    filled = tmp_path / "卫健委计数2023-2024.xlsx"
    sent.to_excel(filled, sheet_name="数据 data", index=False)
    frame = compute_indicators(read_submission(filled, plan), plan)
    mmr = frame[(frame["indicator"] == "maternal_mortality_ratio") & (frame["area_type"] == "total")]
    assert set(mmr["value"]) == {10.0} and set(mmr["numerator"]) == {2.0}
    result = evaluate(frame, plan, 2024)
    table = result.table
    judged = table[(table["indicator"] == "maternal_mortality_ratio") & (table["area_type"] == "total")
                   & (table["kind"] != "gap_narrowing") & table["value"].notna()]
    # 2 deaths in 20,000 live births: 10/10万 in every region sent; the regional gap between equal counties is 0
    assert set(judged["region"]) == set(mmr["region"])
    assert set(judged["value"]) == {2 / 20_000 * 1e5}
    gaps = table[(table["indicator"] == "maternal_mortality_ratio") & (table["kind"] == "gap_narrowing") & table["value"].notna()]
    assert set(gaps["value"]) <= {0.0}


def test_a_template_writes_a_year_of_age_as_岁_and_a_year_of_schooling_as_年_and_reads_both_back(plan, tmp_path):
    """The unit cell is in the department's words: life expectancy in 岁, years of schooling in 年;
    sent back, each parses to its indicator's unit (both years: no conversion)."""
    jinan = load_plan("jinan-2021-2030")
    blank = submission_template(jinan, years=[2024])
    units = blank.drop_duplicates("indicator").set_index("indicator")["unit"]
    assert (units["life_expectancy_female"], units["mean_years_schooling_female"]) == ("岁", "年")
    path = write_template(jinan, tmp_path / "模板.xlsx", years=[2024])
    sent = pd.read_excel(path, sheet_name="数据 data", dtype=object)
    wanted = sent["指标代码 indicator"].isin(["life_expectancy_female", "mean_years_schooling_female"])
    sent = sent[wanted].assign(**{"数值 value": 12.0})
    sent.loc[sent["指标代码 indicator"] == "life_expectancy_female", "数值 value"] = 80.5
    sent.to_excel(tmp_path / "填报.xlsx", sheet_name="数据 data", index=False)
    report = check_submission(read_submission(tmp_path / "填报.xlsx", jinan), jinan)
    assert len(report.errors) == 0, report.errors["message_en"].head().tolist()
    assert sorted(report.valid["value"].unique().tolist()) == [12.0, 80.5]
