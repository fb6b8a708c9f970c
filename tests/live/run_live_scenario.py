#!/usr/bin/env python3
"""Runs one scenario live against a throwaway mosquitto on loopback (tests/live/mosquitto.py)
and fails unless every verdict passed without a warning that the scenario's protocol was not
used. A finding the broker matrix declares for mosquitto (tests/live/matrix_expected.json) can
be accepted with --declared GUARANTEE:SPEC_ID: that verdict may then fail, but only with
violations that all cite SPEC_ID; any other violation still fails the test.

    run_live_scenario.py --mqttbed build/mqttbed --out DIR scenarios/mqtt5-features.yaml \
        --declared will:MQTT-3.1.2-24
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mosquitto import Mosquitto  # noqa: E402


def only_declared(verdict, spec):
    """True when a failed verdict's violations are all the declared finding, and all shown."""
    violations = verdict.get("violations", [])
    return (spec is not None and violations and len(violations) == verdict["violation_count"]
            and all(v.get("spec") == spec for v in violations))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mqttbed", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--declared", action="append", default=[], metavar="GUARANTEE:SPEC_ID",
                        help="a declared mosquitto finding this verdict may fail with")
    parser.add_argument("scenario")
    args = parser.parse_args()
    declared = {}
    for entry in args.declared:
        guarantee, sep, spec = entry.partition(":")
        if not sep or not guarantee or not spec:
            parser.error(f"--declared {entry!r}: expected GUARANTEE:SPEC_ID")
        declared[guarantee] = spec
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
                if only_declared(verdict, declared.get(verdict["guarantee"])):
                    print(f"  accepted: every violation cites the declared "
                          f"{declared[verdict['guarantee']]}")
                else:
                    failed.append(verdict["guarantee"])
        # Exit 1 with every verdict passed is a missed expectation; 2 and 3 are errors.
        if run.returncode > 1 or (run.returncode == 1 and all(v["passed"] for v in verdicts)):
            failed.append(f"exit code {run.returncode}")
    else:
        failed.append(f"no report.json (exit code {run.returncode})")
    if failed:
        print("FAILED: " + ", ".join(failed) + "\n--- mosquitto log ---\n" + log)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
