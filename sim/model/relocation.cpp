// Relocation to zone cities. A firm selling by CBEC outside a zone reviews its location
// with probability relocation_rate a month. It compares the zone city with the highest
// instrument premium (its own macro-region first) with staying:
//   gain/month = sum over its CBEC markets of
//                fixed_cost_cbec * entry_cost_cut * (administration there - administration here)
//              + variable profit * (((1 + tau there) / (1 + tau here))^(1 - sigma) - 1)
//   (tau: CBEC trade cost from each city, inland haulage included)
//   policy gain = the same with the zone's instruments at the national floor subtracted, i.e.
//                 what the zone's instruments add over a non-zone city of the same geography
//   net = min(gain, policy gain) * H - C,  C = relocation_cost_months * wage bill
//   move with P = max(0, 2 logistic(net / (noise * C)) - 1)
// So a move must pay (P = 0 when net <= 0, whatever the noise), and the zone's instruments
// alone must pay for it: the model has no moves between non-zone cities, so a move that
// geography alone (e.g. leaving inland haulage behind) would justify is not a zone effect.
// It moves with its workers (the labour force follows); jobs are destroyed at the origin
// and created at the destination, and the moving cost is paid to domestic services.
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void relocate_firms(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  const FirmsConfig& cfg = sc.firms;
  const auto& effects = sc.zones.effects;
  FirmStore& f = s.firms;
  CityState& c = s.cities;

  // Best zone city per macro-region and overall.
  std::vector<int> best_in_region(4, -1);
  int best_overall = -1;
  for (int city = 0; city < w.cities; ++city) {
    if (!w.is_zone(city, s.step)) continue;
    const double premium = c.zone_premium[static_cast<std::size_t>(city)];
    const auto region = static_cast<std::size_t>(sc.cities.list[static_cast<std::size_t>(city)].region);
    if (best_in_region[region] < 0 || premium > c.zone_premium[static_cast<std::size_t>(best_in_region[region])])
      best_in_region[region] = city;
    if (best_overall < 0 || premium > c.zone_premium[static_cast<std::size_t>(best_overall)]) best_overall = city;
  }
  if (best_overall < 0) return;

  const auto destination_of = [&](std::size_t here) {
    const auto region = static_cast<std::size_t>(sc.cities.list[here].region);
    return static_cast<std::size_t>(best_in_region[region] >= 0 ? best_in_region[region] : best_overall);
  };
  // Decisions in parallel: a firm's draws are keyed by its id, and its decision reads nothing
  // that another firm's move changes. The moves are then made in slot order (the sums of
  // labour force, migration and flows add them in that order). 0: stays; else the move's cost.
  const std::size_t n = f.size();
  std::vector<double> move_cost(n, 0.0);
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const std::size_t here = f.city[i];
      if (w.is_zone(static_cast<int>(here), s.step)) continue;
      bool sells_cbec = false;
      for (int d = 0; d < w.destinations; ++d) sells_cbec = sells_cbec || f.active[econ::market_index(w, i, d * kChannels + kCbec)];
      if (!sells_cbec) continue;
      RandomStream rng(w.seed, Stream::kRelocation, static_cast<std::uint32_t>(s.step), f.id[i]);
      if (!rng.bernoulli(cfg.relocation_rate)) continue;
      const std::size_t there = destination_of(here);

      const double sigma = w.sigma[f.sector[i]];
      auto level = [&](std::size_t city, Instrument k) { return c.instrument[static_cast<std::size_t>(k)][city]; };
      const auto& floor = w.at(s.step).national_floor;
      const double info_floor = floor[static_cast<std::size_t>(Instrument::information)];
      const double admin_floor = floor[static_cast<std::size_t>(Instrument::administration)];
      double gain = 0.0, policy_gain = 0.0;
      for (int d = 0; d < w.destinations; ++d) {
        const int market = d * kChannels + kCbec;
        const std::size_t k = econ::market_index(w, i, market);
        if (!f.active[k]) continue;
        const double tau_here = econ::trade_cost_from(w, s, here, market, s.step);
        const double tau_there = econ::trade_cost_from(w, s, there, market, s.step);
        const double tau_there_floor = econ::trade_cost_at(w, there, market, s.step, info_floor);
        const double variable = econ::variable_profit_cny(w, s, i, market, s.step, f.revenue_usd_last[k]);
        const double admin_saving = cfg.fixed_cost_cbec_cny * effects.entry_cost_cut;
        gain += variable * (std::pow((1.0 + tau_there) / (1.0 + tau_here), 1.0 - sigma) - 1.0) +
                admin_saving * (level(there, Instrument::administration) - level(here, Instrument::administration));
        policy_gain += variable * (std::pow((1.0 + tau_there) / (1.0 + tau_there_floor), 1.0 - sigma) - 1.0) +
                       admin_saving * (level(there, Instrument::administration) - admin_floor);
      }
      const double cost = std::max(1.0, cfg.relocation_cost_months * f.employees[i] * c.wage_cny[here]);
      const double net = std::min(gain, policy_gain) * cfg.horizon_months - cost;
      if (net <= 0.0) continue;
      if (!rng.bernoulli(2.0 * econ::logistic(net / (cfg.decision_noise * cost)) - 1.0)) continue;
      move_cost[i] = cost;
    }
  });

  for (std::size_t i = 0; i < n; ++i) {
    const double cost = move_cost[i];
    if (cost == 0.0) continue;
    const std::size_t here = f.city[i];
    const std::size_t there = destination_of(here);
    const std::int64_t workers = f.employees[i];
    c.firm_jobs[here] -= workers;
    c.firm_jobs[there] += workers;
    c.labour_force[here] -= static_cast<double>(workers);
    c.labour_force[there] += static_cast<double>(workers);
    out.net_migration[here] -= static_cast<double>(workers);
    out.net_migration[there] += static_cast<double>(workers);
    count_job_change(out, here, -workers);
    count_job_change(out, there, workers);
    ++out.relocations_out[here];
    ++out.relocations_in[there];
    f.cash_cny[i] -= cost;
    out.record_flow(kFirms, kHouseholds, cost);
    f.city[i] = static_cast<std::uint32_t>(there);
    if (!f.trader[i]) f.production_city[i] = static_cast<std::uint32_t>(there);
  }
}

}  // namespace pzsim
