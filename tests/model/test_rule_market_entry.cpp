// market_entry.cpp on hand-built firms (toys: markup 4/3; sunk costs general 300,000,
// CBEC 120,000 (1 - 0.5 admin) / (1 + onboarding); decision noise 0.5, horizon 24).
//   inactive: blocked if cash - sunk paid + unused credit < S + WC,
//             WC = max(0, E + F1) / (1 - 1/markup) / markup * cash-cycle months
//             else enter with P = logistic((E H - S) / (0.5 S))
//   active, E < 0, >= 6 months: exit with P = logistic(-E H / (0.5 S))
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

TEST_CASE("market entry: a firm with no cash and no credit line is blocked in every market it considers", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 2);
  FirmStore& f = s.firms;
  for (std::size_t i = 0; i < 2; ++i) {
    f.city[i] = f.production_city[i] = kC;
    for (int m = 0; m < w.markets; ++m) f.expected_profit_cny[econ::market_index(w, i, m)] = 1e9;
  }
  // Firm 0: no cash, no employees, no revenue last month: credit line 0. Firm 1 is rich.
  f.cash_cny[1] = 1e12;
  s.step = 4;
  MonthOutputs out = fresh_outputs(w);
  enter_and_exit_markets(w, s, out);
  for (int m = 0; m < w.markets; ++m) CHECK(f.active[econ::market_index(w, 0, m)] == 0);
  CHECK(f.cash_cny[0] == 0.0);
  CHECK(out.entries_blocked[kC * kChannels + kGeneral] == 2);
  CHECK(out.entries_blocked[kC * kChannels + kCbec] == 2);
  // The rich firm entered all four markets.
  CHECK(out.market_entries[kC * kChannels + kGeneral] == 2);
  CHECK(out.market_entries[kC * kChannels + kCbec] == 2);
}

TEST_CASE("market entry: a well-financed firm with a hugely positive value enters, pays the sunk cost and books it", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kA;
  f.cash_cny[0] = 1e12;
  for (int m = 0; m < w.markets; ++m) f.expected_profit_cny[econ::market_index(w, 0, m)] = 1e9;
  set_level(s, kA, Instrument::administration, 0.4);  // CBEC sunk cost 120,000 * 0.8 = 96,000
  s.step = 4;
  MonthOutputs out = fresh_outputs(w);
  enter_and_exit_markets(w, s, out);
  for (int d = 0; d < 2; ++d) {
    CHECK(f.active[mk(w, 0, d, kGeneral)] == 1);
    CHECK(f.months_active[mk(w, 0, d, kGeneral)] == 0);
    const std::size_t k = mk(w, 0, d, kCbec);
    CHECK(f.active[k] == 1);
    CHECK(f.products[k] == 1);
    CHECK(f.reputation[k] == Approx(0.2));
    CHECK(f.warehouse[k] == 0);
    CHECK(f.months_active[k] == 0);
  }
  const double sunk = 2 * 300000.0 + 2 * 96000.0;
  CHECK(f.cash_cny[0] == Approx(1e12 - sunk));
  CHECK(flow(out, kFirms, kHouseholds) == Approx(sunk));
  CHECK(out.market_entries[kA * kChannels + kGeneral] == 2);
  CHECK(out.market_entries[kA * kChannels + kCbec] == 2);
  CHECK(out.entries_blocked[kA * kChannels + kGeneral] == 0);
}

TEST_CASE("market entry: the onboarding campaign divides the CBEC sunk cost by 1 + O", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1"},
                                    "[{kind: onboarding_campaign, start: 2015-01, end: 2015-12, value: 1.0}]");
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kC;
  f.cash_cny[0] = 1e12;
  f.expected_profit_cny[mk(w, 0, 0, kCbec)] = 1e9;
  for (std::size_t k : {mk(w, 0, 0, kGeneral), mk(w, 0, 1, kGeneral), mk(w, 0, 1, kCbec)}) f.active[k] = 1, f.expected_profit_cny[k] = 1.0;
  s.step = 4;
  MonthOutputs out = fresh_outputs(w);
  enter_and_exit_markets(w, s, out);
  CHECK(f.active[mk(w, 0, 0, kCbec)] == 1);
  CHECK(f.cash_cny[0] == Approx(1e12 - 120000.0 / 2.0));
}

TEST_CASE("market entry: sunk costs paid earlier in the month reduce what is left to finance the next entry", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kC;
  // General markets already served (no decision: E > 0); both CBEC markets inactive with E = 1e6.
  for (int d = 0; d < 2; ++d) {
    const std::size_t g = mk(w, 0, d, kGeneral);
    f.active[g] = 1, f.months_active[g] = 2, f.expected_profit_cny[g] = 5000;
    f.expected_profit_cny[mk(w, 0, d, kCbec)] = 1e6;
  }
  // WC = (1e6 + F1) * 4 * 0.75 * 1.5 months, F1 = 12,000 + 39.99 * 6.5 + 800.
  const double f1 = 12000 + 39.99 * 6.5 + 800;
  const double wc = (1e6 + f1) / 0.25 / (4.0 / 3.0) * 1.5;
  const double need = 120000 + wc;  // about 4.68 million
  f.cash_cny[0] = need + 60000;     // enough for one entry, not for a second (needs need + 120,000)
  s.step = 4;
  MonthOutputs out = fresh_outputs(w);
  enter_and_exit_markets(w, s, out);
  CHECK(f.active[mk(w, 0, 0, kCbec)] == 1);
  CHECK(f.active[mk(w, 0, 1, kCbec)] == 0);
  CHECK(out.market_entries[kC * kChannels + kCbec] == 1);
  CHECK(out.entries_blocked[kC * kChannels + kCbec] == 1);
  CHECK(f.cash_cny[0] == Approx(need + 60000 - 120000));
}

TEST_CASE("market entry: only markets the firm reconsiders this month are decided", "[model][rules]") {
  const auto loaded = rule_scenario();  // entry_consideration_rate 0.08
  const World w = build_world(loaded.scenario, 7);
  const int step = 4;
  // A firm id that reconsiders CBEC to the us (market 1) but no other market this month.
  std::uint64_t id = 0;
  for (; id < 100000; ++id)
    if (reconsiders_market(w, id, step, 1) && !reconsiders_market(w, id, step, 0) &&
        !reconsiders_market(w, id, step, 2) && !reconsiders_market(w, id, step, 3))
      break;
  REQUIRE(id < 100000);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.id[0] = id;
  f.city[0] = f.production_city[0] = kC;
  f.cash_cny[0] = 1e12;
  for (int m = 0; m < w.markets; ++m) f.expected_profit_cny[econ::market_index(w, 0, m)] = 1e9;
  s.step = step;
  MonthOutputs out = fresh_outputs(w);
  enter_and_exit_markets(w, s, out);
  CHECK(f.active[mk(w, 0, 0, kCbec)] == 1);
  CHECK(f.active[mk(w, 0, 0, kGeneral)] == 0);
  CHECK(f.active[mk(w, 0, 1, kGeneral)] == 0);
  CHECK(f.active[mk(w, 0, 1, kCbec)] == 0);
  CHECK(f.cash_cny[0] == Approx(1e12 - 120000));
}

TEST_CASE("market entry: exit needs a negative expectation and at least six months in the market", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kD;
  const std::size_t g0 = mk(w, 0, 0, kGeneral), g1 = mk(w, 0, 1, kGeneral), e0 = mk(w, 0, 0, kCbec), e1 = mk(w, 0, 1, kCbec);
  f.active[g0] = 1, f.months_active[g0] = 6, f.expected_profit_cny[g0] = -1e9;  // exits
  f.active[g1] = 1, f.months_active[g1] = 5, f.expected_profit_cny[g1] = -1e9;  // too early to exit
  f.active[e0] = 1, f.months_active[e0] = 10, f.expected_profit_cny[e0] = -1e9, f.products[e0] = 5, f.reputation[e0] = 0.7,
  f.warehouse[e0] = 1;                                                           // exits
  f.active[e1] = 1, f.months_active[e1] = 10, f.expected_profit_cny[e1] = 100.0;  // profitable: stays
  s.step = 4;
  MonthOutputs out = fresh_outputs(w);
  enter_and_exit_markets(w, s, out);
  CHECK(f.active[g0] == 0);
  CHECK(f.months_active[g0] == 0);
  CHECK(f.active[g1] == 1);
  CHECK(f.active[e0] == 0);
  CHECK(f.products[e0] == 0);
  CHECK(f.reputation[e0] == 0.0);
  CHECK(f.warehouse[e0] == 0);
  CHECK(f.months_active[e0] == 0);
  CHECK(f.active[e1] == 1);
  CHECK(out.market_exits[kD * kChannels + kGeneral] == 1);
  CHECK(out.market_exits[kD * kChannels + kCbec] == 1);
  CHECK(flow(out, kFirms, kHouseholds) == 0.0);  // exit costs nothing
}

TEST_CASE("market entry: the entry probability is the logistic of value over noise times sunk cost", "[model][rules]") {
  // 4,000 rich firms with E H - S = 0.5 S ln 3 in general trade to the us: P = 3/4. Tolerance
  // 0.03 on the share (the standard error is 0.0068).
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  const std::size_t n = 4000;
  State s = blank_state(w, n);
  FirmStore& f = s.firms;
  const double expected = (300000.0 + 0.5 * 300000.0 * std::log(3.0)) / 24.0;
  for (std::size_t i = 0; i < n; ++i) {
    f.city[i] = f.production_city[i] = kC;
    f.cash_cny[i] = 1e12;
    f.expected_profit_cny[mk(w, i, 0, kGeneral)] = expected;
    for (std::size_t k : {mk(w, i, 1, kGeneral), mk(w, i, 0, kCbec), mk(w, i, 1, kCbec)}) f.active[k] = 1;
  }
  s.step = 4;
  MonthOutputs out = fresh_outputs(w);
  enter_and_exit_markets(w, s, out);
  const double share = static_cast<double>(out.market_entries[kC * kChannels + kGeneral]) / static_cast<double>(n);
  INFO("entry share " << share);
  CHECK(std::abs(share - 0.75) < 0.03);
}

TEST_CASE("market entry: MarketReconsideration answers exactly as reconsiders_market, in any order", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=0.4"});
  const World w = build_world(loaded.scenario, 11);
  std::size_t yes = 0, asked = 0;
  for (std::uint64_t id : {0ull, 1ull, 77ull, 123456789ull, (1ull << 47) + 5}) {
    for (int step : {-3, 0, 5}) {
      MarketReconsideration in_order(w, id, step), backwards(w, id, step);
      // 40 markets: well past the four whose draws one block holds.
      for (int m = 0; m < 40; ++m) {
        const bool expected = reconsiders_market(w, id, step, m);
        CHECK(in_order(m) == expected);
        CHECK(backwards(39 - m) == reconsiders_market(w, id, step, 39 - m));
        yes += expected ? 1 : 0;
        ++asked;
      }
    }
  }
  // Both answers occur, so the comparison is not between constants.
  CHECK(yes > 0);
  CHECK(yes < asked);
}

namespace {

// n rich firms in city kC at step 5 (every second one serving every market long enough to
// leave it, if `even_firms_serve`), after form_expectations has kept the month's
// reconsiderations.
State firms_with_kept_reconsiderations(const World& w, std::size_t n, bool even_firms_serve) {
  State s = blank_state(w, n);
  FirmStore& f = s.firms;
  for (std::size_t i = 0; i < n; ++i) {
    f.city[i] = f.production_city[i] = kC;
    f.cash_cny[i] = 1e12;
    for (int m = 0; m < w.markets && even_firms_serve && i % 2 == 0; ++m) {
      f.active[econ::market_index(w, i, m)] = 1;
      f.months_active[econ::market_index(w, i, m)] = 12;
    }
  }
  s.step = 5;
  form_expectations(w, s);
  return s;
}

// Entry on `kept` with the kept reconsiderations, and on a copy told they are another month's,
// so that entry draws every firm's itself.
struct EntryBothWays {
  State own;
  MonthOutputs kept_out, own_out;
};
EntryBothWays enter_with_kept_and_own_draws(const World& w, State& kept) {
  EntryBothWays r{kept, fresh_outputs(w), fresh_outputs(w)};
  r.own.reconsidered_step = kept.step - 1;
  enter_and_exit_markets(w, kept, r.kept_out);
  enter_and_exit_markets(w, r.own, r.own_out);
  return r;
}

}  // namespace

TEST_CASE("market entry: the reconsiderations form_expectations keeps are the ones entry would draw", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=0.4"});
  const World w = build_world(loaded.scenario, 11);
  const std::size_t n = 300;
  State s = firms_with_kept_reconsiderations(w, n, true);
  FirmStore& f = s.firms;
  REQUIRE(s.reconsidered_step == 5);
  REQUIRE(s.reconsidered.size() == n * static_cast<std::size_t>(w.markets));
  std::size_t looked = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (int m = 0; m < w.markets; ++m) {
      const bool looks = reconsiders_market(w, f.id[i], 5, m);
      CHECK((s.reconsidered[econ::market_index(w, i, m)] != 0) == looks);
      looked += looks ? 1 : 0;
    }
  }
  CHECK(looked > 0);
  CHECK(looked < n * static_cast<std::size_t>(w.markets));
  // Entry with the kept draws and with its own gives the same entries and exits: inactive
  // markets worth entering, active ones worth leaving.
  for (std::size_t i = 0; i < n; ++i)
    for (int m = 0; m < w.markets; ++m)
      f.expected_profit_cny[econ::market_index(w, i, m)] = i % 2 == 0 ? -1e9 : 1e9;
  const EntryBothWays r = enter_with_kept_and_own_draws(w, s);
  CHECK(s.firms.active == r.own.firms.active);
  CHECK(s.firms.cash_cny == r.own.firms.cash_cny);
  CHECK(r.kept_out.market_entries == r.own_out.market_entries);
  CHECK(r.kept_out.market_exits == r.own_out.market_exits);
  CHECK(r.own_out.market_entries[kC * kChannels + kGeneral] > 0);
  CHECK(r.own_out.market_exits[kC * kChannels + kGeneral] > 0);
}

TEST_CASE("market entry: kept reconsiderations are not reused for a slot that now holds another firm", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.entry_consideration_rate=0.4"});
  const World w = build_world(loaded.scenario, 11);
  const std::size_t n = 300;
  State s = firms_with_kept_reconsiderations(w, n, false);
  FirmStore& f = s.firms;
  REQUIRE(s.reconsidered_step == 5);
  // Between the phases the store changes at the same size: every slot now holds the firm that
  // was in the next slot (as if slot 0's firm closed and one was born at the end).
  for (std::size_t i = 0; i + 1 < n; ++i) f.id[i] = f.id[i + 1];
  f.id[n - 1] = f.id[n - 2] + 1;
  for (std::size_t i = 0; i < n; ++i)
    for (int m = 0; m < w.markets; ++m) f.expected_profit_cny[econ::market_index(w, i, m)] = 1e9;
  const EntryBothWays r = enter_with_kept_and_own_draws(w, s);
  CHECK(s.firms.active == r.own.firms.active);
  CHECK(s.firms.cash_cny == r.own.firms.cash_cny);
  CHECK(r.kept_out.market_entries == r.own_out.market_entries);
  CHECK(r.own_out.market_entries[kC * kChannels + kGeneral] > 0);
  CHECK(r.own_out.market_entries[kC * kChannels + kCbec] > 0);
}
