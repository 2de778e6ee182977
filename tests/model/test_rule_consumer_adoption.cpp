// consumer_adoption.cpp: P(unaware -> aware) = min(1, (innovation + imitation * A_last) (1 + O));
// the aware share A is weighted by the people each agent stands for.
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

// us: weights 1, 2, 3, 4 with the first two aware (weighted share 0.3, unweighted 0.5);
// eu: two unaware agents of weight 5.
void two_destinations(State& s) {
  set_consumers(s, {{{1, true}, {2, true}, {3, false}, {4, false}}, {{5, false}, {5, false}}});
}

}  // namespace

TEST_CASE("consumer adoption: with innovation 1 every consumer becomes aware", "[model][rules]") {
  const auto loaded = rule_scenario({"consumers.innovation=1", "consumers.imitation=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  two_destinations(s);
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  adopt_awareness(w, s, out);
  for (auto a : s.consumers.adopted) CHECK(a == 1);
  CHECK(s.aware_share[0] == 1.0);
  CHECK(s.aware_share[1] == 1.0);
  CHECK(out.consumers_adopted[0] == Approx(10.0));
  CHECK(out.consumers_adopted[1] == Approx(10.0));
}

TEST_CASE("consumer adoption: with no innovation and no imitation nobody learns, and the share is weighted", "[model][rules]") {
  const auto loaded = rule_scenario({"consumers.innovation=0", "consumers.imitation=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  two_destinations(s);
  s.aware_share = {0.9, 0.9};  // last month's share does not matter without imitation
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  adopt_awareness(w, s, out);
  CHECK(s.consumers.adopted == std::vector<std::uint8_t>{1, 1, 0, 0, 0, 0});
  CHECK(s.aware_share[0] == Approx(0.3));
  CHECK(s.aware_share[1] == 0.0);
  CHECK(out.consumers_adopted[0] == Approx(3.0));
  CHECK(out.consumers_adopted[1] == 0.0);
}

TEST_CASE("consumer adoption: imitation uses last month's aware share and the campaign multiplies by 1 + O", "[model][rules]") {
  // us: A_last = 0.5, imitation 1, campaign 1: P = 0.5 * 2 = 1. eu: A_last = 0: P = 0.
  const auto loaded = rule_scenario({"consumers.innovation=0", "consumers.imitation=1"},
                                    "[{kind: onboarding_campaign, start: 2015-01, end: 2015-12, value: 1.0}]");
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  two_destinations(s);
  s.aware_share = {0.5, 0.0};
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  adopt_awareness(w, s, out);
  CHECK(s.consumers.adopted == std::vector<std::uint8_t>{1, 1, 1, 1, 0, 0});
  CHECK(s.aware_share[0] == 1.0);
  CHECK(s.aware_share[1] == 0.0);
}

TEST_CASE("consumer adoption: the share of newly aware consumers matches the probability", "[model][rules]") {
  // 20,000 unaware agents, P = 0.1: tolerance 0.01 (the standard error is 0.0021).
  const auto loaded = rule_scenario({"consumers.innovation=0.1", "consumers.imitation=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  set_consumers(s, {std::vector<Agent>(20000, Agent{2.0, false}), {}});
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  adopt_awareness(w, s, out);
  INFO("aware share " << s.aware_share[0]);
  CHECK(std::abs(s.aware_share[0] - 0.1) < 0.01);
  CHECK(out.consumers_adopted[0] == Approx(2.0 * 20000 * s.aware_share[0]));
  CHECK(s.aware_share[1] == 0.0);  // no agents: share 0
}
