"""Workbooks in the layouts departments really send (统计报表): read right, every cell accounted for.

Each layout is written by :mod:`wdmonitor.layouts_sample` from canonical rows; reading the
workbook back must give exactly those rows (region, year, indicator, sex, value), the
layout section must account for every non-empty cell, and validation must pass. Hypothesis
writes random frames into every layout.
"""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wdmonitor import SubmissionError, check_submission, load_plan, read_submission
from wdmonitor.layouts_sample import LAYOUTS

PLAN = load_plan("huludao-2021-2030")
COUNTIES = [r.code for r in PLAN.regions]
EVERY_REGION = [PLAN.jurisdiction.code, *COUNTIES]
#: (indicator, sexes it is sent for, value range): a women-only rate and percentages, both-sex shares.
WOMEN_ONLY = {"maternal_mortality_ratio": (0, 60), "maternal_systematic_management_rate": (60, 100),
              "cervical_cancer_screening_rate": (20, 95)}
BOTH_SEXES = {"compulsory_education_retention_rate": (85, 100), "upper_secondary_gross_enrolment_rate": (70, 99)}
SHARES = {"female_share_village_committee_members": (20, 45), "female_share_residents_committee_members": (40, 65)}


def key(frame: pd.DataFrame) -> list[tuple]:
    rows = frame[["region", "year", "indicator", "sex", "value"]].dropna(subset=["value"])
    return sorted((r, int(y), i, s, round(float(v), 6)) for r, y, i, s, v in rows.itertuples(index=False))


def rows(indicators: dict[str, tuple[int, int]], sexes: dict[str, list[str]], regions: list[str], year: int,
         draw_value) -> pd.DataFrame:
    out = []
    for region in regions:
        for indicator, (low, high) in indicators.items():
            for sex in sexes[indicator]:
                out.append({"region": region, "year": year, "indicator": indicator, "sex": sex, "value": draw_value(low, high)})
    return pd.DataFrame(out)


def fixed_value(low: float, high: float) -> float:
    return round((low + high) / 2 + 0.3, 1)


def read_back(layout: str, frame: pd.DataFrame, tmp_path) -> pd.DataFrame:
    path = LAYOUTS[layout](frame, PLAN, tmp_path / f"{layout}.xlsx")
    read = read_submission(path, PLAN)
    for sheet in read.attrs["layout"].sheets:
        assert sheet.unaccounted == [], (sheet.sheet, sheet.unaccounted)
    return read


CASES = {
    "indicators_as_rows": lambda draw: rows({**WOMEN_ONLY, **BOTH_SEXES},
                                            {**dict.fromkeys(WOMEN_ONLY, ["female"]), **dict.fromkeys(BOTH_SEXES, ["female", "male", "total"])},
                                            ["211421"], 2024, draw),
    "regions_as_rows": lambda draw: rows(BOTH_SEXES, dict.fromkeys(BOTH_SEXES, ["female", "male"]), EVERY_REGION, 2023, draw),
    "total_and_female": lambda draw: rows({**BOTH_SEXES, **SHARES},
                                          {**dict.fromkeys(BOTH_SEXES, ["total", "female"]), **dict.fromkeys(SHARES, ["female"])},
                                          ["211402"], 2024, draw),
    "sheet_per_region": lambda draw: rows(WOMEN_ONLY, dict.fromkeys(WOMEN_ONLY, ["female"]), EVERY_REGION, 2022, draw),
    "system_export": lambda draw: rows(BOTH_SEXES, dict.fromkeys(BOTH_SEXES, ["female", "male"]), COUNTIES[:3], 2024, draw),
}


@pytest.mark.parametrize("layout", list(CASES))
def test_each_real_layout_reads_back_the_rows_it_was_written_from(layout, tmp_path):
    sent = CASES[layout](fixed_value)
    read = read_back(layout, sent, tmp_path)
    assert key(read) == key(sent)
    report = check_submission(read, PLAN)
    # 合计 and 其中：女 for an indicator measured on both sexes: one sex beside its total is valid
    assert report.ok and len(report.valid) == len(sent), report.failure_cases["message_en"].tolist()


@given(data=st.data(), layout=st.sampled_from(list(CASES)))
def test_any_frame_written_into_any_layout_reads_back_the_same(tmp_path_factory, data, layout):
    def draw(low, high):
        return data.draw(st.integers(int(low * 10), int(high * 10))) / 10

    sent = CASES[layout](draw)
    read = read_back(layout, sent, tmp_path_factory.mktemp(layout))
    assert key(read) == key(sent)


def test_the_layout_section_says_where_header_context_and_skipped_rows_are(tmp_path):
    sent = CASES["indicators_as_rows"](fixed_value)
    sheet = read_back("indicators_as_rows", sent, tmp_path).attrs["layout"].sheets[0]
    assert sheet.header_rows == (8, 9, 10)  # the header, 女/男/合计 under 2024年, the 甲乙丙 row
    assert sheet.kind == "indicators_as_rows"
    assert [(c.field, c.value, c.cell) for c in sheet.context] == [
        ("year", "2024", "A6"), ("region", "211421", "A6"), ("region", "211421", "A7"), ("source", "绥中县卫生健康部门", "A7")]
    reasons = {s.row: s.reason for s in sheet.skipped}
    assert reasons == {1: "form", 2: "form", 3: "form", 4: "form", 6: "context", 7: "context", 11: "section", 18: "note", 19: "signature"}
    assert sheet.data_rows == (12, 13, 14, 15, 16)
    places = sheet.places
    assert places["E12"] == "not_applicable" and places["D12"] == "data"  # 男 of a women-only indicator, "—"


def test_a_hidden_sheet_is_listed_and_read_only_when_named(tmp_path):
    sent = CASES["sheet_per_region"](fixed_value)
    path = LAYOUTS["sheet_per_region"](sent, PLAN, tmp_path / "组织部.xlsx")
    read = read_submission(path, PLAN)
    statuses = {s.sheet: s.status for s in read.attrs["layout"].sheets}
    assert statuses["上年数据"] == "hidden" and statuses["填表说明"] == "instructions"
    assert 2021 not in set(read["year"])
    hidden = read_submission(path, PLAN, sheet="上年数据")
    assert hidden["year"].tolist() == [2021] and hidden["source_sheet"].tolist() == ["上年数据"]


def test_a_percent_formatted_fraction_is_read_as_the_percentage_shown(tmp_path):
    sent = CASES["total_and_female"](fixed_value)
    path = LAYOUTS["total_and_female"](sent, PLAN, tmp_path / "民政局.xlsx")
    book = openpyxl.load_workbook(path)
    cell = book["报表"]["D4"]
    assert cell.number_format == "0.0%" and math.isclose(cell.value, sent["value"].iloc[1] / 100)
    read = read_submission(path, PLAN)
    first = read[(read["indicator"] == sent["indicator"].iloc[1]) & (read["sex"] == "female")]
    assert first["value"].tolist() == [sent["value"].iloc[1]] and first["unit"].tolist() == ["%"]


def test_a_total_row_that_does_not_add_up_is_left_out_with_a_warning(tmp_path):
    sent = rows({"kindergarten_enrolment": (1000, 5000)}, {"kindergarten_enrolment": ["female", "male"]}, COUNTIES[:2], 2024, fixed_value)
    path = LAYOUTS["regions_as_rows"](sent, PLAN, tmp_path / "教育局.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["B6"] = 9999.0  # the 合计 row of 女, wrong
    book.save(path)
    report = check_submission(read_submission(path, PLAN), PLAN)
    warning = report.failure_cases[report.failure_cases["check"] == "total_row"]
    assert warning["message_en"].tolist() == [
        "教育局.xlsx, sheet '县区汇总', row 6, column B: the 合计 row gives 9999, but the rows it totals give 6000.6; "
        "the row was left out, please check the figures"]
    assert report.ok and len(report.valid) == 4


def test_female_above_total_refuses_both_cells():
    frame = pd.DataFrame({"region": "211400", "year": 2024, "indicator": "kindergarten_enrolment",
                          "sex": ["female", "male", "total"], "value": [5200, 4800, 5000]})
    report = check_submission(frame, PLAN)
    refused = report.failure_cases[report.failure_cases["check"] == "female_le_total"]
    assert refused["row"].tolist() == [0, 2]


def test_an_unknown_name_suggests_the_closest_names_of_the_plan():
    frame = pd.DataFrame({"地区": ["绥中"], "年份": ["2024年"], "指标名称": ["孕产妇死忙率"], "性别": ["女"], "数值": [9.8]})
    report = check_submission(read_submission(frame, PLAN), PLAN)
    assert report.failure_cases["message_en"].tolist() == [
        "<frame>, row 2, column indicator: indicator must be an indicator of the plan (a catalogue id or its Chinese name); "
        "the closest names of the plan are 孕产妇死亡率, 孕妇贫血率, 孕产妇死亡人数 (got '孕产妇死忙率')"]


@pytest.mark.parametrize("written", ["孕产妇系统管理率（%）", "孕产妇系统管理率*", "1.孕产妇系统管理率①", "《孕产妇系统管理率》", "孕产妇的系统管理率"])
def test_indicator_names_as_people_write_them(written):
    frame = pd.DataFrame({"地区": ["全市"], "年份": [2024], "指标名称": [written], "性别": ["女"], "数值": [95.1]})
    read = read_submission(frame, PLAN)
    assert read[["region", "indicator"]].values.tolist() == [["211400", "maternal_systematic_management_rate"]]


def test_a_system_export_whose_name_and_code_disagree_is_refused(tmp_path):
    sent = CASES["system_export"](fixed_value)
    path = LAYOUTS["system_export"](sent, PLAN, tmp_path / "导出.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["B2"] = "兴城市"
    book.save(path)
    report = check_submission(read_submission(path, PLAN), PLAN)
    # the refused female row leaves its male partner alone: refused too, as validation is idempotent
    assert report.failure_cases[["source_row", "check"]].values.tolist() == [[2, "region_name_matches_code"], [3, "both_sexes"]]
    assert report.failure_cases["message_zh"].iloc[0] == (
        "导出.xlsx，工作表“导出数据”，第2行，“地区名称”列：地区名称须与同行的行政区划代码一致（211402为连山区）（实际为'兴城市'）")


def test_a_sheet_without_a_recognisable_header_is_refused_once_naming_the_row(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["某某情况表"])
    book.active.append(["甲", 1.5])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(SubmissionError) as info:
        read_submission(tmp_path / "x.xlsx", PLAN)
    assert str(info.value).startswith(
        "x.xlsx, sheet 'Sheet1': the table's header row could not be found; row 2, the likeliest, reads '甲 | 1.5'; expected a row")
    assert "工作表“Sheet1”：未找到表头行" in str(info.value)


def test_an_old_xls_workbook_is_read_with_its_title_and_percent_format(tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("卫健委")
    sheet.write(0, 0, "2024年绥中县妇女发展规划监测统计表")
    for column, header in enumerate(["指标名称", "计量单位", "女"]):
        sheet.write(1, column, header)
    sheet.write(2, 0, "孕产妇系统管理率")
    sheet.write(2, 1, "%")
    sheet.write(2, 2, 0.953, xlwt.easyxf(num_format_str="0.0%"))
    sheet.write(3, 0, "孕产妇死亡率")
    sheet.write(3, 1, "1/10万")
    sheet.write(3, 2, 12.3)
    book.save(str(tmp_path / "卫健委.xls"))
    read = read_submission(tmp_path / "卫健委.xls", PLAN)
    assert read[["region", "year", "indicator", "sex", "value", "unit"]].values.tolist() == [
        ["211421", 2024, "maternal_systematic_management_rate", "female", 95.3, "%"],
        ["211421", 2024, "maternal_mortality_ratio", "female", 12.3, "1/10万"]]
    assert check_submission(read, PLAN).ok


def test_an_excel_error_cell_and_a_percent_cell_survive_the_fast_xlsx_path(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["地区", "年份", "指标名称", "性别", "数值"])
    sheet.append(["绥中县", 2024, "孕产妇系统管理率", "女", 0.953])
    sheet["E2"].number_format = "0.00%"
    sheet.append(["绥中县", 2024, "孕产妇死亡率", "女", "=1/0"])
    book.save(tmp_path / "x.xlsx")
    # openpyxl saves no result for a formula; write the error Excel would have saved
    import zipfile

    with zipfile.ZipFile(tmp_path / "x.xlsx") as source, zipfile.ZipFile(tmp_path / "y.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="E3"><f>1/0</f><v></v></c>', b'<c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                assert b't="e"' in data
            target.writestr(item, data)
    report = check_submission(read_submission(tmp_path / "y.xlsx", PLAN), PLAN)
    assert report.valid["value"].tolist() == [95.3]
    assert report.failure_cases[["source_row", "check", "value"]].values.tolist() == [[3, "excel_error", "#DIV/0!"]]


SAMPLES = ["卫健委_2024_绥中县_统计报表.xlsx", "教育局_2024_县区汇总.xlsx", "民政局_2024_绥中县_合计其中女.xlsx", "组织部_2024_分县区工作表.xlsx"]


def test_the_real_layout_samples_regenerate_byte_for_byte(tmp_path):
    from wdmonitor.layouts_sample import write_samples
    from wdmonitor.sample import sample_path

    written = write_samples(tmp_path)
    assert [p.name for p in written] == SAMPLES
    for path in written:
        assert path.read_bytes() == sample_path(path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", SAMPLES)
def test_each_real_layout_sample_reads_as_the_sample_figures_it_was_made_from(name):
    from wdmonitor.sample import load_sample, sample_path

    read = read_submission(sample_path(name), PLAN)
    report = check_submission(read, PLAN)
    truth = load_sample()
    truth = truth[(truth["area_type"] == "total")].assign(value=truth["value"].round(2))
    merged = report.valid.merge(truth, on=["region", "year", "indicator", "sex"], suffixes=("", "_sample"), validate="one_to_one")
    assert len(merged) == len(report.valid) > 0
    assert (merged["value"] - merged["value_sample"]).abs().max() < 1e-9
    assert report.ok
    assert all(sheet.unaccounted == [] for sheet in read.attrs["layout"].sheets)


def workbook(tmp_path, rows: list[list], merged: tuple[str, ...] = (), name: str = "表.xlsx", title: str = "Sheet1"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(tmp_path / name)
    return tmp_path / name


def long(frame: pd.DataFrame) -> list[list]:
    return frame[["region", "year", "indicator", "sex", "value"]].values.tolist()


def test_a_three_row_header_regions_over_indicators_over_sexes(tmp_path):
    path = workbook(tmp_path, [
        ["2024年妇女发展规划监测统计表（教育局）"],
        ["地区", "指标", None, None, None],
        [None, "九年义务教育巩固率（%）", None, "高中阶段教育毛入学率（%）", None],
        [None, "女", "男", "女", "男"],
        ["绥中县", 96.1, 95.2, 90.4, 88.8],
        ["兴城", 97.3, 96.0, 91.5, 90.1],
    ], merged=("A2:A4", "B2:E2", "B3:C3", "D3:E3"))
    read = read_submission(path, PLAN)
    assert read.attrs["layout"].sheets[0].header_rows == (2, 3, 4)
    assert long(read) == [
        ["211421", 2024, "compulsory_education_retention_rate", "female", 96.1],
        ["211421", 2024, "compulsory_education_retention_rate", "male", 95.2],
        ["211421", 2024, "upper_secondary_gross_enrolment_rate", "female", 90.4],
        ["211421", 2024, "upper_secondary_gross_enrolment_rate", "male", 88.8],
        ["211481", 2024, "compulsory_education_retention_rate", "female", 97.3],
        ["211481", 2024, "compulsory_education_retention_rate", "male", 96.0],
        ["211481", 2024, "upper_secondary_gross_enrolment_rate", "female", 91.5],
        ["211481", 2024, "upper_secondary_gross_enrolment_rate", "male", 90.1]]
    assert check_submission(read, PLAN).ok


def test_years_as_columns_with_the_unit_in_a_row_above_and_the_region_in_the_sheet_name(tmp_path):
    path = workbook(tmp_path, [
        ["表号：妇监2表"],
        ["单位：%"],
        ["指标名称", "2022年", "2023年", "2024年"],
        ["孕产妇系统管理率", 93.1, 94.0, "95.2"],
        ["适龄妇女宫颈癌人群筛查率*", "—", 61.5, 63.0],
    ], title="建昌县")
    read = read_submission(path, PLAN)
    sheet = read.attrs["layout"].sheets[0]
    assert [(c.field, c.value, c.cell) for c in sheet.context] == [("unit", "%", "A2"), ("region", "211422", "sheet name")]
    report = check_submission(read, PLAN)
    assert long(report.valid) == [
        ["211422", 2022, "maternal_systematic_management_rate", "female", 93.1],
        ["211422", 2023, "maternal_systematic_management_rate", "female", 94.0],
        ["211422", 2024, "maternal_systematic_management_rate", "female", 95.2],
        ["211422", 2023, "cervical_cancer_screening_rate", "female", 61.5],
        ["211422", 2024, "cervical_cancer_screening_rate", "female", 63.0]]
    assert report.no_data["source_row"].tolist() == [5]  # "—" is no data, not an error
    assert set(report.valid["unit"]) == {"percent"}


def test_a_sub_row_of_girls_is_the_female_row_of_the_indicator_above(tmp_path):
    path = workbook(tmp_path, [
        ["2024年绥中县教育统计表"],
        ["序号", "项目", "计量单位", "数值"],
        ["1", "在园幼儿数", "人", 5320],
        [None, "其中：女童", "人", 2500],
        ["2", "孕产妇死亡人数", "人", 1],
        ["3", "活产数", "人", 3921],
        ["填表人：张三", None, "审核人：李四"],
    ])
    read = read_submission(path, PLAN)
    assert read[["indicator", "sex", "value"]].values.tolist() == [
        ["kindergarten_enrolment", "total", 5320], ["kindergarten_enrolment", "female", 2500],
        ["maternal_deaths", "female", 1], ["live_births", "total", 3921]]
    assert [s.reason for s in read.attrs["layout"].sheets[0].skipped] == ["context", "signature"]  # the title names year and county


def test_a_column_without_a_header_is_listed_as_not_read_never_dropped_in_silence(tmp_path):
    (tmp_path / "x.csv").write_text("地区,年份,指标,性别,数值,\n211400,2024,maternal_mortality_ratio,女,9.8,备注：核实\n", encoding="utf-8")
    read = read_submission(tmp_path / "x.csv", PLAN)
    sheet = read.attrs["layout"].sheets[0]
    assert ("F", "(no header)", "not_read") in sheet.columns
    assert sheet.places["F2"] == "column_not_read"
    assert not any(str(c).startswith("Unnamed") for c in read.columns)


def test_a_twelve_digit_statistical_code_names_its_region():
    frame = pd.DataFrame({"统计用区划代码": ["211421000000"], "年份": [2024], "指标": ["孕产妇死亡率"], "性别": ["女"], "数值": [9.8]})
    assert read_submission(frame, PLAN)["region"].tolist() == ["211421"]


def test_the_store_adds_every_visible_sheet_or_the_ones_named(tmp_path):
    from wdmonitor import Store
    from wdmonitor.sample import sample_path

    workbook_path = sample_path("组织部_2024_分县区工作表.xlsx")
    store = Store(tmp_path / "监测库.sqlite", plan=PLAN)
    store.add(workbook_path, department="组织部")
    stored = store.frame()
    assert sorted(stored["region"]) == sorted(EVERY_REGION) and set(stored["year"]) == {2024}
    hidden = Store(tmp_path / "上年.sqlite", plan=PLAN)
    hidden.add(workbook_path, department="组织部", sheet="上年数据")
    assert hidden.frame()[["region", "year"]].values.tolist() == [[PLAN.jurisdiction.code, 2023]]


def test_wdmonitor_validate_reads_only_the_sheets_named(tmp_path):
    import subprocess
    import sys

    from wdmonitor.sample import sample_path

    done = subprocess.run([sys.executable, "-m", "wdmonitor", "validate", str(sample_path("组织部_2024_分县区工作表.xlsx")),
                           "--plan", "huludao-2021-2030", "--sheet", "绥中县", "--sheet", "兴城市", "--lang", "en"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    read = [line for line in done.stdout.splitlines() if line.startswith("sheet ") and "not selected" not in line]
    assert [line.split(":")[0] for line in read] == ["sheet '绥中县'", "sheet '兴城市'"]
    assert "2 rows: 2 valid" in done.stdout


CELL_TEXT = st.sampled_from(["地区", "年份", "指标名称", "性别", "数值", "女", "男", "合计", "其中：女", "2024年", "绥中县", "全市",
                             "孕产妇死亡率", "九年义务教育巩固率（%）", "注：说明", "填表人：张三", "单位：%", "一、妇女与健康",
                             "合计", "—", "备注", "甲", "1", "9.8", "211400", "#DIV/0!", "2024年葫芦岛市统计表"])
CELL = st.one_of(st.none(), CELL_TEXT, st.floats(0, 200, allow_nan=False).map(lambda v: round(v, 1)), st.integers(2015, 2030))


@settings(max_examples=int(__import__("os").environ.get("LAYOUT_EXAMPLES", 80)), deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=12), merge=st.booleans())
def test_any_sheet_is_read_with_every_non_empty_cell_accounted_for_or_refused_once(tmp_path_factory, rows, merge):
    """Whatever a sheet holds, it is either read with every non-empty cell in one place, or refused
    as a whole with one wdmonitor error naming the file and sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge and len(rows) > 2:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
    path = tmp_path_factory.mktemp("any") / "any.xlsx"
    book.save(path)
    try:
        read = read_submission(path, PLAN)
    except SubmissionError as error:
        assert str(error).startswith("any.xlsx")
        return
    for layout in read.attrs["layout"].sheets:
        if layout.status == "read":
            assert layout.unaccounted == [], layout.places
            data = {int(ref[1:]) for ref, place in layout.places.items() if place == "data" and ref[0] == "A"} | set(layout.data_rows)
            assert set(read["source_row"]) <= data
    try:
        check_submission(read, PLAN)  # whatever was read can be checked without a foreign error
    except SubmissionError as error:  # a header without data rows: no column to check
        assert len(read) == 0 and "lacks the required column" in str(error)


def test_sheet_names_apply_to_each_workbook_that_has_them_and_a_name_no_file_has_is_refused(tmp_path):
    from wdmonitor.readers import read_files
    from wdmonitor.sample import sample_path

    health, organisation = sample_path("卫健委_2024_绥中县_统计报表.xlsx"), sample_path("组织部_2024_分县区工作表.xlsx")
    read = read_files([health, organisation], PLAN, sheet=["2024年", "绥中县"])
    assert sorted(set(read["source_sheet"])) == ["2024年", "绥中县"]
    with pytest.raises(SubmissionError) as info:
        read_files([health, organisation], PLAN, sheet=["2024年", "绥中"])
    assert str(info.value).startswith("组织部_2024_分县区工作表.xlsx: has none of the sheets named ('2024年', '绥中')")
    with pytest.raises(SubmissionError) as info:
        read_files([organisation, organisation], PLAN, sheet=["绥中县", "兴城"])
    assert str(info.value) == "no file has the sheet(s) '兴城' / 所有文件中均没有工作表：兴城"
