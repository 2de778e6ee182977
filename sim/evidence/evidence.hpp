#pragma once
// `pzsim evidence`: the model's value of every row of the evidence targets file, over the
// given runs (seeds), against its published target and tolerance.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "sim/evidence/measure.hpp"

namespace pzsim::evidence {

enum class Format { table, csv, json };

struct EvidenceOptions {
  // Policy run files (one per seed), or one `pzsim compare -o DIR` folder.
  std::vector<std::filesystem::path> inputs;
  std::vector<std::filesystem::path> counterfactuals;  // paired with inputs by seed
  std::filesystem::path targets;                       // the targets file (analysis/evidence.yaml)
  std::string scenario;  // compare folder with several scenarios: which one ("" = the first)
  Format format = Format::table;
};

// Resolves the inputs into seeds: policy files with their counterfactuals (by seed, or by
// position when seeds repeat), or a compare folder's comparison.json runs. InputError for a
// missing file, a seed without its counterfactual, a folder without comparison.json.
std::vector<SeedRuns> resolve_runs(const EvidenceOptions& options);

// Measures and writes the report; returns the process exit code (0: the report was made,
// whether or not rows fall within their targets). Throws InputError on bad input.
int run_evidence(const EvidenceOptions& options, std::ostream& out);

void write_table(const EvidenceReport& report, std::ostream& out);  // Markdown
void write_csv(const EvidenceReport& report, std::ostream& out);
void write_json(const EvidenceReport& report, std::ostream& out);

}  // namespace pzsim::evidence
