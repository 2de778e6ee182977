#include "sim/compare/counterfactual.hpp"

#include <cstdint>
#include <cstdio>
#include <map>

#include "sim/model/world.hpp"
#include "sim/scenario/load.hpp"

namespace pzsim {

Scenario counterfactual_of(const Scenario& scenario) {
  Scenario cf = scenario;
  const ZonesConfig defaults;
  ZonesConfig& z = cf.zones;
  z.selection = ZoneSelection::none;
  z.list.clear();
  z.top_k = defaults.top_k;
  z.rule_start = defaults.rule_start;
  z.rule_batch_size = defaults.rule_batch_size;
  z.rule_interval_months = defaults.rule_interval_months;
  z.instruments = defaults.instruments;
  z.initial_effectiveness = defaults.initial_effectiveness;
  z.learning_months = defaults.learning_months;
  z.fiscal.tax_rules = defaults.fiscal.tax_rules;  // acts only in zone cities (accounting.cpp)
  cf.description = "counterfactual: no zones";
  return cf;
}

std::string canonical_text(const Scenario& scenario) {
  Scenario s = scenario;
  s.run.seed = 0;
  return emit_yaml(s);
}

std::string hash16(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string hash8(const std::string& text) { return hash16(text).substr(0, 8); }

std::vector<std::pair<Month, std::vector<int>>> zone_batches(const Scenario& scenario) {
  const Clock clock{scenario.run.start, scenario.run.months};
  std::map<int, std::vector<int>> by_month;
  for (const auto& [city, approval] : select_zones(scenario))
    if (clock.step_of(approval) < clock.months) by_month[approval.index].push_back(city);
  std::vector<std::pair<Month, std::vector<int>>> batches;
  for (auto& [index, cities] : by_month) batches.emplace_back(Month{index}, std::move(cities));
  return batches;
}

Scenario without_batch(const Scenario& scenario, Month batch) {
  Scenario s = scenario;
  std::vector<ZoneEntry> kept;
  for (const auto& [city, approval] : select_zones(scenario))
    if (approval != batch) kept.push_back({scenario.cities.list[static_cast<std::size_t>(city)].name, approval});
  s.zones.selection = ZoneSelection::list;
  s.zones.list = std::move(kept);
  return s;
}

}  // namespace pzsim
