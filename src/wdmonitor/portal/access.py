"""Who may see and do what, decided on the server from the account and the plans' region trees.

An instance collects for one plan or several (:func:`plan_ids`: the administrator's choice on
the 规划 page, or the plan it was started with). Every view asks here: :func:`regions_of` gives
the regions an account covers in a plan (a filler its own region; a reviewer its region and
every region below it, following ``Region.parent``; the committee office and administrators
every region), :func:`may_see_submission` whether a submission is the account's to read, and
:func:`may_act` whether the account has a role. :func:`client_ip` is the client's address as
django-axes and the audit log count it (behind ``WDMONITOR_PORTAL_PROXY_COUNT`` trusted
proxies). Nothing is decided in a template or trusted from a form.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from ..indicators import Plan


@lru_cache(maxsize=16)
def _plan(plan_id: str) -> Plan:
    from ..registry import load_plan

    return load_plan(plan_id)


def started_plan() -> str:
    """The plan the instance was started with (``--plan``, ``WDMONITOR_PORTAL_PLAN``)."""
    return str(settings.WDMONITOR_PORTAL["plan"])


def plan_ids() -> list[str]:
    """The plans the instance collects for: those the administrator chose (active), or, until
    the administrator has chosen any, the plan it was started with."""
    from .models import PortalPlan

    chosen = list(PortalPlan.objects.values_list("plan_id", "active"))
    if not chosen:
        return [started_plan()]
    return [plan_id for plan_id, active in chosen if active]


def get_plan(plan_id: str) -> Plan:
    """A plan by the id a collection or the administrator's choice names (loaded once)."""
    return _plan(str(plan_id))


def plans() -> list[Plan]:
    """The plans the instance collects for, loaded."""
    return [get_plan(plan_id) for plan_id in plan_ids()]


def plan() -> Plan:
    """The first plan the instance collects for (the page header names every one)."""
    ids = plan_ids()
    return get_plan(ids[0] if ids else started_plan())


def _regions(of: Plan | None) -> list[Any]:
    chosen = plans() if of is None else [of]
    return [region for current in chosen for region in (current.jurisdiction, *current.regions)]


def region_names(of: Plan | None = None) -> dict[str, tuple[str, str]]:
    """Every region of a plan (of every plan collected for when none is given), the jurisdiction
    first: code → (Chinese name, English name)."""
    names: dict[str, tuple[str, str]] = {}
    for r in _regions(of):
        names.setdefault(r.code, (r.name_zh, r.name_en or r.name_zh))
    return names


def region_name(code: str, lang: str = "zh", of: Plan | None = None) -> str:
    names = region_names(of).get(code) or region_names().get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]


def below(code: str, of: Plan | None = None) -> list[str]:
    """The region and every region below it in a plan's tree (every plan's when none is given), in
    the plan's order."""
    regions = _regions(of)
    children: dict[str, list[str]] = {}
    for region in regions:
        if region.parent:
            children.setdefault(region.parent, []).append(region.code)
    known = {r.code for r in regions}
    if code not in known:
        return []
    found, queue = {code}, [code]
    while queue:
        for child in children.get(queue.pop(), []):
            if child not in found:
                found.add(child)
                queue.append(child)
    ordered: list[str] = []
    for r in regions:
        if r.code in found and r.code not in ordered:
            ordered.append(r.code)
    return ordered


def departments(of: Plan | None = None) -> list[str]:
    """The departments that report indicators of a plan (of every plan collected for when none is
    given; ``Indicator.source``), most indicators first."""
    counts: dict[str, int] = {}
    for current in (plans() if of is None else [of]):
        for indicator_id in current.indicator_ids:
            source = current.indicators[indicator_id].source
            if source:
                counts[source] = counts.get(source, 0) + 1
    return sorted(counts, key=lambda d: (-counts[d], d))


def check_account(role: str, region: str, department: str) -> list[str]:
    """What is wrong with a role, region and department for the plans collected for (empty when nothing is)."""
    from .models import Role

    problems = []
    if role not in Role.values:
        problems.append(f"role must be one of {', '.join(Role.values)} (got {role!r}) / 角色无效")
    if role in (Role.FILLER, Role.REVIEWER) and region not in region_names():
        problems.append(f"region must be a region of the plan ({', '.join(region_names())}) (got {region!r}) / "
                        "地区须为规划中的地区代码")
    if role == Role.FILLER and department not in departments():
        problems.append(f"a filler's department must be one that reports for the plan ({', '.join(departments())}) "
                        f"(got {department!r}) / 填报人的部门须为承担规划指标的部门")
    return problems


def account_of(user: Any) -> Any:
    """The user's :class:`~wdmonitor.portal.models.Account`, or None (a user without a role may do nothing)."""
    from .models import Account

    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.account
    except Account.DoesNotExist:
        return None


def regions_of(account: Any, of: Plan | None = None) -> list[str]:
    """The regions an account covers in a plan (in every plan collected for when none is given)."""
    from .models import Role

    if account is None:
        return []
    if account.role == Role.FILLER:
        return [account.region] if account.region in region_names(of) else []
    if account.role == Role.REVIEWER:
        return below(account.region, of)
    return list(region_names(of))


def owes(account: Any, of: Plan) -> bool:
    """Whether a filler reports for a plan: its region is one of the plan's and its department
    reports some of the plan's indicators."""
    return account.region in region_names(of) and account.department in departments(of)


def may_act(account: Any, *roles: str) -> bool:
    return account is not None and account.role in roles


def may_see_submission(account: Any, submission: Any) -> bool:
    """A filler its own department's in its own region; a reviewer those of its regions in the
    submission's plan; an administrator all; the committee office none (it reads results, not
    departments' files)."""
    from .models import Role

    if account is None:
        return False
    if account.role == Role.FILLER:
        return submission.department == account.department and submission.region == account.region
    if account.role == Role.REVIEWER:
        return submission.region in regions_of(account, get_plan(submission.collection.plan))
    return account.role == Role.ADMIN


def may_see_output(account: Any, output: Any) -> bool:
    """Reviewers the outputs of their regions; the committee office and administrators all."""
    from .models import Role

    if account is None or account.role == Role.FILLER:
        return False
    if account.role == Role.REVIEWER:
        return output.region in regions_of(account, get_plan(output.collection.plan))
    return True


def client_ip(request: Any) -> str | None:
    """The client's address, as the login throttling (django-axes' ``AXES_CLIENT_IP_CALLABLE``)
    and the audit log count it.

    Without trusted proxies (``WDMONITOR_PORTAL_PROXY_COUNT=0``, the default) it is the
    connection's address, ``REMOTE_ADDR``, and any ``X-Forwarded-For`` header is ignored (a
    client could write anything there). Behind *n* trusted reverse proxies, each appending the
    address it received the request from to ``X-Forwarded-For`` (nginx's
    ``$proxy_add_x_forwarded_for``), the client is the *n*-th address from the right: the one
    the outermost proxy saw; whatever a client wrote to the left of it is not read. A header
    with fewer than *n* addresses, or one that is not an IP address there, did not come through
    the proxies as configured: the connection's address is used.
    """
    if request is None:
        return None
    meta = request.META
    remote = meta.get("REMOTE_ADDR") or None
    count = int(settings.WDMONITOR_PORTAL.get("proxy_count", 0) or 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
