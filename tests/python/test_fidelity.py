"""tests/live/fidelity.py on a small version of its scenario: simulation and a live run
against mosquitto (latency emulated by the fault proxy) give the same verdict for every
guarantee. The latency numbers are reported, never asserted (no timing goals in tests)."""
import sys

import mqttbed
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "live"))
import fidelity  # noqa: E402


def test_small_fidelity_run_gives_the_same_verdicts(tmp_path):
    scenario = mqttbed.Scenario.load(fidelity.DEFAULT_SCENARIO)
    scenario.set("fleet.homes", 2).set("duration", "12s").set("settle", "6s")
    sim, live, version = fidelity.run_both(scenario, tmp_path)
    table = fidelity.markdown(sim, live, "fidelity.yaml (small)", "pytest", version)
    print(table)
    assert sim.broker is None and live.broker.startswith("tcp://127.0.0.1:")
    assert fidelity.verdicts_agree(sim, live), table
    assert [v.guarantee for v in sim.verdicts] == [v.guarantee for v in live.verdicts]
    for group in ("qos0", "qos1", "qos2"):
        assert sim.metrics.latency(group).count > 0, group
        assert live.metrics.latency(group).count > 0, group
        assert f"| {group} |" in table
