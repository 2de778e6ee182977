// End of the month, after closures, relocations and births: every living firm is one month
// older and every market it serves one month longer served; the end-of-month stocks are
// counted (firms alive, exporters by channel and CBEC products listed by registered city,
// firms' cash and credit, employment by employer, labour force, wages); this month's sales
// become last month's. The labour force is only read here: it changes through migration,
// the rural pool and relocating firms' workers, which keep it at or above employment.
#include <algorithm>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void end_month(const World& w, State& s, MonthOutputs& out) {
  FirmStore& f = s.firms;
  CityState& c = s.cities;
  const std::size_t n_cities = static_cast<std::size_t>(w.cities);
  // Firms and their markets age in parallel; the counts by city are integers, so summing
  // them by block gives the same numbers in any order: [firms alive..., exporters by city and
  // channel..., products listed...].
  const std::size_t at_exporters = n_cities, at_products = at_exporters + n_cities * kChannels;
  // The money stocks are one chain of additions in slot order (a fixed summation order) over
  // columns the ageing does not touch, so they run as a task beside it.
  std::vector<std::int64_t> counts;
  const auto age_and_count = [&] {
    counts = deterministic_reduce(
        f.size(), std::vector<std::int64_t>(at_products + n_cities, 0),
        [&](std::size_t b, std::size_t e) {
          std::vector<std::int64_t> block(at_products + n_cities, 0);
          for (std::size_t i = b; i < e; ++i) {
            const std::size_t city = f.city[i];
            ++f.age_months[i];
            ++block[city];
            bool exports_by[kChannels] = {false, false};
            for (int m = 0; m < w.markets; ++m) {
              const std::size_t k = econ::market_index(w, i, m);
              // This month's sales become last month's.
              f.revenue_usd_last[k] = f.revenue_usd[k];
              f.revenue_usd[k] = 0.0;
              if (m % kChannels == kCbec) f.cbec_paid_usd[econ::destination_index(w, i, m / kChannels)] = 0.0;
              if (!f.active[k]) continue;
              ++f.months_active[k];
              exports_by[m % kChannels] = true;
              if (m % kChannels == kCbec) block[at_products + city] += f.products[k];
            }
            for (std::size_t channel = 0; channel < kChannels; ++channel)
              if (exports_by[channel]) ++block[at_exporters + city * kChannels + channel];
            f.domestic_revenue_cny[i] = 0.0;
          }
          return block;
        },
        add_elementwise<std::int64_t>);
  };
  const auto money_stocks = [&] {
    for (std::size_t i = 0; i < f.size(); ++i) {
      out.firm_cash_cny += f.cash_cny[i];
      out.credit_outstanding_cny += f.credit_cny[i];
    }
  };
  parallel_tasks(age_and_count, money_stocks);
  for (std::size_t city = 0; city < n_cities; ++city) {
    out.firms_alive[city] += counts[city];
    out.products_listed[city] += counts[at_products + city];
    for (std::size_t channel = 0; channel < kChannels; ++channel)
      out.exporters[city * kChannels + channel] += counts[at_exporters + city * kChannels + channel];
  }
  const std::vector<std::int64_t> employment = c.employment();
  for (std::size_t city = 0; city < employment.size(); ++city) {
    out.employment[city] = employment[city];
    out.firm_employment[city] = c.firm_jobs[city];
    out.services_jobs[city] = c.services_jobs[city];
    out.supplier_jobs[city] = c.supplier_jobs[city];
    out.other_jobs[city] = c.other_jobs[city];
    out.labour_force[city] = c.labour_force[city];
    out.wage_cny[city] = c.wage_cny[city];
  }
  out.cny_per_usd = w.at(s.step).cny_per_usd;
}

}  // namespace pzsim
