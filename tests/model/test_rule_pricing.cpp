// pricing.cpp: p = markup * c * (1 + tau) * (1 + logistics * factor) / (1 - commission, CBEC) / fx,
// c = wage of the production city / (productivity * 1.07^years), CBEC tau cut by 0.3 * information
// of the registered city; factor 1 general, 2 parcels, 1.2 warehouse; commission 0.15.
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

TEST_CASE("pricing: delivered prices, wedges, appeal, potential and home appeal from the equations", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  // Registered in A (information 0.5), goods made in B (wage 3000, information 0): a trading company.
  f.city[0] = kA;
  f.production_city[0] = kB;
  f.trader[0] = 1;
  f.sector[0] = 0;  // toys: sigma 4, logistics 0.05
  f.productivity[0] = 2.0;
  f.quality[0] = 1.5;
  set_level(s, kA, Instrument::information, 0.5);
  f.active[mk(w, 0, 0, kGeneral)] = 1;
  f.active[mk(w, 0, 0, kCbec)] = 1;
  f.active[mk(w, 0, 1, kCbec)] = 1;
  f.warehouse[mk(w, 0, 1, kCbec)] = 1;
  s.step = 12;  // one year in: productivity 2 * 1.07
  set_prices(w, s);

  const double c = 3000.0 / (2.0 * 1.07);
  const double markup = 4.0 / 3.0;
  const double p_general_us = markup * c * 1.10 * 1.05 / kFx;
  const double p_cbec_us = markup * c * (1 + 0.20 * (1 - 0.3 * 0.5)) * (1 + 0.05 * 2) / 0.85 / kFx;
  const double p_general_eu = markup * c * 1.12 * 1.05 / kFx;
  const double p_cbec_eu = markup * c * (1 + 0.25 * (1 - 0.3 * 0.5)) * (1 + 0.05 * 1.2) / 0.85 / kFx;
  CHECK(f.unit_cost_cny[0] == Approx(c));
  CHECK(price_usd(w, s, 0, 0, kGeneral) == Approx(p_general_us));
  CHECK(price_usd(w, s, 0, 0, kCbec) == Approx(p_cbec_us));
  CHECK(price_usd(w, s, 0, 1, kGeneral) == Approx(p_general_eu));  // priced although not served
  CHECK(price_usd(w, s, 0, 1, kCbec) == Approx(p_cbec_eu));
  // Seller revenue over factory-gate revenue: no commission in the wedge.
  CHECK(gross_wedge(w, s, 0, 0, kGeneral) == Approx(1.10 * 1.05));
  CHECK(gross_wedge(w, s, 0, 0, kCbec) == Approx(1.17 * 1.10));
  CHECK(gross_wedge(w, s, 0, 1, kCbec) == Approx(1.2125 * 1.06));
  // Appeal (q/p)^(sigma-1) only where the firm sells.
  CHECK(f.general_appeal[dk(w, 0, 0)] == Approx(std::pow(1.5 / p_general_us, 3)));
  CHECK(f.general_appeal[dk(w, 0, 1)] == 0.0);  // CBEC buyers choose by utility: no CBEC appeal is kept
  CHECK(f.potential[0] == Approx(std::pow(1.5 / c, 3)));
  CHECK(f.home_appeal[0] == Approx(std::pow(1.5 / (markup * c), 3)));
}

TEST_CASE("pricing: the information instrument cuts the CBEC trade cost only, and by the registered city's level", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kC;
  f.sector[0] = 1;  // tools: sigma 3, logistics 0.10
  s.step = 0;
  set_prices(w, s);
  const double general = price_usd(w, s, 0, 0, kGeneral);
  const double cbec = price_usd(w, s, 0, 0, kCbec);
  CHECK(cbec == Approx(1.5 * 3500.0 * 1.20 * 1.20 / 0.85 / kFx));
  set_level(s, kC, Instrument::information, 1.0);
  set_level(s, kA, Instrument::information, 0.0);
  set_prices(w, s);
  CHECK(price_usd(w, s, 0, 0, kGeneral) == Approx(general));
  CHECK(price_usd(w, s, 0, 0, kCbec) == Approx(cbec * (1 + 0.2 * 0.7) / 1.2));
}

TEST_CASE("pricing: a trade-cost event adds to the channel's ad-valorem cost", "[model][rules]") {
  const auto loaded =
      rule_scenario({}, "[{kind: trade_cost, start: 2016-01, destination: us, channel: general, value: 0.05}]");
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  s.firms.city[0] = s.firms.production_city[0] = kC;
  s.step = 12;  // 2016-01
  set_prices(w, s);
  const double c = 3500.0 / 1.07;
  CHECK(price_usd(w, s, 0, 0, kGeneral) == Approx(4.0 / 3.0 * c * 1.15 * 1.05 / kFx));
  CHECK(price_usd(w, s, 0, 1, kGeneral) == Approx(4.0 / 3.0 * c * 1.12 * 1.05 / kFx));
}

TEST_CASE("pricing: an inland city pays haulage, which its information level cuts in both channels", "[model][rules]") {
  // D made inland: haulage 0.03 (general) and 0.08 (CBEC) times (1 - 0.75 info), added to the
  // destination's cost; the CBEC destination part is cut by 0.3 info as on the coast.
  const auto loaded = rule_scenario({"cities.list.3.coastal=false"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kD;  // wage 2500, toys
  s.step = 0;
  set_prices(w, s);
  const double c = 2500.0;
  CHECK(price_usd(w, s, 0, 0, kGeneral) == Approx(4.0 / 3.0 * c * (1 + 0.03 + 0.10) * 1.05 / kFx));
  CHECK(price_usd(w, s, 0, 0, kCbec) == Approx(4.0 / 3.0 * c * (1 + 0.08 + 0.20) * 1.10 / 0.85 / kFx));
  set_level(s, kD, Instrument::information, 0.4);
  set_prices(w, s);
  CHECK(price_usd(w, s, 0, 0, kGeneral) == Approx(4.0 / 3.0 * c * (1 + 0.03 * 0.7 + 0.10) * 1.05 / kFx));
  CHECK(price_usd(w, s, 0, 0, kCbec) == Approx(4.0 / 3.0 * c * (1 + 0.08 * 0.7 + 0.20 * 0.88) * 1.10 / 0.85 / kFx));
  CHECK(gross_wedge(w, s, 0, 0, kCbec) == Approx((1 + 0.08 * 0.7 + 0.20 * 0.88) * 1.10));
}

TEST_CASE("pricing: a cbec_price event scales Chinese sellers' delivered CBEC prices in its destination only",
          "[model][rules]") {
  const auto loaded = rule_scenario({}, "[{kind: cbec_price, start: 2016-01, destination: us, value: 0.9}]");
  const World w = build_world(loaded.scenario, 7);
  auto priced = [&](int step) {
    State s = blank_state(w, 1);
    for (int m = 0; m < w.markets; ++m) s.firms.active[econ::market_index(w, 0, m)] = 1;
    s.step = step;
    set_prices(w, s);
    return s;
  };
  // 2015-12 (step 11) has no cut, 2016-01 (step 12) has; compare at the same productivity trend by
  // removing it (1.07^(1/12)).
  const State before = priced(11), after = priced(12);
  const double trend = std::pow(1.07, 1.0 / 12.0);
  CHECK(price_usd(w, after, 0, 0, kCbec) * trend == Approx(0.9 * price_usd(w, before, 0, 0, kCbec)));
  CHECK(gross_wedge(w, after, 0, 0, kCbec) == Approx(0.9 * gross_wedge(w, before, 0, 0, kCbec)));
  CHECK(price_usd(w, after, 0, 0, kGeneral) * trend == Approx(price_usd(w, before, 0, 0, kGeneral)));
  CHECK(price_usd(w, after, 0, 1, kCbec) * trend == Approx(price_usd(w, before, 0, 1, kCbec)));
}

namespace {

// n firms over four cities, four production cities and two sectors, productivity and quality
// rising by the given steps, serving markets and using warehouses in a mixed pattern;
// information levels differ by city; month 12.
State mixed_firms(const World& w, std::size_t n, double productivity_step, double quality_step) {
  State s = blank_state(w, n);
  FirmStore& f = s.firms;
  for (std::size_t i = 0; i < n; ++i) {
    f.city[i] = static_cast<std::uint32_t>(i % 4);
    f.production_city[i] = static_cast<std::uint32_t>((i / 4) % 4);
    f.sector[i] = static_cast<std::uint16_t>((i / 16) % 2);
    f.productivity[i] = 1.0 + productivity_step * static_cast<double>(i);
    f.quality[i] = 0.5 + quality_step * static_cast<double>(i);
    for (int m = 0; m < w.markets; ++m) {
      const std::size_t k = econ::market_index(w, i, m);
      f.active[k] = (i + static_cast<std::size_t>(m)) % 3 != 0 ? 1 : 0;
      f.warehouse[k] = (i / 2 + static_cast<std::size_t>(m)) % 2 == 0 ? 1 : 0;
    }
  }
  set_level(s, kA, Instrument::information, 0.5);
  set_level(s, kC, Instrument::information, 0.25);
  s.step = 12;
  return s;
}

}  // namespace

TEST_CASE("pricing: set_prices' wedges worked out per city, sector, market and warehouse equal price_firm's", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  // More firms than (city, sector) pairs, so set_prices works the wedges out once per combination.
  const std::size_t n = 64;
  State s = mixed_firms(w, n, 0.01, 0.02);
  State one_by_one = s;
  set_prices(w, s);
  for (std::size_t i = 0; i < n; ++i) price_firm(w, one_by_one, i);
  CHECK(s.firms.unit_cost_cny == one_by_one.firms.unit_cost_cny);
  CHECK(s.firms.delivery_wedge == one_by_one.firms.delivery_wedge);
  CHECK(s.firms.general_appeal == one_by_one.firms.general_appeal);
  CHECK(s.firms.potential == one_by_one.firms.potential);
  CHECK(s.firms.home_appeal == one_by_one.firms.home_appeal);
  // The warehouse flag and the information levels change some wedges, so the table is not one number.
  CHECK(s.firms.delivery_wedge[econ::market_index(w, 0, 1)] != s.firms.delivery_wedge[econ::market_index(w, 2, 1)]);
}

TEST_CASE("pricing: the derived delivered price and seller's wedge are the numbers pricing worked out", "[model][rules]") {
  // Neither is stored: econ::price_usd and econ::gross_wedge_of derive them from the unit cost
  // and delivery wedge. They must be the very doubles of pricing's arithmetic (markup * cost *
  // wedge / fx, the commission taken out of the CBEC wedge), or every result would move.
  const auto loaded = rule_scenario({}, "[{kind: cbec_price, start: 2016-01, destination: us, value: 0.9}]");
  const World w = build_world(loaded.scenario, 7);
  const std::size_t n = 64;
  State s = mixed_firms(w, n, 0.013, 0.021);
  const FirmStore& f = s.firms;
  set_prices(w, s);
  int price_differs = 0, wedge_differs = 0, appeal_differs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double cost = econ::unit_cost_cny(w, s, i, s.step);
    for (int m = 0; m < w.markets; ++m) {
      const double wedge = econ::delivery_wedge(w, s, i, m, s.step);
      const double price = w.markup[f.sector[i]] * cost * wedge / w.at(s.step).cny_per_usd;
      price_differs += econ::price_usd(w, s, i, m) != price;
      wedge_differs += econ::gross_wedge_of(w, f, i, m) != econ::gross_wedge(w, m, wedge);
      const std::size_t k = econ::market_index(w, i, m);
      if (f.active[k] && m % kChannels == kGeneral)
        appeal_differs += f.general_appeal[dk(w, i, m / kChannels)] != econ::ces_appeal(f.quality[i], price, w.sigma[f.sector[i]]);
    }
  }
  CHECK(price_differs == 0);
  CHECK(wedge_differs == 0);
  CHECK(appeal_differs == 0);
}
