// pzsim_bench: speed and memory of the model, measured (never asserted in unit tests).
// Runs a scenario at 1 thread and at the machine's thread count and prints agent-steps
// per second (firm, consumer and shopper agents times months) and heap bytes per agent.
// Usage: pzsim_bench [SCENARIO.yaml] [--set k=v ...] [--repeat N]
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/load.hpp"

using namespace pzsim;

int main(int argc, char** argv) {
  std::string path = std::string(PZSIM_SOURCE_DIR) + "/scenarios/default.yaml";
  std::vector<std::string> overrides;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--set" && i + 1 < argc) overrides.push_back(argv[++i]);
    else if (arg == "--repeat" && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--help" || arg == "-h") {
      std::puts("usage: pzsim_bench [SCENARIO.yaml] [--set key=value ...] [--repeat N]");
      return 0;
    } else path = arg;
  }
  try {
    const LoadedScenario loaded = load_scenario(path, overrides);
    const Scenario& sc = loaded.scenario;
    const int cores = oneapi::tbb::info::default_concurrency();
    std::printf("pzsim_bench: %s, %d months (+%d burn-in), %d firms, %d consumer agents per destination\n", path.c_str(),
                sc.run.months, sc.run.burn_in_months, sc.firms.count, sc.consumers.agents_per_destination);
    std::vector<int> thread_counts = {1};
    if (cores > 1) thread_counts.push_back(cores);
    for (int threads : thread_counts) {
      double best = 1e300;
      double agent_steps = 0.0;
      std::size_t bytes = 0, agents = 0;
      for (int r = 0; r < repeat; ++r) {
        oneapi::tbb::task_arena arena(threads);
        const auto start = std::chrono::steady_clock::now();
        double steps = 0.0;
        arena.execute([&] {
          run_simulation(sc, sc.run.seed, [&](const World&, const State& state, const MonthOutputs&) {
            const std::size_t n = state.firms.size() + state.consumers.size() + state.shoppers.size();
            steps += static_cast<double>(n);
            if (state.step == sc.run.months - 1) {
              agents = n;
              bytes = state.firms.bytes() + state.consumers.bytes() + state.shoppers.bytes();
            }
          });
        });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::min(best, seconds);
        agent_steps = steps;
      }
      std::printf("  threads %2d: %7.2f s  %12.3e agent-steps/s  %6.1f bytes/agent (%zu agents at the end)\n", threads,
                  best, agent_steps / best, static_cast<double>(bytes) / static_cast<double>(agents), agents);
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "pzsim_bench: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pzsim_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
