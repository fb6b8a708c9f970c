#!/bin/bash
# A run unsharded or sharded, with CPU seconds (user + sys, shards included), wall time and
# peak memory: the largest single process (GNU time's %M covers the coordinator and, as
# the biggest waited-for child, a shard) and the peak of all of the run's processes together
# (sampled every 0.5 s: coordinator + shards at once).
#   bench/run_shard_bench.sh BUILD SCENARIO SHARDS [more mqttbed run flags]
set -euo pipefail
build=$1 scenario=$2 shards=$3
shift 3
out=$(mktemp -d /tmp/shard-bench-XXXXXX)
/usr/bin/time -f "%e %U %S %M" -o "$out/time" \
  "$build/mqttbed" run "$scenario" --quiet --no-html --shards "$shards" --out "$out/run" "$@" \
  > "$out/stdout" &
timer=$!
sleep 0.2
run=$(pgrep -P "$timer" mqttbed || true)
peak=0
while kill -0 "$timer" 2>/dev/null; do
  if [ -n "$run" ]; then
    total=$(ps -o rss= --pid "$run" --ppid "$run" 2>/dev/null | awk '{s += $1} END {print s + 0}')
    [ "$total" -gt "$peak" ] && peak=$total
  fi
  sleep 0.5
done
wait "$timer" || true
read -r wall user sys maxrss < "$out/time"
printf 'shards=%s wall_s=%s cpu_s=%.1f max_process_rss_mib=%d all_processes_peak_rss_mib=%d load=%s\n' \
  "$shards" "$wall" "$(echo "$user + $sys" | bc)" $((maxrss / 1024)) $((peak / 1024)) \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
grep -E "^(PASS|FAIL|PASSED|FAILED)" "$out/stdout" | cut -c1-60
rm -rf "$out"
