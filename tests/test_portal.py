"""The 监测数据网上报送系统 through Django's test client: roles, every route as the wrong user and with
changed ids, CSRF refusal, upload limits and generated names, login throttling, session expiry,
the audit log, the filler's and the reviewer's paths, and the command line that starts it.

Django's settings come from :func:`wdmonitor.portal.setup.configure` (pytest-django then gives
each test a fresh test database); each test gets its own data folder and store.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("django")
pytest.importorskip("axes")
os.environ.setdefault("WDMONITOR_PORTAL_SECRET_KEY", secrets.token_urlsafe(50))
from wdmonitor.portal.setup import configure  # noqa: E402

configure()

import pandas as pd  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from wdmonitor import layouts_sample, load_plan  # noqa: E402
from wdmonitor.portal.models import AuditEvent, Collection, Output, PortalPlan, Status, Submission  # noqa: E402
from wdmonitor.portal.setup import create_account  # noqa: E402

PASSWORD = "Bao-song-2024-xitong"
PLAN = load_plan("huludao-2021-2030")
HEALTH = ["maternal_mortality_ratio", "maternal_systematic_management_rate", "cervical_cancer_screening_rate",
          "breast_cancer_screening_rate"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def portal_folder(settings, tmp_path):
    """A data folder and store of the test's own; a fast password hasher (the hash is not what is tested)."""
    settings.WDMONITOR_PORTAL = {**settings.WDMONITOR_PORTAL, "data": tmp_path / "portal",
                                 "store": str(tmp_path / "portal" / "store.sqlite")}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path / "portal"


@pytest.fixture
def users():
    made = {
        "lianshan_health": create_account("lianshan_health", PASSWORD, "filler", "211402", "卫健委"),
        "suizhong_health": create_account("suizhong_health", PASSWORD, "filler", "211421", "卫健委"),
        "suizhong_education": create_account("suizhong_education", PASSWORD, "filler", "211421", "教育局"),
        "city_reviewer": create_account("city_reviewer", PASSWORD, "reviewer", "211400"),
        "suizhong_reviewer": create_account("suizhong_reviewer", PASSWORD, "reviewer", "211421"),
        "lianshan_reviewer": create_account("lianshan_reviewer", PASSWORD, "reviewer", "211402"),
        "office": create_account("office", PASSWORD, "office"),
        "admin": create_account("admin", PASSWORD, "admin"),
    }
    return made


@pytest.fixture
def collection():
    return Collection.objects.create(plan="huludao-2021-2030", year=2024, due=timezone.localdate() + timedelta(days=30))


def _figures(region: str) -> pd.DataFrame:
    rows = [(region, 2024, indicator, "female", value)
            for indicator, value in zip(HEALTH, [12.5, 95.1, 88.0, 86.4], strict=True)]
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "sex", "value"])


@pytest.fixture
def workbooks(tmp_path):
    """A real-layout 卫健委 workbook (统计报表: form block, merged headers, notes) for 绥中县, with a
    negative rate (the defect) and fixed; and a 绥中县 workbook sent by a 连山区 account."""
    folder = tmp_path / "books"
    folder.mkdir()
    good = _figures("211421")
    bad = good.copy()
    bad.loc[1, "value"] = -95.1
    return {
        "bad": layouts_sample.indicators_as_rows(bad, PLAN, folder / "卫健委2024_绥中县.xlsx", department="卫生健康局"),
        "good": layouts_sample.indicators_as_rows(good, PLAN, folder / "卫健委2024_绥中县_修改.xlsx", department="卫生健康局"),
        "lianshan": layouts_sample.indicators_as_rows(_figures("211402"), PLAN, folder / "连山区.xlsx", department="卫生健康局"),
    }


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _upload(client: Client, collection: Collection, path: Path, name: str | None = None, **extra):
    with open(path, "rb") as handle:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(name or path.name, handle.read())
    return client.post(reverse("portal:upload", args=[collection.pk]), {"file": upload, **extra})


def _submitted(users, collection, workbooks, who="suizhong_health", book="good") -> Submission:
    client = _client(users[who])
    response = _upload(client, collection, workbooks[book])
    submission = Submission.objects.get(pk=int(response.url.strip("/").rsplit("/", 1)[-1]))
    assert client.post(reverse("portal:submit", args=[submission.pk])).status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    return submission


# -- logging in ------------------------------------------------------------------------------------
def test_login_shows_chinese_then_english_and_is_audited(users):
    client = Client()
    page = client.get(reverse("portal:login"))
    assert page.status_code == 200 and "登录" in page.content.decode()
    switched = client.post(reverse("portal:lang"), {"language": "en", "next": reverse("portal:login")})
    assert switched.status_code == 302
    assert "Log in" in client.get(reverse("portal:login")).content.decode()
    response = client.post(reverse("portal:login"), {"username": "suizhong_health", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse("portal:tasks")
    event = AuditEvent.objects.get(action="login")
    assert event.username == "suizhong_health" and event.address == "127.0.0.1"


def test_logins_are_throttled_after_repeated_failures(users, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        failed = client.post(reverse("portal:login"), {"username": "suizhong_health", "password": "wrong-password-1"})
        assert failed.status_code == 200 and "用户名或密码不正确" in failed.content.decode()
    last = client.post(reverse("portal:login"), {"username": "suizhong_health", "password": "wrong-password-1"})
    assert last.status_code == 429  # the limit-th failure locks the user name out from this address
    locked = client.post(reverse("portal:login"), {"username": "suizhong_health", "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # the right password did not log in while locked out
    assert AuditEvent.objects.filter(action="login_failed", username="suizhong_health").count() >= settings.AXES_FAILURE_LIMIT
    # another account from the same address is not locked
    other = client.post(reverse("portal:login"), {"username": "suizhong_education", "password": PASSWORD})
    assert other.status_code == 302


def test_forms_without_the_csrf_token_are_refused(users, collection, workbooks):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(reverse("portal:login"), {"username": "suizhong_health", "password": PASSWORD})
    assert refused.status_code == 403
    client.force_login(users["suizhong_health"])
    assert _upload(client, collection, workbooks["good"]).status_code == 403
    assert not Submission.objects.exists()
    page = client.get(reverse("portal:tasks"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = _upload(client, collection, workbooks["good"], csrfmiddlewaretoken=token)
    assert accepted.status_code == 302 and Submission.objects.count() == 1
    submission = Submission.objects.get()
    assert client.post(reverse("portal:submit", args=[submission.pk])).status_code == 403  # no token
    reviewer = Client(enforce_csrf_checks=True)
    reviewer.force_login(users["suizhong_reviewer"])
    assert reviewer.post(reverse("portal:accept", args=[submission.pk])).status_code == 403
    assert reviewer.post(reverse("portal:run"), {"kind": "warnings", "collection": collection.pk, "lang": "zh"}).status_code == 403


def test_session_expires(users):
    client = _client(users["suizhong_health"])
    assert client.get(reverse("portal:tasks")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("portal:tasks"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))


def test_session_settings_expire_when_idle(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


# -- the filler's path -------------------------------------------------------------------------------
def test_tasks_list_what_the_department_owes_with_the_due_date(users, collection):
    page = _client(users["suizhong_health"]).get(reverse("portal:tasks")).content.decode()
    assert collection.due.strftime("%Y-%m-%d") in page
    assert "孕产妇死亡率" in page and "绥中县" in page
    assert "九年义务教育巩固率" not in page  # another department's indicator
    education = _client(users["suizhong_education"]).get(reverse("portal:tasks")).content.decode()
    assert "九年义务教育巩固率" in education and "孕产妇死亡率" not in education


def test_the_template_is_the_departments_for_its_region(users, collection, tmp_path):
    response = _client(users["suizhong_health"]).get(reverse("portal:template", args=[collection.pk]))
    assert response.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    frame = pd.read_excel(path, sheet_name="数据 data", engine="openpyxl")
    assert set(frame["地区代码 region"].astype(str)) == {"211421"}
    assert set(frame["年份 year"]) == {2024}
    assert "maternal_mortality_ratio" in set(frame["指标代码 indicator"])
    assert AuditEvent.objects.filter(action="template", username="suizhong_health").exists()


def test_the_template_filled_in_is_accepted(users, collection, tmp_path):
    import openpyxl

    client = _client(users["suizhong_health"])
    path = tmp_path / "卫健委模板.xlsx"
    path.write_bytes(b"".join(client.get(reverse("portal:template", args=[collection.pk])).streaming_content))
    from wdmonitor.sample import load_sample

    sample = load_sample()
    sample = sample[(sample["region"] == "211421") & (sample["year"] == 2024)]
    known = {(r.indicator, r.sex, r.area_type): r.value for r in sample.itertuples()}
    book = openpyxl.load_workbook(path)
    sheet = book["数据 data"]
    header = [c.value for c in sheet[1]]
    column = {name: header.index(name) + 1 for name in ("数值 value", "指标代码 indicator", "性别 sex", "城乡 area_type")}
    filled = 0
    for row in range(2, sheet.max_row + 1):
        key = tuple(sheet.cell(row=row, column=column[name]).value for name in ("指标代码 indicator", "性别 sex", "城乡 area_type"))
        if key in known and pd.notna(known[key]):  # the SYNTHETIC sample's figure; no figure, left blank
            sheet.cell(row=row, column=column["数值 value"], value=float(known[key]))
            filled += 1
    book.save(path)
    assert filled >= 10
    _upload(client, collection, path)
    submission = Submission.objects.get()
    assert submission.status == Status.CHECKED, submission.problems[:3]
    assert (submission.n_rows, submission.n_valid, submission.n_no_data) == (sheet.max_row - 1, filled, sheet.max_row - 1 - filled)


def test_filler_sees_every_problem_fixes_and_submits(users, collection, workbooks):
    client = _client(users["suizhong_health"])
    response = _upload(client, collection, workbooks["bad"])
    assert response.status_code == 302
    bad = Submission.objects.get()
    assert bad.status == Status.REFUSED and bad.n_errors == 1
    page = client.get(response.url).content.decode()
    assert "工作表“2024年”：表头在第8、9、10行" in page  # the layout section
    problem = next(p for p in bad.problems if p["severity"] == "error")
    assert (problem["sheet"], problem["row"], problem["value"], problem["check"]) == ("2024年", 13, "-95.1", "non_negative")
    assert "卫健委2024_绥中县.xlsx，工作表“2024年”，第13行，D列" in page  # the sender's file name, not the stored one
    assert "不能为负" in page
    english = Client()
    english.force_login(users["suizhong_health"])
    english.post(reverse("portal:lang"), {"language": "en", "next": "/"})
    assert "cannot be negative (got -95.1)" in english.get(response.url).content.decode()
    # a refused revision cannot be submitted
    client.post(reverse("portal:submit", args=[bad.pk]))
    bad.refresh_from_db()
    assert bad.status == Status.REFUSED
    fixed = Submission.objects.get(pk=int(_upload(client, collection, workbooks["good"]).url.strip("/").rsplit("/", 1)[-1]))
    assert (fixed.revision, fixed.status, fixed.n_valid, fixed.n_errors) == (2, Status.CHECKED, 4, 0)
    client.post(reverse("portal:submit", args=[bad.pk]))  # an earlier revision: still not submittable
    bad.refresh_from_db()
    assert bad.status == Status.REFUSED
    client.post(reverse("portal:submit", args=[fixed.pk]))
    fixed.refresh_from_db()
    assert fixed.status == Status.SUBMITTED and fixed.submitted_at is not None
    history = client.get(reverse("portal:tasks")).content.decode()
    assert "#1" in history and "#2" in history and "卫健委2024_绥中县_修改.xlsx" in history
    actions = list(AuditEvent.objects.filter(username="suizhong_health").exclude(action="login").order_by("id").values_list("action", flat=True))
    assert actions == ["upload", "upload", "submit"]
    report = client.get(reverse("portal:submission_report", args=[bad.pk]))
    assert report.status_code == 200 and b"".join(report.streaming_content)[:2] == b"PK"


def test_rows_for_another_region_are_refused(users, collection, workbooks):
    client = _client(users["lianshan_health"])
    _upload(client, collection, workbooks["bad"])  # a 绥中县 workbook sent by the 连山区 account
    submission = Submission.objects.get()
    assert submission.status == Status.REFUSED and submission.region == "211402"
    regions = [p for p in submission.problems if p["check"] == "portal_region"]
    assert len(regions) == 3  # the three valid rows (the fourth is refused already as negative)
    assert "地区应为本账户的地区连山区（211402）" in regions[0]["message_zh"]
    assert regions[0]["row"] in (12, 14, 15) and regions[0]["value"] == "211421"


def test_a_form_cannot_choose_the_region_or_department(users, collection, workbooks):
    client = _client(users["suizhong_health"])
    _upload(client, collection, workbooks["good"], region="211402", department="教育局")
    submission = Submission.objects.get()
    assert (submission.region, submission.department) == ("211421", "卫健委")


# -- uploads ----------------------------------------------------------------------------------------
def test_uploads_are_stored_under_generated_names(users, collection, workbooks, portal_folder):
    client = _client(users["suizhong_health"])
    _upload(client, collection, workbooks["good"], name="../../../etc/卫健委\x00报表.xlsx")
    submission = Submission.objects.get()
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", submission.stored_name)
    assert submission.original_name == "卫健委报表.xlsx"
    stored = portal_folder / "uploads" / submission.stored_name
    assert stored.read_bytes() == workbooks["good"].read_bytes()
    assert [p.name for p in (portal_folder / "uploads").iterdir()] == [submission.stored_name]
    assert not any(p.name.startswith("卫健委") for p in portal_folder.rglob("*"))
    download = client.get(reverse("portal:submission_file", args=[submission.pk]))
    assert b"".join(download.streaming_content) == workbooks["good"].read_bytes()
    assert "filename*=utf-8''%E5%8D%AB" in download["Content-Disposition"]


@pytest.mark.parametrize(("name", "content", "why"), [
    ("报表.exe", b"MZ\x90\x00", "not accepted"),
    ("报表.txt", b"region,year\n", "not accepted"),
    ("报表", b"PK\x03\x04", "not accepted"),
    ("报表.xlsx", b"<html>not a workbook</html>", "not a .xlsx file"),
    ("报表.xls", b"PK\x03\x04zip", "not a .xls file"),
    ("报表.csv", b"\x00\x01\x02binary", "not a CSV"),
    ("报表.xlsx", b"", "empty"),
])
def test_uploads_of_the_wrong_type_are_refused(users, collection, name, content, why, portal_folder):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(users["suizhong_health"])
    client.post(reverse("portal:lang"), {"language": "en", "next": "/"})
    response = client.post(reverse("portal:upload", args=[collection.pk]), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert why in response.content.decode()
    assert not Submission.objects.exists()
    uploads = portal_folder / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # the refused file was not kept
    assert AuditEvent.objects.filter(action="upload", detail__startswith="refused").count() == 1


def test_uploads_over_the_size_limit_are_refused(users, collection, workbooks, settings):
    settings.WDMONITOR_PORTAL = {**settings.WDMONITOR_PORTAL, "max_upload_bytes": 2_000}
    client = _client(users["suizhong_health"])
    response = _upload(client, collection, workbooks["good"])  # about 6 KB
    assert response.status_code == 400 and "MB" in response.content.decode()
    settings.WDMONITOR_PORTAL = {**settings.WDMONITOR_PORTAL, "max_upload_bytes": 0}
    claimed = client.post(reverse("portal:upload", args=[collection.pk]), data=b"x" * 200_000,
                          content_type="multipart/form-data; boundary=x")
    assert claimed.status_code == 413  # refused on the request's length, before the body is read
    assert not Submission.objects.exists()


def test_the_upload_limit_never_exceeds_the_readers(settings):
    from wdmonitor.limits import MAX_BYTES

    assert 0 < settings.WDMONITOR_PORTAL["max_upload_bytes"] <= MAX_BYTES


def test_a_file_the_reader_cannot_read_is_one_problem(users, collection, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(users["suizhong_health"])
    client.post(reverse("portal:upload", args=[collection.pk]),
                {"file": SimpleUploadedFile("坏.xlsx", b"PK\x03\x04" + b"\x00" * 100)})
    submission = Submission.objects.get()
    assert submission.status == Status.REFUSED and len(submission.problems) == 1
    assert "坏.xlsx" in submission.problems[0]["message_en"] and submission.stored_name not in submission.problems[0]["message_en"]


# -- two uploads at the same instant ------------------------------------------------------------------
def test_a_revision_number_taken_at_the_same_instant_is_drawn_again(users, collection, workbooks, monkeypatch):
    """The first read of the last revision misses the one just written, as the read of an upload at the
    same instant would: the insert meets the unique constraint, and the upload draws again."""
    from wdmonitor.portal import services

    client = _client(users["suizhong_health"])
    _upload(client, collection, workbooks["bad"])
    real, reads = services.latest_submission, []

    def stale(*args):
        reads.append(args)
        return None if len(reads) == 1 else real(*args)

    monkeypatch.setattr(services, "latest_submission", stale)
    response = _upload(client, collection, workbooks["good"])
    assert response.status_code == 302 and len(reads) == 2
    assert sorted(Submission.objects.values_list("revision", flat=True)) == [1, 2]
    assert AuditEvent.objects.filter(action="upload", detail__endswith="revision 2").count() == 1


def test_a_revision_number_always_taken_or_a_locked_database_is_a_busy_page(users, collection, workbooks, monkeypatch, portal_folder):
    from django.db import OperationalError

    from wdmonitor.portal import services

    client = _client(users["suizhong_health"])
    first = Submission.objects.get(pk=int(_upload(client, collection, workbooks["bad"]).url.strip("/").rsplit("/", 1)[-1]))
    kept = {p.name for p in portal_folder.rglob("*") if p.is_file()}
    monkeypatch.setattr(services, "latest_submission", lambda *args: None)  # every draw gives the taken number 1
    taken = _upload(client, collection, workbooks["good"])
    assert taken.status_code == 503 and taken["Retry-After"] == "5"
    assert "系统繁忙" in taken.content.decode() and "请稍等几秒后重新上传" in taken.content.decode()

    def locked(*args):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "latest_submission", locked)
    busy = _upload(client, collection, workbooks["good"])
    assert busy.status_code == 503
    assert list(Submission.objects.all()) == [first]
    assert {p.name for p in portal_folder.rglob("*") if p.is_file()} == kept  # neither the file nor its report was kept
    assert AuditEvent.objects.filter(action="busy", username="suizhong_health").count() == 2


def test_a_page_meeting_a_locked_database_is_a_busy_page(users, collection, monkeypatch):
    from django.db import OperationalError

    from wdmonitor.portal import services

    def locked(*args):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "board", locked)
    response = _client(users["city_reviewer"]).get(reverse("portal:board"))
    assert response.status_code == 503 and response["Retry-After"] == "5" and "系统繁忙" in response.content.decode()


_UPLOADER = r"""
import json, sys, time
from pathlib import Path
from wdmonitor.portal.setup import configure
configure(sys.argv[1])
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wdmonitor.portal import services
from wdmonitor.portal.models import Collection
read = services.latest_submission
def slow(*args):  # a slow database: each upload's read of the last revision and its write are far apart
    found = read(*args)
    time.sleep(0.3)
    return found
services.latest_submission = slow
book, go, uploads = Path(sys.argv[2]).read_bytes(), Path(sys.argv[3]), int(sys.argv[4])
client = Client()
client.force_login(get_user_model().objects.get(username="suizhong_health"))
url = reverse("portal:upload", args=[Collection.objects.get(year=2024).pk])
Path(sys.argv[3] + "." + sys.argv[5]).touch()
while not go.exists():
    time.sleep(0.005)
codes = [client.post(url, {"file": SimpleUploadedFile("卫健委.xlsx", book)}).status_code for _ in range(uploads)]
print(json.dumps(codes))
"""


@pytest.mark.slow
def test_two_processes_uploading_at_once_get_distinct_revisions(tmp_path, workbooks):
    """Two processes on one SQLite file, one account, uploads started at the same instant, each upload's
    read of the last revision held 0.3 s before its write so that the two overlap: every upload lands
    with its own revision number; none is a server error."""
    import json
    import sqlite3

    data, go = tmp_path / "portal", tmp_path / "go"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WDMONITOR_PORTAL", "DJANGO"))}
    environment.update(WDMONITOR_PORTAL_SECRET_KEY=secrets.token_urlsafe(50), WDMONITOR_PORTAL_ALLOWED_HOSTS="testserver",
                       WDMONITOR_PORTAL_DATA=str(data))
    prepare = ("import sys; from wdmonitor.portal.setup import configure, migrate, create_account; configure(sys.argv[1]); migrate(); "
               f"create_account('suizhong_health', {PASSWORD!r}, 'filler', '211421', '卫健委'); "
               "from wdmonitor.portal.models import Collection; import datetime; "
               "Collection.objects.create(plan='huludao-2021-2030', year=2024, due=datetime.date(2099, 1, 1))")
    made = subprocess.run([sys.executable, "-c", prepare, str(data)], env=environment, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    uploads = 3
    workers = [subprocess.Popen([sys.executable, "-c", _UPLOADER, str(data), str(workbooks["good"]), str(go), str(uploads), name],
                                env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("a", "b")]
    deadline = time.monotonic() + 120
    while not all(Path(f"{go}.{name}").exists() for name in ("a", "b")) and time.monotonic() < deadline:
        assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
        time.sleep(0.05)
    go.touch()
    codes = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        codes += json.loads(out.strip().splitlines()[-1])
    # never a server error; on SQLite every upload waits its turn for the write lock (transaction_mode
    # IMMEDIATE, 20 s timeout), so none is even busy: without it the second writer's upgrade from its
    # read lock fails at once (half of these uploads answered 503), and without the busy answer, 500
    assert codes == [302] * (2 * uploads), codes
    with sqlite3.connect(data / "portal.sqlite3") as db:
        revisions = sorted(r for (r,) in db.execute("select revision from portal_submission"))
    assert revisions == list(range(1, 2 * uploads + 1))
    assert len(list((data / "uploads").iterdir())) == 2 * uploads


# -- behind a reverse proxy ----------------------------------------------------------------------------
def test_the_client_address_behind_trusted_proxies(settings):
    from django.test import RequestFactory

    from wdmonitor.portal.access import client_ip

    def seen(count, forwarded=None, remote="10.0.0.2"):
        settings.WDMONITOR_PORTAL = {**settings.WDMONITOR_PORTAL, "proxy_count": count}
        extra = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
        return client_ip(RequestFactory().get("/", **extra))

    assert settings.AXES_CLIENT_IP_CALLABLE == "wdmonitor.portal.access.client_ip"
    assert seen(0, "203.0.113.7") == "10.0.0.2"  # no trusted proxy: the header is anyone's to write
    assert seen(1) == "10.0.0.2"
    assert seen(1, "203.0.113.7") == "203.0.113.7"
    assert seen(1, "198.51.100.9, 203.0.113.7") == "203.0.113.7"  # what the client wrote in front is not read
    assert seen(2, "198.51.100.9, 203.0.113.7, 10.0.0.1") == "203.0.113.7"  # a load balancer, then nginx
    assert seen(2, "203.0.113.7") == "10.0.0.2"  # fewer addresses than proxies: not through the chain
    assert seen(1, "203.0.113.7, not-an-address") == "10.0.0.2"
    assert seen(1, " 2001:db8::7 ") == "2001:db8::7"


def test_behind_a_proxy_logins_are_throttled_per_client_address(users, settings):
    settings.WDMONITOR_PORTAL = {**settings.WDMONITOR_PORTAL, "proxy_count": 1}
    login = reverse("portal:login")

    def attempt(forwarded, password="wrong-password-1"):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).post(
            login, {"username": "suizhong_health", "password": password})

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt("203.0.113.7").status_code == 200
    assert attempt("203.0.113.7").status_code == 429
    assert attempt("203.0.113.7", PASSWORD).status_code == 429
    assert attempt("198.51.100.1, 203.0.113.7", PASSWORD).status_code == 429  # writing another address in front does not help
    assert attempt("203.0.113.8", PASSWORD).status_code == 302  # another client behind the same proxy is not locked out
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert AuditEvent.objects.filter(action="login_failed", address="203.0.113.7").count() >= settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.get(action="login").address == "203.0.113.8"


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(users, settings):
    login = reverse("portal:login")
    for number in range(settings.AXES_FAILURE_LIMIT):
        Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").post(login, {"username": "suizhong_health", "password": "wrong-password-1"})
    locked = Client(HTTP_X_FORWARDED_FOR="198.51.100.1").post(login, {"username": "suizhong_health", "password": PASSWORD})
    assert locked.status_code == 429  # a new address in the header is not a new client
    assert set(AuditEvent.objects.filter(action="login_failed").values_list("address", flat=True)) == {"127.0.0.1"}


def test_the_proxy_count_comes_from_the_environment():
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WDMONITOR_PORTAL", "DJANGO"))}
    environment.update(WDMONITOR_PORTAL_SECRET_KEY="k" * 50, WDMONITOR_PORTAL_PROXY_COUNT="2")
    shown = subprocess.run([sys.executable, "-c", "from wdmonitor.portal.setup import configure; configure(); "
                            "from django.conf import settings; print(settings.WDMONITOR_PORTAL['proxy_count'], settings.AXES_CLIENT_IP_CALLABLE)"],
                           env=environment, capture_output=True, text=True, timeout=120)
    assert shown.stdout.split() == ["2", "wdmonitor.portal.access.client_ip"], shown.stderr


# -- the reviewer's path -------------------------------------------------------------------------------
def test_board_counts_and_accept_into_the_store(users, collection, workbooks, settings):
    submission = _submitted(users, collection, workbooks)
    reviewer = _client(users["suizhong_reviewer"])
    page = reviewer.get(reverse("portal:board")).content.decode()
    departments = 17
    assert re.search(r'id="count-submitted">1<', page) and re.search(rf'id="count-not_started">{departments - 1}<', page)
    assert 'id="cell-卫健委-211421"' in page and "连山区" not in page  # a county reviewer sees its county only
    city = _client(users["city_reviewer"]).get(reverse("portal:board")).content.decode()
    assert re.search(rf'id="count-not_started">{departments * 7 - 1}<', city) and "连山区" in city
    response = reviewer.post(reverse("portal:accept", args=[submission.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.ACCEPTED and submission.reviewed_by == users["suizhong_reviewer"]
    from wdmonitor.store import Store

    store = Store(settings.WDMONITOR_PORTAL["store"], PLAN)
    frame = store.frame()
    assert len(frame) == 4 and set(frame["region"]) == {"211421"}
    assert store.submissions()["submission_id"].tolist() == [submission.store_submission]
    assert re.search(r'id="count-accepted">1<', reviewer.get(reverse("portal:board")).content.decode())
    assert reviewer.post(reverse("portal:accept", args=[submission.pk])).status_code == 302  # twice: refused
    assert len(Store(settings.WDMONITOR_PORTAL["store"], PLAN).frame()) == 4
    event = AuditEvent.objects.get(action="accept")
    assert event.username == "suizhong_reviewer" and event.submission == submission and event.at is not None


def test_return_with_a_comment_the_filler_sees(users, collection, workbooks):
    submission = _submitted(users, collection, workbooks)
    reviewer = _client(users["city_reviewer"])
    assert reviewer.post(reverse("portal:return", args=[submission.pk]), {"comment": ""}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED  # a return needs a comment
    reviewer.post(reverse("portal:return", args=[submission.pk]), {"comment": "宫颈癌筛查率与上年相差过大，请核实"})
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED
    filler = _client(users["suizhong_health"])
    assert "宫颈癌筛查率与上年相差过大，请核实" in filler.get(reverse("portal:tasks")).content.decode()
    assert "宫颈癌筛查率与上年相差过大，请核实" in filler.get(reverse("portal:submission", args=[submission.pk])).content.decode()
    event = AuditEvent.objects.get(action="return")
    assert event.username == "city_reviewer" and "请核实" in event.detail
    board = reviewer.get(reverse("portal:board")).content.decode()
    assert re.search(r'id="count-returned">1<', board)


def test_overdue_cells(users, collection):
    collection.due = timezone.localdate() - timedelta(days=1)
    collection.save()
    page = _client(users["suizhong_reviewer"]).get(reverse("portal:board")).content.decode()
    assert re.search(r'id="count-overdue">17<', page) and re.search(r'id="count-not_started">0<', page)


def test_outputs_are_run_on_accepted_data_and_downloaded(users, collection, workbooks):
    reviewer = _client(users["suizhong_reviewer"])
    reviewer.post(reverse("portal:run"), {"kind": "warnings", "collection": collection.pk, "lang": "zh"})
    assert not Output.objects.exists()  # nothing accepted yet
    submission = _submitted(users, collection, workbooks)
    reviewer.post(reverse("portal:accept", args=[submission.pk]))
    assert reviewer.post(reverse("portal:run"), {"kind": "annual", "collection": collection.pk, "lang": "zh"}).status_code == 302
    output = Output.objects.get()
    assert (output.kind, output.region, output.created_by) == ("annual", "211421", users["suizhong_reviewer"])
    signatures = {"xlsx": b"PK", "docx": b"PK", "html": b"<!"}
    for client in (reviewer, _client(users["office"]), _client(users["city_reviewer"])):
        for fmt, start in signatures.items():
            response = client.get(reverse("portal:output_file", args=[output.pk, fmt]))
            assert response.status_code == 200
            assert b"".join(response.streaming_content).lstrip()[:2].upper() == start.upper()
    assert AuditEvent.objects.filter(action="run", username="suizhong_reviewer").count() == 1


def test_admin_sees_the_audit_log_and_cannot_rewrite_history(users, collection, workbooks):
    submission = _submitted(users, collection, workbooks)
    admin = _client(users["admin"])
    page = admin.get(reverse("portal:audit")).content.decode()
    assert "suizhong_health" in page and "upload" in page and "submit" in page
    assert admin.get(reverse("admin:portal_collection_changelist")).status_code == 200
    assert admin.get(reverse("admin:portal_submission_changelist")).status_code == 200
    assert admin.get(reverse("admin:portal_submission_delete", args=[submission.pk])).status_code == 403
    event = AuditEvent.objects.filter(action="upload").first()
    assert admin.post(reverse("admin:portal_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert admin.get(reverse("admin:portal_auditevent_add")).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# -- the administrator's path: accounts, plans, years ------------------------------------------------
def test_admin_creates_changes_and_deactivates_accounts(users, collection):
    from django.contrib.auth import get_user_model

    admin = _client(users["admin"])
    page = admin.get(reverse("portal:accounts")).content.decode()
    assert 'id="account-suizhong_health"' in page and "绥中县" in page
    form = admin.get(reverse("portal:account_new")).content.decode()
    assert 'name="password1"' in form and 'value="卫健委"' in form and 'value="211421"' in form
    weak = admin.post(reverse("portal:account_new"), {"username": "xc_wjw", "password1": "12345678", "password2": "12345678",
                                                      "role": "filler", "region": "211481", "department": "卫健委"})
    assert weak.status_code == 400 and not get_user_model().objects.filter(username="xc_wjw").exists()
    no_department = admin.post(reverse("portal:account_new"), {"username": "xc_wjw", "password1": PASSWORD, "password2": PASSWORD,
                                                               "role": "filler", "region": "211481", "department": ""})
    assert no_department.status_code == 400 and "填报人的部门须为承担规划指标的部门" in no_department.content.decode()
    made = admin.post(reverse("portal:account_new"), {"username": "xc_wjw", "first_name": "兴城市卫健委", "password1": PASSWORD,
                                                      "password2": PASSWORD, "role": "filler", "region": "211481", "department": "卫健委"})
    assert made.status_code == 302
    user = get_user_model().objects.get(username="xc_wjw")
    assert (user.account.role, user.account.region, user.account.department) == ("filler", "211481", "卫健委")
    assert not user.is_staff and user.check_password(PASSWORD) and user.password != PASSWORD  # hashed by Django
    filler = Client()
    assert filler.post(reverse("portal:login"), {"username": "xc_wjw", "password": PASSWORD}).status_code == 302
    assert "兴城市" in filler.get(reverse("portal:tasks")).content.decode()
    # a reviewer now: the board of 兴城市, no tasks
    changed = admin.post(reverse("portal:account_edit", args=[user.pk]),
                         {"role": "reviewer", "region": "211481", "department": "卫健委", "active": "on", "first_name": "兴城市统计局"})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert (user.account.role, user.account.department) == ("reviewer", "")  # a reviewer has no department
    assert filler.get(reverse("portal:tasks")).status_code == 403 and filler.get(reverse("portal:board")).status_code == 200
    # deactivated: logged out at once and cannot log in
    admin.post(reverse("portal:account_edit", args=[user.pk]), {"role": "reviewer", "region": "211481", "first_name": "兴城市统计局"})
    user.refresh_from_db()
    assert not user.is_active
    response = filler.get(reverse("portal:board"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))
    assert Client().post(reverse("portal:login"), {"username": "xc_wjw", "password": PASSWORD}).status_code == 200
    # a new password, set by the administrator through Django's form
    admin.post(reverse("portal:account_edit", args=[user.pk]), {"role": "reviewer", "region": "211481", "active": "on",
                                                                "first_name": "兴城市统计局"})
    short = admin.post(reverse("portal:account_password", args=[user.pk]), {"new_password1": "abc", "new_password2": "abc"})
    assert short.status_code == 400
    admin.post(reverse("portal:account_password", args=[user.pk]), {"new_password1": "Xin-mima-2025-baosong", "new_password2": "Xin-mima-2025-baosong"})
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2025-baosong")
    # the administrator cannot lock itself out
    own = users["admin"]
    admin.post(reverse("portal:account_edit", args=[own.pk]), {"role": "reviewer", "region": "211400", "active": "on"})
    admin.post(reverse("portal:account_edit", args=[own.pk]), {"role": "admin"})
    own.refresh_from_db()
    assert own.is_active and own.account.role == "admin" and own.is_superuser
    # every change in the audit log: who, when, what
    events = list(AuditEvent.objects.filter(username="admin", action__in=["account_create", "account_change", "password"])
                  .order_by("id").values_list("action", "detail"))
    assert [a for a, _ in events] == ["account_create", "account_create", "account_create", "account_change", "account_change",
                                      "account_change", "password"]
    assert "refused" in events[0][1] and "refused" in events[1][1]
    assert events[2][1] == "account xc_wjw: role filler, region 211481, department 卫健委"
    assert "role filler → reviewer" in events[3][1] and "department 卫健委 → —" in events[3][1] and "name 兴城市卫健委 → 兴城市统计局" in events[3][1]
    assert events[4][1] == "account xc_wjw: active True → False" and events[5][1] == "account xc_wjw: active False → True"
    assert "Xin-mima" not in " ".join(d for _, d in events)  # never the password
    assert all(e.at is not None and e.address == "127.0.0.1" for e in AuditEvent.objects.filter(username="admin", action="account_change"))


def test_admin_opens_and_closes_a_year_the_fillers_follow(users, collection):
    admin = _client(users["admin"])
    filler = _client(users["suizhong_health"])
    assert 'id="task-2025"' not in filler.get(reverse("portal:tasks")).content.decode()
    assert admin.get(reverse("portal:years")).status_code == 200
    admin.post(reverse("portal:year_open"), {"plan": "huludao-2021-2030", "year": "2019", "due": "2020-03-31"})
    assert not Collection.objects.filter(year=2019).exists()  # before the plan's baseline year
    admin.post(reverse("portal:year_open"), {"plan": "huludao-2021-2030", "year": "2025", "due": "2026-03-31", "note": "年报"})
    opened = Collection.objects.get(year=2025)
    assert (opened.plan, opened.due.isoformat(), opened.open) == ("huludao-2021-2030", "2026-03-31", True)
    tasks = filler.get(reverse("portal:tasks")).content.decode()
    assert 'id="task-2025"' in tasks and "2026-03-31" in tasks and 'id="task-2024"' in tasks
    admin.post(reverse("portal:year_open"), {"plan": "huludao-2021-2030", "year": "2025", "due": "2026-04-30"})  # a later due date
    opened.refresh_from_db()
    assert opened.due.isoformat() == "2026-04-30" and Collection.objects.filter(year=2025).count() == 1
    # closed: no longer among the tasks, no upload; the board still shows it
    assert admin.post(reverse("portal:year_close", args=[collection.pk])).status_code == 302
    collection.refresh_from_db()
    assert not collection.open
    tasks = filler.get(reverse("portal:tasks")).content.decode()
    assert 'id="task-2024"' not in tasks and 'id="task-2025"' in tasks
    from django.core.files.uploadedfile import SimpleUploadedFile

    closed = filler.post(reverse("portal:upload", args=[collection.pk]), {"file": SimpleUploadedFile("a.csv", b"region,year\n")})
    assert closed.status_code == 403 and not Submission.objects.exists()
    board = _client(users["city_reviewer"]).get(reverse("portal:board") + f"?collection={collection.pk}").content.decode()
    assert 'id="closed"' in board and 'id="count-not_started"' in board
    actions = list(AuditEvent.objects.filter(username="admin").exclude(action="login").order_by("id").values_list("action", "detail"))
    assert actions == [("year_open", "refused: huludao-2021-2030 的数据年份应在2020—2030年之间 / a year of huludao-2021-2030 is between "
                                     "2020 and 2030 (got 2019)"),
                       ("year_open", "huludao-2021-2030 2025: opened, due 2026-03-31 (年报)"),
                       ("year_open", "huludao-2021-2030 2025: open, due 2026-03-31 → open, due 2026-04-30"),
                       ("year_close", f"huludao-2021-2030 2024: closed (due {collection.due:%Y-%m-%d})")]


def test_admin_chooses_the_plans_and_each_plan_has_its_own_years(users, collection, workbooks):
    admin = _client(users["admin"])
    page = admin.get(reverse("portal:years")).content.decode()
    assert 'id="drop-huludao-2021-2030"' in page and 'id="add-qingcheng-2021-2030"' in page
    # a year only for a plan the portal collects for
    admin.post(reverse("portal:year_open"), {"plan": "qingcheng-2021-2030", "year": "2024", "due": "2025-03-31"})
    assert not Collection.objects.filter(plan="qingcheng-2021-2030").exists()
    admin.post(reverse("portal:plan_choose"), {"plan": "qingcheng-2021-2030", "active": "1"})
    assert set(PortalPlan.objects.filter(active=True).values_list("plan_id", flat=True)) == {"huludao-2021-2030", "qingcheng-2021-2030"}
    # 清城区's accounts, once the plan is collected for
    qingcheng = create_account("qc_wjw", PASSWORD, "filler", "441802", "卫健委")
    qc_reviewer = create_account("qc_tjj", PASSWORD, "reviewer", "441802")
    admin.post(reverse("portal:year_open"), {"plan": "qingcheng-2021-2030", "year": "2024", "due": "2025-03-31"})
    other = Collection.objects.get(plan="qingcheng-2021-2030", year=2024)
    # each filler sees its own plan's year; the header names both plans
    qc_tasks = _client(qingcheng).get(reverse("portal:tasks")).content.decode()
    assert "清远市清城区妇女发展规划" in qc_tasks and "清城区" in qc_tasks and qc_tasks.count('id="task-2024"') == 1
    assert reverse("portal:upload", args=[other.pk]) in qc_tasks and reverse("portal:upload", args=[collection.pk]) not in qc_tasks
    hld_tasks = _client(users["suizhong_health"]).get(reverse("portal:tasks")).content.decode()
    assert reverse("portal:upload", args=[collection.pk]) in hld_tasks and reverse("portal:upload", args=[other.pk]) not in hld_tasks
    # another plan's year by its id: not found for the filler, refused as an upload
    suizhong = _client(users["suizhong_health"])
    assert suizhong.get(reverse("portal:template", args=[other.pk])).status_code == 404
    assert _upload(suizhong, other, workbooks["good"]).status_code == 404 and not Submission.objects.exists()
    template = _client(qingcheng).get(reverse("portal:template", args=[other.pk]))
    assert template.status_code == 200
    # the board of 清城区's year: its departments and its region only
    board = _client(qc_reviewer).get(reverse("portal:board") + f"?collection={other.pk}").content.decode()
    assert 'id="cell-卫健委-441802"' in board and "211421" not in board
    office = _client(users["office"]).get(reverse("portal:board") + f"?collection={other.pk}").content.decode()
    assert 'id="cell-卫健委-441802"' in office and 'id="cell-卫健委-211400"' not in office
    assert "绥中县" not in _client(users["suizhong_reviewer"]).get(reverse("portal:board") + f"?collection={other.pk}").content.decode().split('id="board"')[1]
    # a plan with an open year is not dropped; closed, it is, and its year leaves the tasks and the board
    admin.post(reverse("portal:plan_choose"), {"plan": "qingcheng-2021-2030", "active": "0"})
    assert PortalPlan.objects.get(plan_id="qingcheng-2021-2030").active
    admin.post(reverse("portal:year_close", args=[other.pk]))
    admin.post(reverse("portal:plan_choose"), {"plan": "qingcheng-2021-2030", "active": "0"})
    assert not PortalPlan.objects.get(plan_id="qingcheng-2021-2030").active
    assert 'id="task-2024"' not in _client(qingcheng).get(reverse("portal:tasks")).content.decode()
    assert _client(users["office"]).get(reverse("portal:board") + f"?collection={other.pk}").content.decode().count("441802") == 0
    # the last plan is kept
    admin.post(reverse("portal:year_close", args=[collection.pk]))
    admin.post(reverse("portal:plan_choose"), {"plan": "huludao-2021-2030", "active": "0"})
    assert PortalPlan.objects.get(plan_id="huludao-2021-2030").active
    details = list(AuditEvent.objects.filter(username="admin", action__in=["plan_add", "plan_drop"]).order_by("id").values_list("action", "detail"))
    assert details == [("plan_add", "plan qingcheng-2021-2030: collected for; plans now huludao-2021-2030, qingcheng-2021-2030"),
                       ("plan_drop", "plan qingcheng-2021-2030: no longer collected for; plans now huludao-2021-2030")]


def test_admin_pages_refuse_forms_without_the_csrf_token(users, collection):
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(users["admin"])
    target = users["suizhong_health"]
    for name, args, data in [("portal:account_new", [], ADMIN_POSTS["portal:account_new"]),
                             ("portal:account_edit", [target.pk], ADMIN_POSTS["portal:account_edit"]),
                             ("portal:account_password", [target.pk], ADMIN_POSTS["portal:account_password"]),
                             ("portal:plan_choose", [], ADMIN_POSTS["portal:plan_choose"]),
                             ("portal:year_open", [], ADMIN_POSTS["portal:year_open"]),
                             ("portal:year_close", [collection.pk], {})]:
        assert admin.post(reverse(name, args=args), data).status_code == 403, name
    collection.refresh_from_db()
    target.refresh_from_db()
    assert collection.open and Collection.objects.count() == 1 and not PortalPlan.objects.exists()
    assert target.account.role == "filler" and target.check_password(PASSWORD)
    page = admin.get(reverse("portal:years")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    opened = admin.post(reverse("portal:year_open"), {**ADMIN_POSTS["portal:year_open"], "csrfmiddlewaretoken": token})
    assert opened.status_code == 302 and Collection.objects.filter(year=2025).exists()


def test_an_unknown_account_or_year_is_not_found_for_the_administrator(users, collection):
    admin = _client(users["admin"])
    for name in ("portal:account_edit", "portal:account_password"):
        assert admin.get(reverse(name, args=[999_999])).status_code == 404
        assert admin.post(reverse(name, args=[999_999]), ADMIN_POSTS[name]).status_code == 404
    assert admin.post(reverse("portal:year_close", args=[999_999])).status_code == 404
    assert admin.post(reverse("portal:plan_choose"), {"plan": "../../etc/passwd", "active": "1"}).status_code == 302
    assert not PortalPlan.objects.exists()  # not a bundled plan: refused by the form


def test_an_existing_portal_database_is_upgraded_to_plans_per_year(tmp_path):
    """Collections made before a year belonged to a plan become the started plan's."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WDMONITOR_PORTAL", "DJANGO"))}
    environment.update(WDMONITOR_PORTAL_SECRET_KEY="k" * 50, WDMONITOR_PORTAL_PLAN="qingcheng-2021-2030")
    script = ("import sys; from pathlib import Path; from wdmonitor.portal.setup import configure; configure(sys.argv[1]); "
              "Path(sys.argv[1]).mkdir(); from django.core.management import call_command; from django.db import connection; "
              "call_command('migrate', 'portal', '0001', verbosity=0); "
              "connection.cursor().execute(\"insert into portal_collection (year, due, open, note) values (2023, '2024-03-31', 1, '')\"); "
              "call_command('migrate', verbosity=0); from wdmonitor.portal.models import Collection; "
              "print(list(Collection.objects.values_list('plan', 'year', 'open')))")
    upgraded = subprocess.run([sys.executable, "-c", script, str(tmp_path / "old")], env=environment, capture_output=True, text=True,
                              timeout=120)
    assert upgraded.stdout.strip() == "[('qingcheng-2021-2030', 2023, True)]", upgraded.stderr


def test_django_admin_is_read_only(users, collection):
    admin = _client(users["admin"])
    assert admin.get(reverse("admin:portal_collection_changelist")).status_code == 200
    assert admin.get(reverse("admin:portal_collection_add")).status_code == 403
    changed = admin.post(reverse("admin:portal_collection_change", args=[collection.pk]),
                         {"plan": "huludao-2021-2030", "year": 2024, "due": "2020-01-01", "open": "on"})
    assert changed.status_code == 403
    target = users["suizhong_health"]
    assert admin.post(reverse("admin:auth_user_change", args=[target.pk]), {"username": "renamed"}).status_code == 403
    assert admin.get(reverse("admin:auth_user_add")).status_code == 403
    collection.refresh_from_db()
    target.refresh_from_db()
    assert collection.due != timezone.localdate().replace(year=2020, month=1, day=1) and target.username == "suizhong_health"


# -- every route as the wrong user -----------------------------------------------------------------------
@pytest.fixture
def world(users, collection, workbooks):
    """A submitted 绥中县 卫健委 submission, a submitted 连山区 one and an output of 连山区."""
    suizhong = _submitted(users, collection, workbooks)
    lianshan_book = workbooks["lianshan"]
    lianshan = _submitted(users, collection, {"good": lianshan_book}, who="lianshan_health")
    _client(users["lianshan_reviewer"]).post(reverse("portal:accept", args=[lianshan.pk]))
    _client(users["lianshan_reviewer"]).post(reverse("portal:run"), {"kind": "warnings", "collection": collection.pk, "lang": "zh"})
    lianshan.refresh_from_db()
    return {"suizhong": suizhong, "lianshan": lianshan, "output": Output.objects.get(), "collection": collection,
            "account": users["suizhong_health"]}


#: (route name, method, arguments from the world, the roles allowed)
ROUTES = [
    ("portal:tasks", "get", [], {"filler"}),
    ("portal:template", "get", ["collection"], {"filler"}),
    ("portal:upload", "post", ["collection"], {"filler"}),
    ("portal:submissions", "get", [], {"filler", "reviewer", "admin"}),
    ("portal:submission", "get", ["suizhong"], {"filler", "reviewer", "admin"}),
    ("portal:submission_file", "get", ["suizhong"], {"filler", "reviewer", "admin"}),
    ("portal:submission_report", "get", ["suizhong"], {"filler", "reviewer", "admin"}),
    ("portal:submit", "post", ["suizhong"], {"filler"}),
    ("portal:accept", "post", ["suizhong"], {"reviewer"}),
    ("portal:return", "post", ["suizhong"], {"reviewer"}),
    ("portal:board", "get", [], {"reviewer", "office", "admin"}),
    ("portal:outputs", "get", [], {"reviewer", "office", "admin"}),
    ("portal:run", "post", [], {"reviewer"}),
    ("portal:output_file", "get", ["output", "xlsx"], {"reviewer", "office", "admin"}),
    ("portal:audit", "get", [], {"admin"}),
    ("portal:accounts", "get", [], {"admin"}),
    ("portal:account_new", "get", [], {"admin"}),
    ("portal:account_new", "post", [], {"admin"}),
    ("portal:account_edit", "get", ["account"], {"admin"}),
    ("portal:account_edit", "post", ["account"], {"admin"}),
    ("portal:account_password", "get", ["account"], {"admin"}),
    ("portal:account_password", "post", ["account"], {"admin"}),
    ("portal:years", "get", [], {"admin"}),
    ("portal:plan_choose", "post", [], {"admin"}),
    ("portal:year_open", "post", [], {"admin"}),
    ("portal:year_close", "post", ["collection"], {"admin"}),
]
#: What a wrong role's POST to an administrator's route would change, were it not refused.
ADMIN_POSTS = {
    "portal:account_new": {"username": "intruder", "password1": PASSWORD, "password2": PASSWORD, "role": "admin"},
    "portal:account_edit": {"role": "admin", "region": "", "department": "", "active": "on"},
    "portal:account_password": {"new_password1": "Zhe-shi-xin-mima-2025", "new_password2": "Zhe-shi-xin-mima-2025"},
    "portal:plan_choose": {"plan": "qingcheng-2021-2030", "active": "1"},
    "portal:year_open": {"plan": "huludao-2021-2030", "year": "2025", "due": "2026-03-31"},
}
ROLES = {"lianshan_health": "filler", "suizhong_education": "filler", "lianshan_reviewer": "reviewer",
         "suizhong_reviewer": "reviewer", "office": "office", "admin": "admin"}


def _url(name: str, arguments: list[str], world: dict) -> str:
    values = [world[a].pk if a in world else a for a in arguments]
    return reverse(name, args=values)


def test_every_route_needs_a_login(world):
    client = Client()
    for name, method, arguments, _allowed in ROUTES:
        response = getattr(client, method)(_url(name, arguments, world))
        assert response.status_code == 302 and response.url.startswith(reverse("portal:login")), name
    assert client.get(reverse("admin:index")).status_code == 302


def test_every_route_refuses_the_wrong_role(users, world):
    refused = 0
    for username, role in ROLES.items():
        client = _client(users[username])
        for name, method, arguments, allowed in ROUTES:
            if role in allowed:
                continue
            response = getattr(client, method)(_url(name, arguments, world), ADMIN_POSTS.get(name, {}))
            assert response.status_code == 403, (username, name, response.status_code)
            refused += 1
    assert refused > 80
    assert AuditEvent.objects.filter(action="denied").count() == refused
    # the administrator's routes changed nothing for a filler, a reviewer or the committee office
    from django.contrib.auth import get_user_model

    world["collection"].refresh_from_db()
    assert world["collection"].open and Collection.objects.count() == 1 and not PortalPlan.objects.exists()
    assert not get_user_model().objects.filter(username="intruder").exists()
    target = get_user_model().objects.get(username="suizhong_health")
    assert target.account.role == "filler" and not target.is_staff and target.check_password(PASSWORD)
    for username in ("lianshan_health", "suizhong_reviewer", "office"):
        assert _client(users[username]).get(reverse("admin:index")).status_code == 302  # not staff: to the admin login


def test_another_departments_or_regions_submission_is_not_found(users, world, workbooks):
    """Changing the id in the URL: the other 卫健委 (连山区), the same county's 教育局, the 连山区 reviewer
    and the 绥中县 reviewer on 连山区's submission all get 404, and nothing changes."""
    suizhong, lianshan = world["suizhong"], world["lianshan"]
    cases = [("lianshan_health", suizhong), ("suizhong_education", suizhong), ("lianshan_reviewer", suizhong),
             ("suizhong_reviewer", lianshan), ("suizhong_health", lianshan)]
    for username, target in cases:
        client = _client(users[username])
        for name in ("portal:submission", "portal:submission_file", "portal:submission_report"):
            assert client.get(reverse(name, args=[target.pk])).status_code == 404, (username, name)
        for name in ("portal:submit", "portal:accept", "portal:return"):
            response = client.post(reverse(name, args=[target.pk]), {"comment": "改"})
            assert response.status_code in (403, 404), (username, name)
    suizhong.refresh_from_db()
    lianshan.refresh_from_db()
    assert (suizhong.status, lianshan.status) == (Status.SUBMITTED, Status.ACCEPTED)
    # the 绥中县 reviewer may not download 连山区's output; an unknown id or format is not found either
    reviewer = _client(users["suizhong_reviewer"])
    assert reviewer.get(reverse("portal:output_file", args=[world["output"].pk, "xlsx"])).status_code == 404
    city = _client(users["city_reviewer"])
    assert city.get(reverse("portal:output_file", args=[world["output"].pk, "xlsx"])).status_code == 200
    assert city.get(reverse("portal:output_file", args=[world["output"].pk, "exe"])).status_code == 404
    assert city.get(reverse("portal:submission", args=[999_999])).status_code == 404
    # lists show only what is the account's
    listing = _client(users["suizhong_health"]).get(reverse("portal:submissions")).content.decode()
    assert "连山区.xlsx" not in listing and "卫健委2024_绥中县_修改.xlsx" in listing
    assert "连山区" not in reviewer.get(reverse("portal:outputs")).content.decode().split('id="outputs"')[1]
    # an upload to a collection id that does not exist
    assert _upload(_client(users["suizhong_health"]), Collection(pk=999), workbooks["good"]).status_code == 404


def test_a_user_without_a_role_may_do_nothing(world):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
    client = _client(nobody)
    assert client.get(reverse("portal:home")).status_code == 403
    for name, method, arguments, _allowed in ROUTES:
        assert getattr(client, method)(_url(name, arguments, world)).status_code == 403, name


# -- the command line ---------------------------------------------------------------------------------
def _run(*args: str, env: dict | None = None, **kwargs):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WDMONITOR_PORTAL", "DJANGO"))}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "wdmonitor", *args], capture_output=True, text=True, env=environment,
                          stdin=subprocess.DEVNULL, timeout=120, **kwargs)


@pytest.mark.slow
def test_portal_admin_creates_the_first_administrator_without_a_default_password(tmp_path):
    data = tmp_path / "portal"
    refused = _run("portal-admin", "create", "--username", "chief", "--data", str(data))
    assert refused.returncode == 2 and "WDMONITOR_PORTAL_ADMIN_PASSWORD" in refused.stderr
    weak = _run("portal-admin", "create", "--username", "chief", "--data", str(data), env={"WDMONITOR_PORTAL_ADMIN_PASSWORD": "12345678"})
    assert weak.returncode == 2 and "password is refused" in weak.stderr
    made = _run("portal-admin", "create", "--username", "chief", "--data", str(data), env={"WDMONITOR_PORTAL_ADMIN_PASSWORD": PASSWORD})
    assert made.returncode == 0, made.stderr
    assert (data / "portal.sqlite3").exists() and oct((data / "secret_key").stat().st_mode & 0o777) == "0o600"
    bad_region = _run("portal-admin", "create", "--username", "x", "--role", "filler", "--region", "999999", "--department", "卫健委",
                      "--data", str(data), env={"WDMONITOR_PORTAL_ADMIN_PASSWORD": PASSWORD})
    assert bad_region.returncode == 2 and "region must be a region of the plan" in bad_region.stderr


@pytest.mark.slow
def test_serve_starts_the_portal(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WDMONITOR_PORTAL", "DJANGO"))}
    environment["WDMONITOR_PORTAL_ADMIN_PASSWORD"] = PASSWORD
    server = subprocess.Popen([sys.executable, "-m", "wdmonitor", "serve", "--plan", "huludao-2021-2030", "--data", str(tmp_path / "p"),
                               "--port", str(port), "--create-admin", "chief"], env=environment, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline, page = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.3)
        assert "监测数据网上报送系统" in page, server.stderr.read1().decode() if server.poll() is not None else "no page"
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (tmp_path / "p" / "portal.sqlite3").exists()
    unknown = _run("serve", "--plan", "no-such-plan", "--data", str(tmp_path / "q"))
    assert unknown.returncode == 2 and not (tmp_path / "q").exists()
