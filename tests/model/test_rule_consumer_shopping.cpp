// consumer_shopping.cpp with one or two listings worked out by hand:
//   u_j = qw (sigma - 1) ln q - (sigma - 1) ln(p / p_ref) - 0.06 days + 1.5 r
//   S = sum exp(u_j / lambda), P(nest) = S^lambda / (exp(U0) + S^lambda), P(j | nest) = exp(u_j / lambda) / S
//   spend_j = weight * basket * online-share ratio * online shock * P(nest) * P(j | nest)
//   seller revenue = spend * (1 - 0.15)
// Sector shares are set to 1 and 0 so every shopper picks toys (sigma 4).
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

std::vector<std::string> certain_shopping(std::vector<std::string> extra = {}) {
  std::vector<std::string> o = {"consumers.shopping_rate=1", "sectors.0.spending_share=1", "sectors.1.spending_share=0"};
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

// One parcel seller in C (information 0.5: 10 - 4 * 0.5 = 8 delivery days) selling toys to the us.
State one_listing(const World& w, double price) {
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kC;
  f.quality[0] = 1.2;
  const std::size_t k = mk(w, 0, 0, kCbec);
  f.active[k] = 1, f.price_usd[k] = price, f.reputation[k] = 0.3, f.products[k] = 2, f.months_active[k] = 4;
  set_level(s, kC, Instrument::information, 0.5);
  s.reference_price_usd = {1.6, 1.0};
  // One aware buyer standing for 1,000 people and one unaware buyer standing for 5,000.
  set_consumers(s, {{{1000, true}, {5000, false}}, {}});
  s.step = 8;
  return s;
}

double utility(double quality, double price, double ref, double days, double reputation) {
  return 3.0 * std::log(quality) - 3.0 * std::log(price / ref) - 0.06 * days + 1.5 * reputation;
}

}  // namespace

TEST_CASE("consumer shopping: one listing, one buyer: spending is weight times basket times P(nest)", "[model][rules]") {
  const auto loaded = rule_scenario(certain_shopping());
  const World w = build_world(loaded.scenario, 7);
  State s = one_listing(w, 2.0);
  MonthOutputs out = fresh_outputs(w);
  shop_cbec(w, s, out);
  const double u = utility(1.2, 2.0, 1.6, 8.0, 0.3);
  const double p_nest = std::exp(u) / (std::exp(1.0) + std::exp(u));  // S^lambda = exp(u) with one listing
  const double spend = 1000.0 * 50.0 * p_nest;
  const std::size_t k = mk(w, 0, 0, kCbec);
  CHECK(s.firms.spending_usd[k] == Approx(spend));
  CHECK(s.firms.revenue_usd[k] == Approx(spend * 0.85));
  CHECK(out.platform_sales_usd[0] == Approx(spend));
  CHECK(out.platform_commission_usd[0] == Approx(spend * 0.15));
  CHECK(out.seller_revenue_usd[0] == Approx(spend * 0.85));
  CHECK(out.purchases[0] == Approx(1000.0 * p_nest));
  CHECK(s.cbec_spending_last_usd[0] == Approx(spend));  // (us, toys)
  CHECK(s.cbec_spending_last_usd[1] == 0.0);
  CHECK(out.parcel_delivery_weight[kC] == Approx(spend));
  CHECK(out.parcel_delivery_days[kC] == Approx(8.0 * spend));
  CHECK(flow(out, kRestOfWorld, kPlatforms) == Approx(spend * kFx));
  CHECK(flow(out, kPlatforms, kFirms) == Approx(spend * 0.85 * kFx));
  CHECK(out.platform_sales_usd[1] == 0.0);
}

TEST_CASE("consumer shopping: two listings share the nest by exp(u / lambda) and the nest is S^lambda", "[model][rules]") {
  // A consideration set of 64 draws includes both listings (the chance of missing one is below 1e-16).
  const auto loaded = rule_scenario(certain_shopping({"consumers.consideration_set=64"}));
  const World w = build_world(loaded.scenario, 7);
  State s = one_listing(w, 2.0);
  FirmStore& f = s.firms;
  f.resize(2, w.markets);
  f.id[1] = 1, f.city[1] = f.production_city[1] = kA, f.quality[1] = 1.0;
  const std::size_t k1 = mk(w, 1, 0, kCbec);
  f.active[k1] = 1, f.price_usd[k1] = 1.5, f.reputation[k1] = 0.5, f.products[k1] = 1, f.warehouse[k1] = 1;
  MonthOutputs out = fresh_outputs(w);
  shop_cbec(w, s, out);
  const double lambda = 0.7;
  const double u0 = utility(1.2, 2.0, 1.6, 8.0, 0.3);
  const double u1 = utility(1.0, 1.5, 1.6, 3.0, 0.5);  // warehouse: 3 days
  const double S = std::exp(u0 / lambda) + std::exp(u1 / lambda);
  const double p_nest = std::pow(S, lambda) / (std::exp(1.0) + std::pow(S, lambda));
  const double total = 1000.0 * 50.0 * p_nest;
  const std::size_t k0 = mk(w, 0, 0, kCbec);
  REQUIRE(f.spending_usd[k0] > 0.0);
  REQUIRE(f.spending_usd[k1] > 0.0);
  CHECK(f.spending_usd[k0] == Approx(total * std::exp(u0 / lambda) / S));
  CHECK(f.spending_usd[k1] == Approx(total * std::exp(u1 / lambda) / S));
  CHECK(out.purchases[0] == Approx(1000.0 * p_nest));
  // Warehouse sales are not parcels.
  CHECK(out.parcel_delivery_weight[kA] == 0.0);
  CHECK(out.parcel_delivery_weight[kC] == Approx(f.spending_usd[k0]));
}

TEST_CASE("consumer shopping: listings priced above the choke price are not offered", "[model][rules]") {
  const auto loaded = rule_scenario(certain_shopping());  // choke_price_ratio 20
  const World w = build_world(loaded.scenario, 7);
  const double choke = 20.0 * 1.6;
  {
    State s = one_listing(w, choke);  // at the choke price: still offered
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    const double u = utility(1.2, choke, 1.6, 8.0, 0.3);
    CHECK(s.firms.spending_usd[mk(w, 0, 0, kCbec)] == Approx(50000.0 * std::exp(u) / (std::exp(1.0) + std::exp(u))));
  }
  {
    State s = one_listing(w, std::nextafter(choke, 1e9));
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    CHECK(s.firms.spending_usd[mk(w, 0, 0, kCbec)] == 0.0);
    CHECK(out.platform_sales_usd[0] == 0.0);
    CHECK(out.purchases[0] == 0.0);
  }
}

TEST_CASE("consumer shopping: the budget grows with the online share and the online shock", "[model][rules]") {
  // eu: online share 0.1 -> 0.3 over the 72 months, basket 40, outside utility 2, 16 parcel days;
  // an online demand shock of 1.3 in 2018-01 (step 36).
  const auto loaded = rule_scenario(certain_shopping(), "[{kind: demand_shock, start: 2018-01, end: 2018-01, value: 0.85, online_value: 1.3}]");
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kD;
  const std::size_t k = mk(w, 0, 1, kCbec);
  f.active[k] = 1, f.price_usd[k] = 1.0, f.products[k] = 1;
  set_consumers(s, {{}, {{300, true}}});
  s.step = 36;
  MonthOutputs out = fresh_outputs(w);
  shop_cbec(w, s, out);
  const double x = 36.0 / 71.0;
  const double ratio = (0.1 * (1 - x) + 0.3 * x) / 0.1;
  const double u = -0.06 * 16.0;  // quality 1, price = reference, reputation 0
  const double spend = 300.0 * 40.0 * ratio * 1.3 * std::exp(u) / (std::exp(2.0) + std::exp(u));
  CHECK(f.spending_usd[k] == Approx(spend));
  CHECK(s.cbec_spending_last_usd[1 * 2 + 0] == Approx(spend));  // (eu, toys)
}

TEST_CASE("consumer shopping: a zero shopping rate or an unaware public buys nothing", "[model][rules]") {
  {
    const auto loaded = rule_scenario({"consumers.shopping_rate=0", "sectors.0.spending_share=1", "sectors.1.spending_share=0"});
    const World w = build_world(loaded.scenario, 7);
    State s = one_listing(w, 2.0);
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    CHECK(s.firms.spending_usd[mk(w, 0, 0, kCbec)] == 0.0);
  }
  {
    const auto loaded = rule_scenario(certain_shopping());
    const World w = build_world(loaded.scenario, 7);
    State s = one_listing(w, 2.0);
    s.consumers.aware[0] = 0;
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    CHECK(s.firms.spending_usd[mk(w, 0, 0, kCbec)] == 0.0);
    CHECK(out.purchases[0] == 0.0);
  }
}
