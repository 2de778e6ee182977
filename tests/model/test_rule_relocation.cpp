// relocation.cpp: a CBEC seller outside a zone reviews its location with probability
// relocation_rate; target = the zone with the highest premium in its macro-region, else nationally.
//   gain = sum over active CBEC markets of VP_last ((1 + tau_z)/(1 + tau_h))^(1 - sigma) - 1)
//          + 12,000 * 0.5 (admin_z - admin_h),  tau_x = tau (1 - 0.3 info_x)
//   policy gain = the same with the target's instruments at the national floor subtracted
//   C = max(1, 4 * employees * wage here);  net = 24 min(gain, policy gain) - C
//   move with P = max(0, 2 logistic(net / (0.5 C)) - 1): never when the move does not pay
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
  f.active[k] = 1, f.revenue_usd_last[k] = 1e6, set_gross_wedge(w, f, k, 1.5);
  // Firm 1: a trader in D (west: no zone in its region) making tools in C, selling by CBEC to the eu.
  f.city[1] = kD, f.production_city[1] = kC, f.trader[1] = 1, f.sector[1] = 1, f.employees[1] = 4;
  k = mk(w, 1, 1, kCbec);
  f.active[k] = 1, f.revenue_usd_last[k] = 1e6, set_gross_wedge(w, f, k, 1.2);
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

namespace {

// 4,000 one-worker CBEC sellers in C with no sales last month: their gain is
// 6,000 CNY x (admin_A - admin_C) a month; C = 4 x 3,500 = 14,000 CNY. Returns the share moving.
double moving_share(double admin_zone, double admin_here) {
  const auto loaded = rule_scenario({"firms.relocation_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  const std::size_t n = 4000;
  State s = with_zones(w, n);
  set_level(s, kA, Instrument::information, 0.0);
  set_level(s, kA, Instrument::administration, admin_zone);
  set_level(s, kC, Instrument::administration, admin_here);
  for (std::size_t i = 0; i < n; ++i) {
    s.firms.city[i] = s.firms.production_city[i] = kC;
    s.firms.employees[i] = 1;
    s.firms.active[mk(w, i, 0, kCbec)] = 1;
  }
  s.cities.labour_force[kC] = 10000;
  MonthOutputs out = fresh_outputs(w);
  relocate_firms(w, s, out);
  CHECK(out.relocations_in[kA] == out.relocations_out[kC]);
  return static_cast<double>(out.relocations_out[kC]) / static_cast<double>(n);
}

}  // namespace

TEST_CASE("relocation: zero relocations at zero gain and at break-even, some at a large gain", "[model][rules]") {
  // Zero gain: the zone offers what the firms already have (both at 0, or both at 0.5).
  CHECK(moving_share(0.0, 0.0) == 0.0);
  CHECK(moving_share(0.5, 0.5) == 0.0);
  // Break-even: 24 gain = C exactly (admin_A = 14,000 / 24 / 6,000); slightly below it.
  CHECK(moving_share(14000.0 / 24.0 / 6000.0, 0.0) == 0.0);
  CHECK(moving_share(0.9 * 14000.0 / 24.0 / 6000.0, 0.0) == 0.0);
  // A large gain (24 x 6,000 = 144,000 against 14,000): x = 18.6, P = 1 in double precision.
  CHECK(moving_share(1.0, 0.0) == 1.0);
}

TEST_CASE("relocation: above break-even the move probability is 2 logistic(net / (0.5 C)) - 1", "[model][rules]") {
  // net / (0.5 C) = ln 3 gives P = 2 x 3/4 - 1 = 1/2: 24 x 6,000 a = C (1 + 0.5 ln 3).
  // Tolerance 0.035 (SE 0.0079).
  const double admin = 14000.0 * (1.0 + 0.5 * std::log(3.0)) / 24.0 / 6000.0;
  const double share = moving_share(admin, 0.0);
  INFO("moving share " << share);
  CHECK(std::abs(share - 0.5) < 0.035);
}

TEST_CASE("relocation: geography alone moves nobody, the zone's instruments must pay for the move", "[model][rules]") {
  // Inland D (west, no zone in its region) pays 0.08 haulage on CBEC; the best zone is coastal B.
  // With B's instruments at 0 the move would save VP ((1.20 / 1.28)^-3 - 1), about 2e5 CNY a
  // month, but none of it comes from the zone: nobody moves. With B's information instrument
  // at 1 (clearance cost of the destination's 0.20 cut by 30%: tau 0.14 against 0.20), the
  // policy part alone is VP ((1.14 / 1.20)^-3 - 1), about 5.4e5 a month against C = 1e5: it moves.
  // Coastal C never moves to an inland zone A whose instruments do not cover the haulage it adds.
  auto run = [](const std::string& inland_city, std::uint32_t from, double info_zone) {
    const auto loaded = rule_scenario({"firms.relocation_rate=1", "cities.list." + inland_city + ".coastal=false"});
    const World w = build_world(loaded.scenario, 7);
    State s = with_zones(w, 1);
    for (std::size_t zone : {kA, kB}) {
      set_level(s, zone, Instrument::information, info_zone);
      set_level(s, zone, Instrument::administration, 0.0);
    }
    s.firms.city[0] = s.firms.production_city[0] = from;
    s.firms.employees[0] = 10;
    const std::size_t k = mk(w, 0, 0, kCbec);
    s.firms.active[k] = 1, s.firms.revenue_usd_last[k] = 1e6, set_gross_wedge(w, s.firms, k, 1.5);
    MonthOutputs out = fresh_outputs(w);
    relocate_firms(w, s, out);
    return s.firms.city[0];
  };
  CHECK(run("3", kD, 0.0) == kD);  // geography only: no move
  CHECK(run("3", kD, 1.0) == kB);  // the zone's instruments pay for it
  CHECK(run("0", kC, 0.0) == kC);  // coastal C does not move to an inland A
}
