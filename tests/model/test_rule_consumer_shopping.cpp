// consumer_shopping.cpp with one or two listings worked out by hand:
//   u_j = qw theta ln q - theta ln(p / p_ref) - 0.06 days + 1.5 r       (toys: theta 3)
//   S = sum exp(u_j / lambda), R = exp(-U0) S^lambda
//   P(CBEC) = o R / ((1 + o) / m + o R),  P(j | CBEC) = exp(u_j / lambda) / S     (m = 0.3)
//   a trip carries weight / (all weights) of the potential spending Y = sum_s B_s / m, over the
//   shopping rate (1 here): spend_j = weight * Y / W * P(CBEC) * P(j | CBEC) * online shock
//   B = general_imports / china_share / (1 - omega_0) * (1 + income_growth)^years * 0.01
//   seller revenue = spend * (1 - 0.15)
// Sector shares are set to 1 and 0 so every shopper picks toys.
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
  f.active[k] = 1, set_price_usd(w, s, k, price), f.reputation[k] = 0.3, f.products[k] = 2, f.months_active[k] = 4;
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

// Potential spending of the us (online share 0.1 throughout) at step 8, all categories.
double us_potential(int step) { return 1e9 / 0.2 / 0.9 * std::pow(1.03, (step - 5.5) / 12.0) * 0.01 / 0.3; }

double p_cbec(double odds, double relative) { return odds * relative / ((1.0 + odds) / 0.3 + odds * relative); }

}  // namespace

TEST_CASE("consumer shopping: one listing, one buyer: the nested logit's CBEC share of the buyer's potential spending",
          "[model][rules]") {
  const auto loaded = rule_scenario(certain_shopping());
  const World w = build_world(loaded.scenario, 7);
  State s = one_listing(w, 2.0);
  MonthOutputs out = fresh_outputs(w);
  shop_cbec(w, s, out);
  const double u = utility(1.2, 2.0, 1.6, 8.0, 0.3);
  const double relative = std::exp(u) / std::exp(1.0);  // S^lambda = exp(u) with one listing
  const double odds = 0.1 / 0.9;
  // The aware buyer stands for 1,000 of the 6,000 people.
  const double spend = 1000.0 / 6000.0 * us_potential(8) * p_cbec(odds, relative);
  const std::size_t k = mk(w, 0, 0, kCbec);
  CHECK(cbec_paid(w, s.firms, k) == Approx(spend));
  CHECK(s.firms.revenue_usd[k] == Approx(spend * 0.85));
  CHECK(out.platform_sales_usd[0] == Approx(spend));
  CHECK(out.platform_commission_usd[0] == Approx(spend * 0.15));
  CHECK(out.seller_revenue_usd[0] == Approx(spend * 0.85));
  CHECK(out.purchases[0] == Approx(1000.0 * relative / (1.0 + relative)));
  CHECK(s.cbec_spending_usd[0] == Approx(spend));  // (us, toys)
  CHECK(s.cbec_spending_usd[1] == 0.0);
  CHECK(out.parcel_delivery_days[kC] == Approx(8.0));  // sales-weighted mean of one parcel seller
  CHECK(flow(out, kRestOfWorld, kPlatforms) == Approx(spend * kFx));
  CHECK(flow(out, kPlatforms, kFirms) == Approx(spend * 0.85 * kFx));
  // The rest of the imports, B - 0.3 C, is offline (1 / (1 + o)) or non-Chinese online (o / (1 + o));
  // the platforms carry platform_penetration (0.5) of the latter.
  const double rest = us_potential(8) * 0.3 - 0.3 * spend;
  CHECK(out.platform_sales_other_usd[0] == Approx(0.5 * rest * odds / (1.0 + odds)));
  CHECK(out.import_spending_usd[0] == Approx(spend + rest));
  CHECK(out.platform_sales_usd[1] == 0.0);
}

TEST_CASE("consumer shopping: cheaper Chinese CBEC raises the destination's total demand, not only China's share",
          "[model][rules]") {
  const auto loaded = rule_scenario(certain_shopping());
  const World w = build_world(loaded.scenario, 7);
  auto demand = [&](double price) {
    State s = one_listing(w, price);
    // A Chinese general-trade exporter and foreign competitors in the offline market.
    s.firms.active[mk(w, 0, 0, kGeneral)] = 1;
    s.firms.general_appeal[dk(w, 0, 0)] = 1.0;
    s.general_competitor_index = {4.0, 1.0, 1.0, 1.0};
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    import_general_trade(w, s, out);
    struct Totals {
      double total, cbec, chinese_general, non_chinese_online;
    };
    return Totals{out.import_spending_usd[0], out.platform_sales_usd[0], s.firms.revenue_usd[mk(w, 0, 0, kGeneral)],
                  out.platform_sales_other_usd[0]};
  };
  const auto before = demand(2.0), after = demand(2.0 * 0.9);
  REQUIRE(before.cbec > 0.0);
  CHECK(after.cbec > before.cbec * 1.3);                      // about 0.9^-3 = 1.37
  CHECK(after.total > before.total);                          // the market grows ...
  CHECK(after.total - before.total == Approx(0.7 * (after.cbec - before.cbec)));  // by 1 - m of the CBEC gain
  CHECK(after.chinese_general < before.chinese_general);      // ... and CBEC takes some general trade
  CHECK(after.non_chinese_online < before.non_chinese_online);
  // China's exports (CBEC plus general trade) grow, not only CBEC's part of them.
  CHECK(after.cbec + after.chinese_general > before.cbec + before.chinese_general);
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
  set_gross_wedge(w, f, k1, 1.0);  // a slot added after blank_state has no wedge yet
  f.active[k1] = 1, set_price_usd(w, s, k1, 1.5), f.reputation[k1] = 0.5, f.products[k1] = 1, f.warehouse[k1] = 1;
  MonthOutputs out = fresh_outputs(w);
  shop_cbec(w, s, out);
  const double lambda = 0.7;
  const double u0 = utility(1.2, 2.0, 1.6, 8.0, 0.3);
  const double u1 = utility(1.0, 1.5, 1.6, 3.0, 0.5);  // warehouse: 3 days
  const double S = std::exp(u0 / lambda) + std::exp(u1 / lambda);
  const double relative = std::pow(S, lambda) / std::exp(1.0);
  const double total = 1000.0 / 6000.0 * us_potential(8) * p_cbec(0.1 / 0.9, relative);
  const std::size_t k0 = mk(w, 0, 0, kCbec);
  REQUIRE(cbec_paid(w, f, k0) > 0.0);
  REQUIRE(cbec_paid(w, f, k1) > 0.0);
  CHECK(cbec_paid(w, f, k0) == Approx(total * std::exp(u0 / lambda) / S));
  CHECK(cbec_paid(w, f, k1) == Approx(total * std::exp(u1 / lambda) / S));
  CHECK(out.purchases[0] == Approx(1000.0 * relative / (1.0 + relative)));
  // Warehouse sales are not parcels: city A (a warehouse seller, 3 days) has no parcel time.
  CHECK(out.parcel_delivery_days[kA] == 0.0);
  CHECK(out.parcel_delivery_days[kC] == Approx(8.0));
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
    CHECK(cbec_paid(w, s.firms, mk(w, 0, 0, kCbec)) ==
          Approx(1000.0 / 6000.0 * us_potential(8) * p_cbec(0.1 / 0.9, std::exp(u) / std::exp(1.0))));
  }
  {
    State s = one_listing(w, std::nextafter(choke, 1e9));
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    CHECK(cbec_paid(w, s.firms, mk(w, 0, 0, kCbec)) == 0.0);
    CHECK(out.platform_sales_usd[0] == 0.0);
    CHECK(out.purchases[0] == 0.0);
  }
}

TEST_CASE("consumer shopping: CBEC grows with income, the online share and the online shock", "[model][rules]") {
  // eu: income growth 0.02, online share 0.1 -> 0.3 over the 72 months, outside utility 2,
  // 16 parcel days; an online demand shock of 1.3 in 2018-01 (step 36).
  const auto loaded = rule_scenario(certain_shopping(), "[{kind: demand_shock, start: 2018-01, end: 2018-01, value: 0.85, online_value: 1.3}]");
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kD;
  const std::size_t k = mk(w, 0, 1, kCbec);
  f.active[k] = 1, set_price_usd(w, s, k, 1.0), f.products[k] = 1;
  set_consumers(s, {{}, {{300, true}}});
  s.step = 36;
  MonthOutputs out = fresh_outputs(w);
  shop_cbec(w, s, out);
  const double omega = 0.1 + 0.2 * 36.0 / 71.0;
  const double odds = omega / (1.0 - omega);
  const double potential = 2e9 / 0.25 / 0.9 * std::pow(1.02, (36.0 - 5.5) / 12.0) * 0.01 / 0.3;
  const double u = -0.06 * 16.0;  // quality 1, price = reference, reputation 0
  const double raw = potential * p_cbec(odds, std::exp(u) / std::exp(2.0));  // the only buyer carries it all
  CHECK(cbec_paid(w, f, k) == Approx(raw * 1.3));
  CHECK(s.cbec_spending_usd[1 * 2 + 0] == Approx(raw));  // (eu, toys), before the shock
}

TEST_CASE("consumer shopping: a zero shopping rate or an unaware public buys nothing", "[model][rules]") {
  {
    const auto loaded = rule_scenario({"consumers.shopping_rate=0", "sectors.0.spending_share=1", "sectors.1.spending_share=0"});
    const World w = build_world(loaded.scenario, 7);
    State s = one_listing(w, 2.0);
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    CHECK(cbec_paid(w, s.firms, mk(w, 0, 0, kCbec)) == 0.0);
  }
  {
    const auto loaded = rule_scenario(certain_shopping());
    const World w = build_world(loaded.scenario, 7);
    State s = one_listing(w, 2.0);
    s.consumers.adopted[0] = 0;
    MonthOutputs out = fresh_outputs(w);
    shop_cbec(w, s, out);
    CHECK(cbec_paid(w, s.firms, mk(w, 0, 0, kCbec)) == 0.0);
    CHECK(out.purchases[0] == 0.0);
  }
}
