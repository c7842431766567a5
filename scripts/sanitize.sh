#!/usr/bin/env bash
# Runs the test suites under the sanitizers:
#   scripts/sanitize.sh asan   the whole fast suite under AddressSanitizer + UBSan (asan preset)
#   scripts/sanitize.sh tsan   the parallel-kernel, determinism and emulator tests under
#                              ThreadSanitizer (tsan preset; its test preset names them)
#   scripts/sanitize.sh        both
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-all}" in
  asan) presets=(asan) ;;
  tsan) presets=(tsan) ;;
  all) presets=(asan tsan) ;;
  *)
    echo "usage: scripts/sanitize.sh [asan|tsan|all]" >&2
    exit 2
    ;;
esac

# halt_on_error: the first report fails the test that made it, as the UBSan flags already do.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
for preset in "${presets[@]}"; do
  echo "== $preset"
  scripts/build.sh "$preset"
  ctest --preset "$preset"
done
