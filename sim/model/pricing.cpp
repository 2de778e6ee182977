// Pricing (phase 4 of the firm's month): every firm prices each market as a markup over
// delivered marginal cost,
//   unit cost  c = wage of the production city / (productivity * city productivity * (1 + g)^years)
//   price      p = markup * c * (1 + trade cost) * (1 + logistics_cost * f) [* cbec_price event / (1 - commission) if CBEC] / CNY per USD
// where the trade cost includes inland haulage (econ::trade_cost_from) and f is 1 for
// general trade, 2 for CBEC parcels and 1.2 for overseas-warehouse stock.
// with markup = sigma / (sigma - 1), sigma = trade elasticity + 1 (World::sigma). The phase also stores what other rules read from
// prices: the CES appeal q^(sigma-1) p^(1-sigma) of each market and at home, the wedge
// between seller and factory-gate revenue, and potential (q / c)^(sigma-1).
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void price_firm(const World& w, State& s, std::size_t i, int step) {
  FirmStore& f = s.firms;
  const double sigma = w.sigma[f.sector[i]];
  const double markup = w.markup[f.sector[i]];
  const double fx = w.at(step).cny_per_usd;
  const double cost = econ::unit_cost_cny(w, s, i, step);
  f.unit_cost_cny[i] = cost;
  f.potential[i] = std::pow(f.quality[i] / cost, sigma - 1.0);
  f.home_appeal[i] = econ::ces_appeal(f.quality[i], markup * cost, sigma);
  for (int m = 0; m < w.markets; ++m) {
    const std::size_t k = econ::market_index(w, i, m);
    const double wedge = econ::delivery_wedge(w, s, i, m, step);
    f.price_usd[k] = markup * cost * wedge / fx;
    f.gross_wedge[k] = econ::gross_wedge(w, m, wedge);
    // Only markets a firm serves need the (costly) appeal.
    f.appeal[k] = f.active[k] ? econ::ces_appeal(f.quality[i], f.price_usd[k], sigma) : 0.0;
  }
}

void set_prices(const World& w, State& s) {
  parallel_for(s.firms.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) price_firm(w, s, i, s.step);
  });
}

}  // namespace pzsim
