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
