#!/usr/bin/env bash
# Quick start, first command: install, build, and run kiln's main job: train the reference
# Transformer to reverse digit sequences (to 100% held-out exact match in about a minute on
# 2 cores), with progress, metrics and checkpoints in a fresh runs/ directory.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
./build/release/tools/kiln train reverse --out "runs/reverse-$(date +%Y%m%d-%H%M%S)" "$@"
