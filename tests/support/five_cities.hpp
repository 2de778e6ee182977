#pragma once
// The five-city scenario the model, io, run and compare tests share: cities A (coastal, a zone
// from 2015-01) and B (inland, a zone from 2015-06) plus three synthetic cities, from 2014-01
// with six burn-in months, seed 3, sample fraction 0.002 and 100 import shoppers a city. The
// tests choose its length and agent counts (smaller is faster).
#include <string>
#include <string_view>

namespace pzsim::testing {

inline std::string five_city_scenario(std::string_view description, int months, int firms,
                                      int consumers_per_destination) {
  return "description: \"" + std::string(description) + "\"\n" +
         "run: {start: 2014-01, months: " + std::to_string(months) + ", seed: 3, burn_in_months: 6}\n" +
         "scale: {sample_fraction: 0.002}\n" +
         "firms: {count: " + std::to_string(firms) + "}\n" +
         "consumers: {agents_per_destination: " + std::to_string(consumers_per_destination) + "}\n" +
         R"(import_side: {agents_per_city: 100}
cities:
  list:
    - {name: A, province: P, region: east, coastal: true}
    - {name: B, province: Q, region: central, coastal: false}
  synthetic: {count: 3}
zones:
  selection: list
  list: [{city: A, approval: 2015-01}, {city: B, approval: 2015-06}]
)";
}

}  // namespace pzsim::testing
