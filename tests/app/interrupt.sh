#!/usr/bin/env bash
# SIGTERM, SIGINT, SIGHUP and SIGQUIT stop a run between months: exit status 1, a message on stderr, no
# output file under the final name and no temporary file left behind. Also for
# `compare -o DIR`, which writes two files.
#
# Usage: bash tests/app/interrupt.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"

make_scratch_dir
cd "$tmp" || fail "cannot cd to $tmp"

# The whole default period with twice the firms: many seconds of work, stopped early.
cat >"$tmp/long.yaml" <<EOF
extends: $DEFAULT
firms: {count: 20000}
EOF

# stop_and_check ROUND SIGNAL OUTPUT: for the background pzsim $pid (stderr in
# $tmp/ROUND.err), waits for OUTPUT.tmp-<pid>, sends SIGNAL, then requires exit status 1,
# an 'interrupted' message, no OUTPUT and no OUTPUT.tmp-*.
stop_and_check() {
  local round=$1 sig=$2 out=$3 err="$tmp/$1.err" status left
  # The temporary file exists once the run has set up its output; allow 30 s.
  if ! wait_for_temp_file "$out" "$pid" 30; then
    cat "$err" >&2
    kill -0 "$pid" 2>/dev/null || fail "$round round: pzsim ended before its temporary file $out.tmp-* was seen"
    fail "$round round: no temporary file $out.tmp-* after 30 s"
  fi
  [ "$(compgen -G "$out.tmp-*")" = "$out.tmp-$pid" ] ||
    fail "$round round: temporary file is $(compgen -G "$out.tmp-*"), expected $out.tmp-$pid"
  sleep 0.5  # let it get into the monthly loop
  kill -0 "$pid" 2>/dev/null || fail "$round round: pzsim finished before it could be interrupted; make the scenario longer"
  kill -s "$sig" "$pid"
  # It should stop at the end of the current month; allow 30 s.
  wait_for_exit "$pid" 30 || fail "$round round: pzsim did not stop within 30 s of SIG$sig"
  wait "$pid"
  status=$?
  pid=""
  if [ "$status" -ne 1 ]; then
    cat "$err" >&2
    fail "$round round: exit status $status after SIG$sig, expected 1"
  fi
  grep -qi "interrupt" "$err" || { cat "$err" >&2; fail "$round round: no 'interrupted' message on stderr"; }
  [ -e "$out" ] && fail "$round round: $out exists after SIG$sig"
  left=$(compgen -G "$out.tmp-*")
  [ -n "$left" ] && fail "$round round: temporary file(s) left after SIG$sig: $left"
  return 0
}

for sig in TERM INT HUP QUIT; do
  out="$tmp/out-$sig.h5"
  "$PZSIM" run "$tmp/long.yaml" -q -o "$out" >"$tmp/run-$sig.out" 2>"$tmp/run-$sig.err" &
  pid=$!
  stop_and_check "run-$sig" "$sig" "$out"
  echo "run, SIG$sig: exit 1, no output, no temporary file"
done

# compare -o DIR writes DIR/runs/<label>-s<seed>.h5 and then DIR/comparison.json; stopped during
# its first run, it leaves no temporary file and no comparison.json (runs that completed are
# whole result files and stay). --threads 1: one run at a time, so the first is interrupted.
mkdir "$tmp/compare" || fail "cannot create $tmp/compare"
"$PZSIM" compare "$tmp/long.yaml" -q --seeds 1-2 --threads 1 -o "$tmp/compare" >"$tmp/compare.out" 2>"$tmp/compare.err" &
pid=$!
stop_and_check compare TERM "$tmp/compare/runs/long-s1.h5"
[ -e "$tmp/compare/comparison.json" ] && fail "compare round: comparison.json written after SIGTERM"
left=$(find "$tmp/compare" -name '*.tmp-*')
[ -z "$left" ] || fail "compare round: temporary files left after SIGTERM: $left"
echo "compare -o, SIGTERM: exit 1, no comparison, no temporary files"
