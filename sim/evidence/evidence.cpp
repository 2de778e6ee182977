#include "sim/evidence/evidence.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"

namespace pzsim::evidence {

namespace {

std::string num(double x) { return format_quantity(x); }

using text::csv_field;
using text::json_number;  // full precision for machine-readable output
using text::json_string;

// Markdown table cells: no pipes or line breaks.
std::string cell(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  std::string out;
  for (const char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string accepted_text(const EvidenceRow& row) {
  const auto [lo, hi] = row.accepted();
  if (std::isinf(lo)) return "<= " + num(hi);
  if (std::isinf(hi)) return ">= " + num(lo);
  return "[" + num(lo) + ", " + num(hi) + "]";
}

std::string within_text(const RowResult& r) {
  if (r.status != RowStatus::measured) return "-";
  return std::string(r.within ? "yes" : "no") + (r.row->tuned.empty() ? "" : " (in sample)");
}

std::string model_text(const RowResult& r) {
  if (r.status != RowStatus::measured) return status_name(r.status);
  if (r.per_seed.size() == 1) return num(r.mean);
  return num(r.mean) + " [" + num(r.min) + ", " + num(r.max) + "]";
}

}  // namespace

void write_table(const EvidenceReport& report, std::ostream& out) {
  std::string seeds;
  for (const auto s : report.seeds) seeds += (seeds.empty() ? "" : ", ") + std::to_string(s);
  int measured = 0, within = 0, tuned = 0, tuned_within = 0;
  for (const auto& r : report.rows) {
    measured += r.status == RowStatus::measured;
    within += r.status == RowStatus::measured && r.within;
    tuned += r.status == RowStatus::measured && !r.row->tuned.empty();
    tuned_within += r.status == RowStatus::measured && r.within && !r.row->tuned.empty();
  }
  out << "Evidence: " << report.targets.filename().string() << ", " << report.seeds.size() << " run(s), seeds " << seeds
      << (report.counterfactual_files.empty() ? ", no counterfactual" : ", with counterfactuals") << ". " << within << " of "
      << measured << " measured rows within tolerance; model value = mean over seeds [min, max].";
  if (tuned > 0)
    out << " " << tuned << " measured row(s) are in sample, marked (in sample): parameters were set by hand or estimated (pzsim calibrate) to meet them ("
        << tuned_within << " within); out of sample, " << within - tuned_within << " of " << measured - tuned << " within.";
  out << "\n\n";
  out << "| id | target | unit | period | model | accepted | within | source |\n";
  out << "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& r : report.rows) {
    const EvidenceRow& row = *r.row;
    out << "| " << cell(row.id) << " | " << cell(row.target.text()) << " | " << cell(row.unit) << " | " << cell(row.period)
        << " | " << cell(model_text(r)) << " | " << (row.measurable ? cell(accepted_text(row)) : "-") << " | "
        << within_text(r) << " | " << cell(row.source) << " |\n";
  }
  out << "\nHow each value is computed (tolerance and why):\n\n";
  for (const auto& r : report.rows) {
    const EvidenceRow& row = *r.row;
    out << "- **" << row.id << "** (" << row.label << "): ";
    if (r.status == RowStatus::not_measurable || r.status == RowStatus::needs_counterfactual ||
        r.status == RowStatus::missing_input || r.status == RowStatus::undefined) {
      if (!r.computed.empty()) out << r.computed << ". ";
      out << "Not measured: " << r.message;
    } else {
      out << r.computed << ". Tolerance " << row.tolerance.text() << ": " << row.tolerance.reason;
      if (!r.detail.empty()) out << " Seed " << report.seeds.front() << ": " << r.detail << ".";
    }
    if (!row.note.empty()) out << " Note: " << row.note;
    if (!row.tuned.empty()) out << " In sample: " << row.tuned;
    out << "\n";
  }
}

void write_csv(const EvidenceReport& report, std::ostream& out) {
  out << "id,label,target,accepted_low,accepted_high,unit,period,source,status,model_mean,model_min,model_max,n_seeds,"
         "tolerance,within,computed,detail,message,tuned\n";
  for (const auto& r : report.rows) {
    const EvidenceRow& row = *r.row;
    const bool measured = r.status == RowStatus::measured;
    const auto [lo, hi] = row.measurable ? row.accepted() : std::pair<double, double>{NAN, NAN};
    const auto bound = [](double x) { return std::isfinite(x) ? json_number(x) : std::string(); };
    out << csv_field(row.id) << ',' << csv_field(row.label) << ',' << csv_field(row.target.text()) << ',' << bound(lo) << ','
        << bound(hi) << ',' << csv_field(row.unit) << ',' << csv_field(row.period) << ',' << csv_field(row.source) << ','
        << csv_field(status_name(r.status)) << ',' << (measured ? json_number(r.mean) : "") << ',' << (measured ? json_number(r.min) : "")
        << ',' << (measured ? json_number(r.max) : "") << ',' << r.per_seed.size() << ','
        << csv_field(row.measurable ? row.tolerance.text() : "") << ',' << (measured ? (r.within ? "yes" : "no") : "") << ','
        << csv_field(r.computed) << ',' << csv_field(r.detail) << ',' << csv_field(r.message) << ',' << csv_field(row.tuned) << '\n';
  }
}

void write_json(const EvidenceReport& report, std::ostream& out) {
  const auto optional_number = [](const std::optional<double>& x) { return x ? json_number(*x) : std::string("null"); };
  out << "{\n  \"targets\": " << json_string(report.targets.string()) << ",\n  \"seeds\": [";
  for (std::size_t i = 0; i < report.seeds.size(); ++i) out << (i ? ", " : "") << report.seeds[i];
  out << "],\n  \"policy_files\": [";
  for (std::size_t i = 0; i < report.policy_files.size(); ++i) out << (i ? ", " : "") << json_string(report.policy_files[i]);
  out << "],\n  \"counterfactual_files\": [";
  for (std::size_t i = 0; i < report.counterfactual_files.size(); ++i)
    out << (i ? ", " : "") << json_string(report.counterfactual_files[i]);
  out << "],\n  \"rows\": [";
  for (std::size_t i = 0; i < report.rows.size(); ++i) {
    const RowResult& r = report.rows[i];
    const EvidenceRow& row = *r.row;
    const bool measured = r.status == RowStatus::measured;
    out << (i ? "," : "") << "\n    {\"id\": " << json_string(row.id) << ", \"label\": " << json_string(row.label)
        << ", \"target\": {\"value\": " << optional_number(row.target.value) << ", \"low\": " << optional_number(row.target.low)
        << ", \"high\": " << optional_number(row.target.high) << ", \"min\": " << optional_number(row.target.min)
        << ", \"max\": " << optional_number(row.target.max) << ", \"text\": " << json_string(row.target.text()) << "}"
        << ", \"unit\": " << json_string(row.unit) << ", \"period\": " << json_string(row.period)
        << ", \"source\": " << json_string(row.source) << ", \"status\": " << json_string(status_name(r.status));
    if (row.measurable) {
      const auto [lo, hi] = row.accepted();
      out << ", \"accepted\": [" << json_number(lo) << ", " << json_number(hi) << "]"
          << ", \"tolerance\": {\"relative\": " << optional_number(row.tolerance.relative)
          << ", \"absolute\": " << optional_number(row.tolerance.absolute) << ", \"reason\": " << json_string(row.tolerance.reason) << "}";
    } else {
      out << ", \"accepted\": null, \"tolerance\": null";
    }
    out << ", \"mean\": " << (measured ? json_number(r.mean) : "null") << ", \"min\": " << (measured ? json_number(r.min) : "null")
        << ", \"max\": " << (measured ? json_number(r.max) : "null") << ", \"per_seed\": [";
    for (std::size_t s = 0; s < r.per_seed.size(); ++s) out << (s ? ", " : "") << json_number(r.per_seed[s]);
    out << "], \"within\": " << (measured ? (r.within ? "true" : "false") : "null")
        << ", \"computed\": " << json_string(r.computed) << ", \"detail\": " << json_string(r.detail)
        << ", \"message\": " << json_string(r.message) << ", \"note\": " << json_string(row.note)
        << ", \"tuned\": " << (row.tuned.empty() ? std::string("null") : json_string(row.tuned)) << "}";
  }
  out << "\n  ]\n}\n";
}

std::vector<SeedRuns> resolve_runs(const EvidenceOptions& options) {
  if (options.inputs.empty()) throw InputError("give run files (RUN.h5 ...) or a compare folder");
  std::vector<std::filesystem::path> policies = options.inputs, counterfactuals = options.counterfactuals;
  std::error_code ec;
  if (options.inputs.size() == 1 && std::filesystem::is_directory(options.inputs.front(), ec)) {
    if (!counterfactuals.empty()) throw InputError("--counterfactual is not used with a compare folder (it lists them)");
    const auto folder = options.inputs.front();
    const auto json = folder / "comparison.json";
    if (!std::filesystem::exists(json, ec))
      throw InputError(folder.string() + " is a folder without comparison.json (expected a `pzsim compare -o DIR` folder)");
    // JSON is YAML, so the position-tracking YAML loader reads it with its checks.
    const yaml::Node root = yaml::load_file(json, yaml::Limits{std::uintmax_t{256} << 20, 64, 20000000, std::size_t{1} << 30, 16});
    const yaml::Node* runs = root.find("runs");
    if (runs == nullptr || runs->kind != yaml::Node::Kind::sequence)
      throw InputError(json.string() + ": no \"runs\" list (contract 1)");
    // The scenario to measure (default the first) and the label of its counterfactual runs.
    std::string scenario = options.scenario, counterfactual_label;
    const yaml::Node* scenarios = root.find("scenarios");
    if (scenarios != nullptr && scenarios->kind == yaml::Node::Kind::sequence)
      for (const auto& entry : scenarios->sequence) {
        const yaml::Node* name = entry.find("name");
        if (name == nullptr) continue;
        if (scenario.empty()) scenario = name->scalar;
        if (name->scalar == scenario && entry.find("counterfactual") != nullptr)
          counterfactual_label = entry.find("counterfactual")->scalar;
      }
    const auto field = [&](const yaml::Node& run, const char* key) -> std::string {
      const yaml::Node* n = run.find(key);
      if (n == nullptr || n->kind != yaml::Node::Kind::scalar)
        throw InputError(yaml::to_string(run.pos) + ": a run without \"" + std::string(key) + "\"");
      return n->scalar;
    };
    const auto optional_field = [](const yaml::Node& run, const char* key) -> std::string {
      const yaml::Node* n = run.find(key);
      return n != nullptr && n->kind == yaml::Node::Kind::scalar ? n->scalar : std::string();
    };
    std::map<std::string, std::filesystem::path> counterfactual_by_seed;
    for (const auto& run : runs->sequence)
      if (field(run, "role") == "counterfactual" &&
          (counterfactual_label.empty() || optional_field(run, "label") == counterfactual_label))
        counterfactual_by_seed.emplace(field(run, "seed"), folder / field(run, "file"));
    policies.clear();
    std::set<std::string> scenarios_seen;
    for (const auto& run : runs->sequence) {
      if (field(run, "role") != "policy") continue;
      scenarios_seen.insert(optional_field(run, "scenario"));
      if (optional_field(run, "scenario") != scenario) continue;
      policies.push_back(folder / field(run, "file"));
      const auto cf = counterfactual_by_seed.find(field(run, "seed"));
      if (cf != counterfactual_by_seed.end()) counterfactuals.push_back(cf->second);
    }
    if (policies.empty()) {
      std::string names;
      for (const auto& s : scenarios_seen) names += (names.empty() ? "" : ", ") + s;
      throw InputError(json.string() + ": no policy runs of scenario '" + scenario + "' (scenarios: " + names + ")");
    }
    if (!counterfactuals.empty() && counterfactuals.size() != policies.size())
      throw InputError(json.string() + ": some policy runs of '" + scenario + "' have no counterfactual of the same seed");
  }
  if (!counterfactuals.empty() && counterfactuals.size() != policies.size())
    throw InputError("give one --counterfactual file per run file (" + std::to_string(policies.size()) + " runs, " +
                     std::to_string(counterfactuals.size()) + " counterfactuals)");
  std::vector<SeedRuns> out;
  for (const auto& p : policies) out.push_back({std::make_shared<const RunFile>(p), nullptr});
  if (counterfactuals.empty()) return out;
  std::vector<std::shared_ptr<const RunFile>> cfs;
  for (const auto& c : counterfactuals) cfs.push_back(std::make_shared<const RunFile>(c));
  // Pair by seed when the seeds are distinct, by position otherwise; either way each pair
  // must share its seed (a counterfactual uses the policy run's random streams).
  std::set<std::uint64_t> seeds;
  for (const auto& s : out) seeds.insert(s.policy->seed());
  const bool by_seed = seeds.size() == out.size();
  std::vector<bool> used(cfs.size(), false);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::size_t match = i;
    if (by_seed) {
      match = cfs.size();
      for (std::size_t j = 0; j < cfs.size(); ++j)
        if (!used[j] && cfs[j]->seed() == out[i].policy->seed()) match = j;
    }
    if (match >= cfs.size() || cfs[match]->seed() != out[i].policy->seed())
      throw InputError("no counterfactual with seed " + std::to_string(out[i].policy->seed()) + " for " +
                       out[i].policy->path().string());
    used[match] = true;
    out[i].counterfactual = cfs[match];
  }
  return out;
}

int run_evidence(const EvidenceOptions& options, std::ostream& out) {
  const TargetsFile targets = load_targets(options.targets);
  const auto runs = resolve_runs(options);
  const EvidenceReport report = measure(targets, runs);
  switch (options.format) {
    case Format::table: write_table(report, out); break;
    case Format::csv: write_csv(report, out); break;
    case Format::json: write_json(report, out); break;
  }
  return 0;
}

}  // namespace pzsim::evidence
