#!/usr/bin/env bash
# The kiln command line end to end: help, bad arguments (one clear line, non-zero status),
# a tiny training run with metrics, checkpoint and the files reports read (run.json, steps.csv,
# examples.json), exact resumption after a stop and after Ctrl-C, eval and sample; the same for mamba on induction, evaluated at a longer length; the
# classic TSP baselines; the TSP attention model, trained by REINFORCE and decoded on the test
# set.
# Usage: test_cli.sh path/to/kiln
set -uo pipefail
kiln="$1"
source "$(dirname "$0")/cli_checks.sh"

"$kiln" --help | grep -q "train" || fail "kiln --help lists no train"
for command in train eval sample verify baselines info; do
  "$kiln" "$command" --help >/dev/null || fail "kiln $command --help"
done
"$kiln" info | grep -q "^BLAS:" || fail "kiln info shows no BLAS"

expect_error "unknown task" "task: divide not in" "$kiln" train divide
expect_error "unknown model" "--model: rnn not in" "$kiln" train copy --model rnn
expect_error "negative lr" "--lr: must be positive, got -1" "$kiln" train copy --lr -1
expect_error "missing file" "--checkpoint: File does not exist" "$kiln" eval --checkpoint "$work/none"
expect_error "missing run" "no checkpoint at" "$kiln" eval --out "$work/none"
expect_error "missing device" "device 'cuda:7' does not exist" "$kiln" train copy --device cuda:7 --out "$work/x"
expect_error "bad device" "cannot parse 'gpu'" "$kiln" train copy --device gpu --out "$work/x"
expect_error "nothing to resume" "nothing to resume" "$kiln" train copy --out "$work/none" --resume

tiny=(--d-model 16 --heads 2 --steps-per-epoch 25 --epochs 4 --eval-size 50)
"$kiln" train copy "${tiny[@]}" --out "$work/straight" >"$work/straight.log" 2>&1 || fail "training run"
grep -q "^final: held-out exact match" "$work/straight.log" || fail "no final metrics line"
grep -q "epoch 1/4 step 25/25" "$work/straight.log" || fail "no plain progress lines"
[ "$(wc -l <"$work/straight/metrics.csv")" -eq 5 ] || fail "metrics.csv should have a header and 4 rows"
check_run_files "$work/straight" sequence 100
grep -q '^{"epoch":4,' "$work/straight/examples.json" || fail "examples.json is not epoch 4's"
[ "$(count_of '"prediction":' "$work/straight/examples.json")" -eq 4 ] \
  || fail "examples.json should hold 4 held-out sequences"
expect_error "existing run" "already holds a run" "$kiln" train copy "${tiny[@]}" --out "$work/straight"

# Stopped at step 37 and resumed: the same metrics, row by row.
"$kiln" train copy "${tiny[@]}" --out "$work/resumed" --stop-at-step 37 >/dev/null || fail "stopped run"
[ "$(wc -l <"$work/resumed/metrics.csv")" -eq 2 ] || fail "the stopped run should have one row"
"$kiln" train copy --out "$work/resumed" --resume >/dev/null || fail "resumed run"
diff <(cut -d, -f1-6 "$work/straight/metrics.csv") <(cut -d, -f1-6 "$work/resumed/metrics.csv") \
  || fail "resumed run differs from the straight one"
# Every step once, with the straight run's loss and rate; the resumption recorded.
check_run_files "$work/resumed" sequence 100
cmp -s "$work/straight/steps.csv" "$work/resumed/steps.csv" || fail "resumed steps.csv differs"
cmp -s "$work/straight/examples.json" "$work/resumed/examples.json" \
  || fail "resumed examples.json differs"
grep -q '^  "resumed": \[' "$work/resumed/run.json" || fail "run.json does not record the resumption"

# More epochs for a finished run: training goes on under the longer schedule, not at the
# finished schedule's rate of 0.
cp -r "$work/straight" "$work/extended"
"$kiln" train copy --out "$work/extended" --resume --epochs 6 >/dev/null || fail "extended run"
[ "$(wc -l <"$work/extended/metrics.csv")" -eq 7 ] || fail "the extended run should have 6 rows"
check_run_files "$work/extended" sequence 150
extended_lr="$(sed -n 6p "$work/extended/metrics.csv" | cut -d, -f6)"
awk -v lr="$extended_lr" 'BEGIN { exit !(lr > 0) }' || fail "epoch 5 of the extended run has lr $extended_lr"

# Ctrl-C: a checkpoint, status 130, and a resumable run.
"$kiln" train copy --d-model 16 --heads 2 --steps-per-epoch 2000 --epochs 1 --eval-size 10 \
  --out "$work/interrupted" >"$work/interrupted.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q "step" "$work/interrupted.log" 2>/dev/null && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" -eq 130 ] || fail "Ctrl-C: status $status, not 130"
grep -q "interrupted at step" "$work/interrupted.log" || fail "Ctrl-C: no message"
# steps.csv holds the steps up to the checkpoint, and a resumed run goes on from there.
stopped="$(sed -n 's/.*interrupted at step \([0-9]*\);.*/\1/p' "$work/interrupted.log")"
"$kiln" train copy --out "$work/interrupted" --resume --stop-at-step "$((stopped + 5))" >/dev/null \
  || fail "Ctrl-C: resumed run"
[ "$(count_of '"resumed"' "$work/interrupted/run.json")" -eq 1 ] || fail "Ctrl-C: run.json"
diff <(tail -n +2 "$work/interrupted/steps.csv" | cut -d, -f1) <(seq "$((stopped + 5))") >/dev/null \
  || fail "Ctrl-C: steps.csv should hold steps 1 .. $((stopped + 5)) once each"
"$kiln" eval --out "$work/interrupted" --eval-size 10 | grep -q "held-out exact match" \
  || fail "eval of the interrupted run's checkpoint"

"$kiln" eval --out "$work/straight" --eval-size 20 | grep -q "transformer on copy: held-out exact match" \
  || fail "eval"
"$kiln" sample --out "$work/straight" --input 1234 | grep -q "^1234 " || fail "sample --input"
"$kiln" sample --out "$work/straight" --count 2 | grep -Ec "right|wrong" | grep -q 2 || fail "sample"
expect_error "sampling a transformer" "sampling at a temperature is for gpt" \
  "$kiln" sample --out "$work/straight" --count 1 --temperature 1
expect_error "bad sample input" "'a' is not a digit of base 10" "$kiln" sample --out "$work/straight" --input 12a

# Mamba on induction: stopped and resumed exactly, then scored at four times its length
# through the recurrent step.
expect_error "short selective_copy" "length >= 2 x data_tokens" \
  "$kiln" train selective_copy --length 20 --data-tokens 16 --out "$work/x"
expect_error "mamba with dropout" "mamba has no dropout" \
  "$kiln" train induction --model mamba --dropout 0.1 --out "$work/x"
mamba=(--model mamba --length 24 --base 8 --d-model 16 --steps-per-epoch 10 --epochs 2
  --batch-size 8 --eval-size 20)
"$kiln" train induction "${mamba[@]}" --out "$work/mamba" >/dev/null || fail "mamba run"
"$kiln" train induction "${mamba[@]}" --out "$work/mamba-resumed" --stop-at-step 13 >/dev/null \
  || fail "stopped mamba run"
"$kiln" train induction --out "$work/mamba-resumed" --resume >/dev/null || fail "resumed mamba run"
diff <(cut -d, -f1-6 "$work/mamba/metrics.csv") <(cut -d, -f1-6 "$work/mamba-resumed/metrics.csv") \
  || fail "resumed mamba run differs from the straight one"
check_run_files "$work/mamba-resumed" sequence 20
cmp -s "$work/mamba/steps.csv" "$work/mamba-resumed/steps.csv" || fail "resumed mamba steps.csv differs"
"$kiln" eval --out "$work/mamba" --eval-size 10 --length 96 \
  | grep -q "mamba on induction at length 96: held-out exact match" || fail "mamba eval --length"
"$kiln" sample --out "$work/mamba" --input "12?345671?" | grep -Eq "^12\?345671\? +-> " \
  || fail "mamba sample --input"
expect_error "eval --length of copy" "--length is for selective_copy and induction" \
  "$kiln" eval --out "$work/straight" --length 50

# The TSP baselines on the first 200 test instances: a row per method beside the paper's
# figure; at 8 nodes Held-Karp runs first and the gaps are to it.
"$kiln" baselines tsp --instances 200 >"$work/baselines.log" || fail "baselines tsp"
grep -q "^kiln baselines tsp: 200 instances of tsp20_test_seed1234" "$work/baselines.log" \
  || fail "baselines: no header"
grep -Eq "^farthest_insertion +3\.9[0-9]+ +[0-9.]+% +3\.93 " "$work/baselines.log" \
  || fail "baselines: no farthest_insertion row beside the paper's 3.93"
[ "$(grep -Ec "(opt|insertion|neighbour) +[0-9.]+ +[0-9.]+% " "$work/baselines.log")" -eq 12 ] \
  || fail "baselines: 12 rows expected"
"$kiln" baselines tsp --nodes 8 --instances 50 --methods random_insertion,held_karp \
  | grep -A1 "^method" | grep -Eq "^held_karp +[0-9.]+ +0\.00% " || fail "baselines: held_karp first"
expect_error "held_karp at 20 nodes" "held_karp: exact only up to 13 nodes, not 20" \
  "$kiln" baselines tsp --methods held_karp
expect_error "unknown baseline" "no TSP baseline named 'christofides'" \
  "$kiln" baselines tsp --methods christofides
expect_error "too many instances" "the set holds 10000, not 10001" \
  "$kiln" baselines tsp --instances 10001

# The attention model on TSP8: stopped mid-epoch and resumed exactly (the rollout baseline's
# frozen copy and test instances included), then decoded greedily and by sampling.
expect_error "train without a task" "task" "$kiln" train
expect_error "tsp with an unknown model" "--model: ptr not in" "$kiln" train tsp --model ptr
tsp=(--nodes 8 --embedding-dim 16 --layers 1 --heads 2 --epoch-size 96 --batch-size 32 --epochs 2
  --val-size 40)
"$kiln" train tsp "${tsp[@]}" --out "$work/tsp" >/dev/null || fail "tsp run"
"$kiln" train tsp "${tsp[@]}" --out "$work/tsp-resumed" --stop-at-step 4 >/dev/null \
  || fail "stopped tsp run"
"$kiln" train tsp --out "$work/tsp-resumed" --resume >/dev/null || fail "resumed tsp run"
diff <(cut -d, -f1-12 "$work/tsp/metrics.csv") <(cut -d, -f1-12 "$work/tsp-resumed/metrics.csv") \
  || fail "resumed tsp run differs from the straight one"
# Three validation instances, each with the model's greedy tour and Held-Karp's (exact at 8 nodes).
check_run_files "$work/tsp" tsp 6
check_run_files "$work/tsp-resumed" tsp 6
cmp -s "$work/tsp/steps.csv" "$work/tsp-resumed/steps.csv" || fail "resumed tsp steps.csv differs"
[ "$(count_of '"name":"model (greedy)"' "$work/tsp/examples.json")" -eq 3 ] \
  && [ "$(count_of '"name":"held_karp"' "$work/tsp/examples.json")" -eq 3 ] \
  || fail "examples.json should hold 3 instances with both tours"
"$kiln" eval tsp --out "$work/tsp" --instances 30 \
  | grep -Eq "^tsp8 test set \(seed 1234, 30 instances\), greedy: average length [0-9.]+, [0-9.]+ s$" \
  || fail "eval tsp greedy"
for decode in sample:3 beam:4 multistart greedy+aug8 beam:20+aug8+2opt; do
  "$kiln" eval tsp --out "$work/tsp" --instances 30 --decode "$decode" \
    | grep -q "$decode: average" || fail "eval tsp --decode $decode"
done
[ -f "$work/tsp/tours_greedy.safetensors" ] && [ -f "$work/tsp/tours_beam_20+aug8+2opt.safetensors" ] \
  || fail "eval tsp saved no tours"
expect_error "eval tsp bad decode" "expected greedy, sample:K, beam:W or multistart" \
  "$kiln" eval tsp --out "$work/tsp" --decode beam
expect_error "eval tsp of a sequence run" "not a run of kiln train tsp" \
  "$kiln" eval tsp --out "$work/straight"
# Bello's pointer network with its critic, and Vinyals's trained supervised on Held-Karp's
# tours: each stopped and resumed exactly, then decoded.
for model in bello pointer; do
  small=(--model "$model" --nodes 8 --embedding-dim 16 --hidden-dim 16 --epoch-size 96
    --batch-size 32 --epochs 2 --val-size 40)
  "$kiln" train tsp "${small[@]}" --out "$work/$model" >/dev/null || fail "$model run"
  "$kiln" train tsp "${small[@]}" --out "$work/$model-resumed" --stop-at-step 4 >/dev/null \
    || fail "stopped $model run"
  "$kiln" train tsp --out "$work/$model-resumed" --resume >/dev/null || fail "resumed $model run"
  diff <(cut -d, -f1-12 "$work/$model/metrics.csv") \
    <(cut -d, -f1-12 "$work/$model-resumed/metrics.csv") \
    || fail "resumed $model run differs from the straight one"
  cmp -s "$work/$model/steps.csv" "$work/$model-resumed/steps.csv" \
    || fail "resumed $model steps.csv differs"
  "$kiln" eval tsp --out "$work/$model" --instances 20 --decode beam:3+aug8 \
    | grep -q "beam:3+aug8: average" || fail "eval tsp of $model"
done
expect_error "supervised with a baseline" "takes no --baseline" \
  "$kiln" train tsp --model pointer --baseline rollout --out "$work/x"
expect_error "critic for am" "for --model bello only" \
  "$kiln" train tsp --model am --baseline critic --out "$work/x"

finish_checks "all kiln command-line checks passed"
