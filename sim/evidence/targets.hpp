#pragma once
// The evidence targets file (analysis/evidence.yaml): what each published figure is, and how
// the model's counterpart is computed from run outputs. Loading checks every key, value and
// expression and reports problems as InputError "file:line:column: rows.N.key: ...".
// The format is described in docs/validation.md ("The targets file").
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/text.hpp"
#include "sim/evidence/expression.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim::evidence {

// How an operand reduces its selected cells (time x other dims) to one number.
enum class Reduce {
  sum,            // sum over months and cells (flows, or one month of a stock)
  per_year,       // sum over months and cells / years in the window (flows)
  mean,           // mean over months of the sum over cells (stocks: average level)
  end,            // the last month of the window, summed over cells (stocks)
  weighted_mean,  // sum(weight * x) / sum(weight) over months and cells (`weight` variable)
};

// Which cities an operand keeps (all conditions must hold). Zone status always comes from the
// policy run's `zone_active`, so policy and counterfactual cover the same cities.
struct CityFilter {
  std::string zone;     // "" (any), "now" (zone in that month), "not_now", "ever", "never"
  std::string zone_by;  // "" or YYYY-MM: cities whose zone is active in that month
  std::optional<bool> coastal;
  std::vector<std::string> macro_regions;  // empty (any) or some of east / central / west / northeast
  std::vector<std::string> names;  // explicit city names (empty: no name condition)
  bool any() const { return !zone.empty() || !zone_by.empty() || coastal || !macro_regions.empty() || !names.empty(); }
};

enum class RunRole { policy, counterfactual };

struct Operand {
  enum class Source { variable, snapshot, scenario_value, scenario_sum };
  std::string name;
  yaml::Position pos;
  Source source = Source::variable;
  RunRole run = RunRole::policy;
  // Source::variable
  std::string variable;
  std::string first_month, last_month;  // YYYY-MM, inclusive; empty = the whole run
  std::vector<std::pair<std::string, std::vector<std::string>>> select;  // dim -> labels kept
  CityFilter cities;
  std::string currency;  // "" (as stored), "CNY" (USD x cny_per_usd of each month), "USD" (CNY / cny_per_usd)
  bool national = true;  // divide by sample_fraction (counts and money; not rates, wages, prices)
  Reduce reduce = Reduce::sum;
  std::string weight;    // weighted_mean: variable with the same dims
  std::string group_by;  // "" or city / province / macro_region: one value per group (top_k, share_deviation)
  // Source::snapshot: reduce a snapshot dataset (firms/... or consumers/...) of one month
  std::string snapshot_month, dataset, snapshot_weight;
  std::vector<std::pair<std::string, std::string>> where;  // dataset -> label of the dim named by its last segment
  // Source::scenario_value / scenario_sum: a number from the run's resolved scenario
  std::string scenario_path;  // dotted; for scenario_sum a list segment sums over its items
};

// The published figure: a value, an interval, or a bound.
struct Target {
  std::optional<double> value, low, high, min, max;
  std::string text() const;  // e.g. "1.53", "3.4 to 3.6", ">= 0.9"
};

struct Tolerance {
  std::optional<double> relative, absolute;
  std::string reason;  // why this tolerance
  std::string text() const;
};

enum class Check {
  value,            // the expression's value against the target
  top_k,            // how many of `include` are among the k largest groups of `ranked`
  share_deviation,  // max |group share - data share| in percentage points over the data's groups
};

struct EvidenceRow {
  std::string id, label, unit, period, source, note;
  yaml::Position pos;
  bool measurable = true;
  std::string reason;       // measurable: false: why not
  std::string measured_by;  // measurable: false: where it is measured instead (e.g. "pzsim did")
  std::string tuned;        // the parameters set by hand to meet this row (empty: none), so it is in sample
  Target target;
  Tolerance tolerance;
  std::vector<Operand> operands;
  Expression expression;  // Check::value
  std::string expression_text;
  Check check = Check::value;
  std::string ranked;  // top_k / share_deviation: the grouped operand
  int k = 0;
  std::vector<std::string> include;
  std::filesystem::path data_file;  // share_deviation: CSV, relative to the targets file's folder
  std::string data_key, data_column;

  bool needs_counterfactual() const;
  // The interval a model value must fall in to count as within the target's tolerance.
  std::pair<double, double> accepted() const;
};

struct TargetsFile {
  std::filesystem::path path;
  std::string description;
  std::vector<EvidenceRow> rows;
};

// Field readers for YAML files in this style (the targets file, calibration files): every
// problem is an InputError "file:line:column: where: what".
[[noreturn]] void fail(const yaml::Position& pos, const std::string& where, const std::string& what);
// A map node whose keys must come from `allowed`; an unknown key is an error with a hint.
void check_keys(const yaml::Node& node, const std::string& where, const std::vector<std::string>& allowed);
std::string scalar(const yaml::Node& node, const std::string& where);
std::string text_of(const yaml::Node& parent, const std::string& key, const std::string& where, bool required);
double number(const yaml::Node& node, const std::string& where);
bool boolean(const yaml::Node& node, const std::string& where);
std::vector<std::string> labels(const yaml::Node& node, const std::string& where);  // one label or a list
// One of `options` by name; an unknown name is an error listing them, with a did-you-mean hint.
template <typename Enum>
Enum choice(const yaml::Node& node, const std::string& where, const std::vector<std::pair<std::string, Enum>>& options) {
  const std::string text = scalar(node, where);
  std::vector<std::string> names;
  for (const auto& [name, value] : options) {
    if (name == text) return value;
    names.push_back(name);
  }
  const std::string near = text::nearest(text, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  fail(node.pos, where, "'" + text + "' is not one of: " + list + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

// One operand map of a row's model (also a calibration file's series moment).
Operand parse_operand(const std::string& name, const yaml::Node& node, const std::string& where);

TargetsFile load_targets(const std::filesystem::path& path);
TargetsFile parse_targets(const yaml::Node& root, const std::filesystem::path& path);

// A number for people: 4 significant digits, thousands grouped from 10,000 ("20,000", "1.53").
std::string format_quantity(double x);

// "YYYY" -> first or last month of the year, "YYYY-MM" as is; InputError-free: returns "" when malformed.
std::string month_bound(const std::string& text, bool last);

}  // namespace pzsim::evidence
