"""`--junit FILE` on run and check, read as CI does: parsed with a real XML library.

The binary comes from $MQTTBED_BINARY (set by ctest), else build/mqttbed at the top."""
import os
import pathlib
import subprocess
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MUTATIONS = ROOT / "tests" / "cli" / "scenarios" / "mutations.yaml"
DEFAULT = ROOT / "scenarios" / "default.yaml"


def mqttbed(*args):
    binary = os.environ.get("MQTTBED_BINARY", str(ROOT / "build" / "mqttbed"))
    return subprocess.run([binary, *map(str, args)], capture_output=True, text=True)


def assert_junit_structure(root):
    """testsuites > testsuite > testcase [> failure], counts matching the elements."""
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("tests")) == len(cases) == int(root.get("tests"))
    assert int(suite.get("failures")) == len(failures) == int(root.get("failures"))
    assert suite.get("errors") == "0"
    for case in cases:
        assert case.get("name") and case.get("classname")
        assert len(case.findall("failure")) <= 1
    return suite, cases, failures


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    out = tmp_path_factory.mktemp("failing")
    done = mqttbed("run", MUTATIONS, "--quiet", "--no-html", "--broker-mutation", "skip_will",
                   "--out", out, "--history", out / "history.jsonl", "--junit", out / "run.xml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"junit: {out / 'run.xml'}" in done.stdout
    return out


def test_failed_guarantee_is_a_failed_testcase_naming_its_spec_id(failing):
    suite, cases, failures = assert_junit_structure(ET.parse(failing / "run.xml").getroot())
    assert suite.get("name") == "mutations"
    guarantees = {c.get("name") for c in cases if c.get("classname").endswith(".guarantees")}
    assert {"qos0", "qos1", "qos2", "ordering", "will", "sessions"} <= guarantees
    assert [c.get("name") for c in failures] == ["will"]
    failure = failures[0].find("failure")
    assert failure.get("type") == "will"
    # The violation's invariant, spec id, clients, topic and history excerpt.
    assert "MQTT-3.1.2-" in failure.get("message")
    body = failure.text
    for field in ("invariant: ", "spec: MQTT-3.1.2-", "clients: ", "topic: ", "history:\n"):
        assert field in body, field


def test_check_writes_the_same_testcases_from_the_history(failing):
    done = mqttbed("check", failing / "history.jsonl", "--junit", failing / "check.xml")
    assert done.returncode == 1, done.stdout + done.stderr
    run_root = ET.parse(failing / "run.xml").getroot()
    check_root = ET.parse(failing / "check.xml").getroot()
    _, check_cases, check_failures = assert_junit_structure(check_root)
    run_guarantees = [c.get("name") for c in run_root.iter("testcase")
                      if c.get("classname").endswith(".guarantees")]
    assert [c.get("name") for c in check_cases] == run_guarantees
    assert [c.get("name") for c in check_failures] == ["will"]


def with_expectations(tmp_path, lines):
    scenario = tmp_path / "with-expect.yaml"
    text = DEFAULT.read_text()
    assert "\nexpect:" not in text
    scenario.write_text(text + "\nexpect:\n" + "".join(f"  {line}\n" for line in lines))
    return scenario


def test_passing_run_has_no_failures_and_a_testcase_per_expectation(tmp_path):
    scenario = with_expectations(tmp_path, ['latency.qos1.p99: "< 1h"', 'latency.qos1.max: "< 2h"'])
    done = mqttbed("run", scenario, "--quiet", "--no-html", "--out", tmp_path / "run",
                   "--junit", tmp_path / "junit.xml")
    assert done.returncode == 0, done.stdout + done.stderr
    root = ET.parse(tmp_path / "junit.xml").getroot()
    _, cases, failures = assert_junit_structure(root)
    assert failures == [] and root.get("failures") == "0"
    expects = [c.get("name") for c in cases if c.get("classname").endswith(".expect")]
    assert expects == ["latency.qos1.p99 < 1h", "latency.qos1.max < 2h"]


def test_missed_expectation_is_a_failed_testcase(tmp_path):
    scenario = with_expectations(tmp_path, ['latency.qos1.p99: "< 1us"'])
    done = mqttbed("run", scenario, "--quiet", "--no-html", "--out", tmp_path / "run",
                   "--junit", tmp_path / "junit.xml")
    assert done.returncode == 1, done.stdout + done.stderr
    _, _, failures = assert_junit_structure(ET.parse(tmp_path / "junit.xml").getroot())
    assert [f.get("name") for f in failures] == ["latency.qos1.p99 < 1us"]
    assert failures[0].find("failure").get("type") == "expect"
    assert "latency.qos1.p99" in failures[0].find("failure").get("message")
