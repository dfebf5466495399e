"""The command line, run through its entry point as a user would."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import wdmonitor
from wdmonitor.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wdmonitor", *args], capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_plans_lists_the_bundled_plans():
    result = run("plans")
    assert result.returncode == 0, result.stderr
    assert "huludao-2021-2030" in result.stdout
    assert "葫芦岛市妇女发展规划（2021—2030年）" in result.stdout


def test_targets_prints_a_plans_numeric_targets(capsys):
    assert main(["targets", "--plan", "huludao-2021-2030", "--numeric"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first == (
        "葫芦岛市妇女发展规划（2021—2030年） / Huludao City Women's Development Plan (2021–2030): "
        "82 goals, 114 targets (69 numeric); mid-term 2025, final 2030"
    )
    assert "maternal_mortality_ratio" in out and "qualitative" not in out


def test_targets_writes_csv_and_markdown(tmp_path, capsys):
    csv = tmp_path / "targets.csv"
    assert main(["targets", "--plan", "huludao-2021-2030", "-o", str(csv)]) == 0
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert len(frame) == 117  # 114 targets, three of them with two target years
    md = tmp_path / "targets.md"
    assert main(["targets", "--plan", "huludao-2021-2030", "--numeric", "--lang", "en", "-o", str(md)]) == 0
    lines = md.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("| area | goal_no | target_id | indicator | name_en | kind |")
    assert len(lines) == 2 + 72


def test_indicators_of_a_plan(capsys):
    assert main(["indicators", "--plan", "huludao-2021-2030"]) == 0
    out = capsys.readouterr().out
    assert "孕产妇死亡率" in out and "per_100k" in out


@pytest.mark.slow
def test_an_unknown_plan_is_one_line_and_exit_code_2():
    result = run("targets", "--plan", "atlantis")
    assert result.returncode == 2
    assert result.stderr == (
        "wdmonitor: error: unknown plan 'atlantis': not a bundled plan (huludao-2021-2030, jinan-2021-2030, qingcheng-2021-2030, taobei-2021-2030, youhao-2021-2025) and not a file / "
        "未知规划 'atlantis'：既不是内置规划，也不是文件\n"
    )


def test_a_broken_plan_file_exits_1_with_its_problems(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    assert main(["targets", "--plan", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wdmonitor: error: 10 problems found / 发现10个问题:")
    assert f"{path}, title_zh: required key is missing (got None) / 缺少必填项" in err


@pytest.mark.slow
def test_help_says_what_each_command_does_with_an_example():
    result = run("--help")
    assert result.returncode == 0
    assert "wdmonitor targets --plan huludao-2021-2030 --lang en" in result.stdout
    for command in ("plans", "indicators", "targets"):
        sub = run(command, "--help")
        assert sub.returncode == 0
        assert "example: wdmonitor " + command in sub.stdout


def plausible_values(indicators: pd.Series) -> list[float]:
    """A value inside each indicator's plausible range (the middle of it), else 50."""
    catalogue = wdmonitor.load_indicators()
    middle = {i: sum(d.plausible) / 2 for i, d in catalogue.items() if d.plausible}
    return [middle.get(i, 50.0) for i in indicators]


@pytest.mark.slow
def test_template_then_validate_end_to_end(tmp_path):
    template = tmp_path / "卫健委模板.xlsx"
    result = run("template", "--plan", "huludao-2021-2030", "--department", "卫健委", "--years", "2024", "-o", str(template))
    assert result.returncode == 0, result.stderr
    assert template.exists()
    sent = pd.read_excel(template, sheet_name="数据 data", dtype=object)
    sent["数值 value"] = plausible_values(sent["指标代码 indicator"])
    clean = tmp_path / "clean.xlsx"
    sent.to_excel(clean, index=False)
    ok = run("validate", str(clean), "--plan", "huludao-2021-2030")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    sent.loc[0, "数值 value"] = -1
    sent.loc[1:5, "数值 value"] = None  # no data: counted, not listed before the error
    bad = tmp_path / "bad.xlsx"
    sent.to_excel(bad, index=False)
    report = tmp_path / "反馈.xlsx"
    failed = run("validate", str(bad), "--plan", "huludao-2021-2030", "--lang", "en", "-o", str(report))
    assert failed.returncode == 1
    lines = failed.stdout.splitlines()
    assert lines[0] == f"sheet 'Sheet1': header in row(s) 1 (long), {len(sent)} data rows; context: none; skipped rows: none"
    assert lines[1].startswith(f"{len(sent)} rows: {len(sent) - 6} valid, 5 without data, 1 refused")
    assert lines[2:] == ["  - bad.xlsx, sheet 'Sheet1', row 2, column I (value): rates, shares and counts cannot be negative (got -1.0)",
                         f"written: {report}"]
    assert report.exists()
    usage = run("validate", "--plan", "huludao-2021-2030")
    assert usage.returncode == 2


def test_a_counts_template_validates_through_the_formulas(tmp_path):
    template = tmp_path / "计数模板.xlsx"
    assert run("template", "--plan", "huludao-2021-2030", "--department", "卫健委", "--components", "--years", "2024",
               "-o", str(template)).returncode == 0
    sent = pd.read_excel(template, sheet_name="数据 data", dtype=object)
    assert "maternal_deaths" in set(sent["指标代码 indicator"])
    counts = {"maternal_deaths": 2, "live_births": 20_000}
    sent["数值 value"] = [counts.get(i, v) for i, v in zip(sent["指标代码 indicator"], plausible_values(sent["指标代码 indicator"]), strict=True)]
    filled = tmp_path / "计数.xlsx"
    sent.to_excel(filled, sheet_name="数据 data", index=False)
    checked = run("validate", str(filled), "--plan", "huludao-2021-2030", "--lang", "en")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    layout, *lines = checked.stdout.splitlines()
    assert layout == f"sheet '数据 data': header in row(s) 1 (long), {len(sent)} data rows; context: none; skipped rows: none"
    assert lines[0] == (f"{len(sent)} rows read; the counts among them were computed into indicators by their formulas / "
                        f"共读取{len(sent)}行，其中的计数已按公式计算为指标")
    assert lines[1].endswith("0 refused with 0 failure(s), 0 warning(s) / " + lines[1].split(" / ")[1])
