#include "sim/run/run.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "sim/core/error.hpp"
#include "sim/io/finite_guard.hpp"
#include "sim/io/result_file.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/load.hpp"

namespace pzsim {

using WallClock = std::chrono::steady_clock;

std::string resolved_yaml(const Scenario& scenario, std::uint64_t seed) {
  Scenario seeded = scenario;
  seeded.run.seed = seed;
  return emit_yaml(seeded);
}

RunResult execute_run(const RunRequest& request, const std::atomic<bool>* cancel, const MonthProgress& progress) {
  const Scenario& sc = *request.scenario;
  const std::uintmax_t limit = request.max_memory_bytes;
  if (limit > 0 && estimate_memory_bytes(sc) > limit)
    throw ResourceError("the run needs about " + describe_size(estimate_memory_bytes(sc)) + " of memory, more than --max-memory " +
                        describe_size(limit) + "; nothing was run or written (reduce firms.count, consumers.agents_per_destination "
                        "or the number of cities, or raise --max-memory)");
  RunResult result;
  const World world = build_world(sc, request.seed);
  result.series = CitySeries(world);
  std::shared_ptr<ResultFile> file;
  if (request.output)
    file = std::make_shared<ResultFile>(*request.output, request.force, world,
                                        RunMetadata{request.scenario_yaml.empty() ? resolved_yaml(sc, request.seed) : request.scenario_yaml,
                                                    request.scenario_path, request.seed, request.role,
                                                    request.overrides, request.attributes});
  const auto start = WallClock::now();
  run_simulation(
      sc, request.seed,
      [&](const World& w, const State& state, const MonthOutputs& out) {
        require_finite_outputs(w, state, out);  // before anything is written or kept
        if (limit > 0 && peak_resident_bytes() > limit)
          throw ResourceError("peak memory " + describe_size(peak_resident_bytes()) + " passed --max-memory " + describe_size(limit) +
                              " in " + w.clock.at(state.step).str() + "; the run stopped and wrote no file");
        if (file) file->append_month(w, state, out);
        if (request.keep_series) result.series.add_month(w, state, out);
        if (progress) progress(state.step + 1, w.clock.at(state.step).str());
      },
      cancel);
  result.wall_seconds = std::chrono::duration<double>(WallClock::now() - start).count();
  if (file && request.defer_publish) {
    file->finish(result.wall_seconds);
    result.unpublished = std::move(file);
  } else if (file) {
    file->commit(result.wall_seconds);
    result.file = file->final_path();
  }
  return result;
}

RunResult run_with_threads(const RunRequest& request, int threads, const std::atomic<bool>* cancel, const MonthProgress& progress) {
  check_memory(*request.scenario);
  oneapi::tbb::task_arena arena(threads > 0 ? threads : oneapi::tbb::task_arena::automatic);
  RunResult result;
  arena.execute([&] { result = execute_run(request, cancel, progress); });
  return result;
}

std::vector<RunResult> execute_runs(const std::vector<RunRequest>& requests, int threads, const std::atomic<bool>* cancel,
                                    const std::function<void(std::size_t, const RunResult&)>& on_done, const RunFailed& on_failed) {
  std::vector<RunResult> results(requests.size());
  if (requests.empty()) return results;
  oneapi::tbb::task_arena arena(threads > 0 ? threads : oneapi::tbb::task_arena::automatic);
  // As many runs at once as there are threads and as fit in memory (the largest run decides).
  std::uintmax_t largest = 0;
  for (const auto& r : requests) {
    check_memory(*r.scenario);
    largest = std::max(largest, estimate_memory_bytes(*r.scenario));
  }
  std::uintmax_t fit = std::max<std::uintmax_t>(1, available_memory_bytes() / std::max<std::uintmax_t>(1, largest));
  // --max-memory bounds the process, so the runs at once too.
  if (requests.front().max_memory_bytes > 0)
    fit = std::min(fit, std::max<std::uintmax_t>(1, requests.front().max_memory_bytes / std::max<std::uintmax_t>(1, largest)));
  const std::size_t at_once =
      static_cast<std::size_t>(std::min<std::uintmax_t>({static_cast<std::uintmax_t>(arena.max_concurrency()), fit, requests.size()}));

  // A failure stops the other runs at their next month; the first error is rethrown.
  std::atomic<bool> stop{false};
  std::exception_ptr first_error;
  std::mutex mutex;
  const auto run_one = [&](std::size_t i) {
    const auto started = WallClock::now();
    try {
      // One flag to poll: mirror the caller's flag into `stop` from the progress callback.
      results[i] = execute_run(requests[i], &stop, [&](int, const std::string&) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) stop.store(true);
      });
      std::lock_guard<std::mutex> lock(mutex);
      if (on_done) on_done(i, results[i]);
    } catch (const RunCancelled&) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!first_error) first_error = std::current_exception();
      stop.store(true);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (on_failed) {
        on_failed(i, std::current_exception(), std::chrono::duration<double>(WallClock::now() - started).count());
        return;
      }
      if (!first_error) first_error = std::current_exception();
      stop.store(true);
    }
  };
  arena.execute([&] {
    // Runs are handed out in request order in `at_once` lanes; a lane takes the next run
    // when its current one ends. The assignment does not change any result.
    std::atomic<std::size_t> next{0};
    oneapi::tbb::parallel_for(std::size_t{0}, at_once, [&](std::size_t) {
      for (std::size_t i = next++; i < requests.size(); i = next++) {
        if (stop.load() || (cancel != nullptr && cancel->load())) break;
        run_one(i);
      }
    });
  });
  if (first_error) std::rethrow_exception(first_error);
  if (cancel != nullptr && cancel->load()) throw RunCancelled{};
  return results;
}

std::uintmax_t estimate_memory_bytes(const Scenario& sc) {
  const std::uintmax_t markets = sc.destinations.size() * kChannels;
  // Firms grow by births over a run; allow for three times the founders.
  const std::uintmax_t firms = 3u * static_cast<std::uintmax_t>(sc.firms.count);
  const std::uintmax_t consumers = static_cast<std::uintmax_t>(sc.consumers.agents_per_destination) * sc.destinations.size() +
                                   static_cast<std::uintmax_t>(sc.import_side.agents_per_city) * sc.cities.list.size();
  // The per-city monthly series kept for comparisons.
  const std::uintmax_t series = series_catalog().size() * sc.cities.list.size() * static_cast<std::uintmax_t>(sc.run.months) * 8u;
  return firms * (200 + markets * 60) + consumers * 32 + series + (64u << 20);
}

std::uintmax_t available_memory_bytes() {
  std::FILE* f = std::fopen("/proc/meminfo", "r");
  if (!f) return UINTMAX_MAX;
  char key[64];
  unsigned long long kb = 0;
  std::uintmax_t result = UINTMAX_MAX;
  while (std::fscanf(f, "%63s %llu kB\n", key, &kb) == 2)
    if (std::string(key) == "MemAvailable:") result = static_cast<std::uintmax_t>(kb) * 1024u;
  std::fclose(f);
  return result;
}

void check_memory(const Scenario& sc) {
  const std::uintmax_t needed = estimate_memory_bytes(sc), available = available_memory_bytes();
  if (needed > available)
    throw IoError("the run needs about " + std::to_string(needed >> 20) + " MiB of memory and " +
                  std::to_string(available >> 20) + " MiB are available; reduce firms.count or consumers.agents_per_destination");
}

std::uintmax_t parse_memory_size(const std::string& text) {
  const auto bad = [&] {
    return InputError("--max-memory " + text + ": expected a size such as 4G, 512M, 1.5GiB or a number of bytes");
  };
  double number = 0.0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const auto [rest, error] = std::from_chars(begin, end, number);
  if (error != std::errc{} || !std::isfinite(number) || number <= 0.0) throw bad();
  std::string unit(rest, end);
  if (unit.ends_with("iB")) unit.resize(unit.size() - 2);
  else if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  double scale = 1.0;
  if (unit == "K" || unit == "k") scale = 1024.0;
  else if (unit == "M") scale = 1024.0 * 1024.0;
  else if (unit == "G") scale = 1024.0 * 1024.0 * 1024.0;
  else if (unit == "T") scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
  else if (!unit.empty() && unit != "B") throw bad();
  const double bytes = number * scale;
  if (bytes < 1.0 || bytes >= 1e18) throw bad();
  return static_cast<std::uintmax_t>(bytes);
}

std::uintmax_t peak_resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  std::uintmax_t kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmHWM: %ju kB", &kb) == 1) break;
  std::fclose(f);
  return kb * 1024u;
}

ProgressBar::ProgressBar(bool enabled, int total, std::string label)
    : enabled_(enabled && ::isatty(STDERR_FILENO) != 0), total_(total), label_(std::move(label)), start_(WallClock::now()) {}

void ProgressBar::update(int done, const std::string& month) {
  if (!enabled_) return;
  const double elapsed = std::chrono::duration<double>(WallClock::now() - start_).count();
  if (elapsed < 1.0) return;
  const double fraction = static_cast<double>(done) / total_;
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  const int width = 30, filled = static_cast<int>(fraction * width);
  std::fprintf(stderr, "\r%s [%s%s] %3.0f%% %s ETA %4.0fs ", label_.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), 100.0 * fraction, month.c_str(), eta);
  shown_ = true;
}

void ProgressBar::clear() {
  if (shown_) std::fprintf(stderr, "\r%*s\r", 80, "");
  shown_ = false;
}

ProgressBar::~ProgressBar() { clear(); }

}  // namespace pzsim
