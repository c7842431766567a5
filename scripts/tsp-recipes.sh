#!/usr/bin/env bash
# The TSP models trained by `kiln train tsp` on 2 CPU cores, each recipe checked against its
# target on Kool et al.'s test set of seed 1234 (exit status 0 when reached, 3 when not).
#
# Usage: scripts/tsp-recipes.sh KILN RECIPE RUN_DIR
#   am-tsp20     the attention model (Kool et al. 2019: greedy 3.85 after 100 epochs of
#                1,280,000 instances on a GPU) with the paper's hyperparameters, in epochs of
#                128,000 instances (so the rollout baseline is tested ten times as often), 34
#                of them: about two hours on 2 cores (measured: 160 s for the first epoch,
#                about 205 s for each later one, whose baseline decodes every batch too);
#                greedy average length <= 3.90.
#   bello-tsp20  Bello et al.'s pointer network with its critic, the same data and epochs;
#                greedy average length below farthest insertion's 3.93 (Kool et al.'s Table 1;
#                Bello et al. report 3.89 greedy after far longer training).
set -euo pipefail
kiln="$1" recipe="$2" out="$3"

epochs=(--nodes 20 --epoch-size 128000 --epochs 34)

# Fails (status 3) unless the greedy tours of the run in $out average at most $1 on the test set.
expect_greedy_at_most() {
  local line average
  line="$("$kiln" eval tsp --out "$out" | head -1)"
  echo "$line"
  average="$(sed -n 's/.*average length \([0-9.]*\).*/\1/p' <<<"$line")"
  awk -v a="$average" -v t="$1" 'BEGIN { exit !(a <= t) }' || {
    echo "greedy average $average, above $1"
    exit 3
  }
}

case "$recipe" in
  am-tsp20)
    "$kiln" train tsp --model am "${epochs[@]}" --out "$out"
    expect_greedy_at_most 3.90 ;;
  bello-tsp20)
    "$kiln" train tsp --model bello "${epochs[@]}" --out "$out"
    expect_greedy_at_most 3.9299 ;;
  *)
    echo "unknown recipe '$recipe'; see the comment at the top of $0" >&2
    exit 2 ;;
esac
