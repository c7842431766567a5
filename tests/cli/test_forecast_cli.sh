#!/usr/bin/env bash
# kiln's forecasting commands end to end on the generated series: a training run with its
# metrics, results, best weights and the files reports read (run.json, steps.csv,
# examples.json); exact resumption after a stop mid-epoch; eval writing
# the forecasts; the benchmark matrix, skipping finished cells when run again; and bad inputs
# refused with one clear line and nothing written.
# Usage: test_forecast_cli.sh path/to/kiln
set -uo pipefail
kiln="$1"
source "$(dirname "$0")/cli_checks.sh"

"$kiln" train forecast --help | grep -q "dlinear" || fail "train forecast --help lists no dlinear"
"$kiln" forecast benchmark --help >/dev/null || fail "forecast benchmark --help"

base=(--model dlinear --lookback 48 --horizon 24 --batch-size 256)
small=("${base[@]}" --epochs 2)
"$kiln" train forecast "${small[@]}" --out "$work/straight" >"$work/straight.log" 2>&1 \
  || fail "forecast run: $(cat "$work/straight.log")"
grep -q "model {" "$work/straight.log" || fail "the run does not print its settings"
[ "$(wc -l <"$work/straight/metrics.csv")" -eq 3 ] || fail "metrics.csv should have a header and 2 rows"
[ -f "$work/straight/best.safetensors" ] && [ -f "$work/straight/results.json" ] \
  || fail "no best weights or results"
grep -q '"reported_mode": "drop_last"' "$work/straight/results.json" \
  || fail "results lack the recipe's drop_last mode"
steps="$(tail -n 1 "$work/straight/metrics.csv" | cut -d, -f2)"
check_run_files "$work/straight" forecast "$steps"
# The best epoch's forecasts: 3 test windows x 3 of the 7 channels, the target first.
best_epoch="$(grep -o '"best_epoch": [0-9]*' "$work/straight/results.json" | grep -o '[0-9]*$')"
grep -q "^{\"epoch\":$best_epoch," "$work/straight/examples.json" \
  || fail "examples.json is not the best epoch's ($best_epoch)"
[ "$(count_of '"channel":' "$work/straight/examples.json")" -eq 9 ] \
  && [ "$(count_of '"channel":"OT"' "$work/straight/examples.json")" -eq 3 ] \
  || fail "examples.json should hold 3 windows of 3 channels"

# Stopped in the middle of the first epoch and resumed: the same rows and the same test scores.
"$kiln" train forecast "${small[@]}" --out "$work/resumed" --stop-at-step 20 >/dev/null \
  || fail "stopped forecast run"
[ ! -f "$work/resumed/metrics.csv" ] || fail "the stopped run should have no metrics row yet"
[ "$(tail -n 1 "$work/resumed/steps.csv" | cut -d, -f1)" = 20 ] \
  || fail "the stopped run's steps.csv should end at step 20"
"$kiln" train forecast --out "$work/resumed" --resume >/dev/null || fail "resumed forecast run"
check_run_files "$work/resumed" forecast "$steps"
cmp -s "$work/straight/steps.csv" "$work/resumed/steps.csv" || fail "resumed steps.csv differs"
cmp -s "$work/straight/examples.json" "$work/resumed/examples.json" \
  || fail "resumed examples.json differs"
diff <(cut -d, -f1-9 "$work/straight/metrics.csv") <(cut -d, -f1-9 "$work/resumed/metrics.csv") \
  || fail "resumed forecast run differs from the straight one"
diff <(grep -A3 '"test"' "$work/straight/results.json") \
  <(grep -A3 '"test"' "$work/resumed/results.json") || fail "resumed test scores differ"

# The schedules: the rate each epoch leaves for the next (Time-Series-Library's
# adjust_learning_rate): type1 halves it from the second epoch on, type3 keeps it for three.
"$kiln" train forecast "${base[@]}" --epochs 3 --lr 0.01 --patience 9 --out "$work/type1" \
  >/dev/null || fail "type1 run"
[ "$(cut -d, -f9 "$work/type1/metrics.csv" | tr '\n' ' ')" = "lr 0.01 0.005 0.0025 " ] \
  || fail "type1 rates: $(cut -d, -f9 "$work/type1/metrics.csv" | tr '\n' ' ')"
"$kiln" train forecast "${base[@]}" --epochs 5 --lr 0.01 --patience 9 --lradj type3 \
  --out "$work/type3" >/dev/null || fail "type3 run"
[ "$(cut -d, -f9 "$work/type3/metrics.csv" | tr '\n' ' ')" = "lr 0.01 0.01 0.01 0.009 0.0081 " ] \
  || fail "type3 rates: $(cut -d, -f9 "$work/type3/metrics.csv" | tr '\n' ' ')"

"$kiln" eval forecast --out "$work/straight" >"$work/eval.log" || fail "eval forecast"
grep -Eq "test MSE [0-9.]+, MAE [0-9.]+ over [0-9]+ windows \(all\); drop_last \(batch 256\)" \
  "$work/eval.log" || fail "eval forecast prints no scores: $(cat "$work/eval.log")"
[ -f "$work/straight/test_predictions.npy" ] && [ -f "$work/straight/test_truth.npy" ] \
  || fail "eval forecast wrote no forecasts"

"$kiln" forecast benchmark --models dlinear --horizons 24,48 --epochs 1 --out "$work/bench" \
  >"$work/bench.log" || fail "forecast benchmark"
grep -q "| generated | 48 |" "$work/bench/results.md" || fail "results.md lacks a cell"
cell="$work/bench/generated/dlinear-24"
check_run_files "$cell" forecast "$(tail -n 1 "$cell/metrics.csv" | cut -d, -f2)"
[ "$(wc -l <"$work/bench/results.csv")" -eq 3 ] || fail "results.csv should have 2 cells"
"$kiln" forecast benchmark --models dlinear --horizons 24,48 --epochs 1 --out "$work/bench" \
  >/dev/null || fail "forecast benchmark again"
[ "$(wc -l <"$work/bench/generated/dlinear-24/metrics.csv")" -eq 2 ] \
  || fail "a finished cell was trained again"

printf 'date,a,b\n2016-07-01 00:00:00,1,2\n2016-07-01 01:00:00,3\n' >"$work/ragged.csv"
expect_error "ragged csv" "ragged.csv.*row 3" \
  "$kiln" train forecast --model dlinear --data "$work/ragged.csv" --out "$work/x"
expect_error "horizon past the test split" "window" \
  "$kiln" train forecast --model dlinear --horizon 5000 --out "$work/x"
expect_error "unknown hyperparameter" "dlinear has no hyperparameter 'd_modle'" \
  "$kiln" train forecast --model dlinear --set d_modle=8 --out "$work/x"
expect_error "look-back shorter than a patch" "patch" \
  "$kiln" train forecast --model patchtst --lookback 8 --horizon 24 --out "$work/x"
expect_error "unknown model" "--model: arima not in" "$kiln" train forecast --model arima
expect_error "eval of nothing" "no checkpoint at" "$kiln" eval forecast --out "$work/none"
# Settings edited in a checkpoint (each edit keeps the header's length): a float where an integer
# belongs was cast, undefined beyond the integer's range (found by fuzz_forecast_settings);
# values the command line refuses are refused from a file too.
edited_settings() {
  rm -rf "$work/edited" && cp -r "$work/straight" "$work/edited"
  sed -i "s/$1/$2/" "$work/edited/checkpoint.safetensors"
}
edited_settings '\\"seed\\":2021' '\\"seed\\":9e99'
expect_error "a float seed" "forecast settings: seed holds 9e\\+99, not an integer" \
  "$kiln" eval forecast --out "$work/edited"
edited_settings '\\"horizon\\":24' '\\"horizon\\":-4'
expect_error "a negative horizon" "lookback and horizon must be positive, got 48 and -4" \
  "$kiln" eval forecast --out "$work/edited"
[ ! -e "$work/x" ] || fail "a refused run wrote its directory"

finish_checks "all kiln forecasting command-line checks passed"
