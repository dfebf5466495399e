"""annual_report and the exports of Evaluation and AnnualReport."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluation_helpers import COUNTIES, make_plan, series, years
from wdmonitor import Target, annual_report, evaluate

SCREENING = "cervical_cancer_screening_rate"
CASE1 = Target(id="c1", indicator=SCREENING, kind="at_least", values={2025: 65, 2030: 70}, text_zh="=HYPERLINK(\"x\")")
RISE = Target(id="i1", indicator=SCREENING, kind="increase", area="health")


@pytest.fixture
def frame():
    parts = [series(SCREENING, years(2020, 60, 61, 62, 62.5, 63.5, 64.8))]
    for i, county in enumerate(COUNTIES[:4]):
        # 2025 values 60, 62, 64, 66: only the fourth county reaches 65
        parts.append(series(SCREENING, years(2020, *(55 + i + (5 + i) * k / 5 for k in range(6))), region=county.code))
    return pd.concat(parts, ignore_index=True)


def test_annual_report_has_latest_value_progress_and_worst_flag(frame):
    report = annual_report(frame, make_plan(CASE1, RISE), 2024)
    row = report.table.query("target_id == 'c1' and region == '211400'").iloc[0]
    assert (row.latest_year, row.latest_value) == (2024, 63.5)
    assert (row.progress_class, row.progress_class_zh) == ("acceleration_needed", "需加快")
    assert (row.severity, row.severity_zh, row.checks) == ("warning", "预警", "W1")
    assert row.message_zh.startswith("按trend趋势预计2025年为64.375")
    assert report.year == 2024
    assert set(report.flags["as_of"]) == {2024}


def test_annual_report_year_ignores_later_data(frame):
    report = annual_report(frame, make_plan(CASE1), 2022)
    assert report.table["latest_year"].max() == 2022


def test_evaluation_summary_counts_and_attainment_rate(frame):
    result = evaluate(frame, make_plan(CASE1, RISE))
    summary = result.summary().set_index("area")
    health = summary.loc["health"]
    assert (health.targets, health.assessable, health.basically_attained, health.attained) == (2, 2, 1, 1)
    assert health.attainment_rate == 1.0
    assert summary.loc["total", "area_zh"] == "合计"


def test_ranking_shares_ties_and_orders_by_attainment_then_score(frame):
    result = evaluate(frame, make_plan(CASE1, RISE))
    ranking = result.ranking()
    assert list(ranking.columns) == ["rank", "region", "region_name", "targets", "assessable", "attained", "attained_share", "mean_score"]
    assert ranking["rank"].is_monotonic_increasing
    assert list(ranking.loc[ranking["rank"] == 1, "region"]) == [COUNTIES[3].code]
    assert ranking["mean_score"].is_monotonic_decreasing
    tied = pd.concat([frame, frame[frame["region"] == COUNTIES[3].code].assign(region=COUNTIES[5].code)])
    ranks = evaluate(tied, make_plan(CASE1)).ranking().set_index("region")["rank"]
    assert ranks[COUNTIES[3].code] == ranks[COUNTIES[5].code]


def test_excel_export_has_summary_area_sheets_colours_and_no_formulas(frame, tmp_path):
    path = evaluate(frame, make_plan(CASE1, RISE)).to_excel(tmp_path / "eval.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["汇总 Summary", "妇女与健康 health", "来源 Provenance"]
    sheet = book["妇女与健康 health"]
    headers = [c.value for c in sheet[1]]
    assert "评估结论 / Status" in headers
    status_col = headers.index("评估结论 / Status") + 1
    fills = {sheet.cell(row=r, column=status_col).value: sheet.cell(row=r, column=status_col).fill.start_color.rgb
             for r in range(2, sheet.max_row + 1)}
    assert fills["basically_attained"].endswith("C5E1A5")
    assert sheet.column_dimensions["B"].width >= 10
    assert all(not str(c.value).startswith("=") for row in sheet.iter_rows() for c in row if c.value is not None)


def test_csv_export_is_neutralised_and_deterministic(frame, tmp_path):
    plan = make_plan(CASE1)
    a = evaluate(frame, plan).to_csv(tmp_path / "a.csv").read_bytes()
    b = evaluate(frame, plan).to_csv(tmp_path / "b.csv").read_bytes()
    assert a == b
    assert "'=HYPERLINK" in a.decode("utf-8-sig")


def test_markdown_and_html_views(frame):
    result = evaluate(frame, make_plan(CASE1))
    text = result.to_markdown()
    assert text.startswith("# 测试规划 — midterm 2025\n\n| 领域 / Area |")
    assert "basically_attained" in text
    html = result._repr_html_()
    assert "background:#C5E1A5" in html and "<table" in html


def test_annual_report_exports(frame, tmp_path):
    report = annual_report(frame, make_plan(CASE1, RISE), 2024)
    book = load_workbook(report.to_excel(tmp_path / "annual.xlsx"))
    assert book.sheetnames == ["年度监测 Annual", "预警 Flags", "方法 Method"]
    assert report.to_csv(tmp_path / "annual.csv").read_text(encoding="utf-8-sig").startswith("area,goal_no,target_id")
    assert "年度监测 2024" in report.to_markdown()
    assert "<table" in report._repr_html_()


def test_provenance_records_plan_rules_and_data_hash(frame):
    result = evaluate(frame, make_plan(CASE1))
    assert result.provenance["plan"] == "test-plan"
    assert result.provenance["rules"] == "default"
    assert len(result.provenance["data_sha256"]) == 64
    assert evaluate(frame, make_plan(CASE1)).provenance["data_sha256"] == result.provenance["data_sha256"]
