// zone_policy.cpp on the rule fixture: A is the leader zone (approved at step 2), B a
// follower (step 6), C and D are not zones. Instruments: financial strength 0.8 over a
// 4-month ramp, information 1.0 with no ramp, administration 0.5 over 10 months,
// enforcement 0.6 over 3 months; followers start at effectiveness 0.4, e-folding 12 months.
//   level = max(floor, strength * min(1, n / ramp) * eff),  n = step - approval + 1
//   eff   = 1 (leader), 1 - (1 - 0.4) exp(-(n - 1) / 12) (follower)
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

std::vector<std::string> instruments() {
  return {"zones.financial.strength=0.8",      "zones.financial.ramp_months=4",
          "zones.information.strength=1",      "zones.information.ramp_months=0",
          "zones.administration.strength=0.5", "zones.administration.ramp_months=10",
          "zones.enforcement.strength=0.6",    "zones.enforcement.ramp_months=3",
          "zones.initial_effectiveness=0.4",   "zones.learning_months=12"};
}

double lvl(const State& s, std::size_t city, Instrument k) { return s.cities.instrument[static_cast<std::size_t>(k)][city]; }
double out_lvl(const MonthOutputs& out, std::size_t city, Instrument k) {
  return out.instrument_level[city * kInstrumentCount + static_cast<std::size_t>(k)];
}

// Runs the rule at one step and returns the state.
State at_step(const World& w, int step, MonthOutputs& out) {
  State s = blank_state(w, 0);
  s.step = step;
  out = fresh_outputs(w);
  apply_zone_policy(w, s, out);
  return s;
}

}  // namespace

TEST_CASE("zone policy: every level is zero before approval and zone_active marks approved cities", "[model][rules]") {
  const auto loaded = rule_scenario(instruments());
  const World w = build_world(loaded.scenario, 7);
  REQUIRE(w.leader_city == static_cast<int>(kA));
  MonthOutputs out;
  const State before = at_step(w, 1, out);
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(out.zone_active[c] == 0);
    CHECK(before.cities.zone_premium[c] == 0.0);
    for (int k = 0; k < kInstrumentCount; ++k) {
      CHECK(lvl(before, c, static_cast<Instrument>(k)) == 0.0);
      CHECK(out_lvl(out, c, static_cast<Instrument>(k)) == 0.0);
    }
  }
  // Approval month of A: n = 1.
  const State approved = at_step(w, 2, out);
  CHECK(out.zone_active[kA] == 1);
  CHECK(out.zone_active[kB] == 0);
  CHECK(out.zone_active[kC] == 0);
  CHECK(lvl(approved, kA, Instrument::financial) == Approx(0.8 * 1.0 / 4.0));
  CHECK(lvl(approved, kA, Instrument::information) == Approx(1.0));
  CHECK(lvl(approved, kA, Instrument::administration) == Approx(0.5 * 1.0 / 10.0));
  CHECK(lvl(approved, kA, Instrument::enforcement) == Approx(0.6 * 1.0 / 3.0));
  CHECK(lvl(approved, kB, Instrument::information) == 0.0);
  // B from its own approval on.
  at_step(w, 6, out);
  CHECK(out.zone_active[kB] == 1);
  CHECK(out.zone_active[kD] == 0);
}

TEST_CASE("zone policy: the leader's level is strength times ramp, and the premium is the mean level", "[model][rules]") {
  const auto loaded = rule_scenario(instruments());
  const World w = build_world(loaded.scenario, 7);
  MonthOutputs out;
  const State s = at_step(w, 3, out);  // n = 2
  CHECK(lvl(s, kA, Instrument::financial) == Approx(0.8 * 2.0 / 4.0));
  CHECK(lvl(s, kA, Instrument::information) == Approx(1.0));
  CHECK(lvl(s, kA, Instrument::administration) == Approx(0.5 * 2.0 / 10.0));
  CHECK(lvl(s, kA, Instrument::enforcement) == Approx(0.6 * 2.0 / 3.0));
  CHECK(s.cities.zone_premium[kA] == Approx((0.4 + 1.0 + 0.1 + 0.4) / 4.0));
  CHECK(out_lvl(out, kA, Instrument::administration) == Approx(0.1));
  // Ramps end at full strength (n = 19).
  const State full = at_step(w, 20, out);
  CHECK(lvl(full, kA, Instrument::financial) == Approx(0.8));
  CHECK(lvl(full, kA, Instrument::administration) == Approx(0.5));
  CHECK(lvl(full, kA, Instrument::enforcement) == Approx(0.6));
  CHECK(full.cities.zone_premium[kA] == Approx((0.8 + 1.0 + 0.5 + 0.6) / 4.0));
}

TEST_CASE("zone policy: a follower starts at initial effectiveness and learns with e-folding time", "[model][rules]") {
  const auto loaded = rule_scenario(instruments());
  const World w = build_world(loaded.scenario, 7);
  MonthOutputs out;
  // B's approval month: n = 1, effectiveness 0.4.
  const State first = at_step(w, 6, out);
  CHECK(lvl(first, kB, Instrument::financial) == Approx(0.8 * 0.25 * 0.4));
  CHECK(lvl(first, kB, Instrument::information) == Approx(1.0 * 0.4));
  CHECK(lvl(first, kB, Instrument::administration) == Approx(0.5 * 0.1 * 0.4));
  CHECK(lvl(first, kB, Instrument::enforcement) == Approx(0.6 / 3.0 * 0.4));
  // n = 13 for B (step 18): effectiveness 1 - 0.6 e^-1; the leader at the same n (step 14) is at 1.
  const double eff = 1.0 - 0.6 * std::exp(-1.0);
  const State follower = at_step(w, 18, out);
  CHECK(lvl(follower, kB, Instrument::financial) == Approx(0.8 * eff));
  CHECK(lvl(follower, kB, Instrument::information) == Approx(eff));
  CHECK(lvl(follower, kB, Instrument::administration) == Approx(0.5 * eff));
  CHECK(lvl(follower, kB, Instrument::enforcement) == Approx(0.6 * eff));
  const State leader = at_step(w, 14, out);
  CHECK(lvl(leader, kA, Instrument::financial) == Approx(0.8));
  CHECK(lvl(leader, kA, Instrument::information) == Approx(1.0));
  CHECK(lvl(follower, kB, Instrument::information) < lvl(leader, kA, Instrument::information));
}

TEST_CASE("zone policy: a national floor is a minimum everywhere and the premium is measured above it", "[model][rules]") {
  const std::string floors =
      "[{kind: national_floor, start: 2015-05, instrument: financial, value: 0.5},"
      " {kind: national_floor, start: 2015-05, instrument: information, value: 0.3}]";
  const auto loaded = rule_scenario(instruments(), floors);
  const World w = build_world(loaded.scenario, 7);
  MonthOutputs out;
  // Before the floors (step 3): non-zone C has nothing.
  const State early = at_step(w, 3, out);
  CHECK(lvl(early, kC, Instrument::financial) == 0.0);
  // Step 6: floors in force; B in its approval month, A at n = 5.
  const State s = at_step(w, 6, out);
  CHECK(lvl(s, kC, Instrument::financial) == Approx(0.5));
  CHECK(lvl(s, kC, Instrument::information) == Approx(0.3));
  CHECK(lvl(s, kC, Instrument::administration) == 0.0);
  CHECK(s.cities.zone_premium[kC] == Approx(0.0).margin(1e-15));
  CHECK(out.zone_active[kC] == 0);
  // B's own financial level 0.8 * 0.25 * 0.4 = 0.08 is below the floor: the floor wins.
  CHECK(lvl(s, kB, Instrument::financial) == Approx(0.5));
  CHECK(lvl(s, kB, Instrument::information) == Approx(0.4));  // above the 0.3 floor
  CHECK(s.cities.zone_premium[kB] == Approx((0.0 + 0.1 + 0.02 + 0.08) / 4.0));
  CHECK(lvl(s, kA, Instrument::financial) == Approx(0.8));
  CHECK(s.cities.zone_premium[kA] == Approx(((0.8 - 0.5) + (1.0 - 0.3) + 0.25 + 0.6) / 4.0));
}

TEST_CASE("zone policy: zones whose four strengths are zero keep their status but no instrument level", "[model][rules]") {
  // Status-only zones: approved (status, tax rules, relocation target) with every level 0.
  const auto loaded = rule_scenario({"zones.financial.strength=0", "zones.information.strength=0",
                                     "zones.administration.strength=0", "zones.enforcement.strength=0"});
  const World w = build_world(loaded.scenario, 7);
  CHECK(w.leader_city == static_cast<int>(kA));
  MonthOutputs out;
  const State s = at_step(w, 30, out);
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(out.zone_active[c] == (c == kA || c == kB ? 1 : 0));
    CHECK(s.cities.zone_premium[c] == 0.0);
    for (int k = 0; k < kInstrumentCount; ++k) CHECK(lvl(s, c, static_cast<Instrument>(k)) == 0.0);
  }
}
