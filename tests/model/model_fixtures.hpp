#pragma once
// Small scenarios and run helpers shared by the model tests.
#include <oneapi/tbb/task_arena.h>

#include <cstring>
#include <string>
#include <vector>

#include "sim/model/simulation.hpp"
#include "sim/scenario/load.hpp"
#include "tests/support/five_cities.hpp"

namespace pzsim::testing {

// Five cities (two zones, approved 2015-01 and 2015-06), three years: runs in well under a
// second.
inline LoadedScenario small_scenario(const std::vector<std::string>& overrides = {}) {
  return load_scenario_text(five_city_scenario("model test scenario", 36, 1500, 1500), "small.yaml", overrides);
}

// Runs a scenario and keeps every month's outputs.
inline std::vector<MonthOutputs> run_months(const Scenario& scenario, std::uint64_t seed, int threads = 0) {
  std::vector<MonthOutputs> months;
  auto body = [&] {
    run_simulation(scenario, seed, [&](const World&, const State&, const MonthOutputs& out) { months.push_back(out); });
  };
  if (threads > 0) {
    oneapi::tbb::task_arena arena(threads);
    arena.execute(body);
  } else {
    body();
  }
  return months;
}

// True when every output variable of every month is bit-identical.
inline bool identical(const std::vector<MonthOutputs>& a, const std::vector<MonthOutputs>& b, std::string* first_difference = nullptr) {
  if (a.size() != b.size()) return false;
  for (std::size_t t = 0; t < a.size(); ++t) {
    for (const auto& v : output_catalog()) {
      bool same = true;
      switch (v.type) {
        case OutputType::f64: {
          auto x = v.f64(a[t]), y = v.f64(b[t]);
          same = x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size_bytes()) == 0;
          break;
        }
        case OutputType::i64: {
          auto x = v.i64(a[t]), y = v.i64(b[t]);
          same = x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size_bytes()) == 0;
          break;
        }
        case OutputType::u8: {
          auto x = v.u8(a[t]), y = v.u8(b[t]);
          same = x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size_bytes()) == 0;
          break;
        }
      }
      if (!same) {
        if (first_difference) *first_difference = v.name + " in month " + std::to_string(t);
        return false;
      }
    }
  }
  return true;
}

inline double total(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}

// CBEC exports of one city in a month.
inline double cbec_exports(const World& w, const MonthOutputs& out, std::size_t city) {
  double s = 0.0;
  for (int sec = 0; sec < w.sectors; ++sec)
    s += out.exports_usd[(city * static_cast<std::size_t>(w.sectors) + static_cast<std::size_t>(sec)) * kChannels + kCbec];
  return s;
}

}  // namespace pzsim::testing
