#pragma once
// The run library: a request (a resolved scenario, its overrides, a seed, a role, optionally
// an output file) goes in; the run's per-city monthly series and its file come out. `pzsim
// run` and `pzsim compare` call it. Cancellation is passed in (a flag the caller owns, e.g.
// set by a signal handler); nothing here reads a global.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/run/city_series.hpp"
#include "sim/scenario/scenario.hpp"

namespace pzsim {

class ResultFile;

struct RunRequest {
  std::shared_ptr<const Scenario> scenario;  // resolved and validated; run.seed is ignored (see seed)
  std::string scenario_yaml;                 // the resolved scenario as stored in the file; empty: emitted
                                             // from `scenario` with run.seed = seed when the file is written
  std::string scenario_path;                 // the file as the user named it
  std::vector<std::string> overrides;        // --set overrides applied to it (stored in the file)
  std::uint64_t seed = 1;                    // run seed
  std::string role = "run";                  // run, policy, counterfactual or leave_out
  std::string label;                         // short name for progress lines (e.g. "historical s3")
  std::optional<std::filesystem::path> output;  // result file to write, if any
  bool force = false;                        // overwrite an existing result file
  std::vector<std::pair<std::string, std::string>> attributes;  // extra root string attributes (sweep_point, override_<key>)
  bool keep_series = true;                   // keep the per-city series in RunResult (sweeps only need the file)
  // --max-memory in bytes (0: none): the estimate must fit before the run starts and the
  // process's peak resident memory is checked after every month (ResourceError, no file).
  std::uintmax_t max_memory_bytes = 0;
  bool defer_publish = false;                // leave the finished file under its temporary name (RunResult::unpublished)
};

struct RunResult {
  CitySeries series;                         // per-city monthly values (sample units)
  double wall_seconds = 0.0;
  std::optional<std::filesystem::path> file; // the committed result file, if one was asked for
  // With defer_publish: the finished file, still under its temporary name; publish() renames
  // it, and it is removed if the last copy of this pointer goes without that.
  std::shared_ptr<ResultFile> unpublished;
};

// Called after each simulated month of one run (months done, the month just simulated).
using MonthProgress = std::function<void(int done, const std::string& month)>;

// The resolved scenario text a run file stores: `scenario` with run.seed = seed.
std::string resolved_yaml(const Scenario& scenario, std::uint64_t seed);

// Runs one request on the calling thread's task arena. Throws RunCancelled when `cancel`
// becomes true (between months; the temporary file is removed), InputError/IoError from the
// result file.
RunResult execute_run(const RunRequest& request, const std::atomic<bool>* cancel, const MonthProgress& progress = {});

// Checks memory, then runs one request on `threads` worker threads (0: all cores).
RunResult run_with_threads(const RunRequest& request, int threads, const std::atomic<bool>* cancel,
                           const MonthProgress& progress = {});

// Runs several requests on `threads` worker threads (0: all cores), several at once when
// cores and memory allow; each run's own loops share the same threads. Results come back in
// request order and do not depend on the schedule. `on_done(i, result)` is called (from one
// thread at a time) as run i completes. If any run fails or is cancelled, the others stop at
// their next month and the first error is rethrown. With `on_failed`, a failed run is reported
// to it instead (from one thread at a time: run, error, seconds it ran) and the others go on;
// its result stays empty. Cancellation always stops every run (RunCancelled).
using RunFailed = std::function<void(std::size_t, const std::exception_ptr&, double)>;
std::vector<RunResult> execute_runs(const std::vector<RunRequest>& requests, int threads, const std::atomic<bool>* cancel,
                                    const std::function<void(std::size_t, const RunResult&)>& on_done = {},
                                    const RunFailed& on_failed = {});

// Bytes of RAM one run needs, roughly, and what the machine has available.
std::uintmax_t estimate_memory_bytes(const Scenario& scenario);
std::uintmax_t available_memory_bytes();
// IoError when one run of the scenario does not fit in the available memory.
void check_memory(const Scenario& scenario);
// "4G", "512MiB", "1.5GB", "300000000": bytes; K, M, G, T are powers of 1024 (B, iB
// suffixes allowed). InputError for anything else, zero included.
std::uintmax_t parse_memory_size(const std::string& text);
// The process's peak resident memory so far (VmHWM of /proc/self/status), bytes; 0 if unknown.
std::uintmax_t peak_resident_bytes();

// Progress bar with ETA on stderr for one run: only on a terminal, only after the first second.
class ProgressBar {
 public:
  ProgressBar(bool enabled, int total, std::string label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  void update(int done, const std::string& month);
  void clear();  // erases the bar (before printing to stdout)

 private:
  bool enabled_;
  int total_;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  bool shown_ = false;
};

}  // namespace pzsim
