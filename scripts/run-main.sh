#!/usr/bin/env bash
# Quick start, first command: install, build, and run kiln's main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
./build/release/examples/kiln_example
