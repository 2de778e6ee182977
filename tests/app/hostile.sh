#!/usr/bin/env bash
# The hostile corpus (tests/hostile/*.yaml: every class of defect of issue 13 and the classes
# handled before it): each file is refused by `pzsim run` in under 2 s of CPU, with exit 2, a
# file:line:column message naming the file and no output or temporary file; `validate`
# refuses it too. Also a few hostile inputs too large to keep in the repository, made here.
#
# Usage: bash tests/app/hostile.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"

tmp=$(mktemp -d) || fail "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT

corpus="$SRC/tests/hostile"
count=0
slowest_ms=0
check_refused() {  # check_refused FILE: run and validate refuse it as promised
  local file=$1 name out start elapsed_ms rc cpu cpu_ms
  name=$(basename "$file")
  out="$tmp/out-$name.h5"
  start=$(date +%s%N)
  # CPU seconds (user + system) of pzsim, which a loaded machine does not inflate as it
  # does wall time; the wall-time bound only catches a hang.
  local TIMEFORMAT='%3U %3S'
  cpu=$( { time "$PZSIM" run "$file" -q -o "$out" >"$tmp/run.out" 2>"$tmp/run.err"; echo "rc=$?" >"$tmp/rc"; } 2>&1)
  rc=$(sed 's/rc=//' "$tmp/rc")
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  cpu_ms=$(echo "$cpu" | awk '{printf "%d", ($1 + $2) * 1000}')
  ((cpu_ms > slowest_ms)) && slowest_ms=$cpu_ms
  if [ "$rc" -ne 2 ]; then
    head -c 1500 "$tmp/run.err" >&2
    fail "$name: pzsim run exited $rc, expected 2"
  fi
  [ "$cpu_ms" -lt 2000 ] || fail "$name: refused after ${cpu_ms} ms of CPU, expected under 2000 ms"
  [ "$elapsed_ms" -lt 20000 ] || fail "$name: refused after ${elapsed_ms} ms of wall time"
  # file:line:column of the file itself or of a file it extends.
  grep -qE '^pzsim: error: [^ ]+\.yaml:[0-9]+:[0-9]+: ' "$tmp/run.err" ||
    { head -c 1500 "$tmp/run.err" >&2; fail "$name: the message has no file:line:column"; }
  [ "$(wc -l <"$tmp/run.err")" -le 3 ] || { head -c 1500 "$tmp/run.err" >&2; fail "$name: more than a short message"; }
  [ "$(wc -c <"$tmp/run.err")" -le 1200 ] || fail "$name: message longer than 1200 bytes"
  [ ! -s "$tmp/run.out" ] || fail "$name: pzsim run printed to stdout"
  no_leftovers "$out" "$name"
  "$PZSIM" validate "$file" >"$tmp/validate.out" 2>"$tmp/validate.err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "$name: pzsim validate exited $rc, expected 2"
  count=$((count + 1))
}

for file in "$corpus"/*.yaml; do check_refused "$file"; done
[ "$count" -ge 30 ] || fail "the hostile corpus holds $count files, expected 30 or more"

# Too large to keep in the repository: a file over the 4 MiB limit, a one-line flow list of
# a million items, and a scalar of 3 MiB inside a valid scenario with a bad key after it.
head -c $((5 << 20)) /dev/zero | tr '\0' '#' >"$tmp/big.yaml"
"$PZSIM" validate "$tmp/big.yaml" >/dev/null 2>"$tmp/big.err"
[ $? -eq 2 ] || fail "a 5 MiB file was not refused with exit 2"
grep -q "larger than the limit" "$tmp/big.err" || fail "a 5 MiB file: no size message"
{ printf 'x: ['; head -c 2000000 /dev/zero | tr '\0' ','; printf ']\n'; } >"$tmp/commas.yaml"
check_refused "$tmp/commas.yaml"
{ printf 'extends: %s\ndescription: ' "$DEFAULT"; head -c $((3 << 20)) /dev/zero | tr '\0' 'd'; printf '\nfirms: {cuont: 5}\n'; } >"$tmp/long-scalar.yaml"
check_refused "$tmp/long-scalar.yaml"

echo "hostile.sh: $count files refused with exit 2 and file:line:column, slowest ${slowest_ms} ms of CPU"
