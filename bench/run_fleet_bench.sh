#!/bin/sh
# Fleet benchmark: 1k, 10k and 100k devices for one virtual hour, mqttbed (with and without
# checkers) and the bare SimGrid baseline, each in its own process. Prints one line a run,
# and per size what checking added (issue 4's goal: < 20% of the wall time at 100k).
# Usage: bench/run_fleet_bench.sh [BUILD_DIR] [SIZES...]
set -eu
build=${1:-build}
shift || true
sizes=${*:-"1000 10000 100000"}
for n in $sizes; do
  for mode in baseline mqttbed-nochecks mqttbed; do
    "$build/bench/fleet_bench" "$mode" "$n"
  done | awk -v n="$n" '
    { print; fflush()
      for (i = 1; i <= NF; ++i) { split($i, kv, "="); f[kv[1]] = kv[2] }
      wall[f["mode"]] = f["wall_s"]; cpu[f["mode"]] = f["cpu_s"] }
    END { printf "devices=%s checking adds wall %+.1f%% cpu %+.1f%%\n", n,
          100 * (wall["mqttbed"] / wall["mqttbed-nochecks"] - 1),
          100 * (cpu["mqttbed"] / cpu["mqttbed-nochecks"] - 1) }'
done
