"""The portal's work on files and the library: uploads, checks, accepting, the board, the outputs.

The views decide who may act (:mod:`.access`); these functions do the work, each through the
library's own API: :func:`wdmonitor.read_submission` and :func:`wdmonitor.check_submission`
for an upload, :meth:`wdmonitor.Store.add` for an accepted one, :func:`wdmonitor.evaluate`,
:func:`wdmonitor.flag_early_warnings` and :func:`wdmonitor.annual_report` with their
``to_excel`` / ``to_docx`` / ``to_html`` for the outputs.

Files are kept under the data folder with generated names only (``uploads/<32 hex>.xlsx``,
``outputs/<32 hex>.docx``); the sender's file name is kept as text to show, never used as
a path.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from .. import schema as col
from . import access
from .models import AuditEvent, Collection, Output, Status, Submission

#: The file types accepted, with the bytes each must start with (a CSV file has no signature).
SIGNATURES: dict[str, bytes | None] = {
    ".xlsx": b"PK\x03\x04",
    ".xlsm": b"PK\x03\x04",
    ".xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ".csv": None,
}

#: The cell states of the 报送进度 board, in the order the board counts them.
STATES = ("not_started", "refused", "checked", "submitted", "returned", "accepted", "overdue")
STATE_NAMES = {
    "not_started": ("未报送", "not started"),
    "refused": ("未通过校验", "refused"),
    "checked": ("已上传未提交", "checked, not submitted"),
    "submitted": ("已提交待审核", "submitted"),
    "returned": ("已退回", "returned"),
    "accepted": ("已接收", "accepted"),
    "overdue": ("已逾期", "overdue"),
}

#: The results a reviewer runs.
KIND_NAMES = {"evaluation": ("评估", "evaluation"), "warnings": ("预警", "early warnings"), "annual": ("年度监测报告", "annual report")}


class UploadRefused(Exception):  # noqa: N818 - a refusal shown to the sender, not a bug
    """An upload refused before it is read (type, size or content), with the message in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{en} / {zh}")
        self.zh, self.en = zh, en


class Busy(UploadRefused):
    """The portal's database stayed locked by other writers (or the revision number kept being
    taken) for longer than the portal waits: the sender is asked to try again; nothing was kept."""

    def __init__(self) -> None:
        super().__init__("系统繁忙，本次上传未保存，请稍后重试", "the portal is busy; this upload was not kept, try again in a moment")


#: How often an upload tries again for a revision number another upload took at the same instant.
REVISION_ATTEMPTS = 5


def data_folder(*parts: str) -> Path:
    """A folder under the portal's data folder, created when missing (owner only)."""
    folder = Path(settings.WDMONITOR_PORTAL["data"]).joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def shown_name(name: str) -> str:
    """The sender's file name as text to show: the last path part, printable characters, 200 at most."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()
    return (clean or "upload")[:200]


def audit(request: Any, action: str, submission: Submission | None = None, detail: str = "") -> AuditEvent:
    """Record who did what, when (and from which address)."""
    user = getattr(request, "user", None)
    known = user if getattr(user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        user=known, username=known.get_username() if known else "", action=action, submission=submission,
        detail=detail[:2000], address=access.client_ip(request))


# -- tasks and templates -------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """What a filler owes for a collection: the lines of the department's template for its region."""

    collection: Collection
    lines: pd.DataFrame
    latest: Submission | None

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.collection.due and (self.latest is None or self.latest.status
                                                                not in (Status.SUBMITTED, Status.ACCEPTED))


def owed(collection: Collection, department: str, region: str) -> pd.DataFrame:
    """The template's lines a department owes for one region in a collection's plan and year:
    indicator, name, sex, area, unit."""
    from ..templates import submission_template

    lines = submission_template(access.get_plan(collection.plan), department=department, years=[collection.year])
    return lines[lines[col.REGION] == region].reset_index(drop=True)


def tasks(account: Any) -> list[Task]:
    """A filler's tasks: for each open collection of a plan the instance collects for and the
    account reports for, the lines owed and the latest submission."""
    found = []
    active = set(access.plan_ids())
    for collection in Collection.objects.filter(open=True, plan__in=active):
        if not access.owes(account, access.get_plan(collection.plan)):
            continue
        latest = latest_submission(collection, account.department, account.region)
        found.append(Task(collection, owed(collection, account.department, account.region), latest))
    return found


def latest_submission(collection: Collection, department: str, region: str) -> Submission | None:
    return (Submission.objects.filter(collection=collection, department=department, region=region)
            .order_by("-revision").first())


def write_region_template(collection: Collection, department: str, region: str) -> Path:
    """The department's template for one region in a collection's plan and year, as
    :func:`wdmonitor.write_template` writes it for every region (bilingual headers, instructions
    sheet), under a generated name."""
    from ..templates import _HEADERS
    from ..writers import Sheet, write_excel

    plan = access.get_plan(collection.plan)
    year = collection.year
    frame = owed(collection, department, region)
    frame.columns = [f"{_HEADERS[c]} {c}" for c in frame.columns]
    instructions = pd.DataFrame({"说明 instructions": [
        f"{plan.title_zh}：{access.region_name(region, 'zh', plan)}{department}{year}年数据。请在“数据 data”表的“数值 value”列填写各行数据，保持其他列不变。",
        f"{access.region_name(region, 'en', plan)}, {department}, {year}: fill in the 数值 value column of the data sheet; "
        "leave the other columns as they are.",
        "单位列为指标的计量单位；如按其他单位填报（如 /万），请改写单位列，系统将自动换算。",
        "无数据请留空或填“—”，不要填0。 Leave a cell empty (or —) when there are no data; do not write 0.",
        "也可上传本部门统计报表原有格式的工作簿。 A workbook in the department's own 统计报表 layout is read as well.",
    ]})
    path = data_folder("outputs") / f"{uuid.uuid4().hex}.xlsx"
    write_excel(path, {"数据 data": Sheet(frame=frame, landscape=False),
                       "说明 instructions": Sheet(frame=instructions, landscape=False, filters=False,
                                                widths={"说明 instructions": 90.0})})
    return path


# -- uploads ------------------------------------------------------------------------------------
def save_upload(uploaded: Any) -> tuple[Path, str, int, str]:
    """Keep an uploaded file under a generated name: (path, suffix, size, SHA-256).

    Refuses a type not in :data:`SIGNATURES`, content that does not start as its type must, an
    empty file and one above the portal's limit (counted while writing, whatever size the
    request claimed).
    """
    name = shown_name(uploaded.name or "")
    suffix = Path(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise UploadRefused(f"文件类型“{suffix or '无'}”不受理，请上传 .xlsx、.xlsm、.xls 或 .csv 文件",
                            f"file type {suffix or '(none)'!r} is not accepted; upload an .xlsx, .xlsm, .xls or .csv file")
    limit = int(settings.WDMONITOR_PORTAL["max_upload_bytes"])
    path = data_folder("uploads") / f"{uuid.uuid4().hex}{suffix}"
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "xb") as handle:
            for chunk in uploaded.chunks():
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(f"文件超过{limit // 1_000_000} MB上限", f"the file is larger than the {limit // 1_000_000} MB limit")
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise UploadRefused("文件为空", "the file is empty")
        with open(path, "rb") as handle:
            head = handle.read(8)
        signature = SIGNATURES[suffix]
        if signature is not None and not head.startswith(signature):
            raise UploadRefused(f"文件内容不是{suffix}格式（文件名后缀与内容不符）",
                                f"the content is not a {suffix} file (its name and its content disagree)")
        if signature is None and b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UploadRefused("文件内容不是文本格式的CSV", "the content is not a CSV text file")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, suffix, size, digest.hexdigest()


def _portal_problems(frame: pd.DataFrame, plan: Any, department: str, region: str, year: int) -> pd.DataFrame:
    """Rows outside what the account may send: another region, another department's indicator, another year."""
    if frame.empty:
        return pd.DataFrame()
    owed_ids = {i for i in plan.indicator_ids if plan.indicators[i].source == department}
    problems = []
    checks = [
        (col.REGION, frame[col.REGION].astype(str) != region, "portal_region",
         f"region must be {region} {access.region_name(region, 'en', plan)}, the region of your account",
         f"地区应为本账户的地区{access.region_name(region, 'zh', plan)}（{region}）"),
        (col.INDICATOR, ~frame[col.INDICATOR].astype(str).isin(owed_ids), "portal_department",
         f"indicator must be one {department} reports for this plan", f"指标应为{department}承担的本规划指标"),
        (col.YEAR, pd.to_numeric(frame[col.YEAR], errors="coerce") != year, "portal_year",
         f"year must be {year}, the year of this collection", f"年份应为本次报送的{year}年"),
    ]
    for column, mask, check, expected_en, expected_zh in checks:
        for position in frame.index[mask.to_numpy()]:
            row = frame.loc[position]
            where_en = _where(row, "en", column)
            where_zh = _where(row, "zh", column)
            value = row[column]
            problems.append({
                "row": position, "column": column, "value": value, "check": check,
                "severity": "error", "message_en": f"{where_en}: {expected_en} (got {value!r})",
                "message_zh": f"{where_zh}：{expected_zh}（实际为{value}）",
                col.SOURCE_FILE: row.get(col.SOURCE_FILE), col.SOURCE_SHEET: row.get(col.SOURCE_SHEET),
                col.SOURCE_ROW: row.get(col.SOURCE_ROW),
            })
    return pd.DataFrame(problems)


def _where(row: pd.Series, lang: str, column: str) -> str:
    parts = [str(row.get(col.SOURCE_FILE) or "")]
    sheet, number = row.get(col.SOURCE_SHEET), row.get(col.SOURCE_ROW)
    if lang == "zh":
        if isinstance(sheet, str) and sheet:
            parts.append(f"工作表“{sheet}”")
        if pd.notna(number):
            parts.append(f"第{int(number)}行")
        parts.append(f"{column}列")
        return "，".join(p for p in parts if p)
    if isinstance(sheet, str) and sheet:
        parts.append(f"sheet {sheet!r}")
    if pd.notna(number):
        parts.append(f"row {int(number)}")
    parts.append(f"column {column}")
    return ", ".join(p for p in parts if p)


@dataclass
class Checked:
    """What reading and checking an upload gave."""

    status: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    summary_zh: str = ""
    summary_en: str = ""
    layout_zh: str = ""
    layout_en: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    report: Any = None


def check_file(path: Path, shown: str, department: str, region: str, collection: Collection) -> Checked:
    """Read a stored upload with the library's reader (its limits apply) and check it against the
    collection's plan and year and the account: every problem, with the generated file name
    replaced by the sender's."""
    from ..errors import WdmonitorError
    from ..formulas import with_indicators
    from ..readers import read_submission
    from ..validation import SubmissionReport, check_submission

    plan = access.get_plan(collection.plan)
    year = collection.year

    def named(text: Any) -> Any:
        return text.replace(path.name, shown) if isinstance(text, str) else text

    try:
        sent = read_submission(path, plan)
        frame = with_indicators(sent, plan)
        frame.attrs.update(sent.attrs)
        report = check_submission(frame, plan)
    except WdmonitorError as error:  # the file as a whole cannot be read: one problem naming why
        message = named(str(error))
        en, _, zh = message.partition(" / ")
        return Checked(Status.REFUSED, [{"sheet": "", "row": None, "column": "", "value": "", "check": type(error).__name__,
                                         "severity": "error", "message_en": en, "message_zh": zh or en}],
                       summary_zh="文件无法读取", summary_en="the file cannot be read", counts={"errors": 1})
    scope = _portal_problems(report.valid, plan, department, region, year)
    failures = report.failure_cases
    if len(scope):
        failures = pd.concat([failures, scope], ignore_index=True)
        refused_rows = set(scope["row"])
        report = SubmissionReport(valid=report.valid.drop(index=[r for r in refused_rows if r in report.valid.index]),
                                  failure_cases=failures, n_rows=report.n_rows, layout=report.layout,
                                  provenance=report.provenance)
    problems = []
    for case in report.failure_cases.to_dict("records"):
        value = case.get("value")
        problems.append({
            "sheet": named(case.get(col.SOURCE_SHEET) or ""),
            "row": int(case[col.SOURCE_ROW]) if pd.notna(case.get(col.SOURCE_ROW)) else None,
            "column": str(case.get("column") or ""),
            "value": "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)[:200],
            "check": str(case.get("check") or ""), "severity": str(case.get("severity") or ""),
            "message_en": named(case.get("message_en") or ""), "message_zh": named(case.get("message_zh") or ""),
        })
    order = {"error": 0, "warning": 1, "no_data": 2}
    problems.sort(key=lambda p: order.get(p["severity"], 3))
    summary_en, _, summary_zh = report.summary().partition(" / ")
    layout = report.layout
    counts = {"rows": report.n_rows, "valid": len(report.valid), "errors": len(report.errors),
              "warnings": len(report.warnings), "no_data": len(report.no_data)}
    status = Status.CHECKED if report.ok and len(report.valid) else Status.REFUSED
    if report.ok and not len(report.valid):
        problems.insert(0, {"sheet": "", "row": None, "column": "value", "value": "", "check": "no_value", "severity": "error",
                            "message_en": f"{shown}: no row carries a value; fill in the 数值 value column",
                            "message_zh": f"{shown}：没有填报数值的行，请填写“数值”列"})
        counts["errors"] = 1
    return Checked(status, problems, summary_zh, summary_en,
                   layout.summary("zh") if layout is not None else "", layout.summary("en") if layout is not None else "",
                   counts, report)


def upload(request: Any, collection: Collection, uploaded: Any) -> Submission:
    """Keep, read and check a filler's upload; the new revision with its report (audited).

    The revision number is the department's and region's last one plus one, taken in the same
    transaction as the row is written (on SQLite a write transaction from its start,
    ``transaction_mode = IMMEDIATE``), and the unique constraint ``one_revision_number`` stands
    behind it: two uploads of one account at the same instant that still draw the same number
    (another database, another process) find it taken, and the later one draws again, up to
    :data:`REVISION_ATTEMPTS` times. When the database stays locked longer than its timeout, or
    the number keeps being taken, :class:`Busy` is raised and the stored file and report are
    removed: the sender is asked to try again, nothing half-kept.
    """
    account = access.account_of(request.user)
    shown = shown_name(uploaded.name or "")
    path, _suffix, size, digest = save_upload(uploaded)
    report_path: Path | None = None
    try:
        checked = check_file(path, shown, account.department, account.region, collection)
        report_name = ""
        if checked.report is not None:
            report_path = data_folder("outputs") / f"{uuid.uuid4().hex}.xlsx"
            checked.report.to_excel(report_path)
            report_name = report_path.name
        for _attempt in range(REVISION_ATTEMPTS):
            try:
                with transaction.atomic():
                    previous = latest_submission(collection, account.department, account.region)
                    submission = Submission.objects.create(
                        collection=collection, department=account.department, region=account.region,
                        revision=(previous.revision + 1) if previous else 1, uploaded_by=request.user, original_name=shown,
                        stored_name=path.name, size=size, sha256=digest, status=checked.status,
                        summary_zh=checked.summary_zh, summary_en=checked.summary_en, layout_zh=checked.layout_zh,
                        layout_en=checked.layout_en, problems=checked.problems, n_rows=checked.counts.get("rows", 0),
                        n_valid=checked.counts.get("valid", 0), n_errors=checked.counts.get("errors", 0),
                        n_warnings=checked.counts.get("warnings", 0), n_no_data=checked.counts.get("no_data", 0),
                        report_name=report_name)
                    audit(request, AuditEvent.Action.UPLOAD, submission,
                          f"{shown} ({size} bytes, sha256 {digest[:12]}…) → {path.name}: {checked.status}, "
                          f"{checked.counts.get('errors', 0)} error(s), revision {submission.revision}")
                return submission
            except IntegrityError:
                continue  # the number was taken by an upload at the same instant: draw again
            except OperationalError as error:
                from .middleware import is_busy

                if is_busy(error):
                    raise Busy() from error
                raise
        raise Busy()
    except BaseException:
        path.unlink(missing_ok=True)
        if report_path is not None:
            report_path.unlink(missing_ok=True)
        raise


def uploaded_path(submission: Submission) -> Path:
    return data_folder("uploads") / Path(submission.stored_name).name


def output_path(name: str) -> Path:
    return data_folder("outputs") / Path(name).name


# -- review -------------------------------------------------------------------------------------
def accept(request: Any, submission: Submission) -> Submission:
    """Add a submitted workbook to the monitoring database (validated again by the Store), then mark it."""
    from ..store import Store

    plan = access.get_plan(submission.collection.plan)
    store = Store(str(settings.WDMONITOR_PORTAL["store"]), plan)
    note = (f"portal submission {submission.pk} revision {submission.revision}, file {submission.original_name}, "
            f"region {submission.region}, uploaded by {submission.uploaded_by.get_username()}, "
            f"accepted by {request.user.get_username()}")
    sent = submission.submitted_at or submission.uploaded_at
    receipt = store.add(uploaded_path(submission), department=submission.department, submitted_at=sent.isoformat(), note=note)
    submission.status = Status.ACCEPTED
    submission.reviewed_by, submission.reviewed_at = request.user, timezone.now()
    submission.store_submission = receipt.submission_id
    submission.save()
    audit(request, AuditEvent.Action.ACCEPT, submission, f"{receipt.n_rows} rows stored as {receipt.submission_id}")
    return submission


def return_(request: Any, submission: Submission, comment: str) -> Submission:
    """Send a submission back to its department with the reviewer's comment."""
    submission.status = Status.RETURNED
    submission.reviewed_by, submission.reviewed_at = request.user, timezone.now()
    submission.comment = comment
    submission.save()
    audit(request, AuditEvent.Action.RETURN, submission, comment)
    return submission


# -- the board ----------------------------------------------------------------------------------
def cell_state(latest: Submission | None, due: date, today: date) -> str:
    """One department × region cell: the latest revision's state, overdue when past due and not in."""
    state = "not_started" if latest is None else str(latest.status)
    if today > due and state not in ("submitted", "accepted"):
        return "overdue"
    return state


def board(collection: Collection, regions: list[str]) -> dict[str, Any]:
    """The 报送进度 board: for each department that reports for the plan, each region's state and
    latest submission, with the count of each state."""
    today = timezone.localdate()
    latest: dict[tuple[str, str], Submission] = {}
    for submission in (Submission.objects.filter(collection=collection, region__in=regions)
                       .order_by("revision").select_related("uploaded_by")):
        latest[(submission.department, submission.region)] = submission
    rows = []
    counts = dict.fromkeys(STATES, 0)
    for department in access.departments(access.get_plan(collection.plan)):
        cells = []
        for region in regions:
            found = latest.get((department, region))
            state = cell_state(found, collection.due, today)
            counts[state] += 1
            cells.append({"region": region, "state": state, "submission": found})
        rows.append({"department": department, "cells": cells})
    return {"rows": rows, "counts": counts, "regions": regions}


# -- outputs ------------------------------------------------------------------------------------
def run_output(request: Any, collection: Collection, kind: str, region: str, lang: str) -> Output:
    """Run the year's evaluation, early warnings or annual report on the accepted data of a region
    and the regions below it, and write its Excel, Word and HTML files (audited)."""
    from ..errors import StoreError
    from ..store import Store

    plan = access.get_plan(collection.plan)
    location = str(settings.WDMONITOR_PORTAL["store"])
    try:
        frame = Store(location, plan, create=False).frame(plan=plan)
    except StoreError:
        frame = pd.DataFrame()
    if len(frame):
        frame = frame[frame[col.REGION].astype(str).isin(access.below(region, plan))]
    if frame.empty:
        raise UploadRefused("尚无已接收入库的数据", "no accepted data yet")
    year = collection.year
    if kind == Output.Kind.EVALUATION:
        from ..evaluation import evaluate

        result: Any = evaluate(frame, plan, year)
        extra: dict[str, Any] = {"frame": frame}
    elif kind == Output.Kind.WARNINGS:
        from ..early_warning import flag_early_warnings

        result, extra = flag_early_warnings(frame, plan, year), {}
    else:
        from ..annual import annual_report

        result, extra = annual_report(frame, plan, year), {}
    stem = uuid.uuid4().hex
    folder = data_folder("outputs")
    result.to_excel(folder / f"{stem}.xlsx", lang=lang)
    result.to_docx(folder / f"{stem}.docx", lang=lang, **extra)
    result.to_html(folder / f"{stem}.html", lang=lang, **extra)
    output = Output.objects.create(collection=collection, kind=kind, region=region, lang=lang, created_by=request.user,
                                   stem=stem, rows=len(result.table))
    audit(request, AuditEvent.Action.RUN, None, f"{kind} {year} {region} {lang}: {len(result.table)} rows → {stem}")
    return output
