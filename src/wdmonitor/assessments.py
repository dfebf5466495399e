"""The committee's assessments of qualitative goals (机制健全, 体系完善, 意识提高 …), region by region.

Qualitative targets are never computed: the committee (妇儿工委) judges them with evidence.
:func:`assessment_template` lists what it owes — one row per qualitative goal and region,
with the plan's clause, area and goal number — and :func:`write_assessment_template`
writes it as a workbook with a status drop-down (已实现 / 基本实现 / 未实现 / 无法评估),
evidence, assessed by and assessed on, and an instructions sheet. :func:`read_assessments`
reads it back from .xlsx, .xls, .csv (any encoding the submission reader accepts), YAML or a
frame, listing every problem at once in an :class:`~wdmonitor.errors.AssessmentError`.

A county's assessment is its own verdict. A city's verdict (any region with counties under
it in the plan) is the one recorded for it when there is one; otherwise it is summarised
from its counties by the rule of :func:`summarise` — the least favourable of their
verdicts, once every county is assessed — and shown as such (``汇总自下辖区县``). Without
either the goal stays ``needs_assessment`` and is listed as awaiting assessment, never
hidden. :meth:`wdmonitor.store.Store.add_assessments` keeps every revision with who, when and
the evidence; :meth:`~wdmonitor.store.Store.assessments` gives them as known at a date.

Columns (headers in Chinese, English or both, as the template writes them):
``region`` (地区代码 or 地区名称; blank means the plan's jurisdiction), ``target_id`` (目标编号),
``status`` (评估结论), ``evidence`` (评估依据), ``assessed_by`` (评估单位), ``assessed_on``
(评估日期), ``note`` (备注, optional); ``region_name``, ``area``, ``goal_no`` and ``clause``
are read and ignored (the template fills them for the reader).

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import load_plan
>>> plan = load_plan("huludao-2021-2030")
>>> table = read_assessments(pd.DataFrame({"target_id": ["health-4"], "status": ["已实现"],
...                                        "evidence": ["市妇儿工委2025年评估报告"]}), plan)
>>> table[["target_id", "region", "status"]].values.tolist()
[['health-4', '211400', 'attained']]
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import AssessmentError, SubmissionError, WdmonitorError  # noqa: F401 - AssessmentError is imported from here too
from .vocabulary import Status, TargetKind

if TYPE_CHECKING:
    from .indicators import Plan, Target

__all__ = [
    "ASSESSMENT_COLUMNS",
    "STATUS_WORDS",
    "AssessmentError",
    "apply_assessments",
    "assessment_template",
    "awaiting_assessment",
    "qualitative_targets",
    "read_assessments",
    "summarise",
    "write_assessment_template",
]

#: The words of the template's status drop-down, by language, in the drop-down's order.
STATUS_WORDS = {
    "zh": {Status.ATTAINED.value: "已实现", Status.BASICALLY_ATTAINED.value: "基本实现",
           Status.NOT_ATTAINED.value: "未实现", Status.NOT_ASSESSABLE.value: "无法评估"},
    "en": {Status.ATTAINED.value: "attained", Status.BASICALLY_ATTAINED.value: "basically attained",
           Status.NOT_ATTAINED.value: "not attained", Status.NOT_ASSESSABLE.value: "not assessable"},
}
_STATUS = {
    **{word: status for words in STATUS_WORDS.values() for status, word in words.items()},
    **{status: status for status in STATUS_WORDS["zh"]},
    "实现": Status.ATTAINED.value, "达标": Status.ATTAINED.value, "已达标": Status.ATTAINED.value,
    "提前实现": Status.ATTAINED_EARLY.value, "attained_early": Status.ATTAINED_EARLY.value,
    "attained early": Status.ATTAINED_EARLY.value, "基本达标": Status.BASICALLY_ATTAINED.value,
    "未达标": Status.NOT_ATTAINED.value, "不能评估": Status.NOT_ASSESSABLE.value, "无法判断": Status.NOT_ASSESSABLE.value,
}
_ALLOWED = "已实现, 基本实现, 未实现, 无法评估 (attained, basically attained, not attained, not assessable)"

#: Columns of the template, in order, with their Chinese and English headers.
_TEMPLATE = {
    "region": ("地区代码", "Region code"),
    "region_name": ("地区名称", "Region"),
    "area": ("领域", "Area"),
    "goal_no": ("目标序号", "Goal no."),
    "target_id": ("目标编号", "Target id"),
    "clause": ("规划条文", "The plan's clause"),
    "status": ("评估结论", "Status"),
    "evidence": ("评估依据", "Evidence"),
    "assessed_by": ("评估单位", "Assessed by"),
    "assessed_on": ("评估日期", "Assessed on"),
}
_READ = ("region", "region_name", "target_id", "status", "evidence", "assessed_by", "assessed_on", "note")
_IGNORED = ("region_name", "area", "goal_no", "clause")
#: Columns of the frame :func:`read_assessments` returns.
ASSESSMENT_COLUMNS = ("target_id", "region", "status", "evidence", "assessed_by", "assessed_on", "note",
                      "source_file", "source_sheet", "source_row")
_EXTRA_ALIASES = {
    "region": ("地区", "行政区划代码", "区划代码", "region"), "region_name": ("地区名", "region name"),
    "target_id": ("目标", "目标代码", "target", "goal id", "target_id"), "status": ("状态", "结论", "评估状态", "verdict"),
    "evidence": ("依据", "证据", "佐证材料", "evidence"), "assessed_by": ("评估人", "评估者", "评估机构", "assessor"),
    "assessed_on": ("评估时间", "日期", "date"), "note": ("备注", "说明", "note", "notes", "remark"),
    "clause": ("条文", "目标内容", "clause", "text"), "goal_no": ("序号", "goal no", "goal"), "area": ("领域", "area"),
}
_SHEETS = {"zh": ("评估 assessments", "说明 instructions"), "en": ("assessments", "instructions")}
_INSTRUCTIONS = re.compile(r"说明|须知|instruction|readme", re.IGNORECASE)
#: Columns a frame from :meth:`wdmonitor.store.Store.assessments` carries besides the read ones.
_STORE_COLUMNS = ("revised_at", "revision_id", "source_sha256", "basis")
#: What the summarised verdict of a region says it is, in each language.
SUMMARISED = {"zh": "汇总自下辖区县", "en": "summarised from its counties"}


def _key(text: Any) -> str:
    from .names import header_key

    return re.sub(r"[\s_（）()\-.·/:：]+", "", header_key(text))


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {_key(column): column for column in (*_TEMPLATE, "note")}  # a column's own id always wins
    for column, (zh, en) in _TEMPLATE.items():
        for spelling in (zh, en, f"{zh} {column}", f"{zh} {en}", f"{zh}（{en}）"):
            table.setdefault(_key(spelling), column)
    for column, spellings in _EXTRA_ALIASES.items():
        for spelling in spellings:
            table.setdefault(_key(spelling), column)
    for column in ("note",):
        table[_key(f"备注 {column}")] = column
    return table


_ALIAS = _aliases()


def qualitative_targets(plan: Plan) -> list[Target]:
    """The plan's qualitative targets, in the plan's order (the goals the committee assesses)."""
    return [t for t in plan.targets if t.kind is TargetKind.QUALITATIVE]


def _regions(plan: Plan, regions: Sequence[str] | None, where: str) -> list[str]:
    """Region codes asked for (codes or Chinese names), in the plan's order; every region when None."""
    if regions is None:
        return list(plan.region_codes)
    from .errors import ArgumentError
    from .readers import _names

    if isinstance(regions, str):
        regions = [regions]
    names, codes, unknown = _names(plan), [], []
    for region in regions:
        code = names.region(region) if isinstance(region, str) else None
        if code is None or code not in plan.region_codes:
            unknown.append(region)
        else:
            codes.append(code)
    if unknown:
        raise ArgumentError(f"{where}: unknown region(s) {', '.join(map(repr, unknown))}; expected codes or names of the plan's "
                            f"regions ({', '.join(plan.region_codes)}) / 规划中没有地区：{'、'.join(map(str, unknown))}")
    return [code for code in plan.region_codes if code in set(codes)]


def assessment_template(plan: Plan | str | Path, regions: Sequence[str] | None = None, lang: str = "zh") -> pd.DataFrame:
    """The blank assessments the committee owes: one row per qualitative goal × region.

    Parameters
    ----------
    plan : Plan, str or Path
        The plan, a bundled plan id or a plan file.
    regions : sequence of str, optional
        Region codes or names; the jurisdiction and every region of the plan by default.
    lang : {"zh", "en"}
        The language of the area names.

    Returns
    -------
    DataFrame
        Columns ``region, region_name, area, goal_no, target_id, clause, status, evidence,
        assessed_by, assessed_on``; the last four blank.

    Examples
    --------
    >>> from wdmonitor import load_plan
    >>> blank = assessment_template(load_plan("huludao-2021-2030"), regions=["兴城市"])
    >>> blank[["region", "region_name", "area", "goal_no", "target_id"]].head(2).values.tolist()
    [['211481', '兴城市', '妇女与健康', '2', 'health-2e'], ['211481', '兴城市', '妇女与健康', '4', 'health-4']]
    """
    from .arguments import check_plan

    plan = check_plan(plan, "assessment_template")
    if lang not in ("zh", "en"):
        from .errors import ArgumentError

        raise ArgumentError(f"assessment_template: lang must be 'zh' or 'en' (got {lang!r}) / 语言须为zh或en")
    codes = _regions(plan, regions, "assessment_template")
    names = {plan.jurisdiction.code: plan.jurisdiction, **{r.code: r for r in plan.regions}}
    rows = [
        {"region": code, "region_name": names[code].name_zh if lang == "zh" else (names[code].name_en or names[code].name_zh),
         "area": target.area.name_zh if lang == "zh" else target.area.name_en, "goal_no": str(target.goal_no),
         "target_id": target.id, "clause": target.text_zh, "status": "", "evidence": "", "assessed_by": "", "assessed_on": ""}
        for code in codes for target in qualitative_targets(plan)
    ]
    return pd.DataFrame(rows, columns=list(_TEMPLATE))


def write_assessment_template(plan: Plan | str | Path, path: str | Path, regions: Sequence[str] | None = None,
                              lang: str = "zh") -> Path:
    """Write :func:`assessment_template` as the committee's workbook (.xlsx).

    The assessments sheet has the header in row 1 (as :func:`read_assessments` expects), the
    status column a drop-down of 已实现 / 基本实现 / 未实现 / 无法评估 (English words with
    ``lang="en"``), the date column a date check; an instructions sheet says how to fill it
    in. Written by :func:`wdmonitor.writers.write_excel`, so no text becomes a formula.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from openpyxl import load_workbook
    >>> path = write_assessment_template("huludao-2021-2030", pathlib.Path(tempfile.mkdtemp()) / "定性评估.xlsx")
    >>> sheet = load_workbook(path)["评估 assessments"]
    >>> sheet["G1"].value, sheet.data_validations.dataValidation[0].formula1
    ('评估结论 status', '"已实现,基本实现,未实现,无法评估"')
    """
    from openpyxl import load_workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from .arguments import check_plan
    from .writers import Sheet, write_excel

    plan = check_plan(plan, "write_assessment_template")
    path = Path(path)
    frame = assessment_template(plan, regions, lang)
    headers = {c: (f"{zh} {c}" if lang == "zh" else en) for c, (zh, en) in _TEMPLATE.items()}
    frame.columns = [headers[c] for c in frame.columns]
    words = list(STATUS_WORDS[lang].values())
    if lang == "zh":
        lines = [
            f"{plan.title_zh}：定性目标评估表。每行是一个定性目标在一个地区的评估。",
            "请在“评估结论”列的下拉框中选择：已实现、基本实现、未实现或无法评估；留空表示尚未评估（报告中列为待评估）。",
            "“评估依据”须写明评估所依据的材料（文件名称、文号、检查报告等），每个评估结论都须有依据。",
            "“评估单位”写评估的单位或人员，“评估日期”写评估完成的日期（如2025-03-01）。",
            "区县的评估是该区县自己的结论；市级目标可直接评估，未评估时按下辖区县的评估汇总（取最不利的结论，须各区县均已评估），报告中注明“汇总自下辖区县”。",
            "请勿修改地区代码、目标编号两列；其他说明列（地区名称、领域、目标序号、规划条文）仅供参考。",
            "The committee's assessment of the plan's qualitative goals: choose a status in the drop-down and give the "
            "evidence, who assessed and when; leave the status empty for a goal not yet assessed.",
        ]
    else:
        lines = [
            f"{plan.title_en or plan.title_zh}: the committee's assessment of each qualitative goal, one row per goal and region.",
            "Choose a status in the Status drop-down: attained, basically attained, not attained or not assessable; leave it "
            "empty for a goal not yet assessed (the report lists it as awaiting assessment).",
            "Evidence: the documents the verdict rests on (title, reference number, inspection report); every verdict needs it.",
            "Assessed by: the office or person who assessed; Assessed on: the date of the assessment (e.g. 2025-03-01).",
            "A county's assessment is its own verdict; a city's goal may be assessed directly, or is summarised from its "
            "counties (the least favourable verdict, once every county is assessed) and shown as such.",
            "Leave the Region code and Target id columns as they are; the other descriptive columns are for reference.",
        ]
    data_name, note_name = _SHEETS[lang]
    clause = headers["clause"]
    write_excel(path, {
        data_name: Sheet(frame=frame, wrap=[clause], landscape=True, freeze_columns=2,
                         widths={headers["evidence"]: 40.0, headers["status"]: 14.0}),
        note_name: Sheet(frame=pd.DataFrame({note_name: lines}), landscape=False, filters=False, widths={note_name: 110.0}),
    })
    book = load_workbook(path)
    sheet = book[data_name]
    last = max(len(frame) + 1, 2)
    columns = {c: chr(ord("A") + i) for i, c in enumerate(_TEMPLATE)}
    status = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True, showErrorMessage=True,
                            errorTitle="评估结论" if lang == "zh" else "Status",
                            error=("请从下拉框中选择：" if lang == "zh" else "Choose one of: ") + "、".join(words))
    status.add(f"{columns['status']}2:{columns['status']}{last}")
    dated = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True, showErrorMessage=True,
                           error="请填写日期，如2025-03-01" if lang == "zh" else "Enter a date such as 2025-03-01")
    dated.add(f"{columns['assessed_on']}2:{columns['assessed_on']}{last}")
    sheet.add_data_validation(status)
    sheet.add_data_validation(dated)
    for row in range(2, last + 1):
        sheet[f"{columns['assessed_on']}{row}"].number_format = "yyyy-mm-dd"
    book.save(path)
    return path


# -- reading --------------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, pd.Timestamp)):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: Any) -> str | None:
    """An assessment date as ISO text, '' for none, None when it is not a date."""
    from .names import normalise_text

    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return ""
    if isinstance(value, (datetime.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 36526 <= value <= 73051:  # an Excel date serial (2000–2099) left unformatted
            return (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))).isoformat()
        return None
    text = normalise_text(value)
    text = re.sub(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", r"\1-\2-\3", text)
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?", text)
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


class _Problems:
    """Every problem found in one assessments file, with where it is."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[dict[str, Any]] = []

    def add(self, sheet: str, row: int | None, column: str, value: Any, expected: str, expected_zh: str) -> None:
        shown = value if not isinstance(value, str) or len(value) <= 120 else f"{value[:120]}… ({len(value)} characters)"
        self.rows.append({"file": self.name, "sheet": sheet, "row": row, "column": column, "value": shown,
                          "expected": expected, "expected_zh": expected_zh})

    def raise_if_any(self) -> None:
        if not self.rows:
            return
        lines = []
        for p in self.rows:
            where = p["file"] + (f", sheet {p['sheet']!r}" if p["sheet"] else "") + (f", row {p['row']}" if p["row"] else "") \
                + (f", column {p['column']}" if p["column"] else "")
            value = "" if p["value"] is None else f" (got {p['value']!r})"
            lines.append(f"  - {where}: {p['expected']}{value} / {p['expected_zh']}")
        n = len(self.rows)
        head = (f"{self.name}: {n} problem{'s' if n != 1 else ''} in the assessments; nothing was read / "
                f"评估表有{n}处问题，未读取")
        raise AssessmentError("\n".join([head, *lines]), pd.DataFrame(self.rows))


def _refused(name: str, error: SubmissionError | str) -> AssessmentError:
    """A refusal of the file as a whole (empty, a folder, too large, undecidable encoding, a damaged
    workbook, no table), as an assessment error whose failure cases hold it in one row."""
    text = str(error)
    english, _, chinese = text.partition(" / ")
    return AssessmentError(text, pd.DataFrame([{"file": name, "sheet": "", "row": None, "column": "", "value": None,
                                                "expected": english.removeprefix(f"{name}: "), "expected_zh": chinese}]))


def _grids(path: Path, name: str, sheet: str | int | None) -> list[Any]:
    """The file as grids of cells (one per sheet; one for a text file), through the submission reader's functions."""
    from .readers import _decode, _read_bytes
    from .workbooks import open_grids, select_grids, text_grid

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm", ".xls"):
        raise _refused(name, f"{name}: unsupported file type {suffix!r}; expected .xlsx, .xls, .csv or .yaml / "
                             f"不支持的文件类型，应为.xlsx、.xls、.csv或.yaml")
    try:
        raw = _read_bytes(path)
        if not raw.strip():
            raise _refused(name, f"{name}: the file is empty; expected the assessment workbook (wdmonitor template "
                                 f"--assessments) with its header row and rows / 文件为空，应为含表头和评估行的评估表")
        if suffix in (".csv", ".txt"):
            text = _decode(path, raw)
            if "\x00" in text:
                raise _refused(name, f"{name}: the text holds NUL characters (UTF-16 without a byte-order mark?); save it "
                                     f"as UTF-8 (CSV UTF-8 in Excel or WPS) / 文件含空字符（可能是无BOM的UTF-16），请另存为UTF-8编码的CSV")
            if not text.strip():
                raise _refused(name, f"{name}: the file is empty; expected a header row and rows / 文件为空，应有表头和评估行")
            return [text_grid(text, name)]
        return [g for g, reason in select_grids(open_grids(path, raw), sheet, path) if not reason]
    except SubmissionError as error:
        raise _refused(name, error) from None


def _header_row(values: np.ndarray) -> int | None:
    for r in range(min(len(values), 10)):
        found = {_ALIAS.get(_key(v)) for v in values[r] if v is not None and str(v).strip()}
        if {"target_id", "status"} <= found:
            return r
    return None


def _records_from_grid(grid: Any, name: str, problems: _Problems) -> list[dict[str, Any]]:
    from .workbooks import column_letter

    values = grid.values
    header = _header_row(values)
    sheet = grid.sheet
    if header is None:
        return []
    columns: dict[str, int] = {}
    for c, cell in enumerate(values[header]):
        text = _cell_text(cell)
        if not text:
            continue
        column = _ALIAS.get(_key(text))
        letter = column_letter(c)
        if column is None:
            problems.add(sheet, header + 1, f"{letter} ({text})", text,
                         f"an unknown column; expected the template's columns ({', '.join(_TEMPLATE)}, note)",
                         "未知的列，应为模板中的列")
        elif column in columns:
            problems.add(sheet, header + 1, f"{letter} ({text})", text, f"the column {column} appears twice; expected it once",
                         f"{column}列重复出现")
        else:
            columns[column] = c
    records = []
    for r in range(header + 1, len(values)):
        cells = values[r]
        if all(_cell_text(v) == "" for v in cells):
            continue
        record: dict[str, Any] = {"source_sheet": sheet, "source_row": r + 1}
        for column, c in columns.items():
            value = cells[c] if c < len(cells) else None
            from .workbooks import ExcelError

            if isinstance(value, ExcelError):
                problems.add(sheet, r + 1, f"{column_letter(c)} ({column})", str(value),
                             "a value, not an Excel error", "应为数值或文字，不能是Excel错误值")
                value = None
            record[column] = value
            record[f"_letter_{column}"] = column_letter(c)
        records.append(record)
    return records


def _records(source: Any, name: str, sheet: str | int | None, problems: _Problems) -> list[dict[str, Any]]:
    """The rows of the source, each with its cells by column and where it is."""
    if isinstance(source, pd.DataFrame):
        unknown = [c for c in source.columns if _ALIAS.get(_key(c)) is None and c not in ASSESSMENT_COLUMNS
                   and c not in _STORE_COLUMNS]
        for column in unknown:
            problems.add("", 1, str(column), str(column), f"an unknown column; expected the template's columns "
                         f"({', '.join(_TEMPLATE)}, note)", "未知的列，应为模板中的列")
        renamed = {c: (c if c in ASSESSMENT_COLUMNS or c in _STORE_COLUMNS else _ALIAS.get(_key(c)))
                   for c in source.columns if c not in unknown}
        frame = source[list(renamed)].rename(columns=renamed)
        from_frame: list[dict[str, Any]] = []
        for number, row in enumerate(frame.astype(object).to_dict("records"), start=2):
            kept = row.get("source_row")  # a frame read earlier (the store's) keeps the row the sender saw
            record = {**{str(k): v for k, v in row.items()}, "source_sheet": _cell_text(row.get("source_sheet")),
                      "source_row": int(kept) if isinstance(kept, (int, float)) and not isinstance(kept, bool)
                      and kept == kept and kept > 0 else number}
            from_frame.append(record)
        return from_frame
    path = Path(source)
    if path.suffix.lower() in (".yaml", ".yml"):
        from .registry import read_yaml

        try:
            data = read_yaml(path)
        except WdmonitorError as error:
            raise _refused(name, str(error)) from None
        entries = data.get("assessments", data) if isinstance(data, dict) else data
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise _refused(name, f"{name}: expected a list of assessments (mappings with target_id, region, status, "
                                 f"evidence …) / 评估记录应为列表")
        return _records(pd.DataFrame(entries), name, None, problems)
    grids = _grids(path, name, sheet)
    records: list[dict[str, Any]] = []
    read_any = False
    for grid in grids:
        if _INSTRUCTIONS.search(grid.sheet) and len(grids) > 1:
            continue
        if _header_row(grid.values) is None:
            continue
        read_any = True
        records.extend(_records_from_grid(grid, name, problems))
    if not read_any:
        sheets = ", ".join(repr(g.sheet) for g in grids if g.sheet)
        where = f" (sheets {sheets})" if sheets else ""
        raise _refused(name,
            f"{name}: no assessment table found{where}; expected a header row with 目标编号 target_id and 评估结论 status "
            f"within the first 10 rows, as the template (wdmonitor template --assessments) has it / "
            f"未找到评估表：前10行中应有含“目标编号”和“评估结论”的表头行")
    return records


def read_assessments(source: str | Path | pd.DataFrame, plan: Plan | str | Path, *,
                     sheet: str | int | None = None) -> pd.DataFrame:
    """Read and check the committee's assessments; every problem is reported at once.

    Parameters
    ----------
    source : path or DataFrame
        The filled template (.xlsx, .xls), a .csv (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
        GB18030 or Big5, as the submission reader decides), a YAML list, or a frame.
    plan : Plan, str or Path
    sheet : str or int, optional
        The sheet of a workbook to read; every visible sheet with an assessment table by default.

    Returns
    -------
    DataFrame
        :data:`ASSESSMENT_COLUMNS`: one row per assessed goal and region, ``status`` as the
        status value (``attained`` …), ``assessed_on`` as ISO date text; rows left with no
        status and no evidence (goals not yet assessed) are not returned.

    Raises
    ------
    AssessmentError
        Naming the file, sheet, row, column and value of each problem and what was expected,
        in English and Chinese; ``failure_cases`` holds them as a frame.
    """
    from .arguments import check_plan
    from .readers import _names

    plan = check_plan(plan, "read_assessments")
    if isinstance(source, pd.DataFrame):
        name = str(source.attrs.get("source_file") or "<frame>")
    else:
        name = Path(source).name.encode("utf-8", "backslashreplace").decode("utf-8")
    problems = _Problems(name)
    records = _records(source, name, sheet, problems)
    names = _names(plan)
    qualitative = {t.id for t in qualitative_targets(plan)}
    known = {t.id for t in plan.targets}
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for record in records:
        sheet_name, row = record["source_sheet"], record["source_row"]

        def where(column: str, rec: dict[str, Any] = record) -> str:
            letter = rec.get(f"_letter_{column}")
            return f"{letter} ({column})" if letter else column

        text = {c: _cell_text(record.get(c)) for c in _READ}
        if not text["status"] and not text["evidence"] and not text["assessed_by"] and not _cell_text(record.get("assessed_on")):
            continue  # a goal not yet assessed: it stays awaiting assessment
        target_id = text["target_id"]
        if not target_id:
            problems.add(sheet_name, row, where("target_id"), None, "a target id (目标编号) from the plan", "须填写目标编号")
        elif target_id not in known:
            import difflib

            close = difflib.get_close_matches(target_id, sorted(qualitative), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.add(sheet_name, row, where("target_id"), target_id,
                         f"a qualitative target of plan {plan.id}{hint}", f"规划{plan.id}中没有该目标")
        elif target_id not in qualitative:
            problems.add(sheet_name, row, where("target_id"), target_id,
                         "a qualitative target: this one is computed from data, not assessed", "该目标由数据计算，不能人工评估")
        region_text, region_column = text["region"], "region"
        if not region_text and text["region_name"]:  # the name alone names the region
            region_text, region_column = text["region_name"], "region_name"
        region = plan.jurisdiction.code if not region_text else (names.region(region_text) or region_text)
        if region not in plan.region_codes:
            problems.add(sheet_name, row, where(region_column), region_text,
                         f"a region of the plan ({', '.join(plan.region_codes)}), by code or name", "规划中没有该地区")
        elif region_column == "region" and text["region_name"] and names.region(text["region_name"]) not in (None, region):
            problems.add(sheet_name, row, where("region_name"), text["region_name"],
                         f"the name of region {region} given in the region column", f"地区名称与地区代码{region}不一致")
        status_word = re.sub(r"\s+", " ", text["status"]).strip().lower()
        status = _STATUS.get(status_word) or _STATUS.get(status_word.replace("_", " "))
        if not text["status"]:
            problems.add(sheet_name, row, where("status"), None, f"a status: one of {_ALLOWED}",
                         "须选择评估结论：已实现、基本实现、未实现或无法评估")
        elif status is None:
            problems.add(sheet_name, row, where("status"), text["status"], f"one of {_ALLOWED}",
                         "评估结论须为已实现、基本实现、未实现或无法评估")
        if not text["evidence"]:
            problems.add(sheet_name, row, where("evidence"), None, "the evidence the verdict rests on", "评估须注明依据")
        assessed_on = _date(record.get("assessed_on"))
        if assessed_on is None:
            problems.add(sheet_name, row, where("assessed_on"), _cell_text(record.get("assessed_on")),
                         "a date such as 2025-03-01 (or empty)", "评估日期须为日期，如2025-03-01")
        key = (target_id, region)
        if key in seen:
            first_sheet, first_row = seen[key]
            problems.add(sheet_name, row, where("target_id"), target_id,
                         f"one assessment per goal and region; {target_id} for {region} is already assessed in row {first_row}",
                         f"同一目标同一地区只能评估一次（已在第{first_row}行评估）")
        else:
            seen[key] = (sheet_name, row)
        out.append({"target_id": target_id, "region": region, "status": status, "evidence": text["evidence"],
                    "assessed_by": text["assessed_by"], "assessed_on": assessed_on or "", "note": text["note"],
                    "source_file": str(record.get("source_file") or name), "source_sheet": sheet_name, "source_row": row,
                    "revised_at": _cell_text(record.get("revised_at"))})
    problems.raise_if_any()
    frame = pd.DataFrame(out, columns=[*ASSESSMENT_COLUMNS, "revised_at"])
    if not (frame["revised_at"] != "").any():
        frame = frame.drop(columns="revised_at")
    frame["source_row"] = frame["source_row"].astype("int64")
    frame.attrs["source_file"] = name
    frame.attrs["wdmonitor_assessments"] = True
    return frame


# -- verdicts at every level ------------------------------------------------------------

_ORDER = (Status.ATTAINED_EARLY.value, Status.ATTAINED.value, Status.BASICALLY_ATTAINED.value,
          Status.NEEDS_ASSESSMENT.value, Status.NOT_ASSESSABLE.value, Status.NOT_ATTAINED.value)


def _children(plan: Plan) -> dict[str, list[str]]:
    """Each region's counties in the plan (the regions naming it as parent); the jurisdiction's are
    its regions without a parent in the plan too."""
    codes = set(plan.region_codes)
    children: dict[str, list[str]] = {}
    for region in plan.regions:
        parent = region.parent if region.parent in codes else plan.jurisdiction.code
        children.setdefault(parent, []).append(region.code)
    return children


def _depth(plan: Plan) -> dict[str, int]:
    parents = {r.code: (r.parent if r.parent in set(plan.region_codes) else plan.jurisdiction.code) for r in plan.regions}
    depth = {}
    for code in plan.region_codes:
        d, seen, current = 0, set(), code
        while current in parents and current not in seen:
            seen.add(current)
            current = parents[current]
            d += 1
        depth[code] = d
    return depth


def summarise(assessments: pd.DataFrame, plan: Plan, lang: str = "zh") -> pd.DataFrame:
    """The recorded verdicts and, for regions with counties, the verdicts summarised from them.

    The rule (documented in docs/assessments.md): a region with counties under it in the plan
    and no verdict of its own on a qualitative goal takes the least favourable of its counties'
    verdicts (未实现 before 无法评估 before 基本实现 before 已实现), once every county under it
    has one (recorded or itself summarised); while any county is missing, the region's goal
    stays awaiting assessment. A recorded verdict always stands. Summarised rows have
    ``basis == "summarised"``, their evidence lists the counties' verdicts and
    ``assessed_by`` says ``汇总自下辖区县`` (``summarised from its counties``).

    Examples
    --------
    >>> import pandas as pd
    >>> from wdmonitor import load_plan
    >>> plan = load_plan("huludao-2021-2030")
    >>> counties = [r.code for r in plan.regions]
    >>> recorded = read_assessments(pd.DataFrame({"target_id": "health-4", "region": counties,
    ...     "status": ["已实现"] * 5 + ["基本实现"], "evidence": "区县自评报告"}), plan)
    >>> summarised = summarise(recorded, plan)
    >>> summarised.loc[summarised["region"] == "211400", ["status", "basis", "assessed_by"]].values.tolist()
    [['basically_attained', 'summarised', '汇总自下辖区县']]
    """
    out = assessments.copy()
    out["basis"] = "recorded"
    if out.empty:
        return out
    children = _children(plan)
    depth = _depth(plan)
    names = {plan.jurisdiction.code: plan.jurisdiction.name_zh if lang == "zh" else (plan.jurisdiction.name_en or plan.jurisdiction.name_zh),
             **{r.code: r.name_zh if lang == "zh" else (r.name_en or r.name_zh) for r in plan.regions}}
    words = {**STATUS_WORDS[lang], Status.ATTAINED_EARLY.value: "提前实现" if lang == "zh" else "attained early"}
    verdicts = {(t, r): s for t, r, s in out[["target_id", "region", "status"]].itertuples(index=False)}
    added = []
    for parent in sorted(children, key=lambda code: -depth.get(code, 0)):  # the deepest level first
        kids = children[parent]
        for target_id in dict.fromkeys(out["target_id"]):
            if (target_id, parent) in verdicts or not all((target_id, k) in verdicts for k in kids):
                continue
            statuses = [verdicts[(target_id, k)] for k in kids]
            status = max(statuses, key=_ORDER.index)
            sep = "；" if lang == "zh" else "; "
            evidence = sep.join(f"{names[k]}{'：' if lang == 'zh' else ': '}{words.get(s, s)}" for k, s in zip(kids, statuses, strict=True))
            verdicts[(target_id, parent)] = status
            added.append({"target_id": target_id, "region": parent, "status": status, "evidence": evidence,
                          "assessed_by": SUMMARISED[lang], "assessed_on": "", "note": "", "source_file": "",
                          "source_sheet": "", "source_row": 0, "basis": "summarised"})
    if added:
        out = pd.concat([out, pd.DataFrame(added)], ignore_index=True)
    return out


def _as_read(assessments: Any, plan: Plan) -> pd.DataFrame:
    if isinstance(assessments, pd.DataFrame) and assessments.attrs.get("wdmonitor_assessments"):
        return assessments
    return read_assessments(assessments, plan)


def apply_assessments(table: pd.DataFrame, assessments: Any, plan: Plan, lang: str = "zh") -> pd.DataFrame:
    """The evaluation table with the committee's verdicts on its qualitative rows, for every region.

    Every region evaluated (those in ``table``) and every region assessed gets a row for each
    qualitative target; recorded verdicts are set on their region's row, summarised ones (see
    :func:`summarise`) on the regions with counties; the rest stay ``needs_assessment``.
    Adds ``assessed_by``, ``assessed_on``, ``assessment_basis`` (``recorded``, ``summarised``
    or empty) and ``assessment_source`` (the file, sheet and row, or the store revision) beside
    ``evidence``.
    """
    recorded = _as_read(assessments, plan) if assessments is not None else pd.DataFrame(columns=list(ASSESSMENT_COLUMNS))
    table = _qualitative_everywhere(table, plan, set(recorded["region"]) if len(recorded) else set())
    for column in ("evidence", "assessed_by", "assessed_on", "assessment_basis", "assessment_source"):
        if column not in table:
            table[column] = ""
    if recorded.empty:
        return table
    verdicts = summarise(recorded, plan, lang).set_index(["target_id", "region"])
    found = verdicts.reindex(pd.MultiIndex.from_frame(table[["target_id", "region"]]))
    has = found["status"].notna().to_numpy() & (table["kind"] == TargetKind.QUALITATIVE.value).to_numpy()
    for column, values in (("status", found["status"]), ("final_status", found["status"]), ("evidence", found["evidence"]),
                           ("assessed_by", found["assessed_by"]), ("assessed_on", found["assessed_on"]),
                           ("assessment_basis", found["basis"]), ("assessment_source", _source(found, lang))):
        if column in table:
            table.loc[has, column] = values.to_numpy()[has]
    return table


def _source(found: pd.DataFrame, lang: str) -> pd.Series:
    """Where each verdict comes from: the file, sheet and row, the store revision, or the summary."""
    sheet = found["source_sheet"].fillna("").astype(str)
    row = found["source_row"].fillna(0).astype("int64").astype(str)
    text = (found["source_file"].fillna("").astype(str) + pd.Series(np.where(sheet != "", ", " + sheet, ""), index=found.index).astype(str)
            + pd.Series(np.where(row != "0", ", row " + row, ""), index=found.index).astype(str))
    if "revised_at" in found:
        revised = found["revised_at"].fillna("").astype(str)
        text = text + np.where(revised != "", " (revision of " + revised.str[:10] + ")", "")
    return text.where(found["basis"] != "summarised", SUMMARISED[lang])


def _qualitative_everywhere(table: pd.DataFrame, plan: Plan, assessed: set[str]) -> pd.DataFrame:
    """Qualitative rows for every region of the table and every region assessed, next to the jurisdiction's."""
    qualitative = (table["kind"] == TargetKind.QUALITATIVE.value).to_numpy()
    if not qualitative.any():
        return table
    codes = np.asarray(plan.region_codes, dtype=object)
    present = pd.Index(pd.unique(table["region"].astype(str))).union(pd.Index(sorted(assessed), dtype=object))
    wanted = np.flatnonzero(pd.Index(codes).isin(present))  # positions in the plan's order
    rows = np.flatnonzero(qualitative & (table["region"] == plan.jurisdiction.code).to_numpy())
    rows = rows[~table["target_id"].iloc[rows].duplicated().to_numpy()]  # the jurisdiction's row of each target
    base = table.iloc[rows]
    # every (qualitative target, wanted region) pair the table does not have yet
    target = np.repeat(np.arange(len(base)), len(wanted))
    position = np.tile(wanted, len(base))
    pairs = pd.MultiIndex.from_arrays([base["target_id"].to_numpy()[target], codes[position]])
    have = pd.MultiIndex.from_arrays([table.loc[qualitative, "target_id"].astype(str), table.loc[qualitative, "region"].astype(str)])
    missing = ~pairs.isin(have)
    if not missing.any():
        return table
    target, position = target[missing], position[missing]
    # each new row is a copy of its jurisdiction's row, sorted just after it, the regions in the
    # plan's order: one take of the table's rows builds the whole result
    keys = rows[target] + (1 + position) / (len(codes) + 2)
    order = np.argsort(np.concatenate([np.arange(len(table), dtype=float), keys]), kind="stable")
    combined = table.iloc[np.concatenate([np.arange(len(table)), rows[target]])[order]].reset_index(drop=True)
    added = np.flatnonzero(order >= len(table))
    region = codes[position][order[added] - len(table)]
    combined["region"] = _set_at(combined["region"], added, region)
    if "region_name" in combined:
        names = {plan.jurisdiction.code: plan.jurisdiction.name_zh, **{r.code: r.name_zh for r in plan.regions}}
        combined["region_name"] = _set_at(combined["region_name"], added,
                                          pd.Series(region).map(names).fillna(pd.Series(region)).to_numpy())
    return combined


def _set_at(column: pd.Series, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``column``'s values as text, with ``values`` at positions ``rows``."""
    out = column.to_numpy(dtype=object).copy()
    out[rows] = values
    return out


def awaiting_assessment(evaluation: Any, lang: str = "zh") -> pd.DataFrame:
    """The qualitative goals still awaiting assessment, per region, in the plan's order.

    Columns ``region, region_name, area, goal_no, target_id, text_zh``.
    """
    table = evaluation.table if hasattr(evaluation, "table") else evaluation
    rows = table[(table["kind"] == TargetKind.QUALITATIVE.value) & (table["status"] == Status.NEEDS_ASSESSMENT.value)]
    plan = getattr(evaluation, "plan", None)
    if plan is not None:
        position = {code: i for i, code in enumerate(plan.region_codes)}
        rows = rows.assign(_r=rows["region"].map(position)).sort_values("_r", kind="stable").drop(columns="_r")
    return rows[["region", "region_name", "area", "goal_no", "target_id", "text_zh"]].drop_duplicates().reset_index(drop=True)


def assessment_trace(table: pd.DataFrame) -> pd.Series:
    """The trace of each qualitative row: the committee's verdict, its basis and source, or that it awaits one."""
    trace = table["trace"].astype(str)
    qualitative = (table["kind"] == TargetKind.QUALITATIVE.value).to_numpy()
    if not qualitative.any():
        return trace
    basis = table["assessment_basis"].astype(str) if "assessment_basis" in table else pd.Series("", index=table.index)
    assessed = qualitative & (basis != "").to_numpy()
    trace = trace.copy()
    # awaiting a verdict (most rows of a large table): one text per status
    waiting = qualitative & ~assessed
    trace[waiting] = ("qualitative: no assessment recorded → " + table.loc[waiting, "status"].astype(str)).to_numpy()
    if assessed.any():  # the text of a verdict is built for its rows alone
        rows = table[assessed]
        trace[assessed] = ("assessed (" + basis[assessed] + "): " + rows["evidence"].astype(str) + " — "
                           + rows["assessed_by"].astype(str) + ", " + rows["assessed_on"].astype(str) + "; source "
                           + rows["assessment_source"].astype(str) + " → " + rows["status"].astype(str)).to_numpy()
    return trace


def assessment_columns(rows: pd.DataFrame, lang: str = "zh") -> pd.DataFrame | None:
    """The report columns beside each qualitative verdict: its evidence and its source; ``None`` when no row has one."""
    if "assessment_basis" not in rows:
        return None
    assessed = rows["assessment_basis"].fillna("").astype(str) != ""
    if not assessed.any():
        return None
    by = rows["assessed_by"].fillna("").astype(str)
    on = rows["assessed_on"].fillna("").astype(str)
    who = (by + np.where((by != "") & (on != ""), "，" if lang == "zh" else ", ", "") + on)
    evidence: pd.Series = rows["evidence"].fillna("").astype(str) + np.where(who != "", ("（" if lang == "zh" else " (") + who
                                                                + ("）" if lang == "zh" else ")"), "")
    headers = ("评估依据", "评估来源") if lang == "zh" else ("Evidence", "Source of the verdict")
    return pd.DataFrame({headers[0]: evidence.where(assessed, ""),
                         headers[1]: rows["assessment_source"].fillna("").astype(str).where(assessed, "")}, index=rows.index)


def report_sections(evaluation: Any, lang: str = "zh") -> list[Any]:
    """The report's sections on qualitative goals: every verdict with its evidence and source, region by
    region (when there are any), then the goals still awaiting assessment, per region."""
    from .report import Section
    from .tables import ReportTable, region_names

    plan = evaluation.plan
    table = evaluation.table
    qualitative = table[table["kind"] == TargetKind.QUALITATIVE.value]
    names = region_names(plan, lang)
    position = {code: i for i, code in enumerate(plan.region_codes)}
    sections = []
    assessed = qualitative[qualitative["assessment_basis"].fillna("").astype(str) != ""] if "assessment_basis" in qualitative else qualitative.iloc[:0]
    if len(assessed):
        assessed = assessed.assign(_r=assessed["region"].map(position)).sort_values("_r", kind="stable")
        words = {**STATUS_WORDS[lang], Status.ATTAINED_EARLY.value: "提前实现" if lang == "zh" else "attained early"}
        beside = assessment_columns(assessed, lang)
        assert beside is not None
        h = (("地区", "领域", "序号", "规划原文", "评估结论") if lang == "zh" else ("Region", "Area", "No.", "The plan's clause", "Status"))
        frame = pd.DataFrame({
            h[0]: assessed["region"].map(names).to_numpy(),
            h[1]: [(a.name_zh if lang == "zh" else a.name_en) for a in map(_area, assessed["area"])],
            h[2]: assessed["goal_no"].astype(str).to_numpy(),
            h[3]: assessed["text_zh"].to_numpy(),
            h[4]: assessed["status"].map(lambda s: words.get(s, s)).to_numpy(),
            **{c: beside[c].to_numpy() for c in beside.columns},
        })
        sections.append(Section(heading="定性目标的评估结论" if lang == "zh" else "The committee's verdicts on qualitative goals",
                                paragraphs=(("区县的评估为该区县自己的结论；市级目标未直接评估的，按下辖区县的评估汇总（取最不利的结论，须各区县均已评估），"
                                             "注明“汇总自下辖区县”。") if lang == "zh" else
                                            ("A county's verdict is its own; a city's goal not assessed directly is summarised from its "
                                             "counties (the least favourable verdict, once every county is assessed) and marked as such."),),
                                tables=(ReportTable(frame=frame, wrap=(h[3], beside.columns[0])),)))
    waiting = qualitative[qualitative["status"] == Status.NEEDS_ASSESSMENT.value]
    top = plan.jurisdiction.code
    bullets = [f"{r.goal_no}. {r.text_zh}" for r in waiting[waiting["region"] == top].drop_duplicates("target_id").itertuples()]
    others = waiting[waiting["region"] != top]
    for code in sorted(set(others["region"]), key=lambda c: position.get(c, len(position))):
        part = others[others["region"] == code].drop_duplicates("target_id")
        by_area = []
        for area, goals in part.groupby("area", sort=False):
            label = _area(area).name_zh if lang == "zh" else _area(area).name_en
            by_area.append(f"{label} " + ("、" if lang == "zh" else ", ").join(dict.fromkeys(goals["goal_no"].astype(str))))
        count = part["target_id"].nunique()
        bullets.append(f"{names.get(code, code)}（{count}项）：" + "；".join(by_area) if lang == "zh"
                       else f"{names.get(code, code)} ({count}): " + "; ".join(by_area))
    note: tuple[str, ...] = ()
    if len(others) and len(waiting[waiting["region"] == top]):
        top_name = names.get(top, top)
        note = ((f"{top_name}（本级）待评估的目标逐条列出；下辖各地区按领域和目标序号列出。",) if lang == "zh" else
                (f"{top_name}'s own goals awaiting assessment are listed in full; each region under it by area and goal number.",))
    sections.append(Section(heading="待评估的定性目标" if lang == "zh" else "Qualitative goals awaiting assessment",
                            paragraphs=note, bullets=tuple(bullets) or (("None." if lang == "en" else "无。"),)))
    return sections


def _area(value: str) -> Any:
    from .vocabulary import Area

    return Area(value)
