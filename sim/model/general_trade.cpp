// General trade and home sales: aggregate buyers spread spending over firms by CES shares.
// Destination d, category s, month t:
//   G = general_imports_usd / china_share * share_s * (1 + growth)^(year - 2015) * offline shock * sample fraction
//       - cannibalisation * CBEC spending on (d, s) this month
//   R_i = G * a_i / (A_competitors + sum_j a_j),  a_i = q_i^(sigma-1) p_i^(1-sigma)
// Home market of category s: H = domestic_sales_cny * sample fraction * (1 + wage trend)^years,
// split the same way over every living firm at factory-gate prices. Competitor indices are
// fixed at the start (state.cpp) to give China and the firms their starting shares.
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void import_general_trade(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  const MonthConditions& month = w.at(s.step);
  FirmStore& f = s.firms;
  const std::size_t n = f.size();
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const double years_from_2015 = (w.clock.at(s.step) - Month::of(2015, 1)) / 12.0;

  for (int d = 0; d < w.destinations; ++d) {
    const std::size_t dest = static_cast<std::size_t>(d);
    const DestinationSpec& spec = sc.destinations[dest];
    const int market = d * kChannels + kGeneral;
    auto appeal = [&](std::size_t i) { return f.appeal[econ::market_index(w, i, market)]; };
    std::vector<double> total(n_sec, 0.0);
    for (std::size_t i = 0; i < n; ++i) total[f.sector[i]] += appeal(i);
    std::vector<double> demand(n_sec);
    for (std::size_t sec = 0; sec < n_sec; ++sec) {
      // general_imports_usd is China's part; the market is China's part over China's share.
      const double base = spec.general_imports_usd / spec.china_share * sc.sectors[sec].spending_share *
                          std::pow(1.0 + spec.import_growth, years_from_2015) * month.offline_multiplier[dest] *
                          sc.scale.sample_fraction;
      demand[sec] = std::max(0.0, base - sc.consumers.cannibalisation * s.cbec_spending_last_usd[dest * n_sec + sec]);
      demand[sec] /= s.general_competitor_index[dest * n_sec + sec] + total[sec];
    }
    double revenue_total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (appeal(i) == 0.0) continue;
      const double revenue = demand[f.sector[i]] * appeal(i);
      const std::size_t k = econ::market_index(w, i, market);
      f.revenue_usd[k] += revenue;
      f.spending_usd[k] += revenue;
      revenue_total += revenue;
    }
    out.record_flow(kRestOfWorld, kFirms, revenue_total * month.cny_per_usd);
  }
}

void sell_at_home(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  FirmStore& f = s.firms;
  const std::size_t n = f.size();
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const std::vector<double>& appeal = f.home_appeal;
  std::vector<double> total(n_sec, 0.0);
  for (std::size_t i = 0; i < n; ++i) total[f.sector[i]] += appeal[i];
  const double growth = std::pow(1.0 + sc.labour.wage_trend_year, w.at(s.step).years_since_start);
  std::vector<double> per_appeal(n_sec);
  for (std::size_t sec = 0; sec < n_sec; ++sec)
    per_appeal[sec] = sc.sectors[sec].domestic_sales_cny * sc.scale.sample_fraction * growth /
                      (s.domestic_competitor_index[sec] + total[sec]);
  double revenue_total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    f.domestic_revenue_cny[i] = per_appeal[f.sector[i]] * appeal[i];
    revenue_total += f.domestic_revenue_cny[i];
    out.domestic_sales_cny[f.city[i]] += f.domestic_revenue_cny[i];
  }
  out.record_flow(kHouseholds, kFirms, revenue_total);
}

}  // namespace pzsim
