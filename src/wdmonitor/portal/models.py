"""What the portal keeps in its own database: accounts' roles, collections, submissions, outputs, audit.

The figures themselves are kept by :class:`wdmonitor.Store` (accepted submissions only);
here are the workflow around them and who did what when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role:
    """What an account may do."""

    FILLER: str = "filler"
    REVIEWER: str = "reviewer"
    OFFICE: str = "office"
    ADMIN: str = "admin"
    choices = [("filler", "填报人 filler"), ("reviewer", "审核人 reviewer"), ("office", "妇儿工委办公室 committee office"), ("admin", "管理员 administrator")]
    values = [value for value, _ in choices]


class Account(models.Model):
    """An account's role and place: a filler is one department in one region; a reviewer a region
    and the regions below it; the committee office and administrators see every region."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    role = models.CharField(max_length=16, choices=Role.choices)
    region = models.CharField(max_length=12, blank=True, help_text="GB/T 2260 code (211421)")
    department = models.CharField(max_length=40, blank=True, help_text="a filler's department (卫健委, 教育局 …)")

    class Meta:
        verbose_name = "账户角色 account"
        verbose_name_plural = "账户角色 accounts"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .access import check_account

        problems = check_account(self.role, self.region, self.department)
        if problems:
            raise ValidationError(problems)

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role} {self.department} {self.region})".strip()


class PortalPlan(models.Model):
    """A plan the instance collects for, as the administrator chose it on the 规划 page.

    Until the administrator chooses, the instance collects for the plan it was started with
    (``wdmonitor serve --plan``, ``WDMONITOR_PORTAL_PLAN``); see :func:`.access.plan_ids`.
    """

    plan_id = models.CharField(max_length=255, unique=True, help_text="a bundled plan id (wdmonitor.list_plans())")
    active = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_id"]
        verbose_name = "报送规划 plan"
        verbose_name_plural = "报送规划 plans"

    def __str__(self) -> str:
        return f"{self.plan_id}{'' if self.active else ' (inactive)'}"


class Collection(models.Model):
    """A plan's year of collection: the year the figures are for, the due date and whether uploads are open."""

    plan = models.CharField(max_length=255, help_text="the plan collected for (a bundled plan id)")
    year = models.PositiveIntegerField()
    due = models.DateField()
    open = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "plan"]
        verbose_name = "报送年度 collection"
        verbose_name_plural = "报送年度 collections"
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="one_collection_per_plan_year")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}（截止 {self.due:%Y-%m-%d}）"


class Status:
    """Where a submission is in the workflow."""

    REFUSED: str = "refused"
    CHECKED: str = "checked"
    SUBMITTED: str = "submitted"
    RETURNED: str = "returned"
    ACCEPTED: str = "accepted"
    choices = [("refused", "未通过校验 refused"), ("checked", "校验通过待提交 checked"), ("submitted", "已提交待审核 submitted"), ("returned", "已退回 returned"), ("accepted", "已接收入库 accepted")]
    values = [value for value, _ in choices]


class Submission(models.Model):
    """One uploaded workbook of one department for one region and year, with its validation report."""

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="submissions")
    department = models.CharField(max_length=40)
    region = models.CharField(max_length=12)
    revision = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    original_name = models.CharField(max_length=200, help_text="the sender's file name, shown only, never a path")
    stored_name = models.CharField(max_length=80, unique=True, help_text="generated: uploads/<hex>.<suffix>")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices)
    summary_zh = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    layout_zh = models.TextField(blank=True)
    layout_en = models.TextField(blank=True)
    problems = models.JSONField(default=list, help_text="every failure case: sheet, row, column, value, check, severity, messages")
    n_rows = models.PositiveIntegerField(default=0)
    n_valid = models.PositiveIntegerField(default=0)
    n_errors = models.PositiveIntegerField(default=0)
    n_warnings = models.PositiveIntegerField(default=0)
    n_no_data = models.PositiveIntegerField(default=0)
    report_name = models.CharField(max_length=80, blank=True, help_text="generated name of the report workbook (反馈.xlsx)")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reviews")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="the reviewer's comment when returned")
    store_submission = models.CharField(max_length=40, blank=True, help_text="the Store's submission id once accepted")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["collection", "department", "region", "revision"], name="one_revision_number")]

    def __str__(self) -> str:
        return f"{self.collection.year} {self.department} {self.region} #{self.revision}"


class Output(models.Model):
    """A result a reviewer ran for a year and a region (and the regions below it): the files written."""

    class Kind:
        EVALUATION: str = "evaluation"
        WARNINGS: str = "warnings"
        ANNUAL: str = "annual"
        choices = [("evaluation", "评估 evaluation"), ("warnings", "预警 early warnings"), ("annual", "年度监测报告 annual report")]
        values = [value for value, _ in choices]

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="outputs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    region = models.CharField(max_length=12)
    lang = models.CharField(max_length=8, default="zh")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outputs")
    created_at = models.DateTimeField(auto_now_add=True)
    stem = models.CharField(max_length=80, unique=True, help_text="generated: outputs/<hex>; files .xlsx, .docx, .html")
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]


class AuditEvent(models.Model):
    """Who did what, when: every upload, submit, accept, return, output run, download, login and logout,
    and every change the administrator makes to accounts, plans and years."""

    class Action:
        LOGIN: str = "login"
        LOGOUT: str = "logout"
        LOGIN_FAILED: str = "login_failed"
        TEMPLATE: str = "template"
        UPLOAD: str = "upload"
        SUBMIT: str = "submit"
        ACCEPT: str = "accept"
        RETURN: str = "return"
        DOWNLOAD: str = "download"
        RUN: str = "run"
        DENIED: str = "denied"
        ACCOUNT_CREATE: str = "account_create"
        ACCOUNT_CHANGE: str = "account_change"
        PASSWORD: str = "password"
        PLAN_ADD: str = "plan_add"
        PLAN_DROP: str = "plan_drop"
        YEAR_OPEN: str = "year_open"
        YEAR_CLOSE: str = "year_close"
        BUSY: str = "busy"
        choices = [("login", "登录 login"), ("logout", "退出 logout"), ("login_failed", "登录失败 login failed"), ("template", "下载模板 template"), ("upload", "上传 upload"), ("submit", "提交 submit"), ("accept", "接收 accept"), ("return", "退回 return"), ("download", "下载 download"), ("run", "生成结果 run"), ("denied", "拒绝访问 denied"),
                   ("account_create", "新建账户 account created"), ("account_change", "修改账户 account changed"),
                   ("password", "重设密码 password set"), ("plan_add", "添加规划 plan added"), ("plan_drop", "停用规划 plan dropped"),
                   ("year_open", "开启年度 year opened"), ("year_close", "关闭年度 year closed"), ("busy", "系统繁忙 busy")]
        values = [value for value, _ in choices]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, help_text="kept when the account is deleted")
    action = models.CharField(max_length=16, choices=Action.choices)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL)
    detail = models.TextField(blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
