"""The yearly cycle from the command line: evaluate, warn, report and store, end to end."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from wdmonitor.cli import main
from wdmonitor.sample import faulty_workbook_path, load_sample, sample_path

PLAN = "huludao-2021-2030"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wdmonitor", *args], capture_output=True, text=True, check=False)


def test_readme_main_command_evaluates_the_sample_through_the_entry_point(tmp_path):
    out, draft, charts = tmp_path / "midterm.xlsx", tmp_path / "中期评估报告.docx", tmp_path / "charts"
    result = run("evaluate", "--sample", "--plan", PLAN, "-o", str(out), "-o", str(draft), "--charts", str(charts), "--progress")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("葫芦岛市妇女发展规划（2021—2030年） — 中期评估 mid-term 2025: ")
    assert lines[1].split()[:4] == ["领域", "目标数", "指标目标数", "可评估"]
    assert lines[-4].split()[0] == "合计"
    assert lines[-3] == f"written / 已写入: {out}"
    assert lines[-2] == f"written / 已写入: {draft}"
    pngs = sorted(p.name for p in charts.iterdir())
    assert lines[-1] == f"{len(pngs)} charts written / 已绘制{len(pngs)}张图: {charts}"
    assert {"status_by_area.png", "status_heatmap.png", "trajectory_maternal_mortality_ratio.png"} <= set(pngs)
    assert all((charts / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in pngs)
    assert "SYNTHETIC" in result.stderr and "3/3 done" in result.stderr
    assert load_workbook(out).sheetnames[:2] == ["汇总", "妇女与健康"]
    import docx

    headings = [p.text for p in docx.Document(str(draft)).paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["总体情况", "妇女与健康"]


@pytest.mark.parametrize("suffix", [".csv", ".md", ".html"])
def test_evaluate_writes_each_format_in_english(tmp_path, capsys, suffix, monkeypatch):
    monkeypatch.setattr("wdmonitor.report.MAX_TRAJECTORIES", 1)  # one chart is enough to see it embedded
    out = tmp_path / f"final{suffix}"
    assert main(["evaluate", "--sample", "--plan", PLAN, "--year", "2030", "--lang", "en", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert {".csv": "Area,No.,Indicator,Plan text,Region,Sex", ".md": "# Huludao City Women's Development Plan (2021–2030) — final evaluation 2030",
            ".html": "<!DOCTYPE html>"}[suffix] in text
    assert "needs assessment" in text and "待评估" not in text  # statuses by their English names
    assert "Attainment rate" in capsys.readouterr().out


def test_evaluate_files_with_assessments(tmp_path, capsys):
    assessments = tmp_path / "qual.csv"
    assessments.write_text("target_id,status,evidence\nlaw-1,已实现,法治宣传年度报告\n", encoding="utf-8")
    out = tmp_path / "mid.csv"
    assert main(["evaluate", str(sample_path()), "--plan", PLAN, "--assessments", str(assessments), "-o", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    law = table[(table["领域"] == "妇女与法律") & (table["序号"] == "1") & (table["地区"] == "葫芦岛市")]
    assert law["评估结论"].tolist() == ["已实现"]


def test_evaluate_refuses_faulty_data_with_exit_code_1():
    result = run("evaluate", str(faulty_workbook_path()), "--plan", PLAN)
    assert result.returncode == 1
    assert result.stderr.startswith("wdmonitor: error: 43 rows: 34 valid, 9 refused with 10 failure(s)")
    assert "Traceback" not in result.stderr


def test_data_source_is_required_exit_code_2():
    result = run("warn", "--plan", PLAN)
    assert result.returncode == 2
    assert result.stderr == "wdmonitor: error: give data files, --sample or --store (exactly one) / 请指定数据文件、--sample 或 --store 之一\n"


def test_warn_prints_counts_and_writes_flags(tmp_path, capsys):
    out = tmp_path / "flags.xlsx"
    assert main(["warn", "--sample", "--plan", PLAN, "--as-of", "2024", "--method", "ols", "--lang", "en", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "early warning, as of 2024" in printed and "projected to miss" in printed and "projected_miss" not in printed
    sheet = load_workbook(out)["Early warnings"]
    assert [c.value for c in sheet[1]][:4] == ["Indicator", "Region", "Sex", "Flag"]
    assert sheet["D2"].value in {"projected to miss", "volatile", "deteriorating", "gap widening", "data problem"}


def test_warn_in_english_names_regions_and_indicators_in_english(capsys):
    assert main(["warn", "--sample", "--plan", PLAN, "--lang", "en", "--top", "3"]) == 0
    printed = capsys.readouterr().out
    table = printed.splitlines()[-4:]
    assert table[0].split()[:2] == ["Region", "Indicator"]
    assert not any("\u4e00" <= ch <= "\u9fff" for line in table for ch in line)  # no Chinese left


def test_report_writes_the_annual_table(tmp_path, capsys):
    out = tmp_path / "annual.md"
    assert main(["report", "--sample", "--plan", PLAN, "--year", "2024", "-o", str(out)]) == 0
    assert "年度监测 2024" in out.read_text(encoding="utf-8")


def test_store_cycle_add_list_history_export_merge_and_evaluate(tmp_path):
    county = tmp_path / "county.sqlite"
    city = tmp_path / "city.sqlite"
    added = run("store", "add", str(county), str(sample_path()), "--plan", PLAN, "--department", "统计局",
                "--submitted-at", "2025-03-01")
    assert added.returncode == 0, added.stderr
    assert f"{len(load_sample())} rows" in added.stdout  # every row of the sample CSV
    listing = run("store", "list", str(county))
    assert "统计局" in listing.stdout and "huludao_2020_2024.csv" in listing.stdout
    history = run("store", "history", str(county), "--region", "211400", "--year", "2024",
                  "--indicator", "maternal_mortality_ratio", "--sex", "female")
    assert history.returncode == 0 and "2025-03-01" in history.stdout
    exported = tmp_path / "exchange.sqlite"
    assert run("store", "export", str(county), str(exported)).returncode == 0
    merged = run("store", "merge", str(city), str(exported))
    assert merged.returncode == 2  # the city store does not exist yet
    assert run("store", "add", str(city), str(sample_path()), "--plan", PLAN, "--department", "统计局",
               "--submitted-at", "2025-02-01").returncode == 0
    merged = run("store", "merge", str(city), str(exported))
    assert merged.returncode == 0, merged.stderr + merged.stdout
    evaluated = run("evaluate", "--store", str(city), "--plan", PLAN, "--lang", "en")
    assert evaluated.returncode == 0, evaluated.stderr
    assert "Attainment rate" in evaluated.stdout


@pytest.mark.parametrize("command", ["evaluate", "warn", "report", "store", "validate", "template"])
def test_every_subcommand_help_has_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "example" in capsys.readouterr().out


def test_top_level_help_lists_the_cycle(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for word in ("evaluate", "warn", "report", "store", "examples:"):
        assert word in out
