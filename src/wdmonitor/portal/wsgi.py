"""The portal as a WSGI application, for a WSGI server behind a reverse proxy (``docs/portal.md``)::

    gunicorn wdmonitor.portal.wsgi:application
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wdmonitor.portal.settings")

application = get_wsgi_application()
