#pragma once
// Scenario files for the compare tests: a five-city scenario (two zones) and variants that
// differ only in zone settings (so they share its counterfactual) or in something else.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/compare/compare.hpp"
#include "tests/support/five_cities.hpp"
#include "tests/support/test_support.hpp"

namespace pzsim::testing {

// Writes a.yaml (zones A 2015-01, B 2015-06), instruments.yaml (one instrument), rule.yaml
// (inland_first rule), one.yaml (zone A only), firms.yaml (more firms: another counterfactual).
inline void write_compare_scenarios(const ScratchDir& dir) {
  dir.write("a.yaml", five_city_scenario("compare test scenario", 24, 1200, 1200));
  dir.write("instruments.yaml", R"(extends: a.yaml
description: "one instrument"
zones: {information: {strength: 0}, administration: {strength: 0}, enforcement: {strength: 0.5, ramp_months: 3}}
)");
  dir.write("rule.yaml", R"(extends: a.yaml
description: "inland first"
zones: {selection: inland_first, list: [], top_k: 2, rule_start: 2014-06, rule_batch_size: 1, rule_interval_months: 6}
)");
  dir.write("one.yaml", R"(extends: a.yaml
description: "one batch"
zones: {list: [{city: A, approval: 2015-01}]}
)");
  dir.write("firms.yaml", R"(extends: a.yaml
description: "more firms"
firms: {count: 1300}
)");
}

// A request comparing the named scenario files of dir (see write_compare_scenarios) over
// seeds, on 2 threads.
inline CompareRequest compare_request(const ScratchDir& dir, const std::vector<std::string>& files,
                                      std::vector<std::uint64_t> seeds) {
  CompareRequest request;
  for (const auto& file : files) request.scenario_paths.push_back((dir.path() / file).string());
  request.seeds = std::move(seeds);
  request.threads = 2;
  return request;
}

}  // namespace pzsim::testing
