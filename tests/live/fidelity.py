#!/usr/bin/python3
"""Sim-to-live fidelity: runs ONE scenario in simulation and live against a fresh mosquitto
(on a free 127.0.0.1 port, with emulate_latency: the fault proxy draws the scenario's link
latencies per chunk, as the simulator draws them per frame) and writes the verdicts and the
latency distributions side by side as Markdown.

    PYTHONPATH=build/python tests/live/fidelity.py                       # table on stdout
    PYTHONPATH=build/python tests/live/fidelity.py --loopback --update docs/fidelity.md

--loopback also runs live without emulated latency: what mosquitto, Paho and the live loop
add by themselves.
--update replaces the block between the "fidelity:begin" and "fidelity:end" markers of that
file (the prose around it stays). Exit code 0 when both runs give the same verdict for every
guarantee, 1 when they differ, 2 on bad usage. Each live run takes the scenario's
duration + settle in real time (tests/live/data/fidelity.yaml: 75 s). See docs/fidelity.md.
"""
import argparse
import datetime
import os
import pathlib
import re
import shlex
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_SCENARIO = HERE / "data" / "fidelity.yaml"
GROUPS = ("qos0", "qos1", "qos2", "all")
PERCENTILES = (("p50", "p50_s"), ("p90", "p90_s"), ("p99", "p99_s"))

sys.path.insert(0, str(HERE))
import mqttbed  # noqa: E402  (PYTHONPATH=<build>/python)
from mosquitto import Mosquitto  # noqa: E402


def run_live(scenario, out_dir, seed=None, emulate_latency=True, mosquitto_config=""):
    """The scenario live against a fresh mosquitto (one broker, one run): (result, version)."""
    with Mosquitto(extra_config=mosquitto_config) as broker:
        result = mqttbed.run(scenario, seed=seed, out_dir=out_dir, html=False, broker=broker.url,
                             emulate_latency=emulate_latency)
        version = re.search(r"mosquitto version (\S+)", broker.log())
    return result, version.group(1) if version else "?"


def run_both(scenario, out_dir, seed=None, mosquitto_config=""):
    """The scenario simulated, then live with its latency emulated: (sim, live, version)."""
    out_dir = pathlib.Path(out_dir)
    sim = mqttbed.run(scenario, seed=seed, out_dir=out_dir / "sim", html=False)
    live, version = run_live(scenario, out_dir / "live", seed, mosquitto_config=mosquitto_config)
    return sim, live, version


def verdict_rows(sim, live):
    """[(guarantee, sim Verdict or None, live Verdict or None)] in the scenario's order."""
    names = [v.guarantee for v in sim.verdicts]
    names += [v.guarantee for v in live.verdicts if v.guarantee not in names]
    return [(name, sim.verdict(name), live.verdict(name)) for name in names]


def verdicts_agree(sim, live):
    return all(s is not None and l is not None and s.passed == l.passed
               for _, s, l in verdict_rows(sim, live))


def _ms(seconds):
    return "—" if seconds is None else f"{seconds * 1e3:.1f}"


def _delta_ms(a, b):
    return "—" if a is None or b is None else f"{(b - a) * 1e3:+.1f}"


def _verdict_cell(verdict):
    if verdict is None:
        return "—"
    counts = verdict.counts
    return f"{'pass' if verdict.passed else 'FAIL'} ({counts.get('checked', 0)} checked)"


def markdown(sim, live, scenario_label, command, broker_version, loopback=None):
    lines = [f"Scenario `{scenario_label}`, seed {sim.scenario['seed']}; live against mosquitto "
             f"{broker_version} on 127.0.0.1 with the scenario's latency emulated by the fault "
             f"proxy. Generated {datetime.date.today().isoformat()} by",
             "", "```sh", command, "```", "",
             f"Load average when it finished: {os.getloadavg()[0]:.1f} (2 cores).", "",
             "| guarantee | simulation | live | agree |", "|---|---|---|---|"]
    for name, s, l in verdict_rows(sim, live):
        agree = s is not None and l is not None and s.passed == l.passed
        lines.append(f"| {name} | {_verdict_cell(s)} | {_verdict_cell(l)} | "
                     f"{'yes' if agree else '**NO**'} |")
    lines += ["", "End-to-end message latency (the publisher's `publish_sent` → each "
              "subscriber's `delivered`), milliseconds; Δ = live − simulation:", "",
              "| QoS | messages sim / live | " + " | ".join(
                  f"{p} sim | {p} live | {p} Δ" for p, _ in PERCENTILES) + " | max sim / live |",
              "|---|---|" + "---|---|---|" * len(PERCENTILES) + "---|"]
    for group in GROUPS:
        a, b = sim.metrics.latency(group), live.metrics.latency(group)
        cells = []
        for _, attr in PERCENTILES:
            x, y = getattr(a, attr), getattr(b, attr)
            cells += [_ms(x), _ms(y), _delta_ms(x, y)]
        lines.append(f"| {group} | {a.count} / {b.count} | " + " | ".join(cells) +
                     f" | {_ms(a.max_s)} / {_ms(b.max_s)} |")
    if loopback is not None:
        lines += ["", "The same live run without `emulate_latency` (loopback only: what mosquitto, "
                  "Paho and mqttbed's loop add by themselves), milliseconds:", "",
                  "| QoS | messages | p50 | p90 | p99 | max |", "|---|---|---|---|---|---|"]
        for group in GROUPS:
            h = loopback.metrics.latency(group)
            lines.append(f"| {group} | {h.count} | {_ms(h.p50_s)} | {_ms(h.p90_s)} | "
                         f"{_ms(h.p99_s)} | {_ms(h.max_s)} |")
        lines.append("")
        lines.append("Verdicts of that run: " + ("all pass" if loopback.passed else ", ".join(
            f"{v.guarantee} FAILED" for v in loopback.failed)) + ".")
    return "\n".join(lines) + "\n"


def update_block(path, block):
    """Replaces the text between <!-- fidelity:begin --> and <!-- fidelity:end --> in `path`."""
    text = pathlib.Path(path).read_text()
    pattern = re.compile(r"(<!-- fidelity:begin -->\n).*?(<!-- fidelity:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no <!-- fidelity:begin --> ... <!-- fidelity:end --> block")
    pathlib.Path(path).write_text(pattern.sub(lambda m: m.group(1) + block + m.group(2), text))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    parser.add_argument("--seed", type=int)
    parser.add_argument("--out", default="runs/fidelity", help="where both runs' reports go")
    parser.add_argument("--loopback", action="store_true",
                        help="also run live without emulated latency (loopback's own latency)")
    parser.add_argument("--mosquitto-config", metavar="LINE", action="append", default=[],
                        help="one more mosquitto.conf line, e.g. 'set_tcp_nodelay true' "
                             "(repeatable)")
    parser.add_argument("--update", metavar="FILE",
                        help="replace the fidelity:begin/end block of FILE with the tables")
    args = parser.parse_args()
    scenario = mqttbed.Scenario.load(args.scenario)
    extra = "".join(line + "\n" for line in args.mosquitto_config)
    sim, live, version = run_both(scenario, args.out, args.seed, mosquitto_config=extra)
    loopback = None
    if args.loopback:
        loopback, _ = run_live(scenario, pathlib.Path(args.out) / "loopback", args.seed,
                               emulate_latency=False, mosquitto_config=extra)
    label = os.path.relpath(args.scenario, ROOT)
    command = "PYTHONPATH=build/python tests/live/fidelity.py " + " ".join(
        shlex.quote(a) for a in sys.argv[1:])
    if args.mosquitto_config:
        version += " (with " + ", ".join(f"`{line}`" for line in args.mosquitto_config) + ")"
    block = markdown(sim, live, label, command.strip(), version, loopback)
    if args.update:
        update_block(args.update, block)
        print(f"updated {args.update}", file=sys.stderr)
    else:
        sys.stdout.write(block)
    agree = verdicts_agree(sim, live)
    if not agree:
        print("the verdicts differ", file=sys.stderr)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
