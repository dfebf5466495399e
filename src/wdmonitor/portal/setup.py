"""Starting the portal and creating accounts from the command line (``wdmonitor serve``, ``wdmonitor portal-admin``).

:func:`configure` points the settings at a data folder, a plan and a store and starts Django;
:func:`create_account` makes an account with its role (the password checked by Django's
validators and stored as Django hashes it); :func:`serve` creates or upgrades the portal's
database and runs the server. There is no default password: the first administrator's is read
from ``WDMONITOR_PORTAL_ADMIN_PASSWORD`` or typed at a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UsageError

#: The environment variable a script may give the new administrator's password in.
PASSWORD_VARIABLE = "WDMONITOR_PORTAL_ADMIN_PASSWORD"


def configure(data: str | Path | None = None, plan: str | None = None, store: str | None = None) -> None:
    """Point the portal's settings at a data folder, a plan and a store, and start Django.

    Each argument left out keeps its environment variable (``WDMONITOR_PORTAL_DATA`` …);
    Django's settings are read once, so a second call in the same process changes nothing.
    """
    try:
        import django
    except ImportError:
        raise UsageError('the portal needs Django: pip install "wdmonitor[portal]" / '
                         '网上报送系统需要安装 Django：pip install "wdmonitor[portal]"') from None
    from django.apps import apps

    if not apps.ready:
        for name, value in (("WDMONITOR_PORTAL_DATA", data), ("WDMONITOR_PORTAL_PLAN", plan), ("WDMONITOR_PORTAL_STORE", store)):
            if value is not None:
                os.environ[name] = str(value)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wdmonitor.portal.settings")
        django.setup()


def migrate() -> None:
    """Create or upgrade the portal's own database (accounts, submissions, audit log)."""
    from django.conf import settings
    from django.core.management import call_command

    Path(settings.WDMONITOR_PORTAL["data"]).mkdir(parents=True, exist_ok=True, mode=0o700)  # a secret key from the environment made none
    call_command("migrate", interactive=False, verbosity=0)


def create_account(username: str, password: str, role: str, region: str = "", department: str = "") -> Any:
    """Create an account with its role, region and department.

    Parameters
    ----------
    username, password : str
        The password must pass Django's validators (at least 10 characters, not common, not
        only digits, not like the user name); it is stored as Django hashes it.
    role : {"filler", "reviewer", "office", "admin"}
        An administrator is also a Django superuser (the account and collection pages).
    region, department : str
        A filler's region code and department; a reviewer's region.

    Raises
    ------
    UsageError
        The user name is taken, the password is refused, or the role, region or department
        is not one of the plan's.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from .access import check_account
    from .models import Account, AuditEvent, Role
    from .services import audit

    User = get_user_model()  # noqa: N806 - Django's name for the user model
    if not username or User.objects.filter(username=username).exists():
        raise UsageError(f"the user name {username!r} is empty or taken; choose another / 用户名为空或已被使用，请换一个")
    problems = check_account(role, region, department)
    if problems:
        raise UsageError("; ".join(problems))
    candidate = User(username=username)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        raise UsageError("the password is refused: " + " ".join(error.messages) + " / 密码不符合要求（至少10个字符，不能过于常见或全为数字）") from None
    with transaction.atomic():
        admin = role == Role.ADMIN
        user = User.objects.create_user(username=username, password=password, is_staff=admin, is_superuser=admin)
        Account.objects.create(user=user, role=role, region=region, department=department)
        audit(None, AuditEvent.Action.ACCOUNT_CREATE, None, f"account {username}: role {role}, region {region or '—'}, "
                                                          f"department {department or '—'} (from the command line)")
    return user


def read_password(environ: Mapping[str, str] | None = None) -> str:
    """The new password: from ``WDMONITOR_PORTAL_ADMIN_PASSWORD`` or typed twice at a prompt."""
    given = (os.environ if environ is None else environ).get(PASSWORD_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise UsageError(f"no password: set {PASSWORD_VARIABLE} or run this in a terminal to type it / "
                         f"未提供密码：请设置环境变量 {PASSWORD_VARIABLE}，或在终端中运行以输入密码")
    first = getpass.getpass("password / 密码: ")
    if first != getpass.getpass("again / 再次输入: "):
        raise UsageError("the two passwords differ / 两次输入的密码不一致")
    return first


def admin_command(args: argparse.Namespace) -> int:
    """``wdmonitor portal-admin create --username NAME``: the first administrator, or (with ``--role``,
    ``--region``, ``--department``) a reviewer's, the office's or a filler's account."""
    configure(args.data, getattr(args, "plan", None), None)
    migrate()
    role = getattr(args, "role", "admin")
    create_account(args.username, read_password(), role, getattr(args, "region", ""), getattr(args, "department", ""))
    print(f"{role} {args.username} created in {Path(args.data).resolve()} / 已创建账户 {args.username}")
    return 0


def serve_command(args: argparse.Namespace) -> int:
    """``wdmonitor serve --plan ID``: the portal on this machine, with the embedded store by default."""
    from ..registry import load_plan

    load_plan(args.plan)  # an unknown plan is refused before anything is created
    configure(args.data, args.plan, args.store)
    migrate()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if args.create_admin:
        create_account(args.create_admin, read_password(), "admin")
        print(f"administrator {args.create_admin} created / 已创建管理员 {args.create_admin}")
    if not get_user_model().objects.filter(is_superuser=True).exists():
        print("no administrator yet: stop the server and run wdmonitor portal-admin create --username NAME "
              f"--data {args.data} / 尚无管理员，请先运行 wdmonitor portal-admin create --username 用户名", file=sys.stderr)
    from django.conf import settings

    from .access import plan_ids

    print(f"portal collecting for {', '.join(plan_ids())}: http://{args.host}:{args.port}/ (data {settings.WDMONITOR_PORTAL['data']}, "
          f"store {settings.WDMONITOR_PORTAL['store']}); Ctrl-C stops it", file=sys.stderr)
    # Django's own threaded server, serving the admin's static files too; behind a reverse proxy use a
    # WSGI server on wdmonitor.portal.wsgi:application instead (docs/portal.md)
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, insecure_serving=True, use_threading=True)
    return 0
