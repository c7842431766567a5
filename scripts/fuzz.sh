#!/usr/bin/env bash
# Fuzzes the readers of bytes from outside (fuzz/, the `fuzz` preset) for SECONDS each:
#   scripts/fuzz.sh TARGET SECONDS    one target: safetensors, npy, checkpoint, csv, run_record,
#                                     run_examples, forecast_settings, sweep_spec, command_line
#   scripts/fuzz.sh all SECONDS       each in turn
# Builds what it runs if needed. A target starts from its committed seeds (fuzz/corpus/TARGET/)
# copied into a working corpus (build/fuzz/corpus/TARGET/), which keeps what runs discover; the
# committed corpus grows only by hand. Prints each target's executions and its finding (a crash,
# leak, timeout or out-of-memory input, saved under build/fuzz/findings/TARGET/ with the log),
# and exits 1 if any target found one.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(safetensors npy checkpoint csv run_record run_examples forecast_settings sweep_spec
         command_line)

usage() {
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS (targets: ${targets[*]})" >&2
  exit 2
}
[ $# -eq 2 ] && [[ $2 =~ ^[0-9]+$ ]] || usage
if [ "$1" = all ]; then
  chosen=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $1 "* ]]; then
  chosen=("$1")
else
  usage
fi
seconds=$2
build=build/fuzz

[ -f "$build/build.ninja" ] || cmake --preset fuzz >/dev/null
cmake --build "$build" --target "${chosen[@]/#/fuzz_}"

# libFuzzer's final statistics line: "stat::number_of_executed_units: N".
stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

found=0
for target in "${chosen[@]}"; do
  corpus="$build/corpus/$target"
  findings="$build/findings/$target"
  log="$findings/fuzz.log"
  mkdir -p "$corpus" "$findings"
  cp "fuzz/corpus/$target"/* "$corpus"/
  status=0
  started=$SECONDS
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory a header claimed.
  "$build/fuzz/fuzz_$target" "$corpus" -dict="fuzz/$target.dict" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
    >"$log" 2>&1 || status=$?
  printf '%-18s %12s execs in %5s s, corpus %5s inputs, ' "$target" \
    "$(stat_of number_of_executed_units "$log")" "$((SECONDS - started))" "$(ls "$corpus" | wc -l)"
  if [ "$status" -eq 0 ]; then
    echo "no findings"
  else
    found=1
    echo "FINDING (exit $status):"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | sed 's/^/    /'
    echo "    log: $log; reproduce: $build/fuzz/fuzz_$target INPUT"
  fi
done
exit "$found"
