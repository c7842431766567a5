#!/usr/bin/env bash
# Quick start, second command: install, build, and run the whole test suite (tests
# labelled `slow` run separately: scripts/test.sh --slow).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
if [ "${1:-}" = "--slow" ]; then
  ctest --test-dir build/release -L slow --output-on-failure
else
  ctest --preset release
fi
