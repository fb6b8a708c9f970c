#!/usr/bin/env python3
"""Runs one shipped scenario and compares its headline results with a checked-in golden.

The summary keeps what a simulated report.json holds deterministically (same scenario and
seed give a byte-identical report outside wall_clock): the overall verdict, each guarantee's
verdict and counts, each expectation's verdict, the message counters, the number of fault
windows and command round trips. A behaviour change shows up as a readable diff.

  golden_summary.py --mqttbed build/mqttbed scenarios/default.yaml      # compare
  golden_summary.py --mqttbed build/mqttbed --update scenarios/*.yaml   # regenerate
(scripts/update-goldens.sh regenerates every golden.)
"""
import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(HERE, "golden")


def summarize(report):
    metrics = report["metrics"]
    return {
        "scenario": report["scenario"]["name"],
        "seed": report["scenario"]["seed"],
        "clients": report["scenario"]["fleet"]["clients"],
        "passed": report["summary"]["passed"],
        "violations": report["summary"]["violations"],
        "verdicts": {
            v["guarantee"]: {"passed": v["passed"], "violation_count": v["violation_count"],
                             **v["counts"],
                             # a guarantee the declared broker profile does not make
                             **({"not_promised": v["not_promised"]} if "not_promised" in v
                                else {})}
            for v in report["verdicts"]
        },
        "expectations": [
            {k: e[k] for k in sorted(e) if k in ("metric", "text", "passed")}
            for e in report["expectations"]
        ],
        "counters": metrics["counters"],
        "fault_windows": len(metrics["fault_windows"]),
        "command_round_trips": metrics["command_round_trip"]["count"],
    }


def run(mqttbed, scenario):
    with tempfile.TemporaryDirectory(prefix="golden-") as out:
        proc = subprocess.run([mqttbed, "run", scenario, "--out", out, "--no-html", "--quiet"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Exit 1 (a guarantee broken) is a result the golden records; anything else is not.
        if proc.returncode not in (0, 1):
            sys.exit(f"{scenario}: mqttbed exited {proc.returncode}\n{proc.stderr}")
        with open(os.path.join(out, "report.json")) as f:
            summary = summarize(json.load(f))
    summary["exit_code"] = proc.returncode
    return summary


def render(summary):
    return json.dumps(summary, indent=2, sort_keys=True) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mqttbed", required=True)
    parser.add_argument("--update", action="store_true", help="write the goldens instead")
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args()
    failed = False
    for scenario in args.scenarios:
        name = os.path.splitext(os.path.basename(scenario))[0]
        golden_path = os.path.join(GOLDEN_DIR, name + ".json")
        actual = render(run(args.mqttbed, scenario))
        if args.update:
            with open(golden_path, "w") as f:
                f.write(actual)
            print(f"wrote {golden_path}")
            continue
        if not os.path.exists(golden_path):
            print(f"{scenario}: no golden {golden_path}; run scripts/update-goldens.sh")
            failed = True
            continue
        with open(golden_path) as f:
            expected = f.read()
        if actual != expected:
            failed = True
            sys.stdout.writelines(difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                fromfile=golden_path, tofile=f"{scenario} (this build)"))
            print(f"{scenario}: differs from its golden; if the change is intended, run "
                  "scripts/update-goldens.sh and commit the new golden")
        else:
            print(f"{scenario}: matches {golden_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
