#!/usr/bin/env bash
# Fuzzes the readers of bytes from outside (fuzz/, the `fuzz` preset) for SECONDS each:
#   scripts/fuzz.sh TARGET[,TARGET...] SECONDS [JOBS]   those targets, JOBS at a time (default 1):
#       safetensors, npy, checkpoint, csv, run_record, run_examples, forecast_settings,
#       sweep_spec, command_line
#   scripts/fuzz.sh all SECONDS [JOBS]                  every target
# Installs clang 14 and builds what it runs if needed. A target starts from its committed seeds
# (fuzz/corpus/TARGET/) copied into a working corpus (build/fuzz/corpus/TARGET/), which keeps
# what runs discover; the committed corpus grows only by hand. Prints each target's executions
# and its finding (a crash, leak, timeout or out-of-memory input, saved under
# build/fuzz/findings/TARGET/ with the log), and exits 1 if any target found one.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(safetensors npy checkpoint csv run_record run_examples forecast_settings sweep_spec
         command_line)

usage() {
  echo "usage: scripts/fuzz.sh TARGET[,TARGET...]|all SECONDS [JOBS] (targets: ${targets[*]})" >&2
  exit 2
}
[ $# -ge 2 ] && [ $# -le 3 ] && [[ $2 =~ ^[0-9]+$ ]] && [[ ${3:-1} =~ ^[1-9][0-9]*$ ]] || usage
if [ "$1" = all ]; then
  chosen=("${targets[@]}")
else
  IFS=, read -r -a chosen <<<"$1"
  for target in "${chosen[@]}"; do [[ " ${targets[*]} " == *" $target "* ]] || usage; done
fi
seconds=$2
jobs=${3:-1}
build=build/fuzz

scripts/setup.sh clang-14 libclang-rt-14-dev >/dev/null
[ -f "$build/build.ninja" ] || cmake --preset fuzz >/dev/null
cmake --build "$build" --target "${chosen[@]/#/fuzz_}"

# libFuzzer's final statistics line: "stat::number_of_executed_units: N".
stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

# Fuzzes one target; writes its one-paragraph summary to findings/TARGET/summary and returns
# libFuzzer's status.
fuzz_target() {
  local target=$1 corpus="$build/corpus/$1" findings="$build/findings/$1"
  local log="$findings/fuzz.log" status=0 started=$SECONDS
  mkdir -p "$corpus" "$findings"
  cp "fuzz/corpus/$target"/* "$corpus"/
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory a header claimed.
  "$build/fuzz/fuzz_$target" "$corpus" -dict="fuzz/$target.dict" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
    >"$log" 2>&1 || status=$?
  {
    printf '%-18s %12s execs in %5s s, corpus %5s inputs, ' "$target" \
      "$(stat_of number_of_executed_units "$log")" "$((SECONDS - started))" "$(ls "$corpus" | wc -l)"
    if [ "$status" -eq 0 ]; then
      echo "no findings"
    else
      echo "FINDING (exit $status):"
      grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | sed 's/^/    /'
      echo "    log: $log; reproduce: $build/fuzz/fuzz_$target INPUT"
    fi
  } >"$findings/summary"
  return "$status"
}

found=0
running=0
for target in "${chosen[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || found=1
    running=$((running - 1))
  fi
  fuzz_target "$target" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || found=1
  running=$((running - 1))
done
for target in "${chosen[@]}"; do cat "$build/findings/$target/summary"; done
exit "$found"
