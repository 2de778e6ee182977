// General trade and home sales: aggregate buyers spread spending over firms by CES shares.
// Destination d, category s, month t: the offline part of the imports Chinese CBEC left
// (consumer_shopping.cpp, docs/model.md "Demand of a destination"),
//   G = offline shock * (B - m C) / (1 + o)
//   R_i = G * a_i / (Phi + sum_j a_j),  a_i = q_i^theta p_i^(-theta)   (theta = sigma - 1)
// with B the destination's import market (income growth), C this month's CBEC spending, m
// the cannibalisation share, o the online odds and Phi the foreign competitors' index
// (foreign_competitors.cpp). Home market of category s: H = domestic_sales_cny * sample
// fraction * (1 + wage trend)^years, split the same way over every living firm at
// factory-gate prices against a fixed domestic competitor index.
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void import_general_trade(const World& w, State& s, MonthOutputs& out) {
  const MonthConditions& month = w.at(s.step);
  FirmStore& f = s.firms;
  const std::size_t n = f.size();
  const std::size_t n_dest = static_cast<std::size_t>(w.destinations);
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  // Every destination in one pass over the firms: each destination's sums still add the
  // firms in slot order, and a firm's markets share cache lines.
  const std::vector<double> total = econ::general_appeal_totals(w, f);
  std::vector<double> demand(n_dest * n_sec);
  for (std::size_t dest = 0; dest < n_dest; ++dest) {
    const double offline = month.offline_multiplier[dest] / (1.0 + econ::online_odds(w, dest, s.step));
    for (std::size_t sec = 0; sec < n_sec; ++sec) {
      const std::size_t cell = dest * n_sec + sec;
      demand[cell] = offline * econ::non_cbec_imports_usd(w, dest, sec, s.step, s.cbec_spending_usd[cell]) /
                     (s.general_competitor_index[cell] + total[cell]);
    }
  }
  std::vector<double> revenue_total(n_dest, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t sec = f.sector[i];
    for (std::size_t dest = 0; dest < n_dest; ++dest) {
      const std::size_t k = econ::market_index(w, i, static_cast<int>(dest) * kChannels + kGeneral);
      const double appeal = f.general_appeal[econ::destination_index(w, i, static_cast<int>(dest))];
      if (appeal == 0.0) continue;
      const double revenue = demand[dest * n_sec + sec] * appeal;
      f.revenue_usd[k] += revenue;
      revenue_total[dest] += revenue;
    }
  }
  for (std::size_t dest = 0; dest < n_dest; ++dest) out.record_flow(kRestOfWorld, kFirms, revenue_total[dest] * month.cny_per_usd);
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
