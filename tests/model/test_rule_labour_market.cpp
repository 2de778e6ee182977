// labour_market.cpp: w <- w (1 + clamp(trend + response * 100 * (u - 0.95), -(1 - 0.96^(1/12)), 0.05)),
// trend = 1.06^(1/12) - 1 (0 in burn-in); A = w u after the update, Abar weighted by LF;
// migration = 0.002 * 0.4 * LF (A / Abar - 1); rural = rural_inflow * 0.4 * LF * u / 0.95;
// LF <- max(E, LF + migration + rural).
#include <catch2/catch.hpp>

#include <cmath>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

// Employment rates: A 1940/2000 = 0.97, B 950/1000 = 0.95, C 500/1000 = 0.5, D 490/500 = 0.98.
State tightness(const World& w) {
  State s = blank_state(w, 0);
  s.cities.other_jobs = {1940, 950, 500, 490};
  return s;
}

const double kTrend = std::pow(1.06, 1.0 / 12.0) - 1.0;

}  // namespace

TEST_CASE("labour market: wages move by the trend plus the tightness response", "[model][rules]") {
  const auto loaded = rule_scenario();  // response 0.001
  const World w = build_world(loaded.scenario, 7);
  State s = tightness(w);
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  clear_labour_markets(w, s, out);
  CHECK(s.cities.wage_cny[kA] == Approx(4000 * (1 + kTrend + 0.1 * 0.02)));
  CHECK(s.cities.wage_cny[kB] == Approx(3000 * (1 + kTrend)));
  // C's slack would cut its wage by 4.5% - trend; it falls only by the monthly bound of
  // wage_fall_max_year (4% a year).
  CHECK(s.cities.wage_cny[kC] == Approx(3500 * std::pow(0.96, 1.0 / 12.0)));
  CHECK(s.cities.wage_cny[kD] == Approx(2500 * (1 + kTrend + 0.1 * 0.03)));
  CHECK(out.wage_cny[kC] == s.cities.wage_cny[kC]);
}

TEST_CASE("labour market: without the fall bound, slack cuts the wage by the tightness response", "[model][rules]") {
  const auto loaded = rule_scenario({"labour.wage_fall_max_year=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = tightness(w);
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  clear_labour_markets(w, s, out);
  CHECK(s.cities.wage_cny[kC] == Approx(3500 * (1 + kTrend - 0.1 * 0.45)));
}

TEST_CASE("labour market: the monthly wage rise is capped at 5 percent and the fall at wage_fall_max_year", "[model][rules]") {
  const auto loaded = rule_scenario({"labour.wage_tightness_response=0.01", "labour.wage_fall_max_year=0.4596399"});
  const World w = build_world(loaded.scenario, 7);
  State s = tightness(w);
  s.cities.other_jobs[kD] = 500;  // employment rate 1: +0.05 + trend, clamped
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  clear_labour_markets(w, s, out);
  CHECK(s.cities.wage_cny[kA] == Approx(4000 * (1 + kTrend + 0.02)));  // inside the band
  CHECK(s.cities.wage_cny[kC] == Approx(3500 * 0.95));  // 1 - 0.95^12 = 0.4596399 a year is 5% a month
  CHECK(s.cities.wage_cny[kD] == Approx(2500 * 1.05));
}

TEST_CASE("labour market: the wage trend is frozen during burn-in", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = tightness(w);
  s.step = -1;
  MonthOutputs out = fresh_outputs(w);
  clear_labour_markets(w, s, out);
  CHECK(s.cities.wage_cny[kB] == 3000.0);  // at the normal rate exactly: no change without trend
  CHECK(s.cities.wage_cny[kA] == Approx(4000 * (1 + 0.1 * 0.02)));
}

TEST_CASE("labour market: migration follows attraction and sums to zero across cities", "[model][rules]") {
  const auto loaded = rule_scenario({"labour.rural_inflow=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = tightness(w);
  s.step = 3;
  const std::vector<double> lf = s.cities.labour_force;  // 2000, 1000, 1000, 500
  const double rate[4] = {0.97, 0.95, 0.5, 0.98};
  MonthOutputs out = fresh_outputs(w);
  clear_labour_markets(w, s, out);
  double weighted = 0.0, total = 0.0;
  for (std::size_t c = 0; c < 4; ++c) {
    weighted += s.cities.wage_cny[c] * rate[c] * lf[c];
    total += lf[c];
  }
  const double mean = weighted / total;
  double change = 0.0;
  for (std::size_t c = 0; c < 4; ++c) {
    INFO("city " << c);
    const double migration = 0.002 * 0.4 * lf[c] * (s.cities.wage_cny[c] * rate[c] / mean - 1.0);
    CHECK(s.cities.labour_force[c] == Approx(lf[c] + migration));
    CHECK(out.labour_force[c] == s.cities.labour_force[c]);
    change += s.cities.labour_force[c] - lf[c];
  }
  CHECK(s.cities.labour_force[kC] < lf[kC]);  // low employment drives workers out
  CHECK(change == Approx(0.0).margin(1e-9));
}

TEST_CASE("labour market: the rural inflow scales with employment over normal, and LF never falls below employment", "[model][rules]") {
  const auto loaded = rule_scenario({"labour.migration_rate=0", "labour.rural_inflow=0.01"});
  const World w = build_world(loaded.scenario, 7);
  State s = tightness(w);
  s.step = 3;
  MonthOutputs out = fresh_outputs(w);
  clear_labour_markets(w, s, out);
  CHECK(s.cities.labour_force[kA] == Approx(2000 + 0.01 * 0.4 * 2000 * 0.97 / 0.95));
  CHECK(s.cities.labour_force[kC] == Approx(1000 + 0.01 * 0.4 * 1000 * 0.5 / 0.95));
  // Out-migration bounded by employment: D fully employed with a strong push out.
  const auto push = rule_scenario({"labour.migration_rate=1", "labour.hukou_friction=0", "labour.rural_inflow=0"});
  const World w2 = build_world(push.scenario, 7);
  State t = tightness(w2);
  t.cities.other_jobs[kC] = 1000;  // C at full employment, D poorer
  t.cities.wage_cny[kD] = 100;
  t.step = 3;
  MonthOutputs out2 = fresh_outputs(w2);
  clear_labour_markets(w2, t, out2);
  CHECK(t.cities.labour_force[kD] == Approx(490.0));
}
