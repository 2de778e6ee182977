// general_trade.cpp on hand-set appeals and competitor indices.
//   G = general_imports / china_share * spending_share * (1 + growth)^years since 2015-01
//       * offline shock * sample fraction - 0.3 * CBEC spending (d, s), at least 0
//   R_i = G * a_i / (Phi + sum_j a_j)
//   home: H = domestic_sales * sample fraction * 1.06^years, RH_i = H * aH_i / (PhiH + sum aH)
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

// Firms 0 and 1 sell toys to the us by general trade with appeals 2 and 6; firm 2 (toys)
// does not serve it; firm 3 sells tools with appeal 5. Competitor indices 12 (toys), 15 (tools).
State exporters(const World& w) {
  State s = blank_state(w, 4);
  FirmStore& f = s.firms;
  f.city[0] = kA, f.city[1] = kC, f.city[2] = kC, f.city[3] = kD;
  f.sector[3] = 1;
  f.appeal[mk(w, 0, 0, kGeneral)] = 2.0;
  f.appeal[mk(w, 1, 0, kGeneral)] = 6.0;
  f.appeal[mk(w, 3, 0, kGeneral)] = 5.0;
  for (std::size_t i : {0u, 1u, 3u}) f.active[mk(w, i, 0, kGeneral)] = 1;
  s.general_competitor_index = {12.0, 15.0, 1.0, 1.0};  // [destination * sectors + sector]
  s.step = 24;                                          // 2017-01: two years after 2015-01
  return s;
}

}  // namespace

TEST_CASE("general trade: importers split demand by appeal share against the competitor index", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = exporters(w);
  MonthOutputs out = fresh_outputs(w);
  import_general_trade(w, s, out);
  const double toys = 1e9 / 0.2 * 0.6 * 1.03 * 1.03 * 0.01;  // 31.827 million USD
  const double tools = 1e9 / 0.2 * 0.4 * 1.03 * 1.03 * 0.01;
  const FirmStore& f = s.firms;
  CHECK(f.revenue_usd[mk(w, 0, 0, kGeneral)] == Approx(toys * 2.0 / 20.0));
  CHECK(f.revenue_usd[mk(w, 1, 0, kGeneral)] == Approx(toys * 6.0 / 20.0));
  CHECK(f.spending_usd[mk(w, 1, 0, kGeneral)] == Approx(toys * 6.0 / 20.0));
  CHECK(f.revenue_usd[mk(w, 2, 0, kGeneral)] == 0.0);
  CHECK(f.revenue_usd[mk(w, 3, 0, kGeneral)] == Approx(tools * 5.0 / 20.0));
  CHECK(flow(out, kRestOfWorld, kFirms) == Approx((toys * 0.4 + tools * 0.25) * kFx));
  // Nobody serves the eu.
  for (std::size_t i = 0; i < 4; ++i) CHECK(f.revenue_usd[mk(w, i, 1, kGeneral)] == 0.0);
}

TEST_CASE("general trade: CBEC spending cannibalises general-trade demand, never below zero", "[model][rules]") {
  const auto loaded = rule_scenario();  // cannibalisation 0.3
  const World w = build_world(loaded.scenario, 7);
  State s = exporters(w);
  s.cbec_spending_last_usd = {1e6, 1e9, 0.0, 0.0};  // (us, toys), (us, tools), ...
  MonthOutputs out = fresh_outputs(w);
  import_general_trade(w, s, out);
  const double toys = 1e9 / 0.2 * 0.6 * 1.03 * 1.03 * 0.01 - 0.3 * 1e6;
  CHECK(s.firms.revenue_usd[mk(w, 0, 0, kGeneral)] == Approx(toys * 2.0 / 20.0));
  CHECK(s.firms.revenue_usd[mk(w, 3, 0, kGeneral)] == 0.0);  // 0.3e9 exceeds the tools market
}

TEST_CASE("general trade: the offline demand shock multiplies general-trade demand", "[model][rules]") {
  const auto loaded = rule_scenario({}, "[{kind: demand_shock, start: 2017-01, destination: us, value: 0.85, online_value: 1.3}]");
  const World w = build_world(loaded.scenario, 7);
  State s = exporters(w);
  MonthOutputs out = fresh_outputs(w);
  import_general_trade(w, s, out);
  CHECK(s.firms.revenue_usd[mk(w, 0, 0, kGeneral)] == Approx(1e9 / 0.2 * 0.6 * 1.03 * 1.03 * 0.01 * 0.85 * 0.1));
}

TEST_CASE("general trade: home sales split the domestic market by home appeal", "[model][rules]") {
  const auto loaded = rule_scenario();  // wage trend 0.06
  const World w = build_world(loaded.scenario, 7);
  State s = exporters(w);
  FirmStore& f = s.firms;
  const double appeal[4] = {1.0, 3.0, 4.0, 2.0};
  for (std::size_t i = 0; i < 4; ++i) f.home_appeal[i] = appeal[i];
  f.domestic_revenue_cny[2] = 999.0;  // overwritten, not added to
  s.domestic_competitor_index = {8.0, 2.0};
  MonthOutputs out = fresh_outputs(w);
  sell_at_home(w, s, out);
  const double growth = 1.06 * 1.06;  // two years
  const double toys = 1e9 * 0.01 * growth / (8.0 + 8.0);
  const double tools = 5e8 * 0.01 * growth / (2.0 + 2.0);
  CHECK(f.domestic_revenue_cny[0] == Approx(toys * 1.0));
  CHECK(f.domestic_revenue_cny[1] == Approx(toys * 3.0));
  CHECK(f.domestic_revenue_cny[2] == Approx(toys * 4.0));
  CHECK(f.domestic_revenue_cny[3] == Approx(tools * 2.0));
  CHECK(out.domestic_sales_cny[kA] == Approx(toys));
  CHECK(out.domestic_sales_cny[kC] == Approx(toys * 7.0));
  CHECK(out.domestic_sales_cny[kD] == Approx(tools * 2.0));
  CHECK(flow(out, kHouseholds, kFirms) == Approx(toys * 8.0 + tools * 2.0));
}
