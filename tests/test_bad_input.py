"""The bad-input corpus (tests/data/bad/): every file gives a wdmonitor error or failure cases
that name the file, row, column and value, nothing else is raised, and no row is lost.

Each case states the whole message: a refused file its error, a checked file every failure
case (source row, column, value, check, English message) and the rows that pass. The Chinese
message of every failure case is checked to name the same place and value. See
tests/data/bad/README.md for what each file exercises.
"""

from __future__ import annotations

import csv
import math
import zipfile
from collections import Counter
from io import StringIO
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from wdmonitor import (
    PlanError,
    SubmissionError,
    WdmonitorError,
    check_submission,
    load_plan,
    read_submission,
    readers,
)

BAD = Path(__file__).parent / "data" / "bad"
nan, inf = math.nan, math.inf
HUGE_CSV = "9" * 200_000 + "x"
HUGE_XLSX = "九" * 32_767
csv.field_size_limit(10_000_000)  # huge_cell.csv holds a 200,001-character cell

#: Files that cannot be read or checked at all: the whole error message.

REFUSED = {
    'binary_garbage.csv': 'binary_garbage.csv: unreadable text encoding / 无法识别文件编码',
    'duplicate_columns.csv': "duplicate_columns.csv: several columns mean the same thing ('region', '地区' → region); expected each column once / 多列含义相同（'region', '地区' → region），每列只能出现一次",
    'empty.csv': 'empty.csv: the file is empty; expected a header row and data rows / 文件为空，应有表头和数据行',
    'empty_sheet.xlsx': 'empty_sheet.xlsx: the submission lacks the required column(s) region, year, indicator, sex, value; found no columns; expected region, year, indicator, sex, value / 报送数据缺少必填列：region, year, indicator, sex, value',
    'missing_column.csv': 'missing_column.csv: the submission lacks the required column(s) sex; found region, year, indicator, value; expected region, year, indicator, sex, value / 报送数据缺少必填列：sex',
    'not_excel.xlsx': 'not_excel.xlsx: cannot read the workbook (File is not a zip file); expected an .xlsx file / 无法读取Excel文件',
    'ragged_rows.csv': 'ragged_rows.csv, row 2: the row has more cells (7) than the header has columns (5); expected one cell per column / 第2行的单元格数多于表头列数',
    'repeated_header.csv': "repeated_header.csv: the header '数值' appears more than once; expected each column once / 表头 '数值' 重复出现，每列只能出现一次",
    'semicolon_delimited.csv': 'semicolon_delimited.csv: the submission lacks the required column(s) region, year, indicator, sex, value; found region;year;indicator;sex;value; expected region, year, indicator, sex, value / 报送数据缺少必填列：region, year, indicator, sex, value',
    'title_rows.xlsx': 'title_rows.xlsx: the submission lacks the required column(s) region, year, indicator, sex, value; found 2021年妇女发展统计监测表, Unnamed: 1, Unnamed: 2, Unnamed: 3, Unnamed: 4; expected region, year, indicator, sex, value / 报送数据缺少必填列：region, year, indicator, sex, value',
    'truncated.xlsx': 'truncated.xlsx: cannot read the workbook (File is not a zip file); expected an .xlsx file / 无法读取Excel文件',
    'unclosed_quote.csv': 'unclosed_quote.csv: not a readable CSV file (Error tokenizing data. C error: EOF inside string starting at row 1) / 无法解析CSV文件',
    'utf16.csv': 'utf16.csv: unreadable text encoding / 无法识别文件编码',
    'wide_text_year_columns.csv': "wide_text_year_columns.csv: the column header(s) '二〇二二年' spell a year in Chinese numerals; expected digits such as '2022年' / 列名 '二〇二二年' 中的年份须用阿拉伯数字书写，如“2022年”",
    'wrong_headers.csv': 'wrong_headers.csv: the submission lacks the required column(s) region, year, indicator, sex, value; found 地点, 时间, 名称, 类别, 数; expected region, year, indicator, sex, value / 报送数据缺少必填列：region, year, indicator, sex, value',
    'zip_not_workbook.xlsx': 'zip_not_workbook.xlsx: cannot read the workbook ("There is no item named \'[Content_Types].xml\' in the archive"); expected an .xlsx file / 无法读取Excel文件',
}

#: Files that are read and checked: (rows that pass, [(source row, column, value, check, message)]).
CHECKED = {
    'blank_cells.xlsx': ([], [
        (2, 'value', nan, 'no_data',
         'blank_cells.xlsx, row 2, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        (4, 'indicator', None, 'schema_indicator',
         'blank_cells.xlsx, row 4, column indicator: indicator is missing (got None)'),
        (5, 'sex', None, 'schema_sex',
         'blank_cells.xlsx, row 5, column sex: sex must be female, male or total (女/男/合计) (got None)'),
        ]),
    'blank_rows_only.csv': ([], [
        ]),
    'blank_value.csv': ([], [
        (2, 'value', nan, 'no_data',
         'blank_value.csv, row 2, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        ]),
    'chinese_numerals.csv': ([], [
        (2, 'year', '二〇二一', 'year_number',
         "chinese_numerals.csv, row 2, column year: year must be a whole number (got '二〇二一')"),
        (3, 'value', '九点八', 'number',
         "chinese_numerals.csv, row 3, column value: value must be a number (got '九点八')"),
        ]),
    'control_chars.csv': ([], [
        (2, 'indicator', 'maternal\x07mortality\x01ratio', 'known_indicator',
         "control_chars.csv, row 2, column indicator: indicator must be a catalogue id of the plan (got 'maternal\\x07mortality\\x01ratio')"),
        ]),
    'duplicate_keys.csv': ([], [
        (2, 'indicator', 'maternal_mortality_ratio', 'duplicate_key',
         "duplicate_keys.csv, row 2, column indicator: the same region, year, indicator, sex, area_type and age_group appear more than once (got 'maternal_mortality_ratio')"),
        (3, 'indicator', 'maternal_mortality_ratio', 'duplicate_key',
         "duplicate_keys.csv, row 3, column indicator: the same region, year, indicator, sex, area_type and age_group appear more than once (got 'maternal_mortality_ratio')"),
        ]),
    'female_male_not_total.csv': ([2, 2], [
        (2, 'value', 9000.0, 'female_plus_male_is_total',
         'female_male_not_total.csv, row 2, column value: female + male must equal total for counts (got 9000.0)'),
        ]),
    'formula_injection.csv': ([], [
        (2, 'value', '=HYPERLINK("http://example.invalid""x")', 'number',
         'formula_injection.csv, row 2, column value: value must be a number (got \'=HYPERLINK("http://example.invalid""x")\')'),
        (3, 'value', "+cmd|'/C calc'!A0", 'number',
         'formula_injection.csv, row 3, column value: value must be a number (got "+cmd|\'/C calc\'!A0")'),
        (4, 'value', '@SUM(A1:A9)', 'number',
         "formula_injection.csv, row 4, column value: value must be a number (got '@SUM(A1:A9)')"),
        (5, 'region', '=1+1', 'schema_region',
         "formula_injection.csv, row 5, column region: region must be a six-digit GB/T 2260 code (or a region name the plan knows) (got '=1+1')"),
        ]),
    'formulas.xlsx': ([], [
        (2, 'value', nan, 'no_data',
         'formulas.xlsx, row 2, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        (3, 'value', nan, 'no_data',
         'formulas.xlsx, row 3, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        (4, 'value', nan, 'no_data',
         'formulas.xlsx, row 4, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        (5, 'value', "=cmd|' /C calc'!A0", 'number',
         'formulas.xlsx, row 5, column value: value must be a number (got "=cmd|\' /C calc\'!A0")'),
        ]),
    'fullwidth_digits.csv': ([2], [
        (3, 'value', -1.0, 'non_negative',
         'fullwidth_digits.csv, row 3, column value: rates, shares and counts cannot be negative (got -1.0)'),
        ]),
    'header_only.csv': ([], [
        ]),
    'huge_cell.csv': ([], [
        (2, 'value', HUGE_CSV, 'number',
         "huge_cell.csv, row 2, column value: value must be a number (got '999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999… (200001 characters))"),
        ]),
    'huge_cell.xlsx': ([], [
        (2, 'value', HUGE_XLSX, 'number',
         "huge_cell.xlsx, row 2, column value: value must be a number (got '九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九… (32767 characters))"),
        ]),
    'macro.xlsm': ([2], [
        ]),
    'merged_cells.xlsx': ([2], [
        (3, 'region', None, 'schema_region',
         'merged_cells.xlsx, row 3, column region: region must be a six-digit GB/T 2260 code (or a region name the plan knows) (got None)'),
        (4, 'region', None, 'schema_region',
         'merged_cells.xlsx, row 4, column region: region must be a six-digit GB/T 2260 code (or a region name the plan knows) (got None)'),
        ]),
    'million_empty_rows.xlsx': ([2], [
        ]),
    'missing_keys.csv': ([], [
        (2, 'region', '', 'schema_region',
         "missing_keys.csv, row 2, column region: region must be a six-digit GB/T 2260 code (or a region name the plan knows) (got '')"),
        (3, 'year', nan, 'schema_year',
         'missing_keys.csv, row 3, column year: year is missing (got nan)'),
        (4, 'indicator', '', 'known_indicator',
         "missing_keys.csv, row 4, column indicator: indicator must be a catalogue id of the plan (got '')"),
        ]),
    'missing_partner_sex.csv': ([], [
        (2, 'sex', 'female', 'both_sexes',
         "missing_partner_sex.csv, row 2, column sex: this indicator needs female and male rows for the same key; the other sex is missing or refused (got 'female')"),
        ]),
    'nan_inf.csv': ([], [
        (2, 'value', inf, 'finite',
         'nan_inf.csv, row 2, column value: value must be a finite number (got inf)'),
        (3, 'value', nan, 'no_data',
         'nan_inf.csv, row 3, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        (4, 'value', -inf, 'finite',
         'nan_inf.csv, row 4, column value: value must be a finite number (got -inf)'),
        (4, 'value', -inf, 'non_negative',
         'nan_inf.csv, row 4, column value: rates, shares and counts cannot be negative (got -inf)'),
        ]),
    'negative.csv': ([], [
        (2, 'value', -1.0, 'non_negative',
         'negative.csv, row 2, column value: rates, shares and counts cannot be negative (got -1.0)'),
        ]),
    'numerator_over_denominator.csv': ([], [
        (2, 'numerator', 120.0, 'numerator_le_denominator',
         'numerator_over_denominator.csv, row 2, column numerator: numerator must not exceed denominator (100.0) (got 120.0)'),
        (2, 'value', 98.5, 'value_matches_counts',
         "numerator_over_denominator.csv, row 2, column value: value must equal numerator / denominator in the indicator's unit (120.0) (got 98.5)"),
        ]),
    'odd_cell_types.xlsx': ([], [
        (2, 'year', '2021-01-01 00:00:00', 'year_number',
         "odd_cell_types.xlsx, row 2, column year: year must be a whole number (got '2021-01-01 00:00:00')"),
        (3, 'value', nan, 'no_data',
         'odd_cell_types.xlsx, row 3, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        (4, 'value', 'True', 'number',
         "odd_cell_types.xlsx, row 4, column value: value must be a number (got 'True')"),
        ]),
    'over_100_percent.csv': ([], [
        (2, 'value', 120.0, 'percent_range',
         'over_100_percent.csv, row 2, column value: a percentage must lie between 0 and 100 (got 120.0)'),
        ]),
    'percent_sign.csv': ([2, 3], [
        ]),
    'sex_out_of_scope.csv': ([], [
        (2, 'sex', 'male', 'sex_scope',
         "sex_out_of_scope.csv, row 2, column sex: sex is not allowed for this indicator (female indicator: female) (got 'male')"),
        ]),
    'short_row.csv': ([], [
        (2, 'sex', '', 'schema_sex',
         "short_row.csv, row 2, column sex: sex must be female, male or total (女/男/合计) (got '')"),
        (2, 'value', nan, 'no_data',
         'short_row.csv, row 2, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)'),
        ]),
    'text_in_number.csv': ([3], [
        (2, 'value', '约9.8', 'number',
         "text_in_number.csv, row 2, column value: value must be a number (got '约9.8')"),
        ]),
    'unit_in_value.csv': ([2, 4], [
        (3, 'value', '9.8例', 'number',
         "unit_in_value.csv, row 3, column value: value must be a number (got '9.8例')"),
        ]),
    'unknown_indicator.csv': ([], [
        (2, 'indicator', 'mmr', 'known_indicator',
         "unknown_indicator.csv, row 2, column indicator: indicator must be a catalogue id of the plan (got 'mmr')"),
        ]),
    'unknown_region_code.csv': ([], [
        (2, 'region', '110000', 'known_region',
         "unknown_region_code.csv, row 2, column region: region must be one of the plan's regions (211400, 211402, 211403, 211404, 211421, 211422, 211481) (got '110000')"),
        ]),
    'unknown_region_name.csv': ([], [
        (2, 'region', '北京市', 'schema_region',
         "unknown_region_name.csv, row 2, column region: region must be a six-digit GB/T 2260 code (or a region name the plan knows) (got '北京市')"),
        ]),
    'unknown_sex.csv': ([], [
        (2, 'sex', '未知', 'schema_sex',
         "unknown_sex.csv, row 2, column sex: sex must be female, male or total (女/男/合计) (got '未知')"),
        ]),
    'value_not_matching_counts.csv': ([], [
        (2, 'value', 9.8, 'value_matches_counts',
         "value_not_matching_counts.csv, row 2, column value: value must equal numerator / denominator in the indicator's unit (16.3335) (got 9.8)"),
        ]),
    'wrong_unit_column.csv': ([], [
        (2, 'unit', '公斤', 'unit_convertible',
         "wrong_unit_column.csv, row 2, column unit: unit must be convertible to the indicator's unit per_100k (got '公斤')"),
        ]),
    'year_after_period.csv': ([], [
        (2, 'year', 2035.0, 'year_in_period',
         'year_after_period.csv, row 2, column year: year must lie between 2010 and 2030 (plan period, baseline and history) (got 2035.0)'),
        ]),
    'year_before_period.csv': ([], [
        (2, 'year', 1999.0, 'year_in_period',
         'year_before_period.csv, row 2, column year: year must lie between 2010 and 2030 (plan period, baseline and history) (got 1999.0)'),
        ]),
    'year_fractional.csv': ([], [
        (2, 'year', 2021.5, 'year_number',
         'year_fractional.csv, row 2, column year: year must be a whole number (got 2021.5)'),
        ]),
}

#: Plan files: the whole PlanError message ({file} is the path given to load_plan).
PLANS = {
    'plan_duplicate_region_codes.yaml': "1 problem found / 发现1个问题:\n  - {file}, regions: region codes must be unique (got '211402') / 地区代码重复",
    'plan_duplicate_target_ids.yaml': "1 problem found / 发现1个问题:\n  - {file}, goals[0].targets[1].id: target ids must be unique within the plan (got 'mmr') / 目标编号重复",
    'plan_empty.yaml': '1 problem found / 发现1个问题:\n  - {file}, : expected a mapping of keys to values (got None) / 应为键值映射',
    'plan_gbk.yaml': "1 problem found / 发现1个问题:\n  - {file}, (file): the file must be UTF-8 text (got b'h: \\xca\\xbe\\xc0\\xfd\\n') / 文件须为UTF-8文本",
    'plan_not_yaml.yaml': '1 problem found / 发现1个问题:\n  - {file}, line 4, column 3: the file must be valid YAML (safe subset: no Python tags) (got "expected the node content, but found \'-\'") / 文件须为有效的YAML（不允许Python标签）',
    'plan_pdf_text.yaml': '1 problem found / 发现1个问题:\n  - {file}, line 1, column 7: the file must be valid YAML (safe subset: no Python tags) (got "expected alphabetic or numeric character, but found \'.\'") / 文件须为有效的YAML（不允许Python标签）',
    'plan_python_object.yaml': '1 problem found / 发现1个问题:\n  - {file}, line 2, column 5: the file must be valid YAML (safe subset: no Python tags) (got "could not determine a constructor for the tag \'tag:yaml.org,2002:python/object:collections.OrderedDict\'") / 文件须为有效的YAML（不允许Python标签）',
    'plan_python_tag.yaml': '1 problem found / 发现1个问题:\n  - {file}, line 2, column 1: the file must be valid YAML (safe subset: no Python tags) (got "could not determine a constructor for the tag \'tag:yaml.org,2002:python/object/apply:os.system\'") / 文件须为有效的YAML（不允许Python标签）',
    'plan_reversed_period.yaml': '2 problems found / 发现2个问题:\n  - {file}, period: period must be [start, end] years with end after start (got [2030, 2021]) / 规划期限须为起止年份\n  - {file}, baseline_year: baseline_year must be a year no later than the period start (got 2040) / 基期年份须不晚于规划起始年',
    'plan_top_level_list.yaml': "1 problem found / 发现1个问题:\n  - {file}, : expected a mapping of keys to values (got [{'id': 'example'}, {'goals': []}]) / 应为键值映射",
    'plan_unknown_indicator.yaml': "1 problem found / 发现1个问题:\n  - {file}, goals[0].targets[0].indicator: indicator must be a catalogue id (did you mean maternal_mortality_ratio?) (got 'maternal_mortality') / 指标须为目录中的编号",
    'plan_unknown_key.yaml': "2 problems found / 发现2个问题:\n  - {file}, goals[0].targets[0].valeus: unknown key; allowed keys are area_type, baseline_years, delta_mode, gap_between, id, indicator, kind, lower, reading, reference, relation, sex, text_zh, tolerance, unit, upper, value, values, year, years (got 'valeus') / 未知的键\n  - {file}, goals[0].targets[0].values: a at_most target needs values by year (or value and year) (got None) / 该类目标须给出目标值",
    'plan_wrong_kind.yaml': "1 problem found / 发现1个问题:\n  - {file}, goals[0].targets[0].kind: kind must be one of at_least, at_most, around, band, maintain_at_least, maintain_at_most, increase, decrease, slower_increase, gap_narrowing, parity, relative_to, relative_to_baseline, count, coverage, qualitative (got 'atmost') / kind取值必须为 at_least, at_most, around, band, maintain_at_least, maintain_at_most, increase, decrease, slower_increase, gap_narrowing, parity, relative_to, relative_to_baseline, count, coverage, qualitative 之一",
    'plan_wrong_unit.yaml': "1 problem found / 发现1个问题:\n  - {file}, goals[0].targets[0].unit: unit must be convertible to the indicator's unit per_100k (got '公斤') / 单位须可换算为指标单位 per_100k",
    'plan_wrong_years.yaml': '2 problems found / 发现2个问题:\n  - {file}, goals[0].targets[0].values.二〇三〇: values must map years to numbers (got 9) / values须为年份到数值的映射\n  - {file}, goals[0].targets[0].values.1850: target years must lie in the plan period 2021–2030 (got 1850) / 目标年份须在规划期 2021—2030 内',
}

#: Plan files with a key given twice: plain yaml.safe_load keeps the last silently; the loader refuses them.
PLAN_BUGS = {
    "plan_duplicate_yaml_key.yaml": (
        "1 problem found / 发现1个问题:\n  - {file}, line 10, column 1: a key must appear only once (got 'period') / 键不得重复",
        "yaml.safe_load keeps the last of two equal keys silently, so period: [2021, 2030] is overridden",
    ),
}


@pytest.fixture(scope="module")
def plan():
    return load_plan("huludao-2021-2030")


def same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right):
        return True
    return type(left) is type(right) and left == right


def sent_rows(path: Path) -> set[int]:
    """Row numbers (header = 1) of the rows with any non-blank cell, read without wdmonitor."""
    if path.suffix == ".csv":
        rows = csv.reader(StringIO(path.read_bytes().decode("utf-8-sig")))
    else:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
    return {number for number, row in enumerate(rows, start=1)
            if number > 1 and any(cell is not None and str(cell).strip() for cell in row)}


def assert_no_row_lost(frame: pd.DataFrame, report) -> None:
    """Every row read is either valid, or refused by an error or kept out as no data; never both, never neither."""
    refused = report.excluded_rows
    assert len(report.valid) + len(refused) == len(frame) == report.n_rows
    by_source = Counter(report.valid["source_row"]) + Counter(frame["source_row"].iloc[refused])
    assert by_source == Counter(frame["source_row"])


def test_the_corpus_covers_every_file_and_at_least_forty_kinds():
    files = {p.name for p in BAD.iterdir() if p.name not in ("README.md", "make_bad.py")}
    assert files == set(REFUSED) | set(CHECKED) | set(PLANS) | set(PLAN_BUGS)
    assert len(files) >= 40
    listed = (BAD / "README.md").read_text(encoding="utf-8")
    assert [name for name in sorted(files) if f"`{name}`" not in listed] == []


@pytest.mark.parametrize(("name", "message"), REFUSED.items(), ids=list(REFUSED))
def test_a_file_that_cannot_be_checked_is_one_clear_error(plan, name, message):
    with pytest.raises(WdmonitorError) as info:
        check_submission(read_submission(BAD / name, plan), plan)
    assert isinstance(info.value, SubmissionError)
    assert str(info.value) == message


@pytest.mark.parametrize(("name", "expected"), CHECKED.items(), ids=list(CHECKED))
def test_each_bad_row_is_a_failure_case_naming_place_and_value(plan, name, expected):
    valid_rows, cases = expected
    frame = read_submission(BAD / name, plan)
    report = check_submission(frame, plan)
    got = report.failure_cases
    assert len(got) == len(cases), got[["source_row", "column", "value", "check"]]
    for case, (source_row, column, value, check, message_en) in zip(got.itertuples(), cases, strict=True):
        assert (case.source_row, case.column, case.check, case.message_en) == (source_row, column, check, message_en)
        assert same(case.value, value), (case.value, value)
        assert case.source_file == name
        assert case.message_zh.startswith(f"{name}, row {source_row}, column {column}: ")
        assert case.message_zh.endswith("（实际为" + case.message_en.rsplit(" (got ", 1)[1][:-1] + "）")
    assert report.valid["source_row"].tolist() == valid_rows
    assert set(frame["source_row"]) == sent_rows(BAD / name)
    assert_no_row_lost(frame, report)


@pytest.mark.parametrize(("name", "message"), PLANS.items(), ids=list(PLANS))
def test_a_bad_plan_is_refused_with_every_problem(name, message):
    path = BAD / name
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value) == message.replace("{file}", str(path))


@pytest.mark.parametrize(("name", "expected"), PLAN_BUGS.items(), ids=list(PLAN_BUGS))
def test_a_key_given_twice_in_a_plan_is_refused(name, expected):
    message, reason = expected
    path = BAD / name
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value) == message.replace("{file}", str(path)), reason


def test_a_python_tag_in_a_plan_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "plan.yaml"
    path.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(PlanError, match="could not determine a constructor for the tag"):
        load_plan(path)
    assert not marker.exists()


# -- security: what is read is never executed, what is written never becomes a formula ---------

def test_formulas_and_external_links_are_read_as_missing_not_computed(plan):
    frame = read_submission(BAD / "formulas.xlsx", plan)
    assert frame["value"].iloc[:3].isna().all()  # "=4+5.8" would be 9.8 if it were computed
    assert frame["value"].iloc[3] == "=cmd|' /C calc'!A0"


def test_exported_excel_neutralises_cells_that_start_like_formulas(plan, tmp_path):
    report = check_submission(read_submission(BAD / "formula_injection.csv", plan), plan)
    book = openpyxl.load_workbook(report.to_excel(tmp_path / "report.xlsx"))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = [row[4] for row in book["问题 failures"].iter_rows(min_row=2, values_only=True)]
    assert values == ["'=HYPERLINK(\"http://example.invalid\"\"x\")", "'+cmd|'/C calc'!A0", "'@SUM(A1:A9)", "'=1+1"]
    assert all(str(cell.value)[:1] not in "=+-@" for cell in cells)


def test_exported_csv_neutralises_cells_that_start_like_formulas(plan, tmp_path):
    report = check_submission(read_submission(BAD / "formula_injection.csv", plan), plan)
    written = pd.read_csv(report.to_csv(tmp_path / "report.csv"), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert written["value"].tolist() == ["'=HYPERLINK(\"http://example.invalid\"\"x\")", "'+cmd|'/C calc'!A0",
                                         "'@SUM(A1:A9)", "'=1+1"]
    assert not written.map(lambda v: v[:1] in ("=", "+", "-", "@")).any().any()


def test_control_characters_and_huge_cells_can_be_exported(plan, tmp_path):
    for name in ("control_chars.csv", "huge_cell.csv"):
        report = check_submission(read_submission(BAD / name, plan), plan)
        book = openpyxl.load_workbook(report.to_excel(tmp_path / f"{name}.xlsx"))
        row = next(book["问题 failures"].iter_rows(min_row=2, values_only=True))
        assert all(len(str(cell)) <= 32_767 for cell in row)
    assert row[4].endswith("… (200001 characters)")
    report = check_submission(read_submission(BAD / "control_chars.csv", plan), plan)
    book = openpyxl.load_workbook(report.to_excel(tmp_path / "control.xlsx"))
    assert next(book["问题 failures"].iter_rows(min_row=2, values_only=True))[4] == "maternal\\x07mortality\\x01ratio"


def test_a_file_over_the_size_limit_is_refused_before_reading(plan, monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 100)
    with pytest.raises(SubmissionError) as info:
        read_submission(BAD / "huge_cell.csv", plan)
    assert str(info.value) == (
        "huge_cell.csv: the file has 200078 bytes, more than the 100 a submission may have; split it into smaller files / "
        "文件大小为200078字节，超过上限100字节，请拆分后报送"
    )


def test_a_workbook_that_unpacks_over_the_size_limit_is_refused(plan, monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 6_000)  # the file is 5 kB; unpacked it is larger
    with pytest.raises(SubmissionError) as info:
        read_submission(BAD / "huge_cell.xlsx", plan)
    with zipfile.ZipFile(BAD / "huge_cell.xlsx") as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert str(info.value) == (
        f"huge_cell.xlsx: the workbook unpacks to {unpacked} bytes, more than the 6000 a submission may have / "
        f"工作簿解压后为{unpacked}字节，超过上限6000字节"
    )


def test_a_file_over_the_row_limit_is_refused(plan, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 2)
    with pytest.raises(SubmissionError) as info:
        read_submission(BAD / "missing_keys.csv", plan)
    assert str(info.value) == "missing_keys.csv: 3 rows, more than the 2 a submission may have / 行数超过上限"


def test_a_sheet_that_does_not_exist_is_one_clear_error(plan):
    with pytest.raises(SubmissionError) as info:
        read_submission(BAD / "merged_cells.xlsx", plan, sheet="教育局")
    assert str(info.value) == (
        "merged_cells.xlsx: cannot read the workbook (Worksheet named '教育局' not found); expected an .xlsx file / 无法读取Excel文件"
    )


# -- determinism --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["formula_injection.csv", "nan_inf.csv", "female_male_not_total.csv", "merged_cells.xlsx"])
def test_the_same_file_gives_the_same_failure_cases_byte_for_byte(plan, name, tmp_path):
    first = check_submission(read_submission(BAD / name, plan), plan).to_csv(tmp_path / "first.csv").read_bytes()
    second = check_submission(read_submission(BAD / name, plan), plan).to_csv(tmp_path / "second.csv").read_bytes()
    assert first == second
    assert first.startswith(b"\xef\xbb\xbfrow,column,value,check,severity,message_en,message_zh,")
