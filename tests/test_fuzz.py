"""Fuzzing read_submission + check_submission with random frames and random defects.

Properties, for frames, CSV (UTF-8 and GB18030) and .xlsx files alike:

* nothing but a WdmonitorError is raised (here: nothing at all, the headers are valid);
* no row is lost: every row sent is either in ``report.valid`` or refused in ``failure_cases``;
* exactly the rows given a fatal defect are refused, and harmless variations (full-width
  digits, Chinese names, a unit inside the value) are accepted;
* every failure case names the file, the row the sender sees and the column, in both languages;
* the same input gives the same failure cases, byte for byte in CSV.

Hypothesis runs derandomized with a modest number of examples so the file stays fast.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdmonitor import WdmonitorError, check_submission, load_plan, read_submission

PLAN = load_plan("huludao-2021-2030")
SETTINGS = settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))

RATE, SHARE = "maternal_mortality_ratio", "maternal_systematic_management_rate"  # per 100,000 and percent, female only
HEADERS = {
    "region": ["region", "地区", "行政区划代码"],
    "year": ["year", "年份", "年度"],
    "indicator": ["indicator", "指标", "指标名称"],
    "sex": ["sex", "性别"],
    "value": ["value", "数值", "指标值"],
}
NAMES_ZH = {RATE: "孕产妇死亡率", SHARE: "孕产妇系统管理率"}
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

#: name → (change to one row, whether the row must then be kept out of the valid frame:
#: refused by an error, or, for a blank or "—" value, kept out as no data)
DEFECTS = {
    "text_in_value": (lambda r: {**r, "value": f"约{r['value']}"}, True),
    "blank_value": (lambda r: {**r, "value": ""}, True),
    "dash_value": (lambda r: {**r, "value": "—"}, True),
    "negative": (lambda r: {**r, "value": f"-{r['value']}"}, True),
    "infinite": (lambda r: {**r, "value": "inf"}, True),
    "formula": (lambda r: {**r, "value": "=1+1"}, True),
    "huge_text": (lambda r: {**r, "value": "9" * 5_000 + "x"}, True),
    "over_100_percent": (lambda r: {**r, "indicator": SHARE, "value": "150"}, True),
    "unknown_region_code": (lambda r: {**r, "region": "999999"}, True),
    "unknown_region_name": (lambda r: {**r, "region": "北京市"}, True),
    "blank_region": (lambda r: {**r, "region": ""}, True),
    "unknown_indicator": (lambda r: {**r, "indicator": "no_such_indicator"}, True),
    "unknown_sex": (lambda r: {**r, "sex": "未知"}, True),
    "sex_out_of_scope": (lambda r: {**r, "sex": "男"}, True),
    "year_too_early": (lambda r: {**r, "year": "1999"}, True),
    "year_fraction": (lambda r: {**r, "year": f"{r['year']}.5"}, True),
    "year_in_words": (lambda r: {**r, "year": "二〇二一"}, True),
    "duplicate": (None, True),  # the row is sent twice
    "full_width_digits": (lambda r: {**r, "value": r["value"].translate(FULL_WIDTH), "year": r["year"].translate(FULL_WIDTH)}, False),
    "chinese_names": (lambda r: {**r, "region": "葫芦岛市" if r["region"] == "211400" else r["region"],
                                 "indicator": NAMES_ZH[r["indicator"]], "sex": "女"}, False),
    "unit_in_value": (lambda r: {**r, "value": r["value"] + ("%" if r["indicator"] == SHARE else "/10万")}, False),
    "spaces": (lambda r: {key: f" {value} " for key, value in r.items()}, False),
}


@st.composite
def submissions(draw):
    """Rows as the sender typed them (all text), the defect given to each, and a layout."""
    n = draw(st.integers(1, 12))
    rows, fatal = [], []
    for i in range(n):
        indicator = draw(st.sampled_from([RATE, SHARE]))
        # at least 0.01: a negative defect written as "-0.00" would be zero, not negative
        value = draw(st.floats(0.01, 99, allow_nan=False).map(lambda v: f"{v:.2f}"))
        row = {"region": draw(st.sampled_from(PLAN.region_codes)), "year": str(2011 + i),  # one year a row: no duplicates
               "indicator": indicator, "sex": draw(st.sampled_from(["female", "F", "女"])), "value": value}
        defect = draw(st.none() | st.sampled_from(sorted(DEFECTS)))
        if defect == "duplicate":
            rows += [row, dict(row)]
            fatal += [True, True]
            continue
        change, refused = DEFECTS[defect] if defect else (None, False)
        rows.append(change(row) if change else row)
        fatal.append(refused)
    headers = {name: draw(st.sampled_from(spellings)) for name, spellings in HEADERS.items()}
    layout = draw(st.sampled_from(["frame", "csv", "csv-gb18030", "xlsx"]))
    return pd.DataFrame(rows).rename(columns=headers), fatal, layout


def read_and_check(sent: pd.DataFrame, layout: str, folder: Path):
    if layout == "frame":
        frame = read_submission(sent, PLAN)
    elif layout == "xlsx":
        sent.to_excel(folder / "sent.xlsx", index=False, sheet_name="报表")
        frame = read_submission(folder / "sent.xlsx", PLAN)
    else:
        encoding = "gb18030" if layout == "csv-gb18030" else "utf-8"
        sent.to_csv(folder / "sent.csv", index=False, encoding=encoding)
        frame = read_submission(folder / "sent.csv", PLAN)
    return frame, check_submission(frame, PLAN)


def assert_every_row_accounted_for(frame: pd.DataFrame, report, n_sent: int) -> None:
    assert frame["source_row"].tolist() == list(range(2, n_sent + 2))
    refused = report.excluded_rows
    assert len(report.valid) + len(refused) == len(frame) == report.n_rows
    assert Counter(report.valid["source_row"]) + Counter(frame["source_row"].iloc[refused]) == Counter(frame["source_row"])


def assert_messages_name_place_and_value(report) -> None:
    for case in report.failure_cases.itertuples():
        sheet = f", sheet '{case.source_sheet}'" if case.source_sheet else ""
        column = rf"(?:[A-Z]+ \({re.escape(case.column)}\)|{re.escape(case.column)})"  # the letter the sender sees, for values
        where = rf"{re.escape(case.source_file + sheet)}, row {case.source_row}, column {column}: "
        assert re.match(where, case.message_en) and " (got " in case.message_en, case.message_en
        sheet_zh = f"，工作表“{case.source_sheet}”" if case.source_sheet else ""
        where_zh = f"{case.source_file}{sheet_zh}，第{case.source_row}行，"
        assert case.message_zh.startswith(where_zh) and "（实际为" in case.message_zh, case.message_zh


@SETTINGS
@given(submissions())
def test_random_defects_are_refused_by_row_and_nothing_is_lost(submission):
    sent, fatal, layout = submission
    with tempfile.TemporaryDirectory() as folder:
        frame, report = read_and_check(sent, layout, Path(folder))
        assert_every_row_accounted_for(frame, report, len(sent))
        refused_rows = set(report.failure_cases.loc[report.failure_cases["severity"].isin(["error", "no_data"]), "source_row"])
        assert refused_rows == {row for row, bad in enumerate(fatal, start=2) if bad}, report.errors[["source_row", "message_en"]]
        assert_messages_name_place_and_value(report)
        again = check_submission(read_and_check(sent, layout, Path(folder))[0], PLAN)
        assert report.to_csv(Path(folder) / "a.csv").read_bytes() == again.to_csv(Path(folder) / "b.csv").read_bytes()


cells = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["", "—", "…", "-", "nan", "NULL", "１２．５", "98.5%", "9.8/10万", "1,234",
                                           "=SUM(A1)", "@x", "+1", "女", "合计", "葫芦岛市", "211400", "2021", "2021.0"]),
)


@SETTINGS
@given(st.lists(st.fixed_dictionaries({name: cells for name in HEADERS}), min_size=1, max_size=15),
       st.sampled_from(["frame", "csv"]))
def test_arbitrary_cells_give_failure_cases_never_a_crash(rows, layout):
    sent = pd.DataFrame(rows, columns=list(HEADERS))
    with tempfile.TemporaryDirectory() as folder:
        try:
            frame, report = read_and_check(sent, layout, Path(folder))
        except WdmonitorError:  # the one acceptable failure: a refusal that names the problem
            return
        blank = sent.map(lambda v: v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "").all(axis=1)
        if layout == "frame":
            assert frame["source_row"].tolist() == [i + 2 for i in range(len(sent)) if not blank.iloc[i]]
        refused = report.excluded_rows
        assert len(report.valid) + len(refused) == len(frame)
        assert_messages_name_place_and_value(report)
