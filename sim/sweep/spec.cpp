#include "sim/sweep/spec.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "sim/compare/compare.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/model/outputs.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim {

namespace {

using yaml::Node;

[[noreturn]] void fail(const yaml::Position& pos, const std::string& path, const std::string& what, const std::string& expected = {}) {
  std::string message = yaml::to_string(pos) + ": " + (path.empty() ? "(top level)" : path) + ": " + what;
  if (!expected.empty()) message += "; expected " + expected;
  throw InputError(message);
}

std::string describe(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null: return "nothing";
    case Node::Kind::map: return "a map";
    case Node::Kind::sequence: return "a list";
    case Node::Kind::scalar: return "'" + n.scalar + "'";
  }
  return "?";
}

std::string join(const std::string& parent, const std::string& key) { return parent.empty() ? key : parent + "." + key; }

void require(const Node& n, Node::Kind kind, const std::string& path, const std::string& expected) {
  if (n.kind != kind) fail(n.pos, path, "found " + describe(n), expected);
}

// Every key of a map must be one of `known`; the first unknown one is an error with a hint.
void reject_unknown(const Node& map, const std::string& path, const std::vector<std::string>& known) {
  for (const auto& [key, value] : map.map)
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const std::string near = text::nearest(key, known);
      std::string expected = near.empty() ? "" : "'" + near + "' (did you mean it?); ";
      expected += "one of";
      for (const auto& k : known) expected += " " + k;
      fail(value.key_pos, join(path, key), "unknown key", expected);
    }
}

// YAML text of a scalar as an override value: quoted scalars stay quoted ("yes" stays a string).
std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string value_text(const Node& n, const std::string& path) {
  if (n.kind == Node::Kind::scalar) return n.quoted ? quote(n.scalar) : n.scalar;
  if (n.kind == Node::Kind::null) fail(n.pos, path, "no value", "a value");
  std::string text = yaml::to_yaml(n);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

double number(const Node& n, const std::string& path) {
  require(n, Node::Kind::scalar, path, "a number");
  try {
    std::size_t used = 0;
    const double x = std::stod(n.scalar, &used);
    if (used == n.scalar.size() && std::isfinite(x) && !n.quoted) return x;
  } catch (const std::exception&) {
  }
  fail(n.pos, path, "found " + describe(n), "a number");
}

std::uint64_t whole(const Node& n, const std::string& path, std::uint64_t lo, std::uint64_t hi) {
  const double x = number(n, path);
  if (x != std::floor(x) || x < static_cast<double>(lo) || x > static_cast<double>(hi))
    fail(n.pos, path, "found " + describe(n), "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<std::uint64_t>(x);
}

void check_factor_key(const std::string& key, const yaml::Position& pos, const std::string& path) {
  if (key == "run.seed") fail(pos, path, "run.seed cannot be a factor", "replications under `seeds:` (every point runs every seed)");
  if (key.empty() || key.find('=') != std::string::npos || key.find('/') != std::string::npos)
    fail(pos, path, "'" + key + "' is not a key path", "a scenario key such as zones.finance.strength");
}

void check_variables(const SweepSpec& spec, const Node* collect) {
  std::vector<std::string> names;
  for (const auto& v : output_catalog()) names.push_back(v.name);
  const auto position_of = [&](std::size_t i) {
    const Node* vars = collect ? collect->find("variables") : nullptr;
    if (vars && vars->kind == Node::Kind::sequence && i < vars->sequence.size()) return vars->sequence[i].pos;
    return yaml::Position{spec.source, 0, 0};
  };
  const bool by_city_groups = !(spec.aggregate.size() == 1 && spec.aggregate[0] == "nation");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < spec.variables.size(); ++i) {
    const std::string& v = spec.variables[i];
    const std::string path = "collect.variables." + std::to_string(i);
    const auto it = std::find_if(output_catalog().begin(), output_catalog().end(), [&](const auto& o) { return o.name == v; });
    if (it == output_catalog().end()) {
      const std::string near = text::nearest(v, names);
      fail(position_of(i), path, "no result variable named '" + v + "'",
           near.empty() ? "a variable of docs/outputs.md" : "'" + near + "' (did you mean it?)");
    }
    if (!seen.insert(v).second) fail(position_of(i), path, "'" + v + "' is listed twice");
    if (by_city_groups && std::find(it->dims.begin(), it->dims.end(), "city") == it->dims.end())
      fail(position_of(i), path, "'" + v + "' has no city dimension, so it cannot be split by city",
           "aggregate: [nation] for it, or a variable by city");
  }
}

void check_aggregate(const std::vector<std::string>& aggregate, const yaml::Position& pos) {
  const std::vector<std::string> order = {"nation", "zone", "other"};
  if (aggregate.empty()) fail(pos, "collect.aggregate", "empty list", "some of nation, zone, other; or city");
  if (std::find(aggregate.begin(), aggregate.end(), "city") != aggregate.end()) {
    if (aggregate.size() != 1) fail(pos, "collect.aggregate", "city cannot be combined with other levels", "[city] alone");
    return;
  }
  std::size_t last = 0;
  for (std::size_t i = 0; i < aggregate.size(); ++i) {
    const auto it = std::find(order.begin(), order.end(), aggregate[i]);
    if (it == order.end()) {
      const std::string near = text::nearest(aggregate[i], {"nation", "zone", "other", "city"});
      fail(pos, "collect.aggregate." + std::to_string(i), "unknown level '" + aggregate[i] + "'",
           near.empty() ? "nation, zone, other or city" : "'" + near + "' (did you mean it?)");
    }
    const std::size_t at = static_cast<std::size_t>(it - order.begin());
    if (i > 0 && at <= last) fail(pos, "collect.aggregate", "levels repeated or out of order", "nation, zone, other in that order");
    last = at;
  }
}

std::vector<std::uint64_t> seeds_of(const Node& n) {
  std::string text;
  if (n.kind == Node::Kind::scalar) {
    text = n.scalar;
  } else if (n.kind == Node::Kind::sequence) {
    for (std::size_t i = 0; i < n.sequence.size(); ++i) {
      const Node& item = n.sequence[i];
      text += (i ? "," : "") + std::to_string(whole(item, "seeds." + std::to_string(i), 0, UINT64_MAX >> 12));
    }
  } else {
    fail(n.pos, "seeds", "found " + describe(n), "seeds such as 1-3, 1,4,7-9 or a list of whole numbers");
  }
  try {
    return parse_seed_list(text);
  } catch (const InputError& e) {
    fail(n.pos, "seeds", e.what(), "seeds such as 1-3, 1,4,7-9 or a list of whole numbers");
  }
}

Design design_of(const Node& n, const std::string& source) {
  require(n, Node::Kind::map, "design", "a map with type and factors (or points)");
  Design d;
  const Node* type = n.find("type");
  if (!type) fail(n.pos, "design.type", "missing", "grid, list, lhs or saltelli");
  require(*type, Node::Kind::scalar, "design.type", "grid, list, lhs or saltelli");
  const std::vector<std::string> kinds = {"grid", "list", "lhs", "saltelli"};
  const auto kind = std::find(kinds.begin(), kinds.end(), type->scalar);
  if (kind == kinds.end()) {
    const std::string near = text::nearest(type->scalar, kinds);
    fail(type->pos, "design.type", "unknown design '" + type->scalar + "'",
         near.empty() ? "grid, list, lhs or saltelli" : "'" + near + "' (did you mean it?)");
  }
  d.kind = static_cast<DesignKind>(kind - kinds.begin());
  switch (d.kind) {
    case DesignKind::grid: reject_unknown(n, "design", {"type", "factors"}); break;
    case DesignKind::list: reject_unknown(n, "design", {"type", "points"}); break;
    case DesignKind::lhs: reject_unknown(n, "design", {"type", "factors", "samples", "seed"}); break;
    case DesignKind::saltelli: reject_unknown(n, "design", {"type", "factors", "samples"}); break;
  }

  if (d.kind == DesignKind::list) {
    const Node* points = n.find("points");
    if (!points) fail(n.pos, "design.points", "missing", "a list of points, each a map key.path: value");
    require(*points, Node::Kind::sequence, "design.points", "a list of points, each a map key.path: value");
    if (points->sequence.empty()) fail(points->pos, "design.points", "no points", "at least one point");
    for (const auto& p : points->sequence)  // factors: keys in order of first appearance
      for (const auto& [key, value] : p.map)
        // named capture: clang 14 cannot capture a structured binding (sanitizer build)
        if (std::none_of(d.factors.begin(), d.factors.end(), [&, &key = key](const Factor& f) { return f.key == key; }))
          d.factors.push_back(Factor{key, {}, 0, 0, value.key_pos});
    for (std::size_t i = 0; i < points->sequence.size(); ++i) {
      const Node& p = points->sequence[i];
      const std::string path = "design.points." + std::to_string(i);
      require(p, Node::Kind::map, path, "a map key.path: value");
      std::vector<std::string> values;
      for (const auto& f : d.factors) {
        check_factor_key(f.key, f.pos, path + "." + f.key);
        const Node* v = p.find(f.key);
        if (!v) fail(p.pos, path, "no value for " + f.key, "every point to set the same keys");
        if (v->kind != Node::Kind::scalar) fail(v->pos, path + "." + f.key, "found " + describe(*v), "a single value");
        values.push_back(value_text(*v, path + "." + f.key));
      }
      d.list_points.push_back(std::move(values));
    }
    return d;
  }

  const Node* factors = n.find("factors");
  if (!factors) fail(n.pos, "design.factors", "missing", "a map key.path: values");
  require(*factors, Node::Kind::map, "design.factors", "a map key.path: values");
  if (factors->map.empty()) fail(factors->pos, "design.factors", "no factors", "at least one factor");
  for (const auto& [key, value] : factors->map) {
    const std::string path = "design.factors." + key;
    check_factor_key(key, value.key_pos, path);
    Factor f{key, {}, 0, 0, value.key_pos};
    if (d.kind == DesignKind::grid) {
      require(value, Node::Kind::sequence, path, "a list of values");
      if (value.sequence.empty()) fail(value.pos, path, "no values", "at least one value");
      std::set<std::string> seen;
      for (std::size_t i = 0; i < value.sequence.size(); ++i) {
        const Node& level = value.sequence[i];
        if (level.kind != Node::Kind::scalar) fail(level.pos, path + "." + std::to_string(i), "found " + describe(level), "a single value");
        f.levels.push_back(value_text(level, path));
        if (!seen.insert(f.levels.back()).second) fail(level.pos, path + "." + std::to_string(i), "value listed twice");
      }
    } else {
      require(value, Node::Kind::map, path, "{min: LOW, max: HIGH}");
      reject_unknown(value, path, {"min", "max"});
      const Node* lo = value.find("min");
      const Node* hi = value.find("max");
      if (!lo || !hi) fail(value.pos, path, "min or max missing", "{min: LOW, max: HIGH}");
      f.min = number(*lo, path + ".min");
      f.max = number(*hi, path + ".max");
      if (!(f.min < f.max)) fail(hi->pos, path + ".max", "max is not above min", "min < max");
    }
    d.factors.push_back(std::move(f));
  }
  if (d.kind == DesignKind::lhs || d.kind == DesignKind::saltelli) {
    const Node* samples = n.find("samples");
    if (!samples) fail(n.pos, "design.samples", "missing", d.kind == DesignKind::lhs ? "the number of points" : "the base samples N");
    d.samples = static_cast<std::size_t>(whole(*samples, "design.samples", d.kind == DesignKind::lhs ? 1 : 2, 1000000));
    if (const Node* seed = n.find("seed")) d.seed = whole(*seed, "design.seed", 0, UINT64_MAX >> 12);
    if (d.kind == DesignKind::saltelli && 2 * d.factors.size() > 20)
      fail(factors->pos, "design.factors", std::to_string(d.factors.size()) + " factors", "at most 10 for a saltelli design");
  }
  (void)source;
  return d;
}

SweepSpec spec_of(const Node& root, const std::string& source, const std::filesystem::path& folder) {
  if (root.kind != Node::Kind::map) fail(root.kind == Node::Kind::null ? yaml::Position{source, 1, 1} : root.pos, "",
                                         "found " + describe(root), "a map with scenario, design, seeds");
  reject_unknown(root, "", {"description", "scenario", "set", "design", "seeds", "counterfactual", "collect"});
  SweepSpec spec;
  spec.source = source;
  if (const Node* d = root.find("description")) spec.description = value_text(*d, "description");
  const Node* scenario = root.find("scenario");
  if (!scenario) fail(root.pos, "scenario", "missing", "the base scenario file (relative to this file)");
  require(*scenario, Node::Kind::scalar, "scenario", "a file name");
  spec.scenario = std::filesystem::path(scenario->scalar).is_absolute() ? std::filesystem::path(scenario->scalar)
                                                                         : folder / scenario->scalar;
  if (const Node* set = root.find("set")) {
    if (set->kind == Node::Kind::map) {
      for (const auto& [key, value] : set->map) spec.overrides.push_back(key + "=" + value_text(value, "set." + key));
    } else if (set->kind == Node::Kind::sequence) {
      for (std::size_t i = 0; i < set->sequence.size(); ++i) {
        const Node& item = set->sequence[i];
        require(item, Node::Kind::scalar, "set." + std::to_string(i), "key.path=value");
        if (item.scalar.find('=') == std::string::npos) fail(item.pos, "set." + std::to_string(i), "no '='", "key.path=value");
        spec.overrides.push_back(item.scalar);
      }
    } else {
      fail(set->pos, "set", "found " + describe(*set), "a map key.path: value (or a list of key.path=value)");
    }
  }
  const Node* design = root.find("design");
  if (!design) fail(root.pos, "design", "missing", "a design (type: grid, list, lhs or saltelli)");
  spec.design = design_of(*design, source);
  const Node* seeds = root.find("seeds");
  spec.seeds = seeds ? seeds_of(*seeds) : std::vector<std::uint64_t>{1};
  if (const Node* cf = root.find("counterfactual")) {
    require(*cf, Node::Kind::scalar, "counterfactual", "yes or no");
    const std::string& v = cf->scalar;
    if (v == "yes" || v == "true") spec.counterfactual = true;
    else if (v == "no" || v == "false") spec.counterfactual = false;
    else fail(cf->pos, "counterfactual", "found " + describe(*cf), "yes or no");
  }
  spec.variables = default_collect_variables();
  spec.aggregate = {"nation", "zone", "other"};
  const Node* collect = root.find("collect");
  yaml::Position aggregate_pos{source, 0, 0};
  if (collect) {
    require(*collect, Node::Kind::map, "collect", "a map with variables and aggregate");
    reject_unknown(*collect, "collect", {"variables", "aggregate"});
    if (const Node* vars = collect->find("variables")) {
      require(*vars, Node::Kind::sequence, "collect.variables", "a list of result variables");
      if (vars->sequence.empty()) fail(vars->pos, "collect.variables", "empty list", "at least one variable");
      spec.variables.clear();
      for (std::size_t i = 0; i < vars->sequence.size(); ++i) {
        require(vars->sequence[i], Node::Kind::scalar, "collect.variables." + std::to_string(i), "a variable name");
        spec.variables.push_back(vars->sequence[i].scalar);
      }
    }
    if (const Node* agg = collect->find("aggregate")) {
      aggregate_pos = agg->pos;
      if (agg->kind == Node::Kind::scalar) {
        spec.aggregate = {agg->scalar};
      } else {
        require(*agg, Node::Kind::sequence, "collect.aggregate", "a list of nation, zone, other; or city");
        spec.aggregate.clear();
        for (std::size_t i = 0; i < agg->sequence.size(); ++i) {
          require(agg->sequence[i], Node::Kind::scalar, "collect.aggregate." + std::to_string(i), "nation, zone, other or city");
          spec.aggregate.push_back(agg->sequence[i].scalar);
        }
      }
    }
  }
  check_aggregate(spec.aggregate, aggregate_pos);
  check_variables(spec, collect);
  return spec;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

const std::vector<std::string>& default_collect_variables() {
  static const std::vector<std::string> names = {"employment", "exports_usd", "exports_cbec_recorded_usd", "firms_alive",
                                                 "fiscal_cost_usd"};
  return names;
}

SweepSpec load_sweep_file(const std::filesystem::path& path) {
  const Node root = yaml::load_file(path);
  std::filesystem::path folder = path.parent_path();
  if (folder.empty()) folder = ".";
  return spec_of(root, path.string(), folder);
}

SweepSpec load_sweep_text(const std::string& text, const std::string& display_name, const std::filesystem::path& folder) {
  return spec_of(yaml::load_string(text, display_name), display_name, folder);
}

SweepSpec sweep_from_flags(const SweepFlags& flags) {
  // Build the same YAML a user would write, so the flag form is validated by the same code.
  std::ostringstream y;
  y << "scenario: " << quote(std::filesystem::absolute(flags.scenario).string()) << "\n";
  if (!flags.overrides.empty()) {
    y << "set:\n";
    for (const auto& o : flags.overrides) y << "  - " << quote(o) << "\n";
  }
  if (flags.grid.empty()) throw InputError("pzsim sweep SCENARIO needs at least one --grid key=v1,v2,... (or a sweep file)");
  y << "design:\n  type: grid\n  factors:\n";
  std::set<std::string> keys;
  for (const auto& g : flags.grid) {
    const std::size_t eq = g.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == g.size())
      throw InputError("--grid " + g + ": expected key.path=v1,v2,...");
    const std::string key = g.substr(0, eq);
    if (!keys.insert(key).second) throw InputError("--grid " + key + " is given twice");
    y << "    " << quote(key) << ":\n";
    for (const auto& v : split(g.substr(eq + 1), ',')) {
      if (v.empty()) throw InputError("--grid " + g + ": empty value");
      y << "      - " << v << "\n";
    }
  }
  y << "seeds: " << quote(flags.seeds) << "\n";
  y << "counterfactual: " << (flags.counterfactual ? "yes" : "no") << "\n";
  if (!flags.variables.empty() || !flags.aggregate.empty()) {
    y << "collect:\n";
    if (!flags.variables.empty()) {
      y << "  variables:\n";
      for (const auto& v : flags.variables) y << "    - " << quote(v) << "\n";
    }
    if (!flags.aggregate.empty()) {
      y << "  aggregate:\n";
      for (const auto& a : flags.aggregate) y << "    - " << quote(a) << "\n";
    }
  }
  return load_sweep_text(y.str(), "<command line>", ".");
}

std::string emit_sweep_yaml(const SweepSpec& spec) {
  std::ostringstream y;
  y << "# The resolved sweep (pzsim sweep): loads back as a sweep file.\n";
  if (!spec.description.empty()) y << "description: " << quote(spec.description) << "\n";
  y << "scenario: " << quote(std::filesystem::weakly_canonical(std::filesystem::absolute(spec.scenario)).string()) << "\n";
  if (!spec.overrides.empty()) {
    y << "set:\n";
    for (const auto& o : spec.overrides) y << "  - " << quote(o) << "\n";
  }
  const Design& d = spec.design;
  y << "design:\n  type: " << design_name(d.kind) << "\n";
  if (d.kind == DesignKind::list) {
    y << "  points:\n";
    for (const auto& p : d.list_points) {
      for (std::size_t j = 0; j < d.factors.size(); ++j)
        y << (j == 0 ? "    - " : "      ") << quote(d.factors[j].key) << ": " << p[j] << "\n";
    }
  } else {
    y << "  factors:\n";
    for (const auto& f : d.factors) {
      y << "    " << quote(f.key) << ":";
      if (d.kind == DesignKind::grid) {
        y << "\n";
        for (const auto& level : f.levels) y << "      - " << level << "\n";
      } else {
        y << " {min: " << text::exact_text(f.min) << ", max: " << text::exact_text(f.max) << "}\n";
      }
    }
    if (d.kind != DesignKind::grid) y << "  samples: " << d.samples << "\n";
    if (d.kind == DesignKind::lhs) y << "  seed: " << d.seed << "\n";
  }
  y << "seeds: [";
  for (std::size_t i = 0; i < spec.seeds.size(); ++i) y << (i ? ", " : "") << spec.seeds[i];
  y << "]\ncounterfactual: " << (spec.counterfactual ? "yes" : "no") << "\ncollect:\n  variables:\n";
  for (const auto& v : spec.variables) y << "    - " << v << "\n";
  y << "  aggregate: [";
  for (std::size_t i = 0; i < spec.aggregate.size(); ++i) y << (i ? ", " : "") << spec.aggregate[i];
  y << "]\n";
  return y.str();
}

}  // namespace pzsim
