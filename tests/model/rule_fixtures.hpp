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
// Every other parameter is written out below at the value the tests' arithmetic uses, so the
// scenario never falls back on a built-in default: changing a default (a calibration, say)
// breaks no rule test. test_rule_fixture.cpp checks that the text sets every key the
// resolved scenario has.
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

// The fixture scenario as YAML text, with `timeline` (a YAML list of events) as its timeline.
inline std::string rule_scenario_text(const std::string& timeline = "[]") {
  return R"(
description: "rule unit tests"
calibration: ""
run: {start: 2015-01, months: 72, seed: 7, burn_in_months: 0}
scale: {sample_fraction: 0.01}
cities:
  inland_cost_general: 0.03
  inland_cost_cbec: 0.08
  list:
    - {name: A, province: P1, region: east, coastal: true, infrastructure: 0.8, ecommerce: 0.8, trade_scale: 0.8, labour_force: 200000, wage_cny: 4000, firm_weight: 2, productivity: 1, synthetic: false}
    - {name: B, province: P2, region: central, coastal: true, infrastructure: 0.6, ecommerce: 0.6, trade_scale: 0.6, labour_force: 100000, wage_cny: 3000, firm_weight: 1, productivity: 1, synthetic: false}
    - {name: C, province: P3, region: east, coastal: true, infrastructure: 0.5, ecommerce: 0.5, trade_scale: 0.5, labour_force: 100000, wage_cny: 3500, firm_weight: 1, productivity: 1, synthetic: false}
    - {name: D, province: P4, region: west, coastal: true, infrastructure: 0.4, ecommerce: 0.4, trade_scale: 0.4, labour_force: 50000, wage_cny: 2500, firm_weight: 1, productivity: 1, synthetic: false}
  synthetic: {count: 0, name_prefix: city, coastal_share: 0.3, region_shares: [0.4, 0.3, 0.2, 0.1]}
  attributes: {seed: 20150307, coastal_index_bonus: 0.15, east_index_bonus: 0.1, index_sd: 0.12, labour_force_median: 2.5e+06,
               labour_force_sigma: 0.6, wage_cny_east: 3400, wage_cny_other: 2700}
destinations:
  - {name: us, general_imports_usd: 1.0e9, import_growth: 0.03, income_growth: 0.03, china_share: 0.2, online_shoppers: 1.0e6, online_share: [0.1], trade_cost_general: 0.10, trade_cost_cbec: 0.20, delivery_days_parcel: 10, delivery_days_warehouse: 3, platform_penetration: 0.5, awareness_start: 0.1, outside_utility: 1.0}
  - {name: eu, general_imports_usd: 2.0e9, import_growth: 0.0, income_growth: 0.02, china_share: 0.25, online_shoppers: 2.0e6, online_share: [0.1, 0.3], trade_cost_general: 0.12, trade_cost_cbec: 0.25, delivery_days_parcel: 16, delivery_days_warehouse: 4, platform_penetration: 0.5, awareness_start: 0.1, outside_utility: 2.0}
sectors:
  - {name: toys, trade_elasticity: 3.0, spending_share: 0.6, logistics_cost: 0.05, quality_sigma: 0.3, domestic_sales_cny: 1.0e9}
  - {name: tools, trade_elasticity: 2.0, spending_share: 0.4, logistics_cost: 0.10, quality_sigma: 0.3, domestic_sales_cny: 5.0e8}
# Every model parameter, pinned at the value the tests' hand-computed numbers use (the
# built-in defaults when they were written), so a change of a default breaks no rule test.
firms:
  count: 4
  productivity: lognormal
  productivity_sigma: 0.5
  pareto_shape: 4
  productivity_growth_year: 0.07
  labour_cost_share: 0.2
  home_market_share: 0.3
  exporter_share: 0.5
  cbec_share: 0.25
  trader_share: 0.2
  employees_median: 20
  startup_cash_months: 3
  credit_line_months: 2
  interest_rate_year: 0.06
  sunk_cost_general_cny: 300000
  sunk_cost_cbec_cny: 120000
  fixed_cost_general_cny: 20000
  fixed_cost_cbec_cny: 12000
  compliance_cost_per_product_cny: 800
  entry_consideration_rate: 0.08
  decision_noise: 0.5
  signal_noise: 0.4
  horizon_months: 24
  working_capital_months_general: 2.5
  working_capital_months_cbec: 1.5
  working_capital_months_warehouse: 4
  warehouse_cost_cny: 30000
  warehouse_cost_per_product_cny: 1200
  warehouse_cost_share: 0.02
  revenue_per_product_usd: 3000
  max_products: 200
  death_rate: 0.004
  loss_months_to_exit: 9
  birth_rate: 0.008
  birth_profit_response: 0.5
  relocation_rate: 0.002
  relocation_cost_months: 4
  hiring_speed: 0.5
  layoff_speed: 0.3
  corporate_tax: 0.25
consumers:
  agents_per_destination: 10
  innovation: 0.001
  imitation: 0.008
  shopping_rate: 0.35
  consideration_set: 8
  nest_dissimilarity: 0.7
  quality_weight: 1
  delivery_day_cost: 0.06
  reputation_weight: 1.5
  cannibalisation: 0.3
  competitor_response: 0.15
  choke_price_ratio: 20
import_side:
  agents_per_city: 10
  online_shopper_share: 0.35
  adopted_start: 0.07
  innovation: 0.008
  imitation: 0.005
  shopping_rate: 0.43
  basket_usd: 70
  pilot_adoption_boost: 0.3
platform:
  commission: 0.15
  monthly_fee_usd: 39.99
  newcomer_boost: 1
  newcomer_months: 6
  reputation_visibility: 2
  warehouse_visibility: 0.5
  reputation_speed: 0.08
  suspension_rate: 0.01
  logistics_service: true
labour:
  vacancy_fill_rate: 0.25
  wage_trend_year: 0.06
  wage_tightness_response: 0.001
  wage_fall_max_year: 0.04
  normal_employment_rate: 0.95
  other_wage_elasticity: 1
  services_jobs_per_kparcel: 0.8
  parcel_value_usd: 25
  migration_rate: 0.002
  hukou_friction: 0.6
  rural_inflow: 0.0008
zones:
  selection: list
  list: [{city: A, approval: 2015-03}, {city: B, approval: 2015-07}]
  top_k: 0
  rule_start: 2016-01
  rule_batch_size: 1
  rule_interval_months: 2
  financial:
    strength: 1
    ramp_months: 12
  information:
    strength: 1
    ramp_months: 12
  administration:
    strength: 1
    ramp_months: 12
  enforcement:
    strength: 1
    ramp_months: 12
  effects:
    credit_line_boost: 1
    interest_cut: 0.3
    cash_cycle_cut: 0.3
    clearance_days_cut: 4
    clearance_cost_cut: 0.3
    inland_cost_cut: 0.75
    signal_noise_cut: 0.5
    compliance_cost_cut: 0.5
    entry_cost_cut: 0.5
    birth_boost: 0.2
    suspension_cut: 0.6
    reputation_boost: 0.5
  initial_effectiveness: 0.5
  learning_months: 24
  fiscal:
    tax_rules: true
    vat_rate: 0.13
    no_invoice_share: 0.3
    deemed_margin: 0.04
    running_cost_cny: 2e+06
    vat_central_share: 0.5
    income_tax_central_share: 0.6
    warehouse_retail_share: 0
    b2b_online_share: 0.05
    declaration_subsidy: 0.005
    relabel_cost_cny: 10000
    vat_exemption_start: 2018-10
    deemed_margin_start: 2020-01
outputs:
  snapshot_every: 0
  compression: 4
exchange_rate: [{year: 2015, value: 6.5}]
timeline: )" + timeline + "\n";
}

inline LoadedScenario rule_scenario(const std::vector<std::string>& overrides = {}, const std::string& timeline = "[]") {
  return load_scenario_text(rule_scenario_text(timeline), "rule_fixture.yaml", overrides);
}

// Pricing keeps each market's delivery wedge and the firm's unit cost; the seller's wedge and the
// delivered price derive from them (econ::gross_wedge_of, econ::price_usd). These set them.
// Market slot k's delivery wedge, such that its seller's wedge (without the commission) is `gross`.
inline void set_gross_wedge(const World& w, FirmStore& f, std::size_t k, double gross) {
  const bool cbec = k % static_cast<std::size_t>(w.markets) % kChannels == kCbec;
  f.delivery_wedge[k] = cbec ? gross / (1.0 - w.scenario->platform.commission) : gross;
}
// The unit cost of market slot k's firm, such that its delivered price there is `price` at s.step
// (the firm's other markets' prices follow from their wedges).
inline void set_price_usd(const World& w, State& s, std::size_t k, double price) {
  const std::size_t i = k / static_cast<std::size_t>(w.markets);
  s.firms.unit_cost_cny[i] = price * w.at(s.step).cny_per_usd / (w.markup[s.firms.sector[i]] * s.firms.delivery_wedge[k]);
}
// The derived delivered price and seller's wedge of firm i in market (d, ch).
inline double price_usd(const World& w, const State& s, std::size_t i, int d, Channel ch) {
  return econ::price_usd(w, s, i, d * kChannels + ch);
}
inline double gross_wedge(const World& w, const State& s, std::size_t i, int d, Channel ch) {
  return econ::gross_wedge_of(w, s.firms, i, d * kChannels + ch);
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
    for (std::size_t k = i * static_cast<std::size_t>(w.markets); k < (i + 1) * static_cast<std::size_t>(w.markets); ++k)
      set_gross_wedge(w, s.firms, k, 1.0);
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

// Cell of firm i's destination d in the per-destination arrays (general_appeal, cbec_paid_usd).
inline std::size_t dk(const World& w, std::size_t i, int d) { return econ::destination_index(w, i, d); }

// What CBEC buyers paid in market slot k (a CBEC market) of its firm.
inline double& cbec_paid(const World& w, FirmStore& f, std::size_t k) {
  const std::size_t markets = static_cast<std::size_t>(w.markets);
  return f.cbec_paid_usd[econ::destination_index(w, k / markets, static_cast<int>(k % markets) / kChannels)];
}
inline double cbec_paid(const World& w, const FirmStore& f, std::size_t k) {
  return cbec_paid(w, const_cast<FirmStore&>(f), k);
}

inline void set_level(State& s, std::size_t city, Instrument k, double level) {
  s.cities.instrument[static_cast<std::size_t>(k)][city] = level;
}

// Buyer agents: per group (destination for consumers, city for shoppers), a list of
// (weight, adopted: aware of Chinese sellers / buys abroad). Replaces any existing agents.
struct Agent {
  double weight = 1.0;
  bool flag = false;  // aware (consumers) or adopted (shoppers)
};

template <class Group>
void set_buyers(BuyerStore<Group>& store, const std::vector<std::vector<Agent>>& per_group) {
  store = BuyerStore<Group>{};
  store.start();
  std::uint64_t id = 0;
  for (std::size_t g = 0; g < per_group.size(); ++g) {
    for (const Agent& a : per_group[g]) store.add(id++, g, a.weight, a.flag);
    store.end_group();
  }
}
inline void set_consumers(State& s, const std::vector<std::vector<Agent>>& per_destination) {
  set_buyers(s.consumers, per_destination);
}
inline void set_shoppers(State& s, const std::vector<std::vector<Agent>>& per_city) { set_buyers(s.shoppers, per_city); }

inline MonthOutputs fresh_outputs(const World& w) {
  MonthOutputs out;
  out.reset(w);
  return out;
}

inline double flow(const MonthOutputs& out, int payer, int payee) {
  return out.transactions_cny[static_cast<std::size_t>(payer * kAccountSectors + payee)];
}

}  // namespace pzsim::testing
