"""Who may see and do what, decided on the server from the account and the plan's region tree.

Every view asks here: :func:`regions_of` gives the regions an account covers (a filler its own
region; a reviewer its region and every region below it, following ``Region.parent``; the
committee office and administrators every region), :func:`may_see_submission` whether a
submission is the account's to read, and :func:`may_act` whether the account has a role.
Nothing is decided in a template or trusted from a form.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from ..indicators import Plan


@lru_cache(maxsize=8)
def _plan(plan_id: str) -> Plan:
    from ..registry import load_plan

    return load_plan(plan_id)


def plan() -> Plan:
    """The plan the portal collects for (``WDMONITOR_PORTAL["plan"]``), loaded once."""
    return _plan(str(settings.WDMONITOR_PORTAL["plan"]))


def region_names() -> dict[str, tuple[str, str]]:
    """Every region of the plan, the jurisdiction first: code → (Chinese name, English name)."""
    current = plan()
    return {r.code: (r.name_zh, r.name_en or r.name_zh) for r in (current.jurisdiction, *current.regions)}


def region_name(code: str, lang: str = "zh") -> str:
    names = region_names().get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]


def below(code: str) -> list[str]:
    """The region and every region below it in the plan's tree, in the plan's order."""
    current = plan()
    regions = [current.jurisdiction, *current.regions]
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
    return [r.code for r in regions if r.code in found]


def departments() -> list[str]:
    """The departments that report indicators of the plan (``Indicator.source``), most indicators first."""
    current = plan()
    counts: dict[str, int] = {}
    for indicator_id in current.indicator_ids:
        source = current.indicators[indicator_id].source
        if source:
            counts[source] = counts.get(source, 0) + 1
    return sorted(counts, key=lambda d: (-counts[d], d))


def check_account(role: str, region: str, department: str) -> list[str]:
    """What is wrong with a role, region and department for this plan (empty when nothing is)."""
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


def regions_of(account: Any) -> list[str]:
    """The regions an account covers."""
    from .models import Role

    if account is None:
        return []
    if account.role == Role.FILLER:
        return [account.region] if account.region in region_names() else []
    if account.role == Role.REVIEWER:
        return below(account.region)
    return list(region_names())


def may_act(account: Any, *roles: str) -> bool:
    return account is not None and account.role in roles


def may_see_submission(account: Any, submission: Any) -> bool:
    """A filler its own department's in its own region; a reviewer those of its regions; an
    administrator all; the committee office none (it reads results, not departments' files)."""
    from .models import Role

    if account is None:
        return False
    if account.role == Role.FILLER:
        return submission.department == account.department and submission.region == account.region
    if account.role == Role.REVIEWER:
        return submission.region in regions_of(account)
    return account.role == Role.ADMIN


def may_see_output(account: Any, output: Any) -> bool:
    """Reviewers the outputs of their regions; the committee office and administrators all."""
    from .models import Role

    if account is None or account.role == Role.FILLER:
        return False
    if account.role == Role.REVIEWER:
        return output.region in regions_of(account)
    return True
