"""The portal's Django application."""

from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The 监测数据网上报送系统 (``wdmonitor.portal``)."""

    name = "wdmonitor.portal"
    label = "portal"
    verbose_name = "监测数据网上报送系统 / submission portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - logins and logouts into the audit log
