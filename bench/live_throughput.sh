#!/usr/bin/env bash
# Live publish throughput and latency through mosquitto: mqttbed's live runtime
# (build/bench/live_throughput) next to mosquitto's own clients (mosquitto_pub/_sub), same
# broker, same run, same machine. Figures and how to read them: bench/RESULTS.md, "Live".
#
#   bench/live_throughput.sh [BUILD_DIR] [MESSAGES] [RATE] [WINDOW]
#
# BUILD_DIR (default build) holds bench/live_throughput; MESSAGES (default 100000) for the
# full-speed runs, with WINDOW (default 20, mosquitto_pub's default) QoS 1 publishes
# unacknowledged; RATE (default 1000 msgs/s, 10 s) for the latency runs. PUBLISHERS=N in
# the environment adds a run of N publisher connections in one process sharing RATE (mqttbed
# only: mosquitto_pub is one connection per process). Starts its own mosquitto on a free
# 127.0.0.1 port (unlimited queue, so nothing is dropped) and stops it. Every run: QoS 1,
# 64-byte payloads, one subscriber on bench/#, one publisher unless PUBLISHERS is set.
# Needs: mosquitto, mosquitto-clients, python3.
set -euo pipefail

build=${1:-build}
messages=${2:-100000}
rate=${3:-1000}
window=${4:-20}
publishers=${PUBLISHERS:-0}
rate_messages=$((rate * 10))
bench="$build/bench/live_throughput"
[[ -x $bench ]] || { echo "no $bench (build the project first)" >&2; exit 2; }
for tool in mosquitto mosquitto_pub mosquitto_sub python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

work=$(mktemp -d /tmp/mqttbed-throughput-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
max_queued_messages 0
persistence false
log_dest stdout
EOF
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "running" "$work/mosquitto.log" 2>/dev/null && break; sleep 0.05; done
url="tcp://127.0.0.1:$port"

# Broker CPU seconds so far (utime + stime of the mosquitto process).
broker_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$broker/stat"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "broker: $(mosquitto -h 2>&1 | head -1) on $url"
echo

# mosquitto_pub -l publishes one message per stdin line; mosquitto_sub -F '%U %p' prints the
# receive time (Unix, ns) and the payload, whose first word is the send time. `mode` full:
# lines as fast as the pipe takes them; rate: python writes RATE lines/s, stamped as written.
# The line generator for mosquitto_pub -l, and the subscriber's figures.
cat >"$work/generate.py" <<'EOF'
import sys, time
mode, count, rate, received = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
pad = "x" * 40
out = sys.stdout
t0 = time.time()
for i in range(count):
    if mode == "rate":
        due = t0 + i / rate
        now = time.time()
        if due > now:
            time.sleep(due - now)
    out.write(f"{time.time_ns()} {pad}\n")
    if mode == "rate":
        out.flush()
out.flush()
# mosquitto_pub -l drops what it still queues when stdin closes: keep it open until the
# subscriber has everything (or a minute passes).
deadline = time.time() + 60
while time.time() < deadline:
    with open(received, "rb") as f:
        if sum(1 for _ in f) >= count:
            break
    time.sleep(0.2)
EOF
cat >"$work/figures.py" <<'EOF'
import sys
path, start, broker_cpu, mode, count, client_cpu = sys.argv[1:7]
start, broker_cpu, count = float(start), float(broker_cpu), int(count)
received, lat, last = 0, [], 0.0
for line in open(path):
    parts = line.split()
    if len(parts) < 2:
        continue
    received += 1
    recv_s = float(parts[0])
    last = max(last, recv_s)
    lat.append((recv_s - int(parts[1]) / 1e9) * 1e3)
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
seconds = last - start
line = f"mosquitto_pub|sub  {mode}  received={received}/{count} seconds={seconds:.3f} msgs_per_s={received / seconds:.0f}"
if mode == "rate":
    line += f" lat_p50_ms={pct(.5):.3f} lat_p90_ms={pct(.9):.3f} lat_p99_ms={pct(.99):.3f} lat_max_ms={lat[-1]:.3f}"
print(line + f" {client_cpu} (pub+sub) broker_cpu_s={broker_cpu:.2f}")
EOF

mosquitto_clients() {
  local mode=$1 count=$2 topic=bench/mosq-$1
  local out="$work/sub-$mode.txt"
  /usr/bin/time -f "%U %S" -o "$work/sub-cpu" \
    mosquitto_sub -p "$port" -t "$topic" -q 1 -C "$count" -F '%U %p' >"$out" &
  local sub=$!
  sleep 0.5  # mosquitto_sub has no "subscribed" signal; it must be subscribed before we publish
  local cpu0 cpu1 start client_cpu
  cpu0=$(broker_cpu)
  start=$(date +%s.%N)
  python3 "$work/generate.py" "$mode" "$count" "$rate" "$out" |
    /usr/bin/time -f "%U %S" -o "$work/pub-cpu" \
      mosquitto_pub -p "$port" -t "$topic" -q 1 -M "$window" -l
  wait "$sub"
  cpu1=$(broker_cpu)
  client_cpu=$(cat "$work/pub-cpu" "$work/sub-cpu" |
               awk '{u += $1; s += $2} END {printf "cpu_user_s=%.2f cpu_sys_s=%.2f", u, s}')
  python3 "$work/figures.py" "$out" "$start" "$(python3 -c "print($cpu1 - $cpu0)")" "$mode" \
    "$count" "$client_cpu"
}

# mqttbed's bench: `one` process (publisher and subscriber on one loop, one Paho, as in a
# live run), or `two` (subscriber and publisher processes, as mosquitto_sub and _pub are).
mqttbed_client() {
  local mode=$1 count=$2 placement=$3
  local cpu0 cpu1 result flags=(--messages "$count" --qos 1)
  case $mode in
    fleet) flags+=(--publishers "$publishers" --rate "$rate" --timeout 120) ;;
    rate) flags+=(--rate "$rate") ;;
    *) flags+=(--window "$window") ;;
  esac
  cpu0=$(broker_cpu)
  if [[ $placement == one ]]; then
    result=$("$bench" "$url" "${flags[@]}")
  else
    local sub_out="$work/bench-sub.txt"
    "$bench" "$url" --role sub "${flags[@]}" >"$sub_out" &
    local sub=$!
    for _ in $(seq 200); do grep -q '^ready' "$sub_out" 2>/dev/null && break; sleep 0.05; done
    local pub_result
    pub_result=$("$bench" "$url" --role pub "${flags[@]}")
    wait "$sub"
    result="$(grep '^role=sub' "$sub_out") | ${pub_result#role=pub publishers=* qos=* payload=* rate=* }"
  fi
  cpu1=$(broker_cpu)
  echo "mqttbed ($placement process$([[ $placement == two ]] && echo es))  $mode  $result" \
       "broker_cpu_s=$(python3 -c "print(f'{$cpu1 - $cpu0:.2f}')")"
}

echo "== full speed, $messages messages (QoS 1, $window in flight) =="
mqttbed_client full "$messages" one
mqttbed_client full "$messages" two
mosquitto_clients full "$messages"
echo
echo "== $rate msgs/s for 10 s (QoS 1): latency publish -> delivery =="
mqttbed_client rate "$rate_messages" one
mqttbed_client rate "$rate_messages" two
mosquitto_clients rate "$rate_messages"
if ((publishers > 0)); then
  echo
  echo "== $publishers publishers sharing $rate msgs/s for 10 s (QoS 1), one subscriber =="
  mqttbed_client fleet $((rate * 10 / publishers)) one
fi
