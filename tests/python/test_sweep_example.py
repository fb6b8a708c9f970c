"""examples/sweep.py, tiny: two loss levels, one small fleet, one seed."""
import json
import subprocess
import sys

from conftest import ROOT


def test_tiny_sweep_writes_a_png_and_its_points_with_faults_removed(tmp_path):
    png, points = tmp_path / "sweep.png", tmp_path / "sweep.json"
    subprocess.run([sys.executable, str(ROOT / "examples" / "sweep.py"), "--losses", "0", "0.05",
                    "--homes", "3", "--seeds", "1", "--jobs", "2",
                    "--png", str(png), "--json", str(points)], check=True, capture_output=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    written = json.loads(points.read_text())
    rows = written["points"]
    assert [(r["loss"], r["homes"], r["seed"]) for r in rows] == [(0.0, 3, 1), (0.05, 3, 1)]
    assert all(r["p99_qos1_s"] is not None and r["p50_qos1_s"] <= r["p99_qos1_s"] for r in rows)
    # Only the loss varies: default.yaml's targeted faults are gone, and the caption says so.
    assert all(r["faults"] == 0 for r in rows)
    assert "no scheduled faults" in written["held_fixed"]
    assert "3 homes" in written["held_fixed"] and "Varied: uplink loss only" in written["held_fixed"]
