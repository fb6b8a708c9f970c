"""Shared fixtures of the Python package tests: paths and one finished run to inspect.

`mqttbed` is imported from PYTHONPATH (ctest points it at <build>/python)."""
import json
import os
import subprocess
import pathlib

import pytest

import mqttbed

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "default.yaml"


def mqttbed_binary():
    return os.environ.get("MQTTBED_BINARY", str(ROOT / "build" / "mqttbed"))


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """scenarios/default.yaml run once, with its history kept and progress recorded."""
    progress = []
    out = tmp_path_factory.mktemp("default") / "run"
    result = mqttbed.run(DEFAULT, out_dir=out, history=True, on_progress=progress.append)
    return result, progress


def assert_passed_with_files(result):
    """A passing run: every verdict passed, report.json, report.html and no partial files."""
    assert result.passed, result.summary_text
    assert result.verdicts and all(v.passed for v in result.verdicts)
    assert json.loads(result.report_path.read_text()) == result.json
    assert result.html_path.exists() and "mqttbed-run" in result.html_path.read_text()
    assert not list(result.out_dir.parent.glob(".*partial*"))


def assert_progress_in_order(result, progress):
    """Progress reports came, in time order, each against the run's planned end."""
    assert progress, "the progress callback was never called"
    times = [p.now_s for p in progress]
    assert times == sorted(times)
    end = result.scenario["duration_s"] + result.scenario["settle_s"]
    assert all(p.end_s == pytest.approx(end) for p in progress)
    assert 0 < progress[-1].fraction <= 1


def record_children(monkeypatch):
    """From now on, every subprocess.Popen (the run's child among them) is appended to the
    returned list."""
    children = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    return children
