"""Django's admin, read-only: a second view of the records (accounts, plans, years, submissions, outputs, the audit log).

Accounts, the plans collected for and reporting years change on the portal's own pages
(``/manage/``), which check the administrator's role and write every change to the audit log;
here nothing can be added, changed or deleted, so no change escapes the log.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from .models import Account, AuditEvent, Collection, Output, PortalPlan, Submission


class ReadOnly:
    """View only: no add, change or delete, whatever the user's Django permissions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccountInline(ReadOnly, admin.StackedInline):
    model = Account
    can_delete = False


class PortalUserAdmin(ReadOnly, UserAdmin):
    inlines = [AccountInline]
    list_display = ("username", "first_name", "is_active", "last_login")


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, PortalUserAdmin)
admin.site.site_header = "监测数据网上报送系统 记录（只读） / portal records (read-only)"


@admin.register(PortalPlan)
class PortalPlanAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("plan_id", "active", "changed_at")


@admin.register(Collection)
class CollectionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("plan", "year", "due", "open", "note")


@admin.register(Submission)
class SubmissionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("collection", "department", "region", "revision", "status", "uploaded_by", "uploaded_at")
    list_filter = ("collection", "status", "department")


@admin.register(Output)
class OutputAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("collection", "kind", "region", "lang", "created_by", "created_at")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("at", "username", "action", "submission", "address", "detail")
    list_filter = ("action",)
