"""mqttbed.Scenario: loading, building from a dict, editing, and the C++ loader's errors."""
import subprocess

import pytest

import mqttbed
from conftest import DEFAULT, mqttbed_binary

SMALL = {
    "name": "small",
    "seed": 3,
    "duration": "20s",
    "settle": "10s",
    "fleet": {"homes": 2, "per_home": [{"kind": "sensor", "count": 1,
                                        "params": {"every": "5s", "qos": 1}}]},
    "checks": ["qos", "ordering"],
}


def test_load_reads_the_file_and_summarises_it():
    scenario = mqttbed.Scenario.load(DEFAULT)
    assert scenario.name == "default"
    assert scenario.get("fleet.homes") == 5
    info = scenario.validate()
    assert info["homes"] == 5 and info["seed"] == 1
    assert info["clients"] == 5 * 5 + 5 * 1
    assert "will" in info["checks"]
    assert not scenario.edited()


def test_edits_are_validated_by_the_cpp_loader():
    scenario = mqttbed.Scenario.load(DEFAULT)
    scenario.set("fleet.homes", 7).set("fleet.per_home.1.count", 3)
    assert scenario.edited()
    info = scenario.validate()
    assert info["homes"] == 7
    assert [g["count"] for g in info["per_home"]] == [1, 3, 2]
    scenario.set("fleet.homes", -1)
    with pytest.raises(ValueError, match=r"default\.yaml \(edited\):\d+:\d+: fleet\.homes"):
        scenario.validate()


def test_from_dict_builds_a_valid_scenario():
    scenario = mqttbed.Scenario.from_dict(SMALL)
    info = scenario.validate()
    assert (info["name"], info["homes"], info["clients"], info["duration_s"]) == \
        ("small", 2, 2, 20.0)


def test_bad_dict_raises_value_error_with_line_and_column():
    bad = dict(SMALL, fleet={"homes": 2, "per_home": [{"kind": "toaster", "count": 1}]})
    with pytest.raises(ValueError) as raised:
        mqttbed.Scenario.from_dict(bad)
    assert isinstance(raised.value, mqttbed.ScenarioError)
    assert str(raised.value).startswith("<dict>:")
    assert "toaster" in str(raised.value)
    line, column = str(raised.value).split(":")[1:3]
    assert int(line) > 1 and int(column) >= 1


def test_bad_file_raises_the_same_message_as_the_cli(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT.read_text().replace("duration: 2m", "duration: 2 fortnights"))
    cli = subprocess.run([mqttbed_binary(), "validate", str(bad)], capture_output=True, text=True)
    assert cli.returncode == 2
    with pytest.raises(ValueError) as raised:
        mqttbed.Scenario.load(bad)
    assert str(raised.value) == cli.stderr.strip()
    assert str(raised.value).startswith(f"{bad}:")


def test_unknown_expect_metric_is_rejected():
    bad = dict(SMALL, expect={"latency.qos7.p99": "< 1s"})
    with pytest.raises(ValueError, match="latency.qos7.p99"):
        mqttbed.Scenario.from_dict(bad)


def test_yaml_round_trip_keeps_the_original_text_until_edited():
    scenario = mqttbed.Scenario.load(DEFAULT)
    assert scenario.to_yaml() == DEFAULT.read_text()
    twin = scenario.copy()
    twin["seed"] = 9
    assert scenario.seed == 1 and twin.seed == 9
    assert mqttbed.Scenario.from_yaml(twin.to_yaml()).seed == 9
