#!/usr/bin/env python3
"""Polling period sweep: what polling costs in bytes and battery for the latency it buys,
against MQTT's push, on the same fleet, workload and network (docs/compare.md).

Runs the scenario once over MQTT and replays it over HTTP/1.1 and HTTP/2 polling at each
period (one `mqttbed.compare` call: the replays share the MQTT run), then plots bytes per
device per day and phone battery life against median command latency, one point per
period, MQTT as its own point. The numbers also go to a JSON file.

    PYTHONPATH=build/python python3 examples/compare_polling.py --png polling.png
    PYTHONPATH=build/python python3 examples/compare_polling.py --homes 5 \\
        --periods 10s 1m --png tiny.png      # a small, quick version
"""
import argparse
import json
import pathlib
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

import mqttbed  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/protocol-comparison.yaml")
    parser.add_argument("--homes", type=int, default=50)
    parser.add_argument("--periods", nargs="+", default=["5s", "15s", "30s", "1m", "2m", "5m"])
    parser.add_argument("--png", default="compare_polling.png")
    parser.add_argument("--json", default=None, help="numbers as JSON (default: beside --png)")
    args = parser.parse_args(argv)

    scenario = mqttbed.Scenario.load(args.scenario)
    scenario.set("fleet.homes", args.homes)
    transports = ["mqtt", "mqtt-tls"]
    transports += [f"https-poll:{p}" for p in args.periods]
    transports += [f"http2-poll:{p}" for p in args.periods]
    with tempfile.TemporaryDirectory() as scratch:
        result = mqttbed.compare(scenario, transports, out_dir=pathlib.Path(scratch) / "compare")
        rows = result.rows
        kinds = result.kind_rows

    battery = {(k["transport"], k["kind"]): k["radio_battery_days"] for k in kinds}
    phone_kind = "app"
    fig, (bytes_ax, battery_ax) = plt.subplots(1, 2, figsize=(12, 5))
    for family, marker in (("https-poll", "o-"), ("http2-poll", "s-")):
        series = [r for r in rows if r["transport"].startswith(family + ":")]
        x = [r["command_p50_ms"] / 1000 for r in series]
        bytes_ax.plot(x, [r["bytes_per_device_day"] / 1024 for r in series], marker, label=family)
        battery_ax.plot(x, [battery.get((r["transport"], phone_kind), 0) for r in series], marker,
                        label=family)
        for r, xv in zip(series, x):
            bytes_ax.annotate(r["transport"].split(":")[1], (xv, r["bytes_per_device_day"] / 1024))
    for name, marker in (("mqtt", "r*"), ("mqtt-tls", "k*")):
        row = next(r for r in rows if r["transport"] == name)
        x = row["command_p50_ms"] / 1000
        bytes_ax.plot([x], [row["bytes_per_device_day"] / 1024], marker, markersize=14, label=name)
        battery_ax.plot([x], [battery.get((name, phone_kind), 0)], marker, markersize=14,
                        label=name)
    for ax in (bytes_ax, battery_ax):
        ax.set_xscale("log")
        ax.set_xlabel("median command latency (s, log)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    bytes_ax.set_ylabel("KiB per device per day (all kinds)")
    battery_ax.set_ylabel(f"{phone_kind} (LTE) battery life, days (radio only)")
    fig.suptitle(f"{scenario.get('name')}: {args.homes} homes, polling period swept "
                 f"({', '.join(args.periods)}); same MQTT run replayed")
    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    json_path = args.json or str(pathlib.Path(args.png).with_suffix(".json"))
    with open(json_path, "w", encoding="utf-8") as file:
        json.dump({"rows": rows, "kind_rows": kinds}, file, indent=1)
    print(f"{args.png}\n{json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
