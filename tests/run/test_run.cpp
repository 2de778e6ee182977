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

TEST_CASE("run library: sales and jobs by firm origin (relocated in, born during the run)", "[run]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const LoadedScenario loaded = load_scenario(dir.path() / "a.yaml");
  const World w = build_world(loaded.scenario, 1);
  REQUIRE(w.cities == 5);
  State s;
  s.firms.resize(4, w.markets);
  // 0: founder staying in city 0; 1: founder in city 1 at the first month, later in city 2;
  // 2: born in city 3 in month 1, still there; 3: born in city 3 in month 1, moved to city 4.
  const std::uint64_t ids[4] = {7, 9, newborn_firm_id(3, 1, 0), newborn_firm_id(3, 1, 1)};
  const std::uint32_t cities_first[4] = {0, 1, 3, 3}, cities_later[4] = {0, 2, 3, 4};
  const std::size_t m = static_cast<std::size_t>(w.markets);
  CitySeries series(w);
  MonthOutputs out;
  out.reset(w);
  for (int step = 0; step < 2; ++step) {
    s.step = step;
    const std::size_t n = step == 0 ? 2 : 4;  // the newborns exist from month 1
    s.firms.resize(n, w.markets);
    for (std::size_t i = 0; i < n; ++i) {
      s.firms.id[i] = ids[i];
      s.firms.city[i] = step == 0 ? cities_first[i] : cities_later[i];
      s.firms.employees[i] = static_cast<std::int32_t>(10 * (i + 1));
      for (std::size_t k = 0; k < m; ++k) s.firms.revenue_usd_last[i * m + k] = k % kChannels == kCbec ? 100.0 * (i + 1) : 1.0 * (i + 1);
    }
    series.add_month(w, s, out);
  }
  const double markets_per_channel = static_cast<double>(w.destinations);
  // Month 0: nobody has moved or been born in the run.
  for (int c = 0; c < 5; ++c) {
    CHECK(series.at("exports_cbec_relocated_usd", 0, c) == 0.0);
    CHECK(series.at("firm_jobs_born", 0, c) == 0.0);
  }
  // Month 1: firm 1 relocated into city 2, firm 3 into city 4; firm 2 born in city 3.
  CHECK(series.at("exports_cbec_relocated_usd", 1, 2) == Approx(200.0 * markets_per_channel));
  CHECK(series.at("exports_general_relocated_usd", 1, 2) == Approx(2.0 * markets_per_channel));
  CHECK(series.at("firm_jobs_relocated", 1, 2) == 20.0);
  CHECK(series.at("exports_cbec_relocated_usd", 1, 4) == Approx(400.0 * markets_per_channel));
  CHECK(series.at("firm_jobs_relocated", 1, 4) == 40.0);
  CHECK(series.at("exports_cbec_born_usd", 1, 3) == Approx(300.0 * markets_per_channel));
  CHECK(series.at("exports_general_born_usd", 1, 3) == Approx(3.0 * markets_per_channel));
  CHECK(series.at("firm_jobs_born", 1, 3) == 30.0);
  CHECK(series.at("firm_jobs_born", 1, 4) == 0.0);  // a relocated newborn counts as relocated
  CHECK(series.at("exports_cbec_relocated_usd", 1, 0) == 0.0);
  CHECK(series.at("exports_cbec_born_usd", 1, 0) == 0.0);
}

TEST_CASE("run library: firm origins are found when the store's slots are not in id order", "[run]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const LoadedScenario loaded = load_scenario(dir.path() / "a.yaml");
  const World w = build_world(loaded.scenario, 1);
  State s;
  s.firms.resize(2, w.markets);
  // Founder 9 stays in city 1; founder 7, in the slot after it, moves from city 0 to city 3.
  const std::uint64_t ids[2] = {9, 7};
  const std::uint32_t cities_first[2] = {1, 0}, cities_later[2] = {1, 3};
  CitySeries series(w);
  MonthOutputs out;
  out.reset(w);
  for (int step = 0; step < 2; ++step) {
    s.step = step;
    for (std::size_t i = 0; i < 2; ++i) {
      s.firms.id[i] = ids[i];
      s.firms.city[i] = step == 0 ? cities_first[i] : cities_later[i];
      s.firms.employees[i] = static_cast<std::int32_t>(10 * (i + 1));
    }
    series.add_month(w, s, out);
  }
  CHECK(series.at("firm_jobs_relocated", 1, 3) == 20.0);
  CHECK(series.at("firm_jobs_relocated", 1, 1) == 0.0);
}
