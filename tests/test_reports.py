"""Report-ready outputs: names in the reader's language, the report's rounding, one writer,
the Word draft and the standalone page (rendered in headless Chromium)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import numpy as np
import pandas as pd
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

import wdmonitor
from wdmonitor import load_plan
from wdmonitor.early_warning import EarlyWarnings
from wdmonitor.report import target_text, verdict_sentences
from wdmonitor.sample import load_sample
from wdmonitor.tables import format_number, localise
from wdmonitor.vocabulary import COLUMN_VOCABULARIES, name_of
from wdmonitor.writers import EXCEL_CELL_CHARACTERS, Sheet, neutralise, write_excel

PLAN = "huludao-2021-2030"
DOCS_IMAGES = Path(__file__).parent.parent / "docs" / "images"


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


@pytest.fixture(scope="module")
def frame():
    return load_sample()


@pytest.fixture(scope="module")
def result(frame, plan):
    return wdmonitor.evaluate(frame, plan)


@pytest.fixture(scope="module")
def warnings(frame, plan):
    return wdmonitor.flag_early_warnings(frame, plan)


# -- vocabulary ---------------------------------------------------------------------------------
@pytest.mark.parametrize("column", sorted(COLUMN_VOCABULARIES))
def test_every_code_a_reader_sees_has_a_chinese_and_an_english_name(column):
    vocabulary = COLUMN_VOCABULARIES[column]
    for lang in ("zh", "en"):
        names = [name_of(vocabulary, member.value, lang) for member in vocabulary]
        assert all(names) and len(set(names)) == len(names), (column, lang, names)
    chinese = [name_of(vocabulary, member.value) for member in vocabulary]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in chinese)


def test_localise_names_codes_and_keeps_what_it_does_not_know():
    frame = pd.DataFrame({"status": ["not_attained", None], "sex": ["female/male", "total"], "kind": ["at_most", "parity"],
                          "progress_class": ["on_track", np.nan], "unit": ["percent", "per_100k"], "other": ["x", "y"]})
    zh = localise(frame)
    assert zh.iloc[0].tolist() == ["未实现", "女/男", "控制在以下", "进度正常", "%", "x"]
    assert zh.iloc[1].tolist()[:2] == ["", "合计"]
    en = localise(frame, "en")
    assert en.iloc[0].tolist() == ["not attained", "women/men", "at most", "on track", "%", "x"]


# -- numbers ------------------------------------------------------------------------------------
def test_numbers_print_with_their_precision_and_shares_as_percentages():
    assert format_number(94.97549000000001, 1) == "95.0"
    assert format_number(0.6667, 1, percent=True) == "66.7%"
    assert format_number(np.nan, 1) == ""
    assert target_text("at_most", 10.5, np.nan, np.nan, 1, "/10万") == "≤10.5/10万"
    assert target_text("band", np.nan, 103.0, 107.0, 1, "") == "103–107"
    assert target_text("increase", np.nan, np.nan, np.nan, 1, "%", "en") == "increase"


def test_evaluation_sheet_carries_number_formats_by_indicator(result, tmp_path):
    book = load_workbook(result.to_excel(tmp_path / "m.xlsx"))
    sheet = book["妇女与健康"]
    headers = [c.value for c in sheet[1]]
    value_column = headers.index("监测值") + 1
    formats = {sheet.cell(row=r, column=value_column).number_format for r in range(2, sheet.max_row + 1)
               if isinstance(sheet.cell(row=r, column=value_column).value, float)}
    assert formats <= {"0", "0.0", "0.00"} and "0.0" in formats
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert not {"attained", "female", "percent", "increase", "moderate_progress"} & set(values)
    assert "提前实现（不确定）" in values or "已实现（不确定）" in values or "未实现（不确定）" in values


# -- the one writer -----------------------------------------------------------------------------
def test_neutralise_cleans_formulas_control_characters_and_long_text():
    long = "x" * (EXCEL_CELL_CHARACTERS + 10)
    clean = neutralise(pd.DataFrame({"a": ["=SUM(A1)", "+1", "-x", "@f", "ok\x07", long], "n": range(6)}))
    assert clean["a"].tolist()[:5] == ["'=SUM(A1)", "'+1", "'-x", "'@f", "ok\\x07"]
    assert len(clean["a"].iloc[5]) == EXCEL_CELL_CHARACTERS and clean["a"].iloc[5].endswith(f"({EXCEL_CELL_CHARACTERS + 10} characters)")
    assert clean["n"].tolist() == list(range(6))


def test_write_excel_applies_per_row_formats_fills_and_print_setup(tmp_path):
    sheet = Sheet(frame=pd.DataFrame({"值": [1.234, 5.678], "结论": ["已实现", "未实现"]}), formats={"值": ["0.0", "0.00"]},
                  fills={"结论": {"已实现": "4CAF50"}})
    book = load_workbook(write_excel(tmp_path / "w.xlsx", {"表[1]": sheet, "plain": pd.DataFrame({"a": ["=1"]})}))
    assert book.sheetnames == ["表_1_", "plain"]
    ws = book["表_1_"]
    assert [ws["A2"].number_format, ws["A3"].number_format] == ["0.0", "0.00"]
    assert ws["A2"].value == 1.234  # the number itself, not rounded text
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert book["plain"]["A2"].value == "'=1"


def test_templates_are_written_by_the_one_writer(plan, tmp_path):
    from wdmonitor.templates import write_template

    book = load_workbook(write_template(plan, tmp_path / "t.xlsx", department="卫健委", years=[2024]))
    sheet = book["数据 data"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


# -- sentences ----------------------------------------------------------------------------------
def test_sentences_name_the_value_year_verdict_and_target(result, plan):
    sentences = verdict_sentences(result, lang="zh")
    assert any(s.startswith("孕产妇系统管理率2024年为84.8%，未实现2030年目标（≥90%）") for s in sentences)
    milestone = [s for s in sentences if "序时进度目标" in s]
    assert milestone and all(s.endswith("。") for s in sentences)
    english = verdict_sentences(result, lang="en")
    assert len(english) == len(sentences)
    assert any(s.startswith("Systematic management rate of pregnant and postpartum women was 84.8% in 2024: the 2030 target (≥90%) not attained")
               for s in english)


# -- the result protocol ------------------------------------------------------------------------
def test_early_warnings_is_a_result_with_the_report_protocol(warnings, tmp_path):
    assert isinstance(warnings, EarlyWarnings)
    assert warnings.as_of == 2024 and len(warnings) == len(warnings.table) > 0
    book = load_workbook(warnings.to_excel(tmp_path / "预警.xlsx"))
    assert book.sheetnames == ["预警", "计算过程", "方法"]
    assert [c.value for c in book["预警"][1]][:4] == ["指标", "地区", "性别", "预警类型"]
    assert warnings.to_csv(tmp_path / "w.csv").read_text(encoding="utf-8-sig").startswith("指标,地区,性别,预警类型")
    assert warnings.to_markdown().startswith("# 预警：预计达标困难、波动较大")
    assert "<table" in warnings._repr_html_()
    page = warnings.to_html(tmp_path / "w.html", lang="en")
    assert page.startswith("<!DOCTYPE html>") and (tmp_path / "w.html").read_text(encoding="utf-8") == page
    headings = [p.text for p in docx.Document(str(warnings.to_docx(tmp_path / "w.docx"))).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "葫芦岛市"


@pytest.mark.parametrize("name", ["to_excel", "to_csv", "to_markdown", "to_html", "to_docx", "_repr_html_"])
def test_every_result_has_the_same_exports(name, result, warnings, frame, plan):
    annual = wdmonitor.annual_report(frame, plan, 2024)
    assert all(callable(getattr(r, name, None)) for r in (result, annual, warnings))


# -- the Word draft ----------------------------------------------------------------------------
def _east_asian(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_word_draft_has_the_report_sections_in_chinese(result, warnings, tmp_path):
    path = result.to_docx(tmp_path / "中期评估报告.docx", warnings=warnings, charts=False)
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "葫芦岛市妇女发展规划（2021—2030年） 中期评估报告"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["总体情况", "妇女与健康", "妇女与教育", "妇女与经济", "妇女参与决策和管理", "妇女与社会保障",
                        "妇女与家庭建设", "妇女与环境", "妇女与法律", "未实现和结论不确定的目标", "预警：预计达标困难、波动较大",
                        "待评估的定性目标", "数据来源"]
    assert any(p.startswith("孕产妇系统管理率2024年为84.8%，未实现2030年目标") for p in paragraphs)
    summary = document.tables[0]
    assert [c.text for c in summary.rows[0].cells][-4:] == ["结论不确定（序时进度）", "达标率（序时进度）",
                                                            "结论不确定（对照终期目标）", "对照终期目标达标率"]
    per_target = result.target_status()
    judged = per_target[~per_target["status"].isin(["not_assessable", "needs_assessment"])]
    firm = judged[~judged["uncertain"]]
    met = firm["status"].isin(["attained_early", "attained", "basically_attained"]).sum()
    # uncertain verdicts are counted apart: in neither the numerator nor the denominator
    assert judged["uncertain"].any() and summary.rows[-1].cells[0].text == "合计"
    assert summary.rows[-1].cells[-4].text == str(judged["uncertain"].sum())
    assert summary.rows[-1].cells[-3].text == f"{100 * met / len(firm):.1f}%"
    assert _east_asian(document.styles["Normal"]) == "宋体" and _east_asian(document.styles["Heading 1"]) == "黑体"
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape for the wide tables
    statuses = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "已实现" in statuses and "attained" not in statuses


def test_word_draft_in_english_embeds_charts_and_county_sections(result, frame, tmp_path, monkeypatch):
    monkeypatch.setattr("wdmonitor.report.MAX_TRAJECTORIES", 1)
    county = result.plan.regions[0]
    path = result.to_docx(tmp_path / "midterm.docx", lang="en", frame=frame, regions=[county.code])
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Overview", "Women and health"] and county.name_en in headings and "Charts" in headings
    images = [r for r in document.part.rels.values() if "image" in r.reltype]
    numeric_areas = result.table.loc[result.table["kind"] != "qualitative", "area"].nunique()
    assert len(images) == 1 + numeric_areas + 1  # statuses by area, one per area with numeric targets, a trajectory
    text = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "not attained" in text and "未实现" not in text


# -- the page in a browser ---------------------------------------------------------------------
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but no chromium on PATH (.ci/run installs Debian's chromium when running as root)")
    pytest.skip("chromium is not installed (apt-get install chromium)")
    return None


def _fontconfig(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig also sees the Noto Sans CJK file shipped by mplfonts."""
    import mplfonts

    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{Path(mplfonts.__file__).parent / 'fonts'}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def _browser(chromium: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1600",
               "--virtual-time-budget=5000", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, check=False)


_CHECK = """<script>
window.addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(e => {
    if (e.closest(".wdm-table-wrap")) return false;  // tables scroll inside their wrapper
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  }).map(e => e.tagName + "." + e.className);
  const images = [...document.images].map(i => i.complete && i.naturalWidth > 0);
  const out = document.createElement("pre");
  out.id = "wdm-check";
  out.textContent = JSON.stringify({scroll: document.documentElement.scrollWidth, width, wide, images,
                                    charset: document.characterSet});
  document.body.appendChild(out);
});
</script>"""


def test_html_report_renders_in_a_headless_browser(result, frame, tmp_path, monkeypatch):
    chromium = _chromium()
    env = _fontconfig(tmp_path)
    monkeypatch.setattr("wdmonitor.report.MAX_TRAJECTORIES", 1)
    page = tmp_path / "中期评估报告.html"
    text = result.to_html(page, frame=frame)
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text and "data:image/png;base64," in text
    assert "@media print" in text and "已实现" in text and "attained_early" not in text

    checked = tmp_path / "checked.html"
    checked.write_text(text.replace("</body>", _CHECK + "</body>"), encoding="utf-8")
    dom = _browser(chromium, env, "--dump-dom", checked.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    report = json.loads(dom.stdout.split('<pre id="wdm-check">', 1)[1].split("</pre>", 1)[0].replace("&quot;", '"'))
    assert report["charset"] == "UTF-8"
    assert report["scroll"] <= report["width"], report  # nothing wider than the window
    assert report["wide"] == []
    assert report["images"] and all(report["images"])

    shot = tmp_path / "report.png"
    done = _browser(chromium, env, f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    from matplotlib.image import imread

    pixels = imread(str(shot))
    assert pixels.shape[1] == 1280 and pixels[..., :3].std() > 0.05  # not a blank page
    if os.environ.get("WDMONITOR_DOCS_SCREENSHOTS"):  # regenerate the screenshot shown in docs/outputs.md
        DOCS_IMAGES.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS_IMAGES / "report_page.png")


def test_chinese_text_renders_as_glyphs_not_boxes(tmp_path):
    """Two different Chinese strings give different pixels only when their glyphs are drawn
    (missing glyphs are all the same box)."""
    chromium = _chromium()
    env = _fontconfig(tmp_path)
    from matplotlib.image import imread

    from wdmonitor.report_html import CSS

    shots = []
    for i, words in enumerate(("妇女发展规划", "已实现达标率")):
        page = tmp_path / f"glyphs{i}.html"
        page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{CSS}</style></head>'
                        f'<body><h1 style="font-size:64px">{words}</h1></body></html>', encoding="utf-8")
        shot = tmp_path / f"glyphs{i}.png"
        assert _browser(chromium, env, f"--screenshot={shot}", page.as_uri()).returncode == 0
        shots.append(imread(str(shot))[..., :3])
    assert np.abs(shots[0] - shots[1]).mean() > 0.002


# -- the command line -------------------------------------------------------------------------
def test_cli_refuses_an_unknown_suffix_before_reading_anything(tmp_path, capsys):
    from wdmonitor.cli import main

    assert main(["report", "--sample", "--plan", PLAN, "-o", str(tmp_path / "a.pdf")]) == 2
    captured = capsys.readouterr()
    assert captured.err == ("wdmonitor: error: output must end in .xlsx, .csv, .md, .html or .docx (got "
                            f"'{tmp_path / 'a.pdf'}') / 输出文件须为 .xlsx、.csv、.md、.html 或 .docx\n")
    assert "SYNTHETIC" not in captured.err and not (tmp_path / "a.pdf").exists()


def test_cli_page_with_a_section_per_county(tmp_path, plan, monkeypatch, capsys):
    from wdmonitor.cli import main

    monkeypatch.setattr("wdmonitor.report.MAX_TRAJECTORIES", 0)
    page = tmp_path / "报告.html"
    assert main(["evaluate", "--sample", "--plan", PLAN, "--region-sections", "-o", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert all(f"<h2>{region.name_zh}</h2>" in text for region in plan.regions)
    assert f"written / 已写入: {page}" in capsys.readouterr().out


def test_annual_report_in_english_as_word_and_workbook(frame, plan, tmp_path):
    annual = wdmonitor.annual_report(frame, plan, 2024)
    book = load_workbook(annual.to_excel(tmp_path / "annual.xlsx", lang="en"))
    assert book.sheetnames == ["Annual monitoring", "Early warnings", "Method"]
    sheet = book["Annual monitoring"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["No.", "Indicator", "Region", "Sex"]
    values = {c.value for row in sheet.iter_rows(min_row=2) for c in row}
    assert "Huludao" in values and "葫芦岛市" not in values and "acceleration_needed" not in values
    document = docx.Document(str(annual.to_docx(tmp_path / "annual.docx", lang="en")))
    assert document.paragraphs[0].text == "Huludao City Women's Development Plan (2021–2030) Annual monitoring 2024"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][0] == "Women and health"
