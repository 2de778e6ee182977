// Production and hiring. Firms produce what they sold; the workers that takes are
//   L* = labour_cost_share * factory-gate revenue / (markup * wage of the production city)
// (a trading company keeps a tenth as sales staff and buys the rest from suppliers in the
// city its goods are made in). Employers close a share of their gap each month:
//   hires    = gap * hiring_speed * min(1, vacancy_fill_rate * unemployed / wanted hires),
//              in whole workers: the city's rounded total, never above vacancy_fill_rate *
//              unemployed, by whole parts then largest fractional parts
//   layoffs  = round(-gap * layoff_speed)
// Aggregate employers per city: suppliers (traders' production), logistics and services
// (jobs per thousand parcels shipped from the city), and the rest of the economy, whose
// employment follows the labour force and falls when local wages outrun their trend.
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void produce_and_hire(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  const FirmsConfig& cfg = sc.firms;
  const LabourConfig& lab = sc.labour;
  FirmStore& f = s.firms;
  CityState& c = s.cities;
  const std::size_t n = f.size();
  const std::size_t n_city = static_cast<std::size_t>(w.cities);

  // Desired employment of each firm.
  std::vector<std::int64_t> gap(n);
  std::vector<double> supplier_need(n, 0.0);
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const double workers = econ::workers_needed(w, s, i, econ::factory_revenue_cny(w, s, i, s.step));
      double own = workers;
      if (f.trader[i]) {
        own = econ::kTraderStaffShare * workers;
        supplier_need[i] = (1.0 - econ::kTraderStaffShare) * workers;
      }
      gap[i] = std::llround(own) - f.employees[i];
    }
  });

  // Each city's wanted hires and whole hires. Employers are numbered firms first (slot
  // order), then each city's suppliers, services and rest of the economy. Hiring is rationed
  // by how many of the unemployed can be matched this month: each employer's exact claim is
  // gap * hiring_speed * fill, fill known once every claim of its city is in. A city hires
  // the rounded sum of its claims, never more than vacancy_fill_rate * unemployed, given out
  // by whole parts first and then by the largest fractional parts (earlier employer on ties).
  // Every sum here is a city's (suppliers' targets by production city, parcels by registered
  // city), so cities are dealt to parts that run in parallel, each walking the firms in slot
  // order and taking its own cities' (the same additions in the same order as one pass). A
  // part sums into its own totals, so no cache line is written by two parts.
  struct Claim {
    double exact;
    std::size_t employer;
  };
  const std::vector<std::int64_t> employment = c.employment();
  std::vector<std::int64_t> aggregate_gap(n_city * 3);  // suppliers, services, other
  std::vector<std::int64_t> hires(n + aggregate_gap.size(), 0);
  parallel_key_parts(key_counts(n, n_city, [&](std::size_t i) { return f.city[i]; }), [&](const auto& owns) {
    std::vector<double> supplier_target(n_city, 0.0), parcels(n_city, 0.0), wanted(n_city, 0.0);
    std::vector<std::vector<Claim>> claims(n_city);
    for (std::size_t i = 0; i < n; ++i) {
      if (owns(f.production_city[i])) supplier_target[f.production_city[i]] += supplier_need[i];
      const std::size_t city = f.city[i];
      if (!owns(city)) continue;
      for (int d = 0; d < w.destinations; ++d)
        parcels[city] += f.cbec_paid_usd[econ::destination_index(w, i, d)] / lab.parcel_value_usd;
      if (gap[i] <= 0) continue;
      const double want = gap[i] * cfg.hiring_speed;
      wanted[city] += want;
      claims[city].push_back({want, i});
    }
    for (std::size_t city = 0; city < n_city; ++city) {
      if (!owns(city)) continue;
      const double trend_wage = c.wage_start_cny[city] * std::pow(1.0 + lab.wage_trend_year, w.at(s.step).years_since_start);
      const double other_target = static_cast<double>(c.other_jobs_start[city]) * c.labour_force[city] /
                                  c.labour_force_start[city] * std::pow(c.wage_cny[city] / trend_wage, -lab.other_wage_elasticity);
      aggregate_gap[city * 3 + 0] = std::llround(supplier_target[city]) - c.supplier_jobs[city];
      aggregate_gap[city * 3 + 1] = std::llround(parcels[city] / 1000.0 * lab.services_jobs_per_kparcel) - c.services_jobs[city];
      aggregate_gap[city * 3 + 2] = std::llround(other_target) - c.other_jobs[city];
      auto& list = claims[city];
      for (std::size_t k = city * 3; k < city * 3 + 3; ++k) {
        if (aggregate_gap[k] <= 0) continue;
        const double want = aggregate_gap[k] * cfg.hiring_speed;
        wanted[city] += want;
        list.push_back({want, n + k});
      }
      if (list.empty()) continue;
      const double unemployed = std::max(0.0, c.labour_force[city] - static_cast<double>(employment[city]));
      const double fill = wanted[city] > 0.0 ? std::min(1.0, lab.vacancy_fill_rate * unemployed / wanted[city]) : 1.0;
      double total = 0.0;
      std::int64_t whole = 0;
      for (Claim& claim : list) {
        claim.exact *= fill;
        total += claim.exact;
        hires[claim.employer] = static_cast<std::int64_t>(std::floor(claim.exact));
        whole += hires[claim.employer];
      }
      const auto cap = static_cast<std::int64_t>(std::floor(lab.vacancy_fill_rate * unemployed + 1e-9));
      std::int64_t remainder = std::min<std::int64_t>(std::llround(total), std::max(cap, whole)) - whole;
      std::stable_sort(list.begin(), list.end(), [](const Claim& a, const Claim& b) {
        return a.exact - std::floor(a.exact) > b.exact - std::floor(b.exact);
      });
      for (std::size_t j = 0; j < list.size() && remainder > 0; ++j, --remainder) ++hires[list[j].employer];
    }
  });

  auto adjust = [&](std::int64_t g, std::size_t employer) -> std::int64_t {
    if (g > 0) return hires[employer];
    if (g < 0) return -std::llround(-g * cfg.layoff_speed);
    return 0;
  };
  // Every firm takes its hires or lays off. The job counts are integers, so summing them by
  // block gives the same numbers in any order: [firm jobs..., created..., destroyed...] by city.
  const std::vector<std::int64_t> job_counts = deterministic_reduce(
      n, std::vector<std::int64_t>(n_city * 3, 0),
      [&](std::size_t b, std::size_t e) {
        std::vector<std::int64_t> block(n_city * 3, 0);
        for (std::size_t i = b; i < e; ++i) {
          // A firm keeps at least one worker (its owner) while it lives.
          const std::int64_t delta = std::max<std::int64_t>(adjust(gap[i], i), 1 - f.employees[i]);
          f.employees[i] += static_cast<std::int32_t>(delta);
          const std::size_t city = f.city[i];
          block[city] += delta;
          if (delta > 0) block[n_city + city] += delta;
          if (delta < 0) block[2 * n_city + city] -= delta;
        }
        return block;
      },
      add_elementwise<std::int64_t>);
  for (std::size_t city = 0; city < n_city; ++city) {
    c.firm_jobs[city] += job_counts[city];
    out.jobs_created[city] += job_counts[n_city + city];
    out.jobs_destroyed[city] += job_counts[2 * n_city + city];
    std::int64_t* jobs[3] = {&c.supplier_jobs[city], &c.services_jobs[city], &c.other_jobs[city]};
    for (std::size_t k = 0; k < 3; ++k) {
      const std::int64_t delta = std::max<std::int64_t>(adjust(aggregate_gap[city * 3 + k], n + city * 3 + k), -*jobs[k]);
      *jobs[k] += delta;
      count_job_change(out, city, delta);
    }
  }
}

}  // namespace pzsim
