#pragma once
// Computes each evidence row's model value from run files, one value per seed, and sets it
// against the target's accepted interval.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/evidence/targets.hpp"
#include "sim/io/run_reader.hpp"

namespace pzsim::evidence {

// One seed: its policy run and, if given, the counterfactual run of the same seed.
struct SeedRuns {
  std::shared_ptr<const RunFile> policy;
  std::shared_ptr<const RunFile> counterfactual;  // may be null
};

enum class RowStatus {
  measured,
  not_measurable,        // measurable: false in the targets file
  needs_counterfactual,  // an operand reads the counterfactual run and none was given
  missing_input,         // the run files lack a variable the row reads (another pzsim version), or its data file is absent
  undefined,             // the value is not a number for some seed (e.g. a zero denominator)
};

std::string status_name(RowStatus status);

struct RowResult {
  const EvidenceRow* row = nullptr;
  RowStatus status = RowStatus::measured;
  std::vector<double> per_seed;
  double mean = 0.0, min = 0.0, max = 0.0;
  bool within = false;  // the mean lies in row->accepted()
  std::string computed; // how the value is computed, generated from the row's model
  std::string detail;   // extra facts of the first seed (a top-k list, the worst group)
  std::string message;  // why not measured
};

struct EvidenceReport {
  std::filesystem::path targets;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> policy_files, counterfactual_files;
  std::vector<RowResult> rows;
};

// Every row of `targets` over `runs`. A row the files cannot serve (missing variable, no
// counterfactual) is reported, not thrown; a malformed request against the files (an unknown
// label, a month outside the run, summing a stock) is an InputError naming the row.
EvidenceReport measure(const TargetsFile& targets, const std::vector<SeedRuns>& runs);

// How an operand or a row is computed, in words (also used in the report).
std::string describe(const Operand& operand);
std::string describe(const EvidenceRow& row);

}  // namespace pzsim::evidence
