"""The sharding fidelity table of docs/simulation.md: one scenario unsharded and with 2, 4 and 8
shards; every verdict's status and the delivery latency percentiles of each.

    PYTHONPATH=build/python /usr/bin/python3 bench/shard_fidelity.py scenarios/flaky-network.yaml
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import mqttbed


def main(scenario, binary="build/mqttbed", seed="5"):
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for shards in (1, 2, 4, 8):
            out = pathlib.Path(scratch) / f"s{shards}"
            subprocess.run([binary, "run", scenario, "--quiet", "--no-html", "--seed", seed,
                            "--shards", str(shards), "--out", str(out)], check=False,
                           stdout=subprocess.DEVNULL)
            report = mqttbed.load_report(out / "report.json")
            verdicts = json.loads((out / "report.json").read_text())["verdicts"]
            statuses = [(v["guarantee"], v["status"]) for v in verdicts]
            rows.append((shards, statuses, report.metrics.latency("qos1"),
                         report.metrics.command_round_trip))
    base = rows[0]
    print("| shards | verdicts | QoS 1 deliveries | mean ms | p50 ms | p90 ms | p99 ms | p99.9 ms "
          "| command round trip mean / p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for shards, statuses, latency, trip in rows:
        same = "identical" if statuses == base[1] else "DIFFER: " + str(statuses)
        print(f"| {shards} | {same} | {latency.count} | {latency.mean_s * 1e3:.3f} | "
              f"{latency.p50_s * 1e3:.1f} | "
              f"{latency.p90_s * 1e3:.1f} | {latency.p99_s * 1e3:.1f} | "
              f"{latency.p999_s * 1e3:.1f} | {trip.mean_s * 1e3:.1f} / {trip.p99_s * 1e3:.0f} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
