#pragma once
// `pzsim bench`: speed and memory of one scenario, measured (speed is never asserted in the
// test suite). Runs the scenario R times on N threads with step()'s phase timer on, keeps the
// repeat that used the least CPU, and probes memory bandwidth (STREAM triad) for the roofline
// in docs/performance.md.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/phase_timer.hpp"

namespace pzsim::bench {

struct BenchOptions {
  std::string scenario;                    // scenario YAML
  std::vector<std::string> overrides;      // --set key=value
  int threads = 0;                         // worker threads, 0: all cores
  int repeat = 1;                          // runs; the one with the least CPU time is reported
  std::size_t stream_doubles = 1u << 23;   // doubles per STREAM array (3 arrays, 64 MiB each by default)
};

// Heap bytes a store holds at the end of the run and the agents in it.
struct StoreMemory {
  std::string store;
  std::size_t agents = 0;
  std::size_t bytes = 0;
};

struct StreamTriad {
  std::size_t array_bytes = 0;        // bytes per array (a = b + s c over three arrays)
  double best_seconds = 0.0;          // fastest of the passes
  double bytes_per_second = 0.0;      // 3 arrays x array_bytes / best_seconds (STREAM's count, no write-allocate)
};

struct BenchResult {
  std::string scenario_path;
  std::uint64_t seed = 0;
  int threads = 0, repeat = 0;
  int months = 0, burn_in_months = 0;
  double wall_seconds = 0.0;             // whole run (world build, burn-in, reported months)
  double cpu_seconds = 0.0;              // process CPU time over the same span, all threads
  std::uint64_t steps = 0;               // burn-in included
  std::uint64_t agent_steps = 0;         // firms + consumers + import shoppers, summed over steps
  std::uint64_t consumer_months = 0;     // consumer agents summed over steps
  std::array<PhaseTimer::Totals, kPhaseCount> phases{};
  std::vector<StoreMemory> memory;       // firms, consumers, shoppers
  std::size_t peak_rss_bytes = 0;        // of the process after the runs, before the STREAM probe
  StreamTriad stream;
};

// Loads the scenario (InputError on bad input) and measures it.
BenchResult run_bench(const BenchOptions& options, const std::atomic<bool>* cancel = nullptr);

// STREAM triad a[i] = b[i] + q c[i] over `doubles`-long arrays on the current task arena's
// threads (through sim/core/parallel.hpp), best of `passes`.
StreamTriad stream_triad(std::size_t doubles, int passes = 10);

std::string format_table(const BenchResult& result);
std::string format_json(const BenchResult& result);

}  // namespace pzsim::bench
