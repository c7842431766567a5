#!/usr/bin/env bash
# Kill anywhere, lose nothing. A sequence run and a forecasting run are killed with SIGKILL over
# and over, each time resumed: half the kills at random moments, half inside a checkpoint write
# (KILN_TEST_WRITE_PAUSE_MS holds each write's temporary file on disk for a moment, and the kill
# waits for it). Both end bit-identical to uninterrupted runs: the same checkpoint (all but the
# seconds trained), metrics (all but the timings), steps.csv, examples.json and best weights,
# with every epoch and step once. Then a disk that fills mid-run (a file-size limit, which,
# unlike permission bits, binds root, as CI runs) is an error naming the checkpoint that leaves
# the last good one in place, and a run directory that cannot be created or written is an error
# before any training.
# Usage: test_kill_anywhere.sh path/to/kiln
set -uo pipefail
kiln="$1"
source "$(dirname "$0")/cli_checks.sh"
RANDOM=21  # the waits before the kills, reproducibly (where they land depends on the machine)

kills=0 kills_in_checkpoint_writes=0 kills_ahead_of_checkpoint=0

# random_seconds MS: a random wait of 0 .. MS milliseconds, for sleep.
random_seconds() {
  local ms=$((RANDOM % $1))
  printf '%d.%03d' "$((ms / 1000))" "$((ms % 1000))"
}

# checkpoint_header FILE: a safetensors file's JSON header (its length is the first 8 bytes).
checkpoint_header() {
  head -c "$((8 + $(od -An -tu8 -N8 "$1" | tr -d ' ')))" "$1" | tail -c +9
}

# checkpoint_bytes FILE: the checkpoint with the one value a resumed run need not reproduce,
# the seconds trained, blanked: its header (without the spaces that pad it to a multiple of 8
# bytes), then its tensors.
checkpoint_bytes() {
  local header_size
  header_size="$(od -An -tu8 -N8 "$1" | tr -d ' ')"
  checkpoint_header "$1" | sed -E 's/\\"elapsed\\":[^,}]*//; s/ +$//'
  tail -c "+$((9 + header_size))" "$1"
}

# resume_or_start DIR ARGS...: trains ARGS... in DIR, resuming once DIR holds a checkpoint, with
# writes held open for 30 ms; what it prints goes to DIR.log.
resume_or_start() {
  local dir="$1"
  shift
  local resume=()
  [ -f "$dir/checkpoint.safetensors" ] && resume=(--resume)
  KILN_TEST_WRITE_PAUSE_MS=30 exec "$kiln" "$@" --out "$dir" "${resume[@]}" >"$dir.log" 2>&1
}

# wait_for_training DIR PID: returns once the run has announced its training in DIR.log, or the
# process has ended. The random waits count from there, so that on a loaded machine, where
# starting up can take longer than the longest wait, the kills still land all along the run.
wait_for_training() {
  while kill -0 "$2" 2>/dev/null; do
    grep -qs '^kiln train' "$1.log" && return
    sleep 0.002
  done
}

# wait_for_checkpoint_write DIR PID: returns once a checkpoint's temporary file is in DIR (its
# write under way) or the process has ended.
wait_for_checkpoint_write() {
  while kill -0 "$2" 2>/dev/null; do
    compgen -G "$1/checkpoint.safetensors.tmp.*" >/dev/null && return
    sleep 0.002
  done
}

# note_kill DIR STEPS_PER_EPOCH: counts a kill that landed inside a checkpoint write (its
# temporary is on disk) and one that left metrics.csv ahead of the checkpoint (the row a resumed
# run used to write twice); removes the temporaries (finish_killed checks that kiln does).
note_kill() {
  local dir="$1" rows=0 saved=0
  if compgen -G "$dir/checkpoint.safetensors.tmp.*" >/dev/null; then
    kills_in_checkpoint_writes=$((kills_in_checkpoint_writes + 1))
  fi
  [ -f "$dir/metrics.csv" ] && rows=$(($(wc -l <"$dir/metrics.csv") - 1))
  if [ -f "$dir/checkpoint.safetensors" ]; then
    saved="$(checkpoint_header "$dir/checkpoint.safetensors" | grep -ao '"step":"[0-9]*"')"
    saved=$(($(tr -dc 0-9 <<<"$saved") / $2))
  fi
  [ "$rows" -gt "$saved" ] && kills_ahead_of_checkpoint=$((kills_ahead_of_checkpoint + 1))
  rm -f "$dir"/*.tmp.*
}

# run_straight DIR ARGS...: trains ARGS... in DIR (a new one) uninterrupted, its writes held
# open as in the runs killed, and sets training_ms to the milliseconds from its announcement
# of the training to its end.
run_straight() {
  local dir="$1" pid start
  shift
  resume_or_start "$dir" "$@" &
  pid=$!
  wait_for_training "$dir" "$pid"
  start=$(date +%s%N)
  wait "$pid" || fail "$dir: the uninterrupted run failed"
  training_ms=$((($(date +%s%N) - start) / 1000000))
}

# kill_repeatedly DIR COUNT STEPS_PER_EPOCH ARGS...: runs ARGS... in DIR and kills it with SIGKILL
# until COUNT kills landed, every other one inside a checkpoint write. The random waits are
# at most 1.5 / COUNT of the uninterrupted run's training (training_ms), so that the kills
# land all along the run and the half at random moments lets at most three quarters of it
# pass: the run does not end before the last kill, whatever the machine's speed.
kill_repeatedly() {
  local dir="$1" count="$2" epoch_steps="$3" landed=0 pid status
  local longest_wait_ms=$((training_ms * 3 / (2 * count) + 1))
  shift 3
  while [ "$landed" -lt "$count" ]; do
    rm -f "$dir.log"
    resume_or_start "$dir" "$@" &
    pid=$!
    wait_for_training "$dir" "$pid"
    sleep "$(random_seconds "$longest_wait_ms")"
    [ $((landed % 2)) -eq 1 ] && wait_for_checkpoint_write "$dir" "$pid"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    status=$?
    [ "$status" -eq 0 ] && break  # it finished first
    if [ "$status" -ne 137 ]; then
      fail "$dir: a run failed with status $status"
      return
    fi
    landed=$((landed + 1))
    note_kill "$dir" "$epoch_steps"
  done
  kills=$((kills + landed))
  [ "$landed" -eq "$count" ] || fail "$dir: the run finished after $landed of $count kills"
}

# finish_killed DIR ARGS...: resumes DIR's run to its end, over a temporary a kill left.
finish_killed() {
  local dir="$1"
  shift
  touch "$dir/checkpoint.safetensors.tmp.Kil1ed"
  (resume_or_start "$dir" "$@") || fail "$dir: the last resumption failed"
  ! compgen -G "$dir/*.tmp.*" >/dev/null || fail "$dir: temporaries a kill left are still there"
}

# same_run STRAIGHT KILLED EPOCHS COLUMNS: KILLED ended as STRAIGHT did: the checkpoint, the
# metrics' COLUMNS (those without timings), each epoch once, steps.csv and examples.json.
same_run() {
  local straight="$1" killed="$2"
  cmp -s <(checkpoint_bytes "$straight/checkpoint.safetensors") \
    <(checkpoint_bytes "$killed/checkpoint.safetensors") \
    || fail "$killed: the checkpoint differs from the uninterrupted run's"
  diff <(tail -n +2 "$killed/metrics.csv" | cut -d, -f1) <(seq "$3") >/dev/null \
    || fail "$killed/metrics.csv: epochs are not 1 .. $3, each once"
  diff <(cut -d, -f"$4" "$straight/metrics.csv") <(cut -d, -f"$4" "$killed/metrics.csv") \
    >/dev/null || fail "$killed/metrics.csv differs from the uninterrupted run's"
  cmp -s "$straight/steps.csv" "$killed/steps.csv" || fail "$killed/steps.csv differs"
  cmp -s "$straight/examples.json" "$killed/examples.json" || fail "$killed/examples.json differs"
}

# limited_to KIB COMMAND...: COMMAND with the files it writes limited to KIB kibibytes and
# SIGXFSZ ignored, so a write past the limit fails as on a full disk.
limited_to() {
  (
    trap '' XFSZ
    ulimit -f "$1"
    shift
    exec "$@"
  )
}

# The sequence task: 60 epochs of 2 steps, 12 kills, then the disk filling up mid-run.
sequence=(train copy --d-model 8 --heads 1 --layers 1 --steps-per-epoch 2 --batch-size 8
  --eval-size 8 --epochs 60 --threads 1)
run_straight "$work/sequence" "${sequence[@]}"
kill_repeatedly "$work/sequence-killed" 12 2 "${sequence[@]}"
cp "$work/sequence-killed/checkpoint.safetensors" "$work/last-good.safetensors"
expect_error "disk full mid-run" \
  "cannot write '$work/sequence-killed/checkpoint.safetensors': File too large" \
  limited_to 16 "$kiln" "${sequence[@]}" --out "$work/sequence-killed" --resume
cmp -s "$work/last-good.safetensors" "$work/sequence-killed/checkpoint.safetensors" \
  || fail "a full disk mid-run changed the last good checkpoint"
finish_killed "$work/sequence-killed" "${sequence[@]}"
same_run "$work/sequence" "$work/sequence-killed" 60 1-6
check_run_files "$work/sequence-killed" sequence 120

# Forecasting: dlinear on the generated series, 10 epochs of 11 steps, 10 kills.
forecast=(train forecast --model dlinear --lookback 24 --horizon 12 --batch-size 1024 --epochs 10
  --patience 100 --threads 1)
run_straight "$work/forecast" "${forecast[@]}"
kill_repeatedly "$work/forecast-killed" 10 11 "${forecast[@]}"
finish_killed "$work/forecast-killed" "${forecast[@]}"
same_run "$work/forecast" "$work/forecast-killed" 10 1-9
check_run_files "$work/forecast-killed" forecast 110
cmp -s "$work/forecast/best.safetensors" "$work/forecast-killed/best.safetensors" \
  || fail "the killed forecast run's best weights differ"
diff <(grep -v '"seconds"' "$work/forecast/results.json") \
  <(grep -v '"seconds"' "$work/forecast-killed/results.json") >/dev/null \
  || fail "the killed forecast run's results differ"

[ "$kills" -ge 20 ] || fail "only $kills kills landed"
[ "$kills_in_checkpoint_writes" -ge 5 ] \
  || fail "only $kills_in_checkpoint_writes kills landed inside a checkpoint write"

# Run directories that cannot take a run: errors before any training, whoever runs kiln.
touch "$work/a-file"
expect_error "run directory under a file" \
  "cannot create the run directory '$work/a-file/run': Not a directory" \
  "$kiln" "${sequence[@]}" --out "$work/a-file/run"
expect_error "run directory no one may write" "cannot write to '/proc/self': " \
  "$kiln" "${sequence[@]}" --out /proc/self
expect_error "disk full from the start" "cannot write to '$work/full': File too large" \
  limited_to 0 "$kiln" "${sequence[@]}" --out "$work/full"
[ -z "$(ls -A "$work/full")" ] || fail "a run on a full disk wrote files"
if [ "$(id -u)" -ne 0 ]; then  # permission bits bind only others than root
  mkdir "$work/read-only" && chmod a-w "$work/read-only"
  expect_error "read-only run directory" "cannot write to '$work/read-only': Permission denied" \
    "$kiln" "${forecast[@]}" --out "$work/read-only"
fi

echo "$kills kills, $kills_in_checkpoint_writes inside checkpoint writes," \
  "$kills_ahead_of_checkpoint with metrics.csv ahead of the checkpoint"
finish_checks "all kill-anywhere checks passed"
