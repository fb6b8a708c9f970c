#!/usr/bin/env python3
"""Runs one scenario live against a throwaway mosquitto on loopback (tests/live/mosquitto.py)
and fails unless mqttbed exits 0 (every verdict passed) without a warning that the
scenario's protocol was not used.

    run_live_scenario.py --mqttbed build/mqttbed --out DIR scenarios/mqtt5-features.yaml
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mosquitto import Mosquitto  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mqttbed", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("scenario")
    args = parser.parse_args()
    with Mosquitto() as broker:
        run = subprocess.run([args.mqttbed, "run", args.scenario, "--broker", broker.url,
                              "--quiet", "--out", args.out],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log = broker.log()
    print(run.stdout)
    failed = []
    if "3.1.1" in run.stdout and "warning" in run.stdout:
        failed.append("a protocol warning was printed")
    report_path = os.path.join(args.out, "report.json")
    if os.path.exists(report_path):
        with open(report_path) as f:
            verdicts = json.load(f)["verdicts"]
        for verdict in verdicts:
            print(f"{'PASS' if verdict['passed'] else 'FAIL'} {verdict['guarantee']} "
                  f"checked {verdict['counts']['checked']}")
            if not verdict["passed"]:
                failed.append(verdict["guarantee"])
    if run.returncode != 0:
        failed.append(f"exit code {run.returncode}")
    if failed:
        print("FAILED: " + ", ".join(failed) + "\n--- mosquitto log ---\n" + log)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
