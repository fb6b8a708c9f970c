#!/usr/bin/env bash
# A live fleet at scale in one `mqttbed run` (which splits it across processes, one per
# 1,000 devices by default; docs/live.md "Large fleets") against a mosquitto of its own:
# tests/live/data/live-scale.yaml (six clients per home: gateway, 2 lights, 2 QoS 1 sensors,
# an app; 30 s of workload + 15 s of settle, no faults) with `homes:` set, judged by every
# checker. Figures and history: bench/RESULTS.md ("Live"), docs/live.md ("Measured ceiling").
#
#   bench/run_live_scale.sh [BUILD_DIR] [HOMES] [-- extra mqttbed run flags]
#
# BUILD_DIR defaults to build, HOMES to 1667 (10,002 devices + the shadow service). Starts
# mosquitto on a free 127.0.0.1 port with no connection cap and its open-file limit at the
# hard limit, runs `mqttbed run` under /usr/bin/time -v (CPU and RSS: max_rss_kb is the
# largest single process; CPU counts every process), samples the descriptors and threads of
# mqttbed's processes every second, prints the verdicts and a summary line, stops the broker;
# the run folder (report.json, logs) stays in /tmp for a look.
# Environment: SCENARIO=FILE scales another scenario (its `  homes:` line is replaced);
# FAULTS=1 appends partitions, ungraceful disconnects, reboots and latency spikes on the
# first 150 homes.
# Exit status: mqttbed's (0 = every guarantee held).
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
homes=${2:-1667}
shift $(($# >= 2 ? 2 : $#))
[[ ${1:-} == -- ]] && shift
mqttbed="$build/mqttbed"
[[ -x $mqttbed ]] || { echo "no $mqttbed (build the project first)" >&2; exit 2; }
command -v mosquitto >/dev/null || { echo "needs mosquitto" >&2; exit 2; }

work=$(mktemp -d /tmp/mqttbed-live-scale-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
max_connections -1
max_queued_messages 10000
persistence false
log_dest stdout
log_type error
log_type warning
EOF
sed "s/^  homes: .*/  homes: $homes/" "${SCENARIO:-$here/tests/live/data/live-scale.yaml}" >"$work/scale.yaml"
if [[ -n ${FAULTS:-} ]]; then
  # Network and device faults on ~9 % of the homes: only their devices go through the fault
  # proxy (3 descriptors each), the rest connect straight to the broker.
  cat >>"$work/scale.yaml" <<EOF

faults:
  - {at: 8s, for: 10s, kind: partition, target: "homes[0:50]"}
  - {at: 6s, for: 8s, kind: disconnect, target: "homes[50:80]"}
  - {at: 10s, for: 4s, kind: device_reboot, target: "homes[80:100]"}
  - {at: 5s, for: 10s, kind: latency_spike, extra_latency: 300ms, target: "homes[100:150]"}
EOF
fi
devices=$((homes * 6))

# The broker holds one descriptor per client: its soft limit goes to the hard limit.
(ulimit -n "$(ulimit -Hn)"; exec mosquitto -c "$work/mosquitto.conf") >"$work/mosquitto.log" 2>&1 &
broker=$!
cleanup() { kill "$broker" 2>/dev/null; wait "$broker" 2>/dev/null; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q " running" "$work/mosquitto.log" 2>/dev/null && break; sleep 0.05; done

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); open files hard limit $(ulimit -Hn)"
echo "broker: $(mosquitto -h 2>&1 | head -1), tcp://127.0.0.1:$port; fleet: $homes homes, $devices devices + the shadow service"
echo "mqttbed run flags: ${*:-(none)}"

/usr/bin/time -v -o "$work/time.txt" "$mqttbed" run "$work/scale.yaml" --quiet --no-html \
  --broker "tcp://127.0.0.1:$port" --out "$work/out" "$@" >"$work/run.txt" 2>&1 &
timer=$!
# Peaks of the mqttbed processes (the child of /usr/bin/time and the processes it forks for a
# sharded run): descriptors and threads per process and in all, and how many processes.
peak_fds=0 peak_threads=0 peak_total_fds=0 peak_total_threads=0 peak_processes=0 pid=""
while kill -0 "$timer" 2>/dev/null; do
  [[ -z $pid ]] && pid=$(pgrep -P "$timer" -x mqttbed || true)
  if [[ -n $pid && -d /proc/$pid ]]; then
    total_fds=0 total_threads=0 processes=0
    for p in $pid $(pgrep -P "$pid" -x mqttbed); do
      fds=$(ls "/proc/$p/fd" 2>/dev/null | wc -l)
      threads=$(awk '/^Threads:/ {print $2}' "/proc/$p/status" 2>/dev/null)
      threads=${threads:-0}
      ((fds > peak_fds)) && peak_fds=$fds
      ((threads > peak_threads)) && peak_threads=$threads
      total_fds=$((total_fds + fds)) total_threads=$((total_threads + threads))
      processes=$((processes + 1))
    done
    ((total_fds > peak_total_fds)) && peak_total_fds=$total_fds
    ((total_threads > peak_total_threads)) && peak_total_threads=$total_threads
    ((processes > peak_processes)) && peak_processes=$processes
  fi
  sleep 1
done
wait "$timer"
status=$?
broker_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$broker/stat")

cat "$work/run.txt"
field() { awk -F': ' -v key="$1" '$1 ~ key {print $2}' "$work/time.txt" | head -1; }
echo "summary: devices=$devices exit=$status user_s=$(field 'User time') sys_s=$(field 'System time')" \
     "wall=$(field 'Elapsed') max_rss_kb=$(field 'Maximum resident') processes=$peak_processes" \
     "peak_fds_per_process=$peak_fds peak_fds_total=$peak_total_fds" \
     "peak_threads_per_process=$peak_threads peak_threads_total=$peak_total_threads" \
     "broker_cpu_s=$broker_cpu"
if [[ -f $work/out/report.json ]]; then
  python3 - "$work/out/report.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
lat = report["metrics"]["latency"]["all"]
ms = lambda key: f"{lat[key] * 1e3:.1f}" if lat.get(key) is not None else "-"
print(f"delivery latency (publish_sent -> delivered): {lat['count']} deliveries, p50 {ms('p50_s')} ms,"
      f" p90 {ms('p90_s')} ms, p99 {ms('p99_s')} ms, max {ms('max_s')} ms")
EOF
fi
grep -v " running\| starting\|Config loaded\|Opening ipv" "$work/mosquitto.log" | head -5
echo "(run folder: $work)"
exit "$status"
