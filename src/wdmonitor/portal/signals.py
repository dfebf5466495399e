"""Logins, logouts and failed logins go into the audit log with who, when and from where."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .access import client_ip
from .models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    AuditEvent.objects.create(user=user, username=user.get_username(), action=AuditEvent.Action.LOGIN,
                              address=client_ip(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        AuditEvent.objects.create(user=user, username=user.get_username(), action=AuditEvent.Action.LOGOUT,
                                  address=client_ip(request))


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # the user name tried is kept as text (it may name no account); the password never is
    AuditEvent.objects.create(username=str(credentials.get("username", ""))[:150], action=AuditEvent.Action.LOGIN_FAILED,
                              address=client_ip(request))
