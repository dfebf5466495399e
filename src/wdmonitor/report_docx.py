"""A :class:`~wdmonitor.report.ReportDocument` as a Word (.docx) draft, with python-docx.

The draft is A4 landscape (the tables by area are wide), in fonts that Word and WPS both
render: 宋体 for Chinese body text and 黑体 for headings, set as East Asian fonts
(``w:eastAsia``) beside Times New Roman for Latin text. Tables repeat their header row on
each page; status and severity cells carry the colours of the workbook; charts are
embedded as PNG.

Examples
--------
>>> import tempfile, pathlib
>>> from wdmonitor.report import ReportDocument, Section
>>> document = ReportDocument(title="测试报告", subtitle="草稿", lang="zh", provenance=(("规划", "test"),),
...                           sections=(Section(heading="总体情况", paragraphs=("达标率66.7%。",)),))
>>> path = write_docx(document, pathlib.Path(tempfile.mkdtemp()) / "r.docx")
>>> import docx
>>> [p.text for p in docx.Document(str(path)).paragraphs][:2]
['测试报告', '草稿']
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report import ReportDocument, Section
    from .tables import ReportTable

__all__ = ["write_docx"]

_BODY_EAST_ASIAN = "宋体"
_HEADING_EAST_ASIAN = "黑体"
_LATIN = "Times New Roman"


def _fonts(style_or_run: Any, latin: str, east_asian: str) -> None:
    """Latin and East Asian font of a style or run (w:rFonts ascii/hAnsi/eastAsia)."""
    from docx.oxml.ns import qn

    style_or_run.font.name = latin
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(key), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _shade(cell: Any, colour: str) -> None:
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = properties.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): colour})
    properties.append(shading)


def _repeat_header(row: Any) -> None:
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value: object) -> str:
    """Text Word accepts: control characters shown as escapes (the XML would refuse them)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def _table(document: Any, table: ReportTable) -> None:
    from docx.shared import Pt

    text = table.text()
    columns = list(text.columns)
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    head = grid.rows[0]
    _repeat_header(head)
    for cell, column in zip(head.cells, columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(_clean(column))
        run.bold = True
        run.font.size = Pt(8)
        _shade(cell, "DDE5F0")
    fills = {column: table.fills.get(column, {}) for column in columns}
    for values in text.itertuples(index=False, name=None):
        cells = grid.add_row().cells
        for cell, column, value in zip(cells, columns, values, strict=True):
            run = cell.paragraphs[0].add_run(_clean(value))
            run.font.size = Pt(8)
            colour = fills[column].get(value)
            if colour:
                _shade(cell, colour)
    document.add_paragraph()


def _section(document: Any, section: Section, level: int) -> None:
    from docx.shared import Cm

    document.add_heading(_clean(section.heading), level=min(level, 4))
    for paragraph in section.paragraphs:
        document.add_paragraph(_clean(paragraph))
    for bullet in section.bullets:
        document.add_paragraph(_clean(bullet), style="List Bullet")
    for table in section.tables:
        _table(document, table)
    for chart in section.charts:
        document.add_picture(io.BytesIO(chart.png), width=Cm(16))
        caption = document.add_paragraph(_clean(chart.caption), style="Caption")
        caption.alignment = 1  # centred
    for sub in section.subsections:
        _section(document, sub, level + 1)


def write_docx(report: ReportDocument, path: str | Path) -> Path:
    """Write ``report`` as a .docx draft; returns the path."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin"):
        setattr(page, margin, Cm(2.0))
    page.top_margin = page.bottom_margin = Cm(2.0)
    styles = document.styles
    body = styles["Normal"]
    _fonts(body, _LATIN, _BODY_EAST_ASIAN)
    body.font.size = Pt(11)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption"):
        style = styles[name]
        _fonts(style, _LATIN, _HEADING_EAST_ASIAN if name != "Caption" else _BODY_EAST_ASIAN)
        style.font.color.rgb = RGBColor(0x1F, 0x1F, 0x1F)
    styles["List Bullet"].font.size = Pt(11)
    core = document.core_properties
    core.title = report.title
    core.author = "wdmonitor"
    core.language = "en-GB" if report.lang == "en" else "zh-CN"
    document.add_paragraph(_clean(report.title), style="Title")
    document.add_paragraph(_clean(report.subtitle), style="Subtitle")
    for section in report.sections:
        _section(document, section, 1)
    document.add_heading("Data and provenance" if report.lang == "en" else "数据来源", level=1)
    for key, value in report.provenance:
        document.add_paragraph(_clean(f"{key}: {value}"), style="List Bullet")
    document.save(str(path))
    return path
