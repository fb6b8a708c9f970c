#!/bin/sh
# Quick start, step 2: the whole test suite (installs and builds first if needed).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/lint.sh
cd build
ctest --output-on-failure -j"$(nproc)"
