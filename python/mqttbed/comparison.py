"""mqttbed.compare(): the scenario run once over MQTT in simulation and its workload replayed
over other transports (MQTT over TLS or WebSockets, HTTP short and long polling, HTTP/2
polling), as `mqttbed compare` does (docs/compare.md). The result's `rows` are one dict per
transport (flat, DataFrame-ready: pandas.DataFrame(result.rows)), `kind_rows` one per
transport and device kind.

    table = mqttbed.compare("scenarios/protocol-comparison.yaml",
                            transports=["mqtt", "http-poll:30s", "http2-poll:30s"])
    for row in table.rows: print(row["transport"], row["bytes_per_device_day"])
"""
import json
import pathlib
import shutil
import tempfile

from mqttbed.runner import _as_scenario, _run_worker


class Comparison:
    """A finished comparison: `report` (report.json as a dict), `rows`, `kind_rows`, `claims`
    (the talk's claims held against the figures) and the files."""

    def __init__(self, report, out_dir):
        self.report = report
        self.out_dir = pathlib.Path(out_dir)
        self.report_path = self.out_dir / "report.json"
        self.html_path = self.out_dir / "report.html"
        self.rows = [_row(t) for t in report["transports"]]
        self.kind_rows = [dict(transport=t["name"], kind=kind, **_flat(k))
                          for t in report["transports"]
                          for kind, k in sorted(t["per_device_per_day"].items())]
        self.claims = list(report["claims"])

    def __repr__(self):
        names = ", ".join(r["transport"] for r in self.rows)
        return f"Comparison({self.report['scenario']!r}, [{names}], out_dir={str(self.out_dir)!r})"


def _flat(tree, prefix=""):
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}_"))
        elif not isinstance(value, list):
            out[prefix + key] = value
    return out


def _row(t):
    all_ = t["all_devices_per_day"]
    return {
        "transport": t["name"], "family": t["family"], "tls": t["tls"],
        "period_s": t["period_s"],
        "bytes_per_device_day": all_["total"], "payload_per_device_day": all_["payload"],
        "overhead_per_device_day": all_["overhead"], "packets_per_device_day": all_["packets"],
        "radio_on_s_per_device_day": all_["radio_on_s"],
        "energy_j_per_device_day": all_["energy_j"],
        "command_p50_ms": t["command_latency_ms"]["p50"],
        "command_p99_ms": t["command_latency_ms"]["p99"],
        "command_max_ms": t["command_latency_ms"]["max"],
        "telemetry_p50_ms": t["telemetry_latency_ms"]["p50"],
        "superseded": t["messages"]["superseded"], "undelivered": t["messages"]["undelivered"],
        "connections_mean": t["server"]["connections_mean"],
        "connections_max": t["server"]["connections_max"],
        "requests_per_s": t["server"]["requests_per_s"],
        "checkers_judged": len(t["checks"]["judged"]),
    }


def compare(scenario, transports, *, seed=None, out_dir=None):
    """Runs `scenario` (a Scenario, dict or path) once over MQTT in a child process and replays
    it over each transport in `transports` (a list or a comma-separated string, as the CLI's
    --transports). Returns a Comparison. Raises ValueError for a bad scenario or transport
    list (the message gives the column), RuntimeError when the run fails."""
    if not isinstance(transports, str):
        transports = ",".join(transports)
    scenario = _as_scenario(scenario)
    info = scenario.validate()
    run_seed = info["seed"] if seed is None else int(seed)
    out_dir = pathlib.Path(out_dir or f"runs/{info['name']}-{run_seed}-compare")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-",
                                            dir=out_dir.parent))
    job = {"text": scenario.to_yaml(), "file": scenario.source_name(), "seed": run_seed,
           "out_dir": str(staging), "compare": transports}
    try:
        outcome, returncode, log_text = _run_worker(job, staging, None)
        if outcome is None or "error" in outcome:
            error = (outcome or {}).get("error") or {
                "type": "RuntimeError",
                "message": f"the comparison's child process ended with status "
                           f"{returncode}: {log_text.strip()[-2000:]}"}
            raise (ValueError if error["type"] == "ValueError" else RuntimeError)(error["message"])
        (staging / "worker.log").unlink()
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with open(out_dir / "report.json", encoding="utf-8") as file:
        return Comparison(json.load(file), out_dir)
