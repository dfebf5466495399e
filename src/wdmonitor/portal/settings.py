"""The portal's Django settings, every one that differs between machines from the environment.

``wdmonitor serve`` sets the first four from its options; a deployment sets them in the
service's environment (``docs/portal.md`` has a systemd unit and an nginx example).

``WDMONITOR_PORTAL_DATA``
    The portal's folder: its own database (accounts, submissions, audit log:
    ``portal.sqlite3``), the uploaded files under generated names (``uploads/``), the
    validation reports and the outputs (``outputs/``), and the secret key file when no key is
    given. ``./wdmonitor-portal`` by default.
``WDMONITOR_PORTAL_PLAN``
    The plan the portal collects for (a bundled plan id or a plan YAML path).
``WDMONITOR_PORTAL_STORE``
    The monitoring database accepted submissions go into: an SQLite file or a
    ``postgresql://`` URL (password from ``PGPASSWORD`` or ``~/.pgpass``);
    ``<data>/store.sqlite`` by default.
``WDMONITOR_PORTAL_SECRET_KEY``
    Django's secret key (signs sessions and CSRF tokens). Without it a random key is made once
    and kept in ``<data>/secret_key`` (readable by its owner only).
``WDMONITOR_PORTAL_ALLOWED_HOSTS``, ``WDMONITOR_PORTAL_CSRF_TRUSTED_ORIGINS``
    Comma-separated host names (``monitor.example.gov.cn``) and origins
    (``https://monitor.example.gov.cn``); ``localhost,127.0.0.1`` and none by default.
``WDMONITOR_PORTAL_HTTPS``
    ``1`` behind a reverse proxy that terminates HTTPS: trust its ``X-Forwarded-Proto``
    header (``SECURE_PROXY_SSL_HEADER``), send cookies over HTTPS only, redirect HTTP.
``WDMONITOR_PORTAL_SESSION_MINUTES``
    Minutes of inactivity after which a session expires (30).
``WDMONITOR_PORTAL_MAX_UPLOAD_MB``
    The largest workbook accepted, in megabytes (20; never above the reader's
    :data:`wdmonitor.limits.MAX_BYTES`).
``WDMONITOR_PORTAL_PROXY_COUNT``
    The number of trusted reverse proxies in front of the portal, each appending the address it
    received the request from to ``X-Forwarded-For`` (0: none, the client is the connection's
    address). Login throttling and the audit log count the client's address from it
    (:func:`wdmonitor.portal.access.client_ip`, django-axes' ``AXES_CLIENT_IP_CALLABLE``).
``WDMONITOR_PORTAL_DEBUG``
    ``1`` for Django's debug pages (never in production).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from ..limits import MAX_BYTES


def _list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _secret_key(folder: Path) -> str:
    """The key from the environment, or the one kept in the data folder (made once, mode 0600)."""
    given = os.environ.get("WDMONITOR_PORTAL_SECRET_KEY", "").strip()
    if given:
        return given
    path = folder / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


DATA = Path(os.environ.get("WDMONITOR_PORTAL_DATA", "wdmonitor-portal")).resolve()

#: The portal's own settings, read by the views at each request (tests override them).
WDMONITOR_PORTAL = {
    "data": DATA,
    "plan": os.environ.get("WDMONITOR_PORTAL_PLAN", "huludao-2021-2030"),
    "store": os.environ.get("WDMONITOR_PORTAL_STORE", "") or str(DATA / "store.sqlite"),
    "max_upload_bytes": min(int(float(os.environ.get("WDMONITOR_PORTAL_MAX_UPLOAD_MB", "20")) * 1_000_000), MAX_BYTES),
    "proxy_count": max(0, int(os.environ.get("WDMONITOR_PORTAL_PROXY_COUNT", "0") or 0)),
}

SECRET_KEY = _secret_key(DATA)
DEBUG = os.environ.get("WDMONITOR_PORTAL_DEBUG", "") == "1"
ALLOWED_HOSTS = _list("WDMONITOR_PORTAL_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _list("WDMONITOR_PORTAL_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # login throttling: failed attempts counted per user name and address, locked out after AXES_FAILURE_LIMIT
    "axes",
    "wdmonitor.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wdmonitor.portal.middleware.BusyMiddleware",  # a database locked past its timeout: 503 "busy, try again"
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "wdmonitor.portal.urls"
WSGI_APPLICATION = "wdmonitor.portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wdmonitor.portal.views.portal_context",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA / "portal.sqlite3"),
        # wait up to 20 s for another writer; IMMEDIATE: a transaction takes the write lock when it
        # begins, so two writers queue instead of one failing at once on the upgrade from read to write
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese by default, English switchable (Django's set_language view keeps the choice in a cookie)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = str(DATA / "static")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# A session ends after this much inactivity (each request renews it) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("WDMONITOR_PORTAL_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Uploads: held in memory up to 2.5 MB, spooled to a temporary file above; the portal's own
# limit (WDMONITOR_PORTAL["max_upload_bytes"]) is checked on the request's length first.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_PERMISSIONS = 0o600

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if os.environ.get("WDMONITOR_PORTAL_HTTPS", "") == "1":
    # behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto (docs/portal.md)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000

# django-axes: 5 failed logins for one user name from one address lock them out for 15 minutes
AXES_FAILURE_LIMIT = int(os.environ.get("WDMONITOR_PORTAL_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked.html"
# The client's address, counted behind WDMONITOR_PORTAL_PROXY_COUNT trusted proxies (REMOTE_ADDR when
# none): django-axes calls it for every attempt, and the audit log records the same address.
AXES_CLIENT_IP_CALLABLE = "wdmonitor.portal.access.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING"}},
}
