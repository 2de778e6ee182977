// Measuring evidence rows: each row's value per seed from its operands (operands.cpp), its
// data file for share rows, the status and the words describing how it is computed.
#include "sim/evidence/measure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/evidence/operands.hpp"

namespace pzsim::evidence {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string fmt(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

// The records of a data file of share_deviation rows (RFC 4180 quoting).
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw MissingInput{"data file " + path.string() + " does not exist"};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read data file " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return text::csv_records(buffer.str());
}

// Data shares by key from a CSV column (normalised to sum to 1).
std::vector<std::pair<std::string, double>> data_shares(const EvidenceRow& row) {
  const auto rows = read_csv(row.data_file);
  if (rows.empty()) throw InputError("data file " + row.data_file.string() + " is empty");
  const auto& header = rows.front();
  const std::size_t key = index_of(header, row.data_key, "column in " + row.data_file.string() + ":");
  const std::size_t column = index_of(header, row.data_column, "column in " + row.data_file.string() + ":");
  std::vector<std::pair<std::string, double>> out;
  double total = 0.0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() != header.size())
      throw InputError(row.data_file.string() + ":" + std::to_string(i + 1) + ": expected " + std::to_string(header.size()) + " fields");
    char* end = nullptr;
    const double x = std::strtod(rows[i][column].c_str(), &end);
    if (rows[i][column].empty() || *end != '\0')
      throw InputError(row.data_file.string() + ":" + std::to_string(i + 1) + ": " + row.data_column + " is not a number");
    out.emplace_back(rows[i][key], x);
    total += x;
  }
  for (auto& [name, x] : out) x /= total;
  return out;
}

double evaluate_row(const EvidenceRow& row, SeedCaches& caches, std::string* detail) {
  std::map<std::string, OperandValue> values;
  const auto get = [&](const std::string& name) -> const OperandValue& {
    auto it = values.find(name);
    if (it != values.end()) return it->second;
    const auto op = std::find_if(row.operands.begin(), row.operands.end(), [&](const Operand& o) { return o.name == name; });
    return values.emplace(name, evaluate(*op, caches)).first->second;
  };
  switch (row.check) {
    case Check::value:
      return row.expression.evaluate([&](const std::string& name) { return get(name).values.front(); });
    case Check::top_k: {
      const OperandValue& v = get(row.ranked);
      std::vector<std::size_t> order(v.values.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v.values[a] > v.values[b]; });
      order.resize(std::min(order.size(), static_cast<std::size_t>(row.k)));
      int found = 0;
      std::string listed;
      for (const auto i : order) {
        listed += (listed.empty() ? "" : ", ") + v.groups[i];
        if (std::find(row.include.begin(), row.include.end(), v.groups[i]) != row.include.end()) ++found;
      }
      if (detail != nullptr) *detail = "top " + std::to_string(row.k) + ": " + listed;
      return found;
    }
    case Check::share_deviation: {
      const OperandValue& v = get(row.ranked);
      const double total = std::accumulate(v.values.begin(), v.values.end(), 0.0);
      double worst = 0.0;
      std::string worst_text;
      for (const auto& [name, share] : data_shares(row)) {
        const auto it = std::find(v.groups.begin(), v.groups.end(), name);
        const double model = it == v.groups.end() || total == 0.0 ? 0.0 : v.values[static_cast<std::size_t>(it - v.groups.begin())] / total;
        const double gap = std::abs(model - share) * 100.0;
        if (gap >= worst) {
          worst = gap;
          worst_text = name + ": model " + fmt(model * 100) + "%, data " + fmt(share * 100) + "%";
        }
      }
      if (detail != nullptr) {
        *detail = "largest gap " + worst_text;
        double unmatched = 0.0;
        const auto shares = data_shares(row);
        for (std::size_t g = 0; g < v.groups.size(); ++g)
          if (std::none_of(shares.begin(), shares.end(), [&](const auto& s) { return s.first == v.groups[g]; }))
            unmatched += v.values[g];
        if (unmatched > 0 && total > 0) *detail += "; groups not in the data hold " + fmt(unmatched / total * 100) + "% of the model total";
      }
      return worst;
    }
  }
  return kNaN;
}

const char* reduce_words(Reduce r) {
  switch (r) {
    case Reduce::sum: return "sum";
    case Reduce::per_year: return "sum per year";
    case Reduce::mean: return "monthly mean";
    case Reduce::end: return "end-of-window value";
    case Reduce::weighted_mean: return "weighted mean";
  }
  return "?";
}

}  // namespace

std::string status_name(RowStatus status) {
  switch (status) {
    case RowStatus::measured: return "measured";
    case RowStatus::not_measurable: return "not measurable";
    case RowStatus::needs_counterfactual: return "needs --counterfactual";
    case RowStatus::missing_input: return "missing input";
    case RowStatus::undefined: return "undefined";
  }
  return "?";
}

std::string describe(const Operand& op) {
  std::string text;
  switch (op.source) {
    case Operand::Source::scenario_value: return "scenario value " + op.scenario_path;
    case Operand::Source::scenario_sum: return "scenario sum of " + op.scenario_path + " over list items";
    case Operand::Source::snapshot: {
      text = std::string(reduce_words(op.reduce)) + " of snapshot " + op.snapshot_month + " " + op.dataset;
      if (!op.snapshot_weight.empty()) text += " weighted by " + op.snapshot_weight;
      for (const auto& [dataset, label] : op.where) text += ", " + dataset + " = " + label;
      if (op.national) text += ", national";
      return text;
    }
    case Operand::Source::variable: break;
  }
  text = std::string(reduce_words(op.reduce)) + " of " + op.variable;
  if (!op.select.empty()) {
    text += "[";
    bool first = true;
    for (const auto& [dim, labels] : op.select) {
      text += (first ? "" : ", ") + dim + "=";
      for (std::size_t i = 0; i < labels.size(); ++i) text += (i ? "|" : "") + labels[i];
      first = false;
    }
    text += "]";
  }
  if (op.reduce == Reduce::weighted_mean) text += " by " + op.weight;
  text += op.first_month.empty() ? " over the run" : " over " + op.first_month + ".." + op.last_month;
  std::string cities;
  const auto add = [&](const std::string& s) { cities += (cities.empty() ? "" : ", ") + s; };
  if (op.cities.zone == "now") add("zone cities in each month");
  if (op.cities.zone == "not_now") add("non-zone cities in each month");
  if (op.cities.zone == "ever") add("cities that are zones in the run");
  if (op.cities.zone == "never") add("cities never zones");
  if (!op.cities.zone_by.empty()) add("cities with a zone by " + op.cities.zone_by);
  if (op.cities.coastal) add(*op.cities.coastal ? "coastal" : "inland");
  for (const auto& region : op.cities.macro_regions) add(region);
  if (!op.cities.names.empty()) {
    std::string names;
    for (const auto& n : op.cities.names) names += (names.empty() ? "" : "|") + n;
    add("city " + names);
  }
  if (!cities.empty()) text += " (" + cities + ")";
  if (!op.group_by.empty()) text += " by " + op.group_by;
  if (op.national) text += ", national units";
  if (!op.currency.empty()) text += ", in " + op.currency + " at each month's rate";
  if (op.run == RunRole::counterfactual) text += ", counterfactual run";
  return text;
}

std::string describe(const EvidenceRow& row) {
  if (!row.measurable) return {};
  std::string text;
  for (const auto& op : row.operands) text += op.name + " = " + describe(op) + "; ";
  switch (row.check) {
    case Check::value: text += "value = " + row.expression_text; break;
    case Check::top_k: {
      std::string listed;
      for (const auto& n : row.include) listed += (listed.empty() ? "" : ", ") + n;
      text += "value = how many of " + listed + " are among the " + std::to_string(row.k) + " largest " + row.ranked;
      break;
    }
    case Check::share_deviation:
      text += "value = max over " + row.data_key + " of |share of " + row.ranked + " - share of " + row.data_column +
              " in " + row.data_file.filename().string() + "|, percentage points";
      break;
  }
  return text;
}

EvidenceReport measure(const TargetsFile& targets, const std::vector<SeedRuns>& runs) {
  if (runs.empty()) throw InputError("no run files to measure");
  EvidenceReport report;
  report.targets = targets.path;
  const bool have_counterfactual = runs.front().counterfactual != nullptr;
  for (const auto& r : runs) {
    report.seeds.push_back(r.policy->seed());
    report.policy_files.push_back(r.policy->path().string());
    if (r.counterfactual) report.counterfactual_files.push_back(r.counterfactual->path().string());
  }
  std::vector<SeedCaches> caches;
  caches.reserve(runs.size());
  for (const auto& r : runs) {
    caches.push_back(SeedCaches{RunCache(*r.policy), std::nullopt});
    if (r.counterfactual) caches.back().counterfactual.emplace(*r.counterfactual);
  }
  for (const auto& row : targets.rows) {
    RowResult result;
    result.row = &row;
    result.computed = describe(row);
    if (!row.measurable) {
      result.status = RowStatus::not_measurable;
      result.message = row.reason + (row.measured_by.empty() ? "" : " Measured by: " + row.measured_by + ".");
      report.rows.push_back(std::move(result));
      continue;
    }
    if (row.needs_counterfactual() && !have_counterfactual) {
      result.status = RowStatus::needs_counterfactual;
      result.message = "reads the counterfactual run: give --counterfactual files (or a compare folder)";
      report.rows.push_back(std::move(result));
      continue;
    }
    try {
      for (std::size_t s = 0; s < caches.size(); ++s)
        result.per_seed.push_back(evaluate_row(row, caches[s], s == 0 ? &result.detail : nullptr));
    } catch (const MissingInput& missing) {
      result.status = RowStatus::missing_input;
      result.message = missing.message;
      result.per_seed.clear();
      report.rows.push_back(std::move(result));
      continue;
    } catch (const InputError& e) {
      throw InputError(yaml::to_string(row.pos) + ": row '" + row.id + "': " + e.what());
    }
    if (std::any_of(result.per_seed.begin(), result.per_seed.end(), [](double x) { return !std::isfinite(x); })) {
      result.status = RowStatus::undefined;
      result.message = "the value is not a number for at least one seed (a zero denominator?)";
    } else {
      result.mean = std::accumulate(result.per_seed.begin(), result.per_seed.end(), 0.0) / static_cast<double>(result.per_seed.size());
      result.min = *std::min_element(result.per_seed.begin(), result.per_seed.end());
      result.max = *std::max_element(result.per_seed.begin(), result.per_seed.end());
      const auto [lo, hi] = row.accepted();
      result.within = result.mean >= lo && result.mean <= hi;
    }
    report.rows.push_back(std::move(result));
  }
  return report;
}

}  // namespace pzsim::evidence
