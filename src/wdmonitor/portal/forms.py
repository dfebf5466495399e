"""The portal's forms (Django forms: the fields are checked on the server, whatever the page sent).

The administrator's account form is Django's :class:`~django.contrib.auth.forms.UserCreationForm`
(the password typed twice, checked by the validators, hashed by Django) with the portal's role,
region and department, whose choices are the plans' regions and reporting departments.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from .models import Output
from .services import SIGNATURES


class UploadForm(forms.Form):
    """A workbook for a collection: one file of an accepted type, within the size limit."""

    file = forms.FileField(label="工作簿 workbook", allow_empty_file=False, max_length=255)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = Path(uploaded.name or "").suffix.lower()
        if suffix not in SIGNATURES:
            raise forms.ValidationError(f"文件类型“{suffix or '无'}”不受理，请上传 .xlsx、.xlsm、.xls 或 .csv 文件 / "
                                        f"file type {suffix or '(none)'!r} is not accepted: upload .xlsx, .xlsm, .xls or .csv")
        limit = int(settings.WDMONITOR_PORTAL["max_upload_bytes"])
        if uploaded.size > limit:
            raise forms.ValidationError(f"文件超过{limit // 1_000_000} MB上限 / the file is larger than the {limit // 1_000_000} MB limit")
        return uploaded


class ReturnForm(forms.Form):
    """The reviewer's comment when returning a submission (the filler reads it)."""

    comment = forms.CharField(label="退回意见 comment", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RunForm(forms.Form):
    """Which result to run for the reviewer's region and which year's collection."""

    kind = forms.ChoiceField(choices=Output.Kind.choices, label="结果 result")
    collection = forms.IntegerField(widget=forms.HiddenInput)
    lang = forms.ChoiceField(choices=[("zh", "中文"), ("en", "English")], initial="zh", label="语言 language")


# -- the administrator's forms ---------------------------------------------------------------------
def _role_fields(form: forms.Form) -> None:
    """Role, region and department as choices from the plans the instance collects for."""
    from . import access
    from .models import Role

    regions = [("", "—")] + [(code, f"{names[0]} {code}") for code, names in access.region_names().items()]
    form.fields["role"] = forms.ChoiceField(choices=Role.choices, label="角色 role")
    form.fields["region"] = forms.ChoiceField(choices=regions, required=False, label="地区 region",
                                              help_text="填报人、审核人必填 / a filler's or a reviewer's region")
    form.fields["department"] = forms.ChoiceField(choices=[("", "—")] + [(d, d) for d in access.departments()], required=False,
                                                  label="部门 department", help_text="填报人必填 / a filler's department")


def _check_role(form: forms.Form, cleaned: dict) -> dict:
    from . import access
    from .models import Role

    role, region, department = cleaned.get("role", ""), cleaned.get("region", "") or "", cleaned.get("department", "") or ""
    if role in (Role.OFFICE, Role.ADMIN):
        region = ""
    if role != Role.FILLER:
        department = ""
    cleaned["region"], cleaned["department"] = region, department
    for problem in access.check_account(role, region, department):
        form.add_error(None, problem)
    return cleaned


class AccountCreateForm(UserCreationForm):
    """A new account: the user name, the password twice (Django's validators), role, region, department."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name")
        labels = {"username": "用户名 user name", "first_name": "姓名或单位 name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _role_fields(self)

    def clean(self):
        return _check_role(self, super().clean())


class AccountForm(forms.Form):
    """An account's role, region and department, and whether it may log in."""

    first_name = forms.CharField(max_length=150, required=False, label="姓名或单位 name")
    active = forms.BooleanField(required=False, label="可以登录 active", help_text="停用后立即无法登录 / deactivated: logged out at once")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _role_fields(self)

    def clean(self):
        return _check_role(self, super().clean())


class PlanForm(forms.Form):
    """Collect for a bundled plan, or stop collecting for it."""

    plan = forms.ChoiceField(label="规划 plan")
    active = forms.TypedChoiceField(choices=[("1", "收集 collect"), ("0", "停止 stop")], coerce=lambda v: v == "1", label="")

    def __init__(self, *args, **kwargs):
        from ..registry import list_plans

        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan_id, plan_id) for plan_id in list_plans()]


class YearForm(forms.Form):
    """Open a plan's reporting year (or change an open one's due date, or open a closed one again)."""

    plan = forms.ChoiceField(label="规划 plan")
    year = forms.IntegerField(min_value=2000, max_value=2100, label="数据年份 year")
    due = forms.DateField(label="截止日期 due", input_formats=["%Y-%m-%d"],
                          widget=forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "2025-03-31"}))
    note = forms.CharField(max_length=200, required=False, label="说明 note")

    def __init__(self, *args, **kwargs):
        from . import access

        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan_id, f"{access.get_plan(plan_id).title_zh} ({plan_id})") for plan_id in access.plan_ids()]

    def clean(self):
        from . import access

        cleaned = super().clean()
        plan_id, year = cleaned.get("plan"), cleaned.get("year")
        if plan_id and year:
            plan = access.get_plan(plan_id)
            first = plan.baseline_year or plan.period_start
            if not first <= year <= plan.period_end:
                self.add_error("year", f"{plan_id} 的数据年份应在{first}—{plan.period_end}年之间 / "
                                       f"a year of {plan_id} is between {first} and {plan.period_end} (got {year})")
        return cleaned
