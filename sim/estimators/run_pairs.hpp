#pragma once
// Which policy run goes with which counterfactual run for `pzsim did`: from a
// `pzsim compare -o DIR` folder (comparison.json, contract 1) or from two file lists.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pzsim::did {

struct RunPair {
  std::uint64_t seed = 0;
  std::filesystem::path policy;
  std::filesystem::path counterfactual;
};

struct RunPairs {
  std::string scenario;  // the policy scenario's name (file stem)
  std::vector<RunPair> pairs;
};

// From DIR/comparison.json: every policy run of `scenario` (the first scenario listed when
// empty) with the counterfactual run of the same seed. InputError if the folder, the file, the
// scenario or a counterfactual is missing.
RunPairs pairs_from_compare_folder(const std::filesystem::path& folder, const std::string& scenario);

// Policy and counterfactual files paired by position; their seeds (root attribute) must agree.
RunPairs pairs_from_files(const std::vector<std::filesystem::path>& policy,
                          const std::vector<std::filesystem::path>& counterfactual);

// The command line's inputs: one compare folder without counterfactual files, else policy
// files paired with the counterfactual files.
RunPairs resolve_run_pairs(const std::vector<std::filesystem::path>& inputs,
                           const std::vector<std::filesystem::path>& counterfactuals, const std::string& scenario);

}  // namespace pzsim::did
