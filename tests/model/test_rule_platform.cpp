// platform.cpp: suspension hazard = suspension_rate * wave * (1 - suspension_cut * enforcement);
// reputation of a store with sales this month: r += min(1, speed (1 + boost * enforcement)) (q/(1+q) - r).
#include <catch2/catch.hpp>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

// Firm 0 in A: CBEC us and eu and general us; firm 1 in C: CBEC us; firm 2 in C: nothing.
State sellers(const World& w) {
  State s = blank_state(w, 3);
  FirmStore& f = s.firms;
  f.city[0] = kA, f.city[1] = kC, f.city[2] = kC;
  for (std::size_t k : {mk(w, 0, 0, kCbec), mk(w, 0, 1, kCbec), mk(w, 1, 0, kCbec)}) {
    f.active[k] = 1, f.products[k] = 7, f.reputation[k] = 0.5, f.warehouse[k] = 1, f.months_active[k] = 9;
  }
  f.active[mk(w, 0, 0, kGeneral)] = 1;
  f.months_active[mk(w, 0, 0, kGeneral)] = 9;
  s.step = 10;
  return s;
}

}  // namespace

TEST_CASE("platform: a suspension hazard of one suspends every active store and nothing else", "[model][rules]") {
  const auto loaded = rule_scenario({"platform.suspension_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = sellers(w);
  MonthOutputs out = fresh_outputs(w);
  suspend_accounts(w, s, out);
  const FirmStore& f = s.firms;
  for (std::size_t k : {mk(w, 0, 0, kCbec), mk(w, 0, 1, kCbec), mk(w, 1, 0, kCbec)}) {
    CHECK(f.active[k] == 0);
    CHECK(f.products[k] == 0);
    CHECK(f.reputation[k] == 0.0);
    CHECK(f.warehouse[k] == 0);
    CHECK(f.months_active[k] == 0);
  }
  CHECK(f.active[mk(w, 0, 0, kGeneral)] == 1);
  CHECK(f.months_active[mk(w, 0, 0, kGeneral)] == 9);
  CHECK(out.market_exits[kA * kChannels + kCbec] == 2);
  CHECK(out.market_exits[kC * kChannels + kCbec] == 1);
  CHECK(out.market_exits[kA * kChannels + kGeneral] == 0);
}

TEST_CASE("platform: full enforcement with a full cut, or a wave of zero, prevents suspensions", "[model][rules]") {
  {
    const auto loaded = rule_scenario({"platform.suspension_rate=1", "zones.effects.suspension_cut=1"});
    const World w = build_world(loaded.scenario, 7);
    State s = sellers(w);
    set_level(s, kA, Instrument::enforcement, 1.0);
    MonthOutputs out = fresh_outputs(w);
    suspend_accounts(w, s, out);
    CHECK(s.firms.active[mk(w, 0, 0, kCbec)] == 1);
    CHECK(s.firms.active[mk(w, 0, 1, kCbec)] == 1);
    CHECK(s.firms.active[mk(w, 1, 0, kCbec)] == 0);  // C has no enforcement
    CHECK(out.market_exits[kA * kChannels + kCbec] == 0);
    CHECK(out.market_exits[kC * kChannels + kCbec] == 1);
  }
  {
    const auto loaded = rule_scenario({"platform.suspension_rate=1"},
                                      "[{kind: suspension_wave, start: 2015-11, end: 2015-11, value: 0}]");
    const World w = build_world(loaded.scenario, 7);
    State s = sellers(w);  // step 10 = 2015-11
    MonthOutputs out = fresh_outputs(w);
    suspend_accounts(w, s, out);
    CHECK(s.firms.active[mk(w, 1, 0, kCbec)] == 1);
    s.step = 11;  // the wave is over
    suspend_accounts(w, s, out);
    CHECK(s.firms.active[mk(w, 1, 0, kCbec)] == 0);
  }
}

TEST_CASE("platform: reputation moves toward q/(1+q) at speed times (1 + boost * enforcement), only with sales", "[model][rules]") {
  const auto loaded = rule_scenario();  // speed 0.08, boost 0.5
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 2);
  FirmStore& f = s.firms;
  f.city[0] = kA, f.quality[0] = 1.5;   // target 0.6
  f.city[1] = kC, f.quality[1] = 0.25;  // target 0.2
  set_level(s, kA, Instrument::enforcement, 0.4);
  const std::size_t a = mk(w, 0, 0, kCbec), b = mk(w, 0, 1, kCbec), c = mk(w, 1, 0, kCbec), idle = mk(w, 1, 1, kCbec);
  f.active[a] = 1, f.reputation[a] = 0.2, f.revenue_usd[a] = 100;
  f.active[b] = 1, f.reputation[b] = 0.3;  // no sales this month
  f.active[c] = 1, f.reputation[c] = 0.5, f.revenue_usd[c] = 1;
  f.reputation[idle] = 0.1, f.revenue_usd[idle] = 100;  // inactive
  update_reputation(w, s);
  CHECK(f.reputation[a] == Approx(0.2 + 0.08 * 1.2 * (0.6 - 0.2)));
  CHECK(f.reputation[b] == 0.3);
  CHECK(f.reputation[c] == Approx(0.5 + 0.08 * (0.2 - 0.5)));
  CHECK(f.reputation[idle] == 0.1);
}

TEST_CASE("platform: the reputation step is capped at the whole distance to the target", "[model][rules]") {
  const auto loaded = rule_scenario({"platform.reputation_speed=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 1);
  s.firms.city[0] = kA;
  s.firms.quality[0] = 3.0;
  set_level(s, kA, Instrument::enforcement, 1.0);  // rate 1.5, capped at 1
  const std::size_t k = mk(w, 0, 0, kCbec);
  s.firms.active[k] = 1, s.firms.reputation[k] = 0.1, s.firms.revenue_usd[k] = 10;
  update_reputation(w, s);
  CHECK(s.firms.reputation[k] == Approx(0.75));
}
