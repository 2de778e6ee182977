// Pricing (phase 4 of the firm's month): every firm prices each market as a markup over
// delivered marginal cost,
//   unit cost  c = wage of the production city / (productivity * city productivity * (1 + g)^years)
//   price      p = markup * c * (1 + trade cost) * (1 + logistics_cost * f) [* cbec_price event / (1 - commission) if CBEC] / CNY per USD
// where the trade cost includes inland haulage (econ::trade_cost_from) and f is 1 for
// general trade, 2 for CBEC parcels and 1.2 for overseas-warehouse stock.
// with markup = sigma / (sigma - 1), sigma = trade elasticity + 1 (World::sigma). The phase also stores what other rules read from
// prices: the CES appeal q^(sigma-1) p^(1-sigma) of each general-trade market and at home, the unit cost and
// delivery wedge that give the price and the wedge between seller and factory-gate revenue
// (econ::price_usd, econ::gross_wedge_of), and potential (q / c)^(sigma-1).
#include <cmath>
#include <vector>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

namespace {

// Prices firm i with wedge(i, m) giving each market's delivery wedge.
template <class Wedge>
void price_firm_with(const World& w, State& s, std::size_t i, int step, const Wedge& wedge_of) {
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
    const double wedge = wedge_of(i, m);
    f.delivery_wedge[k] = wedge;
    // Only general-trade markets a firm serves need the (costly) appeal. The price is
    // econ::price_usd's: the same operations in the same order.
    if (m % kChannels == kGeneral)
      f.general_appeal[econ::destination_index(w, i, m / kChannels)] =
          f.active[k] ? econ::ces_appeal(f.quality[i], markup * cost * wedge / fx, sigma) : 0.0;
  }
}

}  // namespace

void price_firm(const World& w, State& s, std::size_t i) {
  price_firm_with(w, s, i, s.step, [&](std::size_t firm, int m) { return econ::delivery_wedge(w, s, firm, m, s.step); });
}

void set_prices(const World& w, State& s) {
  const FirmStore& f = s.firms;
  const std::size_t n = f.size();
  const int step = s.step;
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const std::size_t n_mkt = static_cast<std::size_t>(w.markets);
  const std::size_t cells = static_cast<std::size_t>(w.cities) * n_sec * n_mkt * 2;
  // A firm's wedges depend only on its registered city, sector, market and warehouse flag, so
  // when there are more firms than (city, sector) pairs they are worked out once a month for
  // every combination (econ::delivery_wedge_at, as price_firm does firm by firm: the same numbers).
  if (cells / n_mkt / 2 > n) {
    parallel_for(n, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) price_firm(w, s, i);
    });
    return;
  }
  std::vector<double> wedge(cells);
  parallel_for(cells / 2, [&](std::size_t b, std::size_t e) {
    for (std::size_t cell = b; cell < e; ++cell) {
      const std::size_t m = cell % n_mkt, sec = cell / n_mkt % n_sec, city = cell / n_mkt / n_sec;
      for (std::size_t warehouse = 0; warehouse < 2; ++warehouse)
        wedge[cell * 2 + warehouse] =
            econ::delivery_wedge_at(w, s, city, static_cast<int>(sec), static_cast<int>(m), warehouse != 0, step);
    }
  });
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const double* firm_wedges = &wedge[(f.city[i] * n_sec + f.sector[i]) * n_mkt * 2];
      price_firm_with(w, s, i, step, [&](std::size_t firm, int m) {
        return firm_wedges[static_cast<std::size_t>(m) * 2 + (f.warehouse[econ::market_index(w, firm, m)] != 0 ? 1 : 0)];
      });
    }
  });
}

}  // namespace pzsim
