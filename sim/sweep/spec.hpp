#pragma once
// The sweep description (SWEEP.yaml, or the same from `pzsim sweep SCENARIO --grid ...`
// flags): base scenario, fixed overrides, design, seeds, counterfactuals, what to collect.
// Validated like scenarios: every problem is an InputError "file:line:col: key.path: what;
// expected ...", unknown keys with a did-you-mean hint.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/sweep/design.hpp"

namespace pzsim {

struct SweepSpec {
  std::string source;                  // the sweep file as named, or "<command line>"
  std::string description;             // free text
  std::filesystem::path scenario;      // base scenario (relative to the sweep file's folder when read from a file)
  std::vector<std::string> overrides;  // fixed overrides "key.path=value", applied before the factors
  Design design;
  std::vector<std::uint64_t> seeds;    // replications; every point runs every seed (common random numbers)
  bool counterfactual = false;         // also run each point's counterfactual (its zones removed)
  std::vector<std::string> variables;  // result-file variables to collect into sweep.h5
  std::vector<std::string> aggregate;  // nation, zone, other (any of them, in this order) or city (no aggregation)
};

// The collected variables when a sweep names none.
const std::vector<std::string>& default_collect_variables();

// Reads and validates a sweep file (structure, keys, designs, seeds, variables); the
// factor values are checked against the scenario later, when the plan loads each point.
SweepSpec load_sweep_file(const std::filesystem::path& path);
// The same from text (tests); the base scenario path is taken relative to `folder`.
SweepSpec load_sweep_text(const std::string& text, const std::string& display_name, const std::filesystem::path& folder);

// The flag form: `--grid key=v1,v2,...` (repeatable), `--seeds 1-3`.
struct SweepFlags {
  std::string scenario;
  std::vector<std::string> grid;       // key=v1,v2,...
  std::vector<std::string> overrides;  // --set
  std::string seeds = "1";
  bool counterfactual = false;
  std::vector<std::string> variables;  // --collect
  std::vector<std::string> aggregate;  // --aggregate
};
SweepSpec sweep_from_flags(const SweepFlags& flags);

// The resolved description as YAML (written to DIR/sweep.yaml; loads back to the same spec,
// with the scenario as an absolute path).
std::string emit_sweep_yaml(const SweepSpec& spec);

}  // namespace pzsim
