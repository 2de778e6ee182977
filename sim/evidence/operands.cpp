// Operands of evidence rows from run files (see operands.hpp).
#include "sim/evidence/operands.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "sim/core/text.hpp"

namespace pzsim::evidence {

std::size_t index_of(const std::vector<std::string>& labels, const std::string& label, const std::string& what) {
  const auto it = std::find(labels.begin(), labels.end(), label);
  if (it != labels.end()) return static_cast<std::size_t>(it - labels.begin());
  const std::string near = text::nearest(label, labels);
  throw InputError("no " + what + " '" + label + "' in the run" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

}  // namespace

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

}  // namespace pzsim::evidence
