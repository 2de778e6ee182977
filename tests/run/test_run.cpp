// sim/run: results do not depend on how many runs go at once or in which order, the series
// match the run's outputs, and a cancelled run leaves no file.
#include <catch2/catch.hpp>

#include <atomic>

#include "sim/model/simulation.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/load.hpp"
#include "tests/compare/compare_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

RunRequest request_for(const LoadedScenario& loaded, std::uint64_t seed) {
  RunRequest r;
  r.scenario = std::make_shared<const Scenario>(loaded.scenario);
  r.scenario_yaml = loaded.resolved_yaml;
  r.seed = seed;
  return r;
}

}  // namespace

TEST_CASE("run library: results are independent of threads, concurrency and order", "[run]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const LoadedScenario loaded = load_scenario(dir.path() / "a.yaml");
  const std::vector<RunRequest> forward = {request_for(loaded, 1), request_for(loaded, 2), request_for(loaded, 3)};
  const std::vector<RunRequest> backward = {forward[2], forward[1], forward[0]};
  const auto one = execute_runs(forward, 1, nullptr);
  const auto two = execute_runs(backward, 2, nullptr);
  for (std::size_t i = 0; i < 3; ++i)
    for (const auto& spec : series_catalog()) {
      INFO("seed " << i + 1 << " " << spec.name);
      CHECK(one[i].series.series(spec.name) == two[2 - i].series.series(spec.name));
    }
  CHECK(one[0].series.series("employment") != one[1].series.series("employment"));  // seeds differ
}

TEST_CASE("run library: series are the outputs summed over their other dimensions", "[run]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const LoadedScenario loaded = load_scenario(dir.path() / "a.yaml");
  const RunResult r = run_with_threads(request_for(loaded, 4), 2, nullptr);
  std::vector<MonthOutputs> months;
  run_simulation(loaded.scenario, 4, [&](const World&, const State&, const MonthOutputs& out) { months.push_back(out); });
  const World w = build_world(loaded.scenario, 4);
  REQUIRE(static_cast<int>(months.size()) == r.series.months());
  for (int t = 0; t < r.series.months(); t += 5)
    for (int c = 0; c < w.cities; ++c) {
      const MonthOutputs& o = months[static_cast<std::size_t>(t)];
      double cbec = 0.0, all = 0.0;
      for (int s = 0; s < w.sectors; ++s)
        for (int k = 0; k < kChannels; ++k) {
          const double x = o.exports_usd[(static_cast<std::size_t>(c) * static_cast<std::size_t>(w.sectors) + static_cast<std::size_t>(s)) * kChannels + static_cast<std::size_t>(k)];
          all += x;
          if (k == kCbec) cbec += x;
        }
      CHECK(r.series.at("exports_usd", t, c) == Approx(all));
      CHECK(r.series.at("exports_cbec_usd", t, c) == Approx(cbec));
      CHECK(r.series.at("employment", t, c) == static_cast<double>(o.employment[static_cast<std::size_t>(c)]));
      CHECK(r.series.at("exports_declared_9610_usd", t, c) ==
            Approx(o.exports_declared_usd[static_cast<std::size_t>(c) * kCustomsCodes + kCode9610]));
    }
}

TEST_CASE("run library: a cancelled run throws RunCancelled and leaves no file", "[run]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const LoadedScenario loaded = load_scenario(dir.path() / "a.yaml");
  RunRequest r = request_for(loaded, 1);
  r.output = dir.path() / "out.h5";
  std::atomic<bool> cancel{true};
  CHECK_THROWS_AS(execute_runs({r, r}, 2, &cancel), RunCancelled);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5"));
  int left = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) left += e.path().extension() != ".yaml";
  CHECK(left == 0);
}
