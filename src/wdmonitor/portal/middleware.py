"""A database locked for longer than its timeout answers "busy, try again" (503), not an error page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_busy(error: BaseException) -> bool:
    """Whether a database error is SQLite's "database is locked" (another writer held it past the timeout)."""
    text = str(error).lower()
    return isinstance(error, OperationalError) and ("locked" in text or "busy" in text)


class BusyMiddleware:
    """Render ``portal/busy.html`` with 503 and ``Retry-After`` when a view met a locked database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not is_busy(exception):
            return None
        response = render(request, "portal/busy.html", {"zh": "系统繁忙，请稍后重试", "en": "the portal is busy; try again in a moment"},
                          status=503)
        response["Retry-After"] = "5"
        return response
