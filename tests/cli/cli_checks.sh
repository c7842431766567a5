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

# finish_checks "message": prints it and exits 0 when nothing failed, else exits 1.
finish_checks() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
  fi
  echo "$1"
}
