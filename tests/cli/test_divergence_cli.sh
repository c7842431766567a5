#!/usr/bin/env bash
# A diverging run stops with one clear line and costs nothing saved: a non-finite loss names
# its step and epoch and points to --detect-anomaly; weights gone non-finite are never saved;
# the last good checkpoint stays byte for byte and still resumes. --detect-anomaly names the
# op (and module) that first produced NaN or Inf, and changes nothing in a healthy run.
# Usage: test_divergence_cli.sh path/to/kiln
set -uo pipefail
kiln="$1"
source "$(dirname "$0")/cli_checks.sh"

for command in "train" "train tsp" "train forecast"; do
  # shellcheck disable=SC2086
  "$kiln" $command --help >"$work/help.txt"
  grep -q -- "--detect-anomaly" "$work/help.txt" || fail "$command --help lacks --detect-anomaly"
done

# Adam moves every weight by about --lr per step: at 1e30 the first step leaves them finite
# (a good checkpoint), and the second step's loss overflows float32.
forecast=(--model dlinear --lookback 48 --horizon 24 --batch-size 256 --epochs 2)
"$kiln" train forecast "${forecast[@]}" --lr 1e30 --out "$work/diverged" --stop-at-step 1 \
  >/dev/null || fail "the first step should save a checkpoint"
cp "$work/diverged/checkpoint.safetensors" "$work/good.safetensors"
cp "$work/diverged/steps.csv" "$work/good-steps.csv"
expect_error "diverging loss" \
  "training stopped: the loss is infinite at step 2 \(epoch 1\); the last checkpoint is kept.*--detect-anomaly" \
  "$kiln" train forecast --out "$work/diverged" --resume
cmp -s "$work/good.safetensors" "$work/diverged/checkpoint.safetensors" \
  || fail "the diverged run changed its last good checkpoint"
cmp -s "$work/good-steps.csv" "$work/diverged/steps.csv" || fail "the diverged run changed steps.csv"

# With anomaly detection the same step names the op that overflowed instead (the loss's square,
# outside any module).
expect_error "anomaly in the diverging step" "^kiln: error: square produced Inf in its output$" \
  "$kiln" train forecast --out "$work/diverged" --resume --detect-anomaly
cmp -s "$work/good.safetensors" "$work/diverged/checkpoint.safetensors" \
  || fail "the anomaly run changed the last good checkpoint"
"$kiln" train forecast --out "$work/diverged" --resume --stop-at-step 1 >"$work/reload.log" 2>&1 \
  || fail "the kept checkpoint does not resume: $(cat "$work/reload.log")"

# At 1e39 (beyond float32) the first update makes the weights infinite while its loss was
# finite: saving them is refused and no checkpoint appears.
expect_error "non-finite weights" \
  "training stopped after step 1: [A-Za-z_.0-9]+ holds (NaN|Inf|-Inf), so nothing is saved over '.*/checkpoint.safetensors'" \
  "$kiln" train forecast "${forecast[@]}" --lr 1e39 --out "$work/infinite" --stop-at-step 1
[ ! -f "$work/infinite/checkpoint.safetensors" ] || fail "non-finite weights were saved"

# A healthy run is the same run with and without anomaly detection.
tiny=(--d-model 16 --heads 2 --layers 1 --steps-per-epoch 3 --epochs 1 --eval-size 8)
"$kiln" train copy "${tiny[@]}" --out "$work/plain" >/dev/null || fail "plain sequence run"
"$kiln" train copy "${tiny[@]}" --out "$work/checked" --detect-anomaly >/dev/null \
  || fail "sequence run with --detect-anomaly"
cmp -s "$work/plain/steps.csv" "$work/checked/steps.csv" || fail "--detect-anomaly changed the run"
tsp=(--nodes 6 --embedding-dim 16 --layers 1 --heads 2 --epoch-size 64 --batch-size 32 --epochs 1
  --val-size 16)
"$kiln" train tsp "${tsp[@]}" --out "$work/tsp" --detect-anomaly >/dev/null \
  || fail "tsp run with --detect-anomaly"

finish_checks "all kiln divergence command-line checks passed"
