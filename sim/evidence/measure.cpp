#include "sim/core/text.hpp"
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

namespace pzsim::evidence {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The run files lack a variable the row reads: reported in the row, not an error.
struct MissingInput {
  std::string message;
};

std::string fmt(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

// Lazily read, cached contents of one run file.
class RunCache {
 public:
  explicit RunCache(const RunFile& file) : file_(file) {}
  const RunFile& file() const { return file_; }

  const RunArray& array(const std::string& variable) {
    auto it = arrays_.find(variable);
    if (it != arrays_.end()) return it->second;
    if (!file_.has_variable(variable))
      throw MissingInput{file_.path().string() + " has no variable '" + variable + "' (written by another pzsim version?)"};
    RunArray a = file_.read(variable);
    if (a.dims.empty() || a.dims.front() != "time")
      throw InputError("variable '" + variable + "' of " + file_.path().string() + " is not a monthly output");
    return arrays_.emplace(variable, std::move(a)).first->second;
  }
  const std::vector<std::string>& labels(const std::string& dim) {
    auto it = labels_.find(dim);
    if (it == labels_.end()) it = labels_.emplace(dim, file_.coordinate(dim)).first;
    return it->second;
  }
  const std::vector<double>& numbers(const std::string& name) {
    auto it = numbers_.find(name);
    if (it == numbers_.end()) it = numbers_.emplace(name, file_.numeric_coordinate(name)).first;
    return it->second;
  }
  const std::vector<double>& cny_per_usd() { return array("cny_per_usd").values; }
  double sample_fraction() {
    if (!sample_fraction_) sample_fraction_ = file_.sample_fraction();
    return *sample_fraction_;
  }
  const yaml::Node& scenario() {
    if (!scenario_)
      scenario_ = yaml::load_string(file_.attribute("scenario_yaml"), file_.path().string() + " (scenario_yaml)",
                                    yaml::Limits{std::uintmax_t{64} << 20, 64, 2000000, std::size_t{256} << 20, 16});
    return *scenario_;
  }

 private:
  const RunFile& file_;
  std::map<std::string, RunArray> arrays_;
  std::map<std::string, std::vector<std::string>> labels_;
  std::map<std::string, std::vector<double>> numbers_;
  std::optional<double> sample_fraction_;
  std::optional<yaml::Node> scenario_;
};

struct SeedCaches {
  RunCache policy;
  std::optional<RunCache> counterfactual;
};

std::size_t index_of(const std::vector<std::string>& labels, const std::string& label, const std::string& what) {
  const auto it = std::find(labels.begin(), labels.end(), label);
  if (it != labels.end()) return static_cast<std::size_t>(it - labels.begin());
  const std::string near = text::nearest(label, labels);
  throw InputError("no " + what + " '" + label + "' in the run" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

// Values of one grouped or scalar operand.
struct OperandValue {
  std::vector<std::string> groups;  // empty for a scalar
  std::vector<double> values;       // one per group, or one
};

OperandValue evaluate_variable(const Operand& op, RunCache& run, RunCache& policy) {
  const RunArray& a = run.array(op.variable);
  const auto& months = run.labels("time");
  std::size_t t0 = 0, t1 = months.size() - 1;
  if (!op.first_month.empty()) {
    if (op.first_month < months.front() || op.last_month > months.back())
      throw MissingInput{run.file().path().string() + " covers " + months.front() + " to " + months.back() + ", not " +
                         op.first_month + " to " + op.last_month};
    t0 = index_of(months, op.first_month, "month");
    t1 = index_of(months, op.last_month, "month");
  }
  const std::size_t n_months = t1 - t0 + 1;
  if ((op.reduce == Reduce::sum || op.reduce == Reduce::per_year) && !a.monthly_flow && n_months > 1)
    throw InputError("'" + op.variable + "' is a stock (or rate), not a monthly flow: summing it over " +
                     std::to_string(n_months) + " months is meaningless; use reduce: mean or end, or one month");

  // Which cells of a month's slice are kept, and the city of each (for time-dependent filters and groups).
  const std::size_t rank = a.dims.size();
  std::vector<std::vector<char>> keep(rank);
  for (std::size_t k = 1; k < rank; ++k) keep[k].assign(a.shape[k], 1);
  for (const auto& [dim, wanted] : op.select) {
    const std::size_t axis = [&, &dim = dim] {  // named capture: clang 14 cannot capture a structured binding
      try {
        return a.axis(dim);
      } catch (const InputError& e) {
        throw InputError("select: '" + op.variable + "': " + e.what());
      }
    }();
    const auto& labels = run.labels(dim);
    std::vector<char> mask(a.shape[axis], 0);
    for (const auto& label : wanted) mask[index_of(labels, label, dim)] = 1;
    keep[axis] = mask;
  }
  const auto city_axis_it = std::find(a.dims.begin(), a.dims.end(), "city");
  const bool has_city = city_axis_it != a.dims.end();
  const std::size_t city_axis = has_city ? static_cast<std::size_t>(city_axis_it - a.dims.begin()) : 0;
  if ((op.cities.any() || !op.group_by.empty()) && !has_city)
    throw InputError("'" + op.variable + "' has no city dimension, so cities: and group_by do not apply");

  const RunArray* zone = nullptr;
  if (has_city) {
    const auto& cities = run.labels("city");
    // Contract 3: policy and counterfactual list the same cities in the same order.
    if (&run != &policy && policy.labels("city") != cities)
      throw InputError("the policy and counterfactual runs list different cities: " + policy.file().path().string() +
                       ", " + run.file().path().string());
    if (!op.cities.zone.empty() || !op.cities.zone_by.empty()) zone = &policy.array("zone_active");
    std::vector<char>& mask = keep[city_axis];
    const std::size_t n_cities = cities.size();
    if (zone != nullptr && zone->values.size() != policy.labels("time").size() * n_cities)
      throw InputError("zone_active of " + policy.file().path().string() + " does not match its months and cities");
    const auto& policy_months = policy.labels("time");
    for (std::size_t c = 0; c < n_cities; ++c) {
      if (!op.cities.names.empty() &&
          std::find(op.cities.names.begin(), op.cities.names.end(), cities[c]) == op.cities.names.end())
        mask[c] = 0;
      if (op.cities.coastal && (policy.numbers("coastal")[c] != 0.0) != *op.cities.coastal) mask[c] = 0;
      if (!op.cities.macro_regions.empty() && std::find(op.cities.macro_regions.begin(), op.cities.macro_regions.end(),
                                                        policy.labels("macro_region")[c]) == op.cities.macro_regions.end())
        mask[c] = 0;
      if (!op.cities.zone_by.empty()) {
        if (std::find(policy_months.begin(), policy_months.end(), op.cities.zone_by) == policy_months.end())
          throw MissingInput{policy.file().path().string() + " does not cover " + op.cities.zone_by + " (zone_by)"};
        const std::size_t t = index_of(policy_months, op.cities.zone_by, "month");
        if (zone->values[t * n_cities + c] == 0.0) mask[c] = 0;
      }
      if (op.cities.zone == "ever" || op.cities.zone == "never") {
        bool ever = false;
        for (std::size_t t = 0; t < policy_months.size(); ++t) ever = ever || zone->values[t * n_cities + c] != 0.0;
        if (ever != (op.cities.zone == "ever")) mask[c] = 0;
      }
    }
    for (const auto& name : op.cities.names) (void)index_of(cities, name, "city");
  }

  // Group of each city.
  std::vector<std::string> group_names;
  std::vector<std::size_t> group_of_city;
  if (!op.group_by.empty()) {
    const auto& keys = op.group_by == "city" ? run.labels("city") : run.labels(op.group_by);
    for (const auto& key : keys) {
      auto it = std::find(group_names.begin(), group_names.end(), key);
      if (it == group_names.end()) {
        group_names.push_back(key);
        it = group_names.end() - 1;
      }
      group_of_city.push_back(static_cast<std::size_t>(it - group_names.begin()));
    }
  }
  const std::size_t n_groups = group_names.empty() ? 1 : group_names.size();

  const RunArray* weight = nullptr;
  if (op.reduce == Reduce::weighted_mean) {
    weight = &run.array(op.weight);
    if (weight->dims != a.dims || weight->shape != a.shape)
      throw InputError("weight '" + op.weight + "' does not have the dims of '" + op.variable + "'");
  }
  if (!op.currency.empty()) {
    const std::string from = op.currency == "CNY" ? "USD" : "CNY";
    if (a.currency != from)
      throw InputError("currency: " + op.currency + " converts " + from + " amounts; '" + op.variable + "' is in " +
                       (a.currency.empty() ? "units " + a.units : a.currency));
  }
  const double scale = op.national ? 1.0 / run.sample_fraction() : 1.0;

  std::size_t slice = 1;
  for (std::size_t k = 1; k < rank; ++k) slice *= a.shape[k];
  // Per cell of a slice: kept (static masks) and its city.
  std::vector<char> kept(slice, 1);
  std::vector<std::size_t> city_of(slice, 0);
  {
    std::vector<std::size_t> index(rank, 0);
    for (std::size_t cell = 0; cell < slice; ++cell) {
      std::size_t rest = cell;
      for (std::size_t k = rank - 1; k >= 1; --k) {
        index[k] = rest % a.shape[k];
        rest /= a.shape[k];
        if (!keep[k][index[k]]) kept[cell] = 0;
      }
      if (has_city) city_of[cell] = index[city_axis];
    }
  }
  const std::size_t n_cities = has_city ? a.shape[city_axis] : 0;
  std::vector<double> total(n_groups, 0.0), weights(n_groups, 0.0);
  const std::size_t first = op.reduce == Reduce::end ? t1 : t0;
  for (std::size_t t = first; t <= t1; ++t) {
    double factor = scale;
    if (op.currency == "CNY") factor *= run.cny_per_usd()[t];
    if (op.currency == "USD") factor /= run.cny_per_usd()[t];
    for (std::size_t cell = 0; cell < slice; ++cell) {
      if (!kept[cell]) continue;
      if (zone != nullptr && (op.cities.zone == "now" || op.cities.zone == "not_now")) {
        const bool active = zone->values[t * n_cities + city_of[cell]] != 0.0;
        if (active != (op.cities.zone == "now")) continue;
      }
      const std::size_t g = group_names.empty() ? 0 : group_of_city[city_of[cell]];
      const double x = a.values[t * slice + cell] * factor;
      if (weight != nullptr) {
        const double w = weight->values[t * slice + cell];
        total[g] += w * x;
        weights[g] += w;
      } else {
        total[g] += x;
      }
    }
  }
  for (std::size_t g = 0; g < n_groups; ++g) {
    switch (op.reduce) {
      case Reduce::sum:
      case Reduce::end: break;
      case Reduce::per_year: total[g] /= static_cast<double>(n_months) / 12.0; break;
      case Reduce::mean: total[g] /= static_cast<double>(n_months); break;
      case Reduce::weighted_mean: total[g] = weights[g] != 0.0 ? total[g] / weights[g] : kNaN; break;
    }
  }
  return {group_names, total};
}

double evaluate_snapshot(const Operand& op, RunCache& run) {
  const RunFile& file = run.file();
  const auto months = file.snapshot_months();
  if (std::find(months.begin(), months.end(), op.snapshot_month) == months.end())
    throw MissingInput{file.path().string() + " has no snapshot of " + op.snapshot_month +
                       " (run with outputs.snapshot_every so that one falls in that month)"};
  const auto values = file.snapshot(op.snapshot_month, op.dataset);
  std::vector<double> w;
  if (!op.snapshot_weight.empty()) {
    w = file.snapshot(op.snapshot_month, op.snapshot_weight);
    if (w.size() != values.size()) throw InputError("snapshot weight '" + op.snapshot_weight + "' has another length than '" + op.dataset + "'");
  }
  std::vector<char> keep(values.size(), 1);
  for (const auto& [dataset, label] : op.where) {
    const auto index = file.snapshot(op.snapshot_month, dataset);
    if (index.size() != values.size()) throw InputError("snapshot dataset '" + dataset + "' has another length than '" + op.dataset + "'");
    const std::string dim = dataset.substr(dataset.rfind('/') + 1);
    const double wanted = static_cast<double>(index_of(run.labels(dim), label, dim));
    for (std::size_t i = 0; i < values.size(); ++i)
      if (index[i] != wanted) keep[i] = 0;
  }
  double total = 0.0, weights = 0.0, count = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!keep[i]) continue;
    const double weight = w.empty() ? 1.0 : w[i];
    total += (op.reduce == Reduce::weighted_mean ? weight : 1.0) * values[i];
    weights += weight;
    count += 1.0;
  }
  const double scale = op.national ? 1.0 / run.sample_fraction() : 1.0;
  switch (op.reduce) {
    case Reduce::weighted_mean: return weights != 0.0 ? total / weights : kNaN;
    case Reduce::mean: return count != 0.0 ? total / count : kNaN;
    default: return total * scale;
  }
}

double scenario_number(const yaml::Node& node, const std::string& path) {
  if (node.kind != yaml::Node::Kind::scalar) throw InputError("scenario value '" + path + "' is not a single value");
  char* end = nullptr;
  const double x = std::strtod(node.scalar.c_str(), &end);
  if (node.scalar.empty() || end != node.scalar.c_str() + node.scalar.size())
    throw InputError("scenario value '" + path + "' is not a number: '" + node.scalar + "'");
  return x;
}

// Follows a dotted path; a list met on the way sums over its items (scenario_sum) or is
// indexed by a number segment (scenario).
double walk(const yaml::Node& node, const std::vector<std::string>& segments, std::size_t at, bool sum,
            const std::string& path) {
  if (at == segments.size()) return scenario_number(node, path);
  if (node.kind == yaml::Node::Kind::sequence) {
    if (sum) {
      double total = 0.0;
      for (const auto& item : node.sequence) total += walk(item, segments, at, sum, path);
      return total;
    }
    const std::size_t i = static_cast<std::size_t>(std::atoi(segments[at].c_str()));
    if (i >= node.sequence.size()) throw InputError("scenario path '" + path + "': no item " + segments[at]);
    return walk(node.sequence[i], segments, at + 1, sum, path);
  }
  const yaml::Node* child = node.find(segments[at]);
  if (child == nullptr) throw InputError("the run's scenario has no '" + path + "' (no key '" + segments[at] + "')");
  return walk(*child, segments, at + 1, sum, path);
}

double evaluate_scenario(const Operand& op, RunCache& run) {
  std::vector<std::string> segments;
  std::stringstream stream(op.scenario_path);
  for (std::string s; std::getline(stream, s, '.');) segments.push_back(s);
  return walk(run.scenario(), segments, 0, op.source == Operand::Source::scenario_sum, op.scenario_path);
}

OperandValue evaluate(const Operand& op, SeedCaches& caches) {
  RunCache& run = op.run == RunRole::policy ? caches.policy : *caches.counterfactual;
  switch (op.source) {
    case Operand::Source::variable: return evaluate_variable(op, run, caches.policy);
    case Operand::Source::snapshot: return {{}, {evaluate_snapshot(op, run)}};
    case Operand::Source::scenario_value:
    case Operand::Source::scenario_sum: return {{}, {evaluate_scenario(op, run)}};
  }
  return {};
}

// A small CSV reader (RFC 4180 quoting) for the data files of share_deviation rows.
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw MissingInput{"data file " + path.string() + " does not exist"};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read data file " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(std::move(field));
  while (!rows.empty() && (rows.back().empty() || (rows.back().size() == 1 && rows.back()[0].empty()))) rows.pop_back();
  return rows;
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
