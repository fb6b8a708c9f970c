"""examples/broker_matrix.py: the built-in model, its reorder-bug twin and (when installed)
a live mosquitto, one table of which guarantees each kept."""
import json
import shutil
import subprocess
import sys

from conftest import ROOT


def test_matrix_prints_which_guarantees_each_broker_kept(tmp_path):
    brokers = ["builtin", "builtin-reorder"] + (["mosquitto"] if shutil.which("mosquitto") else [])
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "broker_matrix.py"),
                           "--brokers", *brokers, "--json", str(tmp_path / "m.json")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    matrix = json.loads((tmp_path / "m.json").read_text())
    assert list(matrix) == brokers
    assert all(matrix["builtin"].values())  # the model keeps every guarantee
    assert matrix["builtin-reorder"]["ordering"] is False
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["guarantee", *brokers]
    ordering = next(line for line in lines if line.startswith("ordering"))
    assert ordering.split()[1] == "kept" and ordering.split()[2] == "BROKEN"
    if "mosquitto" in brokers:
        # mosquitto keeps these on a clean network (docs/matrix.md).
        assert matrix["mosquitto"]["qos1"] and matrix["mosquitto"]["ordering"]
