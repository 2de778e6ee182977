// The rule tests' scenario (rule_fixtures.hpp) sets every parameter itself: each key of the
// resolved scenario is written in the fixture's text, so no rule test's arithmetic rests on
// a built-in default, and changing a default (e.g. after a calibration) breaks none of them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rule_fixtures.hpp"
#include "sim/scenario/yaml_tree.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

// Key paths present in `resolved` but not in `written`. Maps are compared key by key;
// sequences of the same length element by element (lists of cities, destinations, ...).
void missing_keys(const yaml::Node& resolved, const yaml::Node& written, const std::string& path,
                  std::vector<std::string>& missing) {
  if (resolved.kind == yaml::Node::Kind::map) {
    for (const auto& [key, child] : resolved.map) {
      const std::string child_path = path.empty() ? key : path + "." + key;
      const yaml::Node* given = written.find(key);
      if (given == nullptr)
        missing.push_back(child_path);
      else
        missing_keys(child, *given, child_path, missing);
    }
  } else if (resolved.kind == yaml::Node::Kind::sequence && written.kind == yaml::Node::Kind::sequence &&
             resolved.sequence.size() == written.sequence.size()) {
    for (std::size_t i = 0; i < resolved.sequence.size(); ++i)
      missing_keys(resolved.sequence[i], written.sequence[i], path + "[" + std::to_string(i) + "]", missing);
  }
}

}  // namespace

TEST_CASE("rule fixture: the scenario text sets every key of the resolved scenario, so no default is used", "[model][rules]") {
  const std::string text = rule_scenario_text();
  const yaml::Node written = yaml::load_string(text, "rule_fixture.yaml");
  const yaml::Node resolved = yaml::load_string(load_scenario_text(text, "rule_fixture.yaml").resolved_yaml, "resolved");
  std::vector<std::string> missing;
  missing_keys(resolved, written, "", missing);
  std::string list;
  for (const auto& key : missing) list += key + "\n";
  INFO("keys the fixture leaves to their defaults (write them into rule_scenario_text):\n" << list);
  CHECK(missing.empty());
  // The walk reaches the leaves: the firms section alone has dozens of parameters.
  REQUIRE(resolved.find("firms") != nullptr);
  CHECK(resolved.find("firms")->map.size() > 30);
}
