// general_trade.cpp and foreign_competitors.cpp on hand-set appeals and competitor indices.
//   offline imports G = offline shock * (B - 0.3 C) / (1 + o),  B = general_imports / china_share
//       / (1 - omega_0) * spending_share * (1 + income_growth)^years * sample fraction
//   (years from mid-2015; the us has a constant online share 0.1, so B / (1 + o) =
//    general_imports / china_share * spending_share * 1.03^years * 0.01)
//   R_i = G * a_i / (Phi + sum_j a_j)
//   competitors: ln Phi <- ln Phi + kappa (logit s - logit s*), s = A / (Phi + A)
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
  f.general_appeal[dk(w, 0, 0)] = 2.0;
  f.general_appeal[dk(w, 1, 0)] = 6.0;
  f.general_appeal[dk(w, 3, 0)] = 5.0;
  for (std::size_t i : {0u, 1u, 3u}) f.active[mk(w, i, 0, kGeneral)] = 1;
  s.general_competitor_index = {12.0, 15.0, 1.0, 1.0};  // [destination * sectors + sector]
  s.step = 24;                                          // 2017-01
  return s;
}

const double kYears = (24.0 - 5.5) / 12.0;  // mid-2015 to the middle of 2017-01
const double kToys = 1e9 / 0.2 * 0.6 * std::pow(1.03, kYears) * 0.01;   // offline toys imports of the us
const double kTools = 1e9 / 0.2 * 0.4 * std::pow(1.03, kYears) * 0.01;

}  // namespace

TEST_CASE("general trade: importers split offline imports by appeal share against the competitor index", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = exporters(w);
  MonthOutputs out = fresh_outputs(w);
  import_general_trade(w, s, out);
  const FirmStore& f = s.firms;
  CHECK(f.revenue_usd[mk(w, 0, 0, kGeneral)] == Approx(kToys * 2.0 / 20.0));
  CHECK(f.revenue_usd[mk(w, 1, 0, kGeneral)] == Approx(kToys * 6.0 / 20.0));
  CHECK(f.revenue_usd[mk(w, 2, 0, kGeneral)] == 0.0);
  CHECK(f.revenue_usd[mk(w, 3, 0, kGeneral)] == Approx(kTools * 5.0 / 20.0));
  CHECK(flow(out, kRestOfWorld, kFirms) == Approx((kToys * 0.4 + kTools * 0.25) * kFx));
  // Nobody serves the eu.
  for (std::size_t i = 0; i < 4; ++i) CHECK(f.revenue_usd[mk(w, i, 1, kGeneral)] == 0.0);
}

TEST_CASE("general trade: CBEC takes the cannibalisation share of its spending from imports, never below zero",
          "[model][rules]") {
  const auto loaded = rule_scenario();  // cannibalisation 0.3
  const World w = build_world(loaded.scenario, 7);
  State s = exporters(w);
  s.cbec_spending_usd = {1e6, 1e9, 0.0, 0.0};  // (us, toys), (us, tools), ...
  MonthOutputs out = fresh_outputs(w);
  import_general_trade(w, s, out);
  // Offline is 1 / (1 + o) = 0.9 of what CBEC leaves.
  CHECK(s.firms.revenue_usd[mk(w, 0, 0, kGeneral)] == Approx((kToys - 0.9 * 0.3 * 1e6) * 2.0 / 20.0));
  CHECK(s.firms.revenue_usd[mk(w, 3, 0, kGeneral)] == 0.0);  // 0.3e9 exceeds the tools market
}

TEST_CASE("general trade: the offline demand shock multiplies general-trade demand", "[model][rules]") {
  const auto loaded = rule_scenario({}, "[{kind: demand_shock, start: 2017-01, destination: us, value: 0.85, online_value: 1.3}]");
  const World w = build_world(loaded.scenario, 7);
  State s = exporters(w);
  MonthOutputs out = fresh_outputs(w);
  import_general_trade(w, s, out);
  CHECK(s.firms.revenue_usd[mk(w, 0, 0, kGeneral)] == Approx(kToys * 0.85 * 0.1));
}

TEST_CASE("general trade: offline imports grow with income and shrink as the online share rises", "[model][rules]") {
  // eu: income growth 0.02, online share 0.1 -> 0.3 over the 72 months; step 36 (2018-01).
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  s.firms.active[mk(w, 0, 1, kGeneral)] = 1;
  s.firms.general_appeal[dk(w, 0, 1)] = 1.0;
  s.general_competitor_index = {1.0, 1.0, 3.0, 1.0};
  s.step = 36;
  MonthOutputs out = fresh_outputs(w);
  import_general_trade(w, s, out);
  const double omega = 0.1 + 0.2 * 36.0 / 71.0;
  const double market = 2e9 / 0.25 / 0.9 * 0.6 * std::pow(1.02, (36.0 - 5.5) / 12.0) * 0.01;  // B, toys
  CHECK(s.firms.revenue_usd[mk(w, 0, 1, kGeneral)] == Approx(market * (1.0 - omega) / 4.0));
}

TEST_CASE("foreign competitors close kappa of the log-odds gap between China's share and its path", "[model][rules]") {
  // us toys: Chinese appeals 2 + 6 = 8 against Phi 12, s = 0.4. The path: import growth =
  // income growth and a constant online share, so s* = china_share = 0.2 (log odds ln 0.25).
  // us tools: 5 against 15; eu: nobody, the index stays.
  for (double kappa : {0.0, 0.1, 1.0}) {
    const auto loaded = rule_scenario({"consumers.competitor_response=" + std::to_string(kappa)});
    const World w = build_world(loaded.scenario, 7);
    State s = exporters(w);
    respond_foreign_competitors(w, s);
    CHECK(s.general_competitor_index[0] == Approx(12.0 * std::pow((8.0 / 12.0) / 0.25, kappa)));
    CHECK(s.general_competitor_index[1] == Approx(15.0 * std::pow((5.0 / 15.0) / 0.25, kappa)));
    CHECK(s.general_competitor_index[2] == 1.0);
    CHECK(s.general_competitor_index[3] == 1.0);
    if (kappa == 1.0) CHECK(8.0 / (s.general_competitor_index[0] + 8.0) == Approx(0.2));  // on the path at once
  }
}

TEST_CASE("foreign competitors: China's share path follows import growth over income growth and the online share",
          "[model][rules]") {
  const auto loaded = rule_scenario({"destinations.0.import_growth=0.08"});
  const World w = build_world(loaded.scenario, 7);
  // us at step 24: s* = 0.2 * (1.08 / 1.03)^years (constant online share).
  CHECK(econ::china_share_path(w, 0, 24) == Approx(0.2 * std::pow(1.08 / 1.03, kYears)));
  // eu: s* = 0.25 * (1 / 1.02)^years * (1 + o_t) * (1 - omega_0).
  const double omega = 0.1 + 0.2 * 36.0 / 71.0;
  CHECK(econ::china_share_path(w, 1, 36) ==
        Approx(0.25 * std::pow(1.0 / 1.02, (36.0 - 5.5) / 12.0) / (1.0 - omega) * 0.9));
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

TEST_CASE("general appeal totals: each destination and sector sums its firms' general-trade appeal in slot order",
          "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 4);
  FirmStore& f = s.firms;
  f.sector[3] = 1;
  // us toys: 1e16 first, then two ones, each lost to rounding in slot order (1e16 + 1 rounds back
  // to 1e16); in any other order the ones would add up to 2 first and survive.
  f.general_appeal[dk(w, 0, 0)] = 1e16;
  f.general_appeal[dk(w, 1, 0)] = 1.0;
  f.general_appeal[dk(w, 2, 0)] = 1.0;
  f.general_appeal[dk(w, 3, 0)] = 5.0;  // us tools
  f.general_appeal[dk(w, 1, 1)] = 3.0;  // eu toys
  const std::vector<double> total = econ::general_appeal_totals(w, f);
  REQUIRE(total.size() == 4);  // [destination * sectors + sector]
  CHECK(total[0] == 1e16);
  CHECK(total[1] == 5.0);
  CHECK(total[2] == 3.0);
  CHECK(total[3] == 0.0);
}
