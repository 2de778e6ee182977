// Pairing policy and counterfactual runs for `pzsim did`.
#include "sim/estimators/run_pairs.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "sim/core/error.hpp"
#include "sim/io/run_reader.hpp"

namespace pzsim::did {

RunPairs pairs_from_compare_folder(const std::filesystem::path& folder, const std::string& scenario) {
  const std::filesystem::path json = folder / "comparison.json";
  if (!std::filesystem::is_directory(folder)) throw InputError(folder.string() + " is not a folder");
  if (!std::filesystem::is_regular_file(json))
    throw InputError(folder.string() + " has no comparison.json (is it a `pzsim compare -o DIR` folder?)");
  // JSON is YAML 1.2 flow syntax, so yaml-cpp reads it.
  YAML::Node root;
  try {
    root = YAML::LoadFile(json.string());
  } catch (const YAML::Exception& e) {
    throw InputError(json.string() + ": not valid JSON: " + e.what());
  }
  const YAML::Node scenarios = root["scenarios"], runs = root["runs"];
  if (!scenarios.IsSequence() || scenarios.size() == 0 || !runs.IsSequence())
    throw InputError(json.string() + ": no \"scenarios\" or \"runs\" list");
  RunPairs out;
  std::string counterfactual_label;
  std::vector<std::string> names;
  for (const YAML::Node& s : scenarios) {
    const std::string name = s["name"].as<std::string>("");
    names.push_back(name);
    if ((scenario.empty() && out.scenario.empty()) || name == scenario) {
      out.scenario = name;
      counterfactual_label = s["counterfactual"].as<std::string>("");
    }
  }
  if (out.scenario.empty()) {
    std::string listed;
    for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
    throw InputError(json.string() + " has no scenario '" + scenario + "' (it has: " + listed + ")");
  }
  struct Run {
    std::string scenario, label, role, file;
    std::uint64_t seed;
  };
  // A string field, "" when absent or null.
  auto text = [](const YAML::Node& node) { return node && node.IsScalar() ? node.as<std::string>() : std::string(); };
  std::vector<Run> listed;
  for (const YAML::Node& r : runs) {
    Run run{text(r["scenario"]), text(r["label"]), text(r["role"]), text(r["file"]), r["seed"].as<std::uint64_t>(0)};
    // Older folders name no label: the file stem is "<label>-s<seed>".
    if (run.label.empty() && !run.file.empty()) {
      const std::string stem = std::filesystem::path(run.file).stem().string(), suffix = "-s" + std::to_string(run.seed);
      if (stem.size() > suffix.size() && stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0)
        run.label = stem.substr(0, stem.size() - suffix.size());
    }
    listed.push_back(std::move(run));
  }
  for (const Run& policy : listed) {
    if (policy.role != "policy" || policy.scenario != out.scenario) continue;
    // The counterfactual of this scenario and seed: by its label when comparison.json names
    // it, else the only counterfactual run of that seed.
    std::vector<const Run*> matches;
    for (const Run& r : listed)
      if (r.role == "counterfactual" && r.seed == policy.seed && (counterfactual_label.empty() || r.label == counterfactual_label))
        matches.push_back(&r);
    if (matches.size() != 1)
      throw InputError(json.string() + ": " + (matches.empty() ? "no" : "more than one") + " counterfactual run for " +
                       out.scenario + " seed " + std::to_string(policy.seed));
    if (policy.file.empty() || matches.front()->file.empty())
      throw InputError(json.string() + ": the runs of " + out.scenario + " seed " + std::to_string(policy.seed) +
                       " were not kept (no file); `pzsim did` needs the run files of `pzsim compare -o DIR`");
    out.pairs.push_back({policy.seed, folder / policy.file, folder / matches.front()->file});
  }
  if (out.pairs.empty()) throw InputError(json.string() + " lists no policy run of " + out.scenario);
  std::sort(out.pairs.begin(), out.pairs.end(), [](const RunPair& a, const RunPair& b) { return a.seed < b.seed; });
  return out;
}

RunPairs pairs_from_files(const std::vector<std::filesystem::path>& policy,
                          const std::vector<std::filesystem::path>& counterfactual) {
  if (policy.empty()) throw InputError("no policy run file given");
  if (policy.size() != counterfactual.size())
    throw InputError(std::to_string(policy.size()) + " policy file(s) but " + std::to_string(counterfactual.size()) +
                     " counterfactual file(s) (--counterfactual): they are paired by position");
  RunPairs out;
  for (std::size_t k = 0; k < policy.size(); ++k) {
    const RunFile p(policy[k]), c(counterfactual[k]);
    if (p.seed() != c.seed())
      throw InputError(policy[k].string() + " has seed " + std::to_string(p.seed()) + " but its counterfactual " +
                       counterfactual[k].string() + " has seed " + std::to_string(c.seed()));
    if (k == 0)
      out.scenario = p.has_attribute("scenario_path") ? std::filesystem::path(p.attribute("scenario_path")).stem().string()
                                                      : policy[k].stem().string();
    out.pairs.push_back({p.seed(), policy[k], counterfactual[k]});
  }
  return out;
}

RunPairs resolve_run_pairs(const std::vector<std::filesystem::path>& inputs,
                           const std::vector<std::filesystem::path>& counterfactuals, const std::string& scenario) {
  if (!counterfactuals.empty()) {
    if (!scenario.empty()) throw InputError("--scenario only applies to a compare folder");
    return pairs_from_files(inputs, counterfactuals);
  }
  if (inputs.size() == 1 && std::filesystem::is_directory(inputs.front())) return pairs_from_compare_folder(inputs.front(), scenario);
  throw InputError("give one `pzsim compare -o DIR` folder, or policy run files with --counterfactual files");
}

}  // namespace pzsim::did
