"""A run's report.json as Python objects (fields: docs/report.md): verdicts with their
violations, expectations, and metrics with percentiles and numpy time series."""
import dataclasses
import json
import pathlib

import numpy


@dataclasses.dataclass(frozen=True)
class Violation:
    invariant: str
    spec: str = ""
    clients: tuple = ()
    topic: str = ""
    messages: tuple = ()   # message identities "publisher#seq"
    excerpt: tuple = ()    # the history lines that prove it

    @classmethod
    def from_json(cls, j):
        return cls(j.get("invariant", ""), j.get("spec", ""), tuple(j.get("clients", ())),
                   j.get("topic", ""), tuple(j.get("messages", ())), tuple(j.get("excerpt", ())))


@dataclasses.dataclass(frozen=True)
class Verdict:
    guarantee: str
    passed: bool
    counts: dict          # checked, ok, lost, duplicated, unexpected, indeterminate
    violation_count: int
    violations: tuple     # the first few Violation, in full

    @classmethod
    def from_json(cls, j):
        violations = tuple(Violation.from_json(v) for v in j.get("violations", ()))
        return cls(j["guarantee"], j.get("passed") is True, dict(j.get("counts", {})),
                   j.get("violation_count", len(violations)), violations)


@dataclasses.dataclass(frozen=True)
class Expectation:
    metric: str
    op: str
    value: float
    text: str
    actual: object   # float or None
    passed: bool
    message: str

    @classmethod
    def from_json(cls, j):
        return cls(j["metric"], j["op"], j["value"], j.get("text", ""), j.get("actual"),
                   j.get("passed") is True, j.get("message", ""))


class Histogram:
    """A latency histogram: exact count/min/max/mean, percentiles within 0.39 %, buckets."""

    def __init__(self, j):
        self.json = j
        self.count = j.get("count", 0)
        for key in ("min_s", "max_s", "mean_s", "p50_s", "p90_s", "p99_s", "p999_s"):
            setattr(self, key, j.get(key))
        buckets = j.get("buckets_ns", [])
        # [lower_ns, upper_ns, count] per non-empty bucket, as an (n, 3) int64 array.
        self.buckets_ns = numpy.array(buckets, dtype=numpy.int64).reshape(len(buckets), 3)

    def __repr__(self):
        if not self.count:
            return "Histogram(count=0)"
        return f"Histogram(count={self.count}, p50_s={self.p50_s:.6g}, p99_s={self.p99_s:.6g})"


class Series:
    """A time series over virtual time: values[i] covers [t0_s + i*step_s, + step_s)."""

    def __init__(self, name, j):
        self.name = name
        self.t0_s = j["t0_s"]
        self.step_s = j["step_s"]
        self.values = numpy.asarray(j["values"], dtype=float)
        self.min = numpy.asarray(j["min"], dtype=float) if "min" in j else None
        self.max = numpy.asarray(j["max"], dtype=float) if "max" in j else None

    @property
    def t(self):
        """Each bucket's start in virtual seconds."""
        return self.t0_s + self.step_s * numpy.arange(len(self.values))

    def __len__(self):
        return len(self.values)

    def __repr__(self):
        return f"Series({self.name!r}, {len(self)} x {self.step_s} s)"


class Metrics:
    def __init__(self, j):
        self.json = j
        self.counters = dict(j.get("counters", {}))
        self.broker = dict(j.get("broker", {}))
        self.fault_windows = list(j.get("fault_windows", []))
        self.series = {name: Series(name, s) for name, s in j.get("series", {}).items()}
        latency = j.get("latency", {})
        self.latency_by_kind = {k: Histogram(h) for k, h in latency.get("by_kind", {}).items()}
        self.shadow_convergence = Histogram(j.get("shadow_convergence", {}))
        self.command_round_trip = Histogram(j.get("command_round_trip", {}))

    def latency(self, group="all"):
        """Publish->deliver latency: group "all", "qos0", "qos1", "qos2" or a device kind."""
        latency = self.json.get("latency", {})
        if group in ("all", "qos0", "qos1", "qos2"):
            return Histogram(latency.get(group, {}))
        if group in self.latency_by_kind:
            return self.latency_by_kind[group]
        return Histogram({"count": 0})


class Report:
    """One report.json."""

    def __init__(self, j, path=None):
        self.json = j
        self.path = pathlib.Path(path) if path else None
        self.scenario = j.get("scenario", {})
        self.summary = j.get("summary", {})
        self.passed = self.summary.get("passed") is True
        self.verdicts = [Verdict.from_json(v) for v in j.get("verdicts", [])]
        self.expectations = [Expectation.from_json(e) for e in j.get("expectations", [])]
        self.metrics = Metrics(j.get("metrics", {}))

    def verdict(self, guarantee):
        for verdict in self.verdicts:
            if verdict.guarantee == guarantee:
                return verdict
        raise KeyError(guarantee)

    @property
    def failed(self):
        """The verdicts that did not pass."""
        return [v for v in self.verdicts if not v.passed]


def load_report(path):
    with open(path, encoding="utf-8") as file:
        j = json.load(file)
    if not isinstance(j, dict) or "schema_version" not in j:
        raise ValueError(f"{path}: not an mqttbed report.json")
    return Report(j, path)
