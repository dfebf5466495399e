"""The administrator's work: accounts, the plans the instance collects for, and reporting years.

The views check that the account is an administrator (:mod:`.views`); these functions make the
change and write it to the audit log with who, when and what changed. They refuse what would
leave the portal without a way back: an administrator deactivating or demoting itself, the last
plan dropped, a plan dropped while one of its years is open, a year opened for a plan the
instance does not collect for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from . import access
from .models import Account, AuditEvent, Collection, PortalPlan, Role
from .services import UploadRefused, audit


class Refused(UploadRefused):  # noqa: N818 - a refusal shown to the administrator
    """A change the administrator may not make, with the reason in both languages."""


def _staff(user: Any, role: str) -> None:
    """An administrator is also Django's superuser (the read-only records pages); nobody else is."""
    user.is_staff = user.is_superuser = role == Role.ADMIN


def create_account(request: Any, form: Any) -> Any:
    """Create the account a valid :class:`~.forms.AccountCreateForm` describes (audited)."""
    data = form.cleaned_data
    with transaction.atomic():
        user = form.save(commit=False)
        _staff(user, data["role"])
        user.save()
        Account.objects.create(user=user, role=data["role"], region=data["region"], department=data["department"])
        audit(request, AuditEvent.Action.ACCOUNT_CREATE, None,
              f"account {user.get_username()}: role {data['role']}, region {data['region'] or '—'}, "
              f"department {data['department'] or '—'}")
    return user


def change_account(request: Any, user: Any, data: dict[str, Any]) -> list[str]:
    """Set an account's role, region, department, name and whether it may log in (audited);
    the changes made, as ``field old → new``."""
    account = Account.objects.filter(user=user).first()
    if user.pk == request.user.pk and (data["role"] != Role.ADMIN or not data["active"]):
        raise Refused("不能停用自己的账户或取消自己的管理员角色", "you cannot deactivate your own account or give up your own administrator role")
    before = {"role": account.role if account else "", "region": account.region if account else "",
              "department": account.department if account else "", "active": user.is_active, "name": user.first_name}
    after = {"role": data["role"], "region": data["region"], "department": data["department"], "active": data["active"],
             "name": data.get("first_name", "") or ""}
    changes = [f"{key} {before[key] if before[key] != '' else '—'} → {after[key] if after[key] != '' else '—'}"
               for key in before if before[key] != after[key]]
    if not changes:
        return []
    with transaction.atomic():
        if account is None:
            account = Account(user=user)
        account.role, account.region, account.department = data["role"], data["region"], data["department"]
        account.save()
        user.is_active = data["active"]
        user.first_name = after["name"]
        _staff(user, data["role"])
        user.save()
        audit(request, AuditEvent.Action.ACCOUNT_CHANGE, None, f"account {user.get_username()}: " + "; ".join(changes))
    return changes


def set_password(request: Any, form: Any) -> Any:
    """Save the new password of a valid :class:`~django.contrib.auth.forms.SetPasswordForm` (audited;
    the password itself never is)."""
    user = form.save()
    audit(request, AuditEvent.Action.PASSWORD, None, f"account {user.get_username()}: a new password set by the administrator")
    return user


def choose_plan(request: Any, plan_id: str, active: bool) -> bool:
    """Collect for a bundled plan, or stop (audited); whether anything changed."""
    from ..registry import list_plans

    if plan_id not in list_plans():
        raise Refused(f"没有这个规划：{plan_id}", f"no such bundled plan: {plan_id}")
    current = access.plan_ids()
    with transaction.atomic():
        if not PortalPlan.objects.exists():  # the first choice: the plan the instance was started with is kept as chosen
            PortalPlan.objects.create(plan_id=access.started_plan(), active=True)
        if active == (plan_id in current):
            return False
        if not active:
            if current == [plan_id]:
                raise Refused("至少保留一个规划", "the portal collects for one plan at least")
            if Collection.objects.filter(plan=plan_id, open=True).exists():
                raise Refused(f"{plan_id} 还有开启的报送年度，请先关闭", f"{plan_id} has an open year: close it first")
        PortalPlan.objects.update_or_create(plan_id=plan_id, defaults={"active": active})
        audit(request, AuditEvent.Action.PLAN_ADD if active else AuditEvent.Action.PLAN_DROP, None,
              f"plan {plan_id}: {'collected for' if active else 'no longer collected for'}; plans now "
              f"{', '.join(access.plan_ids())}")
    return True


def open_year(request: Any, plan_id: str, year: int, due: date, note: str = "") -> Collection:
    """Open a plan's reporting year with its due date, or change an open year's due date, or open a
    closed one again (audited)."""
    if plan_id not in access.plan_ids():
        raise Refused(f"本系统未收集 {plan_id} 的数据，请先在“规划”中添加", f"the portal does not collect for {plan_id}: add the plan first")
    with transaction.atomic():
        collection = Collection.objects.filter(plan=plan_id, year=year).first()
        if collection is None:
            collection = Collection.objects.create(plan=plan_id, year=year, due=due, note=note, open=True)
            what = f"opened, due {due:%Y-%m-%d}"
        else:
            was = f"{'open' if collection.open else 'closed'}, due {collection.due:%Y-%m-%d}"
            collection.due, collection.open = due, True
            collection.note = note or collection.note
            collection.save()
            what = f"{was} → open, due {due:%Y-%m-%d}"
        audit(request, AuditEvent.Action.YEAR_OPEN, None, f"{plan_id} {year}: {what}{f' ({note})' if note else ''}")
    return collection


def close_year(request: Any, collection: Collection) -> bool:
    """Close a reporting year: no more uploads or submissions; the board, reviews and results stay (audited)."""
    if not collection.open:
        return False
    collection.open = False
    collection.save(update_fields=["open"])
    audit(request, AuditEvent.Action.YEAR_CLOSE, None, f"{collection.plan} {collection.year}: closed (due {collection.due:%Y-%m-%d})")
    return True
