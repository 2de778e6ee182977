#pragma once
// Scenario loading: YAML file (with `extends` and --set overrides) -> validated Scenario.
// Every problem is an InputError whose message starts `file:line:column: key.path: ...`.
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim {

struct LoadedScenario {
  Scenario scenario;          // validated, with every drawn city attribute filled in
  std::string resolved_yaml;  // the fully resolved scenario; re-parses to the same struct
  std::string path;           // the file as the user named it
};

// Loads, merges `extends` chains, applies overrides ("a.b.c=value"), parses and validates.
// `cancel` (may be null) is checked throughout: RunCancelled when it is set.
LoadedScenario load_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides = {},
                             const std::atomic<bool>* cancel = nullptr);

// Parses and validates scenario text (tests, sweeps that build scenarios in memory).
LoadedScenario load_scenario_text(const std::string& text, const std::string& display_name,
                                  const std::vector<std::string>& overrides = {});

// A scenario file read once (with its `extends` chain) and resolved with many sets of
// overrides (sweeps): resolve(o) gives what load_scenario(path, o) gives, without reading
// and parsing the files again. resolve is safe to call from several threads.
class ScenarioSource {
 public:
  explicit ScenarioSource(const std::filesystem::path& path);
  LoadedScenario resolve(const std::vector<std::string>& overrides) const;

 private:
  std::string path_;
  yaml::Node root_;
};

// The resolved scenario as YAML text.
std::string emit_yaml(const Scenario& scenario);

// The schema reference (every key, type, default, unit, range, meaning) as Markdown.
std::string schema_markdown();

// Index of a city by name, or -1.
int find_city(const Scenario& scenario, std::string_view name);

}  // namespace pzsim
