#!/usr/bin/env python3
"""Sweep: QoS 1 p99 latency and wills fired against uplink loss and fleet size.

Runs a scenario (default: scenarios/default.yaml) for every (uplink loss, homes, seed),
several at a time (each run is its own child process, see docs/python.md), and plots the
mean over seeds with the min..max range to a PNG; the numbers also go to a JSON file.

    PYTHONPATH=build/python python3 examples/sweep.py --png sweep.png
    PYTHONPATH=build/python python3 examples/sweep.py --losses 0 0.05 --homes 3 --seeds 1 \\
        --png tiny.png            # the tiny version the tests run

The fleet must keep every home a fault of the scenario names (default.yaml: 3 or more).
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import statistics
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

import mqttbed  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_UPLINK = {"latency": "20ms", "bandwidth": "20Mbps"}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "default.yaml"))
    parser.add_argument("--losses", type=float, nargs="+",
                        default=[0.0, 0.01, 0.02, 0.05, 0.10], help="uplink loss fractions")
    parser.add_argument("--homes", type=int, nargs="+", default=[5, 20], help="fleet sizes")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--duration", help="override the scenario's duration, e.g. 1m")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="runs at once (each in its own process)")
    parser.add_argument("--out-dir", help="keep every run's report here (default: temporary)")
    parser.add_argument("--png", default="sweep.png")
    parser.add_argument("--json", help="also write the measured points here")
    return parser.parse_args(argv)


def variant(base, loss, homes, duration):
    """The base scenario with this point's uplink loss and fleet size."""
    scenario = base.copy()
    # A link class written in the scenario needs latency and bandwidth too: keep the
    # scenario's own uplink, else the loader's default one (docs/scenario.md).
    if scenario.get("network.links.uplink") is None:
        scenario.set("network.links.uplink", dict(DEFAULT_UPLINK))
    scenario.set("network.links.uplink.loss", f"{loss * 100:g}%")
    scenario.set("fleet.homes", homes)
    if duration:
        scenario.set("duration", duration)
    return scenario


def measure(scenario, seed, out_dir):
    result = mqttbed.run(scenario, seed=seed, out_dir=out_dir, html=False)
    return {"p99_qos1_s": result.metrics.latency("qos1").p99_s,
            "wills_fired": result.metrics.counters["wills_fired"],
            "passed": result.passed}


def sweep(args, out_root):
    base = mqttbed.Scenario.load(args.scenario)
    points = [(loss, homes, seed) for loss in args.losses for homes in args.homes
              for seed in args.seeds]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {
            pool.submit(measure, variant(base, loss, homes, args.duration), seed,
                        out_root / f"loss{loss:g}-homes{homes}-seed{seed}"): (loss, homes, seed)
            for loss, homes, seed in points}
        for future in concurrent.futures.as_completed(futures):
            loss, homes, seed = futures[future]
            results[(loss, homes, seed)] = future.result()
            print(f"loss {loss:5.1%}  homes {homes:4d}  seed {seed}: {results[(loss, homes, seed)]}",
                  file=sys.stderr)
    rows = []
    for (loss, homes, seed), measured in sorted(results.items()):
        rows.append({"loss": loss, "homes": homes, "seed": seed, **measured})
    return rows


def plot(rows, args, png):
    figure, (latency_axes, wills_axes) = plt.subplots(1, 2, figsize=(11, 4.2))
    for homes in args.homes:
        for axes, key, scale in ((latency_axes, "p99_qos1_s", 1e3), (wills_axes, "wills_fired", 1)):
            xs, mean, low, high = [], [], [], []
            for loss in args.losses:
                values = [r[key] * scale for r in rows
                          if r["loss"] == loss and r["homes"] == homes and r[key] is not None]
                if not values:
                    continue
                xs.append(loss * 100)
                mean.append(statistics.fmean(values))
                low.append(mean[-1] - min(values))
                high.append(max(values) - mean[-1])
            axes.errorbar(xs, mean, yerr=[low, high], marker="o", capsize=3,
                          label=f"{homes} homes")
    latency_axes.set(xlabel="uplink loss (%)", ylabel="QoS 1 p99 latency (ms)",
                     title="QoS 1 p99 publish→deliver latency")
    wills_axes.set(xlabel="uplink loss (%)", ylabel="wills fired",
                   title="Last wills fired")
    wills_axes.set_ylim(bottom=0)
    wills_axes.yaxis.get_major_locator().set_params(integer=True)
    for axes in (latency_axes, wills_axes):
        axes.grid(alpha=0.3)
        axes.legend()
    figure.suptitle(f"{pathlib.Path(args.scenario).name}: mean over seeds {args.seeds}, "
                    "bars = min..max")
    figure.tight_layout()
    figure.savefig(png, dpi=110)
    plt.close(figure)


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mqttbed-sweep-") as scratch:
        out_root = pathlib.Path(args.out_dir or scratch)
        rows = sweep(args, out_root)
    plot(rows, args, args.png)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
