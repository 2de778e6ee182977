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

  // Desired employment of each firm and of each city's suppliers and services.
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
  std::vector<double> supplier_target(n_city, 0.0), parcels(n_city, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    supplier_target[f.production_city[i]] += supplier_need[i];
    for (int d = 0; d < w.destinations; ++d)
      parcels[f.city[i]] += f.spending_usd[econ::market_index(w, i, d * kChannels + kCbec)] / lab.parcel_value_usd;
  }
  std::vector<std::int64_t> aggregate_gap(n_city * 3);  // suppliers, services, other
  for (std::size_t city = 0; city < n_city; ++city) {
    const double trend_wage = c.wage_start_cny[city] * std::pow(1.0 + lab.wage_trend_year, w.at(s.step).years_since_start);
    const double other_target = static_cast<double>(c.other_jobs_start[city]) * c.labour_force[city] /
                                c.labour_force_start[city] * std::pow(c.wage_cny[city] / trend_wage, -lab.other_wage_elasticity);
    aggregate_gap[city * 3 + 0] = std::llround(supplier_target[city]) - c.supplier_jobs[city];
    aggregate_gap[city * 3 + 1] = std::llround(parcels[city] / 1000.0 * lab.services_jobs_per_kparcel) - c.services_jobs[city];
    aggregate_gap[city * 3 + 2] = std::llround(other_target) - c.other_jobs[city];
  }

  // Hiring is rationed by how many of the unemployed can be matched this month.
  const std::vector<std::int64_t> employment = c.employment();
  std::vector<double> wanted(n_city, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    if (gap[i] > 0) wanted[f.city[i]] += gap[i] * cfg.hiring_speed;
  for (std::size_t k = 0; k < aggregate_gap.size(); ++k)
    if (aggregate_gap[k] > 0) wanted[k / 3] += aggregate_gap[k] * cfg.hiring_speed;
  std::vector<double> fill(n_city, 1.0);
  for (std::size_t city = 0; city < n_city; ++city) {
    const double unemployed = std::max(0.0, c.labour_force[city] - static_cast<double>(employment[city]));
    if (wanted[city] > 0.0) fill[city] = std::min(1.0, lab.vacancy_fill_rate * unemployed / wanted[city]);
  }
  // Whole hires: each employer's exact claim is gap * hiring_speed * fill; a city hires the
  // rounded sum of its claims, never more than vacancy_fill_rate * unemployed, given out by
  // whole parts first and then by the largest fractional parts (earlier employer on ties).
  // Employers are numbered firms first (slot order), then each city's suppliers, services
  // and rest of the economy.
  struct Claim {
    double exact;
    std::size_t employer;
  };
  std::vector<std::vector<Claim>> claims(n_city);
  for (std::size_t i = 0; i < n; ++i)
    if (gap[i] > 0) claims[f.city[i]].push_back({gap[i] * cfg.hiring_speed * fill[f.city[i]], i});
  for (std::size_t k = 0; k < aggregate_gap.size(); ++k)
    if (aggregate_gap[k] > 0) claims[k / 3].push_back({aggregate_gap[k] * cfg.hiring_speed * fill[k / 3], n + k});
  std::vector<std::int64_t> hires(n + aggregate_gap.size(), 0);
  for (std::size_t city = 0; city < n_city; ++city) {
    auto& list = claims[city];
    if (list.empty()) continue;
    double total = 0.0;
    std::int64_t whole = 0;
    for (const Claim& claim : list) {
      total += claim.exact;
      hires[claim.employer] = static_cast<std::int64_t>(std::floor(claim.exact));
      whole += hires[claim.employer];
    }
    const double unemployed = std::max(0.0, c.labour_force[city] - static_cast<double>(employment[city]));
    const auto cap = static_cast<std::int64_t>(std::floor(lab.vacancy_fill_rate * unemployed + 1e-9));
    std::int64_t remainder = std::min<std::int64_t>(std::llround(total), std::max(cap, whole)) - whole;
    std::stable_sort(list.begin(), list.end(), [](const Claim& a, const Claim& b) {
      return a.exact - std::floor(a.exact) > b.exact - std::floor(b.exact);
    });
    for (std::size_t j = 0; j < list.size() && remainder > 0; ++j, --remainder) ++hires[list[j].employer];
  }
  auto adjust = [&](std::int64_t g, std::size_t employer) -> std::int64_t {
    if (g > 0) return hires[employer];
    if (g < 0) return -std::llround(-g * cfg.layoff_speed);
    return 0;
  };

  for (std::size_t i = 0; i < n; ++i) {
    // A firm keeps at least one worker (its owner) while it lives.
    const std::int64_t delta = std::max<std::int64_t>(adjust(gap[i], i), 1 - f.employees[i]);
    f.employees[i] += static_cast<std::int32_t>(delta);
    c.firm_jobs[f.city[i]] += delta;
    count_job_change(out, f.city[i], delta);
  }
  for (std::size_t city = 0; city < n_city; ++city) {
    std::int64_t* jobs[3] = {&c.supplier_jobs[city], &c.services_jobs[city], &c.other_jobs[city]};
    for (std::size_t k = 0; k < 3; ++k) {
      const std::int64_t delta = std::max<std::int64_t>(adjust(aggregate_gap[city * 3 + k], n + city * 3 + k), -*jobs[k]);
      *jobs[k] += delta;
      count_job_change(out, city, delta);
    }
  }
}

}  // namespace pzsim
