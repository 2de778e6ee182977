// Product listings (the extensive margin) and fulfilment mode of each CBEC seller.
//   target products = clamp(ceil(last month's sales / revenue per product), 1, max)
//   listings grow by at most max(1, n/4) a month and shrink by at most one
//   warehouse when last month's sales >= threshold (a quarter of it when the platform
//   offers logistics to small sellers; the threshold is in the scenario)
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void list_products(const World& w, State& s) {
  const FirmsConfig& cfg = w.scenario->firms;
  const double threshold =
      cfg.warehouse_threshold_usd * (w.scenario->platform.logistics_service ? 0.25 : 1.0);
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
        f.warehouse[k] = sales >= threshold ? 1 : 0;
      }
    }
  });
}

}  // namespace pzsim
