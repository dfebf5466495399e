"""Validation of canonical frames: each check with its whole message, and no row lost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdmonitor import SubmissionError, load_plan
from wdmonitor.validation import check_submission, validate_submission

MINIMAL = Path(__file__).parent / "data" / "plans" / "minimal.yaml"


@pytest.fixture(scope="module")
def plan():
    return load_plan(MINIMAL)


def row(**changes):
    base = {"region": "211400", "year": 2021, "indicator": "maternal_mortality_ratio", "sex": "female", "value": 9.8}
    return {**base, **changes}


def only_message(plan, **changes) -> str:
    report = check_submission(pd.DataFrame([row(**changes)]), plan)
    assert report.valid.empty
    assert len(report.failure_cases) == 1, report.failure_cases
    return report.failure_cases.loc[0, "message_en"]


def test_a_clean_row_passes_with_defaults_filled(plan):
    report = check_submission(pd.DataFrame([row()]), plan)
    assert report.ok and report.failure_cases.empty
    valid = report.valid.iloc[0]
    assert (valid["area_type"], valid["age_group"], valid["source_row"], valid["year"]) == ("total", "total", 1, 2021)


def test_a_blank_value_is_no_data_not_an_error(plan):
    # A template is sent back with the years and regions that have no data left blank.
    frame = pd.DataFrame([row(), row(year=2022, value=None), row(year=2023, value="—")])
    report = check_submission(frame, plan)
    assert report.ok and report.errors.empty
    assert report.valid["year"].tolist() == [2021]
    assert report.no_data["row"].tolist() == [1, 2]
    assert set(report.no_data["check"]) == {"no_data"}
    assert report.excluded_rows == [1, 2]
    assert report.summary() == ("3 rows: 1 valid, 2 without data, 0 refused with 0 failure(s), 0 warning(s) / "
                                "共3行：1行通过，2行未填数值，0行未通过")
    assert validate_submission(frame, plan)["year"].tolist() == [2021]


def test_region_names_resolve_to_codes(plan):
    report = check_submission(pd.DataFrame([row(region="连山区")]), plan)
    assert report.valid["region"].tolist() == ["211402"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": -1.0}, "<frame>, row 1, column value: rates, shares and counts cannot be negative (got -1.0)"),
        ({"value": "9,8x"}, "<frame>, row 1, column value: value must be a number (got '9,8x')"),
        ({"year": "二〇二一"}, "<frame>, row 1, column year: year must be a whole number (got '二〇二一')"),
        ({"year": 2021.5}, "<frame>, row 1, column year: year must be a whole number (got 2021.5)"),
        ({"year": 1999}, "<frame>, row 1, column year: year must lie between 2010 and 2030 (plan period, baseline and history) (got 1999.0)"),
        ({"indicator": "mmr"}, "<frame>, row 1, column indicator: indicator must be an indicator of the plan (a catalogue id or its Chinese name) (got 'mmr')"),
        ({"region": "110000"}, "<frame>, row 1, column region: region must be one of the plan's regions (211400, 211402) (got '110000')"),
        ({"sex": "女"}, "<frame>, row 1, column sex: sex must be female, male or total (女/男/合计) (got '女')"),
        ({"sex": "male"}, "<frame>, row 1, column sex: sex is not allowed for this indicator (female indicator: female) (got 'male')"),
        ({"value": np.inf}, "<frame>, row 1, column value: value must be a finite number (got inf)"),
        ({"unit": "岁"}, "<frame>, row 1, column unit: unit must be convertible to the indicator's unit per_100k (got '岁')"),
        ({"value": None, "numerator": 1, "denominator": 5000}, "<frame>, row 1, column value: value is missing (got nan)"),
        ({"value": None}, "<frame>, row 1, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)"),
        ({"area_type": "郊区"}, "<frame>, row 1, column area_type: area_type must be urban, rural or total (城镇/乡村/合计) (got '郊区')"),
        ({"region": "21140"}, "<frame>, row 1, column region: region must be a six-digit GB/T 2260 code (or a region name the plan knows) (got '21140')"),
    ],
)
def test_each_check_names_the_row_column_value_and_expectation(plan, changes, message):
    assert only_message(plan, **changes) == message


def test_messages_are_bilingual(plan):
    report = check_submission(pd.DataFrame([row(value=-1.0)]), plan)
    assert report.failure_cases.loc[0, "message_zh"] == "<frame>，第1行，“数值”列：比率、比例和人数不能为负（实际为-1.0）"


def test_percent_range_and_counts(plan):
    frame = pd.DataFrame([
        row(indicator="female_share_party_members", value=130.0),
        row(indicator="female_share_party_members", year=2022, value=30.0, numerator=40, denominator=30),
        row(indicator="female_share_party_members", year=2023, value=30.0, numerator=30, denominator=60),
    ])
    cases = check_submission(frame, plan).failure_cases
    assert cases["message_en"].tolist() == [
        "<frame>, row 1, column value: a percentage must lie between 0 and 100 (got 130.0)",
        "<frame>, row 2, column numerator: numerator must not exceed denominator (30.0) (got 40.0)",
        "<frame>, row 2, column value: value must equal numerator / denominator in the indicator's unit, to its reporting precision (133.3333) (got 30.0)",
        "<frame>, row 3, column value: value must equal numerator / denominator in the indicator's unit, to its reporting precision (50.0) (got 30.0)",
    ]


def test_units_are_converted_to_the_indicator_unit(plan):
    report = check_submission(pd.DataFrame([row(value=1.5, unit="/万")]), plan)
    assert report.valid[["value", "unit"]].to_dict("records") == [{"value": 15.0, "unit": "per_100k"}]


def test_duplicates_and_missing_partner_sex(plan):
    frame = pd.DataFrame([
        row(), row(value=9.9),
        row(indicator="kindergarten_enrolment", sex="female", value=4800),
    ])
    cases = check_submission(frame, plan).failure_cases
    assert cases[["row", "check"]].values.tolist() == [[0, "duplicate_key"], [1, "duplicate_key"], [2, "both_sexes"]]
    assert cases["message_en"].tolist() == [
        "<frame>, row 1, column indicator: the same region, year, indicator, sex, area_type and age_group appear more than once (got 'maternal_mortality_ratio')",
        "<frame>, row 2, column indicator: the same region, year, indicator, sex, area_type and age_group appear more than once (got 'maternal_mortality_ratio')",
        "<frame>, row 3, column sex: this indicator needs female and male rows (or one sex and the total) for the same key; the other sex is missing or refused (got 'female')",
    ]


def test_female_plus_male_must_equal_total_for_counts(plan):
    frame = pd.DataFrame([
        row(indicator="kindergarten_enrolment", sex="female", value=4800),
        row(indicator="kindergarten_enrolment", sex="male", value=5100),
        row(indicator="kindergarten_enrolment", sex="total", value=9800),
    ])
    cases = check_submission(frame, plan).failure_cases
    assert cases["message_en"].tolist() == [
        "<frame>, row 3, column value: female + male must equal total for counts (got 9800.0)"
    ]


def test_missing_columns_are_one_clear_error(plan):
    with pytest.raises(SubmissionError) as info:
        check_submission(pd.DataFrame({"地区": ["211400"], "value": [1.0]}), plan)
    assert str(info.value) == (
        "the submission lacks the required column(s) region, year, indicator, sex; found 地区, value; "
        "expected region, year, indicator, sex, value / 报送数据缺少必填列：地区、年份、指标、性别（应有地区、年份、指标、性别、数值）"
    )


def test_validate_submission_raises_with_the_failure_cases(plan):
    with pytest.raises(SubmissionError) as info:
        validate_submission(pd.DataFrame([row(), row(year=2022, value=-2)]), plan)
    assert str(info.value).splitlines() == [
        "2 rows: 1 valid, 1 refused with 1 failure(s), 0 warning(s) / 共2行：1行通过，1行未通过",
        "<frame>, row 2, column value: rates, shares and counts cannot be negative (got -2.0)",
    ]
    assert info.value.failure_cases["row"].tolist() == [1]


DEFECTS = {
    "none": {},
    "negative": {"value": -5.0},
    "text": {"value": "n/a?"},
    "year": {"year": "20x1"},
    "indicator": {"indicator": "unknown_id"},
    "sex": {"sex": "F?"},
    "region": {"region": "000000"},
    "inf": {"value": np.inf},
    "missing": {"value": None},
    "unit": {"unit": "小时"},
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(defects=st.lists(st.sampled_from(sorted(DEFECTS)), min_size=1, max_size=40))
def test_no_row_is_lost(plan, defects):
    frame = pd.DataFrame([row(**{"year": 2011 + i % 20, "age_group": str(i), "unit": "/10万", **DEFECTS[d]}) for i, d in enumerate(defects)])
    report = check_submission(frame, plan)
    refused = set(report.excluded_rows)
    assert len(report.valid) + len(refused) == len(frame)
    assert set(report.valid["source_row"] - 1).isdisjoint(refused)
    assert refused == {i for i, d in enumerate(defects) if d != "none"}
    assert set(report.no_data["row"]) == {i for i, d in enumerate(defects) if d == "missing"}
    assert set(report.errors["row"]) == {i for i, d in enumerate(defects) if d not in ("none", "missing")}


def test_a_large_jump_is_a_warning_not_a_rejection(plan):
    frame = pd.DataFrame([row(year=2021, value=10.0), row(year=2022, value=16.0), row(year=2023, value=15.0)])
    report = check_submission(frame, plan)
    assert report.ok and len(report.valid) == 3
    warning = report.warnings.iloc[0]
    assert warning["message_en"] == (
        "<frame>, row 2, column value: value differs by more than 50% from the previous year's 10.0 in this "
        "submission; please confirm (got 16.0)"
    )
    assert warning["message_zh"] == "<frame>，第2行，“数值”列：与上一年数值10.0相差超过50%，请核实（实际为16.0）"


def test_report_to_excel_for_the_sender(plan, tmp_path):
    import openpyxl

    frame = pd.DataFrame([row(), row(year=2022, value="=HYPERLINK(\"http://x\")"), row(year=2023, value=-3)])
    report = check_submission(frame, plan)
    path = report.to_excel(tmp_path / "反馈.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总 summary", "问题 failures"]
    sheet = book["问题 failures"]
    header = [c.value for c in sheet[1]]
    assert header == ["文件 file", "工作表 sheet", "行号 row", "列 column", "数值 value", "级别 severity",
                      "中文说明 message (Chinese)", "英文说明 message (English)"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[2] for r in rows] == [2, 3]
    assert rows[0][4] == "'=HYPERLINK(\"http://x\")"  # neutralised: never a formula
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert sheet.freeze_panes == "A2"


def test_a_sex_whose_partner_is_refused_is_refused_too(plan):
    # kindergarten_enrolment is compared between the sexes: a lone male count means nothing
    frame = pd.DataFrame([
        row(indicator="kindergarten_enrolment", sex="female", value=-4800),
        row(indicator="kindergarten_enrolment", sex="male", value=5100),
    ])
    report = check_submission(frame, plan)
    assert report.valid.empty
    assert report.errors[["row", "check"]].values.tolist() == [[0, "non_negative"], [1, "both_sexes"]]


PAIR_DEFECTS = {"none": {}, "negative": {"value": -1.0}, "text": {"value": "约5000"}, "blank": {"value": None},
                "unknown_region": {"region": "000000"}, "inf": {"value": np.inf}}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(sorted(PAIR_DEFECTS)), st.sampled_from(sorted(PAIR_DEFECTS))),
                      min_size=1, max_size=12))
def test_checking_the_valid_rows_again_finds_nothing_new(plan, pairs):
    rows = []
    for i, (female, male) in enumerate(pairs):
        base = {"indicator": "kindergarten_enrolment", "year": 2011 + i, "value": 5000.0}
        rows += [row(**{**base, "sex": "female", **PAIR_DEFECTS[female]}), row(**{**base, "sex": "male", **PAIR_DEFECTS[male]})]
    report = check_submission(pd.DataFrame(rows), plan)
    again = check_submission(report.valid.drop(columns=["source_row"]), plan)
    assert again.errors.empty and again.no_data.empty
    assert len(again.valid) == len(report.valid)
    assert len(report.valid) == 2 * sum(f == m == "none" for f, m in pairs)


_LABELS = {
    "region": ["211400", "211402", "2114", "abcdef", None],
    "sex": ["female", "male", "total", "x", "", None],
    "area_type": ["urban", "rural", "total", "城区", None],
    "indicator": ["maternal_mortality_ratio", "other", None],
    "age_group": ["total", None],
}


def _pandera_rows(frame: pd.DataFrame) -> set[tuple[str, int]]:
    """(column, row) of every failure pandera finds checking the model on every row."""
    import pandera.pandas as pa

    from wdmonitor.contract import SubmissionModel

    typed = frame.copy()
    for name in _LABELS:
        typed[name] = typed[name].astype("string")
    try:
        SubmissionModel.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        return {(c, int(i)) for c, i in zip(cases["column"], cases["index"], strict=True)}
    return set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_pandera_on_representatives_finds_the_rows_pandera_finds_on_every_row(data):
    """Each failure pandera finds on a representative is every row it stands for, and no other."""
    from wdmonitor.contract import SubmissionModel
    from wdmonitor.validation import _representatives

    n = data.draw(st.integers(1, 40))
    columns = {name: data.draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n)) for name, labels in _LABELS.items()}
    numbers = st.lists(st.sampled_from([2021.0, 2022.0, np.nan]), min_size=n, max_size=n)
    frame = pd.DataFrame({**columns, "year": data.draw(numbers), "value": data.draw(numbers)})
    categorical = data.draw(st.booleans())  # validation's key columns are categoricals; plain text too
    if categorical:
        for name in _LABELS:
            frame[name] = frame[name].astype("category")
    compact, groups = _representatives(frame, SubmissionModel.to_schema())
    assert len(compact) <= n
    spread = {(column, int(r)) for column, i in _pandera_rows(compact)
              for r in np.flatnonzero(groups[column] == i)}
    assert spread == _pandera_rows(frame.astype({name: object for name in _LABELS}))


def test_checking_leaves_the_caller_s_frame_as_it_was(plan):
    # the checks parse, clean and rename key columns on their own copy, never the caller's
    frame = pd.DataFrame([row(value="9.8"), row(year=2022, region=" 211400 ", sex="female", value="1,200"),
                          row(year=2023, value="bad")])
    before = frame.copy(deep=True)
    report = check_submission(frame, plan)
    assert len(report.valid) == 1 and len(report.failure_cases) >= 2
    pd.testing.assert_frame_equal(frame, before)
    report.valid.loc[0, "value"] = -1.0  # writing into the valid frame reaches neither the report's input nor the caller's
    pd.testing.assert_frame_equal(frame, before)


def test_the_valid_frame_s_key_columns_hold_the_valid_rows_labels_only(plan):
    # a refused row's unknown indicator and region are not categories of the valid frame
    frame = pd.DataFrame([row(), row(year=2022), row(indicator="no_such_indicator", region="999999")])
    report = check_submission(frame, plan)
    valid = report.valid
    assert len(valid) == 2 and set(report.errors["row"]) == {2}
    for name, labels in (("region", ["211400"]), ("indicator", ["maternal_mortality_ratio"]), ("sex", ["female"]),
                         ("area_type", ["total"]), ("age_group", ["total"])):
        assert isinstance(valid[name].dtype, pd.CategoricalDtype), name
        assert valid[name].cat.categories.tolist() == labels, name
    # compared, filtered and grouped as text
    assert (valid["region"] == "211400").all()
    assert valid.groupby("sex")["value"].sum().to_dict() == {"female": pytest.approx(19.6)}


def test_an_unknown_region_of_a_national_plan_names_the_first_codes_and_how_many_there_are():
    """A plan of thousands of regions does not print every code in each message about an unknown one."""
    import dataclasses

    from wdmonitor import Region, load_plan

    plan = load_plan("huludao-2021-2030")
    counties = tuple(Region(code=f"21{i:04d}", name_zh=f"县{i}", level="county", parent=plan.jurisdiction.code)
                     for i in range(1500, 1530))
    wide = dataclasses.replace(plan, regions=plan.regions + counties)
    frame = pd.DataFrame([{"region": "110000", "year": 2024, "indicator": "maternal_mortality_ratio", "sex": "female",
                           "value": 7.0}])
    messages = check_submission(frame, wide).failure_cases["message_en"].tolist()
    codes = list(wide.region_codes)
    assert len(codes) == 37 and messages == [f"<frame>, row 1, column region: region must be one of the plan's regions "
                                              f"({', '.join(codes[:10])}, … 37 in all) (got '110000')"]
