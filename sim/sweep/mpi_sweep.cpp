#include "sim/sweep/mpi_sweep.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/model/simulation.hpp"

#if PZSIM_HAVE_MPI
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace pzsim {

namespace {

// The world size an MPI launcher announces in the environment (Open MPI, MPICH/Slurm PMI); 1 if none.
long launcher_world_size() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"})
    if (const char* value = std::getenv(variable)) return std::strtol(value, nullptr, 10);
  return std::getenv("PMIX_RANK") ? 2 : 1;  // PMIx without a size variable: ask MPI itself
}

void log_line(const SweepOptions& options, const std::string& line) {
  if (options.quiet) return;
  if (options.log) options.log(line);
  else std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace

void choose_slice(SweepOptions& options, std::size_t index, std::optional<std::size_t> slices) {
  if (!slices) {
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (!count) throw InputError("--index needs --slices M (or $SLURM_ARRAY_TASK_COUNT, set in Slurm job arrays)");
    slices = static_cast<std::size_t>(std::strtoull(count, nullptr, 10));
  }
  if (*slices < 1 || index >= *slices)
    throw InputError("--index " + std::to_string(index) + " is not a slice of " + std::to_string(*slices) + " (0 to " +
                     std::to_string(*slices == 0 ? 0 : *slices - 1) + ")");
  options.slice = index;
  options.slices = *slices;
}

#if !PZSIM_HAVE_MPI

bool mpi_built() { return false; }

DistributedSweep run_sweep_distributed(const SweepSpec& spec, const SweepOptions& options, const std::atomic<bool>* cancel) {
  // Every rank would run the whole sweep into the same folder; refuse instead.
  if (launcher_world_size() > 1)
    throw InputError("this pzsim was built without MPI, so it cannot share a sweep between MPI ranks; run it without "
                     "mpirun (one process uses every core), or rebuild with MPI (docs/cluster.md)");
  return {run_sweep(spec, options, cancel), 1, false};
}

#else

namespace {

// Messages: a worker sends kResult (text "<status> <seconds>\n<error>", status done, failed or
// cancelled; an empty text when it is first ready); the coordinator answers kWork (the run's
// output path, which names the run in every rank's identical plan) or kStop.
constexpr int kResult = 1, kWork = 2, kStop = 3;

void send_text(int dest, int tag, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

// Receives the message that MPI_Probe/Iprobe reported in `status`.
std::string receive_text(const MPI_Status& status) {
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

// Waits for the next message from `source` (MPI_ANY_SOURCE: anyone) with tag `tag`. Polls
// with a short sleep instead of blocking in MPI_Recv/MPI_Probe, which in Open MPI spin a core
// the runs on this node need.
MPI_Status wait_for_message(int source, int tag = MPI_ANY_TAG) {
  MPI_Status status;
  for (;;) {
    int flag = 0;
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &status);
    if (flag) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// MPI_Init on construction, MPI_Finalize on destruction; MPI calls come from this thread only.
class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

// Rank 0's side: hands runs to workers as they ask, and reports each outcome to run_sweep
// through the executor's callbacks.
class Coordinator {
 public:
  explicit Coordinator(int ranks) : ranks_(ranks), running_(static_cast<std::size_t>(ranks), std::nullopt) {}

  void run(const std::vector<RunRequest>& requests, const std::atomic<bool>* cancel,
           const std::function<void(std::size_t, const RunResult&)>& on_done, const RunFailed& on_failed) {
    std::size_t next = 0;
    bool cancelled = false;
    std::vector<int> waiting;  // workers that asked for work while none could be given
    auto hand_out = [&](int worker) {
      cancelled = cancelled || (cancel && cancel->load());
      if (!cancelled && next < requests.size()) {
        running_[static_cast<std::size_t>(worker)] = next;
        send_text(worker, kWork, requests[next++].output->string());
      } else {
        waiting.push_back(worker);
      }
    };
    for (int w : idle_) hand_out(w);
    idle_.clear();
    auto busy = [&] {
      for (const auto& r : running_)
        if (r) return true;
      return false;
    };
    while (busy()) {
      const MPI_Status status = wait_for_message(MPI_ANY_SOURCE, kResult);
      const int worker = status.MPI_SOURCE;
      const std::string text = receive_text(status);
      const auto job = running_[static_cast<std::size_t>(worker)];
      running_[static_cast<std::size_t>(worker)].reset();
      if (job && !text.empty()) {
        const std::size_t space = text.find(' '), newline = text.find('\n');
        const std::string outcome = text.substr(0, space);
        const double seconds = std::stod(text.substr(space + 1, newline - space - 1));
        if (outcome == "done") {
          RunResult result;
          result.wall_seconds = seconds;
          result.file = requests[*job].output;
          on_done(*job, result);
        } else if (outcome == "failed") {
          on_failed(*job, std::make_exception_ptr(std::runtime_error(text.substr(newline + 1))), seconds);
        } else {
          cancelled = true;
        }
      }
      hand_out(worker);
    }
    // Everyone is idle now; they wait for the next batch or the final stop.
    idle_ = waiting;
    if (cancelled || (cancel && cancel->load())) throw RunCancelled{};
  }

  // Waits for every worker's first "ready" message (once, before the first batch).
  void gather_ready() {
    for (int i = 1; i < ranks_; ++i) {
      const MPI_Status status = wait_for_message(MPI_ANY_SOURCE, kResult);
      (void)receive_text(status);
      idle_.push_back(status.MPI_SOURCE);
    }
  }

  void stop_all() {
    for (int w : idle_) send_text(w, kStop, "");
    idle_.clear();
  }

 private:
  int ranks_;
  std::vector<std::optional<std::size_t>> running_;  // per rank: the request it is running
  std::vector<int> idle_;
};

void worker_loop(const SweepSpec& spec, const SweepOptions& options, const std::atomic<bool>* cancel) {
  // The same plan as rank 0's; if planning fails here it fails there too, and rank 0 reports it.
  std::optional<SweepPlan> plan;
  std::string plan_error;
  try {
    plan = plan_sweep(spec, options.out_dir);
  } catch (const std::exception& e) {
    plan_error = e.what();
  }
  std::map<std::string, std::size_t> by_output;
  if (plan)
    for (std::size_t i = 0; i < plan->requests.size(); ++i) by_output.emplace(plan->requests[i].output->string(), i);

  send_text(0, kResult, "");  // ready
  for (;;) {
    const MPI_Status status = wait_for_message(0);
    const std::string text = receive_text(status);
    if (status.MPI_TAG == kStop) return;
    const auto started = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    std::string reply;
    const auto it = by_output.find(text);
    if (it == by_output.end()) {
      reply = "failed 0\nworker could not plan the sweep: " + (plan_error.empty() ? "no run " + text : plan_error);
    } else {
      try {
        const RunResult result = run_with_threads(plan->requests[it->second], options.threads, cancel);
        reply = "done " + std::to_string(result.wall_seconds) + "\n";
      } catch (const RunCancelled&) {
        reply = "cancelled " + std::to_string(seconds()) + "\n";
      } catch (const std::exception& e) {
        reply = "failed " + std::to_string(seconds()) + "\n" + e.what();
      }
    }
    send_text(0, kResult, reply);
  }
}

}  // namespace

bool mpi_built() { return true; }

DistributedSweep run_sweep_distributed(const SweepSpec& spec, const SweepOptions& options, const std::atomic<bool>* cancel) {
  if (launcher_world_size() <= 1) return {run_sweep(spec, options, cancel), 1, false};
  MpiSession mpi;
  if (mpi.size() == 1) return {run_sweep(spec, options, cancel), 1, false};
  if (mpi.rank() != 0) {
    worker_loop(spec, options, cancel);
    return {{}, mpi.size(), true};
  }
  Coordinator coordinator(mpi.size());
  coordinator.gather_ready();
  SweepOptions shared = options;
  shared.executor = [&](const std::vector<RunRequest>& requests, const std::atomic<bool>* flag,
                        const std::function<void(std::size_t, const RunResult&)>& on_done, const RunFailed& on_failed) {
    log_line(options, "pzsim sweep: " + std::to_string(mpi.size()) + " MPI ranks: rank 0 hands out the runs, " +
                          std::to_string(mpi.size() - 1) + " run them");
    coordinator.run(requests, flag, on_done, on_failed);
  };
  try {
    DistributedSweep result{run_sweep(spec, shared, cancel), mpi.size(), false};
    coordinator.stop_all();
    return result;
  } catch (...) {
    coordinator.stop_all();
    throw;
  }
}

#endif

}  // namespace pzsim
