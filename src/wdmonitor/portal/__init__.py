"""The 监测数据网上报送系统: a web portal where departments submit and the bureau reviews.

A Django application on top of the library: departments' fillers download their template,
upload a workbook in any layout :func:`wdmonitor.read_submission` accepts and see the
validation report at once; the bureau's reviewers follow the 报送进度 board, accept a
submission into the :class:`wdmonitor.Store` or return it with a comment, and run the year's
evaluation, early warnings and annual report; the committee office reads the results.

Start it with ``wdmonitor serve --plan huludao-2021-2030`` after creating the first
administrator with ``wdmonitor portal-admin create --username NAME`` (see ``docs/portal.md``).
Django is an optional dependency (``pip install "wdmonitor[portal]"``); nothing here is
imported by ``import wdmonitor``.

Modules: :mod:`.settings` (every setting from the environment), :mod:`.models` (accounts,
collections, submissions, outputs, the audit log), :mod:`.access` (who may see what, from the
plan's region tree), :mod:`.services` (upload, check, accept, return, run the outputs),
:mod:`.views`, :mod:`.forms`, :mod:`.urls`, :mod:`.setup` (the command line's
``serve`` and ``portal-admin``).
"""

from __future__ import annotations

SETTINGS_MODULE = "wdmonitor.portal.settings"

__all__ = ["SETTINGS_MODULE"]
