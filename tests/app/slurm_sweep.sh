#!/usr/bin/env bash
# The Slurm recipes of docs/cluster.md on a real one-node Slurm (slurmctld, slurmd and munge
# started in a temporary folder): scripts/slurm/sweep.sbatch as a 2-task MPI job, and as a
# 2-task job array gathered with `pzsim collect`, must both give the local sweep's results
# (same run files, byte-identical datasets). If the daemons cannot start, the test fails and
# says why; it is never skipped.
#
# Usage: bash tests/app/slurm_sweep.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
# shellcheck source=lib/one_node_slurm.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/one_node_slurm.bash"
read_arguments "$@"
smoke="$SRC/scenarios/sweeps/smoke.yaml"
sbatch_script="$SRC/scripts/slurm/sweep.sbatch"
same_sweep="$(dirname "${BASH_SOURCE[0]}")/lib/same_sweep.py"

tmp=$(mktemp -d) || fail "mktemp -d failed"
chmod 755 "$tmp"  # munged's socket is below it
mkdir -p "$tmp/slurm"
trap 'slurm_stop "$tmp/slurm"; rm -rf "$tmp"' EXIT

"$PZSIM" sweep "$smoke" -o "$tmp/local" --threads 2 -q >"$tmp/local.log" 2>&1 ||
  { cat "$tmp/local.log" >&2; fail "the local smoke sweep failed"; }

slurm_start "$tmp/slurm" || fail "the one-node Slurm cluster did not start (reasons above); it needs root, slurm-wlm and munge (scripts/deps --with-slurm)"

# The MPI job: 2 tasks, so rank 0 hands out the runs and rank 1 runs them.
job=$(cd "$tmp" && PZSIM="$PZSIM" sbatch --parsable -n 2 -o "$tmp/mpi.out" "$sbatch_script" "$smoke" "$tmp/mpi") ||
  fail "sbatch of the MPI job was refused"
if ! slurm_wait "$job" 240; then
  cat "$tmp/mpi.out" >&2
  scontrol show job "$job" >&2
  fail "the 2-task MPI sweep job $job did not complete"
fi
grep -q "pzsim sweep: 2 MPI ranks: rank 0 hands out the runs, 1 run them" "$tmp/mpi.out" ||
  { cat "$tmp/mpi.out" >&2; fail "the MPI job did not share the sweep between 2 MPI ranks"; }
/usr/bin/python3 "$same_sweep" "$tmp/local" "$tmp/mpi" || fail "the Slurm MPI sweep differs from the local sweep"

# The job array: 2 slices, then pzsim collect gathers them.
job=$(cd "$tmp" && PZSIM="$PZSIM" sbatch --parsable --array=0-1 -o "$tmp/array-%a.out" "$sbatch_script" "$smoke" "$tmp/array") ||
  fail "sbatch of the job array was refused"
if ! slurm_wait "$job" 240; then
  cat "$tmp"/array-*.out >&2
  fail "the 2-task sweep job array $job did not complete"
fi
for slice in 0 1; do
  grep -q "slice $slice of 2" "$tmp/array-$slice.out" || { cat "$tmp/array-$slice.out" >&2; fail "array task $slice did not run slice $slice of 2"; }
done
"$PZSIM" collect "$tmp/array" >"$tmp/collect.log" 2>&1 || { cat "$tmp/collect.log" >&2; fail "pzsim collect of the job array's folder failed"; }
/usr/bin/python3 "$same_sweep" "$tmp/local" "$tmp/array" || fail "the Slurm job array's sweep differs from the local sweep"
echo "PASS: Slurm MPI job and job array give the local sweep's results"
