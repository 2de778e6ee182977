#include "sim/calibrate/evaluate.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "sim/compare/counterfactual.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/evidence/measure.hpp"
#include "sim/io/run_reader.hpp"
#include "sim/run/run.hpp"

namespace pzsim::calibrate {

namespace {

// Expands '*' segments over the lists of `tree`; a path that leaves the tree is kept as
// written (the scenario validator then names the unknown key).
void expand(const yaml::Node* node, const std::vector<std::string>& parts, std::size_t at, const std::string& prefix,
            std::vector<std::string>& out) {
  if (at == parts.size()) {
    out.push_back(prefix);
    return;
  }
  const std::string join = prefix.empty() ? "" : prefix + ".";
  if (parts[at] == "*") {
    if (node == nullptr || node->kind != yaml::Node::Kind::sequence) {
      out.push_back(join + "*");  // reported as not a list below
      return;
    }
    for (std::size_t i = 0; i < node->sequence.size(); ++i)
      expand(&node->sequence[i], parts, at + 1, join + std::to_string(i), out);
    return;
  }
  const yaml::Node* next = nullptr;
  if (node != nullptr && node->kind == yaml::Node::Kind::map) next = node->find(parts[at]);
  if (node != nullptr && node->kind == yaml::Node::Kind::sequence && !parts[at].empty() &&
      parts[at].find_first_not_of("0123456789") == std::string::npos) {
    const std::size_t i = std::stoul(parts[at]);
    if (i < node->sequence.size()) next = &node->sequence[i];
  }
  expand(next, parts, at + 1, join + parts[at], out);
}

const yaml::Node* find_path(const yaml::Node& root, const std::string& key) {
  const yaml::Node* node = &root;
  for (const auto& part : split(key, '.')) {
    if (node->kind == yaml::Node::Kind::map) {
      node = node->find(part);
    } else if (node->kind == yaml::Node::Kind::sequence && part.find_first_not_of("0123456789") == std::string::npos) {
      const std::size_t i = std::stoul(part);
      node = i < node->sequence.size() ? &node->sequence[i] : nullptr;
    } else {
      node = nullptr;
    }
    if (node == nullptr) return nullptr;
  }
  return node;
}

}  // namespace

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return parts;
}

double objective_of(const Calibration& cal, const std::vector<double>& mean) {
  double j = 0.0;
  for (std::size_t k = 0; k < cal.moments.size(); ++k) {
    const Moment& m = cal.moments[k];
    if (!m.in_sample) continue;
    const double d = m.deviation(mean[k]);
    j += m.weight * d * d;
  }
  return j;
}

void summarise(const Calibration& cal, MomentValues& values) {
  values.mean.assign(values.per_seed.size(), 0.0);
  for (std::size_t k = 0; k < values.per_seed.size(); ++k) {
    double sum = 0.0;
    for (double v : values.per_seed[k]) sum += v;  // in seed order: the same sum whatever the schedule
    values.mean[k] = sum / static_cast<double>(values.per_seed[k].size());
  }
  values.objective = objective_of(cal, values.mean);
}

Evaluator::Evaluator(const Calibration& cal, std::filesystem::path work_dir, int threads, const std::atomic<bool>* cancel)
    : cal_(cal), work_dir_(std::move(work_dir)), threads_(threads), cancel_(cancel) {
  base_ = load_scenario(cal.scenario, cal.set);
  const yaml::Node tree = yaml::load_string(base_.resolved_yaml, "resolved base scenario");
  for (std::size_t j = 0; j < cal.parameters.size(); ++j) {
    const Parameter& p = cal.parameters[j];
    const std::string where = yaml::to_string(p.pos) + ": parameters." + std::to_string(j) + ".key";
    std::vector<std::string> keys;
    expand(&tree, split(p.key, '.'), 0, "", keys);
    for (const auto& k : keys)
      if (k.find('*') != std::string::npos) throw InputError(where + ": '*' in " + p.key + " does not stand for a list of the scenario");
    if (keys.empty()) throw InputError(where + ": " + p.key + " matches no key (an empty list?)");
    double value = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const yaml::Node* node = find_path(tree, keys[i]);
      double v = std::numeric_limits<double>::quiet_NaN();
      if (node != nullptr && node->kind == yaml::Node::Kind::scalar) {
        char* end = nullptr;
        v = std::strtod(node->scalar.c_str(), &end);
        if (end != node->scalar.c_str() + node->scalar.size()) v = std::numeric_limits<double>::quiet_NaN();
      }
      if (i == 0) value = v;
      else if (!(v == value)) value = std::numeric_limits<double>::quiet_NaN();
    }
    keys_.push_back(keys);
    base_values_.push_back(value);
    // The scenario must take the bounds and a value between them (a whole-number key would
    // refuse the midpoint): every point of the search is then a valid scenario.
    for (double x : {p.lower, p.upper, 0.5 * (p.lower + p.upper)}) {
      std::vector<std::string> set;
      for (const auto& k : keys) set.push_back(k + "=" + text::exact_text(x));
      try {
        (void)load_scenario_text(base_.resolved_yaml, "resolved base scenario", set);
      } catch (const InputError& e) {
        throw InputError(where + ": " + p.key + " = " + text::exact_text(x) + " is not a valid scenario value: " + e.what());
      }
    }
  }
}

std::vector<std::string> Evaluator::assignments(const std::vector<double>& x) const {
  std::vector<std::string> set;
  for (std::size_t j = 0; j < keys_.size(); ++j)
    for (const auto& k : keys_[j]) set.push_back(k + "=" + text::exact_text(x[j]));
  return set;
}

LoadedScenario Evaluator::scenario_at(const std::optional<std::vector<double>>& x) const {
  if (!x) return base_;
  LoadedScenario loaded = load_scenario_text(base_.resolved_yaml, "calibration point", assignments(*x));
  loaded.path = base_.path;
  return loaded;
}

MomentValues Evaluator::evaluate(const std::optional<std::vector<double>>& x) const { return evaluate(x, cal_.seeds); }

MomentValues Evaluator::evaluate(const std::optional<std::vector<double>>& x, const std::vector<std::uint64_t>& seeds) const {
  const auto start = std::chrono::steady_clock::now();
  const LoadedScenario loaded = scenario_at(x);
  const auto policy = std::make_shared<const Scenario>(loaded.scenario);
  std::shared_ptr<const Scenario> counterfactual;
  std::string counterfactual_yaml;
  if (cal_.needs_counterfactual()) {
    counterfactual = std::make_shared<const Scenario>(counterfactual_of(loaded.scenario));
    counterfactual_yaml = emit_yaml(*counterfactual);
  }
  const std::vector<std::string> overrides = x ? assignments(*x) : std::vector<std::string>{};
  std::filesystem::create_directories(work_dir_);
  std::vector<RunRequest> requests;
  for (const auto seed : seeds) {
    RunRequest r;
    r.scenario = policy;
    r.scenario_yaml = loaded.resolved_yaml;
    r.scenario_path = loaded.path;
    r.overrides = overrides;
    r.seed = seed;
    r.role = "policy";
    r.label = "calibration s" + std::to_string(seed);
    r.output = work_dir_ / ("policy-s" + std::to_string(seed) + ".h5");
    r.force = true;
    r.keep_series = false;  // the moments are measured from the files
    requests.push_back(r);
    if (counterfactual) {
      r.scenario = counterfactual;
      r.scenario_yaml = counterfactual_yaml;
      r.role = "counterfactual";
      r.output = work_dir_ / ("counterfactual-s" + std::to_string(seed) + ".h5");
      requests.push_back(r);
    }
  }
  std::vector<RunResult> results;
  try {
    results = execute_runs(requests, threads_, cancel_);
  } catch (...) {
    // Cancelled or failed: remove the runs that did complete (the others leave no file).
    std::error_code ec;
    for (const auto& r : requests) std::filesystem::remove(*r.output, ec);
    throw;
  }

  std::vector<evidence::SeedRuns> runs;
  const std::size_t per_seed = counterfactual ? 2 : 1;
  for (std::size_t s = 0; s < seeds.size(); ++s) {
    evidence::SeedRuns r;
    r.policy = std::make_shared<const RunFile>(*results[s * per_seed].file);
    if (counterfactual) r.counterfactual = std::make_shared<const RunFile>(*results[s * per_seed + 1].file);
    runs.push_back(std::move(r));
  }
  evidence::TargetsFile rows;
  rows.path = cal_.targets;
  for (const auto& m : cal_.moments) rows.rows.push_back(m.row);
  const evidence::EvidenceReport report = evidence::measure(rows, runs);
  runs.clear();  // close the files before removing them
  for (const auto& r : results) std::filesystem::remove(*r.file);

  MomentValues values;
  for (std::size_t k = 0; k < cal_.moments.size(); ++k) {
    const auto& row = report.rows[k];
    if (row.status != evidence::RowStatus::measured)
      throw InputError(yaml::to_string(cal_.moments[k].pos) + ": moment '" + cal_.moments[k].id + "' cannot be measured (" +
                       evidence::status_name(row.status) + "): " + row.message);
    values.per_seed.push_back(row.per_seed);
  }
  summarise(cal_, values);
  values.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return values;
}

}  // namespace pzsim::calibrate
