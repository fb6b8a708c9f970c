#!/bin/sh
# Fleet benchmark: 1k, 10k and 100k devices for one virtual hour, mqttbed (with and without
# checkers) and the bare SimGrid baseline, each in its own process. Prints one line a run.
# Usage: bench/run_fleet_bench.sh [BUILD_DIR] [SIZES...]
set -eu
build=${1:-build}
shift || true
sizes=${*:-"1000 10000 100000"}
for n in $sizes; do
  for mode in baseline mqttbed-nochecks mqttbed; do
    "$build/bench/fleet_bench" "$mode" "$n"
  done
done
