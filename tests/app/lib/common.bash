# Shared by the end-to-end scripts in tests/app (sourced, not a test itself: ctest registers
# only tests/app/*.sh). Each script is run as `bash script.sh <path-to-pzsim> <source-dir>`.

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Checks the two arguments and sets PZSIM, SRC and DEFAULT (scenarios/default.yaml).
read_arguments() {
  [ $# -eq 2 ] || fail "usage: bash $(basename "$0") <path-to-pzsim> <source-dir>"
  PZSIM=$(realpath "$1") || fail "pzsim binary $1 not found"
  SRC=$(realpath "$2") || fail "source dir $2 not found"
  [ -x "$PZSIM" ] || fail "$PZSIM is not executable"
  DEFAULT="$SRC/scenarios/default.yaml"
  [ -f "$DEFAULT" ] || fail "$DEFAULT not found"
}

# make_scratch_dir: $tmp, a new temporary folder, removed when the script exits, after
# stopping the pzsim a script started in the background and left in $pid (pid=$! after
# starting it, pid="" once it has been waited for). A script with more to undo on exit sets
# its own EXIT trap and calls scratch_cleanup from it.
make_scratch_dir() {
  tmp=$(mktemp -d) || fail "mktemp -d failed"
  pid=""
  trap scratch_cleanup EXIT
}
stop_background_pzsim() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
  return 0
}
scratch_cleanup() {
  stop_background_pzsim
  rm -rf "$tmp"
}

# run_pz NAME ARGS...: runs pzsim, stdout to $tmp/NAME.out, stderr to $tmp/NAME.err, sets $rc.
run_pz() {
  local name=$1
  shift
  "$PZSIM" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
}
# show NAME: the start of what run_pz NAME printed, for failure messages.
show() { echo "--- stdout:"; head -c 2000 "$tmp/$1.out"; echo "--- stderr:"; head -c 2000 "$tmp/$1.err"; }
expect_rc() {  # expect_rc NAME EXPECTED DESCRIPTION: run_pz NAME exited with EXPECTED
  if [ "$rc" -ne "$2" ]; then
    show "$1" >&2
    fail "$3: expected exit $2, got $rc"
  fi
}
expect_in() {  # expect_in NAME out|err|both TEXT DESCRIPTION: run_pz NAME printed TEXT (fixed string)
  local files
  case $2 in
    out) files="$tmp/$1.out" ;;
    err) files="$tmp/$1.err" ;;
    both) files="$tmp/$1.out $tmp/$1.err" ;;
  esac
  # shellcheck disable=SC2086
  if ! cat $files | grep -qF -- "$3"; then
    show "$1" >&2
    fail "$4: output does not contain '$3'"
  fi
}

# no_leftovers OUTPUT-PATH DESCRIPTION: neither OUTPUT nor OUTPUT.tmp-* may exist.
no_leftovers() {
  [ -e "$1" ] && fail "$2: $1 exists but should not"
  local left
  left=$(compgen -G "$1.tmp-*")
  [ -n "$left" ] && fail "$2: temporary file(s) left behind: $left"
  return 0
}

# wait_for_exit PID SECONDS: true once PID has ended, false if it still runs after SECONDS.
wait_for_exit() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$1" 2>/dev/null
}

# wait_for_temp_file OUTPUT PID SECONDS: true once a temporary file OUTPUT.tmp-* exists (the
# run has set up its output), false if PID ends or SECONDS pass first without one.
wait_for_temp_file() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [ -n "$(compgen -G "$1.tmp-*")" ] && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$(compgen -G "$1.tmp-*")" ]
}

# write_small_scenario FILE [YAML LINE ...]: the default scenario cut to two years from
# 2015-01 with 1,500 firms (seconds to run), plus any extra top-level YAML lines.
write_small_scenario() {
  local file=$1
  shift
  {
    echo "extends: $DEFAULT"
    echo "run: {start: 2015-01, months: 24, burn_in_months: 6}"
    echo "firms: {count: 1500}"
    echo "consumers: {agents_per_destination: 2000}"
    for line in "$@"; do echo "$line"; done
  } >"$file"
}
