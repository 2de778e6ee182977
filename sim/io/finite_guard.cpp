#include "sim/io/finite_guard.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "sim/core/error.hpp"
#include "sim/scenario/load.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim {

namespace {

// Labels along one output dimension, as in the result file's coordinates.
std::vector<std::string> labels_of(const World& world, const std::string& dim) {
  const Scenario& sc = *world.scenario;
  std::vector<std::string> labels;
  if (dim == "city")
    for (const auto& c : sc.cities.list) labels.push_back(c.name);
  else if (dim == "sector")
    for (const auto& s : sc.sectors) labels.push_back(s.name);
  else if (dim == "destination")
    for (const auto& d : sc.destinations) labels.push_back(d.name);
  else if (dim == "channel")
    labels.assign(kChannelNames.begin(), kChannelNames.end());
  else if (dim == "customs_code")
    labels.assign(kCustomsCodeNames.begin(), kCustomsCodeNames.end());
  else if (dim == "instrument")
    labels.assign(kInstrumentNames.begin(), kInstrumentNames.end());
  else if (dim == "payer" || dim == "payee")
    labels.assign(kAccountSectorNames.begin(), kAccountSectorNames.end());
  return labels;
}

// "city Hangzhou, channel cbec" for a flat index into a variable laid out row-major by dims.
std::string coordinates_of(const World& world, const std::vector<std::string>& dims, std::size_t flat) {
  std::vector<std::string> parts(dims.size());
  for (std::size_t k = dims.size(); k-- > 0;) {
    const std::vector<std::string> labels = labels_of(world, dims[k]);
    const std::size_t extent = std::max<std::size_t>(1, labels.size());
    const std::size_t index = flat % extent;
    flat /= extent;
    parts[k] = dims[k] + " " + (index < labels.size() ? labels[index] : std::to_string(index));
  }
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text.empty() ? "national total" : text;
}

std::optional<double> number_of(const yaml::Node& node) {
  if (node.kind != yaml::Node::Kind::scalar || node.quoted) return std::nullopt;
  double value = 0.0;
  const auto [end, error] = std::from_chars(node.scalar.data(), node.scalar.data() + node.scalar.size(), value);
  if (error != std::errc{} || end != node.scalar.data() + node.scalar.size()) return std::nullopt;
  return value;
}

struct Distance {
  double orders;  // orders of magnitude between value and default
  std::string text;
};

void compare_trees(const yaml::Node& value, const yaml::Node& fallback, const std::string& path, std::vector<Distance>& out) {
  if (value.kind == yaml::Node::Kind::map && fallback.kind == yaml::Node::Kind::map) {
    for (const auto& [key, child] : value.map)
      if (const yaml::Node* other = fallback.find(key)) compare_trees(child, *other, path.empty() ? key : path + "." + key, out);
    return;
  }
  if (value.kind == yaml::Node::Kind::sequence && fallback.kind == yaml::Node::Kind::sequence) {
    for (std::size_t i = 0; i < std::min(value.sequence.size(), fallback.sequence.size()); ++i)
      compare_trees(value.sequence[i], fallback.sequence[i], path + "." + std::to_string(i), out);
    return;
  }
  const auto v = number_of(value), d = number_of(fallback);
  if (!v || !d || *v == *d) return;
  // Zero against a non-zero default (or the reverse) counts as far as it gets: a divisor
  // set to zero is the classic way to an infinity.
  const auto magnitude = [](double x) { return std::log10(std::max(std::abs(x), 1e-300)); };
  const double orders = (*v == 0.0 || *d == 0.0) ? 300.0 : std::abs(magnitude(*v) - magnitude(*d));
  out.push_back({orders, path + " = " + value.scalar + " (default " + fallback.scalar + ")"});
}

}  // namespace

std::vector<std::string> values_far_from_defaults(const Scenario& scenario, std::size_t count) {
  const yaml::Node value = yaml::load_string(emit_yaml(scenario), "<resolved scenario>");
  const yaml::Node fallback = yaml::load_string(emit_yaml(Scenario{}), "<built-in defaults>");
  std::vector<Distance> distances;
  compare_trees(value, fallback, "", distances);
  std::stable_sort(distances.begin(), distances.end(), [](const Distance& a, const Distance& b) { return a.orders > b.orders; });
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < std::min(count, distances.size()); ++i) keys.push_back(distances[i].text);
  return keys;
}

void require_finite_outputs(const World& world, const State& state, const MonthOutputs& out) {
  for (const auto& variable : output_catalog()) {
    if (variable.type != OutputType::f64) continue;
    const std::span<const double> values = variable.f64(out);
    const auto bad = std::find_if(values.begin(), values.end(), [](double x) { return !std::isfinite(x); });
    if (bad == values.end()) continue;
    std::ostringstream message;
    message << "the model produced " << *bad << " for " << variable.name << " in "
            << world.clock.at(state.step).str() << " ("
            << coordinates_of(world, variable.dims, static_cast<std::size_t>(bad - values.begin()))
            << "); the run stopped and wrote nothing. Scenario values furthest from their defaults, the likely cause: ";
    const std::vector<std::string> suspects = values_far_from_defaults(*world.scenario, 5);
    if (suspects.empty()) message << "none (all numbers at their defaults; this is a model bug, please report it)";
    for (std::size_t i = 0; i < suspects.size(); ++i) message << (i ? "; " : "") << suspects[i];
    throw NumericError(message.str());
  }
}

}  // namespace pzsim
