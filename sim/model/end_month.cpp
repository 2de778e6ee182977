// End of the month, after closures, relocations and births: every living firm is one month
// older and every market it serves one month longer served; the end-of-month stocks are
// counted (firms alive, exporters by channel and CBEC products listed by registered city,
// firms' cash and credit, employment by employer, labour force, wages); this month's sales
// become last month's. The labour force is only read here: it changes through migration,
// the rural pool and relocating firms' workers, which keep it at or above employment.
#include <algorithm>

#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void end_month(const World& w, State& s, MonthOutputs& out) {
  FirmStore& f = s.firms;
  CityState& c = s.cities;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t city = f.city[i];
    ++f.age_months[i];
    ++out.firms_alive[city];
    bool exports_by[kChannels] = {false, false};
    for (int m = 0; m < w.markets; ++m) {
      const std::size_t k = econ::market_index(w, i, m);
      if (!f.active[k]) continue;
      ++f.months_active[k];
      exports_by[m % kChannels] = true;
      if (m % kChannels == kCbec) out.products_listed[city] += f.products[k];
    }
    for (int channel = 0; channel < kChannels; ++channel)
      if (exports_by[channel]) ++out.exporters[city * kChannels + static_cast<std::size_t>(channel)];
    out.firm_cash_cny += f.cash_cny[i];
    out.credit_outstanding_cny += f.credit_cny[i];
  }
  for (std::size_t k = 0; k < f.revenue_usd.size(); ++k) {
    f.revenue_usd_last[k] = f.revenue_usd[k];
    f.revenue_usd[k] = 0.0;
    f.spending_usd[k] = 0.0;
  }
  std::fill(f.domestic_revenue_cny.begin(), f.domestic_revenue_cny.end(), 0.0);
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
