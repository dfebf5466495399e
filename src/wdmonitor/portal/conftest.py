"""Django's settings for pytest's import of the portal's modules (the suite runs --doctest-modules).

Without Django (a machine without the ``portal`` extra) the subpackage is not collected.
"""

from __future__ import annotations

import importlib.util
import os
import secrets

if importlib.util.find_spec("django") is None:
    collect_ignore_glob = ["*.py", "*/*.py"]
else:
    os.environ.setdefault("WDMONITOR_PORTAL_SECRET_KEY", secrets.token_urlsafe(50))
    from wdmonitor.portal.setup import configure

    configure()
