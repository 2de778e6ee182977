#pragma once
// `pzsim sweep`: a sweep description becomes a plan of runs (point x seed x role), the runs
// go through the run library (several at once, results independent of the schedule) into
// DIR/runs/<content hash>.h5, DIR/manifest.csv records every run, and DIR/sweep.h5 collects
// the chosen variables (sim/sweep/collect.hpp). Rerunning the same command resumes: run
// files that verify as complete are kept, anything else is (re)run. Layout: CONTRACTS.md
// section 5 and docs/sweeps.md.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "sim/run/run.hpp"
#include "sim/sweep/spec.hpp"

namespace pzsim {

// One row of manifest.csv: one run of one point with one seed in one role.
struct SweepRow {
  std::size_t point = 0;
  std::vector<std::string> values;  // factor values (override text), in factor order
  std::uint64_t seed = 0;
  std::string role;                 // policy or counterfactual
  std::string run_file;             // runs/<hash>.h5, relative to the sweep folder
  std::string status = "pending";   // done, failed, pending (not run yet) or missing (collect found no valid file)
  double wall_seconds = std::numeric_limits<double>::quiet_NaN();
  std::string error;                // why the run failed
};

struct SweepPlan {
  SweepSpec spec;
  std::vector<SweepRow> rows;          // manifest order: point, then seed, then policy before counterfactual
  std::vector<RunRequest> requests;    // one per row (output relative to the sweep folder's runs/)
  std::vector<std::size_t> owner;      // per row: the first row with the same run file (it runs; the others share it)
};

// Loads the base scenario with every point's overrides and checks them all before anything
// runs; a bad value is an InputError at the factor's place in the sweep file.
SweepPlan plan_sweep(const SweepSpec& spec, const std::filesystem::path& out_dir);

// 16 hex digits (64-bit FNV-1a) of the pzsim version, the seed and the resolved scenario
// (its YAML with run.seed = seed): the run file's name.
std::string run_content_hash(const Scenario& scenario, std::uint64_t seed);

// "" when `file` is a complete run file of this seed (opens as a pzsim result file, has the
// completion attribute, the seed and version, `months` months (0: any) and, when given,
// exactly this resolved scenario); otherwise what is wrong with it ("missing" if absent).
std::string check_run_file(const std::filesystem::path& file, std::uint64_t seed, std::size_t months,
                           const std::string* scenario_yaml = nullptr);

// manifest.csv: point,<factor keys>,seed,role,run_file,status,wall_seconds,error.
void write_manifest(const std::filesystem::path& file, const std::vector<Factor>& factors, const std::vector<SweepRow>& rows);
std::vector<SweepRow> read_manifest(const std::filesystem::path& file, const std::vector<Factor>& factors);

struct SweepOptions {
  std::filesystem::path out_dir;
  int threads = 0;                    // 0: all cores
  bool quiet = false;                 // no progress output
  bool dry_run = false;               // plan and count (what is complete, what would run); write nothing
  double heartbeat_seconds = 60.0;    // not on a terminal: a progress line at least this often
  std::function<void(const std::string&)> log;  // progress lines (default: stderr)
  // Job-array mode (--index/--slices): run only the distinct runs r (in plan order) with
  // r % slices == slice, and leave sweep.h5 to `pzsim collect` once every slice is done.
  std::size_t slice = 0, slices = 1;
  // Runs the requests in place of execute_runs, with the same callbacks and contract; MPI
  // work sharing sets it (sim/sweep/mpi_sweep.cpp).
  std::function<void(const std::vector<RunRequest>&, const std::atomic<bool>*,
                     const std::function<void(std::size_t, const RunResult&)>&, const RunFailed&)>
      executor;
};

struct SweepOutcome {
  std::size_t points = 0, rows = 0;                        // design points, manifest rows
  std::size_t runs = 0, reused = 0, ran = 0, failed = 0;  // distinct run files
  double wall_seconds = 0.0;                               // the whole sweep
  double run_seconds = 0.0;                                // sum of the runs' own times (this invocation)
};

// Runs (or resumes) a sweep into options.out_dir and collects sweep.h5. Throws InputError
// for bad input (nothing written), RunCancelled when interrupted (completed runs are kept).
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options, const std::atomic<bool>* cancel);

}  // namespace pzsim
