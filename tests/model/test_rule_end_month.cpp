// end_month.cpp: after closures, relocations and births every firm ages a month and every
// market it serves is served a month longer; end-of-month stocks are counted by registered
// city; this month's sales become last month's. The labour force is read, never raised.
#include <catch2/catch.hpp>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

TEST_CASE("end of month: ageing, stocks by registered city, sales rolled over, labour force only read", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 3);
  FirmStore& f = s.firms;
  // Firm 0 in A: general trade to the us (sold 10 USD) and CBEC to the eu with 7 products.
  f.city[0] = f.production_city[0] = kA, f.age_months[0] = 5, f.cash_cny[0] = 100, f.credit_cny[0] = 40;
  const std::size_t g0 = mk(w, 0, 0, kGeneral), e0 = mk(w, 0, 1, kCbec);
  f.active[g0] = 1, f.months_active[g0] = 2, f.revenue_usd[g0] = 10;
  f.active[e0] = 1, f.months_active[e0] = 2, f.products[e0] = 7, f.revenue_usd[e0] = 4, cbec_paid(w, f, e0) = 5;
  f.domestic_revenue_cny[0] = 300;
  // Firm 1 in C registered there but producing in D (a trader): CBEC to the us, 3 products.
  f.city[1] = kC, f.production_city[1] = kD, f.trader[1] = 1, f.cash_cny[1] = 50;
  const std::size_t e1 = mk(w, 1, 0, kCbec);
  f.active[e1] = 1, f.products[e1] = 3;
  // Firm 2 in C: no market (an inactive store keeps its 0 months).
  f.city[2] = f.production_city[2] = kC, f.cash_cny[2] = -5, f.age_months[2] = 11;
  s.cities.firm_jobs = {10, 0, 4, 0};
  s.cities.other_jobs = {1990, 1000, 990, 500};
  s.cities.labour_force = {1500, 1000, 1000, 500};  // A's labour force below its employment: reported as is
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  end_month(w, s, out);

  CHECK(f.age_months == std::vector<std::uint16_t>{6, 1, 12});
  CHECK(f.months_active[g0] == 3);
  CHECK(f.months_active[e0] == 3);
  CHECK(f.months_active[e1] == 1);
  CHECK(f.months_active[mk(w, 2, 0, kCbec)] == 0);
  CHECK(out.firms_alive == std::vector<std::int64_t>{1, 0, 2, 0});
  CHECK(out.exporters == std::vector<std::int64_t>{1, 1, 0, 0, 0, 1, 0, 0});  // [city * channels + channel]
  CHECK(out.products_listed == std::vector<std::int64_t>{7, 0, 3, 0});
  CHECK(out.firm_cash_cny == Approx(145));
  CHECK(out.credit_outstanding_cny == Approx(40));
  CHECK(f.revenue_usd_last[g0] == 10);
  CHECK(f.revenue_usd_last[e0] == 4);
  CHECK(f.revenue_usd[g0] == 0.0);
  CHECK(cbec_paid(w, f, e0) == 0.0);
  CHECK(f.domestic_revenue_cny[0] == 0.0);
  CHECK(out.employment == std::vector<std::int64_t>{2000, 1000, 994, 500});
  CHECK(out.firm_employment == std::vector<std::int64_t>{10, 0, 4, 0});
  CHECK(out.other_jobs == std::vector<std::int64_t>{1990, 1000, 990, 500});
  CHECK(out.labour_force == std::vector<double>{1500, 1000, 1000, 500});
  CHECK(s.cities.labour_force[kA] == 1500);
  CHECK(out.wage_cny[kA] == 4000);
  CHECK(out.cny_per_usd == kFx);
}
