#pragma once
// Tiny hand-built worlds and states for the unit tests of single rules (test_rule_*.cpp).
//
// The scenario has four cities with every attribute given (nothing drawn):
//   A  east,    zone approved 2015-03 (step 2, the leader), wage 4000, 200,000 workers
//   B  central, zone approved 2015-07 (step 6, a follower), wage 3000, 100,000 workers
//   C  east,    no zone,                                    wage 3500, 100,000 workers
//   D  west,    no zone,                                    wage 2500,  50,000 workers
// All four are marked coastal, so trade costs are the destinations' own (no inland surcharge
// enters the hand-computed prices); only the macro-region matters to the rules tested here.
// two destinations (us, eu), two sectors (toys: trade elasticity 3, sigma 4, spending share 0.6;
// tools: trade elasticity 2, sigma 3, 0.4), a flat exchange rate of 6.5 CNY per USD, an empty timeline (tests add events), no
// burn-in, and 72 months from 2015-01 (to 2020-12, so the dated zone tax rules fall inside).
// Every other parameter takes its built-in default unless a test overrides it.
//
// blank_state() gives a State with the cities' labour markets (scenario labour force times
// the sample fraction of 0.01), n firms with every field zero except id = slot, productivity
// 1, quality 1 and gross wedges 1, no consumers or shoppers, and zeroed market memory. Each
// test sets the fields its rule reads, so every expected number can be worked out by hand.
#include <cstddef>
#include <string>
#include <vector>

#include "sim/model/economics.hpp"
#include "sim/model/outputs.hpp"
#include "sim/model/rules.hpp"
#include "sim/model/state.hpp"
#include "sim/model/world.hpp"
#include "sim/scenario/load.hpp"

namespace pzsim::testing {

inline constexpr std::size_t kA = 0, kB = 1, kC = 2, kD = 3;  // city indices
inline constexpr double kFx = 6.5;                              // CNY per USD, every month

inline LoadedScenario rule_scenario(const std::vector<std::string>& overrides = {}, const std::string& timeline = "[]") {
  const std::string text = R"(
description: "rule unit tests"
run: {start: 2015-01, months: 72, seed: 7, burn_in_months: 0}
scale: {sample_fraction: 0.01}
firms: {count: 4, exporter_share: 0.5, cbec_share: 0.25}
consumers: {agents_per_destination: 10}
import_side: {agents_per_city: 10}
cities:
  list:
    - {name: A, province: P1, region: east, coastal: true, infrastructure: 0.8, ecommerce: 0.8, trade_scale: 0.8, labour_force: 200000, wage_cny: 4000, firm_weight: 2}
    - {name: B, province: P2, region: central, coastal: true, infrastructure: 0.6, ecommerce: 0.6, trade_scale: 0.6, labour_force: 100000, wage_cny: 3000, firm_weight: 1}
    - {name: C, province: P3, region: east, coastal: true, infrastructure: 0.5, ecommerce: 0.5, trade_scale: 0.5, labour_force: 100000, wage_cny: 3500, firm_weight: 1}
    - {name: D, province: P4, region: west, coastal: true, infrastructure: 0.4, ecommerce: 0.4, trade_scale: 0.4, labour_force: 50000, wage_cny: 2500, firm_weight: 1}
destinations:
  - {name: us, general_imports_usd: 1.0e9, import_growth: 0.03, income_growth: 0.03, china_share: 0.2, online_shoppers: 1.0e6, online_share: [0.1], trade_cost_general: 0.10, trade_cost_cbec: 0.20, delivery_days_parcel: 10, delivery_days_warehouse: 3, platform_penetration: 0.5, awareness_start: 0.1, outside_utility: 1.0}
  - {name: eu, general_imports_usd: 2.0e9, import_growth: 0.0, income_growth: 0.02, china_share: 0.25, online_shoppers: 2.0e6, online_share: [0.1, 0.3], trade_cost_general: 0.12, trade_cost_cbec: 0.25, delivery_days_parcel: 16, delivery_days_warehouse: 4, platform_penetration: 0.5, awareness_start: 0.1, outside_utility: 2.0}
sectors:
  - {name: toys, trade_elasticity: 3.0, spending_share: 0.6, logistics_cost: 0.05, quality_sigma: 0.3, domestic_sales_cny: 1.0e9}
  - {name: tools, trade_elasticity: 2.0, spending_share: 0.4, logistics_cost: 0.10, quality_sigma: 0.3, domestic_sales_cny: 5.0e8}
zones:
  selection: list
  list: [{city: A, approval: 2015-03}, {city: B, approval: 2015-07}]
exchange_rate: [{year: 2015, value: 6.5}]
timeline: )" + timeline + "\n";
  return load_scenario_text(text, "rule_fixture.yaml", overrides);
}

inline State blank_state(const World& w, std::size_t firms) {
  State s;
  const std::size_t n_city = static_cast<std::size_t>(w.cities);
  s.cities = cities_at_start(w);

  s.firms.resize(firms, w.markets);
  for (std::size_t i = 0; i < firms; ++i) {
    s.firms.id[i] = i;
    s.firms.productivity[i] = 1.0;
    s.firms.quality[i] = 1.0;
    for (int m = 0; m < w.markets; ++m) s.firms.gross_wedge[econ::market_index(w, i, m)] = 1.0;
  }

  const std::size_t n_dest = static_cast<std::size_t>(w.destinations);
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  s.consumers.begin.assign(n_dest + 1, 0);
  s.shoppers.begin.assign(n_city + 1, 0);
  s.general_competitor_index.assign(n_dest * n_sec, 1.0);
  s.domestic_competitor_index.assign(n_sec, 1.0);
  s.reference_price_usd.assign(n_sec, 1.0);
  s.aware_share.assign(n_dest, 0.0);
  s.adopted_share_import.assign(n_city, 0.0);
  s.cbec_spending_usd.assign(n_dest * n_sec, 0.0);
  return s;
}

// Slot of firm i's market (destination d, channel ch) in the per-market arrays.
inline std::size_t mk(const World& w, std::size_t i, int d, Channel ch) {
  return econ::market_index(w, i, d * kChannels + ch);
}

inline void set_level(State& s, std::size_t city, Instrument k, double level) {
  s.cities.instrument[static_cast<std::size_t>(k)][city] = level;
}

// Consumer agents: per destination, a list of (weight, aware). Replaces any existing agents.
struct Agent {
  double weight = 1.0;
  bool flag = false;  // aware (consumers) or adopted (shoppers)
};

inline void set_consumers(State& s, const std::vector<std::vector<Agent>>& per_destination) {
  ConsumerStore& c = s.consumers;
  c = ConsumerStore{};
  c.begin.push_back(0);
  std::uint64_t id = 0;
  for (std::size_t d = 0; d < per_destination.size(); ++d) {
    for (const Agent& a : per_destination[d]) {
      c.id.push_back(id++);
      c.destination.push_back(static_cast<std::uint16_t>(d));
      c.weight.push_back(a.weight);
      c.aware.push_back(a.flag ? 1 : 0);
    }
    c.begin.push_back(c.id.size());
  }
}

inline void set_shoppers(State& s, const std::vector<std::vector<Agent>>& per_city) {
  ImportShopperStore& sh = s.shoppers;
  sh = ImportShopperStore{};
  sh.begin.push_back(0);
  std::uint64_t id = 0;
  for (std::size_t c = 0; c < per_city.size(); ++c) {
    for (const Agent& a : per_city[c]) {
      sh.id.push_back(id++);
      sh.city.push_back(static_cast<std::uint32_t>(c));
      sh.weight.push_back(a.weight);
      sh.adopted.push_back(a.flag ? 1 : 0);
    }
    sh.begin.push_back(sh.id.size());
  }
}

inline MonthOutputs fresh_outputs(const World& w) {
  MonthOutputs out;
  out.reset(w);
  return out;
}

inline double flow(const MonthOutputs& out, int payer, int payee) {
  return out.transactions_cny[static_cast<std::size_t>(payer * kAccountSectors + payee)];
}

}  // namespace pzsim::testing
