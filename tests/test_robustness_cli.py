"""The command line never prints a traceback for what the user gave it: every failure is one line
in English and Chinese, exit code 2 for usage (options, dates, years, text, paths, disks) and 1 for
data. A genuine bug still surfaces."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from wdmonitor.cli import main

PLAN = "huludao-2021-2030"
HELP = "(wdmonitor {command} --help shows the options) / 命令行参数有误，请用 wdmonitor {command} --help 查看用法"
NOT_A_YEAR = "is not a year: expected a whole year from 1800 to 2200 / 年份无效，应为1800至2200之间的整数年份"
NOT_A_DATE = ("is not a date: expected a date such as 2025-03-31 or 2025-03-31T09:30 / "
              "日期无法识别，应为 2025-03-31 或 2025-03-31T09:30 这样的日期")


def _error(capsys) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize(("argv", "option", "command"), [
    (["warn", "--sample", "--plan", PLAN, "--as-of", str(10**20)], "--as-of", "warn"),
    (["report", "--sample", "--plan", PLAN, "--year", "-5"], "--year", "report"),
    (["evaluate", "--sample", "--plan", PLAN, "--year", "二〇二五"], "--year", "evaluate"),
    (["template", "--plan", PLAN, "-o", "t.xlsx", "--years", "2025", "99999"], "--years", "template"),
    (["store", "history", "s.sqlite", "--region", "211400", "--year", "0", "--indicator", "x", "--sex", "female"],
     "--year", "store history"),
])
def test_an_impossible_year_is_a_usage_error(capsys, argv, option, command):
    assert main(argv) == 2
    value = argv[argv.index(option) + 1] if option != "--years" else "99999"
    assert _error(capsys) == f"wdmonitor: error: argument {option}: '{value}' {NOT_A_YEAR} {HELP.format(command=command)}\n"


@pytest.mark.parametrize(("argv", "option", "value", "command"), [
    (["evaluate", "--store", "s.sqlite", "--plan", PLAN, "--as-of-date", "2025-13-45"], "--as-of-date", "2025-13-45", "evaluate"),
    (["store", "add", "s.sqlite", "a.csv", "--plan", PLAN, "--department", "卫健委", "--submitted-at", "昨天"],
     "--submitted-at", "昨天", "store add"),
    (["warn", "--store", "s.sqlite", "--plan", PLAN, "--as-of-date", "99999-01-01"], "--as-of-date", "99999-01-01", "warn"),
])
def test_an_unparseable_date_is_a_usage_error(capsys, argv, option, value, command):
    assert main(argv) == 2
    assert _error(capsys) == f"wdmonitor: error: argument {option}: '{value}' {NOT_A_DATE} {HELP.format(command=command)}\n"


def test_dates_in_iso_form_are_accepted(tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    assert main(["evaluate", "--store", str(store), "--plan", PLAN, "--as-of-date", "2025-03-31T09:30"]) == 2
    assert _error(capsys) == f"wdmonitor: error: no store at {store} / 数据库不存在：{store}\n"  # the date passed the door


def test_an_argparse_refusal_is_one_line(capsys):
    assert main(["warn", "--sample", "--plan", PLAN, "--method", "linear"]) == 2
    assert _error(capsys) == ("wdmonitor: error: argument --method: invalid choice: 'linear' (choose from 'trend', 'ols', 'escap') "
                              f"{HELP.format(command='warn')}\n")


@pytest.mark.parametrize("argv", [
    ["evaluate", "--sample", "--plan", PLAN, "-o", "{missing}/out.xlsx"],
    ["targets", "--plan", PLAN, "-o", "{missing}/targets.csv"],
    ["template", "--plan", PLAN, "-o", "{missing}/template.xlsx"],
    ["store", "export", "{store}", "{missing}/export.csv"],
])
def test_a_missing_output_folder_is_refused_before_any_work(tmp_path, capsys, argv):
    missing = tmp_path / "no" / "such"
    store = tmp_path / "s.sqlite"
    argv = [a.format(missing=missing, store=store) for a in argv]
    assert main(argv) == 2
    assert _error(capsys) == (f"wdmonitor: error: the output's folder '{missing}' does not exist; create it first or write "
                              f"elsewhere / 输出文件夹不存在：{missing}，请先创建或写到其他位置\n")
    assert not store.exists()


def test_a_folder_given_as_the_output_is_refused(tmp_path, capsys):
    assert main(["targets", "--plan", PLAN, "-o", str(tmp_path)]) == 2
    assert _error(capsys) == f"wdmonitor: error: the output '{tmp_path}' is a folder; give a file name / 输出路径是文件夹，请给出文件名\n"


def test_a_full_disk_while_writing_names_the_file_and_what_to_do(tmp_path, capsys, monkeypatch):
    output = tmp_path / "targets.csv"

    def full(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("pandas.DataFrame.to_csv", full)
    assert main(["targets", "--plan", PLAN, "-o", str(output)]) == 2
    lines = _error(capsys).splitlines()
    assert lines == [f"wdmonitor: error: '{output}': no space left on the disk; free some space or write to another disk / "
                     "磁盘空间已满，请清理空间或写到其他磁盘"]


def test_a_full_disk_during_an_evaluation_export(tmp_path, capsys, monkeypatch):
    output = tmp_path / "midterm.xlsx"

    def full(path, sheets, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("wdmonitor.writers.write_excel", full)
    monkeypatch.setattr("wdmonitor.report.write_excel", full, raising=False)
    assert main(["evaluate", "--sample", "--plan", PLAN, "-o", str(output)]) == 2
    err = _error(capsys)
    assert err.endswith(f"wdmonitor: error: '{output}': no space left on the disk; free some space or write to another disk / "
                        "磁盘空间已满，请清理空间或写到其他磁盘\n")


def test_a_read_only_place_is_one_line(tmp_path, capsys, monkeypatch):
    output = tmp_path / "targets.csv"

    def read_only(self, path, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr("pandas.DataFrame.to_csv", read_only)
    assert main(["targets", "--plan", PLAN, "-o", str(output)]) == 2
    assert _error(capsys) == f"wdmonitor: error: '{output}': the disk is read-only; write to another place / 磁盘为只读，请写到其他位置\n"


@pytest.mark.parametrize(("option", "value", "shown", "kind", "kind_zh"), [
    ("--department", "卫\x01健委", "'卫\\x01健委'", "a control character; give plain text", "含有控制字符，请输入普通文本"),
    ("--department", "卫\udcff", "'卫\\udcff'",
     "bytes that are not text in the system's encoding (a lone surrogate); rename the file or give plain text",
     "含有无法识别为文字的字节，请重命名文件或输入普通文本"),
])
def test_control_characters_and_lone_surrogates_in_text_are_usage_errors(tmp_path, capsys, option, value, shown, kind, kind_zh):
    output = tmp_path / "template.xlsx"
    assert main(["template", "--plan", PLAN, option, value, "-o", str(output)]) == 2
    assert _error(capsys) == f"wdmonitor: error: {option} {shown} contains {kind} / {option} {kind_zh}\n"
    assert not output.exists()


def test_a_file_name_with_undecodable_bytes_is_refused_before_it_reaches_a_writer(tmp_path, capsys):
    name = str(tmp_path / "卫健委\udcff.csv")
    assert main(["validate", name, "--plan", PLAN, "-o", str(tmp_path / "feedback.xlsx")]) == 2
    assert _error(capsys) == (
        f"wdmonitor: error: the file name '{tmp_path}/卫健委\\udcff.csv' contains bytes that are not text in the system's "
        "encoding (a lone surrogate); rename the file or give plain text / 文件名 含有无法识别为文字的字节，请重命名文件或输入普通文本\n")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_undecodable_bytes_from_the_shell_never_print_a_traceback(tmp_path):
    template = os.fsencode(tmp_path / "t.xlsx")
    result = subprocess.run([sys.executable, "-m", "wdmonitor", "template", "--plan", PLAN, "--department", b"\xff", "-o", template],
                            capture_output=True, check=False)
    assert result.returncode == 2
    assert result.stderr.decode("utf-8", "replace").count("\n") == 1
    assert b"Traceback" not in result.stderr and b"lone surrogate" in result.stderr


def test_a_genuine_bug_still_surfaces(monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("wdmonitor.cli._targets", bug)
    with pytest.raises(ZeroDivisionError):
        main(["targets", "--plan", PLAN])
