// Chinese cross-border shoppers (the import side).
// Adoption (Bass): P = (innovation + imitation * adopted share of the city last month)
//                      * (1 + pilot_adoption_boost * bonded imports available)
// Bonded (1210) imports exist in CBEC import-pilot cities and in zone cities.
// An adopter buys abroad with probability shopping_rate, spending basket_usd per person
// it stands for; purchases are CBEC imports of the shopper's city. Nothing diffuses during the
// burn-in (steps < 0), so adopted_start is the share in the first reported month.
#include <algorithm>
#include <vector>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void shop_imports(const World& w, State& s, MonthOutputs& out) {
  const ImportSideConfig& cfg = w.scenario->import_side;
  const MonthConditions& month = w.at(s.step);
  ImportShopperStore& sh = s.shoppers;
  const std::size_t n_cities = static_cast<std::size_t>(w.cities);
  // Cities in parallel (each writes only its own shoppers and totals); the flows are recorded
  // afterwards in city order.
  std::vector<double> spending_by_city(n_cities, 0.0);
  parallel_for(
      n_cities,
      [&](std::size_t first, std::size_t last) {
        for (std::size_t city = first; city < last; ++city) {
          const bool bonded = month.import_pilot[city] || w.is_zone(static_cast<int>(city), s.step);
          const double p_adopt = s.step < 0 ? 0.0 : std::min(1.0, (cfg.innovation + cfg.imitation * s.adopted_share_import[city]) *
                                                   (1.0 + (bonded ? cfg.pilot_adoption_boost : 0.0)));
          const std::size_t begin = sh.begin[city], end = sh.begin[city + 1];
          // One pass: adoption and purchases, then the block's adopted, total and buying weight,
          // joined in a fixed tree (the same bytes at any thread count). Each decision is one
          // 32-bit uniform, four shoppers to a Philox block: 2^-32 resolution is far finer than
          // the rates.
          struct Weights {
            double adopted = 0.0, total = 0.0, buying = 0.0;
          };
          const Weights sums = deterministic_reduce(
              end - begin, Weights{},
              [&](std::size_t b, std::size_t e) {
                GroupedUniform32 adopt_draw(w.seed, Stream::kImportAdoption, static_cast<std::uint32_t>(s.step));
                GroupedUniform32 shop_draw(w.seed, Stream::kImportShopping, static_cast<std::uint32_t>(s.step));
                Weights block;
                for (std::size_t a = begin + b; a < begin + e; ++a) {
                  if (!sh.adopted[a]) {
                    if (p_adopt > 0.0 && adopt_draw(sh.id[a]) < p_adopt) sh.adopted[a] = 1;  // a new adopter starts buying next month
                  } else if (shop_draw(sh.id[a]) < cfg.shopping_rate) {
                    block.buying += sh.weight[a];
                  }
                  block.adopted += sh.adopted[a] * sh.weight[a];
                  block.total += sh.weight[a];
                }
                return block;
              },
              [](Weights x, const Weights& y) { return Weights{x.adopted + y.adopted, x.total + y.total, x.buying + y.buying}; });
          const double adopted = sums.adopted, total = sums.total, spending = sums.buying * cfg.basket_usd;
          s.adopted_share_import[city] = total > 0.0 ? adopted / total : 0.0;
          out.import_shoppers_adopted[city] = adopted;
          out.cbec_imports_usd[city] = spending;
          spending_by_city[city] = spending;
        }
      },
      1);
  for (std::size_t city = 0; city < n_cities; ++city)
    out.record_flow(kHouseholds, kRestOfWorld, spending_by_city[city] * month.cny_per_usd);
}

}  // namespace pzsim
