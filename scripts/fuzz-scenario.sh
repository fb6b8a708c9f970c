#!/bin/sh
# Fuzzes the scenario loader: builds tests/fuzz/scenario_fuzz.cpp with the loader sources
# (clang++, libFuzzer + AddressSanitizer + UBSan) into build/fuzz/ and runs it for the given
# number of seconds (default 20), seeded with scenarios/*.yaml. Exit status is non-zero when
# the fuzzer finds a crash, leak, sanitizer report or an exception other than ScenarioError;
# the reproducer is written to build/fuzz/crash-*.  Usage: scripts/fuzz-scenario.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-20}"
out=build/fuzz
binary="$out/scenario_fuzz"
mkdir -p "$out/corpus"

# The loader reads policy: through sim/policy (no dependency of its own).
sources="$(ls sim/scenario/*.cpp sim/policy/*.cpp) tests/scenario/test_catalog.cpp tests/fuzz/scenario_fuzz.cpp"
# Rebuild only when a source or header changed since the last build.
if [ ! -x "$binary" ] || [ -n "$(find sim/scenario sim/policy tests/fuzz tests/scenario/test_catalog.* \
    -newer "$binary" -print -quit)" ]; then
  echo "fuzz-scenario: building $binary"
  # shellcheck disable=SC2086  # word splitting of $sources is intended
  clang++ -std=c++20 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I. $sources -lyaml-cpp -o "$binary"
fi

cp scenarios/*.yaml "$out/corpus/"
echo "fuzz-scenario: running for ${seconds}s (corpus $out/corpus)"
# -rss_limit_mb bounds memory per input; -timeout flags any input taking over 10s.
exec "$binary" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -dict=tests/fuzz/scenario.dict -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus"
