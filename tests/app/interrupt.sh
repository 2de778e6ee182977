#!/usr/bin/env bash
# SIGTERM and SIGINT stop a run between months: exit status 1, a message on stderr, no
# output file under the final name and no temporary file left behind.
#
# Usage: bash tests/app/interrupt.sh <path-to-pzsim> <source-dir>
set -u

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ $# -eq 2 ] || fail "usage: bash interrupt.sh <path-to-pzsim> <source-dir>"
PZSIM=$(realpath "$1") || fail "pzsim binary $1 not found"
SRC=$(realpath "$2") || fail "source dir $2 not found"
DEFAULT="$SRC/scenarios/default.yaml"
[ -f "$DEFAULT" ] || fail "$DEFAULT not found"

tmp=$(mktemp -d) || fail "mktemp -d failed"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || fail "cannot cd to $tmp"

# The whole default period with twice the firms: many seconds of work, stopped early.
cat >"$tmp/long.yaml" <<EOF
extends: $DEFAULT
firms: {count: 20000}
EOF

# interrupt SIGNAL: starts a run, waits for its temporary file, sends SIGNAL, checks the result.
interrupt() {
  local sig=$1 out="$tmp/out-$1.h5" i status left
  "$PZSIM" run "$tmp/long.yaml" -q -o "$out" >"$tmp/$sig.out" 2>"$tmp/$sig.err" &
  pid=$!
  # Poll for the temporary file (up to 30 s): it exists once the run has set up its output.
  for ((i = 0; i < 300; i++)); do
    [ -n "$(compgen -G "$out.tmp-*")" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$(compgen -G "$out.tmp-*")" ]; then
    cat "$tmp/$sig.err" >&2
    kill -0 "$pid" 2>/dev/null || fail "$sig round: the run ended before its temporary file $out.tmp-* was seen"
    fail "$sig round: no temporary file $out.tmp-* after 30 s"
  fi
  [ "$(compgen -G "$out.tmp-*")" = "$out.tmp-$pid" ] ||
    fail "$sig round: temporary file is $(compgen -G "$out.tmp-*"), expected $out.tmp-$pid"
  sleep 0.5  # let it get into the monthly loop
  kill -0 "$pid" 2>/dev/null || fail "$sig round: the run finished before it could be interrupted; make the scenario longer"
  kill -s "$sig" "$pid"
  # Wait at most 30 s for it to stop (it should stop at the end of the current month).
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && fail "$sig round: the run did not stop within 30 s of SIG$sig"
  wait "$pid"
  status=$?
  pid=""
  if [ "$status" -ne 1 ]; then
    cat "$tmp/$sig.err" >&2
    fail "$sig round: exit status $status after SIG$sig, expected 1"
  fi
  grep -qi "interrupt" "$tmp/$sig.err" || { cat "$tmp/$sig.err" >&2; fail "$sig round: no 'interrupted' message on stderr"; }
  [ -e "$out" ] && fail "$sig round: $out exists after SIG$sig"
  left=$(compgen -G "$out.tmp-*")
  [ -n "$left" ] && fail "$sig round: temporary file(s) left after SIG$sig: $left"
  echo "SIG$sig: exit 1, no output, no temporary file"
}

interrupt TERM
interrupt INT
echo "interrupt.sh: all checks passed"
