"""Write docs/plans.md from the bundled plans: goals per area, numeric targets,
qualitative goals and the readings chosen for ambiguous clauses.

Run ``python tools/plans_doc.py`` after changing a plan; the test suite checks the file
is up to date.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import wdmonitor
from wdmonitor.units import unit_label
from wdmonitor.vocabulary import Area, TargetKind

OUT = Path(__file__).resolve().parents[1] / "docs" / "plans.md"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        "# The bundled plans",
        "",
        "Generated from `src/wdmonitor/plans/*.yaml` by `tools/plans_doc.py`; do not edit by hand.",
        "Each plan's goals follow the document's order; numeric targets found in strategies",
        "(策略措施) and key projects (重点工程) are goals too. A reading is recorded wherever a",
        "clause could be read two ways.",
        "",
    ]
    for plan_id in wdmonitor.list_plans():
        plan = wdmonitor.load_plan(plan_id)
        status = "draft for comment (征求意见稿)" if plan.draft else "adopted"
        lines += [
            f"## {plan.title_zh}",
            "",
            f"*{plan.title_en}* — id `{plan.id}`; {plan.jurisdiction.name_zh} ({plan.jurisdiction.code}); "
            f"period {plan.period_start}–{plan.period_end}; mid-term evaluation {plan.midterm_year}, "
            f"final {plan.final_year}; {status}; source `{plan.source_document}`.",
            "",
            _cell(plan.notes),
            "",
            "| area | main goals | numeric targets | qualitative targets |",
            "|---|---|---|---|",
        ]
        per_area = plan.goals_per_area()
        for area in Area:
            targets = [t for t in plan.targets if t.area is area]
            numeric = sum(t.kind is not TargetKind.QUALITATIVE for t in targets)
            lines.append(f"| {area.name_zh} | {per_area[area]} | {numeric} | {len(targets) - numeric} |")
        lines += ["", "### Numeric targets", "", "| target | section | clause | indicator | kind | year: value |", "|---|---|---|---|---|---|"]
        for t in plan.numeric_targets:
            indicator = plan.indicators[t.indicator]
            label = unit_label(indicator.unit)
            values = ", ".join(
                f"{y}" if math.isnan(v) else f"{y}: {v:g}{label if label in ('%', '/10万', '‰') else ''}" for y, v in t.values.items()
            )
            extra = f" (vs `{t.reference}`, {t.relation.value})" if t.reference else ""
            extra += f" ({t.gap_between.value})" if t.gap_between else ""
            lines.append(f"| `{t.id}` | {t.section.value} | {_cell(t.text_zh)} | {indicator.name_zh} | {t.kind.value}{extra} | {values} |")
        lines += ["", "### Qualitative goals", ""]
        for area in Area:
            items = [t for t in plan.targets if t.area is area and t.kind is TargetKind.QUALITATIVE]
            if items:
                lines.append(f"- **{area.name_zh}**: " + "; ".join(f"`{t.id}` {_cell(t.text_zh)}" for t in items))
        readings = [t for t in plan.targets if t.reading]
        lines += ["", "### Readings chosen", ""]
        lines += [f"- `{t.id}` «{_cell(t.text_zh)}»: {_cell(t.reading)}" for t in readings] or ["- none"]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"written: {OUT}")
