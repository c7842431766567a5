# What the command-line test scripts share (sourced): a scratch directory removed on exit, a
# failure count, error expectations, and the closing verdict.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_error "what" "regex" command...: non-zero status, one line matching regex, no trace.
expect_error() {
  local what="$1" pattern="$2"
  shift 2
  local output status
  output="$("$@" 2>&1)"
  status=$?
  [ "$status" -ne 0 ] || fail "$what: exit status 0"
  grep -Eq -- "$pattern" <<<"$output" || fail "$what: output lacks /$pattern/: $output"
  ! grep -Eiq "terminate|abort|stack|segmentation" <<<"$output" || fail "$what: crashed: $output"
}

# json_parses FILE: python3's json module (or jq) reads it; where neither is installed, the
# file at least opens and closes an object.
json_parses() {
  [ -f "$1" ] || return 1
  if command -v python3 >/dev/null; then
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
  elif command -v jq >/dev/null; then
    jq empty "$1" 2>/dev/null
  else
    [ "$(head -c 1 "$1")" = "{" ] && [ "$(tail -c 2 "$1" | head -c 1)" = "}" ]
  fi
}

# check_run_files DIR KIND STEPS: what a training run leaves for reports: run.json of KIND with
# its command, config, machine and start; steps.csv with its header and steps 1 .. STEPS, each
# once, in order; examples.json, parsing.
check_run_files() {
  local dir="$1" kind="$2" steps="$3"
  grep -q "^  \"kind\": \"$kind\"" "$dir/run.json" || fail "$dir/run.json: not a $kind run"
  for key in command config machine started; do
    grep -q "^  \"$key\": " "$dir/run.json" || fail "$dir/run.json has no $key"
  done
  json_parses "$dir/run.json" || fail "$dir/run.json does not parse"
  [ "$(head -n 1 "$dir/steps.csv")" = "step,loss,lr" ] || fail "$dir/steps.csv has no header"
  diff <(tail -n +2 "$dir/steps.csv" | cut -d, -f1) <(seq "$steps") >/dev/null \
    || fail "$dir/steps.csv: steps are not 1 .. $steps, each once"
  json_parses "$dir/examples.json" || fail "$dir/examples.json is missing or does not parse"
}

# count_of TEXT FILE: how many times TEXT occurs in FILE.
count_of() {
  grep -oF -- "$1" "$2" | wc -l
}

# finish_checks "message": prints it and exits 0 when nothing failed, else exits 1.
finish_checks() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
  fi
  echo "$1"
}
