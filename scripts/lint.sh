#!/bin/sh
# Formatting and lint, run by scripts/test.sh: clang-format over every C++ source (no change
# allowed) and clang-tidy with the checked-in .clang-tidy over the .cpp files the last commit
# changed in the engine (sim/, devices/, python/; a merge commit: none; `scripts/lint.sh --all`:
# every engine file, ~8 CPU-s each).
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files '*.h' '*.cpp' 2>/dev/null || find sim devices python tests bench reports -name '*.h' -o -name '*.cpp')
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files
echo "clang-format: $(echo "$files" | wc -w) files clean"
if [ ! -f build/compile_commands.json ]; then
  echo "clang-tidy: skipped (no build/compile_commands.json yet)"
  exit 0
fi
if [ "${1:-}" = "--all" ]; then
  tidy=$(echo "$files" | tr ' ' '\n' | grep -E '^(sim|devices|python)/.*\.cpp$')
else
  tidy=$(git diff-tree --no-commit-id --name-only -r HEAD -- 'sim/*.cpp' 'devices/*.cpp' \
    'python/*.cpp' 2>/dev/null || true)
fi
tidy=$(for f in $tidy; do [ -f "$f" ] && echo "$f"; done)
if [ -z "$tidy" ]; then
  echo "clang-tidy: no changed .cpp files"
  exit 0
fi
echo "$tidy" | xargs -P "$(nproc)" -n 4 clang-tidy -p build --quiet --warnings-as-errors='*' 2>/dev/null
echo "clang-tidy: $(echo "$tidy" | wc -l) files clean"
