#include "sim/model/state.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void FirmStore::resize(std::size_t n, int markets) {
  for_each_column([&](auto& column, Cells cells) { column.resize(n * cells_per_firm(cells, markets)); });
}

void FirmStore::erase_slots(const std::vector<std::uint8_t>& closes, int markets) {
  const std::size_t n = size();
  // Runs of surviving slots: slots [from, from + length) move down to `to`.
  struct Run {
    std::size_t from, to, length;
  };
  std::vector<Run> runs;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n;) {
    if (closes[i]) {
      ++i;
      continue;
    }
    const std::size_t from = i;
    while (i < n && !closes[i]) ++i;
    if (from != kept) runs.push_back({from, kept, i - from});
    kept += i - from;
  }
  // Column by column, each a few long block moves (runs ascend and move down, so a run never
  // overwrites one still to move); columns are independent, so they move in parallel.
  std::size_t columns = 0;
  for_each_column([&](auto&, Cells) { ++columns; });
  // Memory is given back when the store holds more than 3/2 of what survives, keeping an
  // eighth to spare so the next months' births do not reallocate at once.
  const bool give_back = id.capacity() * 2 > kept * 3;
  parallel_for(
      columns,
      [&](std::size_t first, std::size_t last) {
        std::size_t c = 0;
        for_each_column([&](auto& column, Cells cells) {
          const std::size_t index = c++;
          if (index < first || index >= last) return;
          const std::size_t width = cells_per_firm(cells, markets);
          for (const Run& run : runs)
            std::copy(column.begin() + static_cast<std::ptrdiff_t>(run.from * width),
                      column.begin() + static_cast<std::ptrdiff_t>((run.from + run.length) * width),
                      column.begin() + static_cast<std::ptrdiff_t>(run.to * width));
          column.resize(kept * width);
          if (give_back) {
            std::remove_reference_t<decltype(column)> smaller;
            smaller.reserve((kept + kept / 8) * width);
            smaller.assign(column.begin(), column.end());
            column.swap(smaller);
          }
        });
      },
      1);
}

namespace {
template <class... Vectors>
std::size_t heap_bytes(const Vectors&... v) {
  return (... + (v.capacity() * sizeof(typename Vectors::value_type)));
}
}  // namespace

std::size_t FirmStore::bytes() const {
  std::size_t total = 0;
  for_each_column([&](const auto& column, Cells) { total += heap_bytes(column); });
  return total;
}
template <class Group>
std::size_t BuyerStore<Group>::bytes() const {
  return heap_bytes(id, group, weight, adopted, begin);
}
template struct BuyerStore<std::uint16_t>;
template struct BuyerStore<std::uint32_t>;

std::vector<std::int64_t> CityState::employment() const {
  std::vector<std::int64_t> e(labour_force.size());
  for (std::size_t c = 0; c < e.size(); ++c) e[c] = firm_jobs[c] + services_jobs[c] + supplier_jobs[c] + other_jobs[c];
  return e;
}

namespace {

// Splits n items over shares by largest remainder (deterministic, sums exactly to n).
std::vector<std::size_t> apportion(std::size_t n, const std::vector<double>& shares) {
  std::vector<std::size_t> counts(shares.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t assigned = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const double exact = shares[i] * static_cast<double>(n);
    counts[i] = static_cast<std::size_t>(std::floor(exact));
    assigned += counts[i];
    remainders.emplace_back(exact - std::floor(exact), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(), [](auto a, auto b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < n && k < remainders.size(); ++k, ++assigned) ++counts[remainders[k].second];
  return counts;
}

std::vector<double> sector_shares(const Scenario& sc) {
  std::vector<double> shares;
  for (const auto& s : sc.sectors) shares.push_back(s.spending_share);
  return shares;
}

// Expected sales of each firm at a common unit cost: its (quality * productivity)^(sigma - 1)
// as a share of its sector's total, times the sector's spending share.
std::vector<double> expected_sales(const World& w, const FirmStore& f) {
  const Scenario& sc = *w.scenario;
  std::vector<double> sales(f.size()), sector_total(static_cast<std::size_t>(w.sectors), 0.0);
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double theta = 1.0 / (w.markup[f.sector[i]] - 1.0);  // sigma - 1
    sales[i] = std::pow(f.quality[i] * f.productivity[i], theta);
    sector_total[f.sector[i]] += sales[i];
  }
  for (std::size_t i = 0; i < f.size(); ++i) sales[i] *= sc.sectors[f.sector[i]].spending_share / sector_total[f.sector[i]];
  return sales;
}

// Places firms (the given slots) in cities. The firms are apportioned by firm weight
// (apportion) and taken largest first by expected sales; each goes to a city drawn with
// probability proportional to its shortfall, the firm-weight share of the firms' expected
// sales it still lacks, among the cities with places left whose shortfall can hold the firm
// (or, when none can, to the one with the largest shortfall). Each city then starts with close
// to its share of sales as well as of firms: a city's exports are data, and an unconstrained
// draw that handed one of the country's largest firms to a small city would make it a top
// exporter whatever its data (docs/model.md, "Placing the founding firms"). `draw` is the
// step number of the kFirmInit stream (2 and 3: founders' ids never meet those of firms born
// in steps 2 and 3), so the two placements of the same firms are independent.
std::vector<std::uint32_t> place_largest_first(const World& w, const FirmStore& f, const std::vector<double>& sales,
                                               std::vector<std::size_t> slots, std::uint32_t draw) {
  std::vector<std::size_t> left = apportion(slots.size(), w.city_firm_share);
  double total = 0.0;
  for (const std::size_t i : slots) total += sales[i];
  std::stable_sort(slots.begin(), slots.end(), [&](std::size_t a, std::size_t b) { return sales[a] > sales[b]; });
  std::vector<double> shortfall(left.size());
  for (std::size_t c = 0; c < left.size(); ++c) shortfall[c] = w.city_firm_share[c] * total;
  std::vector<std::uint32_t> city(sales.size(), 0);
  for (const std::size_t i : slots) {
    double fits = 0.0;
    std::size_t largest = left.size();
    for (std::size_t c = 0; c < left.size(); ++c) {
      if (left[c] == 0) continue;
      if (shortfall[c] >= sales[i]) fits += shortfall[c];
      if (largest == left.size() || shortfall[c] > shortfall[largest]) largest = c;
    }
    std::size_t chosen = largest;
    if (fits > 0.0) {
      RandomStream rng(w.seed, Stream::kFirmInit, draw, f.id[i]);
      double u = rng.uniform() * fits;
      for (std::size_t c = 0; c < left.size(); ++c) {
        if (left[c] == 0 || shortfall[c] < sales[i]) continue;
        chosen = c;
        u -= shortfall[c];
        if (u < 0.0) break;
      }
    }
    city[i] = static_cast<std::uint32_t>(chosen);
    shortfall[chosen] -= sales[i];
    --left[chosen];
  }
  return city;
}

}  // namespace

std::uint64_t newborn_firm_id(std::size_t city, int step, std::uint64_t index) {
  const std::int64_t shifted_step = static_cast<std::int64_t>(step) + 1024;
  if (shifted_step < 0 || shifted_step >= (1 << 12) || city >= (std::size_t{1} << 19) || index >= (1u << 16))
    throw std::length_error("newborn firm id out of range (step " + std::to_string(step) + ", city " +
                            std::to_string(city) + ", birth " + std::to_string(index) + ")");
  return (std::uint64_t{1} << 47) | (static_cast<std::uint64_t>(shifted_step) << 35) |
         (static_cast<std::uint64_t>(city) << 16) | index;
}

// Draws one new firm's attributes into slot i. Also used by births, so a firm born later is
// drawn from the same distributions as the founding population.
void draw_firm(const World& w, State& s, std::size_t i, std::uint64_t id, std::uint32_t city, int step) {
  const Scenario& sc = *w.scenario;
  FirmStore& f = s.firms;
  // Every column of the slot starts at zero, so no value of a former occupant survives and a
  // new column needs no line here.
  f.for_each_column([&](auto& column, Cells cells) {
    using Value = typename std::decay_t<decltype(column)>::value_type;
    const std::size_t width = cells_per_firm(cells, w.markets);
    for (std::size_t k = 0; k < width; ++k) column[i * width + k] = Value{};
  });
  RandomStream rng(w.seed, Stream::kFirmInit, static_cast<std::uint32_t>(step), id);
  const auto shares = sector_shares(sc);
  f.id[i] = id;
  f.city[i] = city;
  f.sector[i] = static_cast<std::uint16_t>(rng.categorical(shares));
  f.productivity[i] = sc.firms.productivity == ProductivityDistribution::lognormal
                          ? rng.lognormal(0.0, sc.firms.productivity_sigma)
                          : rng.pareto(1.0, sc.firms.pareto_shape);
  f.quality[i] = rng.lognormal(0.0, sc.sectors[f.sector[i]].quality_sigma);
  f.trader[i] = rng.bernoulli(sc.firms.trader_share) ? 1 : 0;
  const std::size_t source_city = rng.categorical(w.city_firm_share);
  f.production_city[i] = f.trader[i] ? static_cast<std::uint32_t>(source_city) : city;
}

// Competitor price indices: they give China its share of each destination's offline imports
// on the path (econ::china_share_path) and the firms their starting share of the home
// market, given the prices and markets of the firms now. Set at the start and again when
// burn-in ends; in between and afterwards foreign competitors respond month by month
// (foreign_competitors.cpp) and the home index stays fixed.
void calibrate_competitors(const World& w, State& s) {
  const Scenario& sc = *w.scenario;
  const std::size_t n = s.firms.size();
  const std::size_t n_dest = static_cast<std::size_t>(w.destinations);
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  s.general_competitor_index = econ::general_appeal_totals(w, s.firms);
  s.domestic_competitor_index.assign(n_sec, 0.0);
  std::vector<double> domestic_appeal(n_sec, 0.0), firms_in_sector(n_sec, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t sec = s.firms.sector[i];
    domestic_appeal[sec] += s.firms.home_appeal[i];
    firms_in_sector[sec] += 1.0;
  }
  for (std::size_t d = 0; d < n_dest; ++d) {
    const double share = econ::china_share_path(w, d, s.step);
    for (std::size_t sec = 0; sec < n_sec; ++sec) {
      double& index = s.general_competitor_index[d * n_sec + sec];
      // With no Chinese exporter in a cell, competitors are set as if one average firm of the
      // sector (mean home appeal) were.
      if (!(index > 0.0)) index = domestic_appeal[sec] / std::max(1.0, firms_in_sector[sec]);
      index *= (1.0 - share) / share;
    }
  }
  for (std::size_t sec = 0; sec < n_sec; ++sec)
    s.domestic_competitor_index[sec] =
        std::max(domestic_appeal[sec], 1e-300) * (1.0 - sc.firms.home_market_share) / sc.firms.home_market_share;
}

CityState cities_at_start(const World& w) {
  const Scenario& sc = *w.scenario;
  const std::size_t n_cities = static_cast<std::size_t>(w.cities);
  CityState c;
  // Labour markets in sample units: the labour force times the sample fraction.
  for (const auto& spec : sc.cities.list) {
    c.labour_force.push_back(*spec.labour_force * sc.scale.sample_fraction);
    c.wage_cny.push_back(*spec.wage_cny);
  }
  c.wage_start_cny = c.wage_cny;
  c.labour_force_start = c.labour_force;
  c.other_jobs.assign(n_cities, 0);
  c.other_jobs_start = c.other_jobs;
  c.services_jobs.assign(n_cities, 0);
  c.supplier_jobs.assign(n_cities, 0);
  c.firm_jobs.assign(n_cities, 0);
  c.profit_per_firm_cny.assign(n_cities, 0.0);
  for (auto& level : c.instrument) level.assign(n_cities, 0.0);
  c.zone_premium.assign(n_cities, 0.0);
  return c;
}

State initial_state(const World& w) {
  const Scenario& sc = *w.scenario;
  State s;
  const std::size_t n_cities = static_cast<std::size_t>(w.cities);
  const double fraction = sc.scale.sample_fraction;

  s.cities = cities_at_start(w);
  auto& c = s.cities;

  // Firms: drawn, then placed by size (place_largest_first) so that each city starts with its
  // firm-weight share of firms and of sales; likewise the cities trading companies buy from, so
  // that each city's suppliers start with their share of the traders' production. Ids follow
  // slot order.
  const std::size_t n = static_cast<std::size_t>(sc.firms.count);
  s.firms.resize(n, w.markets);
  for (std::size_t slot = 0; slot < n; ++slot) draw_firm(w, s, slot, slot, 0, 0);
  {
    const std::vector<double> sales = expected_sales(w, s.firms);
    std::vector<std::size_t> all(n), traders;
    std::iota(all.begin(), all.end(), 0);
    for (std::size_t slot = 0; slot < n; ++slot)
      if (s.firms.trader[slot]) traders.push_back(slot);
    const std::vector<std::uint32_t> city = place_largest_first(w, s.firms, sales, all, 2);
    const std::vector<std::uint32_t> source = place_largest_first(w, s.firms, sales, traders, 3);
    for (std::size_t slot = 0; slot < n; ++slot) {
      s.firms.city[slot] = city[slot];
      s.firms.production_city[slot] = s.firms.trader[slot] ? source[slot] : city[slot];
    }
  }

  // Exporters are the most productive firms of each sector (selection into exporting), the
  // exporter share of every sector: potential (q / c)^(sigma - 1) ranks firms within a sector
  // but not across sectors (a lower sigma gives every firm of its sector a higher number),
  // and ranking it nationally left the largest sector without general-trade exporters, so
  // the first firm to enter took all of China's exports of that sector. Each exporter serves
  // a destination with probability 1/2, at least one. CBEC sellers start among them.
  set_prices(w, s);
  const std::vector<double>& pot = s.firms.potential;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return s.firms.sector[a] != s.firms.sector[b] ? s.firms.sector[a] < s.firms.sector[b] : pot[a] > pot[b];
  });
  std::vector<std::size_t> exporters;
  for (std::size_t first = 0; first < n;) {
    std::size_t end = first;
    while (end < n && s.firms.sector[order[end]] == s.firms.sector[order[first]]) ++end;
    const auto take = static_cast<std::size_t>(std::round(sc.firms.exporter_share * static_cast<double>(end - first)));
    exporters.insert(exporters.end(), order.begin() + static_cast<std::ptrdiff_t>(first),
                     order.begin() + static_cast<std::ptrdiff_t>(first + take));
    first = end;
  }
  const double cbec_given_exporter = sc.firms.exporter_share > 0.0 ? sc.firms.cbec_share / sc.firms.exporter_share : 0.0;
  for (const std::size_t i : exporters) {
    RandomStream rng(w.seed, Stream::kFirmInit, 1, s.firms.id[i]);
    bool any = false;
    for (int d = 0; d < w.destinations; ++d) {
      const bool on = rng.bernoulli(0.5);
      s.firms.active[econ::market_index(w, i, d * kChannels + kGeneral)] = on;
      any = any || on;
    }
    if (!any) s.firms.active[econ::market_index(w, i, static_cast<int>(rng.below(static_cast<std::uint64_t>(w.destinations))) * kChannels)] = 1;
    if (rng.bernoulli(cbec_given_exporter)) {
      for (int d = 0; d < w.destinations; ++d) {
        if (d > 0 && !rng.bernoulli(0.5)) continue;
        const std::size_t k = econ::market_index(w, i, d * kChannels + kCbec);
        s.firms.active[k] = 1;
        s.firms.products[k] = 1;
        s.firms.reputation[k] = 0.5;
        s.firms.months_active[k] = 12;
      }
    }
  }
  for (std::size_t k = 0; k < s.firms.active.size(); ++k)
    if (s.firms.active[k] && s.firms.months_active[k] == 0) s.firms.months_active[k] = 12;
  set_prices(w, s);  // again, now that the markets each firm serves are known

  calibrate_competitors(w, s);
  const std::size_t n_dest = static_cast<std::size_t>(w.destinations);
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);

  // Reference price per sector: geometric mean of the firms' home (factory-gate) prices in
  // USD at the start. Consumer utility compares delivered prices with it, and buyers ignore
  // offers beyond choke_price_ratio times it; it must not depend on trade costs, or a
  // prohibitive cost would move the yardstick along with the prices.
  s.reference_price_usd.assign(n_sec, 1.0);
  {
    std::vector<double> log_sum(n_sec, 0.0), count(n_sec, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      log_sum[s.firms.sector[i]] += std::log(w.markup[s.firms.sector[i]] * s.firms.unit_cost_cny[i] / w.at(0).cny_per_usd);
      count[s.firms.sector[i]] += 1.0;
    }
    for (std::size_t sec = 0; sec < n_sec; ++sec)
      if (count[sec] > 0) s.reference_price_usd[sec] = std::exp(log_sum[sec] / count[sec]);
  }

  // Consumers: overseas buyers per destination, Chinese shoppers per city.
  const int per_destination = sc.consumers.agents_per_destination;
  // `agents` buyers of equal weight in each group, each adopted at the start with its own draw
  // (substream 0 for consumers, 1 for shoppers).
  const auto add_buyers = [&](auto& store, std::uint32_t substream, std::size_t groups, auto agents_weight_share) {
    std::uint64_t id = 0;
    store.start();
    for (std::size_t g = 0; g < groups; ++g) {
      const auto [agents, weight, share] = agents_weight_share(g);
      for (int k = 0; k < agents; ++k, ++id) {
        RandomStream rng(w.seed, Stream::kConsumerInit, substream, id);
        store.add(id, g, weight, rng.bernoulli(share));
      }
      store.end_group();
    }
  };
  add_buyers(s.consumers, 0, n_dest, [&](std::size_t d) {
    const auto& dest = sc.destinations[d];
    return std::tuple{per_destination, dest.online_shoppers * fraction / per_destination, dest.awareness_start};
  });
  add_buyers(s.shoppers, 1, n_cities, [&](std::size_t city) {
    const int agents = sc.import_side.agents_per_city;
    const double weight = agents > 0 ? c.labour_force[city] * sc.import_side.online_shopper_share / agents : 0.0;
    return std::tuple{agents, weight, sc.import_side.adopted_start};
  });
  s.aware_share.assign(n_dest, 0.0);
  for (std::size_t d = 0; d < n_dest; ++d) {
    double aware = 0.0, total = 0.0;
    for (std::size_t a = s.consumers.begin[d]; a < s.consumers.begin[d + 1]; ++a) {
      aware += s.consumers.adopted[a] * s.consumers.weight[a];
      total += s.consumers.weight[a];
    }
    s.aware_share[d] = total > 0.0 ? aware / total : 0.0;
  }
  s.adopted_share_import.assign(n_cities, sc.import_side.adopted_start);
  s.cbec_spending_usd.assign(n_dest * n_sec, 0.0);

  // Warm start: employ the workers that the starting sales need, so month one is not a
  // hiring spree. Sales are computed by the same rules the run uses.
  {
    MonthOutputs scratch;
    scratch.reset(w);
    sell_at_home(w, s, scratch);
    import_general_trade(w, s, scratch);
    for (std::size_t i = 0; i < n; ++i) {
      double factory_revenue = s.firms.domestic_revenue_cny[i];
      for (int m = 0; m < w.markets; ++m) {
        const std::size_t k = econ::market_index(w, i, m);
        factory_revenue += s.firms.revenue_usd[k] * w.at(0).cny_per_usd / econ::gross_wedge_of(w, s.firms, i, m);
        s.firms.revenue_usd_last[k] = s.firms.revenue_usd[k];
        s.firms.revenue_usd[k] = 0.0;
        if (m % kChannels == kCbec) s.firms.cbec_paid_usd[econ::destination_index(w, i, m / kChannels)] = 0.0;
      }
      const double workers = econ::workers_needed(w, s, i, factory_revenue);
      s.firms.revenue_cny_last[i] = factory_revenue;
      // Trading companies keep sales staff; their production jobs are with suppliers.
      if (s.firms.trader[i]) {
        s.firms.employees[i] = std::max(1, static_cast<int>(std::lround(econ::kTraderStaffShare * workers)));
        c.supplier_jobs[s.firms.production_city[i]] += std::lround((1.0 - econ::kTraderStaffShare) * workers);
      } else {
        s.firms.employees[i] = std::max(1, static_cast<int>(std::lround(workers)));
      }
      s.firms.cash_cny[i] = sc.firms.startup_cash_months * s.firms.employees[i] * c.wage_cny[s.firms.city[i]] +
                            factory_revenue;
      s.firms.domestic_revenue_cny[i] = 0.0;
      c.firm_jobs[s.firms.city[i]] += s.firms.employees[i];
    }
  }
  // The rest of the economy employs the remainder of the city at the normal employment rate.
  for (std::size_t city = 0; city < n_cities; ++city) {
    const auto normal = static_cast<std::int64_t>(std::llround(c.labour_force[city] * sc.labour.normal_employment_rate));
    c.other_jobs[city] = std::max<std::int64_t>(0, normal - c.firm_jobs[city] - c.supplier_jobs[city]);
    // A city whose firms alone exceed the normal employment rate gets the labour force it needs.
    const double employed = static_cast<double>(c.firm_jobs[city] + c.supplier_jobs[city] + c.other_jobs[city]);
    c.labour_force[city] = std::max(c.labour_force[city], employed / sc.labour.normal_employment_rate);
  }
  c.labour_force_start = c.labour_force;
  c.other_jobs_start = c.other_jobs;
  return s;
}

}  // namespace pzsim
