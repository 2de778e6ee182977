#!/usr/bin/env bash
# `mpirun -n 3 pzsim sweep` (rank 0 hands out runs, ranks 1-2 run them) gives the same run
# files and byte-identical datasets as the sweep in one process; a worker rank killed with
# SIGKILL mid-sweep loses only its current run: the same command again keeps every run that
# completed, redoes the rest and ends with the same results.
#
# Usage: bash tests/app/mpi_sweep.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"
smoke="$SRC/scenarios/sweeps/smoke.yaml"
same_sweep="$(dirname "${BASH_SOURCE[0]}")/lib/same_sweep.py"
command -v mpirun >/dev/null || fail "mpirun not found (install openmpi-bin: scripts/deps)"
mpirun_args=(-n 3 --oversubscribe)
[ "$(id -u)" -eq 0 ] && mpirun_args+=(--allow-run-as-root)

tmp=$(mktemp -d) || fail "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT

"$PZSIM" sweep "$smoke" -o "$tmp/local" --threads 2 -q >"$tmp/local.log" 2>&1 ||
  { cat "$tmp/local.log" >&2; fail "the local smoke sweep failed"; }

mpirun "${mpirun_args[@]}" "$PZSIM" sweep "$smoke" -o "$tmp/mpi" --threads 1 >"$tmp/mpi.log" 2>&1 ||
  { cat "$tmp/mpi.log" >&2; fail "mpirun -n 3 pzsim sweep failed"; }
grep -q "3 MPI ranks" "$tmp/mpi.log" || { cat "$tmp/mpi.log" >&2; fail "the sweep did not run on 3 MPI ranks"; }
/usr/bin/python3 "$same_sweep" "$tmp/local" "$tmp/mpi" || fail "mpirun -n 3 gives other results than one process"

# Kill worker rank 1 once at least two runs are complete.
mpirun "${mpirun_args[@]}" "$PZSIM" sweep "$smoke" -o "$tmp/killed" --threads 1 >"$tmp/killed.log" 2>&1 &
launcher=$!
rank1=""
for ((i = 0; i < 600; i++)); do
  done_runs=$(compgen -G "$tmp/killed/runs/*.h5" | wc -l)
  if [ "$done_runs" -ge 2 ]; then
    for pid in $(pgrep -P "$launcher"); do
      grep -qz '^OMPI_COMM_WORLD_RANK=1$' "/proc/$pid/environ" 2>/dev/null && rank1=$pid
    done
    [ -n "$rank1" ] && break
  fi
  sleep 0.05
done
[ -n "$rank1" ] || { kill "$launcher" 2>/dev/null; fail "could not find worker rank 1 of mpirun $launcher to kill"; }
kill -9 "$rank1"
wait_for_exit "$launcher" 60 || { kill "$launcher"; fail "mpirun did not end after rank 1 was killed"; }
wait "$launcher" && fail "mpirun exited 0 although rank 1 was killed"
kept=$(compgen -G "$tmp/killed/runs/*.h5" | wc -l)
total=$(compgen -G "$tmp/local/runs/*.h5" | wc -l)
[ "$kept" -lt "$total" ] || fail "every run was already complete when rank 1 died; the test needs a sweep still running"

mpirun "${mpirun_args[@]}" "$PZSIM" sweep "$smoke" -o "$tmp/killed" --threads 1 >"$tmp/resumed.log" 2>&1 ||
  { cat "$tmp/resumed.log" >&2; fail "the resumed mpirun sweep failed"; }
grep -q "$kept of $total runs already complete, $((total - kept)) to run" "$tmp/resumed.log" ||
  { cat "$tmp/resumed.log" >&2; fail "the resumed sweep did not keep the $kept complete runs and run the other $((total - kept))"; }
/usr/bin/python3 "$same_sweep" "$tmp/local" "$tmp/killed" || fail "the resumed sweep differs from one uninterrupted process"
echo "PASS: mpirun -n 3 equals one process; after SIGKILL of rank 1 ($kept of $total runs kept) the rerun completes it"
