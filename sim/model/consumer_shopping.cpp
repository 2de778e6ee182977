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
#include <stdexcept>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

namespace {

// Consumers are processed in chunks so the purchase buffer stays small at full scale.
constexpr std::size_t kChunk = 1 << 18;
// Buyers per block of a chunk's reduction; block_starts must be given the same grain as
// deterministic_reduce so a block finds its purchase list by its first buyer.
constexpr std::size_t kBuyerGrain = kDefaultGrain;

// One category's listings in a destination, in slot order. What a purchase needs of the seller
// (city, parcel or warehouse) is copied in, so a trip reads its listings' rows instead of
// reaching into the firm store at random. The sellers' sales of the month are credited here,
// in a few MB that stay in cache, and written back to the firm store after the destination.
struct Listings {
  std::vector<std::uint32_t> slot;   // firm slot
  std::vector<double> days;          // delivery days
  std::vector<double> visibility;
  std::vector<double> spending_usd;  // the seller's cbec_paid_usd in this destination, credited
  std::vector<double> revenue_usd;   // the seller's revenue_usd in this market, credited
  AliasTable table;
  // What one draw of a trip reads, in one record (one cache miss at full scale): the ranking
  // table's column (probability and alias, filled in once the table is built) and the
  // listing's attraction exp(u_j / lambda) and, if it ships parcels, its seller's registered
  // city (-1 if it ships from an overseas warehouse).
  struct Draw {
    double probability;
    double attraction;
    std::uint32_t alias;
    std::int32_t parcel_city;
  };
  std::vector<Draw> draws;
};

// One purchase of a trip: the listing bought (in its category) and the amount paid.
struct Purchase {
  double usd;
  std::uint32_t listing;
  std::uint32_t sector;
};

// What shopping one destination adds up, summed per block of buyers and joined in a fixed
// tree (any thread count gives the same bytes): [purchases, spending, spending by sector
// before the online shock..., parcel sales by seller city..., parcel sales times days by
// city...].
struct TotalsLayout {
  std::size_t at_sector, at_parcel_usd, at_parcel_days, size;
  TotalsLayout(std::size_t sectors, std::size_t cities)
      : at_sector(2), at_parcel_usd(2 + sectors), at_parcel_days(2 + sectors + cities), size(2 + sectors + 2 * cities) {}
};

// One destination's month of shopping: its listings, its buyers' purchases (a chunk at a time)
// and its totals. The destinations are shopped as parallel tasks: each writes only its own
// market's cells of the firm store, and their totals are joined in destination order.
struct DestinationShop {
  std::vector<Listings> listings;
  // The purchases of a chunk of buyers, one list per block of buyers (block_starts) in buyer
  // order, so crediting reads them in buyer order as one stream. Sized by the purchases made
  // (a fraction of the buyers shop), reused by the destination's chunks.
  std::vector<std::vector<Purchase>> bought;
  std::vector<double> totals;
};

// Platform ranking: the listings of each category in destination d, in slot order, with what
// a trip needs of each, and each category's ranking table.
void list_offers(const World& w, const State& s, int d, const std::vector<double>& log_quality, std::vector<Listings>& listings) {
  const Scenario& sc = *w.scenario;
  const ConsumersConfig& cfg = sc.consumers;
  const PlatformConfig& platform = sc.platform;
  const MonthConditions& month = w.at(s.step);
  const DestinationSpec& spec = sc.destinations[static_cast<std::size_t>(d)];
  const FirmStore& f = s.firms;
  const int market = d * kChannels + kCbec;
  const double lambda = cfg.nest_dissimilarity;
  for (auto& l : listings) {
    l.slot.clear();
    l.days.clear();
    l.visibility.clear();
    l.draws.clear();
    l.spending_usd.clear();
    l.revenue_usd.clear();
  }
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t k = econ::market_index(w, i, market);
    // Buyers do not look at offers priced beyond their reservation (choke) price.
    if (!f.active[k]) continue;
    const double price = econ::price_usd(w, s, i, market);
    if (price > cfg.choke_price_ratio * s.reference_price_usd[f.sector[i]]) continue;
    const double newcomer = platform.newcomer_boost * (1.0 + month.onboarding) *
                            std::exp(-f.months_active[k] / platform.newcomer_months);
    const double visibility = std::max(1, f.products[k]) * (1.0 + platform.reputation_visibility * f.reputation[k]) *
                              (1.0 + newcomer) * (1.0 + platform.warehouse_visibility * f.warehouse[k]);
    const double theta = sc.sectors[f.sector[i]].trade_elasticity;
    const double info = econ::level(s, f.city[i], Instrument::information);
    const double days = f.warehouse[k] ? spec.delivery_days_warehouse
                                       : std::max(1.0, spec.delivery_days_parcel - sc.zones.effects.clearance_days_cut * info);
    const double utility = cfg.quality_weight * theta * log_quality[i] -
                           theta * std::log(price / s.reference_price_usd[f.sector[i]]) -
                           cfg.delivery_day_cost * days + cfg.reputation_weight * f.reputation[k];
    Listings& l = listings[f.sector[i]];
    l.slot.push_back(static_cast<std::uint32_t>(i));
    l.days.push_back(days);
    l.visibility.push_back(visibility);
    l.draws.push_back(Listings::Draw{0.0, std::exp(std::clamp(utility / lambda, -300.0, 300.0)), 0,
                                     f.warehouse[k] ? -1 : static_cast<std::int32_t>(f.city[i])});
    l.spending_usd.push_back(f.cbec_paid_usd[econ::destination_index(w, i, d)]);
    l.revenue_usd.push_back(f.revenue_usd[k]);
  }
  parallel_for(
      listings.size(), [&](std::size_t first, std::size_t last) {
        for (std::size_t sec = first; sec < last; ++sec) {
          Listings& l = listings[sec];
          l.table.build(l.visibility);
          // An empty table (no visible listing) is never drawn from.
          if (l.table.empty()) l.draws.clear();
          for (std::size_t j = 0; j < l.draws.size(); ++j) {
            l.draws[j].probability = l.table.probability(j);
            l.draws[j].alias = static_cast<std::uint32_t>(l.table.alias(j));
          }
        }
      },
      1);
}

// Destination d's buyers shop: its totals into shop.totals, its sellers' sales into the firm
// store (only market d's cells).
void shop_destination(const World& w, State& s, int d, const AliasTable& sector_table, DestinationShop& shop) {
  const Scenario& sc = *w.scenario;
  const ConsumersConfig& cfg = sc.consumers;
  const PlatformConfig& platform = sc.platform;
  const MonthConditions& month = w.at(s.step);
  const std::size_t dest = static_cast<std::size_t>(d);
  const DestinationSpec& spec = sc.destinations[dest];
  const int market = d * kChannels + kCbec;
  FirmStore& f = s.firms;
  const std::size_t n_sec = shop.listings.size();
  const double lambda = cfg.nest_dissimilarity;
  const std::size_t set_size = static_cast<std::size_t>(cfg.consideration_set);
  std::vector<Listings>& listings = shop.listings;

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
  const TotalsLayout at(n_sec, static_cast<std::size_t>(w.cities));
  std::vector<double>& totals = shop.totals;
  totals.assign(at.size, 0.0);

  for (std::size_t chunk = begin; chunk < end; chunk += kChunk) {
    const std::size_t chunk_end = std::min(end, chunk + kChunk);
    const std::size_t count = chunk_end - chunk;
    const std::vector<std::size_t> starts = block_starts(count, kBuyerGrain);
    shop.bought.resize(starts.size());
    const std::vector<double> chunk_totals = deterministic_reduce(
        count, std::vector<double>(totals.size(), 0.0),
        [&](std::size_t b, std::size_t e) {
          std::vector<double> block_totals(totals.size(), 0.0);
          const auto start = std::lower_bound(starts.begin(), starts.end(), b);
          // Both ends: a finer block_starts grain would still list every block's start.
          const std::size_t next_start = start == starts.end() || start + 1 == starts.end() ? count : *(start + 1);
          if (start == starts.end() || *start != b || next_start != e)
            throw std::logic_error("shop_cbec: a block of buyers does not span what block_starts says");
          std::vector<Purchase>& bought = shop.bought[static_cast<std::size_t>(start - starts.begin())];
          bought.clear();
          std::vector<std::uint32_t> drawn, words(set_size);
          std::vector<std::size_t> picked(set_size);
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
            // The consideration set: each draw's column is prefetched before any is read, then
            // each outcome (the column or its alias, as AliasTable::sample_word) before its
            // attraction is read, so the cache misses of a trip overlap.
            const std::size_t n_listings = l.draws.size();
            for (std::size_t t = 0; t < set_size; ++t) {
              words[t] = trip.next_word();
              picked[t] = AliasTable::word_column(words[t], n_listings);
              __builtin_prefetch(&l.draws[picked[t]]);
            }
            for (std::size_t t = 0; t < set_size; ++t) {
              const Listings::Draw& column = l.draws[picked[t]];
              if (!(AliasTable::word_coin(words[t], n_listings) < column.probability)) {
                picked[t] = column.alias;
                __builtin_prefetch(&l.draws[picked[t]]);
              }
            }
            drawn.clear();
            double sum = 0.0;
            for (std::size_t t = 0; t < set_size; ++t) {
              const auto j = static_cast<std::uint32_t>(picked[t]);
              if (std::find(drawn.begin(), drawn.end(), j) != drawn.end()) continue;
              drawn.push_back(j);
              sum += l.draws[j].attraction;
            }
            if (!(sum > 0.0)) continue;
            const double relative = non_chinese * std::pow(sum, lambda);  // R: the nest against non-Chinese sellers
            const double p_cbec = odds * relative / ((1.0 + odds) / m + odds * relative);
            const double spend = s.consumers.weight[a] * per_weight_trip * p_cbec;  // before the online shock
            block_totals[0] += s.consumers.weight[a] * relative / (1.0 + relative);  // online purchase goes to China
            for (std::size_t t = 0; t < drawn.size(); ++t) {
              const Listings::Draw& bought_listing = l.draws[drawn[t]];
              const double raw = spend * bought_listing.attraction / sum;
              const double amount = raw * online_shock;
              bought.push_back(Purchase{amount, drawn[t], static_cast<std::uint32_t>(sector)});
              block_totals[1] += amount;
              block_totals[at.at_sector + sector] += raw;
              if (bought_listing.parcel_city >= 0) {
                const auto city = static_cast<std::size_t>(bought_listing.parcel_city);
                block_totals[at.at_parcel_usd + city] += amount;
                block_totals[at.at_parcel_days + city] += amount * l.days[drawn[t]];
              }
            }
          }
          return block_totals;
        },
        add_elementwise<double>, kBuyerGrain);
    totals = add_elementwise<double>(std::move(totals), chunk_totals);
    // Credit sellers in consumer order, a fixed summation order for each seller, into the
    // listings' copies of their sales (a listing is one seller in this market). The
    // categories are split into one part per thread; each part walks all the chunk's trips
    // and credits only its own categories, so every seller still adds its sales in consumer
    // order and the split does not change a byte.
    parallel_parts(n_sec, [&](std::size_t first_sector, std::size_t last_sector) {
      for (const auto& bought : shop.bought) {
        for (const Purchase& purchase : bought) {
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
            f.cbec_paid_usd[econ::destination_index(w, l.slot[j], d)] = l.spending_usd[j];
            f.revenue_usd[econ::market_index(w, l.slot[j], market)] = l.revenue_usd[j];
          }
        }
      },
      1);
}

}  // namespace

void shop_cbec(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  const PlatformConfig& platform = sc.platform;
  const MonthConditions& month = w.at(s.step);
  const FirmStore& f = s.firms;
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const std::size_t n_dest = static_cast<std::size_t>(w.destinations);
  const std::size_t n_cities = static_cast<std::size_t>(w.cities);

  std::vector<double> sector_shares;
  for (const auto& sector : sc.sectors) sector_shares.push_back(sector.spending_share);
  const AliasTable sector_table(sector_shares);
  // The month's log quality, shared by every destination's ranking.
  std::vector<double> log_quality(f.size());
  parallel_for(f.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) log_quality[i] = std::log(f.quality[i]);
  });

  // The destinations as parallel tasks (their loops inside run in parallel too); each writes
  // only its own scratch and its own market's cells of the firm store.
  std::vector<DestinationShop> shops(n_dest);
  parallel_for(
      n_dest,
      [&](std::size_t first, std::size_t last) {
        for (std::size_t dest = first; dest < last; ++dest) {
          shops[dest].listings.resize(n_sec);
          list_offers(w, s, static_cast<int>(dest), log_quality, shops[dest].listings);
          shop_destination(w, s, static_cast<int>(dest), sector_table, shops[dest]);
        }
      },
      1);

  // The destinations' totals, joined in destination order. Parcel sales by seller city, and
  // those sales times their delivery days, over every destination: the city's sales-weighted
  // delivery time is their ratio.
  const TotalsLayout at(n_sec, n_cities);
  std::vector<double> parcel_sales_usd(n_cities, 0.0), parcel_sales_days(n_cities, 0.0);
  for (std::size_t dest = 0; dest < n_dest; ++dest) {
    const DestinationSpec& spec = sc.destinations[dest];
    const std::vector<double>& totals = shops[dest].totals;
    const double odds = econ::online_odds(w, dest, s.step);
    const double online_shock = month.online_multiplier[dest];
    const double spending_total = totals[1], purchases_total = totals[0];
    const std::vector<double> spending_by_sector(totals.begin() + at.at_sector, totals.begin() + at.at_parcel_usd);
    for (std::size_t city = 0; city < n_cities; ++city) {
      parcel_sales_usd[city] += totals[at.at_parcel_usd + city];
      parcel_sales_days[city] += totals[at.at_parcel_days + city];
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
