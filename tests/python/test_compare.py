"""mqttbed.compare() and examples/compare_polling.py, on small fleets."""
import json
import subprocess
import sys

import pytest

import mqttbed
from conftest import DEFAULT, ROOT


def test_compare_returns_a_row_per_transport_matching_report_json(tmp_path):
    result = mqttbed.compare(DEFAULT, ["mqtt", "http-poll:30s", "http2-poll:30s:queue"],
                             out_dir=tmp_path / "cmp")
    assert [r["transport"] for r in result.rows] == ["mqtt", "http-poll:30s",
                                                      "http2-poll:30s:queue"]
    report = json.loads((tmp_path / "cmp" / "report.json").read_text())
    assert result.report == report
    for row, transport in zip(result.rows, report["transports"]):
        assert row["bytes_per_device_day"] == transport["all_devices_per_day"]["total"]
        assert row["command_p50_ms"] == transport["command_latency_ms"]["p50"]
    mqtt, poll, queued = result.rows
    assert mqtt["checkers_judged"] > 0 and poll["checkers_judged"] == 0
    assert poll["command_p50_ms"] > mqtt["command_p50_ms"]
    assert queued["superseded"] == 0
    kinds = {(k["transport"], k["kind"]) for k in result.kind_rows}
    assert ("mqtt", "light") in kinds and ("http-poll:30s", "app") in kinds
    assert all(isinstance(v, (int, float, str, bool)) for r in result.kind_rows for v in r.values())
    assert (tmp_path / "cmp" / "report.html").exists()


def test_bad_transport_list_raises_value_error_with_column(tmp_path):
    with pytest.raises(ValueError, match=r"transports:6: unknown transport 'smtp'"):
        mqttbed.compare(DEFAULT, "mqtt,smtp", out_dir=tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


def test_polling_example_writes_a_png_and_its_rows(tmp_path):
    png, points = tmp_path / "polling.png", tmp_path / "polling.json"
    subprocess.run([sys.executable, str(ROOT / "examples" / "compare_polling.py"),
                    "--scenario", str(DEFAULT), "--homes", "3", "--periods", "10s", "1m",
                    "--png", str(png), "--json", str(points)], check=True, capture_output=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = json.loads(points.read_text())["rows"]
    assert [r["transport"] for r in rows] == ["mqtt", "mqtt-tls", "https-poll:10s",
                                              "https-poll:1m", "http2-poll:10s", "http2-poll:1m"]
    # A longer period buys a longer wait for commands.
    by_name = {r["transport"]: r for r in rows}
    assert by_name["https-poll:1m"]["command_p50_ms"] > by_name["https-poll:10s"]["command_p50_ms"]
