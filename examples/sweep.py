#!/usr/bin/env python3
"""Sweep: how does uplink packet loss change QoS 1 latency, everything else held fixed?

Takes a scenario (default: scenarios/default.yaml), removes its scheduled faults (a targeted
partition would dominate a small fleet's p99 and hide the loss), fixes the fleet size and
the uplink's latency and bandwidth, and varies only the uplink loss. For every (loss, seed)
it runs once, several runs at a time (each in its own child process, see docs/python.md),
and plots QoS 1 publish→deliver p50 and p99 (mean over seeds, bars = min..max) to a PNG
whose caption states what was held fixed; the numbers also go to a JSON file.

    PYTHONPATH=build/python python3 examples/sweep.py --png sweep.png
    PYTHONPATH=build/python python3 examples/sweep.py --losses 0 0.05 --homes 3 --seeds 1 \\
        --png tiny.png            # the tiny version the tests run
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


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "default.yaml"))
    parser.add_argument("--losses", type=float, nargs="+",
                        default=[0.0, 0.01, 0.02, 0.05, 0.10], help="uplink loss fractions")
    parser.add_argument("--homes", type=int, default=10, help="fleet size, held fixed")
    parser.add_argument("--uplink-latency", default="20ms", help="held fixed")
    parser.add_argument("--uplink-bandwidth", default="20Mbps", help="held fixed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--duration", help="override the scenario's duration, e.g. 1m")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="runs at once (each in its own process)")
    parser.add_argument("--out-dir", help="keep every run's report here (default: temporary)")
    parser.add_argument("--png", default="sweep.png")
    parser.add_argument("--json", help="also write the measured points here")
    return parser.parse_args(argv)


def fixed_base(args):
    """The scenario with everything but the uplink loss pinned: no scheduled faults, this
    fleet size and this uplink."""
    scenario = mqttbed.Scenario.load(args.scenario)
    scenario.set("faults", [])
    scenario.set("fleet.homes", args.homes)
    scenario.set("network.links.uplink", {"latency": args.uplink_latency,
                                          "bandwidth": args.uplink_bandwidth})
    if args.duration:
        scenario.set("duration", args.duration)
    return scenario


def variant(base, loss):
    scenario = base.copy()
    scenario.set("network.links.uplink.loss", f"{loss * 100:g}%")
    return scenario


def measure(scenario, seed, out_dir):
    result = mqttbed.run(scenario, seed=seed, out_dir=out_dir, html=False)
    qos1 = result.metrics.latency("qos1")
    return {"p50_qos1_s": qos1.p50_s, "p99_qos1_s": qos1.p99_s, "qos1_samples": qos1.count,
            "faults": len(result.json["scenario"]["faults"]), "passed": result.passed}


def sweep(args, out_root):
    base = fixed_base(args)
    points = [(loss, seed) for loss in args.losses for seed in args.seeds]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(measure, variant(base, loss), seed,
                               out_root / f"loss{loss:g}-seed{seed}"): (loss, seed)
                   for loss, seed in points}
        for future in concurrent.futures.as_completed(futures):
            loss, seed = futures[future]
            results[(loss, seed)] = future.result()
            print(f"loss {loss:5.1%}  seed {seed}: {results[(loss, seed)]}", file=sys.stderr)
    return [{"loss": loss, "homes": args.homes, "seed": seed, **measured}
            for (loss, seed), measured in sorted(results.items())]


def caption(args):
    return (f"Held fixed: {pathlib.Path(args.scenario).name}'s fleet mix and workload at "
            f"{args.homes} homes, uplink {args.uplink_latency} / {args.uplink_bandwidth}, "
            f"no scheduled faults, duration {args.duration or 'as in the scenario'}. "
            f"Varied: uplink loss only. Mean over seeds {args.seeds}; bars = min..max.")


def plot(rows, args, png):
    figure, axes = plt.subplots(figsize=(8, 4.6))
    for key, label in (("p99_qos1_s", "p99"), ("p50_qos1_s", "p50")):
        xs, mean, low, high = [], [], [], []
        for loss in args.losses:
            values = [r[key] * 1e3 for r in rows if r["loss"] == loss and r[key] is not None]
            if not values:
                continue
            xs.append(loss * 100)
            mean.append(statistics.fmean(values))
            low.append(mean[-1] - min(values))
            high.append(max(values) - mean[-1])
        axes.errorbar(xs, mean, yerr=[low, high], marker="o", capsize=3, label=label)
    axes.set(xlabel="uplink loss (%)", ylabel="QoS 1 publish→deliver latency (ms)",
             title="QoS 1 latency against uplink loss")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.text(0.01, 0.01, caption(args), fontsize=8, wrap=True, va="bottom")
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    figure.savefig(png, dpi=110)
    plt.close(figure)


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mqttbed-sweep-") as scratch:
        out_root = pathlib.Path(args.out_dir or scratch)
        rows = sweep(args, out_root)
    plot(rows, args, args.png)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {"held_fixed": caption(args), "points": rows}, indent=2) + "\n")
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
