"""A :class:`~wdmonitor.report.ReportDocument` as a standalone web page.

The page opens from the file in any browser: a full HTML5 document (doctype,
``<meta charset="utf-8">``, its own CSS, charts embedded as base64 PNG), with statuses by
name and in their colours, tables that scroll sideways on a narrow screen instead of
overflowing it, and a print style (A4 landscape, header rows repeated). The notebook
views (``_repr_html_``) render their tables with :func:`table_html`, so both look alike.

Examples
--------
>>> from wdmonitor.report import ReportDocument, Section
>>> page = render_html(ReportDocument(title="测试报告", subtitle="草稿", lang="zh", provenance=(),
...                                   sections=(Section(heading="总体情况", paragraphs=("达标率66.7%。",)),)))
>>> page.startswith("<!DOCTYPE html>"), '<meta charset="utf-8">' in page, "达标率66.7%" in page
(True, True, True)
"""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import ReportDocument, Section
    from .tables import ReportTable

__all__ = ["CSS", "TABLE_CSS", "render_html", "table_html"]

#: The tables' style, shared by the page and the notebook views.
TABLE_CSS = """
.wdm-table-wrap { overflow-x: auto; max-width: 100%; margin: 0.8rem 0; }
table.wdm { border-collapse: collapse; font-size: 0.8rem; }
table.wdm th, table.wdm td { border: 1px solid #c8c8c8; padding: 2px 6px; vertical-align: top; }
table.wdm th { background: #dde5f0; text-align: left; }
table.wdm td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.wdm td.wrap { min-width: 16rem; max-width: 28rem; }
"""

#: The page's style sheet.
CSS = TABLE_CSS + """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun",
       "WenQuanYi Zen Hei", sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1f1f1f;
       line-height: 1.6; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
.subtitle { color: #555; margin-top: 0; }
h2 { border-bottom: 2px solid #1f4e79; padding-bottom: 0.2rem; margin-top: 2rem; }
figure { margin: 1rem 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.85rem; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; font-size: 0.8rem; color: #444; }
dl.provenance dd { margin: 0; overflow-wrap: anywhere; }
@media print {
  @page { size: A4 landscape; margin: 1.5cm; }
  body { max-width: none; margin: 0; }
  .wdm-table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""


def table_html(table: ReportTable, max_rows: int | None = None) -> str:
    """A :class:`~wdmonitor.tables.ReportTable` as an HTML table: numbers rounded, statuses coloured."""
    text = table.text()
    if max_rows is not None:
        text = text.head(max_rows)
    numeric = set(table.decimals)
    wrap = set(table.wrap)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in text.columns)
    body = []
    for values in text.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(text.columns, values, strict=True):
            classes = "num" if column in numeric else "wrap" if column in wrap else ""
            colour = table.fills.get(column, {}).get(value)
            style = f' style="background:#{colour}"' if colour else ""
            attribute = f' class="{classes}"' if classes else ""
            cells.append(f"<td{attribute}{style}>{html.escape(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="wdm-table-wrap"><table class="wdm"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _section(section: Section, level: int) -> str:
    tag = f"h{min(level + 1, 6)}"
    parts = [f"<section><{tag}>{html.escape(section.heading)}</{tag}>"]
    parts += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
    if section.bullets:
        parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in section.bullets) + "</ul>")
    parts += [table_html(t) for t in section.tables]
    for chart in section.charts:
        data = base64.b64encode(chart.png).decode("ascii")
        parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(chart.caption)}">'
                     f"<figcaption>{html.escape(chart.caption)}</figcaption></figure>")
    parts += [_section(s, level + 1) for s in section.subsections]
    parts.append("</section>")
    return "".join(parts)


def render_html(report: ReportDocument) -> str:
    """The whole page as text (write it with ``encoding="utf-8"``)."""
    lang = "en" if report.lang == "en" else "zh-CN"
    provenance = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in report.provenance)
    heading = "Data and provenance" if report.lang == "en" else "数据来源"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{html.escape(report.title)}</h1><p class=\"subtitle\">{html.escape(report.subtitle)}</p></header>\n<main>\n"
        + "\n".join(_section(s, 1) for s in report.sections)
        + f'\n<section><h2>{heading}</h2><dl class="provenance">{provenance}</dl></section>\n</main>\n</body>\n</html>\n'
    )
