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
    assert row.message_zh.startswith("按trend趋势预计2025年为64.4，目标65")  # at the indicator's precision
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
    assert list(ranking.columns) == ["rank", "region", "region_name", "targets", "assessable", "attained", "attained_share", "mean_score",
                                     "uncertain", "attained_share_low", "attained_share_high", "point_rank", "rank_shared"]
    assert ranking["rank"].is_monotonic_increasing
    assert list(ranking.loc[ranking["rank"] == 1, "region"]) == [COUNTIES[3].code]
    assert ranking["mean_score"].is_monotonic_decreasing
    tied = pd.concat([frame, frame[frame["region"] == COUNTIES[3].code].assign(region=COUNTIES[5].code)])
    ranks = evaluate(tied, make_plan(CASE1)).ranking().set_index("region")["rank"]
    assert ranks[COUNTIES[3].code] == ranks[COUNTIES[5].code]


def test_excel_export_is_a_report_table_in_chinese(frame, tmp_path):
    path = evaluate(frame, make_plan(CASE1, RISE)).to_excel(tmp_path / "eval.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "妇女与健康", "计算过程", "来源"]
    sheet = book["妇女与健康"]
    headers = [c.value for c in sheet[1]]
    assert headers == ["序号", "指标", "规划原文", "地区", "性别", "单位", "目标值", "目标年", "基期年", "基期值",
                       "数据年份", "监测值", "评估结论", "对照终期目标", "进展状态"]
    first = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert (first["地区"], first["性别"], first["单位"], first["目标值"], first["目标年"]) == ("葫芦岛市", "女", "%", "≥65%", 2025)
    assert first["评估结论"] in {"已实现", "基本实现", "未实现"}
    value = sheet.cell(row=2, column=headers.index("监测值") + 1)
    assert isinstance(value.value, float) and value.number_format == "0.0"  # a number with its precision, not text
    rules = [r for ranges in sheet.conditional_formatting for r in ranges.rules]
    colours = {r.formula[0]: r.dxf.fill.bgColor.rgb for r in rules}
    assert colours['"基本实现"'].endswith("C5E1A5")
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.freeze_panes == "C2"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert "trace" not in " ".join(map(str, headers)).lower()
    assert all(not str(c.value).startswith("=") for row in sheet.iter_rows() for c in row if c.value is not None)


def test_summary_sheet_prints_the_attainment_rate_as_a_percentage(frame, tmp_path):
    book = load_workbook(evaluate(frame, make_plan(CASE1, RISE)).to_excel(tmp_path / "eval.xlsx"))
    sheet = book["汇总"]
    headers = [c.value for c in sheet[1]]
    rate = sheet.cell(row=2, column=headers.index("达标率（序时进度）") + 1)
    assert (rate.value, rate.number_format) == (1.0, "0.0%")
    assert "对照终期目标达标率" in headers


def test_excel_export_in_english_has_no_codes(frame, tmp_path):
    book = load_workbook(evaluate(frame, make_plan(CASE1, RISE)).to_excel(tmp_path / "eval.xlsx", lang="en"))
    assert book.sheetnames == ["Summary", "Women and health", "Trace", "Provenance"]
    sheet = book["Women and health"]
    values = {c.value for row in sheet.iter_rows(min_row=2) for c in row}
    assert "women" in values and "female" not in values
    assert not values & {"attained", "basically_attained", "not_attained"} - {"attained"}


def test_csv_export_is_neutralised_and_deterministic(frame, tmp_path):
    plan = make_plan(CASE1)
    a = evaluate(frame, plan).to_csv(tmp_path / "a.csv").read_bytes()
    b = evaluate(frame, plan).to_csv(tmp_path / "b.csv").read_bytes()
    assert a == b
    text = a.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert text.startswith("领域,序号,指标,规划原文,地区,性别")


def test_markdown_and_html_views(frame):
    result = evaluate(frame, make_plan(CASE1))
    text = result.to_markdown()
    assert text.startswith("# 测试规划 — 中期评估 2025\n\n| 领域 |")
    assert "基本实现" in text and "basically_attained" not in text
    html = result._repr_html_()
    assert "background:#C5E1A5" in html and "<table" in html


def test_annual_report_exports(frame, tmp_path):
    report = annual_report(frame, make_plan(CASE1, RISE), 2024)
    book = load_workbook(report.to_excel(tmp_path / "annual.xlsx"))
    assert book.sheetnames == ["年度监测", "预警", "方法"]
    sheet = book["年度监测"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["序号", "指标", "地区", "性别"]
    latest = sheet.cell(row=2, column=headers.index("最新值") + 1)
    assert latest.number_format == "0.0"
    assert report.to_csv(tmp_path / "annual.csv").read_text(encoding="utf-8-sig").startswith("序号,指标,地区,性别,单位")
    assert "年度监测 2024" in report.to_markdown()
    assert "<table" in report._repr_html_()


def test_provenance_records_plan_rules_and_data_hash(frame):
    result = evaluate(frame, make_plan(CASE1))
    assert result.provenance["plan"] == "test-plan"
    assert result.provenance["rules"] == "default"
    assert len(result.provenance["data_sha256"]) == 64
    assert evaluate(frame, make_plan(CASE1)).provenance["data_sha256"] == result.provenance["data_sha256"]
