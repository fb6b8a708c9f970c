"""examples/sweep.py, tiny: two loss levels, one small fleet, one seed."""
import json
import subprocess
import sys

from conftest import ROOT


def test_tiny_sweep_writes_a_png_and_its_points(tmp_path):
    png, points = tmp_path / "sweep.png", tmp_path / "sweep.json"
    subprocess.run([sys.executable, str(ROOT / "examples" / "sweep.py"), "--losses", "0", "0.05",
                    "--homes", "3", "--seeds", "1", "--jobs", "2",
                    "--png", str(png), "--json", str(points)], check=True, capture_output=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = json.loads(points.read_text())
    assert [(r["loss"], r["homes"], r["seed"]) for r in rows] == [(0.0, 3, 1), (0.05, 3, 1)]
    assert all(r["p99_qos1_s"] is not None and r["p99_qos1_s"] > 0 for r in rows)
    assert all(isinstance(r["wills_fired"], int) for r in rows)
