#!/usr/bin/env bash
# pzsim sweep and pzsim collect end to end on scenarios/sweeps/smoke.yaml:
#  - an uninterrupted sweep writes manifest.csv, runs/<hash>.h5, sweep.h5, with a progress
#    line per run when stderr is not a terminal;
#  - results do not depend on the schedule: folder a runs on 2 threads (two runs at once),
#    folder b one run at a time;
#  - a sweep killed with SIGKILL mid-run and started again skips what completed, and its
#    sweep.h5 is byte-identical to the uninterrupted one's (and so are the run file names);
#  - pzsim collect rebuilds the same sweep.h5;
#  - a run that fails is recorded (status failed, its error), the sweep goes on and exits 1;
#    the next rerun completes it;
#  - bad input exits 2 and writes nothing; --help works;
#  - every sweep in scenarios/sweeps/ is valid (--dry-run: planned, counted, nothing written).
#
# Usage: bash tests/app/sweep.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"
SMOKE="$SRC/scenarios/sweeps/smoke.yaml"
[ -f "$SMOKE" ] || fail "$SMOKE not found"

make_scratch_dir

# 1. Uninterrupted.
"$PZSIM" sweep "$SMOKE" -o "$tmp/a" --threads 2 >"$tmp/a.out" 2>"$tmp/a.err" || { cat "$tmp/a.err" >&2; fail "smoke sweep failed"; }
for f in sweep.yaml manifest.csv sweep.h5; do [ -f "$tmp/a/$f" ] || fail "no $f in the sweep folder"; done
runs=$(find "$tmp/a/runs" -name '*.h5' | wc -l)
[ "$runs" -eq 10 ] || fail "expected 10 distinct run files (8 policy + 2 shared counterfactuals), found $runs"
[ "$(grep -c ',done,' "$tmp/a/manifest.csv")" -eq 16 ] || fail "expected 16 manifest rows done"
grep -q "pzsim sweep: run 10/10 " "$tmp/a.err" || { cat "$tmp/a.err" >&2; fail "no progress line per run on a non-terminal stderr"; }
echo "uninterrupted: 16 rows, 10 run files, a progress line per run"

# 2. SIGKILL during the runs (one at a time, so some are complete and one is half written), then resume.
"$PZSIM" sweep "$SMOKE" -o "$tmp/b" --threads 1 >"$tmp/b1.out" 2>"$tmp/b1.err" &
pid=$!
for ((i = 0; i < 600; i++)); do
  done_runs=$(find "$tmp/b/runs" -name '*.h5' 2>/dev/null | wc -l)
  [ "$done_runs" -ge 3 ] && [ -n "$(find "$tmp/b/runs" -name '*.tmp-*' 2>/dev/null)" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
kill -0 "$pid" 2>/dev/null || fail "the sweep ended before it could be killed"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pid=""
[ -e "$tmp/b/sweep.h5" ] && fail "sweep.h5 exists after SIGKILL during the runs"
killed_at=$(find "$tmp/b/runs" -name '*.h5' | wc -l)
[ -n "$(find "$tmp/b/runs" -name '*.tmp-*')" ] || fail "expected a half-written temporary run file after SIGKILL"
"$PZSIM" sweep "$SMOKE" -o "$tmp/b" --threads 2 >"$tmp/b2.out" 2>"$tmp/b2.err" || { cat "$tmp/b2.err" >&2; fail "resumed sweep failed"; }
grep -q "$killed_at of 10 runs already complete" "$tmp/b2.err" || { cat "$tmp/b2.err" >&2; fail "resume did not skip the $killed_at complete runs"; }
[ -z "$(find "$tmp/b/runs" -name '*.tmp-*')" ] || fail "temporary files left after the resume"
cmp "$tmp/a/sweep.h5" "$tmp/b/sweep.h5" || fail "sweep.h5 after kill -9 and resume differs from the uninterrupted one"
diff <(cd "$tmp/a/runs" && ls) <(cd "$tmp/b/runs" && ls) || fail "run file names differ after kill -9 and resume"
echo "SIGKILL after $killed_at runs, resumed: sweep.h5 byte-identical, same run files"

# 3. collect rebuilds the same file.
rm "$tmp/a/sweep.h5"
"$PZSIM" collect "$tmp/a" 2>"$tmp/collect.err" || { cat "$tmp/collect.err" >&2; fail "pzsim collect failed"; }
cmp "$tmp/a/sweep.h5" "$tmp/b/sweep.h5" || fail "pzsim collect made a different sweep.h5"
echo "collect: identical sweep.h5"

# 4. A run that fails (its file name is taken by a folder): recorded, the others kept, exit 1.
# The victim is a policy run's file: a counterfactual file is shared by every point of its seed,
# so it would fail four rows (file names are content hashes, so which file sorts first changes).
victim_rel=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "role") r = i; if ($i == "run_file") f = i } }
                      NR > 1 && $r == "policy" { print $f; exit }' "$tmp/a/manifest.csv")
[ -n "$victim_rel" ] || fail "no policy run in manifest.csv"
victim="$tmp/a/$victim_rel"
name=$(basename "$victim")
rm "$victim" && mkdir "$victim" && touch "$victim/blocker" || fail "cannot set up the failing run"
"$PZSIM" sweep "$SMOKE" -o "$tmp/a" >"$tmp/f.out" 2>"$tmp/f.err"
status=$?
[ "$status" -eq 1 ] || { cat "$tmp/f.err" >&2; fail "exit status $status with a failed run, expected 1"; }
grep -q "runs/$name,failed,[0-9.]*,.*$name" "$tmp/a/manifest.csv" || { cat "$tmp/a/manifest.csv" >&2; fail "the failed run and its error are not in manifest.csv"; }
[ "$(grep -c ',done,' "$tmp/a/manifest.csv")" -ge 14 ] || fail "the other runs are not recorded as done"
[ -f "$tmp/a/sweep.h5" ] || fail "no sweep.h5 after a failed run"
rm -r "$victim"
"$PZSIM" sweep "$SMOKE" -o "$tmp/a" >"$tmp/g.out" 2>"$tmp/g.err" || { cat "$tmp/g.err" >&2; fail "rerun after the failure failed"; }
cmp "$tmp/a/sweep.h5" "$tmp/b/sweep.h5" || fail "sweep.h5 after the failed run was redone differs"
echo "failed run: recorded with its error, exit 1; redone on the next run"

# 5. Bad input: exit 2, nothing written; --help.
"$PZSIM" sweep "$DEFAULT" --grid zones.financial.strenght=0,1 -o "$tmp/bad" 2>"$tmp/bad.err"
status=$?
[ "$status" -eq 2 ] || fail "exit status $status for an unknown key, expected 2"
grep -q "strength" "$tmp/bad.err" || { cat "$tmp/bad.err" >&2; fail "no did-you-mean for the unknown key"; }
[ -e "$tmp/bad" ] && fail "a folder was written for bad input"
"$PZSIM" collect "$tmp/nothing-here" 2>/dev/null
[ $? -eq 2 ] || fail "pzsim collect of a missing folder should exit 2"
"$PZSIM" sweep --help >/dev/null || fail "pzsim sweep --help failed"
"$PZSIM" collect --help >/dev/null || fail "pzsim collect --help failed"
echo "bad input: exit 2, nothing written"

# 6. The sweeps shipped in scenarios/sweeps/ are valid (every point loads) and --dry-run writes nothing.
for f in "$SRC"/scenarios/sweeps/*.yaml; do
  name=$(basename "$f" .yaml)
  "$PZSIM" sweep "$f" -o "$tmp/dry-$name" --dry-run >"$tmp/dry-$name.out" 2>"$tmp/dry.err" || { cat "$tmp/dry.err" >&2; fail "$f does not validate"; }
  [ -e "$tmp/dry-$name" ] && fail "--dry-run wrote $tmp/dry-$name"
  echo "  $(cat "$tmp/dry-$name.out")"
done
grep -q "288 points x 2 seeds: 576 manifest rows" "$tmp/dry-instruments-sobol.out" ||
  fail "instruments-sobol.yaml should have N (k + 2) = 32 x 9 = 288 points"
"$PZSIM" sweep "$SMOKE" -o "$tmp/a" --dry-run | grep -q "10 distinct runs (10 already complete" || fail "--dry-run does not count the complete runs"
echo "scenarios/sweeps: all valid"
