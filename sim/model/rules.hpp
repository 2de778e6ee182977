#pragma once
// The model's rules, one file each (sim/model/<rule>.cpp), called by step() in a fixed
// order. Each reads the world and the state, updates the state it owns and records what
// happened in the month's outputs.
#include "sim/core/rng.hpp"
#include "sim/model/outputs.hpp"
#include "sim/model/state.hpp"

namespace pzsim {

// Draw index of the market-reconsideration family in Stream::kMarketEntry (decision draws
// of the entry rule use indices below it).
inline constexpr std::uint32_t kReconsiderBlock = 1u << 16;

// zone_policy.cpp: instrument levels of every city this month (approval, ramp-up,
// learning from the leader zone, national floors).
void apply_zone_policy(const World& w, State& s, MonthOutputs& out);

// expectations.cpp: each firm's expected profit per market, from its own last month or
// from what peers in its city and sector earned (information spillover).
void form_expectations(const World& w, State& s);

// market_entry.cpp: entry into and exit from each destination x channel against sunk and
// fixed costs, with bounded rationality and a financing constraint.
void enter_and_exit_markets(const World& w, State& s, MonthOutputs& out);

// product_listing.cpp: how many products each CBEC seller lists, and whether it ships
// through overseas warehouses.
void list_products(const World& w, State& s);

// pricing.cpp: markup pricing over delivered marginal cost for every firm and market
// (and what other rules derive from prices). price_firm prices one firm (newborns). Both price
// at the state's month, s.step: econ::price_usd derives prices with that month's exchange rate.
void set_prices(const World& w, State& s);
void price_firm(const World& w, State& s, std::size_t i);

// platform.cpp: account suspensions before the month's sales; reputation after them.
void suspend_accounts(const World& w, State& s, MonthOutputs& out);
void update_reputation(const World& w, State& s);

// consumer_adoption.cpp: overseas buyers become aware of Chinese sellers (Bass diffusion).
void adopt_awareness(const World& w, State& s, MonthOutputs& out);

// consumer_shopping.cpp: consideration sets from the platform ranking, one nested logit per
// destination x category (other spending, offline imports, non-Chinese online sellers, the
// Chinese CBEC nest), purchases spread over choice probabilities.
void shop_cbec(const World& w, State& s, MonthOutputs& out);

// foreign_competitors.cpp: foreign competitors' general-trade price indices follow their cost
// trend (China's share on its path) and answer China's prices and entry.
void respond_foreign_competitors(const World& w, State& s);

// general_trade.cpp: aggregate importers per destination x sector buy the offline imports the
// nested logit leaves from general-trade exporters and foreign competitors (CES); firms also
// sell at home.
void import_general_trade(const World& w, State& s, MonthOutputs& out);
void sell_at_home(const World& w, State& s, MonthOutputs& out);

// import_shopping.cpp: Chinese shoppers buying abroad (CBEC imports).
void shop_imports(const World& w, State& s, MonthOutputs& out);

// production_hiring.cpp: firms produce what was sold and hire or lay off against the city
// labour pool; aggregate employers (suppliers, services, rest of the economy) adjust.
void produce_and_hire(const World& w, State& s, MonthOutputs& out);

// labour_market.cpp: wages respond to tightness; workers migrate (hukou friction).
void clear_labour_markets(const World& w, State& s, MonthOutputs& out);

// accounting.cpp: profit, taxes, credit, zone fiscal cost, every payment in the
// transaction matrix; exports by declared customs code.
void book_accounts(const World& w, State& s, MonthOutputs& out);

// firm_exit.cpp: closure on sustained losses, insolvency or exogenous hazard.
void close_firms(const World& w, State& s, MonthOutputs& out);

// relocation.cpp: CBEC firms move to zone cities when savings beat the moving cost.
void relocate_firms(const World& w, State& s, MonthOutputs& out);

// firm_births.cpp: new firms per city at a rate rising with local conditions.
void give_birth_to_firms(const World& w, State& s, MonthOutputs& out);

// end_month.cpp: firms and their markets age by a month; end-of-month stocks are counted;
// this month's sales become last month's.
void end_month(const World& w, State& s, MonthOutputs& out);

// Whether a firm reconsiders a market this month (probability entry_consideration_rate).
// A pure function of (seed, firm, month, market), so expectations and entry agree on it
// without storing it.
inline bool reconsiders_market(const World& w, std::uint64_t firm_id, int step, int market) {
  const RandomStream rng(w.seed, Stream::kMarketEntry, static_cast<std::uint32_t>(step), firm_id);
  return rng.uniform32(kReconsiderBlock, static_cast<std::uint32_t>(market)) < w.scenario->firms.entry_consideration_rate;
}

// reconsiders_market for one firm and month, asked market by market: it keeps the last Philox
// block, which holds four markets' draws, so asking in increasing market order costs one
// block per four markets instead of one per market. Same answers as reconsiders_market.
class MarketReconsideration {
 public:
  MarketReconsideration(const World& w, std::uint64_t firm_id, int step)
      : rng_(w.seed, Stream::kMarketEntry, static_cast<std::uint32_t>(step), firm_id),
        rate_(w.scenario->firms.entry_consideration_rate) {}
  bool operator()(int market) {
    const auto k = static_cast<std::uint32_t>(market);
    if (!has_block_ || k / 4 != block_index_) {
      block_ = rng_.block(kReconsiderBlock + k / 4);
      block_index_ = k / 4;
      has_block_ = true;
    }
    return RandomStream::uniform32_of(block_[k % 4]) < rate_;
  }

 private:
  RandomStream rng_;
  double rate_;
  bool has_block_ = false;
  std::uint32_t block_index_ = 0;
  r123::Philox4x32::ctr_type block_{};
};

// Adds one employer's employment change in a city to jobs created or destroyed.
inline void count_job_change(MonthOutputs& out, std::size_t city, std::int64_t delta) {
  if (delta > 0) out.jobs_created[city] += delta;
  if (delta < 0) out.jobs_destroyed[city] -= delta;
}

}  // namespace pzsim
