#!/usr/bin/env bash
# A full disk is an I/O failure: exit status 1, a clear message, and neither the output
# file nor its temporary file left behind. Two cases, each on its own small tmpfs:
#   1. up-front refusal: the folder has less free space than the run's size estimate;
#   2. failure while writing: the folder has room when the run starts, then is filled.
# Needs to mount tmpfs: as root directly, otherwise inside an unprivileged user and mount
# namespace (unshare -rm) when the system allows it; if neither works it prints SKIP.
#
# Usage: bash tests/app/disk_full.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"

# Can we mount a tmpfs here? If not, try once more inside a new user + mount namespace.
probe=$(mktemp -d) || fail "mktemp -d failed"
if mount -t tmpfs -o size=64k tmpfs "$probe" 2>/dev/null; then
  umount "$probe"
  rmdir "$probe"
else
  rmdir "$probe"
  if [ -z "${PZSIM_DISK_FULL_IN_NAMESPACE:-}" ] && command -v unshare >/dev/null &&
    unshare --user --map-root-user --mount true 2>/dev/null; then
    PZSIM_DISK_FULL_IN_NAMESPACE=1 exec unshare --user --map-root-user --mount bash "$0" "$PZSIM" "$SRC"
  fi
  echo "SKIP: cannot mount a tmpfs (not root, and no unprivileged user namespaces) to simulate a full disk"
  exit 0
fi

tmp=$(mktemp -d) || fail "mktemp -d failed"
pid=""
mounts=()
cleanup() {
  stop_background_pzsim
  local m
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || fail "cannot cd to $tmp"

mount_tmpfs() {  # mount_tmpfs DIR SIZE
  mkdir -p "$1" || fail "cannot create $1"
  mount -t tmpfs -o "size=$2" tmpfs "$1" || fail "mount -t tmpfs -o size=$2 tmpfs $1 failed"
  mounts+=("$1")
}


write_small_scenario "$tmp/small.yaml"

# --- 1. up-front refusal: 256 KiB free, the estimate is always above 1 MiB ---------------
mount_tmpfs "$tmp/tiny" 256k
out="$tmp/tiny/out.h5"
"$PZSIM" run "$tmp/small.yaml" -q -o "$out" >"$tmp/tiny.out" 2>"$tmp/tiny.err"
status=$?
if [ "$status" -ne 1 ]; then
  cat "$tmp/tiny.err" >&2
  fail "up-front check: exit status $status for an output that cannot fit in 256 KiB, expected 1"
fi
grep -qF "$out" "$tmp/tiny.err" || { cat "$tmp/tiny.err" >&2; fail "up-front check: the message does not name the output path $out"; }
grep -qE "MiB|space" "$tmp/tiny.err" || { cat "$tmp/tiny.err" >&2; fail "up-front check: the message does not mention the space needed (MiB/space)"; }
no_leftovers "$out" "up-front check"
[ -z "$(ls -A "$tmp/tiny")" ] || fail "up-front check: files left in the full folder: $(ls -A "$tmp/tiny")"
echo "up-front check: exit 1, '$(head -1 "$tmp/tiny.err")', no files"

# --- 2. disk fills up while the run is writing -----------------------------------------
# 16 MiB passes the up-front estimate of the default scenario (a few MiB); once the
# temporary file exists the rest of the tmpfs is filled, so the run cannot finish its file.
mount_tmpfs "$tmp/fills" 16m
out="$tmp/fills/out.h5"
"$PZSIM" run "$DEFAULT" -q -o "$out" >"$tmp/fills.out" 2>"$tmp/fills.err" &
pid=$!
if ! wait_for_temp_file "$out" "$pid" 30; then
  cat "$tmp/fills.err" >&2
  fail "write failure: no temporary file $out.tmp-* appeared (did the up-front check refuse 16 MiB?)"
fi
dd if=/dev/zero of="$tmp/fills/filler" bs=64k >/dev/null 2>&1  # stops with ENOSPC, as intended
avail=$(df -k --output=avail "$tmp/fills" | tail -1 | tr -d ' ')
[ "$avail" -eq 0 ] || fail "write failure: could not fill the tmpfs ($avail KiB still free)"
kill -0 "$pid" 2>/dev/null || fail "write failure: the run ended before the disk was filled; use a longer scenario"
wait_for_exit "$pid" 120 || fail "write failure: the run did not end within 120 s of the disk filling up"
wait "$pid"
status=$?
pid=""
if [ "$status" -ne 1 ]; then
  cat "$tmp/fills.err" >&2
  fail "write failure: exit status $status after the disk filled up during the run, expected 1"
fi
grep -qi "I/O error" "$tmp/fills.err" || { cat "$tmp/fills.err" >&2; fail "write failure: no 'I/O error' message"; }
grep -qiE "space|$out" "$tmp/fills.err" || { cat "$tmp/fills.err" >&2; fail "write failure: the message names neither the file nor the lack of space"; }
no_leftovers "$out" "write failure"
rm -f "$tmp/fills/filler"
[ -z "$(ls -A "$tmp/fills")" ] || fail "write failure: files left in the folder: $(ls -A "$tmp/fills")"
echo "write failure: exit 1, '$(head -1 "$tmp/fills.err")', no files"

echo "disk_full.sh: all checks passed"
