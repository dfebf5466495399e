"""Readers: every layout and spelling lands in the canonical frame with its source row."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from wdmonitor import SubmissionError, check_submission, load_plan
from wdmonitor.readers import read_submission

DATA = Path(__file__).parent / "data" / "submissions"


@pytest.fixture(scope="module")
def plan():
    return load_plan("huludao-2021-2030")


def records(frame, columns=("region", "year", "indicator", "sex", "value", "source_row")):
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row) for row in frame[list(columns)].itertuples(index=False)]


@pytest.mark.parametrize("name", ["long_chinese.csv", "long_gbk.csv"])
def test_long_layout_with_chinese_headers_names_and_spellings(plan, name):
    frame = read_submission(DATA / name, plan)
    assert records(frame) == [
        ("211400", 2021, "maternal_mortality_ratio", "female", 9.8, 2),
        ("211402", 2021, "maternal_mortality_ratio", "female", 1234, 3),
        ("211400", 2022, "female_share_village_committee_members", "female", 28.5, 4),
        ("211481", 2021, "maternal_mortality_ratio", "female", None, 5),
    ]
    assert frame["unit"].tolist()[:3] == ["/10万", "/10万", "%"]
    assert set(frame["source_file"]) == {name}


def test_years_as_columns(plan):
    frame = read_submission(DATA / "wide_years.csv", plan)
    assert records(frame) == [
        ("211400", 2020, "maternal_mortality_ratio", "female", 7.35, 2),
        ("211400", 2021, "maternal_mortality_ratio", "female", 9.8, 2),
        ("211400", 2022, "maternal_mortality_ratio", "female", "n/a", 2),
    ]


def test_sexes_as_columns(plan):
    frame = read_submission(DATA / "wide_sexes.csv", plan)
    assert records(frame, ("sex", "value")) == [("female", 4800), ("male", 5100), ("total", 9900)]


def test_excel_with_years_and_sexes_as_columns(plan, tmp_path):
    path = tmp_path / "卫健委.xlsx"
    sent = pd.DataFrame({"行政区划代码": ["211400"], "指标": ["在园幼儿数"], "2021年女": [4800], "2021年男": [5100]})
    sent.to_excel(path, sheet_name="报表", index=False)
    frame = read_submission(path, plan)
    assert records(frame, ("year", "sex", "value", "source_row")) == [(2021, "female", 4800, 2), (2021, "male", 5100, 2)]
    assert set(frame["source_sheet"]) == {"报表"}


def test_text_in_numbers_is_kept_for_validation_to_report(plan):
    frame = read_submission(DATA / "wide_years.csv", plan)
    report = check_submission(frame, plan)
    assert report.failure_cases["message_en"].tolist() == [
        "wide_years.csv, row 2, column value: value must be a number (got 'n/a')"
    ]
    assert len(report.valid) == 2


def test_read_then_check_reports_by_file_row(plan):
    # 3 deaths in 30,612 births is 9.80/10万: consistent with the value sent; "1,234" is read as
    # 1234 and questioned: an MMR above its plausible range (a warning, the row stays valid)
    report = check_submission(read_submission(DATA / "long_chinese.csv", plan), plan)
    assert report.failure_cases["message_en"].tolist() == [
        "long_chinese.csv, row 3, column value: the value lies outside the plausible range 0–300 of this indicator; "
        "please check it (got 1234.0)",
        "long_chinese.csv, row 5, column value: no value was sent (a blank cell, — or a formula with no saved result): the row is kept out of the valid data as no data (got nan)",
    ]


def test_unsupported_files_are_refused(plan, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(SubmissionError) as info:
        read_submission(path, plan)
    assert str(info.value) == "report.pdf: unsupported file type '.pdf'; expected .csv, .xlsx or .xls / 不支持的文件类型"


def test_a_file_that_is_not_excel_is_refused(plan, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(SubmissionError, match=r"^fake.xlsx: cannot read the workbook"):
        read_submission(path, plan)


def test_committed_workbook_with_years_and_sexes_as_columns(plan):
    frame = read_submission(DATA / "wide_years_sexes.xlsx", plan)
    assert records(frame, ("region", "year", "sex", "value", "source_row")) == [
        ("211400", 2022, "female", 4800, 2),
        ("211400", 2022, "male", 5100, 2),
        ("211400", 2022, "total", 9900, 2),
        ("211402", 2022, "female", 700, 3),
        ("211402", 2022, "male", 760, 3),
        ("211402", 2022, "total", 1460, 3),
    ]
    assert set(frame["source_sheet"]) == {"教育局"}
    assert check_submission(frame, plan).ok
