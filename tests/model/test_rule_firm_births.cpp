// firm_births.cpp: births in city c ~ Poisson(birth_rate * N_c * (1 + 0.2 admin_c)
//                                              * clamp(pi_c / pibar, 0.2, 5)^0.5),
// relative profit 1 when pibar <= 0; newborns are appended in city order with ids keyed by
// (city, month, birth index), one worker, startup cash 3 * 20 * wage from households.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

// 50 firms in A (administration 0.5), none in B, 50 in C, 20 in D.
State population(const World& w, const std::vector<double>& profit_per_firm) {
  State s = blank_state(w, 120);
  for (std::size_t i = 0; i < 120; ++i) s.firms.city[i] = s.firms.production_city[i] = i < 50 ? kA : (i < 100 ? kC : kD);
  s.cities.profit_per_firm_cny = profit_per_firm;
  set_level(s, kA, Instrument::administration, 0.5);
  return s;
}

// Mean births per city and month over 40 seeds x 72 months, each draw from the same state.
std::vector<double> mean_births(const Scenario& scenario, const std::vector<double>& profit_per_firm, double* dispersion_a = nullptr) {
  std::vector<double> sum(4, 0.0), sum2(4, 0.0);
  double draws = 0.0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const World w = build_world(scenario, seed);
    const State base = population(w, profit_per_firm);
    for (int step = 0; step < 72; ++step) {
      State s = base;
      s.step = step;
      MonthOutputs out = fresh_outputs(w);
      give_birth_to_firms(w, s, out);
      for (std::size_t c = 0; c < 4; ++c) {
        const double b = static_cast<double>(out.firm_births[c]);
        sum[c] += b;
        sum2[c] += b * b;
      }
      draws += 1.0;
    }
  }
  std::vector<double> mean(4);
  for (std::size_t c = 0; c < 4; ++c) mean[c] = sum[c] / draws;
  if (dispersion_a) *dispersion_a = (sum2[kA] / draws - mean[kA] * mean[kA]) / mean[kA];
  return mean;
}

constexpr double kDraws = 40.0 * 72.0;

}  // namespace

TEST_CASE("firm births: the Poisson mean rises with firms, administration and relative profit", "[model][rules]") {
  // Tolerance: 4 standard errors of a Poisson mean over 2,880 draws, 4 sqrt(mu / 2880); the
  // variance-to-mean ratio in A within 0.15 of 1.
  const auto loaded = rule_scenario({"firms.birth_rate=0.02"});
  // National profit per firm (50 * 4000 + 50 * 1000 - 20 * 2000) / 120 = 1750; D's ratio clamps at 0.2.
  double dispersion = 0.0;
  const auto mean = mean_births(loaded.scenario, {4000, 0, 1000, -2000}, &dispersion);
  const double expected[4] = {0.02 * 50 * 1.1 * std::sqrt(4000.0 / 1750.0), 0.0, 0.02 * 50 * std::sqrt(1000.0 / 1750.0),
                              0.02 * 20 * std::sqrt(0.2)};
  for (std::size_t c = 0; c < 4; ++c) {
    INFO("city " << c << " mean " << mean[c] << " expected " << expected[c]);
    CHECK(std::abs(mean[c] - expected[c]) <= 4.0 * std::sqrt(expected[c] / kDraws));
  }
  INFO("variance / mean in A: " << dispersion);
  CHECK(std::abs(dispersion - 1.0) < 0.15);
}

TEST_CASE("firm births: relative profit is 1 when the national profit per firm is not positive", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.birth_rate=0.02"});
  const auto mean = mean_births(loaded.scenario, {-100, 0, -300, -50});
  const double expected[4] = {0.02 * 50 * 1.1, 0.0, 0.02 * 50, 0.02 * 20};
  for (std::size_t c = 0; c < 4; ++c) {
    INFO("city " << c << " mean " << mean[c] << " expected " << expected[c]);
    CHECK(std::abs(mean[c] - expected[c]) <= 4.0 * std::sqrt(expected[c] / kDraws));
  }
}

TEST_CASE("firm births: newborns are appended in city order with ids keyed by city, month and index", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.birth_rate=0.02"});
  const World w = build_world(loaded.scenario, 7);
  const State base = population(w, {4000, 0, 1000, -2000});
  // A month with at least two births in A and one in C.
  for (int step = 0; step < 72; ++step) {
    State s = base;
    s.step = step;
    MonthOutputs out = fresh_outputs(w);
    give_birth_to_firms(w, s, out);
    if (out.firm_births[kA] < 2 || out.firm_births[kC] < 1) continue;
    const std::int64_t born = out.firm_births[kA] + out.firm_births[kB] + out.firm_births[kC] + out.firm_births[kD];
    REQUIRE(s.firms.size() == 120 + static_cast<std::size_t>(born));
    double cash = 0.0;
    std::uint32_t last_city = 0;
    std::uint64_t index_in_city = 0;
    for (std::size_t k = 0; k < static_cast<std::size_t>(born); ++k) {
      const std::size_t slot = 120 + k;
      INFO("newborn " << k);
      CHECK(s.firms.city[slot] >= last_city);  // city order
      index_in_city = k > 0 && s.firms.city[slot] == last_city ? index_in_city + 1 : 0;
      last_city = s.firms.city[slot];
      CHECK(s.firms.id[slot] == newborn_firm_id(last_city, step, index_in_city));
      CHECK(s.firms.id[slot] > s.firms.id[slot - 1]);  // ids increase in slot order (founders below 2^47)
      CHECK(s.firms.employees[slot] == 1);
      CHECK(s.firms.cash_cny[slot] == Approx(3.0 * 20.0 * s.cities.wage_cny[s.firms.city[slot]]));
      CHECK(s.firms.unit_cost_cny[slot] > 0.0);  // priced at birth
      for (int m = 0; m < w.markets; ++m) CHECK(s.firms.active[econ::market_index(w, slot, m)] == 0);
      cash += s.firms.cash_cny[slot];
    }
    CHECK(s.firms.city[120] == kA);
    CHECK(s.firms.city[120 + static_cast<std::size_t>(out.firm_births[kA])] == kC);
    CHECK(s.cities.firm_jobs[kA] == out.firm_births[kA]);
    CHECK(out.jobs_created[kC] == out.firm_births[kC]);
    CHECK(flow(out, kHouseholds, kFirms) == Approx(cash));
    return;
  }
  FAIL("no month with two births in A and one in C");
}

TEST_CASE("firm births: a birth rate of zero gives no births", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.birth_rate=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = population(w, {4000, 0, 1000, -2000});
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  give_birth_to_firms(w, s, out);
  CHECK(s.firms.size() == 120);
  for (std::size_t c = 0; c < 4; ++c) CHECK(out.firm_births[c] == 0);
}

TEST_CASE("firm births: newborn ids are distinct, increasing in birth order and out of founders' range", "[model][rules]") {
  CHECK(newborn_firm_id(0, -600, 0) >= (std::uint64_t{1} << 47));
  CHECK(newborn_firm_id(0, 5, 0) < newborn_firm_id(0, 5, 1));
  CHECK(newborn_firm_id(0, 5, 65535) < newborn_firm_id(1, 5, 0));
  CHECK(newborn_firm_id(300000, 5, 7) < newborn_firm_id(0, 6, 0));
  CHECK(newborn_firm_id(3, -1, 0) < newborn_firm_id(0, 0, 0));
  CHECK(newborn_firm_id(524287, 3071, 65535) < (std::uint64_t{1} << 48));  // RandomStream's limit
  const std::uint64_t id = newborn_firm_id(4321, -7, 99);
  CHECK(is_newborn_id(id));
  CHECK_FALSE(is_newborn_id(123456));
  CHECK(newborn_birth_step(id) == -7);
  CHECK(newborn_birth_city(id) == 4321);
  CHECK_THROWS_AS(newborn_firm_id(0, 5, 65536), std::length_error);
  CHECK_THROWS_AS(newborn_firm_id(524288, 5, 0), std::length_error);
  CHECK_THROWS_AS(newborn_firm_id(0, -1025, 0), std::length_error);
}

TEST_CASE("firm births: the k-th newborn of a city and month draws the same numbers in two runs whose other births differ", "[model][rules]") {
  // Policy and counterfactual: the same seed, but city C's profit (and so its births) and the
  // firms already born differ. The newborns of A that both runs have must be identical firms.
  const auto loaded = rule_scenario({"firms.birth_rate=0.05"});
  const World w = build_world(loaded.scenario, 11);
  for (int step = 0; step < 72; ++step) {
    State policy = population(w, {4000, 0, 1000, -2000});
    State counterfactual = population(w, {4000, 0, 9000, -2000});
    // Earlier births differ: the counterfactual already holds three more firms.
    counterfactual.firms.resize(123, w.markets);
    for (std::size_t i = 120; i < 123; ++i) {
      counterfactual.firms.id[i] = newborn_firm_id(kC, step - 1, i - 120);
      counterfactual.firms.city[i] = counterfactual.firms.production_city[i] = kC;
    }
    policy.step = counterfactual.step = step;
    MonthOutputs out_p = fresh_outputs(w), out_c = fresh_outputs(w);
    give_birth_to_firms(w, policy, out_p);
    give_birth_to_firms(w, counterfactual, out_c);
    const std::int64_t common = std::min(out_p.firm_births[kA], out_c.firm_births[kA]);
    if (common < 1 || out_p.firm_births[kC] == out_c.firm_births[kC]) continue;
    for (std::int64_t k = 0; k < common; ++k) {
      const std::size_t sp = 120 + static_cast<std::size_t>(k), sc = 123 + static_cast<std::size_t>(k);
      INFO("newborn " << k << " of A in month " << step);
      CHECK(policy.firms.id[sp] == counterfactual.firms.id[sc]);
      CHECK(policy.firms.productivity[sp] == counterfactual.firms.productivity[sc]);
      CHECK(policy.firms.quality[sp] == counterfactual.firms.quality[sc]);
      CHECK(policy.firms.sector[sp] == counterfactual.firms.sector[sc]);
      CHECK(policy.firms.trader[sp] == counterfactual.firms.trader[sc]);
      // ... and later draws keyed by the id agree too (e.g. the exit stream).
      RandomStream a(w.seed, Stream::kFirmExit, static_cast<std::uint32_t>(step + 1), policy.firms.id[sp]);
      RandomStream b(w.seed, Stream::kFirmExit, static_cast<std::uint32_t>(step + 1), counterfactual.firms.id[sc]);
      CHECK(a.uniform() == b.uniform());
    }
    return;
  }
  FAIL("no month in which both runs have a newborn in A and their births in C differ");
}
