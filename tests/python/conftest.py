"""Shared fixtures of the Python package tests: paths and one finished run to inspect.

`mqttbed` is imported from PYTHONPATH (ctest points it at <build>/python)."""
import os
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
