// Firm births per city: Poisson with mean
//   birth_rate * living firms * (1 + birth_boost * administration level)
//              * clamp(local profit per firm / national profit per firm, 0.2, 5)^birth_profit_response
// so entrepreneurship follows local profitability, zone status included. A newborn draws
// its attributes like a founder, starts with its owner as its one worker and startup cash
// from households (startup_cash_months of a median firm's wage bill). Its id is keyed by
// (city, month, birth index), not by a running count, so the k-th firm born in a city in a
// month has the same id, attributes and random streams in a policy run and its
// counterfactual even after their birth counts elsewhere have diverged. The owner comes from
// the city's unemployed, or from the rural pool (joining the labour force) when there are none.
#include <algorithm>
#include <cmath>

#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void give_birth_to_firms(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  const FirmsConfig& cfg = sc.firms;
  FirmStore& f = s.firms;
  CityState& c = s.cities;
  const std::size_t n_city = static_cast<std::size_t>(w.cities);

  std::vector<double> alive(n_city, 0.0);
  for (std::size_t i = 0; i < f.size(); ++i) alive[f.city[i]] += 1.0;
  double profit_total = 0.0, firms_total = 0.0;
  for (std::size_t city = 0; city < n_city; ++city) {
    profit_total += c.profit_per_firm_cny[city] * alive[city];
    firms_total += alive[city];
  }
  const double national = firms_total > 0.0 ? profit_total / firms_total : 0.0;

  for (std::size_t city = 0; city < n_city; ++city) {
    double relative = 1.0;
    if (national > 0.0) relative = std::clamp(c.profit_per_firm_cny[city] / national, 0.2, 5.0);
    const double mean = cfg.birth_rate * alive[city] *
                        (1.0 + sc.zones.effects.birth_boost * econ::level(s, city, Instrument::administration)) *
                        std::pow(relative, cfg.birth_profit_response);
    RandomStream rng(w.seed, Stream::kBirths, static_cast<std::uint32_t>(s.step), city);
    const std::uint64_t births = rng.poisson(mean);
    for (std::uint64_t b = 0; b < births; ++b) {
      const std::size_t slot = f.size();
      f.resize(slot + 1, w.markets);
      draw_firm(w, s, slot, newborn_firm_id(city, s.step, b), static_cast<std::uint32_t>(city), s.step);
      f.employees[slot] = 1;
      price_firm(w, s, slot);
      f.cash_cny[slot] = cfg.startup_cash_months * cfg.employees_median * c.wage_cny[city];
      out.record_flow(kHouseholds, kFirms, f.cash_cny[slot]);
      const double unemployed = c.labour_force[city] - static_cast<double>(c.firm_jobs[city] + c.services_jobs[city] +
                                                                           c.supplier_jobs[city] + c.other_jobs[city]);
      if (unemployed < 1.0) {
        c.labour_force[city] += 1.0;
        out.rural_inflow[city] += 1.0;
      }
      c.firm_jobs[city] += 1;
      count_job_change(out, city, 1);
      ++out.firm_births[city];
    }
  }
}

}  // namespace pzsim
