// CBEC demand from consumer agents: one nested logit per destination x category.
// Platform ranking: a listing's visibility is
//   products * (1 + reputation_visibility * reputation)
//            * (1 + newcomer_boost * (1 + onboarding) * exp(-months active / newcomer_months))
//            * (1 + warehouse_visibility * uses warehouses)
// An aware buyer shops with probability shopping_rate, picks a category by spending share
// and draws a consideration set of listings with probability proportional to visibility.
// Utility of listing j (theta = trade elasticity = sigma - 1):
//   u_j = qw theta ln q_j - theta ln(p_j / p_ref) - c_day * days_j + b_rep * rep_j
// The buyer chooses among other spending (domestic goods and the rest of the budget), offline
// imports (general trade, China's and competitors'), non-Chinese online sellers and the nest
// of Chinese CBEC listings. With o the online odds (data) and m the cannibalisation share,
// attractions relative to offline imports are (1/m - 1)(1 + o), 1, o and o R, where
//   R = exp(-U0) S^lambda,  S = sum_j exp(u_j / lambda)
// so  P(CBEC) = o R / ((1 + o) / m + o R),  P(j | CBEC) = exp(u_j / lambda) / S.
// A buyer standing for `weight` people carries weight / (all weights) of the destination's
// potential spending B / m and spreads it over these probabilities (no single unit for many
// people). Unaware buyers have no CBEC nest (R = 0). Spending shares, not quantities, follow
// the logit, so the price coefficient is theta, the expenditure elasticity of CES demand.
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

namespace {

// Consumers are processed in chunks so the purchase buffer stays small at full scale.
constexpr std::size_t kChunk = 1 << 18;

// One category's listings in a destination, in slot order. What a purchase needs of the seller
// (city, parcel or warehouse) is copied in, so a trip reads its listings' rows instead of
// reaching into the firm store at random. The sellers' sales of the month are credited here,
// in a few MB that stay in cache, and written back to the firm store after the destination.
struct Listings {
  std::vector<std::uint32_t> slot;   // firm slot
  std::vector<std::uint32_t> city;   // seller's registered city
  std::vector<std::uint8_t> parcel;  // ships parcels (not from an overseas warehouse)
  std::vector<double> days;          // delivery days
  std::vector<double> visibility;
  std::vector<double> attraction;    // exp(u_j / lambda)
  std::vector<double> spending_usd;  // the seller's spending_usd in this market, credited
  std::vector<double> revenue_usd;   // the seller's revenue_usd in this market, credited
  AliasTable table;
};

// One purchase of a trip: the listing bought (in its category) and the amount paid.
struct Purchase {
  double usd;
  std::uint32_t listing;
  std::uint32_t sector;
};

}  // namespace

void shop_cbec(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  const ConsumersConfig& cfg = sc.consumers;
  const PlatformConfig& platform = sc.platform;
  const MonthConditions& month = w.at(s.step);
  FirmStore& f = s.firms;
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const double lambda = cfg.nest_dissimilarity;
  const std::size_t set_size = static_cast<std::size_t>(cfg.consideration_set);

  std::vector<double> sector_shares;
  for (const auto& sector : sc.sectors) sector_shares.push_back(sector.spending_share);
  const AliasTable sector_table(sector_shares);

  // The purchases of a chunk of buyers: the block of buyers [b, e) writes its purchases in
  // buyer order from b * set_size on, without gaps, and their number at bought_count[b]
  // (0 for buyers that start no block), so crediting reads them in buyer order as one stream.
  // Shared by all destinations so they are allocated once a month.
  std::vector<Purchase> bought;
  std::vector<std::uint32_t> bought_count;
  // Parcel sales by seller city, and those sales times their delivery days, over every
  // destination: the city's sales-weighted delivery time is their ratio.
  const std::size_t n_cities = static_cast<std::size_t>(w.cities);
  std::vector<double> parcel_sales_usd(n_cities, 0.0), parcel_sales_days(n_cities, 0.0);

  // Each firm's offer in the destination being shopped (scratch, reused by every destination),
  // the month's log quality, and the listings of each category.
  const std::size_t n_firms = f.size();
  std::vector<std::uint8_t> offered(n_firms);
  std::vector<double> offer_visibility(n_firms), offer_days(n_firms), offer_attraction(n_firms), log_quality(n_firms);
  parallel_for(n_firms, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) log_quality[i] = std::log(f.quality[i]);
  });
  std::vector<Listings> listings(n_sec);

  for (int d = 0; d < w.destinations; ++d) {
    const std::size_t dest = static_cast<std::size_t>(d);
    const DestinationSpec& spec = sc.destinations[dest];
    const int market = d * kChannels + kCbec;

    // Platform ranking: listings of each category in this destination. Each firm's offer is
    // worked out in parallel, then the offers are filed by category in slot order.
    parallel_for(f.size(), [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        const std::size_t k = econ::market_index(w, i, market);
        // Buyers do not look at offers priced beyond their reservation (choke) price.
        offered[i] = f.active[k] && !(f.price_usd[k] > cfg.choke_price_ratio * s.reference_price_usd[f.sector[i]]);
        if (!offered[i]) continue;
        const double newcomer = platform.newcomer_boost * (1.0 + month.onboarding) *
                                std::exp(-f.months_active[k] / platform.newcomer_months);
        offer_visibility[i] = std::max(1, f.products[k]) * (1.0 + platform.reputation_visibility * f.reputation[k]) *
                              (1.0 + newcomer) * (1.0 + platform.warehouse_visibility * f.warehouse[k]);
        const double theta = sc.sectors[f.sector[i]].trade_elasticity;
        const double price = f.price_usd[k];
        const double info = econ::level(s, f.city[i], Instrument::information);
        const double days = f.warehouse[k] ? spec.delivery_days_warehouse
                                           : std::max(1.0, spec.delivery_days_parcel - sc.zones.effects.clearance_days_cut * info);
        offer_days[i] = days;
        const double utility = cfg.quality_weight * theta * log_quality[i] -
                               theta * std::log(price / s.reference_price_usd[f.sector[i]]) -
                               cfg.delivery_day_cost * days + cfg.reputation_weight * f.reputation[k];
        offer_attraction[i] = std::exp(std::clamp(utility / lambda, -300.0, 300.0));
      }
    });
    // Offers are filed by category in slot order (one pass); then each category copies in what
    // its listings need and builds its ranking table, the categories in parallel.
    for (auto& l : listings) l.slot.clear();
    for (std::size_t i = 0; i < n_firms; ++i)
      if (offered[i]) listings[f.sector[i]].slot.push_back(static_cast<std::uint32_t>(i));
    parallel_for(
        n_sec,
        [&](std::size_t first, std::size_t last) {
          for (std::size_t sec = first; sec < last; ++sec) {
            Listings& l = listings[sec];
            const std::size_t count = l.slot.size();
            l.city.resize(count);
            l.parcel.resize(count);
            l.days.resize(count);
            l.visibility.resize(count);
            l.attraction.resize(count);
            l.spending_usd.resize(count);
            l.revenue_usd.resize(count);
            for (std::size_t j = 0; j < count; ++j) {
              const std::size_t i = l.slot[j];
              const std::size_t k = econ::market_index(w, i, market);
              l.city[j] = f.city[i];
              l.parcel[j] = f.warehouse[k] ? 0 : 1;
              l.spending_usd[j] = f.spending_usd[k];
              l.revenue_usd[j] = f.revenue_usd[k];
              l.visibility[j] = offer_visibility[i];
              l.days[j] = offer_days[i];
              l.attraction[j] = offer_attraction[i];
            }
            l.table.build(l.visibility);
          }
        },
        1);

    // Potential spending of the destination on these categories (B / m over all categories)
    // is spread over its buyers by weight; a buyer shops in a month with probability
    // shopping_rate and then in one category, so a trip carries 1 / shopping_rate months.
    const double odds = econ::online_odds(w, dest, s.step);
    const double m = cfg.cannibalisation;
    const double non_chinese = std::exp(-spec.outside_utility);
    double potential_usd = 0.0;
    for (std::size_t sec = 0; sec < n_sec; ++sec) potential_usd += econ::import_market_usd(w, dest, sec, s.step) / m;
    const std::size_t begin = s.consumers.begin[dest], end = s.consumers.begin[dest + 1];
    const double weight_total = deterministic_sum(end - begin, [&](std::size_t r) { return s.consumers.weight[begin + r]; });
    const double per_weight_trip =
        weight_total > 0.0 && cfg.shopping_rate > 0.0 ? potential_usd / weight_total / cfg.shopping_rate : 0.0;
    const double online_shock = month.online_multiplier[dest];
    // The destination's totals, summed per block of buyers and joined in a fixed tree (any
    // thread count gives the same bytes): [purchases, spending, spending by sector before the
    // online shock..., parcel sales by seller city..., parcel sales times days by city...].
    const std::size_t at_sector = 2, at_parcel_usd = at_sector + n_sec, at_parcel_days = at_parcel_usd + n_cities;
    std::vector<double> totals(at_parcel_days + n_cities, 0.0);
    const auto add_totals = [](std::vector<double> a, const std::vector<double>& b) {
      for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
      return a;
    };

    for (std::size_t chunk = begin; chunk < end; chunk += kChunk) {
      const std::size_t chunk_end = std::min(end, chunk + kChunk);
      const std::size_t count = chunk_end - chunk;
      bought.resize(count * set_size);
      bought_count.assign(count, 0);
      const std::vector<double> chunk_totals = deterministic_reduce(
          count, std::vector<double>(totals.size(), 0.0),
          [&](std::size_t b, std::size_t e) {
            std::vector<double> block_totals(totals.size(), 0.0);
            std::size_t filled = b * set_size;  // this block's next purchase
            std::vector<std::uint32_t> drawn;
            drawn.reserve(set_size);
            // Whether to shop: one 32-bit uniform per buyer, four buyers to a Philox block. The
            // trip (category, then the consideration set) takes successive 32-bit words of the
            // buyer's own blocks: 2^-32 resolution is plenty for a 0.35 chance and for alias
            // sampling (AliasTable::sample_word).
            GroupedUniform32 shop_draw(w.seed, Stream::kShopping, static_cast<std::uint32_t>(s.step));
            for (std::size_t r = b; r < e; ++r) {
              const std::size_t a = chunk + r;
              if (!s.consumers.adopted[a]) continue;  // not aware of Chinese sellers
              if (!(shop_draw(s.consumers.id[a]) < cfg.shopping_rate)) continue;
              Uniform32Sequence trip(RandomStream(w.seed, Stream::kShopping, static_cast<std::uint32_t>(s.step), s.consumers.id[a]), 0);
              const std::size_t sector = sector_table.sample_word(trip.next_word());
              const Listings& l = listings[sector];
              if (l.table.empty()) continue;
              drawn.clear();
              double sum = 0.0;
              for (std::size_t t = 0; t < set_size; ++t) {
                const auto j = static_cast<std::uint32_t>(l.table.sample_word(trip.next_word()));
                if (std::find(drawn.begin(), drawn.end(), j) != drawn.end()) continue;
                drawn.push_back(j);
                sum += l.attraction[j];
              }
              if (!(sum > 0.0)) continue;
              const double relative = non_chinese * std::pow(sum, lambda);  // R: the nest against non-Chinese sellers
              const double p_cbec = odds * relative / ((1.0 + odds) / m + odds * relative);
              const double spend = s.consumers.weight[a] * per_weight_trip * p_cbec;  // before the online shock
              block_totals[0] += s.consumers.weight[a] * relative / (1.0 + relative);  // online purchase goes to China
              for (std::size_t t = 0; t < drawn.size(); ++t) {
                const double raw = spend * l.attraction[drawn[t]] / sum;
                const double amount = raw * online_shock;
                bought[filled++] = Purchase{amount, drawn[t], static_cast<std::uint32_t>(sector)};
                block_totals[1] += amount;
                block_totals[at_sector + sector] += raw;
                if (l.parcel[drawn[t]]) {
                  block_totals[at_parcel_usd + l.city[drawn[t]]] += amount;
                  block_totals[at_parcel_days + l.city[drawn[t]]] += amount * l.days[drawn[t]];
                }
              }
            }
            bought_count[b] = static_cast<std::uint32_t>(filled - b * set_size);
            return block_totals;
          },
          add_totals);
      totals = add_totals(std::move(totals), chunk_totals);
      // Credit sellers in consumer order, a fixed summation order for each seller, into the
      // listings' copies of their sales (a listing is one seller in this market). The
      // categories are split into one part per thread; each part walks all the chunk's trips
      // and credits only its own categories, so every seller still adds its sales in consumer
      // order and the split does not change a byte.
      parallel_parts(n_sec, [&](std::size_t first_sector, std::size_t last_sector) {
        for (std::size_t b = 0; b < count; ++b) {
          for (std::size_t p = b * set_size; p < b * set_size + bought_count[b]; ++p) {
            const Purchase& purchase = bought[p];
            if (purchase.sector < first_sector || purchase.sector >= last_sector) continue;
            Listings& l = listings[purchase.sector];
            l.spending_usd[purchase.listing] += purchase.usd;
            l.revenue_usd[purchase.listing] += purchase.usd * (1.0 - platform.commission);
          }
        }
      });
    }
    // The sellers' sales go back to the firm store, each category in slot order.
    parallel_for(
        n_sec,
        [&](std::size_t first, std::size_t last) {
          for (std::size_t sec = first; sec < last; ++sec) {
            const Listings& l = listings[sec];
            for (std::size_t j = 0; j < l.slot.size(); ++j) {
              const std::size_t k = econ::market_index(w, l.slot[j], market);
              f.spending_usd[k] = l.spending_usd[j];
              f.revenue_usd[k] = l.revenue_usd[j];
            }
          }
        },
        1);
    const double spending_total = totals[1], purchases_total = totals[0];
    const std::vector<double> spending_by_sector(totals.begin() + at_sector, totals.begin() + at_parcel_usd);
    for (std::size_t city = 0; city < n_cities; ++city) {
      parcel_sales_usd[city] += totals[at_parcel_usd + city];
      parcel_sales_days[city] += totals[at_parcel_days + city];
    }
    // The rest of the destination's imports: offline 1 / (1 + o), non-Chinese online o / (1 + o)
    // of what CBEC left (general_trade.cpp sells the offline part).
    double non_chinese_online = 0.0, imports_total = spending_total;
    for (std::size_t sec = 0; sec < n_sec; ++sec) {
      const double rest = econ::non_cbec_imports_usd(w, dest, sec, s.step, spending_by_sector[sec]);
      non_chinese_online += rest * odds / (1.0 + odds) * online_shock;
      imports_total += rest * odds / (1.0 + odds) * online_shock + rest / (1.0 + odds) * month.offline_multiplier[dest];
    }
    out.platform_sales_other_usd[dest] += non_chinese_online * spec.platform_penetration;
    out.import_spending_usd[dest] += imports_total;
    for (std::size_t sec = 0; sec < n_sec; ++sec) s.cbec_spending_usd[dest * n_sec + sec] = spending_by_sector[sec];
    const double commission = spending_total * platform.commission;
    out.platform_sales_usd[dest] += spending_total;
    out.platform_commission_usd[dest] += commission;
    out.seller_revenue_usd[dest] += spending_total - commission;
    out.purchases[dest] += purchases_total;
    out.record_flow(kRestOfWorld, kPlatforms, spending_total * month.cny_per_usd);
    out.record_flow(kPlatforms, kFirms, (spending_total - commission) * month.cny_per_usd);
  }
  for (std::size_t city = 0; city < n_cities; ++city)
    out.parcel_delivery_days[city] = parcel_sales_usd[city] > 0.0 ? parcel_sales_days[city] / parcel_sales_usd[city] : 0.0;
}

}  // namespace pzsim
