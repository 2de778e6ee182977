// Parsing scenarios: the one place YAML becomes a Scenario (walking the schema in schema.hpp),
// then validate.cpp's cross-field checks.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/load.hpp"
#include "sim/scenario/parse_internal.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/scenario/seed.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim {

namespace parse_detail {

namespace {

std::string where(const yaml::Position& pos) {
  std::ostringstream out;
  out << (pos.file.empty() ? "<scenario>" : pos.file) << ':' << pos.line << ':' << pos.column;
  return out.str();
}

}  // namespace

void fail(const yaml::Position& pos, const std::string& path, const std::string& what, const std::string& expected) {
  std::string msg = where(pos) + ": " + (path.empty() ? "(top level)" : path) + ": " + what;
  if (!expected.empty()) msg += "; expected " + expected;
  throw InputError(msg);
}

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

}  // namespace parse_detail

namespace {

using namespace parse_detail;
using yaml::Node;
using yaml::Position;

// Display name of the built-in defaults that --set overrides are laid over.
constexpr const char* kDefaultsName = "<built-in defaults>";

std::string describe_node(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null: return "nothing (null)";
    case Node::Kind::map: return "a map";
    case Node::Kind::sequence: return "a list";
    case Node::Kind::scalar: {
      std::string shown = n.scalar.size() > 40 ? n.scalar.substr(0, 40) + "..." : n.scalar;
      return (n.quoted ? "the string \"" : "'") + shown + (n.quoted ? "\"" : "'");
    }
  }
  return "?";
}

std::string range_text(const Rule& rule) {
  std::string text;
  if (std::isfinite(rule.lo) && std::isfinite(rule.hi))
    text = "a value in [" + format_number(rule.lo) + ", " + format_number(rule.hi) + "]";
  else if (std::isfinite(rule.lo))
    text = "a value >= " + format_number(rule.lo);
  else if (std::isfinite(rule.hi))
    text = "a value <= " + format_number(rule.hi);
  else
    text = "a number";
  if (!rule.unit.empty() && rule.unit != "1") text += " (" + std::string(rule.unit) + ")";
  return text;
}

const Node& require_scalar(const Node& n, const std::string& path, const std::string& expected) {
  if (n.kind != Node::Kind::scalar) fail(n.pos, path, "found " + describe_node(n), expected);
  return n;
}

double parse_double(const Node& n, const std::string& path, const Rule& rule) {
  require_scalar(n, path, range_text(rule));
  if (n.quoted) fail(n.pos, path, "found " + describe_node(n), range_text(rule) + " without quotes");
  const std::string& s = n.scalar;
  double value = 0.0;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (!s.empty() && *begin == '+') ++begin;  // from_chars rejects a leading '+'
  auto result = std::from_chars(begin, end, value);
  if (result.ec == std::errc::result_out_of_range)
    fail(n.pos, path, "number " + s + " is out of the range of a double", range_text(rule));
  if (result.ec != std::errc{} || result.ptr != end || s.empty())
    fail(n.pos, path, "found " + describe_node(n), range_text(rule));
  if (!std::isfinite(value)) fail(n.pos, path, "found " + describe_node(n), range_text(rule) + ", finite");
  if (value < rule.lo || value > rule.hi)
    fail(n.pos, path, "value " + s + " is out of range", range_text(rule));
  return value;
}

template <class Int>
Int parse_integer(const Node& n, const std::string& path, const Rule& rule) {
  const std::string expected = "a whole number" + (std::isfinite(rule.lo) || std::isfinite(rule.hi)
                                                        ? std::string(", ") + range_text(rule)
                                                        : std::string());
  require_scalar(n, path, expected);
  if (n.quoted) fail(n.pos, path, "found " + describe_node(n), expected + " without quotes");
  const std::string& s = n.scalar;
  Int value{};
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (!s.empty() && *begin == '+') ++begin;
  auto result = std::from_chars(begin, end, value);
  if (result.ec == std::errc::result_out_of_range)
    fail(n.pos, path, "number " + s + " does not fit", expected);
  if (result.ec != std::errc{} || result.ptr != end || s.empty()) {
    // Accept integral values written in exponent form (e.g. 2e4 firms).
    double d = 0.0;
    auto r2 = std::from_chars(begin, end, d);
    // The upper bound is exclusive and exact (2^digits): the double nearest to Int's max is
    // 2^digits itself, which does not fit, and converting it is undefined behaviour.
    const double past_max = std::ldexp(1.0, std::numeric_limits<Int>::digits);
    if (r2.ec == std::errc{} && r2.ptr == end && std::isfinite(d) && d == std::floor(d) &&
        d >= static_cast<double>(std::numeric_limits<Int>::min()) && d < past_max)
      value = static_cast<Int>(d);
    else
      fail(n.pos, path, "found " + describe_node(n), expected);
  }
  if (static_cast<double>(value) < rule.lo || static_cast<double>(value) > rule.hi)
    fail(n.pos, path, "value " + s + " is out of range", expected);
  return value;
}

class Parser {
 public:
  Parser(const Node* node, std::string path, PositionIndex& positions)
      : node_(node), path_(std::move(path)), positions_(positions) {}

  template <class T>
  void field(std::string_view key, T& value, std::string_view /*doc*/, const Rule& rule) {
    keys_.emplace_back(key);
    const Node* n = node_ ? node_->find(key) : nullptr;
    if (n == nullptr) return;
    const std::string path = join(key);
    remember(path, *n);
    convert(*n, path, value, rule);
  }

  template <class S>
  void section(std::string_view key, S& sub, std::string_view /*doc*/) {
    keys_.emplace_back(key);
    const Node* n = node_ ? node_->find(key) : nullptr;
    if (n == nullptr) return;
    const std::string path = join(key);
    remember(path, *n);
    if (n->kind == Node::Kind::null) return;  // "key:" with nothing keeps the defaults
    if (n->kind != Node::Kind::map) fail(n->pos, path, "found " + describe_node(*n), "a map of settings");
    Parser child(n, path, positions_);
    describe(child, sub);
    child.reject_unknown_keys();
  }

  template <class S>
  void list(std::string_view key, std::vector<S>& items, std::string_view /*doc*/) {
    keys_.emplace_back(key);
    const Node* n = node_ ? node_->find(key) : nullptr;
    if (n == nullptr) return;
    const std::string path = join(key);
    remember(path, *n);
    items.clear();
    if (n->kind == Node::Kind::null) return;
    if (n->kind != Node::Kind::sequence) fail(n->pos, path, "found " + describe_node(*n), "a list");
    for (std::size_t i = 0; i < n->sequence.size(); ++i) {
      const Node& element = n->sequence[i];
      const std::string element_path = path + "." + std::to_string(i);
      remember(element_path, element);
      if (element.kind != Node::Kind::map)
        fail(element.pos, element_path, "found " + describe_node(element), "a map of settings");
      S item{};
      Parser child(&element, element_path, positions_);
      describe(child, item);
      child.reject_unknown_keys();
      items.push_back(std::move(item));
    }
  }

  void reject_unknown_keys() const {
    if (node_ == nullptr || node_->kind != Node::Kind::map) return;
    for (const auto& [key, value] : node_->map) {
      if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
      const std::string suggestion = text::nearest(key, keys_);
      std::string expected = suggestion.empty() ? "one of: " + joined_keys() : "'" + suggestion + "' (did you mean it?)";
      fail(value.key_pos.line > 0 ? value.key_pos : value.pos, join(key), "unknown key", expected);
    }
  }

 private:
  // Where a value was written, for later cross-field errors; values the user left at their
  // built-in defaults were written nowhere, so errors about them point at the file instead.
  void remember(const std::string& path, const Node& n) {
    if (n.pos.file != kDefaultsName) positions_[path] = n.pos;
  }
  std::string join(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  std::string joined_keys() const {
    std::string out;
    for (const auto& k : keys_) out += (out.empty() ? "" : ", ") + k;
    return out;
  }

  static void convert(const Node& n, const std::string& path, double& value, const Rule& rule) {
    value = parse_double(n, path, rule);
  }
  static void convert(const Node& n, const std::string& path, int& value, const Rule& rule) {
    value = parse_integer<int>(n, path, rule);
  }
  // Every 64-bit integer in a scenario is a seed: read with the one strict seed parser
  // that --seed and --seeds use too.
  static void convert(const Node& n, const std::string& path, std::uint64_t& value, const Rule&) {
    require_scalar(n, path, std::string(kSeedExpected));
    if (n.quoted) fail(n.pos, path, "found " + describe_node(n), std::string(kSeedExpected) + " without quotes");
    std::string problem;
    const auto seed = parse_seed(n.scalar, problem);
    if (!seed) fail(n.pos, path, "found " + describe_node(n) + ", " + problem, std::string(kSeedExpected));
    value = *seed;
  }
  static void convert(const Node& n, const std::string& path, bool& value, const Rule&) {
    require_scalar(n, path, "true or false");
    if (!n.quoted && n.scalar == "true")
      value = true;
    else if (!n.quoted && n.scalar == "false")
      value = false;
    else
      fail(n.pos, path, "found " + describe_node(n), "true or false");
  }
  static void convert(const Node& n, const std::string& path, std::string& value, const Rule&) {
    require_scalar(n, path, "a string");
    value = n.scalar;
  }
  static void convert(const Node& n, const std::string& path, Month& value, const Rule&) {
    require_scalar(n, path, "a month YYYY-MM");
    auto m = Month::parse(n.scalar);
    if (!m) fail(n.pos, path, "found " + describe_node(n), "a month YYYY-MM (e.g. 2015-03)");
    value = *m;
  }
  template <class E>
    requires std::is_enum_v<E>
  static void convert(const Node& n, const std::string& path, E& value, const Rule&) {
    const auto& names = EnumNames<E>::names;
    std::string options;
    for (auto name : names) options += (options.empty() ? "" : ", ") + std::string(name);
    require_scalar(n, path, "one of: " + options);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == n.scalar) {
        value = static_cast<E>(i);
        return;
      }
    }
    std::vector<std::string> candidates(names.begin(), names.end());
    const std::string suggestion = text::nearest(n.scalar, candidates);
    fail(n.pos, path, "found " + describe_node(n),
         suggestion.empty() ? "one of: " + options : "'" + suggestion + "' (did you mean it?); one of: " + options);
  }
  template <class T>
  static void convert(const Node& n, const std::string& path, std::optional<T>& value, const Rule& rule) {
    if (n.kind == Node::Kind::null) {
      value.reset();
      return;
    }
    T inner{};
    convert(n, path, inner, rule);
    value = inner;
  }
  template <class T>
  static void convert(const Node& n, const std::string& path, std::vector<T>& values, const Rule& rule) {
    if (n.kind != Node::Kind::sequence) fail(n.pos, path, "found " + describe_node(n), "a list");
    values.clear();
    for (std::size_t i = 0; i < n.sequence.size(); ++i) {
      T item{};
      convert(n.sequence[i], path + "." + std::to_string(i), item, rule);
      values.push_back(std::move(item));
    }
  }

  const Node* node_;
  std::string path_;
  PositionIndex& positions_;
  std::vector<std::string> keys_;
};

LoadedScenario finish(yaml::Node& root, const std::string& path, const std::vector<std::string>& overrides) {
  if (!overrides.empty() && root.kind == Node::Kind::map) {
    // Overrides may address values the file leaves at their defaults, including items of
    // the built-in lists (destinations.0.trade_cost_cbec): lay the file over the defaults
    // first. Values from the file keep their positions.
    Node merged = yaml::load_string(emit_yaml(Scenario{}), kDefaultsName);
    yaml::merge(merged, std::move(root));
    root = std::move(merged);
  }
  for (const auto& assignment : overrides) yaml::apply_override(root, assignment);
  if (root.kind == Node::Kind::null)
    fail(Position{path, 1, 1}, "", "the scenario is empty", "a map with keys such as run, cities, zones");
  if (root.kind != Node::Kind::map)
    fail(root.pos, "", "found " + describe_node(root), "a map with keys such as run, cities, zones");
  LoadedScenario loaded;
  loaded.path = path;
  PositionIndex positions;
  Parser parser(&root, "", positions);
  describe(parser, loaded.scenario);
  parser.reject_unknown_keys();
  validate(loaded.scenario, positions, path);
  loaded.resolved_yaml = emit_yaml(loaded.scenario);
  return loaded;
}

}  // namespace

int find_city(const Scenario& scenario, std::string_view name) {
  for (std::size_t i = 0; i < scenario.cities.list.size(); ++i)
    if (scenario.cities.list[i].name == name) return static_cast<int>(i);
  return -1;
}

LoadedScenario load_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides,
                             const std::atomic<bool>* cancel) {
  yaml::Limits limits;
  limits.cancel = cancel;
  yaml::Node root = yaml::load_scenario_tree(path, limits);
  LoadedScenario loaded = finish(root, path.string(), overrides);
  if (cancel != nullptr && cancel->load()) throw RunCancelled{};
  return loaded;
}

ScenarioSource::ScenarioSource(const std::filesystem::path& path)
    : path_(path.string()), root_(yaml::load_scenario_tree(path)) {}

LoadedScenario ScenarioSource::resolve(const std::vector<std::string>& overrides) const {
  yaml::Node root = root_;
  return finish(root, path_, overrides);
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& display_name,
                                  const std::vector<std::string>& overrides) {
  yaml::Node root = yaml::load_string(text, display_name);
  return finish(root, display_name, overrides);
}

}  // namespace pzsim
