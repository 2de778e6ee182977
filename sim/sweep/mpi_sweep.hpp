#pragma once
// `mpirun -n N pzsim sweep ...`: the ranks share a sweep's runs. Rank 0 runs the sweep as one
// process would (plan, resume checks, manifest.csv, progress lines, sweep.h5), but instead of
// running the runs itself it hands them out one at a time to whichever worker asks next.
// Ranks 1..N-1 plan the same sweep (the plan is deterministic), run each run they are handed
// through the run library (sim/run) into its runs/<hash>.h5 and report the outcome. So the run
// files, and sweep.h5 collected from them, are the same at any rank count; a rank that dies
// loses only the run it was working on (its temporary file is never renamed into place),
// and running the command again resumes the sweep.
//
// Built without MPI (or started without an MPI launcher, or with one rank), this is just
// run_sweep in one process.
#include <atomic>
#include <cstddef>
#include <optional>

#include "sim/sweep/sweep.hpp"

namespace pzsim {

// Whether this pzsim was built with MPI (CMake option PZSIM_WITH_MPI and MPI found).
bool mpi_built();

struct DistributedSweep {
  SweepOutcome outcome;  // meaningful on rank 0 only
  int ranks = 1;         // MPI ranks taking part (1: no MPI)
  bool worker = false;   // this process was a worker rank: it prints nothing and exits 0
};

// Runs (or resumes) the sweep, shared across MPI ranks when launched by mpirun/srun with
// more than one rank. Rank 0 throws what run_sweep throws (InputError, IoError,
// RunCancelled) after telling the workers to stop. Each worker runs one run at a time on
// options.threads threads (0: all cores).
DistributedSweep run_sweep_distributed(const SweepSpec& spec, const SweepOptions& options, const std::atomic<bool>* cancel);

// Job arrays: `--index I [--slices M]` runs slice I of M (options.slice, options.slices); M
// defaults to $SLURM_ARRAY_TASK_COUNT. InputError when M is unknown or I is not below it.
void choose_slice(SweepOptions& options, std::size_t index, std::optional<std::size_t> slices);

}  // namespace pzsim
