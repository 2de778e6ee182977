// import_shopping.cpp: P(adopt) = min(1, (innovation + imitation * Ad_last) (1 + boost * bonded)),
// bonded = import pilot or zone; an adopter from before this month buys with probability
// shopping_rate and spends weight * basket (70 USD).
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

std::vector<std::string> half_or_all() {
  // Non-bonded: P = 0.5; bonded: P = 0.5 * (1 + 1) = 1.
  return {"import_side.innovation=0.5", "import_side.imitation=0", "import_side.pilot_adoption_boost=1",
          "import_side.shopping_rate=1"};
}

double adopted_weight(const State& s, std::size_t city) {
  double x = 0.0;
  for (std::size_t a = s.shoppers.begin[city]; a < s.shoppers.begin[city + 1]; ++a) x += s.shoppers.adopted[a] * s.shoppers.weight[a];
  return x;
}

}  // namespace

TEST_CASE("import shopping: bonded imports in a zone city raise the adoption probability", "[model][rules]") {
  // 4,000 shoppers of weight 2 in A (a zone from step 2) and in C (no zone). Tolerance for C's
  // adopted share: 0.035 around 0.5 (the standard error is 0.0079).
  const auto loaded = rule_scenario(half_or_all());
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  const std::vector<Agent> city(4000, Agent{2.0, false});
  set_shoppers(s, {city, {}, city, {}});
  s.step = 5;
  MonthOutputs out = fresh_outputs(w);
  shop_imports(w, s, out);
  CHECK(adopted_weight(s, kA) == Approx(8000.0));
  CHECK(s.adopted_share_import[kA] == 1.0);
  const double share_c = s.adopted_share_import[kC];
  INFO("C adopted share " << share_c);
  CHECK(std::abs(share_c - 0.5) < 0.035);
  CHECK(out.import_shoppers_adopted[kC] == Approx(adopted_weight(s, kC)));
  CHECK(s.adopted_share_import[kB] == 0.0);  // no shoppers
  // New adopters start buying next month.
  CHECK(out.cbec_imports_usd[kA] == 0.0);
  CHECK(out.cbec_imports_usd[kC] == 0.0);
}

TEST_CASE("import shopping: before approval a zone city is not bonded, an import pilot city is", "[model][rules]") {
  const auto loaded = rule_scenario(half_or_all(), "[{kind: import_pilot, start: 2015-01, cities: [C]}]");
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  const std::vector<Agent> city(4000, Agent{1.0, false});
  set_shoppers(s, {city, {}, city, {}});
  s.step = 1;  // A is approved at step 2
  MonthOutputs out = fresh_outputs(w);
  shop_imports(w, s, out);
  CHECK(s.adopted_share_import[kC] == 1.0);
  INFO("A adopted share " << s.adopted_share_import[kA]);
  CHECK(std::abs(s.adopted_share_import[kA] - 0.5) < 0.035);
}

TEST_CASE("import shopping: adopters who buy spend weight times basket, paid to the rest of the world", "[model][rules]") {
  const auto loaded = rule_scenario(half_or_all());
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  // D: five adopters of weights 1..5 and one non-adopter of weight 10 (not bonded: may adopt, cannot buy).
  set_shoppers(s, {{}, {}, {}, {{1, true}, {2, true}, {3, true}, {4, true}, {5, true}, {10, false}}});
  s.step = 5;
  MonthOutputs out = fresh_outputs(w);
  shop_imports(w, s, out);
  CHECK(out.cbec_imports_usd[kD] == Approx(15.0 * 70.0));
  CHECK(flow(out, kHouseholds, kRestOfWorld) == Approx(15.0 * 70.0 * kFx));
  const double adopted = s.shoppers.adopted[5] ? 25.0 : 15.0;
  CHECK(out.import_shoppers_adopted[kD] == Approx(adopted));
  CHECK(s.adopted_share_import[kD] == Approx(adopted / 25.0));
}

TEST_CASE("import shopping: with a zero shopping rate adopters buy nothing", "[model][rules]") {
  const auto loaded = rule_scenario({"import_side.shopping_rate=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 0);
  set_shoppers(s, {{{3, true}, {4, true}}, {}, {}, {}});
  s.step = 5;
  MonthOutputs out = fresh_outputs(w);
  shop_imports(w, s, out);
  CHECK(out.cbec_imports_usd[kA] == 0.0);
  CHECK(s.adopted_share_import[kA] == 1.0);
}
