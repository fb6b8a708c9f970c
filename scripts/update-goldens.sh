#!/bin/sh
# Regenerates tests/scenarios/golden/<name>.json for every scenario in scenarios/ from the
# built binary (build/mqttbed, or $MQTTBED_BINARY). Review the diff and commit it with the
# change that altered behaviour; ctest's scenario_golden_* tests compare against these.
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 tests/scenarios/golden_summary.py --update \
  --mqttbed "${MQTTBED_BINARY:-build/mqttbed}" scenarios/*.yaml
