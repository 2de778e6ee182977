// production_hiring.cpp: L* = labour_cost_share (0.2) * factory revenue / (markup * wage of the
// production city); traders keep 0.1 L*, suppliers in the production city employ 0.9 L*.
//   fill    = min(1, vacancy_fill_rate (0.25) * unemployed / sum of positive gaps * hiring_speed (0.5))
//   hires   = min(gap, round(gap * 0.5 * fill)),  layoffs = round(-gap * layoff_speed (0.3))
// services target = round(CBEC spending / 25 USD / 1000 * 0.8); other target =
// other_start * LF / LF_start * (wage / trend wage)^-1. State labour forces: A 2000, B 1000, C 1000, D 500.
#include <catch2/catch.hpp>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

// Factory-gate revenue (CNY, sold at home) that needs `workers` at `wage` for toys (markup 4/3).
double revenue_for(double workers, double wage) { return workers * wage * (4.0 / 3.0) / 0.2; }

std::vector<std::int64_t> employment(const State& s) { return s.cities.employment(); }

}  // namespace

TEST_CASE("production and hiring: hires rationed by the unemployed, layoffs, suppliers, services, other jobs", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 5);
  FirmStore& f = s.firms;
  CityState& c = s.cities;
  // Firm 0 in A needs 1,000 workers and has none. A: 1,500 other jobs at their target, so 500 unemployed.
  f.city[0] = f.production_city[0] = kA;
  f.domestic_revenue_cny[0] = revenue_for(1000, 4000);
  c.other_jobs[kA] = c.other_jobs_start[kA] = 1500;
  // Firm 1 in C needs nobody and has 100. C's wage is 1.25 times its trend: other jobs target 200 / 1.25 = 160.
  f.city[1] = f.production_city[1] = kC;
  f.employees[1] = 100;
  c.other_jobs[kC] = c.other_jobs_start[kC] = 200;
  c.wage_start_cny[kC] = 3500;
  c.wage_cny[kC] = 3500 * 1.25;
  // Firm 2 in D: no sales, just its owner.
  f.city[2] = f.production_city[2] = kD;
  f.employees[2] = 1;
  // Firm 3: a trader registered in C making goods in D (wage 2500); needs 100 workers: 10 own staff
  // (it has them) and 90 supplier jobs in D.
  f.city[3] = kC, f.production_city[3] = kD, f.trader[3] = 1;
  f.domestic_revenue_cny[3] = revenue_for(100, 2500);
  f.employees[3] = 10;
  c.other_jobs[kD] = c.other_jobs_start[kD] = 100;
  // Firm 4 in B: buyers paid 250,000 USD for its parcels (10,000 parcels: 8 services jobs); it sells nothing itself.
  f.city[4] = f.production_city[4] = kB;
  f.employees[4] = 1;
  cbec_paid(w, f, mk(w, 4, 0, kCbec)) = 250000;
  c.firm_jobs = {0, 1, 110, 1};
  s.step = 0;
  const auto before = employment(s);
  MonthOutputs out = fresh_outputs(w);
  produce_and_hire(w, s, out);

  // A: wanted 1,000 * 0.5 = 500, fill = 0.25 * 500 / 500 = 0.25: hires round(1000 * 0.5 * 0.25) = 125.
  CHECK(f.employees[0] == 125);
  CHECK(c.firm_jobs[kA] == 125);
  CHECK(c.other_jobs[kA] == 1500);
  // C: layoffs round(100 * 0.3) = 30 and round(40 * 0.3) = 12.
  CHECK(f.employees[1] == 70);
  CHECK(c.other_jobs[kC] == 188);
  CHECK(f.employees[3] == 10);
  CHECK(c.firm_jobs[kC] == 80);
  // D: supplier gap 90, 400 unemployed, fill 1: hires round(90 * 0.5) = 45.
  CHECK(c.supplier_jobs[kD] == 45);
  CHECK(c.supplier_jobs[kC] == 0);
  CHECK(f.employees[2] == 1);  // the owner stays
  // B: services gap 8, fill 1: 4 hires. Firm 4's gap of -1 gives round(0.3) = 0 layoffs.
  CHECK(c.services_jobs[kB] == 4);
  CHECK(f.employees[4] == 1);

  CHECK(out.jobs_created[kA] == 125);
  CHECK(out.jobs_destroyed[kA] == 0);
  CHECK(out.jobs_created[kC] == 0);
  CHECK(out.jobs_destroyed[kC] == 42);
  CHECK(out.jobs_created[kD] == 45);
  CHECK(out.jobs_created[kB] == 4);
  const auto after = employment(s);
  for (std::size_t city = 0; city < 4; ++city) {
    INFO("city " << city);
    CHECK(out.jobs_created[city] - out.jobs_destroyed[city] == after[city] - before[city]);
  }
}

TEST_CASE("production and hiring: hires are rounded to the nearest worker, so a gap of one is filled at hiring speed 0.5", "[model][rules]") {
  // Rounded to nearest, halves away from zero: round(1 * 0.5 * 1) = 1 (fill is 1: plenty unemployed).
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  s.firms.city[0] = s.firms.production_city[0] = kC;
  s.firms.employees[0] = 1;
  s.firms.domestic_revenue_cny[0] = revenue_for(2, 3500);
  s.cities.firm_jobs[kC] = 1;
  MonthOutputs out = fresh_outputs(w);
  produce_and_hire(w, s, out);
  CHECK(s.firms.employees[0] == 2);
  CHECK(out.jobs_created[kC] == 1);
}

TEST_CASE("production and hiring: a firm keeps its owner and aggregate employers stop at zero", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.layoff_speed=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  s.firms.city[0] = s.firms.production_city[0] = kC;
  s.firms.employees[0] = 5;
  s.cities.firm_jobs[kC] = 5;
  s.cities.services_jobs[kC] = 3;  // no parcels: target 0
  MonthOutputs out = fresh_outputs(w);
  produce_and_hire(w, s, out);
  CHECK(s.firms.employees[0] == 1);
  CHECK(s.cities.firm_jobs[kC] == 1);
  CHECK(s.cities.services_jobs[kC] == 0);
  CHECK(out.jobs_destroyed[kC] == 4 + 3);
}
