"""mqttbed.run(..., broker=URL): live runs from Python against a mosquitto of the test's own
(tests/live/mosquitto.py: its own config, a free 127.0.0.1 port, waited for by its log)."""
import signal
import sys
import time

import pytest

import mqttbed
from conftest import ROOT, assert_passed_with_files, assert_progress_in_order, record_children

sys.path.insert(0, str(ROOT / "tests" / "live"))
from mosquitto import Mosquitto, free_port  # noqa: E402

# Small and short: it runs in real time (8 s + 4 s). Two homes (two accounts), so the
# isolation checker has someone to keep apart.
LIVE = {
    "name": "live-py",
    "seed": 2,
    "duration": "8s",
    "settle": "4s",
    "mqtt": {"version": "3.1.1", "keepalive": "5s", "persistent_sessions": True,
             "reconnect": {"min": "1s", "max": "3s"}},
    "fleet": {"homes": 2, "per_home": [
        {"kind": "gateway", "count": 1},
        {"kind": "light", "count": 1, "params": {"report_every": "2s"}},
        {"kind": "sensor", "count": 1, "params": {"every": "1s", "qos": 1}}],
        "per_account": [{"kind": "app", "count": 1, "params": {"command_every": "3s"}}]},
    "checks": ["qos", "ordering", "retained", "will", "sessions", "shadow", "isolation",
               "completeness"],
}
PREFIX = "pyci-"


@pytest.fixture(scope="module")
def broker():
    with Mosquitto() as running:
        yield running


@pytest.fixture(scope="module")
def live_run(broker, tmp_path_factory):
    """LIVE run once against the module's mosquitto, history kept, progress recorded."""
    progress = []
    out = tmp_path_factory.mktemp("live") / "run"
    result = mqttbed.run(LIVE, out_dir=out, history=True, on_progress=progress.append,
                         broker=broker.url, client_prefix=PREFIX)
    return result, progress


def test_live_run_returns_passing_verdicts_and_metrics(live_run, broker):
    result, _ = live_run
    assert_passed_with_files(result)
    assert result.broker == broker.url and "broker=" in repr(result)
    assert result.json["mode"] == "live"  # the HTML labels its time axis real time from this
    expected = set(LIVE["checks"]) - {"qos"} | {"qos0", "qos1", "qos2", "answers"}  # qos brings answers
    assert {v.guarantee for v in result.verdicts} == expected
    assert result.verdict("qos1").counts["checked"] > 0
    assert result.metrics.latency("qos1").count > 0
    assert result.metrics.counters["published"] > 0


def test_history_holds_what_the_real_broker_delivered(live_run, broker):
    result, _ = live_run
    events = list(result.history())
    delivered = [e for e in events if e.type == "delivered"]
    assert delivered and any(e.topic.endswith("/sensor0/state") for e in delivered)
    # The history keeps the fleet's own ids; on the wire, mosquitto saw the prefixed ones.
    assert "acct0-home0-sensor0" in {e.client for e in events}
    log = broker.log()
    for client in ("acct0-home0-sensor0", "acct1-home1-gateway0", "cloud-shadow"):
        assert f" as {PREFIX}{client} " in log, log[-3000:]
    assert len(events) == result.json["wall_clock"]["events"]


def test_progress_follows_real_time(live_run):
    result, progress = live_run
    assert_progress_in_order(result, progress)
    assert len(progress) >= 2 and progress[-1].fraction > 0.5


def test_unreachable_broker_raises_connection_error(tmp_path):
    url = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(ConnectionError, match=rf"broker {url} unreachable") as caught:
        mqttbed.run(LIVE, out_dir=tmp_path / "run", broker=url)
    assert isinstance(caught.value, mqttbed.BrokerUnreachable)
    assert time.monotonic() - started < 60  # the probe's 3 s, not a hang
    assert list(tmp_path.iterdir()) == []


def test_live_options_need_a_broker(tmp_path):
    with pytest.raises(ValueError, match="client_prefix.*broker="):
        mqttbed.run(LIVE, out_dir=tmp_path / "run", client_prefix="x-")
    with pytest.raises(ValueError, match="emulate_latency"):
        mqttbed.run(LIVE, out_dir=tmp_path / "run", emulate_latency=True)
    with pytest.raises(ValueError, match="expected tcp://host:port"):
        mqttbed.run(LIVE, out_dir=tmp_path / "run", broker="http://127.0.0.1:1")
    assert list(tmp_path.iterdir()) == []


def test_keyboard_interrupt_stops_a_live_run(tmp_path, monkeypatch):
    with Mosquitto() as own:  # one broker, one run: not the module's
        children = record_children(monkeypatch)

        def interrupt(progress):  # Ctrl-C once the live run is under way
            raise KeyboardInterrupt

        out = tmp_path / "interrupted"
        with pytest.raises(KeyboardInterrupt):
            mqttbed.run(LIVE, out_dir=out, history=True, on_progress=interrupt, broker=own.url)
        monkeypatch.undo()
    assert len(children) == 1
    assert children[0].returncode == -signal.SIGTERM  # stopped by run(), not finished
    assert list(tmp_path.iterdir()) == []
