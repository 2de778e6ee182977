// Firm closure: insolvency (cash negative even after credit), `loss_months_to_exit`
// consecutive loss months, or an exogenous hazard that is higher for young firms:
//   death_rate * (1 + 2 exp(-age / 24)).
// A closing firm's workers lose their jobs, its remaining cash goes to its owners
// (households) and its unpaid credit is written off by the banks.
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void close_firms(const World& w, State& s, MonthOutputs& out) {
  const FirmsConfig& cfg = w.scenario->firms;
  FirmStore& f = s.firms;
  const std::size_t n = f.size();
  std::vector<std::uint8_t> dies(n, 0);
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      RandomStream rng(w.seed, Stream::kFirmExit, static_cast<std::uint32_t>(s.step), f.id[i]);
      const double hazard = cfg.death_rate * (1.0 + 2.0 * std::exp(-f.age_months[i] / 24.0));
      dies[i] = (f.insolvent[i] || f.loss_months[i] >= cfg.loss_months_to_exit || rng.bernoulli(hazard)) ? 1 : 0;
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (dies[i]) {
      const std::size_t city = f.city[i];
      ++out.firm_deaths[city];
      s.cities.firm_jobs[city] -= f.employees[i];
      count_job_change(out, city, -static_cast<std::int64_t>(f.employees[i]));
      // Remaining cash goes to the owners; a negative balance is bills its suppliers never see paid.
      out.record_flow(kFirms, kHouseholds, f.cash_cny[i]);
      out.credit_written_off_cny += f.credit_cny[i];
    }
  }
  f.erase_slots(dies, w.markets);
}

}  // namespace pzsim
