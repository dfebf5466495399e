"""The portal's pages. Each checks on the server who is asking before it reads anything.

A view for a role refuses every other role (403); an object outside the account's
department and regions is not found (404), whatever id the URL or the form gave; both are
written to the audit log as ``denied``. State changes take POST with Django's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import access, services
from .forms import ReturnForm, RunForm, UploadForm
from .models import AuditEvent, Collection, Output, Role, Status, Submission
from .templatetags.portal import page_lang


def portal_context(request: HttpRequest) -> dict[str, Any]:
    """What every page shows: the account, its role and place, the plan's title, the page's language."""
    account = access.account_of(getattr(request, "user", None))
    lang = page_lang()
    plan = access.plan()
    place = ""
    if account is not None and account.region:
        place = access.region_name(account.region, lang)
    return {"account": account, "lang": lang, "place": place,
            "plan_title": plan.title_zh if lang == "zh" else (plan.title_en or plan.title_zh)}


def _note(request: HttpRequest, level: int, zh: str, en: str) -> None:
    """A message for the next page, in the page's language."""
    messages.add_message(request, level, en if page_lang() == "en" else zh)


def _denied(request: HttpRequest, why: str) -> None:
    services.audit(request, AuditEvent.Action.DENIED, None, f"{request.method} {request.path}: {why}")


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Log in first; then only these roles (403 for any other, audited)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            account = access.account_of(request.user)
            if not access.may_act(account, *roles):
                _denied(request, f"role {getattr(account, 'role', None)} is not {'/'.join(roles)}")
                raise PermissionDenied("这个页面不属于您的角色 / this page is not for your role")
            request.account = account
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _submission_for(request: HttpRequest, submission_id: int) -> Submission:
    """The submission, if it is the account's to see; otherwise not found (audited)."""
    submission = Submission.objects.select_related("collection", "uploaded_by", "reviewed_by").filter(pk=submission_id).first()
    if submission is None or not access.may_see_submission(request.account, submission):
        _denied(request, f"submission {submission_id} is not the account's")
        raise Http404("没有这份报送 / no such submission")
    return submission


def _collection(collection_id: int) -> Collection:
    return get_object_or_404(Collection, pk=collection_id)


def _region_label(code: str, lang: str) -> str:
    return f"{access.region_name(code, lang)}"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    account = access.account_of(request.user)
    if account is None:
        return render(request, "portal/no_role.html", status=403)
    if account.role == Role.FILLER:
        return redirect("portal:tasks")
    return redirect("portal:board")


# -- the filler's path ----------------------------------------------------------------------------
@role_required(Role.FILLER)
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    account = request.account
    lang = page_lang()
    found = []
    for task in services.tasks(account):
        lines = task.lines
        names = {i: access.plan().indicators[i].name_zh if lang == "zh" else access.plan().indicators[i].name_en
                 for i in lines["indicator"].unique() if i in access.plan().indicators}
        items = [{"indicator": row["indicator"], "name": names.get(row["indicator"], row["name_zh"]),
                  "sex": row["sex"], "area_type": row["area_type"], "unit": row["unit"]}
                 for row in lines.to_dict("records")]
        found.append({"task": task, "items": items, "form": UploadForm()})
    history = Submission.objects.filter(department=account.department, region=account.region).select_related("collection")
    return render(request, "portal/tasks.html", {"tasks": found, "history": history[:50],
                                                 "max_mb": settings.WDMONITOR_PORTAL["max_upload_bytes"] // 1_000_000})


@role_required(Role.FILLER)
@require_GET
def template(request: HttpRequest, collection_id: int) -> HttpResponse:
    account = request.account
    collection = _collection(collection_id)
    path = services.write_region_template(account.department, account.region, collection.year)
    services.audit(request, AuditEvent.Action.TEMPLATE, None, f"{collection.year} {account.department} {account.region}")
    name = f"{account.department}_{access.region_name(account.region)}_{collection.year}_模板.xlsx"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)  # noqa: SIM115 - FileResponse closes it


@role_required(Role.FILLER)
@require_POST
def upload(request: HttpRequest, collection_id: int) -> HttpResponse:
    limit = int(settings.WDMONITOR_PORTAL["max_upload_bytes"])
    try:
        claimed = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        claimed = 0
    if claimed > limit + 100_000:  # refused on the request's length, before Django reads the body
        services.audit(request, AuditEvent.Action.UPLOAD, None, f"refused: request of {claimed} bytes over the limit {limit}")
        return render(request, "portal/refused.html",
                      {"zh": f"文件超过{limit // 1_000_000} MB上限", "en": f"the file is larger than the {limit // 1_000_000} MB limit"},
                      status=413)
    collection = _collection(collection_id)
    if not collection.open:
        _denied(request, f"collection {collection.year} is closed")
        raise PermissionDenied("本年度报送已关闭 / this collection is closed")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        services.audit(request, AuditEvent.Action.UPLOAD, None, f"refused by the form: {errors}")
        zh, _, en = errors.partition(" / ")
        return render(request, "portal/refused.html", {"zh": zh, "en": en or zh}, status=400)
    try:
        submission = services.upload(request, collection, form.cleaned_data["file"])
    except services.UploadRefused as refused:
        services.audit(request, AuditEvent.Action.UPLOAD, None, f"refused: {refused.en}")
        return render(request, "portal/refused.html", {"zh": refused.zh, "en": refused.en}, status=400)
    return redirect("portal:submission", submission_id=submission.pk)


@role_required(Role.FILLER)
@require_POST
def submit(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _submission_for(request, submission_id)
    latest = services.latest_submission(submission.collection, submission.department, submission.region)
    if submission.status != Status.CHECKED or latest is None or latest.pk != submission.pk or not submission.collection.open:
        _note(request, messages.ERROR, "只有最新一次、校验通过的上传可以提交", "only the latest upload that passed the checks can be submitted")
        return redirect("portal:submission", submission_id=submission.pk)
    submission.status = Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.save()
    services.audit(request, AuditEvent.Action.SUBMIT, submission)
    _note(request, messages.SUCCESS, "已提交，等待审核", "submitted for review")
    return redirect("portal:submission", submission_id=submission.pk)


# -- shared: a submission, its file and its report -----------------------------------------------
@role_required(Role.FILLER, Role.REVIEWER, Role.ADMIN)
@require_GET
def submissions(request: HttpRequest) -> HttpResponse:
    account = request.account
    found = Submission.objects.select_related("collection", "uploaded_by")
    if account.role == Role.FILLER:
        found = found.filter(department=account.department, region=account.region)
    elif account.role == Role.REVIEWER:
        found = found.filter(region__in=access.regions_of(account))
    lang = page_lang()
    return render(request, "portal/submissions.html",
                  {"submissions": [(s, _region_label(s.region, lang)) for s in found[:500]]})


@role_required(Role.FILLER, Role.REVIEWER, Role.ADMIN)
@require_GET
def submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    found = _submission_for(request, submission_id)
    account = request.account
    lang = page_lang()
    latest = services.latest_submission(found.collection, found.department, found.region)
    revisions = Submission.objects.filter(collection=found.collection, department=found.department,
                                          region=found.region).order_by("-revision")
    events = AuditEvent.objects.filter(submission__in=revisions).order_by("-at", "-id")
    problems = found.problems
    return render(request, "portal/submission.html", {
        "submission": found, "region_label": _region_label(found.region, lang),
        "summary": found.summary_zh if lang == "zh" else found.summary_en,
        "layout": (found.layout_zh if lang == "zh" else found.layout_en).splitlines(),
        "errors": [p for p in problems if p["severity"] == "error"],
        "warnings": [p for p in problems if p["severity"] == "warning"],
        "no_data": [p for p in problems if p["severity"] == "no_data"],
        "may_submit": account.role == Role.FILLER and found.status == Status.CHECKED and latest is not None
                      and latest.pk == found.pk and found.collection.open,
        "may_review": account.role == Role.REVIEWER and found.status == Status.SUBMITTED,
        "return_form": ReturnForm(), "revisions": revisions, "events": events,
        "upload_form": UploadForm() if account.role == Role.FILLER and found.collection.open else None,
    })


@role_required(Role.FILLER, Role.REVIEWER, Role.ADMIN)
@require_GET
def submission_file(request: HttpRequest, submission_id: int) -> HttpResponse:
    found = _submission_for(request, submission_id)
    services.audit(request, AuditEvent.Action.DOWNLOAD, found, "the uploaded file")
    return FileResponse(open(services.uploaded_path(found), "rb"), as_attachment=True,  # noqa: SIM115
                        filename=found.original_name)


@role_required(Role.FILLER, Role.REVIEWER, Role.ADMIN)
@require_GET
def submission_report(request: HttpRequest, submission_id: int) -> HttpResponse:
    found = _submission_for(request, submission_id)
    if not found.report_name:
        raise Http404("这份报送没有校验报告 / this submission has no report")
    services.audit(request, AuditEvent.Action.DOWNLOAD, found, "the validation report")
    return FileResponse(open(services.output_path(found.report_name), "rb"), as_attachment=True,  # noqa: SIM115
                        filename=f"反馈_{found.collection.year}_{found.department}_{found.region}_{found.revision}.xlsx")


# -- the reviewer's path ----------------------------------------------------------------------------
@role_required(Role.REVIEWER)
@require_POST
def accept(request: HttpRequest, submission_id: int) -> HttpResponse:
    from ..errors import WdmonitorError

    found = _submission_for(request, submission_id)
    if found.status != Status.SUBMITTED:
        _note(request, messages.ERROR, "只能接收已提交待审核的报送", "only a submitted submission can be accepted")
        return redirect("portal:submission", submission_id=found.pk)
    try:
        services.accept(request, found)
    except WdmonitorError as error:
        en, _, zh = str(error).partition(" / ")
        _note(request, messages.ERROR, zh or en, en)
        return redirect("portal:submission", submission_id=found.pk)
    _note(request, messages.SUCCESS, "已接收入库", "accepted into the monitoring database")
    return redirect("portal:submission", submission_id=found.pk)


@role_required(Role.REVIEWER)
@require_POST
def return_submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    found = _submission_for(request, submission_id)
    form = ReturnForm(request.POST)
    if found.status != Status.SUBMITTED or not form.is_valid():
        _note(request, messages.ERROR, "退回需填写意见，且只能退回已提交待审核的报送", "a return needs a comment and a submitted submission")
        return redirect("portal:submission", submission_id=found.pk)
    services.return_(request, found, form.cleaned_data["comment"])
    _note(request, messages.SUCCESS, "已退回", "returned to the department")
    return redirect("portal:submission", submission_id=found.pk)


def _chosen_collection(request: HttpRequest) -> Collection | None:
    year = request.GET.get("year", "")
    collections = Collection.objects.all()
    if year.isdigit():
        return collections.filter(year=int(year)).first()
    return collections.filter(open=True).first() or collections.first()


@role_required(Role.REVIEWER, Role.OFFICE, Role.ADMIN)
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    account = request.account
    collection = _chosen_collection(request)
    lang = page_lang()
    context: dict[str, Any] = {"collection": collection, "collections": Collection.objects.all(),
                               "state_names": services.STATE_NAMES}
    if collection is not None:
        regions = access.regions_of(account)
        table = services.board(collection, regions)
        context.update(table=table, region_labels=[_region_label(r, lang) for r in regions],
                       counts=[(state, services.STATE_NAMES[state], table["counts"][state]) for state in services.STATES],
                       may_open=account.role in (Role.REVIEWER, Role.ADMIN))
    return render(request, "portal/board.html", context)


@role_required(Role.REVIEWER, Role.OFFICE, Role.ADMIN)
@require_GET
def outputs(request: HttpRequest) -> HttpResponse:
    account = request.account
    lang = page_lang()
    found = [(o, _region_label(o.region, lang)) for o in Output.objects.select_related("collection", "created_by")[:200]
             if access.may_see_output(account, o)]
    collection = _chosen_collection(request)
    form = RunForm(initial={"collection": collection.pk if collection else None, "lang": lang}) if account.role == Role.REVIEWER else None
    if form is not None:
        form.fields["kind"].choices = [(kind, names[0] if lang == "zh" else names[1]) for kind, names in services.KIND_NAMES.items()]
    return render(request, "portal/outputs.html", {"outputs": found, "form": form, "collection": collection})


@role_required(Role.REVIEWER)
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    account = request.account
    form = RunForm(request.POST)
    if not form.is_valid():
        _note(request, messages.ERROR, "请选择要生成的结果", "choose a result to run")
        return redirect("portal:outputs")
    collection = _collection(form.cleaned_data["collection"])
    try:
        services.run_output(request, collection, form.cleaned_data["kind"], account.region, form.cleaned_data["lang"])
    except services.UploadRefused as refused:
        _note(request, messages.ERROR, refused.zh, refused.en)
        return redirect("portal:outputs")
    _note(request, messages.SUCCESS, "已生成", "written")
    return HttpResponseRedirect(reverse("portal:outputs") + f"?year={collection.year}")


_FORMATS = {"xlsx": "Excel", "docx": "Word", "html": "HTML"}


@role_required(Role.REVIEWER, Role.OFFICE, Role.ADMIN)
@require_GET
def output_file(request: HttpRequest, output_id: int, fmt: str) -> HttpResponse:
    output = Output.objects.select_related("collection").filter(pk=output_id).first()
    if output is None or not access.may_see_output(request.account, output) or fmt not in _FORMATS:
        _denied(request, f"output {output_id}.{fmt} is not the account's")
        raise Http404("没有这个结果 / no such output")
    services.audit(request, AuditEvent.Action.DOWNLOAD, None, f"output {output.pk} {output.kind} {fmt}")
    kind_zh = {"evaluation": "评估", "warnings": "预警", "annual": "年度监测报告"}[output.kind]
    name = f"{kind_zh}_{output.collection.year}_{access.region_name(output.region)}.{fmt}"
    return FileResponse(open(services.output_path(f"{output.stem}.{fmt}"), "rb"), as_attachment=True, filename=name)  # noqa: SIM115


@role_required(Role.ADMIN)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("submission")[:500]
    return render(request, "portal/audit.html", {"events": events})
