"""The comparison page of `mqttbed compare`, as a browser shows it: one row, one CDF line
and one pair of byte bars per transport, the claims table, no console errors."""
import json
import subprocess

import pytest

from conftest import ROOT, mqttbed_binary

TRANSPORTS = ["mqtt", "mqtt-tls", "mqtt-ws", "http-poll:30s", "http-long-poll", "http2-poll:30s"]


@pytest.fixture(scope="module")
def comparison(workdir):
    out = workdir / "compare"
    subprocess.run([mqttbed_binary(), "compare", str(ROOT / "scenarios" / "default.yaml"),
                    "--transports", ",".join(TRANSPORTS), "--out", str(out)],
                   check=True, capture_output=True)
    return out, json.loads((out / "report.json").read_text())


def test_compare_page_renders_every_transport(comparison, open_page, browser):
    out, report = comparison
    rendered, errors = open_page(out / "report.html")
    assert errors == []
    assert rendered == "true"
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#summary tr')).slice(1)"
        ".map(r => r.cells[0].textContent);")
    assert rows == TRANSPORTS
    # One CDF line per transport, with the report's points, inside the chart.
    lines = browser.execute_script(
        "const svg = document.getElementById('latency-cdf'); const box = svg.getBBox();"
        "return Array.from(svg.querySelectorAll('polyline.cdf')).map(p => ({"
        "  name: p.dataset.transport, points: p.points.length,"
        "  width: p.getBBox().width, inside: p.getBBox().x >= 0}));")
    assert [line["name"] for line in lines] == TRANSPORTS
    for line, transport in zip(lines, report["transports"]):
        assert line["points"] == len(transport["command_latency_ms"]["cdf"])
        assert line["inside"]
    # Polling's line reaches further right (later) than push's.
    widths = {line["name"]: line["width"] for line in lines}
    assert widths["http-poll:30s"] > widths["mqtt"]
    # Payload and overhead bars for each transport, the overhead's width in proportion.
    bars = browser.execute_script(
        "return Array.from(document.querySelectorAll('#bytes-chart rect[width]'))"
        ".filter(r => r.querySelector('title')).map(r => r.getBBox().width);")
    assert len(bars) == 2 * len(TRANSPORTS)
    claims = browser.execute_script(
        "return document.querySelectorAll('#claims tr').length - 1;")
    assert claims == len(report["claims"]) > 0
