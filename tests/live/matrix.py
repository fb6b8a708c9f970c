#!/usr/bin/env python3
"""Broker regression matrix: runs live scenarios against each broker (a fresh broker process
per scenario, on a free 127.0.0.1 port, stopped after) and prints which guarantees it keeps.

    tests/live/matrix.py --mqttbed build/mqttbed                       # mosquitto, both suites
    tests/live/matrix.py --scenarios tests/live/data/live-faults.yaml --json runs/matrix.json

Exit code 0 when every broker keeps every checked guarantee, 1 otherwise, 2 on bad usage.
Only mosquitto is wired in; RabbitMQ (MQTT plugin) and aedes are not (see docs/live.md).
"""
import argparse
import json
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SCENARIOS = [os.path.join(HERE, "data", "live-default.yaml"),
                     os.path.join(HERE, "data", "live-faults.yaml")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mosquitto:
    """mosquitto -c <our config>, waited for by its 'running' log line, never by sleeping."""

    name = "mosquitto"

    def __init__(self, workdir, timeout_s=10):
        self.port = free_port()
        config = os.path.join(workdir, "mosquitto.conf")
        with open(config, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                    "persistence false\nmax_queued_messages 10000\nlog_dest stderr\n")
        self.process = subprocess.Popen(["mosquitto", "-c", config], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        selector = selectors.DefaultSelector()
        selector.register(self.process.stderr, selectors.EVENT_READ)
        log, deadline = b"", time.monotonic() + timeout_s
        while b" running" not in log:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                self.stop()
                raise RuntimeError("mosquitto did not start:\n" + log.decode(errors="replace"))
            chunk = os.read(self.process.stderr.fileno(), 4096)
            if not chunk:
                raise RuntimeError("mosquitto exited:\n" + log.decode(errors="replace"))
            log += chunk
        # From here on its log is not read: send it nowhere so the pipe cannot fill.
        self.process.stderr.close()

    @property
    def url(self):
        return f"tcp://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


BROKERS = {"mosquitto": Mosquitto}


def run_one(mqttbed, broker_class, scenario, out_root):
    with tempfile.TemporaryDirectory(prefix="mqttbed-matrix-") as workdir:
        broker = broker_class(workdir)
        try:
            name = os.path.splitext(os.path.basename(scenario))[0]
            out = os.path.join(out_root, f"{broker.name}-{name}")
            command = [mqttbed, "run", scenario, "--quiet", "--no-html", "--out", out,
                       "--broker", broker.url]
            done = subprocess.run(command, capture_output=True, text=True)
        finally:
            broker.stop()
    if done.returncode not in (0, 1):
        return {"error": f"exit {done.returncode}: {done.stderr.strip()}"}
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    return {v["guarantee"]: v["passed"] for v in report["verdicts"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mqttbed", default=os.path.join(ROOT, "build", "mqttbed"))
    parser.add_argument("--brokers", default="mosquitto",
                        help="comma-separated, of: " + ", ".join(BROKERS))
    parser.add_argument("--scenarios", nargs="+", default=DEFAULT_SCENARIOS)
    parser.add_argument("--out", default=os.path.join("runs", "matrix"))
    parser.add_argument("--json", help="also write the matrix as JSON here")
    args = parser.parse_args()
    brokers = [b for b in args.brokers.split(",") if b]
    unknown = [b for b in brokers if b not in BROKERS]
    if unknown:
        parser.error(f"unknown broker(s) {unknown}; available: {list(BROKERS)}")

    matrix = {}  # scenario -> broker -> {guarantee: passed} | {"error": ...}
    for scenario in args.scenarios:
        name = os.path.splitext(os.path.basename(scenario))[0]
        for broker in brokers:
            print(f"running {name} against {broker} ...", file=sys.stderr, flush=True)
            matrix.setdefault(name, {})[broker] = run_one(args.mqttbed, BROKERS[broker],
                                                          scenario, args.out)
    all_kept = True
    print(f"{'scenario':<16} {'guarantee':<14} " + " ".join(f"{b:<10}" for b in brokers))
    for name, by_broker in matrix.items():
        guarantees = sorted({g for r in by_broker.values() for g in r if g != "error"})
        for broker, result in by_broker.items():
            if "error" in result:
                all_kept = False
                print(f"{name:<16} {'(run failed)':<14} {broker}: {result['error']}")
        for guarantee in guarantees:
            cells = []
            for broker in brokers:
                kept = by_broker[broker].get(guarantee)
                all_kept = all_kept and kept is not False
                cells.append({True: "kept", False: "VIOLATED", None: "-"}[kept])
            print(f"{name:<16} {guarantee:<14} " + " ".join(f"{c:<10}" for c in cells))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(matrix, f, indent=2)
    return 0 if all_kept else 1


if __name__ == "__main__":
    sys.exit(main())
