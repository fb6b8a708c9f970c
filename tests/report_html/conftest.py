"""Fixtures for the HTML report browser tests: real `mqttbed run`s and a headless Chromium.

The binary comes from $MQTTBED_BINARY (set by ctest), else build/mqttbed at the top."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]


def mqttbed_binary():
    return os.environ.get("MQTTBED_BINARY", str(ROOT / "build" / "mqttbed"))


class Run:
    """One `mqttbed run` of scenarios/default.yaml: its folder, report.json and page."""

    def __init__(self, out_dir, returncode, stdout):
        self.out_dir = pathlib.Path(out_dir)
        self.returncode = returncode
        self.stdout = stdout
        self.report = json.loads((self.out_dir / "report.json").read_text())
        self.html = self.out_dir / "report.html"


def mqttbed_run(out_dir, *extra):
    args = [mqttbed_binary(), "run", str(ROOT / "scenarios" / "default.yaml"), "--quiet",
            "--out", str(out_dir), *extra]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return Run(out_dir, done.returncode, done.stdout)


@pytest.fixture(scope="session")
def workdir():
    path = pathlib.Path(tempfile.mkdtemp(prefix="mqttbed-report-html-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def passing_run(workdir):
    return mqttbed_run(workdir / "pass")


@pytest.fixture(scope="session")
def failing_run(workdir):
    # The broker model swaps consecutive messages of a publisher: ordering must fail.
    # (skip_will would only show where the scenario fires a will; default.yaml's 10 s
    # partition is shorter than 1.5 x keepalive, so none fires.)
    return mqttbed_run(workdir / "reorder", "--broker-mutation", "reorder")


@pytest.fixture(scope="session")
def browser(workdir):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,2000",
                 f"--user-data-dir={workdir / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    yield driver
    driver.quit()


@pytest.fixture
def open_page(browser):
    """Loads a page and returns the browser's console errors raised while it rendered."""

    def load(path):
        browser.get_log("browser")  # drop what earlier pages logged
        browser.get(pathlib.Path(path).resolve().as_uri())
        rendered = browser.execute_script("return document.body.getAttribute('data-rendered')")
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        return rendered, errors

    return load
