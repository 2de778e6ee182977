#!/usr/bin/env bash
# `pzsim calibrate` end to end: --help, bad files refused with exit 2 and file:line:col before
# anything is written, a small calibration writes its files (calibrated.yaml valid and
# extending the base, a trace row and a progress line per evaluation), a run stopped by SIGINT
# resumes (on one thread instead of two) and ends with the same results as an uninterrupted one,
# replaying what the trace holds,
# and a folder holding another calibration is refused.
#
# Usage: bash tests/app/calibrate.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"

make_scratch_dir
cd "$tmp" || fail "cannot cd to $tmp"

"$PZSIM" calibrate --help >help.txt 2>&1 || fail "calibrate --help exited non-zero"
grep -q -- "--output-dir" help.txt || fail "calibrate --help does not mention --output-dir"
"$PZSIM" calibrate 2>/dev/null
[ $? -eq 2 ] || fail "calibrate without arguments: exit status is not 2"

# calibration.yaml: two parameters, two in-sample windows, an out-of-sample evidence row.
write_calibration() {  # FILE LOCAL-EVALUATIONS
  cat >"$1" <<EOF
description: app test
scenario: $DEFAULT
set: {run.months: 60, run.burn_in_months: 12, firms.count: 800, consumers.agents_per_destination: 1500, import_side.agents_per_city: 20}
seeds: 1-2
parameters:
  - {key: firms.birth_rate, bounds: [0.004, 0.016], start: 0.012}
  - {key: consumers.imitation, bounds: [0.002, 0.03], start: 0.014}
moments:
  - {id: births, series: {variable: firm_births, months: [2013, 2016]}, target: 20000, se: 1000}
  - {id: aware_2016, series: {variable: consumers_adopted, months: 2016-12, reduce: end}, target: 1.9e8, se: 1.0e7}
  - {evidence: hangzhou_cbec_trade_2015, in_sample: false}
optimiser:
  global: {algorithm: crs2, evaluations: 6, population: 5}
  local: {algorithm: bobyqa, evaluations: $2}
EOF
}
write_calibration cal.yaml 8

# Mistakes are refused with their place in the file, and nothing is written.
sed 's/^optimiser:/optimizer:/' cal.yaml >typo.yaml
"$PZSIM" calibrate typo.yaml -o typo-out 2>typo.err
[ $? -eq 2 ] || fail "a misspelt key: exit status is not 2"
grep -q "typo.yaml:[0-9]*:[0-9]*: .*unknown key.*did you mean 'optimiser'" typo.err || { cat typo.err >&2; fail "no file:line:col did-you-mean for optimizer"; }
[ -e typo-out ] && fail "a refused calibration created its output folder"
sed 's/hangzhou_cbec_trade_2015/hangzhu_cbec_trade_2015/' cal.yaml >row.yaml
"$PZSIM" calibrate row.yaml -o row-out 2>row.err
[ $? -eq 2 ] || fail "an unknown evidence row: exit status is not 2"
grep -q "did you mean 'hangzhou_cbec_trade_2015'" row.err || { cat row.err >&2; fail "no did-you-mean for the evidence row"; }

# The whole calibration, uninterrupted.
"$PZSIM" calibrate cal.yaml -o full --threads 2 >full.out 2>full.err || { cat full.err >&2; fail "calibration failed"; }
for f in calibrated.yaml trace.csv trace_seeds.csv summary.txt summary.json; do
  [ -s "full/$f" ] || fail "full/$f is missing or empty"
done
[ -n "$(compgen -G 'full/*.tmp*')" ] && fail "temporary files left in full/"
[ -e full/runs.tmp ] && fail "full/runs.tmp (the runs' scratch folder) is left behind"
grep -q "^extends: " full/calibrated.yaml || fail "calibrated.yaml does not extend the base scenario"
"$PZSIM" validate full/calibrated.yaml >/dev/null || fail "calibrated.yaml is not a valid scenario"
evaluations=$(($(wc -l <full/trace.csv) - 1))
progress=$(grep -c "(evaluation [0-9]*)" full.err)
grep -q "Out-of-sample moments" full.out || fail "the summary has no out-of-sample section"
# stderr is not a terminal: a progress line per evaluation asked for (replays of a point included).
[ "$progress" -ge "$evaluations" ] || fail "$progress progress lines for $evaluations evaluations"
[ "$(($(wc -l <full/trace_seeds.csv) - 1))" -eq $((2 * evaluations)) ] || fail "trace_seeds.csv does not have two seeds per evaluation"

# The same calibration stopped by SIGINT after a few evaluations, then resumed.
"$PZSIM" calibrate cal.yaml -o resumed --threads 2 >stopped.out 2>stopped.err &
pid=$!
for ((i = 0; i < 600; i++)); do
  [ -f resumed/trace.csv ] && [ "$(wc -l <resumed/trace.csv)" -ge 5 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null || fail "the calibration ended before it could be interrupted"
kill -INT "$pid"
wait_for_exit "$pid" 60 || fail "the calibration did not stop within 60 s of SIGINT"
wait "$pid"
status=$?
pid=""
[ "$status" -eq 1 ] || { cat stopped.err >&2; fail "exit status $status after SIGINT, expected 1"; }
grep -q "resume" stopped.err || fail "no message on how to resume"
[ -e resumed/calibrated.yaml ] && fail "an interrupted calibration wrote calibrated.yaml"
[ -n "$(ls resumed/runs.tmp 2>/dev/null)" ] && fail "run files left in resumed/runs.tmp after SIGINT"
done_before=$(($(wc -l <resumed/trace.csv) - 1))
# Resumed on one thread: the results must not depend on --threads either.
"$PZSIM" calibrate cal.yaml -o resumed --threads 1 >resumed.out 2>resumed.err || { cat resumed.err >&2; fail "resuming failed"; }
grep -q "resuming in resumed: $done_before evaluations" resumed.err || { cat resumed.err >&2; fail "no resume message for $done_before evaluations"; }
replayed=$(grep -c "(replayed)" resumed.err)
[ "$replayed" -ge "$done_before" ] || fail "$replayed evaluations replayed, $done_before were in the trace"
# Same points, same values, same estimate (the seconds column aside).
cut -d, -f1-$(($(head -1 full/trace.csv | tr ',' '\n' | wc -l) - 1)) full/trace.csv >a.csv
cut -d, -f1-$(($(head -1 resumed/trace.csv | tr ',' '\n' | wc -l) - 1)) resumed/trace.csv >b.csv
cmp -s a.csv b.csv || { diff a.csv b.csv | head >&2; fail "the resumed trace differs from the uninterrupted one"; }
cmp -s full/calibrated.yaml resumed/calibrated.yaml || fail "the resumed calibrated.yaml differs"
cmp -s full/trace_seeds.csv resumed/trace_seeds.csv || fail "the resumed trace_seeds.csv differs"

# A folder holding another calibration is refused.
write_calibration other.yaml 9
"$PZSIM" calibrate other.yaml -o full 2>other.err
[ $? -eq 2 ] || fail "another calibration in a calibration folder: exit status is not 2"
grep -q "holds another calibration" other.err || { cat other.err >&2; fail "no message for another calibration's folder"; }
echo "calibrate: ok ($evaluations evaluations, $done_before before SIGINT, $replayed replayed)"
