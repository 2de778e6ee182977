// Product listings (the extensive margin) and fulfilment mode of each CBEC seller.
//   target products = clamp(ceil(last month's sales / revenue per product), 1, max)
//   listings grow by at most max(1, n/4) a month and shrink by at most one
// Fulfilment: a store ships through overseas warehouses when that earns more at last month's
// sales than parcels. Warehouse stock ships in bulk (logistics x 1.2 of the sector's cost per
// value instead of x 2 for parcels), so with CES demand its factory-gate revenue is
// F (G_w / G_p)^(-sigma) of the parcel seller's, but it pays a monthly warehouse cost
// (a store's inbound handling plus storage per listed product; a quarter of it with the
// platform's logistics service) and ties up working capital longer:
//   profit(mode) = F_mode (1 - 1/markup) - F_mode / markup * cash cycle(mode) * r
//                  - [warehouse_cost + warehouse_cost_per_product * products + warehouse_cost_share * F_w]
// (the last term: storage and the risk of unsold stock, which grow with the stock's value).
// So small sellers ship parcels (the store's cost dominates), and among larger ones the
// product decides: bulky goods (high logistics cost per value) save more by shipping in bulk
// than the stock costs them, goods of high value per weight do not.
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

namespace {

// Whether warehouse fulfilment earns more than parcels for store k of firm i, whose
// factory-gate revenue last month was factory_cny under its current mode.
bool warehouse_pays(const World& w, const State& s, std::size_t i, std::size_t k, double factory_cny, double warehouse_cost) {
  const FirmStore& f = s.firms;
  if (factory_cny <= 0.0) return false;
  const double sigma = w.sigma[f.sector[i]];
  const double markup = w.markup[f.sector[i]];
  const double rate = econ::monthly_interest_rate(w, s, i);
  const bool now = f.warehouse[k] != 0;
  const double logistics_now = econ::logistics_factor(w, f.sector[i], kCbec, now);
  auto profit = [&](bool warehouse) {
    const double factory = factory_cny * std::pow(econ::logistics_factor(w, f.sector[i], kCbec, warehouse) / logistics_now, -sigma);
    return factory * (1.0 - 1.0 / markup) - factory / markup * econ::cash_cycle_months(w, s, i, kCbec, warehouse) * rate -
           (warehouse ? warehouse_cost + w.scenario->firms.warehouse_cost_share * factory : 0.0);
  };
  return profit(true) > profit(false);
}

}  // namespace

void list_products(const World& w, State& s) {
  const FirmsConfig& cfg = w.scenario->firms;
  const double service = w.scenario->platform.logistics_service ? 0.25 : 1.0;
  const double fx = w.at(s.step).cny_per_usd;
  FirmStore& f = s.firms;
  parallel_for(f.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      for (int d = 0; d < w.destinations; ++d) {
        const std::size_t k = econ::market_index(w, i, d * kChannels + kCbec);
        if (!f.active[k]) continue;
        const double sales = f.revenue_usd_last[k];
        const int target = static_cast<int>(std::clamp(std::ceil(sales / cfg.revenue_per_product_usd), 1.0,
                                                        static_cast<double>(cfg.max_products)));
        const int current = std::max(1, f.products[k]);
        if (target > current)
          f.products[k] = std::min(target, current + std::max(1, current / 4));
        else if (target < current)
          f.products[k] = current - 1;
        else
          f.products[k] = current;
        const double warehouse_cost = service * (cfg.warehouse_cost_cny + cfg.warehouse_cost_per_product_cny * f.products[k]);
        f.warehouse[k] = warehouse_pays(w, s, i, k, sales * fx / econ::gross_wedge_of(w, f, i, d * kChannels + kCbec), warehouse_cost) ? 1 : 0;
      }
    }
  });
}

}  // namespace pzsim
