#include "sim/bench/bench.hpp"

#include <sys/resource.h>

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "sim/core/parallel.hpp"
#include "sim/core/text.hpp"
#include "sim/model/simulation.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/load.hpp"

namespace pzsim::bench {

namespace {

using WallClock = std::chrono::steady_clock;
using text::json_string;

std::size_t peak_rss_bytes() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024u;  // Linux reports KiB
}

// One timed run of the scenario on the current arena.
BenchResult measure_once(const Scenario& sc, const std::atomic<bool>* cancel) {
  BenchResult r;
  PhaseTimer timer;
  const auto wall_start = WallClock::now();
  const double cpu_start = process_cpu_seconds();
  run_simulation(
      sc, sc.run.seed,
      [&](const World& w, const State& state, const MonthOutputs&) {
        if (state.step != w.clock.months - 1) return;
        r.memory = {{"firms", state.firms.size(), state.firms.bytes()},
                    {"consumers", state.consumers.size(), state.consumers.bytes()},
                    {"shoppers", state.shoppers.size(), state.shoppers.bytes()}};
      },
      cancel, &timer);
  r.cpu_seconds = process_cpu_seconds() - cpu_start;
  r.wall_seconds = std::chrono::duration<double>(WallClock::now() - wall_start).count();
  r.steps = timer.steps();
  r.agent_steps = timer.firm_steps() + timer.consumer_steps() + timer.shopper_steps();
  r.consumer_months = timer.consumer_steps();
  for (std::size_t p = 0; p < kPhaseCount; ++p) r.phases[p] = timer.phase(static_cast<Phase>(p));
  return r;
}

double per_second(double count, double seconds) { return seconds > 0.0 ? count / seconds : 0.0; }

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

template <class... Args>
void append(std::string& out, const char* format, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  out += buf;
}

}  // namespace

StreamTriad stream_triad(std::size_t doubles, int passes) {
  StreamTriad t;
  t.array_bytes = doubles * sizeof(double);
  if (doubles == 0) return t;
  // Raw arrays filled in parallel, so pages are first touched by the threads that stream them.
  std::unique_ptr<double[]> a(new double[doubles]), b(new double[doubles]), c(new double[doubles]);
  constexpr std::size_t kGrain = 1u << 16;
  parallel_for(doubles, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  }, kGrain);
  const double q = 3.0;
  t.best_seconds = 1e300;
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = WallClock::now();
    parallel_for(doubles, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) a[i] = b[i] + q * c[i];
    }, kGrain);
    t.best_seconds = std::min(t.best_seconds, std::chrono::duration<double>(WallClock::now() - start).count());
  }
  // Read a result so the passes cannot be optimised away.
  if (a[doubles / 2] != 7.0) std::fprintf(stderr, "pzsim bench: STREAM triad gave a wrong value\n");
  t.bytes_per_second = per_second(3.0 * static_cast<double>(t.array_bytes), t.best_seconds);
  return t;
}

BenchResult run_bench(const BenchOptions& options, const std::atomic<bool>* cancel) {
  const LoadedScenario loaded = load_scenario(options.scenario, options.overrides, cancel);
  const Scenario& sc = loaded.scenario;
  check_memory(sc);
  oneapi::tbb::task_arena arena(options.threads > 0 ? options.threads : oneapi::tbb::task_arena::automatic);
  BenchResult best;
  const int repeat = std::max(1, options.repeat);
  for (int r = 0; r < repeat; ++r) {
    BenchResult once;
    arena.execute([&] { once = measure_once(sc, cancel); });
    if (r == 0 || once.cpu_seconds < best.cpu_seconds) best = std::move(once);
  }
  best.peak_rss_bytes = peak_rss_bytes();
  arena.execute([&] { best.stream = stream_triad(options.stream_doubles); });
  best.scenario_path = loaded.path;
  best.seed = sc.run.seed;
  best.threads = arena.max_concurrency();
  best.repeat = repeat;
  best.months = sc.run.months;
  best.burn_in_months = sc.run.burn_in_months;
  return best;
}

std::string format_table(const BenchResult& r) {
  std::string out;
  constexpr double kMiB = 1024.0 * 1024.0;
  append(out, "pzsim bench: %s (seed %llu), %d months + %d burn-in = %llu steps, %d thread%s, least CPU of %d repeat%s\n",
         r.scenario_path.c_str(), static_cast<unsigned long long>(r.seed), r.months, r.burn_in_months,
         static_cast<unsigned long long>(r.steps), r.threads, r.threads == 1 ? "" : "s", r.repeat, r.repeat == 1 ? "" : "s");
  append(out, "  wall time            %10.3f s\n", r.wall_seconds);
  append(out, "  CPU time             %10.3f s (all threads)\n", r.cpu_seconds);
  append(out, "  agent-steps/s        %10.4g per wall s  %10.4g per CPU s  (%llu agent-steps)\n",
         per_second(static_cast<double>(r.agent_steps), r.wall_seconds), per_second(static_cast<double>(r.agent_steps), r.cpu_seconds),
         static_cast<unsigned long long>(r.agent_steps));
  append(out, "  consumer-months/s    %10.4g per wall s  %10.4g per CPU s  (%llu consumer-months)\n",
         per_second(static_cast<double>(r.consumer_months), r.wall_seconds),
         per_second(static_cast<double>(r.consumer_months), r.cpu_seconds), static_cast<unsigned long long>(r.consumer_months));
  append(out, "  bytes per agent      (heap bytes of each store at the end of the run)\n");
  for (const auto& m : r.memory)
    append(out, "    %-10s         %10.1f B  (%zu agents, %.1f MiB)\n", m.store.c_str(),
           m.agents > 0 ? static_cast<double>(m.bytes) / static_cast<double>(m.agents) : 0.0, m.agents,
           static_cast<double>(m.bytes) / kMiB);
  append(out, "  peak RSS             %10.1f MiB\n", static_cast<double>(r.peak_rss_bytes) / kMiB);
  append(out, "  STREAM triad         %10.2f GB/s  (3 arrays of %.0f MiB, best pass %.4f s)\n", r.stream.bytes_per_second / 1e9,
         static_cast<double>(r.stream.array_bytes) / kMiB, r.stream.best_seconds);
  double phase_wall = 0.0, phase_cpu = 0.0;
  for (const auto& p : r.phases) phase_wall += p.wall_seconds, phase_cpu += p.cpu_seconds;
  append(out, "  time per phase of step()\n");
  append(out, "    %-28s %10s %10s %8s\n", "phase", "wall s", "CPU s", "CPU %");
  for (std::size_t p = 0; p < kPhaseCount; ++p)
    append(out, "    %-28s %10.3f %10.3f %7.1f%%\n", kPhaseNames[p], r.phases[p].wall_seconds, r.phases[p].cpu_seconds,
           phase_cpu > 0.0 ? 100.0 * r.phases[p].cpu_seconds / phase_cpu : 0.0);
  append(out, "    %-28s %10.3f %10.3f %7.1f%%\n", "all phases", phase_wall, phase_cpu, phase_cpu > 0.0 ? 100.0 : 0.0);
  return out;
}

std::string format_json(const BenchResult& r) {
  std::string out = "{\n";
  out += "  \"scenario\": " + json_string(r.scenario_path) + ",\n";
  append(out, "  \"seed\": %llu,\n  \"threads\": %d,\n  \"repeat\": %d,\n", static_cast<unsigned long long>(r.seed), r.threads,
         r.repeat);
  append(out, "  \"months\": %d,\n  \"burn_in_months\": %d,\n  \"steps\": %llu,\n", r.months, r.burn_in_months,
         static_cast<unsigned long long>(r.steps));
  out += "  \"wall_seconds\": " + json_number(r.wall_seconds) + ",\n";
  out += "  \"cpu_seconds\": " + json_number(r.cpu_seconds) + ",\n";
  append(out, "  \"agent_steps\": %llu,\n  \"consumer_months\": %llu,\n", static_cast<unsigned long long>(r.agent_steps),
         static_cast<unsigned long long>(r.consumer_months));
  out += "  \"agent_steps_per_wall_second\": " + json_number(per_second(static_cast<double>(r.agent_steps), r.wall_seconds)) + ",\n";
  out += "  \"agent_steps_per_cpu_second\": " + json_number(per_second(static_cast<double>(r.agent_steps), r.cpu_seconds)) + ",\n";
  out += "  \"consumer_months_per_wall_second\": " +
         json_number(per_second(static_cast<double>(r.consumer_months), r.wall_seconds)) + ",\n";
  out += "  \"consumer_months_per_cpu_second\": " +
         json_number(per_second(static_cast<double>(r.consumer_months), r.cpu_seconds)) + ",\n";
  out += "  \"memory\": [";
  for (std::size_t i = 0; i < r.memory.size(); ++i) {
    const auto& m = r.memory[i];
    append(out, "%s\n    {\"store\": %s, \"agents\": %zu, \"bytes\": %zu, \"bytes_per_agent\": %s}", i == 0 ? "" : ",",
           json_string(m.store).c_str(), m.agents, m.bytes,
           json_number(m.agents > 0 ? static_cast<double>(m.bytes) / static_cast<double>(m.agents) : 0.0).c_str());
  }
  out += "\n  ],\n";
  append(out, "  \"peak_rss_bytes\": %zu,\n", r.peak_rss_bytes);
  append(out, "  \"stream_triad\": {\"array_bytes\": %zu, \"best_seconds\": %s, \"bytes_per_second\": %s},\n", r.stream.array_bytes,
         json_number(r.stream.best_seconds).c_str(), json_number(r.stream.bytes_per_second).c_str());
  out += "  \"phases\": [";
  for (std::size_t p = 0; p < kPhaseCount; ++p)
    append(out, "%s\n    {\"phase\": \"%s\", \"wall_seconds\": %s, \"cpu_seconds\": %s}", p == 0 ? "" : ",", kPhaseNames[p],
           json_number(r.phases[p].wall_seconds).c_str(), json_number(r.phases[p].cpu_seconds).c_str());
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace pzsim::bench
