// expectations.cpp on hand-built firms. toys: sigma 4, markup 4/3, so variable profit is a
// quarter of factory-gate revenue: VP = R_last * 6.5 / gross wedge * 0.25.
// Fixed costs: general 20,000; CBEC 12,000 (1 - 0.5 admin) + 39.99 * 6.5 + n * 800 (1 - 0.5 info).
//   active:   E <- VP - F (months active <= 1), else 0.6 E + 0.4 (VP - F)
//   inactive: E  = v * potential * exp(nu z - nu^2/2) - F, v = local VP / potential of peers
//             (active >= 3 months, same city, sector, market), else 0.7 * national, else 0
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

constexpr double kFeeCny = 39.99 * 6.5;

// Six firms:
//  0  A toys, general us active 5 months, R_last 12,000 USD, wedge 1.2, E 1000, potential 2
//  1  A toys, inactive everywhere, potential 3
//  2  C toys, inactive everywhere, potential 1
//  3  A tools, inactive everywhere
//  4  C toys, general us active only 2 months (not yet a peer), R_last 50,000, wedge 1.25, E 500, potential 10
//  5  B toys, CBEC us active 1 month, 4 products, R_last 3,000, wedge 1.5, potential 4; B: admin 0.4, info 0.5
State peers(const World& w) {
  State s = blank_state(w, 6);
  FirmStore& f = s.firms;
  const std::uint32_t cities[6] = {kA, kA, kC, kA, kC, kB};
  const std::uint16_t sectors[6] = {0, 0, 0, 1, 0, 0};
  const double potential[6] = {2, 3, 1, 1, 10, 4};
  for (std::size_t i = 0; i < 6; ++i) {
    f.city[i] = f.production_city[i] = cities[i];
    f.sector[i] = sectors[i];
    f.potential[i] = potential[i];
    for (int m = 0; m < w.markets; ++m) f.expected_profit_cny[econ::market_index(w, i, m)] = 12345.0;
  }
  std::size_t k = mk(w, 0, 0, kGeneral);
  f.active[k] = 1, f.months_active[k] = 5, f.revenue_usd_last[k] = 12000, set_gross_wedge(w, f, k, 1.2), f.expected_profit_cny[k] = 1000;
  k = mk(w, 4, 0, kGeneral);
  f.active[k] = 1, f.months_active[k] = 2, f.revenue_usd_last[k] = 50000, set_gross_wedge(w, f, k, 1.25), f.expected_profit_cny[k] = 500;
  k = mk(w, 5, 0, kCbec);
  f.active[k] = 1, f.months_active[k] = 1, f.products[k] = 4, f.revenue_usd_last[k] = 3000, set_gross_wedge(w, f, k, 1.5),
  f.expected_profit_cny[k] = 99999;
  set_level(s, kB, Instrument::administration, 0.4);
  set_level(s, kB, Instrument::information, 0.5);
  s.step = 5;
  return s;
}

}  // namespace

TEST_CASE("expectations: active markets adapt with weights 0.6 and 0.4, or take the first month as it is", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1", "firms.signal_noise=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = peers(w);
  form_expectations(w, s);
  const auto& E = s.firms.expected_profit_cny;
  const double vp0 = 12000 * 6.5 / 1.2 * 0.25;  // 16,250
  CHECK(E[mk(w, 0, 0, kGeneral)] == Approx(0.6 * 1000 + 0.4 * (vp0 - 20000)));  // -900
  const double vp4 = 50000 * 6.5 / 1.25 * 0.25;  // 65,000
  CHECK(E[mk(w, 4, 0, kGeneral)] == Approx(0.6 * 500 + 0.4 * (vp4 - 20000)));  // 18,300
  // One month active: the realised profit replaces the old expectation.
  const double fixed5 = 12000 * (1 - 0.5 * 0.4) + kFeeCny + 4 * 800 * (1 - 0.5 * 0.5);
  CHECK(E[mk(w, 5, 0, kCbec)] == Approx(3000 * 6.5 / 1.5 * 0.25 - fixed5));
}

TEST_CASE("expectations: inactive markets use local peers, else 0.7 times the national signal, else nothing", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1", "firms.signal_noise=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = peers(w);
  form_expectations(w, s);
  const auto& E = s.firms.expected_profit_cny;
  const double per_potential = 12000 * 6.5 / 1.2 * 0.25 / 2.0;  // firm 0 is the only peer: 8,125
  // Firm 1 shares A, toys and the market with firm 0.
  CHECK(E[mk(w, 1, 0, kGeneral)] == Approx(per_potential * 3.0 - 20000));
  // Firm 2 in C: its only local firm (4) is active for 2 months < 3, so the national signal.
  CHECK(E[mk(w, 2, 0, kGeneral)] == Approx(0.7 * per_potential * 1.0 - 20000));
  // Firm 5 in B has no local peer in general trade to the us either.
  CHECK(E[mk(w, 5, 0, kGeneral)] == Approx(0.7 * per_potential * 4.0 - 20000));
  // Firm 3 (tools): nobody sells tools anywhere, so only the fixed cost is expected.
  CHECK(E[mk(w, 3, 0, kGeneral)] == Approx(-20000));
  // CBEC to the us in A: no peer with 3 months (firm 5 has 1): fixed cost at one product.
  CHECK(E[mk(w, 1, 0, kCbec)] == Approx(-(12000 + kFeeCny + 800)));
  // The eu general market has no sellers at all.
  CHECK(E[mk(w, 0, 1, kGeneral)] == Approx(-20000));
}

TEST_CASE("expectations: an inactive market's expectation is only recomputed when the firm reconsiders it", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=0", "firms.signal_noise=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = peers(w);
  form_expectations(w, s);
  const auto& E = s.firms.expected_profit_cny;
  CHECK(E[mk(w, 1, 0, kGeneral)] == 12345.0);
  CHECK(E[mk(w, 3, 1, kCbec)] == 12345.0);
  // Active markets are still updated.
  CHECK(E[mk(w, 0, 0, kGeneral)] == Approx(0.6 * 1000 + 0.4 * (16250 - 20000)));
}

TEST_CASE("expectations: the signal noise is lognormal with mean one and the information instrument cuts its sd", "[model][rules]") {
  // 2,000 firms in A (information 0: nu = 0.4) and 2,000 in C (information 1, cut 0.5: nu = 0.2),
  // each learning from one peer in its own city with v = 8,125 per unit of potential.
  // Tolerances are about 4 standard errors: the sd of log(E + F) - log(v * potential) within
  // 0.025 (A) and 0.0125 (C) of nu, its mean within 0.04 of -nu^2/2, the mean level ratio within 0.04 of 1.
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1", "firms.signal_noise=0.4",
                                     "zones.effects.signal_noise_cut=0.5"});
  const World w = build_world(loaded.scenario, 7);
  const std::size_t per_city = 2000;
  State s = blank_state(w, 2 + 2 * per_city);
  FirmStore& f = s.firms;
  for (std::size_t i = 0; i < f.size(); ++i) {
    f.city[i] = f.production_city[i] = (i == 0 || (i >= 2 && i < 2 + per_city)) ? kA : kC;
    f.potential[i] = 2.0;
  }
  for (std::size_t i : {0u, 1u}) {
    const std::size_t k = mk(w, i, 0, kGeneral);
    f.active[k] = 1, f.months_active[k] = 5, f.revenue_usd_last[k] = 12000, set_gross_wedge(w, f, k, 1.2);
  }
  set_level(s, kC, Instrument::information, 1.0);
  s.step = 9;
  form_expectations(w, s);
  const double signal = 8125.0 * 2.0;
  for (std::size_t city : {kA, kC}) {
    const double nu = city == kA ? 0.4 : 0.2;
    double sum = 0, sum2 = 0, level = 0;
    for (std::size_t i = 2; i < f.size(); ++i) {
      if (f.city[i] != city) continue;
      const double ratio = (f.expected_profit_cny[mk(w, i, 0, kGeneral)] + 20000) / signal;
      REQUIRE(ratio > 0.0);
      sum += std::log(ratio);
      sum2 += std::log(ratio) * std::log(ratio);
      level += ratio;
    }
    const double n = static_cast<double>(per_city);
    const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
    INFO("city " << city << " mean log " << mean << " sd " << sd << " mean level " << level / n);
    CHECK(std::abs(sd - nu) < 0.0625 * nu);
    CHECK(std::abs(mean + nu * nu / 2) < 0.04);
    CHECK(std::abs(level / n - 1.0) < 0.04);
  }
}
