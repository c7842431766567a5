#!/usr/bin/env bash
# kiln sweep end to end on a tiny task (DLinear on the generated series, milliseconds an epoch):
# 8 trials under ASHA (1, 2 and 4 epochs, reduction factor 2) stop the worst, and the best
# trial's printed command trains it again to the same metric; a sweep killed with SIGKILL after a
# trial finished, while another runs, loses no finished trial from its journal and, resumed,
# ends with the same table as the uninterrupted sweep; two trials at once, stopped by SIGTERM and
# resumed; a sequence task paused and resumed as one straight run; bad specs refused naming the
# field, with nothing written.
# Usage: test_sweep_cli.sh path/to/kiln
set -uo pipefail
kiln="$(realpath "$1")"
example="$(realpath "$(dirname "$0")/../../docs/sweep-example.json")"
source "$(dirname "$0")/cli_checks.sh"

"$kiln" sweep --help | grep -q -- "--resume" || fail "sweep --help lists no --resume"
# The documented example is a good spec (checked, not run).
(cd "$work" && "$kiln" sweep "$example" --dry-run \
  >"$work/example.log" 2>&1) || fail "docs/sweep-example.json: $(tail -3 "$work/example.log")"
grep -q "^kiln sweep patchtst-etth1: 16 trials" "$work/example.log" || fail "example: no plan"
[ ! -e "$work/runs" ] || fail "a dry run wrote its directory"

# spec LOOKBACK HORIZON BATCH TRIALS: the tiny sweep's spec. An epoch takes 20 ms at lookback 24,
# horizon 12 and batch 128, and 0.3 s at 96, 96 and 32: long enough for a signal to land in one.
spec() {
  cat <<EOF
{
  "name": "tiny",
  "command": ["train", "forecast", "--model", "dlinear", "--lookback", "$1", "--horizon", "$2",
              "--batch-size", "$3"],
  "parameters": {
    "--lr": {"float": [1e-4, 1], "log": true},
    "--set individual": {"choices": [false, true]}
  },
  "search": {"method": "random", "trials": $4, "seed": 7},
  "scheduler": {"kind": "asha", "min_epochs": 1, "max_epochs": 4, "reduction_factor": 2}
}
EOF
}
spec 24 12 128 8 >"$work/spec.json"

# The table without times: trial, directory, the two options, state, epochs, metric.
table() { cut -d, -f1-7 "$1/results.csv"; }
# "ID STATE" for each trial of a journal (sweep.json lists a trial's id before its state).
states() { awk '/"id": /{gsub(/,/,"",$2); id=$2} /"state": /{gsub(/[",]/,"",$2); print id, $2}' "$1"; }

"$kiln" sweep "$work/spec.json" --out "$work/straight" --parallel 1 >"$work/straight.log" 2>&1 \
  || fail "sweep: $(tail -5 "$work/straight.log")"
[ "$(table "$work/straight" | grep -c '^[0-9]')" -eq 8 ] || fail "results.csv should list 8 trials"
[ "$(states "$work/straight/sweep.json" | grep -Evc ' (finished|stopped)$')" -eq 0 ] \
  || fail "every trial should end finished or stopped: $(states "$work/straight/sweep.json")"
grep -q ',finished,4,' "$work/straight/results.csv" || fail "no trial trained all 4 epochs"
# ASHA stops the worst: the trial with the highest validation MSE stopped after its first epoch.
worst="$(table "$work/straight" | tail -n +2 | sort -t, -k7 -g | tail -1)"
[[ "$worst" == *,stopped,1,* ]] || fail "the worst trial was not stopped after 1 epoch: $worst"
grep -q "^best: trial" "$work/straight.log" || fail "no best trial: $(tail -5 "$work/straight.log")"
[ -f "$work/straight/report.html" ] || fail "no report"
[ -f "$work/straight/trial-000/log.txt" ] || fail "a trial has no log"

# Paused at 1 and 2 epochs and resumed, the best trial is what one uninterrupted run gives.
best="$(sed -n 's/^best: trial \([0-9]*\),.*/\1/p' "$work/straight.log")"
again="$(grep -A1 "^best: trial" "$work/straight.log" | tail -1)"
eval "\"\$kiln\" ${again#*kiln } --out \"\$work/again\"" >/dev/null 2>&1 || fail "best command: $again"
# Its run keeps its best epoch: the lowest validation MSE.
awk -v sweep="$(awk -F, -v id="$best" '$1 == id {print $7}' "$work/straight/results.csv")" \
  -v again="$(tail -n +2 "$work/again/metrics.csv" | cut -d, -f4 | sort -g | head -1)" \
  'BEGIN {exit !(sweep != "" && sweep == again)}' || fail "the best trial's command gives another metric"

# Killed outright after a trial finished, while another runs: the journal keeps what finished,
# --resume is required, and the resumed sweep ends with the same table.
"$kiln" sweep "$work/spec.json" --out "$work/killed" --parallel 1 >"$work/killed.log" 2>&1 &
sweep=$!
for _ in $(seq 3000); do
  if grep -Eq '"(finished|stopped)"' "$work/killed/sweep.json" 2>/dev/null \
    && grep -q '"running"' "$work/killed/sweep.json"; then
    cp "$work/killed/sweep.json" "$work/before-kill.json"
    kill -KILL "$sweep"
    break
  fi
  sleep 0.01
done
{ wait "$sweep"; } 2>/dev/null  # bash reports the kill otherwise
[ -f "$work/before-kill.json" ] || fail "the sweep ended before it could be killed mid-way"
ended_before="$(states "$work/before-kill.json" | grep -E ' (finished|stopped)$')"
[ -n "$ended_before" ] || fail "no trial had finished before the kill"
while read -r line; do
  states "$work/killed/sweep.json" | grep -Fxq "$line" || fail "the journal lost '$line'"
done <<<"$ended_before"
expect_error "a second sweep into the directory" "pass --resume" \
  "$kiln" sweep "$work/spec.json" --out "$work/killed"
"$kiln" sweep "$work/spec.json" --out "$work/killed" --parallel 1 --resume >"$work/resumed.log" 2>&1 \
  || fail "resumed sweep: $(tail -5 "$work/resumed.log")"
grep -q "^resuming sweep tiny: " "$work/resumed.log" || fail "the resumed sweep does not say so"
diff <(table "$work/straight") <(table "$work/killed") || fail "the resumed sweep's table differs"

# Two at once, stopped by SIGTERM while trials train: they save, stay running in the journal,
# and the resumed sweep ends every trial.
spec 96 96 32 4 >"$work/slow-epochs.json"
"$kiln" sweep "$work/slow-epochs.json" --out "$work/parallel" --parallel 2 >"$work/parallel.log" 2>&1 &
sweep=$!
for _ in $(seq 600); do
  cat "$work"/parallel/trial-*/log.txt 2>/dev/null | grep -q "^epoch 1/4 step" && break
  sleep 0.05
done
kill -TERM "$sweep"
wait "$sweep"
status=$?
[ "$status" -eq 130 ] || fail "a sweep stopped by SIGTERM: exit status $status"
grep -q "continue with: kiln sweep .* --resume" "$work/parallel.log" \
  || fail "a stopped sweep says nothing of --resume: $(tail -3 "$work/parallel.log")"
grep -q '"running"' "$work/parallel/sweep.json" || fail "no trial left running after SIGTERM"
cat "$work"/parallel/trial-*/log.txt | grep -q "^interrupted at step" \
  || fail "no trial saved a checkpoint on SIGTERM"
"$kiln" sweep "$work/slow-epochs.json" --out "$work/parallel" --parallel 2 --resume \
  >"$work/parallel.log" 2>&1 || fail "sweep with 2 at once: $(tail -5 "$work/parallel.log")"
[ "$(states "$work/parallel/sweep.json" | grep -Ec ' (finished|stopped)$')" -eq 4 ] \
  || fail "with 2 at once: $(states "$work/parallel/sweep.json")"

# A sequence task ranked by another column, highest first: paused after epoch 1 by
# --stop-at-epoch and resumed, the promoted trial's rows (its rate included: the schedule is the
# whole budget's) are those of one straight run.
tiny=(--model gpt --d-model 16 --heads 2 --steps-per-epoch 10 --eval-size 50)
cat >"$work/copy.json" <<EOF
{"name": "copy", "command": ["train", "copy", $(printf '"%s", ' "${tiny[@]}" | sed 's/, $//')],
 "parameters": {"--lr": {"choices": [0.01, 0.003]}}, "search": {"method": "grid"},
 "scheduler": {"min_epochs": 1, "max_epochs": 2, "reduction_factor": 2},
 "metric": "heldout_token_accuracy", "mode": "max"}
EOF
"$kiln" sweep "$work/copy.json" --out "$work/copy" >"$work/copy.log" 2>&1 \
  || fail "sequence sweep: $(tail -5 "$work/copy.log")"
finished="$(awk -F, '$4 == "finished" {print $2 " " $3}' "$work/copy/results.csv")"
[ -n "$finished" ] && [ "$(wc -l <<<"$finished")" -eq 1 ] && grep -q ",stopped,1," "$work/copy/results.csv" \
  || fail "one of two trials should go on: $(cat "$work/copy/results.csv")"
"$kiln" train copy "${tiny[@]}" --lr "${finished#* }" --epochs 2 --out "$work/copy-straight" \
  >/dev/null 2>&1 || fail "straight sequence run"
diff <(cut -d, -f1-6 "$work/copy-straight/metrics.csv") \
  <(cut -d, -f1-6 "$work/copy/${finished% *}/metrics.csv") || fail "the paused trial differs"

# Bad specs: the good one with one field changed.
bad_spec() { sed "$1" "$work/spec.json" >"$work/bad.json"; }
bad_spec 's/"--lr"/"--lrr"/'
expect_error "unknown option" "parameters.--lrr: .*--lrr" "$kiln" sweep "$work/bad.json" --out "$work/bad"
bad_spec 's/\[1e-4, 1\]/[1, 1e-4]/'
expect_error "empty range" "parameters.--lr.float: an empty range" \
  "$kiln" sweep "$work/bad.json" --out "$work/bad"
bad_spec 's/\[1e-4, 1\]/[0, 1]/'
expect_error "log range through zero" "parameters.--lr: a log range must lie above zero" \
  "$kiln" sweep "$work/bad.json" --out "$work/bad"
bad_spec 's/"search"/"serch"/'
expect_error "unknown key" "serch: unknown key" "$kiln" sweep "$work/bad.json" --out "$work/bad"
bad_spec 's/"dlinear"/"arima"/'
expect_error "bad command" "command: .*arima" "$kiln" sweep "$work/bad.json" --out "$work/bad"
bad_spec 's/"--batch-size"/"--epochs"/'
expect_error "the sweep's own option" "command: --epochs is the sweep's own" \
  "$kiln" sweep "$work/bad.json" --out "$work/bad"
bad_spec 's/"--set individual"/"--set individul"/'
expect_error "unknown hyperparameter" "parameters.--set individul: dlinear has no hyperparameter" \
  "$kiln" sweep "$work/bad.json" --out "$work/bad"
echo '{"name": ' >"$work/bad.json"
expect_error "not JSON" "bad.json' is not valid JSON" "$kiln" sweep "$work/bad.json" --out "$work/bad"
expect_error "nothing to resume" "nothing to resume" \
  "$kiln" sweep "$work/spec.json" --out "$work/bad" --resume
[ ! -e "$work/bad" ] || fail "a refused sweep wrote its directory"

finish_checks "all kiln sweep command-line checks passed"
