#!/bin/sh
# Quick start, step 1: install dependencies, build, run the default scenario in simulation.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/mqttbed run scenarios/default.yaml
