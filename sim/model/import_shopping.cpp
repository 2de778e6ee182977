// Chinese cross-border shoppers (the import side).
// Adoption (Bass): P = (innovation + imitation * adopted share of the city last month)
//                      * (1 + pilot_adoption_boost * bonded imports available)
// Bonded (1210) imports exist in CBEC import-pilot cities and in zone cities.
// An adopter buys abroad with probability shopping_rate, spending basket_usd per person
// it stands for; purchases are CBEC imports of the shopper's city. Nothing diffuses during the
// burn-in (steps < 0), so adopted_start is the share in the first reported month.
#include <algorithm>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void shop_imports(const World& w, State& s, MonthOutputs& out) {
  const ImportSideConfig& cfg = w.scenario->import_side;
  const MonthConditions& month = w.at(s.step);
  ImportShopperStore& sh = s.shoppers;
  for (int c = 0; c < w.cities; ++c) {
    const std::size_t city = static_cast<std::size_t>(c);
    const bool bonded = month.import_pilot[city] || w.is_zone(c, s.step);
    const double p_adopt = s.step < 0 ? 0.0 : std::min(1.0, (cfg.innovation + cfg.imitation * s.adopted_share_import[city]) *
                                             (1.0 + (bonded ? cfg.pilot_adoption_boost : 0.0)));
    const std::size_t begin = sh.begin[city], end = sh.begin[city + 1];
    std::vector<std::uint8_t> bought(end - begin, 0);
    parallel_for(end - begin, [&](std::size_t b, std::size_t e) {
      for (std::size_t r = b; r < e; ++r) {
        const std::size_t a = begin + r;
        if (!sh.adopted[a]) {
          RandomStream adopt(w.seed, Stream::kImportAdoption, static_cast<std::uint32_t>(s.step), sh.id[a]);
          if (adopt.bernoulli(p_adopt)) sh.adopted[a] = 1;
          continue;  // a new adopter starts buying next month
        }
        RandomStream shop(w.seed, Stream::kImportShopping, static_cast<std::uint32_t>(s.step), sh.id[a]);
        bought[r] = shop.bernoulli(cfg.shopping_rate) ? 1 : 0;
      }
    });
    double adopted = 0.0, total = 0.0, spending = 0.0;
    for (std::size_t a = begin; a < end; ++a) {
      adopted += sh.adopted[a] * sh.weight[a];
      total += sh.weight[a];
      if (bought[a - begin]) spending += sh.weight[a] * cfg.basket_usd;
    }
    s.adopted_share_import[city] = total > 0.0 ? adopted / total : 0.0;
    out.import_shoppers_adopted[city] = adopted;
    out.cbec_imports_usd[city] = spending;
    out.record_flow(kHouseholds, kRestOfWorld, spending * month.cny_per_usd);
  }
}

}  // namespace pzsim
