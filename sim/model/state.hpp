#pragma once
// The changing state of a run, stored as structures of arrays. Agents have stable ids;
// randomness is keyed by id, never by the slot an agent happens to occupy.
#include <array>
#include <climits>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/model/world.hpp"

namespace pzsim {

// Most a firm's month counters (age_months, loss_months, months_active) can reach: every month
// of the longest run and burn-in the schema accepts, after founders' 12 months in a market.
inline constexpr int kMonthCounterMax = kMaxBurnInMonths + kMaxRunMonths + 12;
static_assert(kMonthCounterMax <= std::numeric_limits<std::uint16_t>::max(), "month counters are 16-bit");

// Cells a firm has in a column: one; one per market; or one per destination, for what only one
// channel needs (the general-trade appeal, what CBEC buyers paid).
enum class Cells : std::uint8_t { firm, market, destination };
inline std::size_t cells_per_firm(Cells cells, int markets) {
  const auto m = static_cast<std::size_t>(markets);
  return cells == Cells::firm ? 1 : cells == Cells::market ? m : m / static_cast<std::size_t>(kChannels);
}

// Firms, one slot each; per-market arrays are [slot * markets + market] (econ::market_index),
// per-destination arrays [slot * destinations + destination] (econ::destination_index).
struct FirmStore {
  std::vector<std::uint64_t> id;
  std::vector<std::uint32_t> city;             // where the firm is registered and sells from
  std::vector<std::uint32_t> production_city;  // where its goods are made (differs for traders)
  std::vector<std::uint16_t> sector;
  std::vector<std::uint8_t> trader;            // trading company
  std::vector<double> productivity;            // output per worker, trend-free
  std::vector<double> quality;
  std::vector<std::int32_t> employees;
  std::vector<double> cash_cny;
  std::vector<double> credit_cny;              // credit drawn
  std::vector<double> revenue_cny_last;        // last month's total revenue (credit line base)
  std::vector<double> profit_cny_last;         // last month's profit after tax
  // Month counters are 16-bit: none can pass the run's months plus burn-in plus the founders'
  // 12 (kMonthCounterMax below), which the schema bounds.
  std::vector<std::uint16_t> age_months;
  std::vector<std::uint16_t> loss_months;      // consecutive months with a loss
  std::vector<double> domestic_revenue_cny;    // this month
  std::vector<std::uint8_t> insolvent;         // could not pay this month even with credit
  // Set by the pricing phase each month (pricing.cpp).
  std::vector<double> unit_cost_cny;           // factory-gate unit cost
  std::vector<double> potential;               // (quality / unit cost)^(sigma-1), scales peers' profit
  std::vector<double> home_appeal;             // CES demand shifter at home

  // Per market.
  std::vector<std::uint8_t> active;
  std::vector<std::int32_t> products;          // CBEC listings
  std::vector<double> reputation;              // CBEC seller reputation in [0,1]
  std::vector<std::uint16_t> months_active;    // founders start at 12 in the markets they serve
  std::vector<std::uint8_t> warehouse;         // CBEC via overseas warehouses
  std::vector<double> revenue_usd;             // this month, received by the seller (net of commission)
  // Per destination: this month, paid by CBEC buyers (gross of the commission, which
  // revenue_usd is net of); general-trade buyers pay the seller's revenue_usd.
  std::vector<double> cbec_paid_usd;
  std::vector<double> revenue_usd_last;        // last month
  std::vector<double> expected_profit_cny;     // adaptive expectation of monthly profit
  // Delivered price / factory-gate price (pricing phase). The delivered price and the seller's
  // revenue wedge are derived from it (econ::price_usd, econ::gross_wedge_of) with the
  // arithmetic pricing used, so they need no columns of their own.
  std::vector<double> delivery_wedge;
  // Per destination: the general-trade CES demand shifter quality^(sigma-1) price^(1-sigma)
  // (importers split offline imports by it; CBEC buyers choose by utility instead).
  std::vector<double> general_appeal;

  std::size_t size() const { return id.size(); }
  std::size_t bytes() const;  // heap bytes held (for the benchmark's bytes per agent)
  void resize(std::size_t n, int markets);
  // Removes the slots whose `closes` flag is set; the others keep their order (so ids stay in
  // slot order). Gives memory back when at most two thirds of what the store holds is used.
  void erase_slots(const std::vector<std::uint8_t>& closes, int markets);

  // Calls f(column, cells) for every column (cells: Cells): the one list resize, erase_slots and
  // bytes share, so a new column cannot be forgotten by one of them.
  template <class F>
  void for_each_column(F&& f) { columns(*this, f); }
  template <class F>
  void for_each_column(F&& f) const { columns(*this, f); }

 private:
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    f(s.id, Cells::firm), f(s.city, Cells::firm), f(s.production_city, Cells::firm), f(s.sector, Cells::firm), f(s.trader, Cells::firm);
    f(s.productivity, Cells::firm), f(s.quality, Cells::firm), f(s.employees, Cells::firm), f(s.cash_cny, Cells::firm), f(s.credit_cny, Cells::firm);
    f(s.revenue_cny_last, Cells::firm), f(s.profit_cny_last, Cells::firm), f(s.age_months, Cells::firm), f(s.loss_months, Cells::firm);
    f(s.domestic_revenue_cny, Cells::firm), f(s.insolvent, Cells::firm), f(s.unit_cost_cny, Cells::firm), f(s.potential, Cells::firm);
    f(s.home_appeal, Cells::firm);
    f(s.active, Cells::market), f(s.products, Cells::market), f(s.reputation, Cells::market), f(s.months_active, Cells::market), f(s.warehouse, Cells::market);
    f(s.revenue_usd, Cells::market), f(s.cbec_paid_usd, Cells::destination), f(s.revenue_usd_last, Cells::market), f(s.expected_profit_cny, Cells::market);
    f(s.delivery_wedge, Cells::market), f(s.general_appeal, Cells::destination);
  }
};

// Weighted buyer agents grouped by the market they buy in: each stands for `weight` people
// and has adopted or not (Bass diffusion). Agents of group g are [begin[g], begin[g+1]).
// `Group` is the index type of the grouping (the number of destinations or of cities).
template <class Group>
struct BuyerStore {
  std::vector<std::uint64_t> id;
  std::vector<Group> group;            // destination (consumers) or city (shoppers)
  std::vector<double> weight;          // people each agent stands for
  std::vector<std::uint8_t> adopted;   // consumers: aware of Chinese sellers; shoppers: buy abroad
  std::vector<std::size_t> begin;      // [groups + 1]
  std::size_t size() const { return id.size(); }
  std::size_t bytes() const;
  // Building it group by group: start() once, then add() each group's agents and end_group().
  void start() { begin.assign(1, 0); }
  void add(std::uint64_t agent_id, std::size_t group_index, double agent_weight, bool has_adopted) {
    id.push_back(agent_id);
    group.push_back(static_cast<Group>(group_index));
    weight.push_back(agent_weight);
    adopted.push_back(has_adopted ? 1 : 0);
  }
  void end_group() { begin.push_back(id.size()); }
};
using ConsumerStore = BuyerStore<std::uint16_t>;       // overseas buyers, by destination
using ImportShopperStore = BuyerStore<std::uint32_t>;  // Chinese cross-border shoppers, by city

struct CityState {
  std::vector<double> labour_force;
  std::vector<double> wage_cny;
  std::vector<double> wage_start_cny;
  std::vector<double> labour_force_start;
  std::vector<std::int64_t> other_jobs_start;
  std::vector<std::int64_t> other_jobs;        // rest of the economy
  std::vector<std::int64_t> services_jobs;     // logistics and services for CBEC parcels
  std::vector<std::int64_t> supplier_jobs;     // contract manufacturing for trading companies
  std::vector<std::int64_t> firm_jobs;         // employees of firm agents located there
  std::vector<double> profit_per_firm_cny;     // last month's average firm profit (for births)
  std::array<std::vector<double>, kInstrumentCount> instrument;  // current levels [city]
  std::vector<double> zone_premium;            // mean instrument level above the national floor
  std::vector<std::int64_t> employment() const;
};

struct State {
  int step = 0;                                // the month being simulated
  FirmStore firms;
  ConsumerStore consumers;
  ImportShopperStore shoppers;
  CityState cities;
  // Market-level memory.
  std::vector<double> general_competitor_index;  // [destination * sectors + sector], foreign_competitors.cpp
  std::vector<double> domestic_competitor_index; // [sector], fixed at start
  std::vector<double> reference_price_usd;       // [sector], CBEC utility normalisation
  std::vector<double> aware_share;               // [destination], weighted, last month
  std::vector<double> adopted_share_import;      // [city], last month
  std::vector<double> cbec_spending_usd;         // [destination * sectors + sector], this month, before the online shock
  // This month's market reconsiderations, [slot * markets + market], 1 when the firm looks at
  // the market (MarketReconsideration): drawn once by form_expectations for the month
  // reconsidered_step and read by enter_and_exit_markets, which draws them itself for any other
  // month and for any slot whose firm is no longer the one its row was drawn for
  // (reconsidered_id[slot], so a store compacted or grown in between never reuses stale draws).
  std::vector<std::uint8_t> reconsidered;
  std::vector<std::uint64_t> reconsidered_id;
  int reconsidered_step = INT_MIN;
};

State initial_state(const World& world);

// City labour markets as the scenario gives them, before any firm is placed (the warm start
// in initial_state then employs the firms' workers and sets the start-of-run references).
CityState cities_at_start(const World& world);

// Sets the competitor price indices from the firms' current prices and markets so that
// China's import shares are on their path (econ::china_share_path) and the firms' home share
// is the scenario's (start and end of burn-in).
void calibrate_competitors(const World& world, State& state);

// Id of the `index`-th firm born in `city` at `step`: bit 47 set (founders have ids below
// 2^47), then step + 1024 (12 bits), city (19 bits), index (16 bits). Increasing in birth
// order (month, city, index), so slots stay in id order. Throws std::length_error when a
// part does not fit.
std::uint64_t newborn_firm_id(std::size_t city, int step, std::uint64_t index);
// The parts of such an id (founders' ids have none).
inline bool is_newborn_id(std::uint64_t id) { return ((id >> 47) & 1u) != 0; }
inline int newborn_birth_step(std::uint64_t id) { return static_cast<int>((id >> 35) & 0xFFFu) - 1024; }
inline std::size_t newborn_birth_city(std::uint64_t id) { return static_cast<std::size_t>((id >> 16) & 0x7FFFFu); }

// Draws a new firm's attributes into slot i (founders at step 0 and births later).
void draw_firm(const World& world, State& state, std::size_t i, std::uint64_t id, std::uint32_t city, int step);

}  // namespace pzsim
