"""mqttbed from Python: build or load scenarios, run them in simulation or live against a real
broker, read the results.

    import mqttbed
    scenario = mqttbed.Scenario.load("scenarios/default.yaml")
    scenario.set("fleet.homes", 20)
    result = mqttbed.run(scenario, seed=7, history=True)
    result.passed, result.verdicts, result.metrics.latency("qos1").p99_s
    for event in result.history(): ...
    live = mqttbed.run(scenario, broker="tcp://127.0.0.1:1883")   # real time, real broker
    table = mqttbed.compare(scenario, ["mqtt", "http-poll:30s"]).rows  # docs/compare.md

Each run executes in a child process: SimGrid's engine is process-global and can be created
only once per process (see docs/python.md).
"""
from mqttbed._mqttbed import ScenarioError, ReportError, __version__, known_metric_paths
from mqttbed.comparison import Comparison, compare
from mqttbed.history import HistoryEvent, read_history
from mqttbed.results import (Expectation, Histogram, Metrics, Report, Series, Verdict, Violation,
                             load_report)
from mqttbed.runner import (BrokerUnreachable, Progress, RunResult, ShardFailed, run,
                            write_report_html)
from mqttbed.scenario import Scenario

__all__ = [
    "BrokerUnreachable", "Comparison", "Expectation", "Histogram", "HistoryEvent", "Metrics", "Progress", "Report",
    "ReportError", "RunResult", "Scenario", "ScenarioError", "Series", "ShardFailed", "Verdict", "Violation",
    "__version__", "compare",
    "known_metric_paths", "load_report", "read_history", "run", "write_report_html",
]
