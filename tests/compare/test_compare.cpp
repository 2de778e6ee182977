// sim/compare: shared counterfactuals run once, estimands add up (national = zone cities +
// other cities), settings reset in the counterfactual change nothing, the done-when
// scenarios share one counterfactual, seed lists parse.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "sim/compare/compare.hpp"
#include "sim/compare/counterfactual.hpp"
#include "sim/compare/estimands.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/load.hpp"
#include "tests/compare/compare_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

const ComparisonRow& row(const Comparison& c, const std::string& scenario, const std::string& estimand, const std::string& metric) {
  for (const auto& r : c.rows)
    if (r.scenario == scenario && r.estimand == estimand && r.metric == metric) return r;
  FAIL("no row " << scenario << " " << estimand << " " << metric);
  throw;
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}); }

}  // namespace

TEST_CASE("compare: scenarios that differ only in zone settings share one counterfactual, run once per seed", "[compare]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const Comparison c = run_comparison(compare_request(dir, {"a.yaml", "instruments.yaml", "rule.yaml", "firms.yaml"}, {1, 2}), nullptr);
  // 4 policy runs and 2 distinct counterfactuals (a, instruments and rule share one), per seed.
  std::map<std::string, int> by_role;
  for (const auto& r : c.runs) ++by_role[r.role];
  CHECK(c.runs.size() == 12);
  CHECK(by_role["policy"] == 8);
  CHECK(by_role["counterfactual"] == 4);
  REQUIRE(c.scenarios.size() == 4);
  CHECK(c.scenarios[0].counterfactual == c.scenarios[1].counterfactual);
  CHECK(c.scenarios[0].counterfactual == c.scenarios[2].counterfactual);
  CHECK(c.scenarios[0].counterfactual != c.scenarios[3].counterfactual);
  CHECK(c.scenarios[0].counterfactual.rfind("counterfactual-", 0) == 0);
  CHECK(c.scenarios[0].cities.total == 5);
  // A and B have drawn attributes, so with the three generated cities all five are synthetic.
  CHECK(c.scenarios[0].cities.synthetic == 5);
  CHECK(c.scenarios[0].cities.real == 0);
  // The shared counterfactual enters each scenario's rows: equal counterfactual means.
  CHECK(row(c, "a", "national", "net_jobs_end").counterfactual_mean == row(c, "rule", "national", "net_jobs_end").counterfactual_mean);
  CHECK(row(c, "a", "national", "net_jobs_end").counterfactual_mean != row(c, "firms", "national", "net_jobs_end").counterfactual_mean);
}

TEST_CASE("compare: national rows equal zone plus other cities, coastal + inland and the regions add up to zone cities", "[compare]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const Comparison c = run_comparison(compare_request(dir, {"a.yaml"}, {1, 2, 3}), nullptr);
  int checked = 0;
  for (const Metric& m : metric_catalog()) {
    const auto& national = row(c, "a", "national", m.name);
    const auto& direct = row(c, "a", "direct", m.name);
    const auto& spillover = row(c, "a", "spillover", m.name);
    const auto& coastal = row(c, "a", "coastal", m.name);
    const auto& inland = row(c, "a", "inland", m.name);
    const auto& east = row(c, "a", "region:east", m.name);
    const auto& central = row(c, "a", "region:central", m.name);
    INFO(m.name);
    CHECK(close(national.policy_mean, direct.policy_mean + spillover.policy_mean));
    CHECK(close(national.counterfactual_mean, direct.counterfactual_mean + spillover.counterfactual_mean));
    REQUIRE(national.per_seed.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(close(national.per_seed[i], direct.per_seed[i] + spillover.per_seed[i]));
      CHECK(close(direct.per_seed[i], coastal.per_seed[i] + inland.per_seed[i]));
      CHECK(close(direct.per_seed[i], east.per_seed[i] + central.per_seed[i]));
    }
    CHECK(close(national.effect.mean, direct.effect.mean + spillover.effect.mean));
    ++checked;
  }
  CHECK(checked >= 10);
  // Not vacuous: the zones move exports in zone cities.
  CHECK(row(c, "a", "direct", "exports_cbec_usd").effect.mean != 0.0);
  // Displacement: the share of the zone cities' gain the other cities lose, -spillover / direct.
  int defined = 0;
  for (const char* metric : {"exports_cbec_usd", "exports_usd", "net_jobs_end"}) {
    const auto& direct = row(c, "a", "direct", metric);
    const auto& spillover = row(c, "a", "spillover", metric);
    const auto& share = row(c, "a", "displacement", metric);
    INFO(metric << ": direct " << direct.effect.mean << ", spillover " << spillover.effect.mean << ", share " << share.effect.mean);
    CHECK(share.unit == "%");
    for (std::size_t i = 0; i < 3; ++i) CHECK(close(share.per_seed[i], -100.0 * spillover.per_seed[i] / direct.per_seed[i]));
    if (direct.contains_zero) {
      CHECK_FALSE(std::isfinite(share.effect.mean));
    } else {
      CHECK(close(share.effect.mean, -100.0 * spillover.effect.mean / direct.effect.mean));
      CHECK(share.effect.lo <= share.effect.mean);
      CHECK(share.effect.mean <= share.effect.hi);
      ++defined;
    }
  }
  CHECK(defined >= 1);
}

TEST_CASE("compare: the decomposition parts of the zone-city gain sum to the total", "[compare]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const Comparison c = run_comparison(compare_request(dir, {"a.yaml"}, {1, 2, 3}), nullptr);
  const std::pair<const char*, std::vector<const char*>> totals[] = {
      {"exports_cbec_recorded_usd", {"relabelling", "relocation", "births", "channel_switching", "business_stealing", "market_expansion"}},
      {"net_jobs_end", {"relocation", "births", "incumbent_firms", "services_and_suppliers", "labour_crowding_out"}},
  };
  for (const auto& [metric, parts] : totals) {
    const auto& total = row(c, "a", "direct", metric);
    for (std::size_t i = 0; i < 3; ++i) {
      double sum = 0.0, largest = 0.0;
      for (const char* part : parts) {
        const double x = row(c, "a", std::string("decomposition:") + part, metric).per_seed[i];
        sum += x;
        largest = std::max(largest, std::abs(x));
      }
      INFO(metric << " seed " << i + 1 << ": total " << total.per_seed[i] << ", parts " << sum);
      CHECK(std::abs(sum - total.per_seed[i]) <= 0.01 * std::abs(total.per_seed[i]));
      CHECK(largest > 0.0);
    }
  }
  // The jobs residual is measured, not a remainder: employment = firm + services + suppliers + other jobs.
  for (double r : row(c, "a", "decomposition:residual", "net_jobs_end").per_seed) CHECK(std::abs(r) < 1e-6);
  // Not vacuous: the zones' firms grow, and newborns or movers carry part of it in some seed.
  double moved_or_born = 0.0;
  for (const char* part : {"relocation", "births"})
    for (double x : row(c, "a", std::string("decomposition:") + part, "net_jobs_end").per_seed) moved_or_born += std::abs(x);
  CHECK(moved_or_born > 0.0);
}

TEST_CASE("compare: the settings the counterfactual resets act only through zones", "[compare]") {
  // Without zones, a scenario keeping another rollout's zone-only settings runs exactly like
  // the canonical counterfactual (so sharing it is exact, not an approximation).
  ScratchDir dir;
  write_compare_scenarios(dir);
  for (const char* f : {"instruments.yaml", "rule.yaml"}) {
    const LoadedScenario loaded = load_scenario(dir.path() / f);
    Scenario raw = loaded.scenario;  // zones removed, nothing reset
    raw.zones.selection = ZoneSelection::none;
    raw.zones.list.clear();
    raw.zones.initial_effectiveness = 0.9;
    raw.zones.learning_months = 3.0;
    raw.zones.fiscal.tax_rules = false;
    const Scenario canonical = counterfactual_of(loaded.scenario);
    REQUIRE(canonical_text(raw) != canonical_text(canonical));
    RunRequest a, b;
    a.scenario = std::make_shared<const Scenario>(raw);
    b.scenario = std::make_shared<const Scenario>(canonical);
    a.seed = b.seed = 5;
    const auto results = execute_runs({a, b}, 2, nullptr);
    for (const auto& spec : series_catalog()) {
      INFO(f << ": " << spec.name);
      CHECK(results[0].series.series(spec.name) == results[1].series.series(spec.name));
    }
  }
}

TEST_CASE("compare: the four rollouts of the done-when check resolve to one counterfactual", "[compare]") {
  std::string first;
  // ... and the status-only run (strengths 0, tax rules off) shares it too.
  for (const char* f : {"calibrated.yaml", "inland-first.yaml", "all-at-once-2016.yaml", "financial-only.yaml", "status-only.yaml"}) {
    const LoadedScenario loaded = load_scenario(std::filesystem::path(PZSIM_SOURCE_DIR) / "scenarios" / f);
    const std::string text = canonical_text(counterfactual_of(loaded.scenario));
    INFO(f);
    if (first.empty()) first = text;
    CHECK(text == first);
  }
}

TEST_CASE("compare: leave-one-batch-out removes exactly one batch, whatever the selection rule", "[compare]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const LoadedScenario rule = load_scenario(dir.path() / "rule.yaml");
  const auto batches = zone_batches(rule.scenario);
  REQUIRE(batches.size() == 2);  // batch size 1, every 6 months from 2014-06
  CHECK(batches[0].first == Month::of(2014, 6));
  CHECK(batches[1].first == Month::of(2014, 12));
  const Scenario without = without_batch(rule.scenario, batches[0].first);
  const auto left = select_zones(without);
  REQUIRE(left.size() == 1);
  CHECK(left[0].second == Month::of(2014, 12));
  CHECK(left[0].first == batches[1].second[0]);
}

TEST_CASE("compare: leave-one-batch-out rows, with a batch's event years", "[compare]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  CompareRequest request = compare_request(dir, {"a.yaml", "one.yaml"}, {1, 2});
  request.by_cohort = true;
  const Comparison c = run_comparison(request, nullptr);
  // Per seed: 2 policy, 1 shared counterfactual, 2 + 1 leave-one-batch-out runs.
  std::map<std::string, int> by_role;
  for (const auto& r : c.runs) ++by_role[r.role];
  CHECK(c.runs.size() == 12);
  CHECK(by_role["leave_out"] == 6);
  // With one batch, the rollout without it has no zones: the cohort row is the national row.
  for (const Metric& m : metric_catalog()) {
    INFO(m.name);
    CHECK(row(c, "one", "cohort:2015-01", m.name).per_seed == row(c, "one", "national", m.name).per_seed);
  }
  // Two batches: each cohort row is the full rollout against the rollout without that batch.
  CHECK(row(c, "a", "cohort:2015-01", "exports_cbec_usd").per_seed != row(c, "a", "national", "exports_cbec_usd").per_seed);
  CHECK(row(c, "a", "cohort:2015-06", "net_jobs_end").effect.n == 2);
  // Event year 0 of the 2015-01 batch (months 12-23 of the run); none for 2015-06 (run ends first).
  CHECK(row(c, "a", "cohort:2015-01", "exports_cbec_usd_event_year_0").per_seed.size() == 2);
  CHECK(row(c, "a", "cohort:2015-01", "exports_usd").effect.mean != 0.0);
  for (const auto& r : c.rows) CHECK_FALSE((r.estimand == "cohort:2015-06" && r.metric.rfind("exports_cbec_usd_event", 0) == 0));
}

TEST_CASE("compare: seed lists", "[compare]") {
  CHECK(parse_seed_list("1-5") == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  CHECK(parse_seed_list("7") == std::vector<std::uint64_t>{7});
  CHECK(parse_seed_list("1,4,8-10") == std::vector<std::uint64_t>{1, 4, 8, 9, 10});
  CHECK(input_error_of([] { parse_seed_list("1-3,2"); }).find("twice") != std::string::npos);
  CHECK(input_error_of([] { parse_seed_list("5-1"); }).find("backwards") != std::string::npos);
  CHECK(input_error_of([] { parse_seed_list("a"); }).find("not a seed") != std::string::npos);
  CHECK(input_error_of([] { parse_seed_list(""); }).find("not a seed") != std::string::npos);
}

TEST_CASE("compare: the parameters are reported as calibrated only when every scenario names its calibration", "[compare]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  dir.write("calibrated.yaml", "extends: a.yaml\ncalibration: \"pzsim calibrate test.yaml: consumers.imitation\"\n");
  CompareRequest request = compare_request(dir, {"calibrated.yaml"}, {1});
  const Comparison calibrated = run_comparison(request, nullptr);
  CHECK_THAT(format_json(calibrated), Catch::Matchers::Contains("\"calibrated\": true"));
  CHECK_THAT(format_table(calibrated), Catch::Matchers::Contains("parameters: calibrated, by pzsim calibrate test.yaml"));
  // With one uncalibrated scenario beside it, the comparison as a whole is not calibrated.
  request.scenario_paths.push_back((dir.path() / "a.yaml").string());
  const Comparison mixed = run_comparison(request, nullptr);
  CHECK_THAT(format_json(mixed), Catch::Matchers::Contains("\"calibrated\": false"));
  CHECK_THAT(format_table(mixed), Catch::Matchers::Contains("uncalibrated priors"));
}
