// relocation.cpp: a CBEC seller outside a zone reviews its location with probability
// relocation_rate; target = the zone with the highest premium in its macro-region, else nationally.
//   gain = sum over active CBEC markets of VP_last ((1 + tau_z)/(1 + tau_h))^(1 - sigma) - 1)
//          + 12,000 * 0.5 (admin_z - admin_h),  tau_x = tau (1 - 0.3 info_x)
//   C = max(1, 4 * employees * wage here);  move with P = logistic((24 gain - C) / (0.5 C))
// Fixture: A (east) and B (central) are zones; C (east) and D (west) are not.
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

State with_zones(const World& w, std::size_t firms) {
  State s = blank_state(w, firms);
  s.cities.zone_premium = {0.3, 0.9, 0.0, 0.0};  // B is the best zone nationally, A the best in the east
  for (std::size_t zone : {kA, kB}) {
    set_level(s, zone, Instrument::information, 1.0);
    set_level(s, zone, Instrument::administration, 1.0);
  }
  s.step = 10;
  return s;
}

}  // namespace

TEST_CASE("relocation: with a certain review and a large gain, CBEC sellers move to the best zone of their region", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.relocation_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = with_zones(w, 4);
  FirmStore& f = s.firms;
  for (std::size_t i = 0; i < 4; ++i) f.cash_cny[i] = 1e6;
  // Firm 0: a manufacturer in C (east) selling toys by CBEC to the us.
  f.city[0] = f.production_city[0] = kC, f.employees[0] = 10;
  std::size_t k = mk(w, 0, 0, kCbec);
  f.active[k] = 1, f.revenue_usd_last[k] = 1e6, f.gross_wedge[k] = 1.5;
  // Firm 1: a trader in D (west: no zone in its region) making tools in C, selling by CBEC to the eu.
  f.city[1] = kD, f.production_city[1] = kC, f.trader[1] = 1, f.sector[1] = 1, f.employees[1] = 4;
  k = mk(w, 1, 1, kCbec);
  f.active[k] = 1, f.revenue_usd_last[k] = 1e6, f.gross_wedge[k] = 1.2;
  // Firm 2: in C, general trade only. Firm 3: already in zone A.
  f.city[2] = f.production_city[2] = kC, f.employees[2] = 3;
  f.active[mk(w, 2, 0, kGeneral)] = 1;
  f.city[3] = f.production_city[3] = kA, f.employees[3] = 2;
  f.active[mk(w, 3, 0, kCbec)] = 1;
  s.cities.firm_jobs = {2, 0, 13, 4};
  // The gains are large: firm 0's is about 180,000 CNY a month against a one-off cost of 140,000.
  const double vp0 = 1e6 * 6.5 / 1.5 * 0.25;
  const double gain0 = vp0 * (std::pow(1.14 / 1.20, -3.0) - 1.0) + 6000.0;
  REQUIRE((24 * gain0 - 140000) / (0.5 * 140000) > 40);
  MonthOutputs out = fresh_outputs(w);
  relocate_firms(w, s, out);

  CHECK(f.city[0] == kA);
  CHECK(f.production_city[0] == kA);  // a manufacturer moves its production
  CHECK(f.city[1] == kB);             // no zone in the west: the best zone nationally
  CHECK(f.production_city[1] == kC);  // a trader's goods are still made in C
  CHECK(f.city[2] == kC);
  CHECK(f.city[3] == kA);
  CHECK(f.cash_cny[0] == Approx(1e6 - 4 * 10 * 3500.0));
  CHECK(f.cash_cny[1] == Approx(1e6 - 4 * 4 * 2500.0));
  CHECK(f.cash_cny[2] == 1e6);
  CHECK(flow(out, kFirms, kHouseholds) == Approx(140000.0 + 40000.0));
  CHECK(s.cities.firm_jobs == std::vector<std::int64_t>{12, 4, 3, 0});
  CHECK(s.cities.labour_force[kA] == Approx(2010));
  CHECK(s.cities.labour_force[kB] == Approx(1004));
  CHECK(s.cities.labour_force[kC] == Approx(990));
  CHECK(s.cities.labour_force[kD] == Approx(496));
  CHECK(out.relocations_out[kC] == 1);
  CHECK(out.relocations_out[kD] == 1);
  CHECK(out.relocations_in[kA] == 1);
  CHECK(out.relocations_in[kB] == 1);
  CHECK(out.jobs_destroyed[kC] == 10);
  CHECK(out.jobs_destroyed[kD] == 4);
  CHECK(out.jobs_created[kA] == 10);
  CHECK(out.jobs_created[kB] == 4);
}

TEST_CASE("relocation: nobody moves without a review or before any zone exists", "[model][rules]") {
  const std::vector<std::pair<std::string, int>> cases = {{"firms.relocation_rate=0", 10}, {"firms.relocation_rate=1", 1}};
  for (const auto& [rate, step] : cases) {
    const auto loaded = rule_scenario({rate});
    const World w = build_world(loaded.scenario, 7);
    State s = with_zones(w, 1);
    s.step = step;
    s.firms.city[0] = s.firms.production_city[0] = kC;
    s.firms.employees[0] = 1;
    const std::size_t k = mk(w, 0, 0, kCbec);
    s.firms.active[k] = 1, s.firms.revenue_usd_last[k] = 1e6;
    MonthOutputs out = fresh_outputs(w);
    relocate_firms(w, s, out);
    CHECK(s.firms.city[0] == kC);
    CHECK(out.relocations_out[kC] == 0);
  }
}

TEST_CASE("relocation: the move probability is logistic in (24 gain - C) / (0.5 C)", "[model][rules]") {
  // 4,000 one-worker sellers in C with no sales last month: gain = 6,000 * admin_A only.
  // admin_A = 14,000 / 24 / 6,000 makes 24 gain = C = 14,000, so P = 1/2. Tolerance 0.035 (SE 0.0079).
  const auto loaded = rule_scenario({"firms.relocation_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  const std::size_t n = 4000;
  State s = with_zones(w, n);
  set_level(s, kA, Instrument::information, 0.0);
  set_level(s, kA, Instrument::administration, 14000.0 / 24.0 / 6000.0);
  for (std::size_t i = 0; i < n; ++i) {
    s.firms.city[i] = s.firms.production_city[i] = kC;
    s.firms.employees[i] = 1;
    s.firms.active[mk(w, i, 0, kCbec)] = 1;
  }
  s.cities.labour_force[kC] = 10000;
  MonthOutputs out = fresh_outputs(w);
  relocate_firms(w, s, out);
  const double share = static_cast<double>(out.relocations_out[kC]) / static_cast<double>(n);
  INFO("moving share " << share);
  CHECK(std::abs(share - 0.5) < 0.035);
  CHECK(out.relocations_in[kA] == out.relocations_out[kC]);
}

TEST_CASE("relocation: inland haulage enters the trade-cost gain, toward the coast and away from it", "[model][rules]") {
  // Zone instruments at 0, so haulage (0.08 on CBEC from an inland city) is the only difference:
  // leaving an inland city gains VP ((1.20 / 1.28)^-3 - 1) > 0, moving inland loses VP ((1.28 / 1.20)^-3 - 1) < 0,
  // both about 2e5 CNY a month against a one-off cost of 1.0e5-1.4e5: P = 1 and P = 0 in double precision.
  auto run = [](const std::string& inland_city, std::uint32_t from) {
    const auto loaded = rule_scenario({"firms.relocation_rate=1", "cities.list." + inland_city + ".coastal=false"});
    const World w = build_world(loaded.scenario, 7);
    State s = with_zones(w, 1);
    for (std::size_t zone : {kA, kB}) {
      set_level(s, zone, Instrument::information, 0.0);
      set_level(s, zone, Instrument::administration, 0.0);
    }
    s.firms.city[0] = s.firms.production_city[0] = from;
    s.firms.employees[0] = 10;
    const std::size_t k = mk(w, 0, 0, kCbec);
    s.firms.active[k] = 1, s.firms.revenue_usd_last[k] = 1e6, s.firms.gross_wedge[k] = 1.5;
    MonthOutputs out = fresh_outputs(w);
    relocate_firms(w, s, out);
    return s.firms.city[0];
  };
  CHECK(run("3", kD) == kB);  // inland D (west, no zone in its region) moves to coastal B
  CHECK(run("0", kC) == kC);  // coastal C does not move to an inland A
}
