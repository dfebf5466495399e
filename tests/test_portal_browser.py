"""The 监测数据网上报送系统 in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium through the administrator's, the filler's and the reviewer's paths, with screenshots.

The administrator opens the year's collection with its due date; the filler logs in, downloads the template, uploads a real-layout 统计报表 workbook
(:mod:`wdmonitor.layouts_sample`) with a negative rate, reads the report on the page, uploads the
fixed workbook and submits it; the reviewer finds it on the 报送进度 board, accepts it, sees the
board change, runs the evaluation and downloads its workbook. Screenshots are saved under the
test's temporary folder; with ``WDMONITOR_PORTAL_SCREENSHOTS=docs/images`` they are also copied
there as ``portal-*.png`` for ``docs/portal.md``
(``WDMONITOR_PORTAL_SCREENSHOTS=docs/images .venv/bin/python -m pytest tests/test_portal_browser.py``).

Outside CI the test is skipped when chromium or chromedriver is missing; with ``CI=true`` it runs.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("django")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if os.environ.get("CI") != "true" and not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("headless Chromium needs Debian's chromium and chromium-driver (.ci/run installs them)", allow_module_level=True)
os.environ.setdefault("WDMONITOR_PORTAL_SECRET_KEY", secrets.token_urlsafe(50))
from wdmonitor.portal.setup import configure  # noqa: E402

configure()

import pandas as pd  # noqa: E402
from django.utils import timezone  # noqa: E402

from wdmonitor import layouts_sample, load_plan  # noqa: E402
from wdmonitor.portal.models import Collection, Output, Status, Submission  # noqa: E402
from wdmonitor.portal.setup import create_account  # noqa: E402

PASSWORD = "Bao-song-2024-xitong"
PLAN = load_plan("huludao-2021-2030")


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                     "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False,
                                              "intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER or "chromedriver"), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(5)
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture
def portal(settings, tmp_path):
    settings.WDMONITOR_PORTAL = {**settings.WDMONITOR_PORTAL, "data": tmp_path / "portal",
                                 "store": str(tmp_path / "portal" / "store.sqlite")}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    create_account("suizhong_health", PASSWORD, "filler", "211421", "卫健委")
    create_account("city_reviewer", PASSWORD, "reviewer", "211400")
    create_account("chief", PASSWORD, "admin")
    return timezone.localdate() + timedelta(days=20)  # the due date the administrator gives the year


def _workbooks(folder: Path) -> tuple[Path, Path]:
    from wdmonitor.sample import load_sample

    sample = load_sample()
    health = ["maternal_mortality_ratio", "maternal_systematic_management_rate", "cervical_cancer_screening_rate",
              "breast_cancer_screening_rate"]
    rows = sample[(sample["year"] == 2024) & (sample["area_type"] == "total") & (sample["region"] == "211421")
                  & sample["indicator"].isin(health)][["region", "year", "indicator", "sex", "value"]].reset_index(drop=True)
    bad = rows.copy()
    bad.loc[bad["indicator"] == "maternal_systematic_management_rate", "value"] = -95.1
    return (layouts_sample.indicators_as_rows(bad, PLAN, folder / "绥中县卫健委2024.xlsx", department="卫生健康局"),
            layouts_sample.indicators_as_rows(rows, PLAN, folder / "绥中县卫健委2024_修改.xlsx", department="卫生健康局"))


class Shots:
    """Screenshots under the test's folder, copied to WDMONITOR_PORTAL_SCREENSHOTS when it is set."""

    def __init__(self, driver, folder: Path) -> None:
        self.driver, self.folder = driver, folder
        folder.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def __call__(self, name: str) -> Path:
        height = self.driver.execute_script("return Math.min(document.documentElement.scrollHeight, 2400)")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # the whole page, not the window
                                    {"width": 1280, "height": max(600, int(height)), "deviceScaleFactor": 1, "mobile": False})
        path = self.folder / f"portal-{name}.png"
        assert self.driver.save_screenshot(str(path))
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.taken.append(path)
        target = os.environ.get("WDMONITOR_PORTAL_SCREENSHOTS")
        if target:
            shutil.copy(path, Path(target) / path.name)
        return path


def _wait_for_file(folder: Path, suffix: str, timeout: float = 30) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file downloaded into {folder}: {[p.name for p in folder.iterdir()]}")


def _go(driver, by: str, value: str) -> None:
    """Click what leads to another page and wait until that page has replaced this one."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, value).click()

    def replaced(_driver) -> bool:
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:  # Chromium mid-navigation: the old document's node is already gone
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    WebDriverWait(driver, 60).until(replaced)


def _log_in(driver, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    _go(driver, By.ID, "login")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_filler_and_reviewer_paths_in_chromium(browser, live_server, portal, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base = live_server.url
    shots = Shots(browser, tmp_path / "screenshots")
    bad_book, good_book = _workbooks(tmp_path)
    due = portal

    # the administrator opens the 2024 reporting year of the plan, with its due date
    _log_in(browser, base, "chief")
    assert browser.current_url.endswith("/board/")
    _go(browser, By.ID, "nav-years")
    assert "收集中" in browser.find_element(By.ID, "plan-huludao-2021-2030").text
    Select(browser.find_element(By.ID, "id_plan")).select_by_value("huludao-2021-2030")
    browser.find_element(By.ID, "id_year").send_keys("2024")
    browser.find_element(By.ID, "id_due").send_keys(due.strftime("%Y-%m-%d"))
    browser.find_element(By.ID, "id_note").send_keys("年度监测统计")
    _go(browser, By.ID, "open-year")
    assert "开启" in browser.find_element(By.ID, "state-huludao-2021-2030-2024").text
    assert due.strftime("%Y-%m-%d") in browser.find_element(By.ID, "year-huludao-2021-2030-2024").text
    collection = Collection.objects.get(plan="huludao-2021-2030", year=2024)
    assert collection.open and collection.due == due
    shots("years")
    _go(browser, By.ID, "logout")

    # the filler: log in, this year's tasks, the template
    _log_in(browser, base, "suizhong_health")
    assert browser.current_url.endswith("/tasks/")
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "本年度任务" in page and "截止日期" in page and due.strftime("%Y-%m-%d") in page and "年度监测统计" in page
    shots("tasks")
    browser.find_element(By.ID, "template-2024").click()
    template = _wait_for_file(browser.downloads, ".xlsx")
    frame = pd.read_excel(template, sheet_name="数据 data", engine="openpyxl")
    assert set(frame["地区代码 region"].astype(str)) == {"211421"}

    # upload the workbook with a defect: the report at once
    browser.find_element(By.ID, "upload-file-2024").send_keys(str(bad_book))
    _go(browser, By.ID, "upload-2024")
    assert "未通过校验" in browser.find_element(By.ID, "status").text
    layout = browser.find_element(By.ID, "layout").text
    assert "表头在第8、9、10行" in layout and "填报单位" in layout
    errors = browser.find_element(By.ID, "errors").text
    assert "2024年" in errors and "-95.1" in errors and "non_negative" in errors
    assert re.search(r"绥中县卫健委2024\.xlsx，工作表“2024年”，第1\d行，D列（数值）：比率、比例和人数不能为负（实际为-95\.1）", errors)
    shots("report")
    _go(browser, By.ID, "lang-en")
    assert "rates, shares and counts cannot be negative (got -95.1)" in browser.find_element(By.ID, "errors").text
    shots("report-en")
    _go(browser, By.ID, "lang-zh")

    # fix and upload again, then submit
    browser.find_element(By.ID, "reupload").send_keys(str(good_book))
    _go(browser, By.ID, "reupload-button")
    assert "校验通过" in browser.find_element(By.ID, "status").text or "已上传未提交" in browser.find_element(By.ID, "status").text
    _go(browser, By.ID, "submit")
    assert "已提交待审核" in browser.find_element(By.ID, "status").text
    shots("submitted")
    submission = Submission.objects.get(revision=2)
    assert submission.status == Status.SUBMITTED and Submission.objects.get(revision=1).status == Status.REFUSED
    _go(browser, By.ID, "logout")

    # the reviewer: the board, open the submission, accept it
    _log_in(browser, base, "city_reviewer")
    assert browser.current_url.endswith("/board/")
    assert browser.find_element(By.ID, "count-submitted").text == "1"
    shots("board")
    _go(browser, By.CSS_SELECTOR, "#cell-卫健委-211421 a")
    assert "0" in browser.find_element(By.ID, "summary").text
    _go(browser, By.ID, "accept")
    assert "已接收" in browser.find_element(By.ID, "status").text
    _go(browser, By.ID, "nav-board")
    assert browser.find_element(By.ID, "count-accepted").text == "1"
    assert browser.find_element(By.ID, "count-submitted").text == "0"
    shots("board-accepted")

    # run the evaluation and download its workbook
    _go(browser, By.ID, "nav-outputs")
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("evaluation")
    _go(browser, By.ID, "run")
    output = Output.objects.get()
    assert output.kind == "evaluation" and output.region == "211400"
    shots("outputs")
    browser.find_element(By.ID, f"output-{output.pk}-xlsx").click()
    deadline = time.monotonic() + 30
    evaluation = None
    while time.monotonic() < deadline and evaluation is None:
        found = [p for p in browser.downloads.iterdir() if p.name.startswith("评估") and p.suffix == ".xlsx"]
        evaluation = found[0] if found else None
        time.sleep(0.2)
    assert evaluation is not None, [p.name for p in browser.downloads.iterdir()]
    import openpyxl

    sheets = openpyxl.load_workbook(evaluation, read_only=True).sheetnames
    assert len(sheets) > 1
    assert [p.name for p in shots.taken] == ["portal-years.png", "portal-tasks.png", "portal-report.png", "portal-report-en.png", "portal-submitted.png",
                                             "portal-board.png", "portal-board-accepted.png", "portal-outputs.png"]
    assert all(p.stat().st_size > 10_000 for p in shots.taken)
