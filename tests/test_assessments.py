"""The committee's assessments: the template, reading it back, verdicts at every level, revisions in the store.

The store's cases run on both backends through the ``locations`` fixture (tests/store_locations.py).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import store_locations
from wdmonitor import evaluate, load_plan
from wdmonitor.assessments import (
    STATUS_WORDS,
    AssessmentError,
    assessment_template,
    awaiting_assessment,
    qualitative_targets,
    read_assessments,
    summarise,
    write_assessment_template,
)
from wdmonitor.cli import main
from wdmonitor.errors import ArgumentError, StoreError
from wdmonitor.store import SCHEMA_VERSION, Store

locations = store_locations.locations
PLAN = Path(__file__).parent / "data" / "plans" / "proxies.yaml"  # 福州市 with 鼓楼区 and 晋安区
CITY, GULOU, JINAN = "350100", "350102", "350111"
SHEET = "评估 assessments"


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


def data() -> pd.DataFrame:
    """Residents' health literacy for the three regions (enough for an evaluation)."""
    return pd.DataFrame([{"region": r, "year": y, "indicator": "health_literacy_residents", "sex": "total", "value": v}
                         for r in (CITY, GULOU, JINAN) for y, v in ((2020, 20.0), (2025, 31.0))])


def fill(path: Path, cells: dict[str, object]) -> Path:
    book = load_workbook(path)
    sheet = book[SHEET]
    for reference, value in cells.items():
        sheet[reference] = value
    out = path.with_name("filled-" + path.name)
    book.save(out)
    return out


# -- the template -----------------------------------------------------------------------------
def test_the_template_lists_every_qualitative_goal_for_every_region(plan):
    blank = assessment_template(plan)
    goals = [t.id for t in qualitative_targets(plan)]
    assert goals == ["health-10", "family-1"]
    assert blank[["region", "target_id"]].values.tolist() == [[r, g] for r in (CITY, GULOU, JINAN) for g in goals]
    assert blank.loc[0, ["region_name", "area", "goal_no", "clause"]].tolist() == ["福州市", "妇女与健康", "10", "建立完善妇女全生命周期健康管理模式。"]
    assert (blank[["status", "evidence", "assessed_by", "assessed_on"]] == "").all().all()
    only = assessment_template(plan, regions=["晋安区"], lang="en")
    assert only["region"].tolist() == [JINAN, JINAN] and only["area"].tolist() == ["Women and health", "Women and family"]
    with pytest.raises(ArgumentError) as info:
        assessment_template(plan, regions=["火星区"])
    assert str(info.value) == ("assessment_template: unknown region(s) '火星区'; expected codes or names of the plan's regions "
                               "(350100, 350102, 350111) / 规划中没有地区：火星区")


def test_the_workbook_has_a_status_drop_down_a_date_check_and_instructions(tmp_path, plan):
    path = write_assessment_template(plan, tmp_path / "定性评估.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [SHEET, "说明 instructions"]
    sheet = book[SHEET]
    assert [c.value for c in sheet[1]] == ["地区代码 region", "地区名称 region_name", "领域 area", "目标序号 goal_no",
                                           "目标编号 target_id", "规划条文 clause", "评估结论 status", "评估依据 evidence",
                                           "评估单位 assessed_by", "评估日期 assessed_on"]
    assert sheet.max_row == 7
    status, dated = sheet.data_validations.dataValidation
    assert (status.type, status.formula1, str(status.sqref)) == ("list", '"已实现,基本实现,未实现,无法评估"', "G2:G7")
    assert (dated.type, str(dated.sqref)) == ("date", "J2:J7")
    notes = [row[0].value for row in book["说明 instructions"].iter_rows(min_row=2)]
    assert any("已实现、基本实现、未实现或无法评估" in n for n in notes) and any("汇总自下辖区县" in n for n in notes)


def test_the_command_line_writes_the_english_workbook_for_the_regions_asked(tmp_path, capsys):
    out = tmp_path / "assessments.xlsx"
    assert main(["template", "--assessments", "--plan", str(PLAN), "--regions", "晋安区", CITY, "--lang", "en", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"written: {out}\n"
    book = load_workbook(out)
    assert book.sheetnames == ["assessments", "instructions"]
    sheet = book["assessments"]
    assert [c.value for c in sheet[1]][6:] == ["Status", "Evidence", "Assessed by", "Assessed on"]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 6)] == [CITY, CITY, JINAN, JINAN]
    assert sheet.data_validations.dataValidation[0].formula1 == '"' + ",".join(STATUS_WORDS["en"].values()) + '"'
    assert main(["template", "--assessments", "--plan", str(PLAN), "--years", "2025", "-o", str(out)]) == 2
    assert capsys.readouterr().err == ("wdmonitor: error: --assessments lists qualitative goals: it takes no --department, "
                                       "--years or --components / --assessments 用于定性目标评估表，不能与 --department、--years、"
                                       "--components 同用\n")


# -- template → fill → read → evaluate, for the city and its counties --------------------------
def test_template_fill_read_evaluate_for_a_city_and_its_counties(tmp_path, plan):
    # rows: 2 city health-10, 3 city family-1, 4 鼓楼 health-10, 5 鼓楼 family-1, 6 晋安 health-10, 7 晋安 family-1
    path = fill(write_assessment_template(plan, tmp_path / "定性评估.xlsx"), {
        "G3": "未实现", "H3": "市妇儿工委2025年家庭建设评估", "I3": "市妇儿工委", "J3": "2025-03-05",
        "G4": "已实现", "H4": "鼓楼区卫健局健康管理报告", "I4": "鼓楼区妇儿工委", "J4": "2025-03-01",
        "G6": "基本实现", "H6": "晋安区妇儿工委自评报告", "I6": "晋安区妇儿工委", "J6": "2025年3月2日",
        "G7": "已实现", "H7": "晋安区家庭教育指导中心年报", "I7": "晋安区妇联",
    })
    read = read_assessments(path, plan)
    assert read[["target_id", "region", "status", "assessed_on", "source_sheet", "source_row"]].values.tolist() == [
        ["family-1", CITY, "not_attained", "2025-03-05", SHEET, 3],
        ["health-10", GULOU, "attained", "2025-03-01", SHEET, 4],
        ["health-10", JINAN, "basically_attained", "2025-03-02", SHEET, 6],
        ["family-1", JINAN, "attained", "", SHEET, 7],
    ]
    result = evaluate(data(), plan, 2025, assessments=path)
    rows = result.table[result.table["kind"] == "qualitative"].set_index(["target_id", "region"])
    # a county's verdict is its own
    assert rows.loc[("health-10", GULOU), ["status", "evidence", "assessed_by", "assessment_basis", "assessment_source"]].tolist() == [
        "attained", "鼓楼区卫健局健康管理报告", "鼓楼区妇儿工委", "recorded", f"{path.name}, {SHEET}, row 4"]
    assert rows.loc[("family-1", JINAN), "status"] == "attained"
    # the city's health-10 is summarised from both counties (the least favourable), shown as such
    city = rows.loc[("health-10", CITY)]
    assert city[["status", "evidence", "assessed_by", "assessment_basis", "assessment_source"]].tolist() == [
        "basically_attained", "鼓楼区：已实现；晋安区：基本实现", "汇总自下辖区县", "summarised", "汇总自下辖区县"]
    assert city["trace"] == ("assessed (summarised): 鼓楼区：已实现；晋安区：基本实现 — 汇总自下辖区县, ; source 汇总自下辖区县 "
                             "→ basically_attained")
    # the city's family-1 is its own recorded verdict; 鼓楼区 has not assessed family-1 yet
    assert rows.loc[("family-1", CITY), ["status", "assessment_basis"]].tolist() == ["not_attained", "recorded"]
    assert rows.loc[("family-1", GULOU), ["status", "assessment_basis", "trace"]].tolist() == [
        "needs_assessment", "", "qualitative: no assessment recorded → needs_assessment"]
    assert awaiting_assessment(result)[["region", "target_id"]].values.tolist() == [[GULOU, "family-1"]]
    # the per-region summary counts each region's own verdicts
    assert int(result.summary(GULOU).iloc[-1]["needs_assessment"]) == 1
    assert int(result.summary(CITY).iloc[-1]["needs_assessment"]) == 0
    # the report: every verdict with its evidence and source, and what awaits assessment per region
    document = result.report(charts=False)
    sections = {s.heading: s for s in document.sections}
    verdicts = sections["定性目标的评估结论"].tables[0].frame
    assert verdicts.columns.tolist() == ["地区", "领域", "序号", "规划原文", "评估结论", "评估依据", "评估来源"]
    assert verdicts.iloc[0].tolist() == ["福州市", "妇女与健康", "10", "建立完善妇女全生命周期健康管理模式。", "基本实现",
                                         "鼓楼区：已实现；晋安区：基本实现（汇总自下辖区县）", "汇总自下辖区县"]
    assert verdicts.iloc[2].tolist()[4:] == ["已实现", "鼓楼区卫健局健康管理报告（鼓楼区妇儿工委，2025-03-01）",
                                             f"{path.name}, {SHEET}, row 4"]
    assert sections["待评估的定性目标"].bullets == ("鼓楼区（1项）：妇女与家庭建设 1",)
    # the area table prints the evidence and its source beside the verdict
    family = sections["妇女与家庭建设"].tables[0].frame
    at = family.columns.get_loc("评估结论")
    assert family.columns[at + 1:at + 3].tolist() == ["评估依据", "评估来源"]
    assert family.iloc[0][["评估结论", "评估依据", "评估来源"]].tolist() == [
        "未实现", "市妇儿工委2025年家庭建设评估（市妇儿工委，2025-03-05）", f"{path.name}, {SHEET}, row 3"]
    sheet = load_workbook(result.to_excel(tmp_path / "评估.xlsx"))["妇女与家庭建设"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("评估依据") + 1).value == "市妇儿工委2025年家庭建设评估（市妇儿工委，2025-03-05）"


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_the_verdicts_on_a_partitioned_evaluation_are_those_of_one_frame(tmp_path, plan, n_jobs):
    """Each partition's rows are traced where they are judged; the committee's verdicts, the
    qualitative rows of every region and their traces come once every partition is in."""
    from wdmonitor.partitions import by_region, evaluate_partitions

    if n_jobs != 1:
        pytest.importorskip("joblib")
    path = fill(write_assessment_template(plan, tmp_path / "定性评估.xlsx"), {
        "G4": "已实现", "H4": "鼓楼区卫健局健康管理报告", "I4": "鼓楼区妇儿工委", "J4": "2025-03-01",
        "G6": "基本实现", "H6": "晋安区妇儿工委自评报告", "I6": "晋安区妇儿工委", "J6": "2025-03-02",
    })
    whole = evaluate(data(), plan, 2025, assessments=path).table
    partitioned = evaluate_partitions(by_region(data(), plan, "county"), plan, 2025, assessments=path, n_jobs=n_jobs).table
    pd.testing.assert_frame_equal(partitioned, whole)
    city = whole.set_index(["target_id", "region"]).loc[("health-10", CITY)]
    assert (city["assessment_basis"], city["trace"].split(":")[0]) == ("summarised", "assessed (summarised)")
    numeric = whole[whole["kind"] != "qualitative"]  # health-7 judged on its proxy in every region, health-3 unobserved
    proxied = numeric["target_id"] == "health-7"
    assert numeric.loc[proxied, "trace"].str.startswith("proxy: judged on health_literacy_residents for "
                                                        "health_literacy_female").tolist() == [True] * 3
    assert numeric.loc[~proxied, "trace"].str.startswith("y_b(").tolist() == [True] * 3


def test_a_city_is_not_summarised_while_a_county_is_missing_and_a_recorded_verdict_stands(plan):
    one = read_assessments(pd.DataFrame({"target_id": ["health-10"], "region": ["鼓楼区"], "status": ["已实现"],
                                         "evidence": ["报告"]}), plan)
    assert summarise(one, plan)["region"].tolist() == [GULOU]
    both = read_assessments(pd.DataFrame({"target_id": ["health-10"] * 3, "region": ["鼓楼区", "晋安区", "福州市"],
                                          "status": ["已实现", "未实现", "已实现"], "evidence": ["a", "b", "市级报告"]}), plan)
    summarised = summarise(both, plan)
    assert summarised[["region", "status", "basis"]].values.tolist() == [
        [GULOU, "attained", "recorded"], [JINAN, "not_attained", "recorded"], [CITY, "attained", "recorded"]]
    counties = both[both["region"] != CITY]
    english = summarise(counties, plan, lang="en")
    assert english.iloc[-1][["region", "status", "evidence", "assessed_by"]].tolist() == [
        CITY, "not_attained", "Gulou District: attained; Jin'an District: not attained", "summarised from its counties"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_a_csv_reads_back_in_every_encoding_the_reader_accepts(tmp_path, plan, encoding):
    path = tmp_path / "定性评估.csv"
    pd.DataFrame({"目标编号 target_id": ["health-10"], "地区名称 region": ["晋安区"], "评估结论 status": ["基本实现"],
                  "评估依据 evidence": ["晋安区妇儿工委自评报告"], "评估日期 assessed_on": ["2025/3/2"]}).to_csv(
        path, index=False, encoding=encoding)
    read = read_assessments(path, plan)
    assert read[["target_id", "region", "status", "evidence", "assessed_on", "source_row"]].values.tolist() == [
        ["health-10", JINAN, "basically_attained", "晋安区妇儿工委自评报告", "2025-03-02", 2]]


# -- bad files: whole messages ------------------------------------------------------------------
def test_a_workbook_with_problems_lists_every_one_with_sheet_row_column_value_and_expected(tmp_path, plan):
    path = fill(write_assessment_template(plan, tmp_path / "定性评估.xlsx"), {
        "G2": "差不多", "H2": "报告",                       # a wrong status word
        "A4": "350199", "G4": "已实现", "H4": "报告",        # an unknown region
        "E5": "health-99", "G5": "已实现", "H5": "报告",     # an unknown goal
        "G6": "已实现",                                      # no evidence
        "G7": "未实现", "H7": "报告", "J7": "昨天",          # not a date
    })
    with pytest.raises(AssessmentError) as info:
        read_assessments(path, plan)
    name = path.name
    assert str(info.value) == (
        f"{name}: 5 problems in the assessments; nothing was read / 评估表有5处问题，未读取\n"
        f"  - {name}, sheet '评估 assessments', row 2, column G (status): one of 已实现, 基本实现, 未实现, 无法评估 (attained, "
        "basically attained, not attained, not assessable) (got '差不多') / 评估结论须为已实现、基本实现、未实现或无法评估\n"
        f"  - {name}, sheet '评估 assessments', row 4, column A (region): a region of the plan (350100, 350102, 350111), by "
        "code or name (got '350199') / 规划中没有该地区\n"
        f"  - {name}, sheet '评估 assessments', row 5, column E (target_id): a qualitative target of plan "
        "example-proxies-2021-2030; did you mean health-10? (got 'health-99') / 规划example-proxies-2021-2030中没有该目标\n"
        f"  - {name}, sheet '评估 assessments', row 6, column H (evidence): the evidence the verdict rests on / 评估须注明依据\n"
        f"  - {name}, sheet '评估 assessments', row 7, column J (assessed_on): a date such as 2025-03-01 (or empty) "
        "(got '昨天') / 评估日期须为日期，如2025-03-01")
    cases = info.value.failure_cases
    assert cases.columns.tolist() == ["file", "sheet", "row", "column", "value", "expected", "expected_zh"]
    assert cases["row"].tolist() == [2, 4, 5, 6, 7]
    copy = pickle.loads(pickle.dumps(info.value))  # a worker's error reaches the parent whole
    assert str(copy) == str(info.value) and copy.failure_cases.equals(cases)


def test_a_utf16_and_a_gb18030_csv_with_problems_are_refused_with_the_same_message(tmp_path, plan):
    frame = pd.DataFrame({"target_id": ["health-10", "health-7", "family-1"], "region": ["晋安区", "晋安区", "马尾区"],
                          "status": ["已完成", "已实现", "已实现"], "evidence": ["报告", "报告", "报告"]})
    messages = []
    for encoding in ("utf-16", "gb18030"):
        path = tmp_path / f"{encoding}.csv"
        frame.to_csv(path, index=False, encoding=encoding)
        with pytest.raises(AssessmentError) as info:
            read_assessments(path, plan)
        messages.append(str(info.value).replace(path.name, "<file>"))
    assert messages[0] == messages[1] == (
        "<file>: 3 problems in the assessments; nothing was read / 评估表有3处问题，未读取\n"
        "  - <file>, row 2, column C (status): one of 已实现, 基本实现, 未实现, 无法评估 (attained, basically attained, not "
        "attained, not assessable) (got '已完成') / 评估结论须为已实现、基本实现、未实现或无法评估\n"
        "  - <file>, row 3, column A (target_id): a qualitative target: this one is computed from data, not assessed (got "
        "'health-7') / 该目标由数据计算，不能人工评估\n"
        "  - <file>, row 4, column B (region): a region of the plan (350100, 350102, 350111), by code or name (got '马尾区') / "
        "规划中没有该地区")


def test_empty_damaged_and_tableless_files_are_refused_in_one_message(tmp_path, plan):
    empty = tmp_path / "空.csv"
    empty.write_bytes(b"")
    blank_book = tmp_path / "空.xlsx"
    blank_book.write_bytes(b"")
    for path in (empty, blank_book):
        with pytest.raises(AssessmentError) as info:
            read_assessments(path, plan)
        assert str(info.value) == (f"{path.name}: the file is empty; expected the assessment workbook (wdmonitor template "
                                   "--assessments) with its header row and rows / 文件为空，应为含表头和评估行的评估表")
    damaged = tmp_path / "坏.xlsx"
    damaged.write_bytes("目标编号,评估结论\n".encode("utf-16"))
    with pytest.raises(AssessmentError) as info:
        read_assessments(damaged, plan)
    assert str(info.value).startswith("坏.xlsx: cannot read the workbook (") and "无法读取Excel工作簿" in str(info.value)
    other = tmp_path / "其他.csv"
    other.write_text("地区,年份,数值\n晋安区,2025,1\n", encoding="utf-8")
    with pytest.raises(AssessmentError) as info:
        read_assessments(other, plan)
    assert str(info.value) == (
        "其他.csv: no assessment table found; expected a header row with 目标编号 target_id and 评估结论 status within the "
        "first 10 rows, as the template (wdmonitor template --assessments) has it / 未找到评估表：前10行中应有含“目标编号”和“评估结论”的表头行")
    nul = tmp_path / "无BOM.csv"
    nul.write_bytes("target_id,status\n".encode("utf-16-le"))
    with pytest.raises(AssessmentError) as info:
        read_assessments(nul, plan)
    assert str(info.value) == ("无BOM.csv: the text holds NUL characters (UTF-16 without a byte-order mark?); save it as UTF-8 "
                               "(CSV UTF-8 in Excel or WPS) / 文件含空字符（可能是无BOM的UTF-16），请另存为UTF-8编码的CSV")


def test_a_goal_assessed_twice_for_one_region_names_both_rows(plan):
    with pytest.raises(AssessmentError) as info:
        read_assessments(pd.DataFrame({"target_id": ["family-1", "family-1"], "region": ["晋安区", "350111"],
                                       "status": ["已实现", "未实现"], "evidence": ["a", "b"]}), plan)
    assert str(info.value).splitlines()[1] == (
        "  - <frame>, row 3, column target_id: one assessment per goal and region; family-1 for 350111 is already assessed in "
        "row 2 (got 'family-1') / 同一目标同一地区只能评估一次（已在第2行评估）")


def test_the_command_line_answers_a_bad_assessments_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    sample = tmp_path / "data.csv"
    data().to_csv(sample, index=False)
    assert main(["evaluate", str(sample), "--plan", str(PLAN), "--year", "2025", "--assessments", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wdmonitor: error: bad.csv: the file is empty") and "Traceback" not in err


# -- revisions in the store, as of a date (both backends) ---------------------------------------
def test_revisions_are_kept_with_who_when_and_evidence_and_as_of_applies(locations, plan):
    store = Store(locations.new(), plan=plan)
    assert store.schema_version() == SCHEMA_VERSION == 3
    first = store.add_assessments(pd.DataFrame({
        "target_id": ["health-10", "health-10"], "region": ["晋安区", "鼓楼区"], "status": ["未实现", "已实现"],
        "evidence": ["2023年自评：尚未建立", "鼓楼区报告"], "assessed_by": ["晋安区妇儿工委", "鼓楼区妇儿工委"]}),
        submitted_at="2024-03-01")
    assert (first.n_rows, first.department) == (2, "晋安区妇儿工委, 鼓楼区妇儿工委")
    store.add_assessments(pd.DataFrame({"target_id": ["health-10"], "region": ["晋安区"], "status": ["基本实现"],
                                        "evidence": ["2024年复评：已建立管理模式"], "assessed_by": ["晋安区妇儿工委"],
                                        "assessed_on": ["2025-02-20"]}), submitted_at="2025-03-01")
    history = store.assessments(history=True)
    assert history[["region", "status", "evidence", "revised_at"]].values.tolist() == [
        [JINAN, "not_attained", "2023年自评：尚未建立", "2024-03-01T00:00:00+00:00"],
        [GULOU, "attained", "鼓楼区报告", "2024-03-01T00:00:00+00:00"],
        [JINAN, "basically_attained", "2024年复评：已建立管理模式", "2025-03-01T00:00:00+00:00"]]
    now = store.assessments()
    then = store.assessments(as_of="2024-12-31")
    assert now.set_index("region")["status"].to_dict() == {GULOU: "attained", JINAN: "basically_attained"}
    assert then.set_index("region")["status"].to_dict() == {JINAN: "not_attained", GULOU: "attained"}
    assert store.assessments(as_of="2024-01-01").empty
    # the evaluation takes the verdicts as known then; the city is summarised from both counties
    early = evaluate(data(), plan, 2025, assessments=then).table.set_index(["target_id", "region"])
    late = evaluate(data(), plan, 2025, assessments=now).table.set_index(["target_id", "region"])
    assert early.loc[("health-10", CITY), "status"] == "not_attained"
    assert late.loc[("health-10", CITY), "status"] == "basically_attained"
    assert late.loc[("health-10", JINAN), "assessment_source"] == "<frame>, row 2 (revision of 2025-03-01)"
    with pytest.raises(StoreError) as info:
        store.add_assessments(assessment_template(plan))
    assert str(info.value) == "<frame>: no goal carries a verdict (every status is empty); nothing was stored / <frame>：没有填写评估结论的行，未入库"
    with pytest.raises(AssessmentError):
        store.add_assessments(pd.DataFrame({"target_id": ["health-10"], "status": ["好"], "evidence": ["x"]}))
    assert len(store.assessments(history=True)) == 3  # nothing stored by the refusals


def test_a_version_2_store_is_migrated_to_version_3_keeping_its_data(locations, plan):
    location = locations.new()
    Store(location, plan=plan).add(data(), department="卫健委", submitted_at="2025-03-01")
    locations.execute(location, "DROP TABLE assessments")
    locations.execute(location, "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    store = Store(location, plan=plan)
    assert store.schema_version() == 3
    assert len(store.frame()) == 6 and store.assessments().empty
    store.add_assessments(pd.DataFrame({"target_id": ["family-1"], "status": ["已实现"], "evidence": ["市级报告"]}))
    assert Store(location).assessments()["region"].tolist() == [CITY]
    # a version 3 store without its assessments table is damaged, and says so
    locations.execute(location, "DROP TABLE assessments")
    with pytest.raises(StoreError) as info:
        Store(location)
    assert "the store is missing the table(s) assessments" in str(info.value)


def test_a_countys_revisions_are_merged_into_the_citys_store_once(tmp_path, locations, plan):
    county = Store(locations.new("county"), plan=plan)
    county.add_assessments(pd.DataFrame({"target_id": ["health-10"], "region": ["晋安区"], "status": ["基本实现"],
                                         "evidence": ["晋安区自评"], "assessed_by": ["晋安区妇儿工委"]}), submitted_at="2025-03-01")
    city = Store(tmp_path / "city.sqlite", plan=plan)
    assert city.merge_assessments(county) == 1
    assert city.merge_assessments(county) == 0  # twice: nothing new
    exported = county.export(tmp_path / "county-export.sqlite")
    assert city.merge_assessments(exported) == 0  # the same revision through a file
    merged = city.assessments()
    assert merged[["target_id", "region", "status", "evidence", "assessed_by", "revised_at"]].values.tolist() == [
        ["health-10", JINAN, "basically_attained", "晋安区自评", "晋安区妇儿工委", "2025-03-01T00:00:00+00:00"]]
    assert city.assessments(as_of="2025-01-01").empty  # as of a date before the county's verdict
    with pytest.raises(StoreError) as info:
        city.merge_assessments(tmp_path / "county.csv")
    assert str(info.value).endswith("not from a CSV export / 定性评估只能从数据库文件合并，CSV导出文件不含评估记录")
