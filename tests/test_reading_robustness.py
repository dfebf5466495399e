"""Files that hang, exhaust memory or are read wrong elsewhere: refused or read as sent, never guessed.

Covers the reader's part of robustness: only regular files are read, with the byte limit held
while reading; the text encoding is decided from the whole file (or refused, saying which
encodings were tried); a workbook's XML may declare no entities; decimal commas are never
read as thousands; the spellings of "no data" and of Excel's errors follow one rule whether
they come from a CSV file or a workbook.
"""

from __future__ import annotations

import os
import zipfile

import openpyxl
import pandas as pd
import pytest

from wdmonitor import SubmissionError, check_submission, load_plan, read_submission, readers

PLAN = load_plan("huludao-2021-2030")
HEADER = "region,year,indicator,sex,value\n"


def refusal(path, **kwargs) -> str:
    with pytest.raises(SubmissionError) as info:
        read_submission(path, PLAN, **kwargs)
    return str(info.value)


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "sent.csv"
    os.mkfifo(fifo)
    assert refusal(fifo) == ("sent.csv: is not a regular file (a pipe, device or socket); expected a .csv, .xlsx or .xls file / "
                             "sent.csv 不是普通文件（管道、设备等），应为.csv、.xlsx或.xls文件")


def test_a_device_and_a_folder_are_refused(tmp_path):
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    assert refusal(zero).startswith("zero.csv: is not a regular file")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert refusal(folder) == "folder.xlsx: is a folder; expected a .csv, .xlsx or .xls file / folder.xlsx 是文件夹，应为文件"


def test_the_byte_limit_holds_while_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "211400,2021,maternal_mortality_ratio,female,9.8\n" * 5, encoding="utf-8")
    assert refusal(path) == ("big.csv: the file has more than the 100 bytes a submission may have; split it into smaller files / "
                             "文件超过上限100字节，请拆分后报送")


def test_a_big5_file_is_read_as_big5_not_garbled_as_gb18030(tmp_path):
    path = tmp_path / "big5.csv"
    path.write_bytes((HEADER + "綏中縣,2021,maternal_mortality_ratio,female,9.8\n").encode("big5"))
    report = check_submission(read_submission(path, PLAN), PLAN)
    assert report.failure_cases["value"].tolist() == ["綏中縣"]  # the region as the sender wrote it (not in the plan)


def test_a_gbk_file_is_read_as_gbk(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("地区,年份,指标,性别,数值\n绥中县,2021,孕产妇死亡率,女,9.8\n".encode("gbk"))
    assert read_submission(path, PLAN)[["region", "indicator"]].values.tolist() == [["211421", "maternal_mortality_ratio"]]


def test_an_encoding_that_cannot_be_decided_is_refused_naming_those_tried(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode() + "綏中縣".encode("big5") + "绥中县".encode("gbk") + b",2021,x,female,1\n" + bytes(range(128, 160)))
    assert refusal(path).startswith("mixed.csv: the text encoding could not be decided (tried UTF-8, UTF-16 with a byte-order "
                                    "mark, GB18030, Big5)")


def test_a_workbook_declaring_entities_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["地区", "年份", "指标", "性别", "数值"])
    book.save(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as source, zipfile.ZipFile(tmp_path / "bomb.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>' + data
            target.writestr(item, data)
    message = refusal(tmp_path / "bomb.xlsx")
    assert message.startswith("bomb.xlsx: cannot read the workbook (ValueError: xl/workbook.xml declares a document type or entities")


@pytest.mark.parametrize(("sent", "read"), [("1,234", 1234.0), ("1,234.5", 1234.5), ("12,345,678", 12345678.0)])
def test_thousands_separators_in_groups_of_three_are_read(tmp_path, sent, read):
    path = tmp_path / "n.csv"
    path.write_text(HEADER + f'211400,2021,kindergarten_enrolment,female,"{sent}"\n', encoding="utf-8")
    assert read_submission(path, PLAN)["value"].tolist() == [read]


@pytest.mark.parametrize("sent", ["9,8", "1.234,5", "1,23", "12,3456"])
def test_a_decimal_comma_is_refused_never_read_as_thousands(tmp_path, sent):
    path = tmp_path / "n.csv"
    path.write_text(HEADER + f'211400,2021,maternal_mortality_ratio,female,"{sent}"\n', encoding="utf-8")
    report = check_submission(read_submission(path, PLAN), PLAN)
    assert report.failure_cases[["check", "value"]].values.tolist() == [["number", sent]]


SPELLINGS = ["n/a", "NA", "-nan", "#N/A", "—", "…", ""]


def excel_of(tmp_path, value) -> pd.DataFrame:
    book = openpyxl.Workbook()
    book.active.append(["region", "year", "indicator", "sex", "value"])
    book.active.append(["211400", 2021, "maternal_mortality_ratio", "female", value])
    book.save(tmp_path / "x.xlsx")
    return check_submission(read_submission(tmp_path / "x.xlsx", PLAN), PLAN).failure_cases


def csv_of(tmp_path, value) -> pd.DataFrame:
    (tmp_path / "x.csv").write_text(HEADER + f"211400,2021,maternal_mortality_ratio,female,{value}\n", encoding="utf-8")
    return check_submission(read_submission(tmp_path / "x.csv", PLAN), PLAN).failure_cases


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_one_rule_for_text_in_a_number_from_csv_and_from_excel(tmp_path, spelling):
    from_csv = csv_of(tmp_path, spelling)[["check", "severity"]].values.tolist()
    from_excel = excel_of(tmp_path, spelling or None)[["check", "severity"]].values.tolist()
    expected = {"n/a": [["number", "error"]], "NA": [["number", "error"]], "-nan": [["number", "error"]],
                "#N/A": [["excel_error", "error"]]}.get(spelling, [["no_data", "no_data"]])
    assert from_csv == from_excel == expected


def _workbook_bytes() -> bytes:
    import io

    book = openpyxl.Workbook()
    book.active.append(["地区", "年份", "指标", "性别", "数值"])
    book.active.append(["211400", 2021, "maternal_mortality_ratio", "女", 0.098])
    book.active["E2"].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewritten(raw: bytes, change) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, change(item.filename, source.read(item.filename)))
    return out.getvalue()


def test_a_cell_declared_at_row_a_hundred_million_is_refused_before_anything_is_allocated(tmp_path):
    raw = _rewritten(_workbook_bytes(), lambda name, data: data.replace(b'r="A2"', b'r="A100000000"').replace(b'r="2"', b'r="100000000"')
                     if name.startswith("xl/worksheets/") else data)
    (tmp_path / "far.xlsx").write_bytes(raw)
    assert refusal(tmp_path / "far.xlsx").startswith(
        "far.xlsx, sheet 'Sheet': the sheet spans 100000000 rows and 5 columns, more than the 1100000 rows and 500 columns")


from hypothesis import given, settings  # noqa: E402 - the damaged-workbook property below
from hypothesis import strategies as st  # noqa: E402

PARTS = ["xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "[Content_Types].xml",
         "xl/_rels/workbook.xml.rels"]


@settings(max_examples=60, deadline=None)
@given(part=st.sampled_from(PARTS), how=st.sampled_from(["truncate", "byte", "index"]), where=st.floats(0, 1), byte=st.integers(0, 255))
def test_a_damaged_workbook_is_a_wdmonitor_error_or_read_never_a_foreign_error(tmp_path_factory, part, how, where, byte):
    def damage(name: str, data: bytes) -> bytes:
        if name != part or not data:
            return data
        at = int(where * (len(data) - 1))
        if how == "truncate":
            return data[:at]
        if how == "byte":
            return data[:at] + bytes([byte]) + data[at + 1:]
        return data.replace(b"<v>0</v>", b"<v>999</v>")  # a shared-string index that does not exist

    path = tmp_path_factory.mktemp("damaged") / "d.xlsx"
    path.write_bytes(_rewritten(_workbook_bytes(), damage))
    try:
        read_submission(path, PLAN)
    except SubmissionError as error:
        assert str(error).startswith("d.xlsx") and len(str(error)) < 1500


@pytest.mark.parametrize("column", ["region", "indicator", "sex"])
def test_a_list_in_a_key_cell_is_refused_as_the_text_it_shows(column):
    row = {"region": "211402", "year": 2022, "indicator": "maternal_mortality_ratio", "sex": "female", "value": 8.0}
    row[column] = ["211402"]
    report = check_submission(pd.DataFrame([row]), PLAN)
    assert report.valid.empty and "['211402']" in report.errors["message_en"].iloc[0]


def test_a_complex_value_is_refused_never_cut_to_its_real_part():
    frame = pd.DataFrame({"region": "211400", "year": [2021, 2022], "indicator": "maternal_mortality_ratio", "sex": "female",
                          "value": [complex(9.8, 1), complex(9.7, 0)]})
    report = check_submission(frame, PLAN)
    assert report.errors[["row", "check"]].values.tolist() == [[0, "number"]]
    assert report.valid["value"].tolist() == [9.7]


def test_a_file_name_with_undecodable_bytes_reaches_the_store_and_the_feedback_workbook(tmp_path):
    from wdmonitor import Store

    name = "卫健委\udcff.csv"  # a byte that was not UTF-8 in the file system's name
    path = tmp_path / name
    path.write_text(HEADER + "211400,2021,maternal_mortality_ratio,female,-1\n211400,2022,maternal_mortality_ratio,female,9.7\n",
                    encoding="utf-8")
    frame = read_submission(path, PLAN)
    assert set(frame["source_file"]) == {"卫健委\\udcff.csv"}
    report = check_submission(frame, PLAN)
    book = openpyxl.load_workbook(report.to_excel(tmp_path / "反馈.xlsx"))
    assert book["问题 failures"]["A2"].value == "卫健委\\udcff.csv"
    clean = tmp_path / "教育局\udcfe.csv"
    clean.write_text(HEADER + "211400,2022,maternal_mortality_ratio,female,9.7\n", encoding="utf-8")
    store = Store(tmp_path / "库.sqlite", plan=PLAN)
    store.add(clean, department="卫健委")
    assert store.frame()["value"].tolist() == [9.7]


def test_text_starting_with_a_tab_or_a_carriage_return_is_neutralised_in_every_export(tmp_path):
    from wdmonitor.writers import neutralise_value

    assert [neutralise_value(v) for v in ["\t=1+1", "\r@SUM(A1)", "\tplain"]] == ["'\t=1+1", "'\r@SUM(A1)", "'\tplain"]


CHINESE = st.text(alphabet=st.sampled_from("绥中县兴城市葫芦岛妇女发展规划监测统计表孕产妇死亡率指标年份地区性别女男合计"), min_size=1, max_size=20)


@settings(max_examples=40, deadline=None)
@given(text=CHINESE, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"]))
def test_text_in_any_encoding_the_reader_accepts_reads_back_as_written(tmp_path_factory, text, encoding):
    path = tmp_path_factory.mktemp("enc") / "x.csv"
    path.write_bytes(("region,year,indicator,sex,value,source\n"
                      f"211400,2021,maternal_mortality_ratio,female,9.8,{text}\n").encode(encoding))
    assert read_submission(path, PLAN)["source"].tolist() == [text]
