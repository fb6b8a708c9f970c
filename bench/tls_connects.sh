#!/bin/sh
# Live connect rate with TLS client certificates against mosquitto configured by
# `mqttbed broker-config` (the plugin on every CONNECT), next to anonymous TLS: N sequential
# mosquitto_pub runs (TLS handshake + CONNECT + one QoS 0 PUBLISH + DISCONNECT; process start
# included). Usage: bench/tls_connects.sh BUILD [N=1000]
set -eu
build=$1
n=${2:-1000}
dir=$(mktemp -d)
chmod 755 "$dir"  # mosquitto started as root reads the files as user mosquitto
trap 'kill $broker 2>/dev/null || true; rm -rf "$dir"' EXIT
cat >"$dir/s.yaml" <<YAML
name: tls-connects
seed: 11
duration: 10s
fleet:
  homes: 1
  per_home: [{kind: gateway, count: 1}]
  per_account: [{kind: app, count: 1}]
identity: {certificate_lifetime: 175200h}
YAML
"$build/mqttbed" broker-config "$dir/s.yaml" --out "$dir/conf" --port 18883 >/dev/null
pki=$dir/conf/pki
run() {  # label, then mosquitto_pub arguments
  label=$1
  shift
  start=$(date +%s.%N)
  i=0
  while [ $i -lt "$n" ]; do
    mosquitto_pub -h 127.0.0.1 --cafile "$pki/ca.crt" -t platform/acct0/bench -m x -q 0 "$@"
    i=$((i + 1))
  done
  end=$(date +%s.%N)
  echo "$label: $(echo "$n / ($end - $start)" | bc -l | xargs printf '%.0f') connects/s"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
mosquitto -c "$dir/conf/mosquitto.conf" 2>"$dir/log" &
broker=$!
sleep 1
run "certificate + plugin" -p 18883 -i acct0-home0-gateway0 \
  --cert "$pki/clients/acct0-home0-gateway0.crt" --key "$pki/clients/acct0-home0-gateway0.key"
run "token + plugin      " -p 18884 -i acct0-app0 -u acct0-app0 -P "$(cat "$pki/clients/acct0-app0.jwt")"
kill $broker
wait $broker 2>/dev/null || true
printf 'listener 18885 127.0.0.1\nallow_anonymous true\ncafile %s\ncertfile %s\nkeyfile %s\n' \
  "$pki/ca.crt" "$pki/server.crt" "$pki/server.key" >"$dir/anon.conf"
mosquitto -c "$dir/anon.conf" 2>"$dir/log" &
broker=$!
sleep 1
run "anonymous TLS       " -p 18885 -i bench-anonymous
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
