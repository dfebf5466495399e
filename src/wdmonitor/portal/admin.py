"""The administrator's pages (Django's admin): accounts with their role, collections, the audit log."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import Account, AuditEvent, Collection, Output, Submission


class AccountInline(admin.StackedInline):
    model = Account
    can_delete = False
    extra = 1


class PortalUserAdmin(UserAdmin):
    inlines = [AccountInline]
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff")


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
admin.site.site_header = "监测数据网上报送系统 管理 / portal administration"


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("year", "due", "open", "note")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("collection", "department", "region", "revision", "status", "uploaded_by", "uploaded_at")
    list_filter = ("collection", "status", "department")
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False  # submissions come through uploads only

    def has_delete_permission(self, request, obj=None):
        return False  # the history of submissions is kept


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ("collection", "kind", "region", "lang", "created_by", "created_at")
    readonly_fields = [f.name for f in Output._meta.fields]

    def has_add_permission(self, request):
        return False  # outputs are run by reviewers


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "submission", "address", "detail")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit log is never edited
