#!/usr/bin/env python3
"""Broker matrix: which MQTT guarantees each broker kept, on the same small fleet.

Runs one small scenario against each broker and prints a table, one row per guarantee, one
column per broker ("kept", or "BROKEN n" with the number of violations). Brokers:

    builtin          mqttbed's broker model, simulated (virtual time, seconds of wall time)
    builtin-reorder  the same model with a test-only bug that swaps a publisher's
                     consecutive messages, to show what a broken column looks like
    mosquitto        a throwaway mosquitto on a free local port, live (real time, ~12 s);
                     skipped when mosquitto is not installed

    PYTHONPATH=build/python python3 examples/broker_matrix.py
    python3 examples/broker_matrix.py --brokers builtin mosquitto --json matrix.json

(The CI version against RabbitMQ and aedes too is tests/live/matrix.py, docs/matrix.md.)
"""
import argparse
import json
import pathlib
import shutil
import sys
import tempfile

import mqttbed

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "live"))
from mosquitto import Mosquitto  # noqa: E402  (a throwaway mosquitto, waited for by its log)

# Small and short, because live runs take real time: two homes (two accounts, so isolation
# has someone to keep apart), 8 s of traffic and 4 s to settle.
SCENARIO = {
    "name": "broker-matrix",
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
BROKERS = ["builtin", "builtin-reorder", "mosquitto"]


def run_on(broker, out_dir):
    """One run of SCENARIO on `broker`; None when that broker is not available here."""
    if broker == "builtin":
        return mqttbed.run(SCENARIO, out_dir=out_dir, html=False)
    if broker == "builtin-reorder":
        return mqttbed.run(SCENARIO, out_dir=out_dir, html=False, mutation="reorder")
    if broker == "mosquitto":
        if not shutil.which("mosquitto"):
            return None
        with Mosquitto() as running:
            return mqttbed.run(SCENARIO, out_dir=out_dir, html=False, broker=running.url,
                               client_prefix="matrix-")
    raise ValueError(f"unknown broker {broker!r}, expected one of {BROKERS}")


def cell(verdict):
    return "kept" if verdict.passed else f"BROKEN {verdict.violation_count}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brokers", nargs="+", default=BROKERS, choices=BROKERS)
    parser.add_argument("--json", help="also write {broker: {guarantee: kept}} here")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="mqttbed-matrix-") as scratch:
        for broker in args.brokers:
            result = run_on(broker, pathlib.Path(scratch) / broker)
            if result is None:
                print(f"{broker}: not installed, skipped", file=sys.stderr)
                continue
            results[broker] = {v.guarantee: v for v in result.verdicts}
    guarantees = sorted({g for verdicts in results.values() for g in verdicts})
    columns = list(results)
    width = max(len(c) for c in columns + ["BROKEN 999"]) + 2
    print(("guarantee".ljust(14) + "".join(c.ljust(width) for c in columns)).rstrip())
    for guarantee in guarantees:
        cells = [cell(results[c][guarantee]) if guarantee in results[c] else "-" for c in columns]
        print((guarantee.ljust(14) + "".join(text.ljust(width) for text in cells)).rstrip())
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {broker: {g: v.passed for g, v in verdicts.items()}
             for broker, verdicts in results.items()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
