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
  // Sums over the firms, each in slot order. Three kinds touch disjoint totals, so each is one
  // task walking the firms and the three run in parallel: suppliers' targets by production
  // city, parcels by registered city, and each city's wanted hires with its employers' claims.
  // Hiring is rationed by how many of the unemployed can be matched this month: each
  // employer's exact claim is gap * hiring_speed * fill, fill known once every claim is in.
  struct Claim {
    double exact;
    std::size_t employer;
  };
  std::vector<double> supplier_target(n_city, 0.0), parcels(n_city, 0.0), wanted(n_city, 0.0);
  std::vector<std::vector<Claim>> claims(n_city);
  parallel_for(
      3,
      [&](std::size_t first, std::size_t last) {
        for (std::size_t task = first; task < last; ++task) {
          if (task == 0) {
            for (std::size_t i = 0; i < n; ++i) supplier_target[f.production_city[i]] += supplier_need[i];
          } else if (task == 1) {
            for (std::size_t i = 0; i < n; ++i)
              for (int d = 0; d < w.destinations; ++d)
                parcels[f.city[i]] += f.cbec_paid_usd[econ::destination_index(w, i, d)] / lab.parcel_value_usd;
          } else {
            for (std::size_t i = 0; i < n; ++i) {
              if (gap[i] <= 0) continue;
              const double want = gap[i] * cfg.hiring_speed;
              wanted[f.city[i]] += want;
              claims[f.city[i]].push_back({want, i});
            }
          }
        }
      },
      1);
  std::vector<std::int64_t> aggregate_gap(n_city * 3);  // suppliers, services, other
  for (std::size_t city = 0; city < n_city; ++city) {
    const double trend_wage = c.wage_start_cny[city] * std::pow(1.0 + lab.wage_trend_year, w.at(s.step).years_since_start);
    const double other_target = static_cast<double>(c.other_jobs_start[city]) * c.labour_force[city] /
                                c.labour_force_start[city] * std::pow(c.wage_cny[city] / trend_wage, -lab.other_wage_elasticity);
    aggregate_gap[city * 3 + 0] = std::llround(supplier_target[city]) - c.supplier_jobs[city];
    aggregate_gap[city * 3 + 1] = std::llround(parcels[city] / 1000.0 * lab.services_jobs_per_kparcel) - c.services_jobs[city];
    aggregate_gap[city * 3 + 2] = std::llround(other_target) - c.other_jobs[city];
  }
  for (std::size_t k = 0; k < aggregate_gap.size(); ++k) {
    if (aggregate_gap[k] <= 0) continue;
    const double want = aggregate_gap[k] * cfg.hiring_speed;
    wanted[k / 3] += want;
    claims[k / 3].push_back({want, n + k});
  }

  // Whole hires: a city hires the rounded sum of its claims, never more than
  // vacancy_fill_rate * unemployed, given out by whole parts first and then by the largest
  // fractional parts (earlier employer on ties). Employers are numbered firms first (slot
  // order), then each city's suppliers, services and rest of the economy. Cities in parallel:
  // each gives out only its own employers' hires.
  const std::vector<std::int64_t> employment = c.employment();
  std::vector<std::int64_t> hires(n + aggregate_gap.size(), 0);
  parallel_for(
      n_city,
      [&](std::size_t first, std::size_t last) {
        for (std::size_t city = first; city < last; ++city) {
          auto& list = claims[city];
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
      },
      1);
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
