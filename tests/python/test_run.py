"""mqttbed.run(): a real simulated run in a child process, results as Python objects."""
import os
import signal
import subprocess
import sys

import numpy
import pytest

import mqttbed
from conftest import DEFAULT, assert_passed_with_files, assert_progress_in_order, record_children
from test_scenario import SMALL


def test_run_returns_verdicts_metrics_and_files(default_run):
    result, _ = default_run
    assert_passed_with_files(result)
    assert {"qos1", "will", "ordering"} <= {v.guarantee for v in result.verdicts}


def test_metrics_are_percentiles_and_numpy_series(default_run):
    result, _ = default_run
    qos1 = result.metrics.latency("qos1")
    raw = result.json["metrics"]["latency"]["qos1"]
    assert qos1.count == raw["count"] > 0
    assert qos1.min_s <= qos1.p50_s <= qos1.p99_s <= qos1.max_s
    assert qos1.buckets_ns[:, 2].sum() == qos1.count
    clients = result.metrics.series["connected_clients"]
    raw_series = result.json["metrics"]["series"]["connected_clients"]
    assert isinstance(clients.values, numpy.ndarray)
    assert clients.values.tolist() == raw_series["values"]
    assert clients.t[1] - clients.t[0] == pytest.approx(raw_series["step_s"])
    assert clients.values.max() == result.metrics.counters["connected_max"]
    assert result.metrics.latency("sensor").count > 0


def test_history_is_an_iterator_of_events(default_run):
    result, _ = default_run
    events = result.history()
    first = next(events)
    assert first.type and first.client
    count = 1
    last_time = first.time_ns
    types = {first.type}
    for event in events:
        assert event.time_ns >= last_time
        last_time = event.time_ns
        types.add(event.type)
        count += 1
    assert count == result.json["wall_clock"]["events"]
    assert {"publish_sent", "delivered"} <= types


def test_progress_callback_follows_virtual_time(default_run):
    result, progress = default_run
    assert_progress_in_order(result, progress)


def test_broker_mutation_fails_the_ordering_verdict(tmp_path):
    result = mqttbed.run(DEFAULT, out_dir=tmp_path / "reorder", mutation="reorder", html=False)
    assert not result.passed
    ordering = result.verdict("ordering")
    assert not ordering.passed and ordering.violation_count >= len(ordering.violations) >= 1
    first = ordering.violations[0]
    assert first.clients and first.topic and first.messages and first.excerpt
    assert ordering in result.failed
    assert result.html_path is None and not (tmp_path / "reorder" / "report.html").exists()


def test_junit_from_python_names_the_failed_guarantee_and_its_spec(tmp_path):
    import xml.etree.ElementTree as ET
    junit = tmp_path / "ci" / "junit.xml"
    result = mqttbed.run(DEFAULT, out_dir=tmp_path / "reorder", mutation="reorder", html=False,
                         junit=junit)
    assert result.junit_path == junit
    suite = ET.parse(junit).getroot().find("testsuite")
    failed = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    assert [case.get("name") for case in failed] == [v.guarantee for v in result.failed]
    assert "ordering" in [case.get("name") for case in failed]
    assert int(suite.get("failures")) == len(failed)
    assert int(suite.get("tests")) == len(result.verdicts) + len(result.expectations)
    spec = result.verdict("ordering").violations[0].spec
    ordering = next(case for case in failed if case.get("name") == "ordering")
    assert spec and f"[{spec}]" in ordering.find("failure").get("message")


def test_dict_scenario_with_seed_override(tmp_path):
    result = mqttbed.run(SMALL, seed=11, out_dir=tmp_path / "small")
    assert result.scenario["seed"] == 11 and result.scenario["fleet"]["homes"] == 2
    assert result.metrics.counters["published"] > 0


def test_bad_input_raises_value_error_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="unknown|mutation"):
        mqttbed.run(SMALL, out_dir=tmp_path / "m", mutation="no_such_mutation")
    assert not (tmp_path / "m").exists()
    with pytest.raises(ValueError, match=r"<dict>:\d+:\d+"):
        mqttbed.run(dict(SMALL, duration="soon"), out_dir=tmp_path / "d")


@pytest.mark.parametrize("how", ["raised", "sigint"])
def test_keyboard_interrupt_stops_the_child_and_leaves_no_files(tmp_path, monkeypatch, how):
    children = record_children(monkeypatch)

    def interrupt(progress):  # Ctrl-C arriving while the run is under way
        if how == "sigint":
            os.kill(os.getpid(), signal.SIGINT)  # as the terminal sends it
        raise KeyboardInterrupt

    out = tmp_path / "interrupted"
    with pytest.raises(KeyboardInterrupt):
        mqttbed.run(DEFAULT, out_dir=out, history=True, on_progress=interrupt)
    assert len(children) == 1 and children[0].poll() is not None
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_engine_runs_once_per_process(tmp_path):
    script = (
        "import sys; from mqttbed import _mqttbed\n"
        f"text = open({str(DEFAULT)!r}).read()\n"
        f"_mqttbed.run_scenario_text(text, 'a', out_dir={str(tmp_path / 'a')!r})\n"
        "try:\n"
        f"    _mqttbed.run_scenario_text(text, 'b', out_dir={str(tmp_path / 'b')!r})\n"
        "except RuntimeError as e:\n"
        "    print('refused:', e)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert "refused: the simulation engine already ran" in done.stdout
    assert not (tmp_path / "b").exists()


def test_load_report_reads_a_cli_report(default_run):
    result, _ = default_run
    report = mqttbed.load_report(result.report_path)
    assert report.passed == result.passed
    assert [v.guarantee for v in report.verdicts] == [v.guarantee for v in result.verdicts]
