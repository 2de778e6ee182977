#!/usr/bin/env bash
# Regression checks of the command-line defects of issue 13: seeds on the command line,
# failed writes to stdout, --force onto things that are not regular files or onto the
# scenario itself, a legal 250-byte output name, compare -o publishing all its run files
# or none, and effects.py on a corrupt file.
#
# Usage: bash tests/app/reliability.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"

make_scratch_dir
cd "$tmp" || fail "cannot cd to $tmp"

expect() {  # expect NAME RC TEXT DESCRIPTION: exit status RC and, unless TEXT is "", TEXT on stderr
  expect_rc "$1" "$2" "$4"
  [ -z "$3" ] || expect_in "$1" err "$3" "$4"
}

write_small_scenario "$tmp/small.yaml"

# --- seeds: one strict parser for files and the command line ------------------------------
for seed in -1 18446744073709551616 0x10 1e3 1.8446744073709552e19 " 7"; do
  run_pz seed validate "$DEFAULT" --seed "$seed"
  expect seed 2 "--seed" "validate --seed '$seed'"
  run_pz seed_compare compare "$tmp/small.yaml" -q --seed "$seed"
  expect seed_compare 2 "--seed" "compare --seed '$seed'"
  [ "$seed" = " 7" ] && continue  # --set values are YAML, where leading spaces are not part of the value
  run_pz seed_set validate "$DEFAULT" --set "run.seed=$seed"
  expect seed_set 2 "run.seed" "validate --set run.seed='$seed'"
done
run_pz seeds_wrap compare "$tmp/small.yaml" -q --seeds 18446744073709551615-18446744073709551615 --format csv -o "$tmp/never"
[ "$rc" -ne 2 ] || { cat "$tmp/seeds_wrap.err" >&2; fail "--seeds 2^64-1 alone was refused"; }
run_pz seeds_bad compare "$tmp/small.yaml" -q --seeds 1,0x10
expect seeds_bad 2 "0x10" "compare --seeds 1,0x10"
run_pz seed_max run "$tmp/small.yaml" -q --seed 18446744073709551615 -o "$tmp/max.h5"
expect seed_max 0 "" "run --seed 18446744073709551615"
/usr/bin/python3 - "$tmp/max.h5" <<'PY' || fail "the seed attribute of a run with seed 2^64-1 does not read back as 2^64-1"
import sys, h5py
seed = h5py.File(sys.argv[1], "r").attrs["seed"]
sys.exit(0 if int(seed) == 2**64 - 1 and seed.dtype.kind == "u" else 1)
PY

# --- every write to stdout is checked -----------------------------------------------------
"$PZSIM" validate --print "$DEFAULT" >/dev/full 2>"$tmp/full.err"
rc=$?
expect full 1 "standard output" "validate --print > /dev/full"
"$PZSIM" schema >/dev/full 2>"$tmp/schema_full.err"
rc=$?
expect schema_full 1 "standard output" "schema > /dev/full"
"$PZSIM" validate --print "$DEFAULT" >&- 2>"$tmp/closed.err"
rc=$?
expect closed 1 "standard output is closed" "validate --print with stdout closed"
"$PZSIM" validate --print "$DEFAULT" >"$tmp/resolved.yaml" 2>/dev/null || fail "validate --print to a file failed"
run_pz resolved validate "$tmp/resolved.yaml"
expect resolved 0 "" "the printed scenario loads again"

# --- --force never replaces anything but a regular file -----------------------------------
mkfifo "$tmp/fifo.h5" || fail "mkfifo failed"
run_pz fifo run "$tmp/small.yaml" -q --force -o "$tmp/fifo.h5"
expect fifo 2 "FIFO" "run -o FIFO --force"
[ -p "$tmp/fifo.h5" ] || fail "run -o FIFO --force replaced the FIFO"
ln -s /dev/null "$tmp/devnull.h5"
run_pz devnull run "$tmp/small.yaml" -q --force -o "$tmp/devnull.h5"
expect devnull 2 "character device" "run -o link-to-/dev/null --force"
[ -L "$tmp/devnull.h5" ] || fail "run -o link-to-/dev/null --force replaced the link"
mkdir "$tmp/dir.h5"
start=$(date +%s%N)
run_pz dir run "$tmp/small.yaml" -q --force -o "$tmp/dir.h5"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect dir 2 "directory" "run -o DIR --force"
# The check comes before the run: the small scenario takes seconds, refusing it far less.
[ "$elapsed_ms" -lt 1500 ] || fail "run -o DIR --force took ${elapsed_ms} ms: it ran before refusing"
cp "$tmp/small.yaml" "$tmp/self.yaml"
run_pz self run "$tmp/self.yaml" -q --force -o "$tmp/self.yaml"
expect self 2 "is the scenario file" "run -o SCENARIO --force"
cmp -s "$tmp/small.yaml" "$tmp/self.yaml" || fail "run -o SCENARIO --force changed the scenario"
no_leftovers "$tmp/fifo.h5.x" "refused --force runs"
[ -z "$(find "$tmp" -name '*.tmp-*')" ] || fail "refused --force runs left temporary files: $(find "$tmp" -name '*.tmp-*')"

# --- a legal 250-byte output name ----------------------------------------------------------
long="$(printf 'n%.0s' $(seq 1 247)).h5"
run_pz long run "$tmp/small.yaml" -q -o "$tmp/$long"
expect long 0 "" "run -o <250-byte name>"
[ -s "$tmp/$long" ] || fail "run -o <250-byte name> wrote no file"

# --- compare -o: all run files or none ------------------------------------------------------
# Another process takes the name of the last run's file while the comparison is running:
# compare must exit 2 and publish none of its runs (it used to leave the earlier ones).
mkdir "$tmp/cmp" || fail "mkdir failed"
"$PZSIM" compare "$tmp/small.yaml" -q --seeds 1-2 --threads 1 -o "$tmp/cmp" >"$tmp/cmp.out" 2>"$tmp/cmp.err" &
pid=$!
for ((i = 0; i < 300; i++)); do
  [ -n "$(find "$tmp/cmp/runs" -name '*.tmp-*' 2>/dev/null)" ] && break
  sleep 0.1
done
echo planted >"$tmp/cmp/runs/small-s2.h5"
wait "$pid"
rc=$?
pid=""
expect cmp 2 "small-s2.h5" "compare -o DIR whose run file appeared meanwhile"
left=$(cd "$tmp/cmp/runs" && ls -A | grep -v '^small-s2.h5$')
[ -z "$left" ] || fail "compare -o DIR exited 2 but left: $left"
[ "$(cat "$tmp/cmp/runs/small-s2.h5")" = planted ] || fail "compare replaced the other process's file"
[ ! -e "$tmp/cmp/comparison.json" ] || fail "compare -o DIR exited 2 but wrote comparison.json"

# --- --max-memory: the estimate is checked before anything runs ---------------------------
run_pz maxmem run "$tmp/small.yaml" -q --max-memory 10M -o "$tmp/maxmem.h5"
expect maxmem 1 "--max-memory" "run --max-memory 10M"
no_leftovers "$tmp/maxmem.h5" "run --max-memory 10M"
run_pz maxmem_cmp compare "$tmp/small.yaml" -q --seeds 1 --max-memory 10M -o "$tmp/maxmem-cmp"
expect maxmem_cmp 1 "--max-memory" "compare --max-memory 10M"
[ -z "$(find "$tmp/maxmem-cmp" -name '*.h5*' 2>/dev/null)" ] || fail "compare --max-memory 10M left files"
run_pz maxmem_bad run "$tmp/small.yaml" -q --max-memory 10X -o "$tmp/maxmem.h5"
expect maxmem_bad 2 "--max-memory 10X" "run --max-memory 10X"
run_pz maxmem_ok run "$tmp/small.yaml" -q --max-memory 4G -o "$tmp/maxmem.h5"
expect maxmem_ok 0 "" "run --max-memory 4G"

# --- effects.py on a corrupt file: one clear line, no traceback -----------------------------
head -c 4096 /dev/urandom >"$tmp/corrupt.h5"
/usr/bin/python3 "$SRC/analysis/effects.py" "$tmp/corrupt.h5" "$tmp/max.h5" >"$tmp/effects.out" 2>"$tmp/effects.err"
rc=$?
expect effects 1 "corrupt.h5" "effects.py on a corrupt file"
if grep -q Traceback "$tmp/effects.err"; then cat "$tmp/effects.err" >&2; fail "effects.py printed a traceback for a corrupt file"; fi

echo "reliability.sh: all checks passed"
