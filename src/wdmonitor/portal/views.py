"""The portal's pages. Each checks on the server who is asking before it reads anything.

A view for a role refuses every other role (403); an object outside the account's
department and regions is not found (404), whatever id the URL or the form gave; both are
written to the audit log as ``denied``. State changes take POST with Django's CSRF token.
The administrator's pages (accounts, the plans collected for, reporting years) are for the
``admin`` role only; every change they make is in the audit log.
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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, administration, services
from .forms import (
    AccountCreateForm,
    AccountForm,
    PlanForm,
    ReturnForm,
    RunForm,
    UploadForm,
    YearForm,
)
from .models import Account, AuditEvent, Collection, Output, Role, Status, Submission
from .templatetags.portal import page_lang


def portal_context(request: HttpRequest) -> dict[str, Any]:
    """What every page shows: the account, its role and place, the plan's title, the page's language."""
    account = access.account_of(getattr(request, "user", None))
    lang = page_lang()
    place = ""
    if account is not None and account.region:
        place = access.region_name(account.region, lang)
    titles = [p.title_zh if lang == "zh" else (p.title_en or p.title_zh) for p in access.plans()]
    return {"account": account, "lang": lang, "place": place, "plan_title": "、".join(titles) if lang == "zh" else "; ".join(titles)}


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


def _filler_collection(request: HttpRequest, collection_id: int) -> Collection:
    """A collection the filler reports for: of a plan the portal collects for, which covers the
    account's region and department; otherwise not found (audited)."""
    collection = Collection.objects.filter(pk=collection_id).first()
    if (collection is None or collection.plan not in access.plan_ids()
            or not access.owes(request.account, access.get_plan(collection.plan))):
        _denied(request, f"collection {collection_id} is not one the account reports for")
        raise Http404("没有这个报送年度 / no such collection")
    return collection


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
        indicators = access.get_plan(task.collection.plan).indicators
        names = {i: indicators[i].name_zh if lang == "zh" else indicators[i].name_en
                 for i in lines["indicator"].unique() if i in indicators}
        items = [{"indicator": row["indicator"], "name": names.get(row["indicator"], row["name_zh"]),
                  "sex": row["sex"], "area_type": row["area_type"], "unit": row["unit"]}
                 for row in lines.to_dict("records")]
        plan = access.get_plan(task.collection.plan)
        found.append({"task": task, "items": items, "form": UploadForm(),
                      "plan_title": plan.title_zh if lang == "zh" else (plan.title_en or plan.title_zh)})
    history = Submission.objects.filter(department=account.department, region=account.region).select_related("collection")
    return render(request, "portal/tasks.html", {"tasks": found, "history": history[:50],
                                                 "max_mb": settings.WDMONITOR_PORTAL["max_upload_bytes"] // 1_000_000})


@role_required(Role.FILLER)
@require_GET
def template(request: HttpRequest, collection_id: int) -> HttpResponse:
    account = request.account
    collection = _filler_collection(request, collection_id)
    path = services.write_region_template(collection, account.department, account.region)
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
    collection = _filler_collection(request, collection_id)
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
    except services.Busy as busy:
        _audit_busy(request, busy)
        response = render(request, "portal/busy.html", {"zh": busy.zh, "en": busy.en}, status=503)
        response["Retry-After"] = "5"
        return response
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


def _audit_busy(request: HttpRequest, busy: Exception) -> None:
    from contextlib import suppress

    from django.db import OperationalError

    with suppress(OperationalError):  # the database still locked: the busy page is shown all the same
        services.audit(request, AuditEvent.Action.BUSY, None, f"{request.method} {request.path}: {busy}")


def _chosen_collection(request: HttpRequest) -> Collection | None:
    """The collection a page shows: ``?collection=<id>``, or ``?year=`` (the first plan's), or the
    latest open one, of the plans the portal collects for."""
    chosen, year = request.GET.get("collection", ""), request.GET.get("year", "")
    collections = Collection.objects.filter(plan__in=access.plan_ids())
    if chosen.isdigit():
        return collections.filter(pk=int(chosen)).first()
    if year.isdigit():
        return collections.filter(year=int(year)).first()
    return collections.filter(open=True).first() or collections.first()


def _collection_choices(lang: str) -> list[tuple[Collection, str]]:
    several = len(access.plan_ids()) > 1
    labels = []
    for c in Collection.objects.filter(plan__in=access.plan_ids()):
        plan = access.get_plan(c.plan)
        title = plan.title_zh if lang == "zh" else (plan.title_en or plan.title_zh)
        labels.append((c, f"{c.year} · {title}" if several else str(c.year)))
    return labels


@role_required(Role.REVIEWER, Role.OFFICE, Role.ADMIN)
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    account = request.account
    collection = _chosen_collection(request)
    lang = page_lang()
    context: dict[str, Any] = {"collection": collection, "collections": _collection_choices(lang),
                               "state_names": services.STATE_NAMES}
    if collection is not None:
        plan = access.get_plan(collection.plan)
        regions = access.regions_of(account, plan)
        table = services.board(collection, regions)
        context.update(table=table, region_labels=[access.region_name(r, lang, plan) for r in regions],
                       board_plan=plan.title_zh if lang == "zh" else (plan.title_en or plan.title_zh),
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
    return render(request, "portal/outputs.html", {"outputs": found, "form": form, "collection": collection,
                                                   "collections": _collection_choices(lang),
                                                   "several_plans": len(access.plan_ids()) > 1})


@role_required(Role.REVIEWER)
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    account = request.account
    form = RunForm(request.POST)
    if not form.is_valid():
        _note(request, messages.ERROR, "请选择要生成的结果", "choose a result to run")
        return redirect("portal:outputs")
    collection = Collection.objects.filter(pk=form.cleaned_data["collection"], plan__in=access.plan_ids()).first()
    if collection is None:
        _denied(request, f"collection {form.cleaned_data['collection']} is not collected for")
        raise Http404("没有这个报送年度 / no such collection")
    try:
        services.run_output(request, collection, form.cleaned_data["kind"], account.region, form.cleaned_data["lang"])
    except services.UploadRefused as refused:
        _note(request, messages.ERROR, refused.zh, refused.en)
        return redirect("portal:outputs")
    _note(request, messages.SUCCESS, "已生成", "written")
    return HttpResponseRedirect(reverse("portal:outputs") + f"?collection={collection.pk}")


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


# -- the administrator's path: accounts, plans and years ---------------------------------------------
def _refused(request: HttpRequest, refused: services.UploadRefused) -> None:
    _note(request, messages.ERROR, refused.zh, refused.en)


def _form_errors(form: Any) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


@role_required(Role.ADMIN)
@require_GET
def accounts(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import get_user_model

    lang = page_lang()
    users = get_user_model().objects.select_related("account").order_by("username")
    rows = []
    for user in users:
        account = access.account_of(user) if user.is_active else Account.objects.filter(user=user).first()
        rows.append({"user": user, "account": account,
                     "region": access.region_name(account.region, lang) if account and account.region else ""})
    return render(request, "portal/accounts.html", {"rows": rows})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = administration.create_account(request, form)
            _note(request, messages.SUCCESS, f"已创建账户 {user.get_username()}", f"account {user.get_username()} created")
            return redirect("portal:accounts")
        services.audit(request, AuditEvent.Action.ACCOUNT_CREATE, None, f"refused: {_form_errors(form)}"[:2000])
    return render(request, "portal/account_form.html", {"form": form, "new": True}, status=400 if form.errors else 200)


def _user(user_id: int) -> Any:
    from django.contrib.auth import get_user_model

    return get_object_or_404(get_user_model(), pk=user_id)


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _user(user_id)
    account = Account.objects.filter(user=user).first()
    initial = {"role": account.role if account else "", "region": account.region if account else "",
               "department": account.department if account else "", "active": user.is_active, "first_name": user.first_name}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                changes = administration.change_account(request, user, form.cleaned_data)
            except administration.Refused as refused:
                _refused(request, refused)
                return redirect("portal:account_edit", user_id=user.pk)
            _note(request, messages.SUCCESS, "已保存：" + ("；".join(changes) or "无变化"), "saved: " + ("; ".join(changes) or "nothing changed"))
            return redirect("portal:accounts")
        services.audit(request, AuditEvent.Action.ACCOUNT_CHANGE, None, f"account {user.get_username()} refused: {_form_errors(form)}"[:2000])
    return render(request, "portal/account_form.html", {"form": form, "new": False, "edited": user},
                  status=400 if form.errors else 200)


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_password(request: HttpRequest, user_id: int) -> HttpResponse:
    from django.contrib.auth.forms import SetPasswordForm

    user = _user(user_id)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        administration.set_password(request, form)
        _note(request, messages.SUCCESS, f"已为 {user.get_username()} 设置新密码", f"a new password set for {user.get_username()}")
        return redirect("portal:accounts")
    return render(request, "portal/account_password.html", {"form": form, "edited": user}, status=400 if form.errors else 200)


@role_required(Role.ADMIN)
@require_GET
def years(request: HttpRequest) -> HttpResponse:
    from ..registry import list_plans

    lang = page_lang()
    chosen = set(access.plan_ids())
    bundled = []
    for plan_id in list_plans():
        plan = access.get_plan(plan_id)
        bundled.append({"id": plan_id, "title": plan.title_zh if lang == "zh" else (plan.title_en or plan.title_zh),
                        "period": f"{plan.period_start}—{plan.period_end}", "active": plan_id in chosen,
                        "regions": 1 + len(plan.regions), "departments": len(access.departments(plan))})
    collections = [(c, c.plan in chosen) for c in Collection.objects.all()]
    return render(request, "portal/years.html", {"plans": bundled, "collections": collections, "year_form": YearForm()})


@role_required(Role.ADMIN)
@require_POST
def plan_choose(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if not form.is_valid():
        _note(request, messages.ERROR, "请选择规划", "choose a plan")
        return redirect("portal:years")
    try:
        changed = administration.choose_plan(request, form.cleaned_data["plan"], form.cleaned_data["active"])
    except administration.Refused as refused:
        _refused(request, refused)
        return redirect("portal:years")
    if changed:
        _note(request, messages.SUCCESS, "已更新收集的规划", "the plans collected for are updated")
    return redirect("portal:years")


@role_required(Role.ADMIN)
@require_POST
def year_open(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.POST)
    if not form.is_valid():
        services.audit(request, AuditEvent.Action.YEAR_OPEN, None, f"refused: {_form_errors(form)}"[:2000])
        for message in form.errors.values():
            for text in message:
                zh, _, en = str(text).partition(" / ")
                _note(request, messages.ERROR, zh, en or zh)
        return redirect("portal:years")
    data = form.cleaned_data
    try:
        collection = administration.open_year(request, data["plan"], data["year"], data["due"], data["note"])
    except administration.Refused as refused:
        _refused(request, refused)
        return redirect("portal:years")
    _note(request, messages.SUCCESS, f"{collection.year}年报送已开启，截止{collection.due:%Y-%m-%d}",
          f"the {collection.year} collection is open, due {collection.due:%Y-%m-%d}")
    return redirect("portal:years")


@role_required(Role.ADMIN)
@require_POST
def year_close(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = _collection(collection_id)
    if administration.close_year(request, collection):
        _note(request, messages.SUCCESS, f"{collection.year}年报送已关闭", f"the {collection.year} collection is closed")
    return redirect("portal:years")
