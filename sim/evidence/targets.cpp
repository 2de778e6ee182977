#include "sim/evidence/targets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>
#include <stdexcept>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"

namespace pzsim::evidence {

[[noreturn]] void fail(const yaml::Position& pos, const std::string& where, const std::string& what) {
  throw InputError(yaml::to_string(pos) + ": " + where + ": " + what);
}

// A map node whose keys must come from `allowed`; an unknown key is an error with a hint.
void check_keys(const yaml::Node& node, const std::string& where, const std::vector<std::string>& allowed) {
  if (node.kind != yaml::Node::Kind::map) fail(node.pos, where, "expected a map of keys");
  for (const auto& [key, value] : node.map) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string near = text::nearest(key, allowed);
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(value.key_pos, where + "." + key,
         "unknown key" + (near.empty() ? "; expected one of: " + list : "; did you mean '" + near + "'?"));
  }
}

std::string scalar(const yaml::Node& node, const std::string& where) {
  if (node.kind != yaml::Node::Kind::scalar) fail(node.pos, where, "expected a single value");
  return node.scalar;
}

std::string text_of(const yaml::Node& parent, const std::string& key, const std::string& where, bool required) {
  const yaml::Node* node = parent.find(key);
  if (node == nullptr) {
    if (required) fail(parent.pos, where, "missing key '" + key + "'");
    return {};
  }
  return scalar(*node, where + "." + key);
}

double number(const yaml::Node& node, const std::string& where) {
  const std::string text = scalar(node, where);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
    fail(node.pos, where, "expected a number, got '" + text + "'");
  return value;
}

bool boolean(const yaml::Node& node, const std::string& where) {
  const std::string text = scalar(node, where);
  if (text == "true") return true;
  if (text == "false") return false;
  fail(node.pos, where, "expected true or false, got '" + text + "'");
}

std::vector<std::string> labels(const yaml::Node& node, const std::string& where) {
  std::vector<std::string> out;
  if (node.kind == yaml::Node::Kind::sequence) {
    for (std::size_t i = 0; i < node.sequence.size(); ++i)
      out.push_back(scalar(node.sequence[i], where + "." + std::to_string(i)));
  } else {
    out.push_back(scalar(node, where));
  }
  if (out.empty()) fail(node.pos, where, "expected at least one label");
  return out;
}

namespace {

bool valid_month(const std::string& m) {
  if (m.size() != 7 || m[4] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
    if (!std::isdigit(static_cast<unsigned char>(m[i]))) return false;
  const int month = std::atoi(m.substr(5).c_str());
  return month >= 1 && month <= 12;
}

std::string month_of(const yaml::Node& node, const std::string& where, bool last) {
  const std::string text = scalar(node, where);
  const std::string m = month_bound(text, last);
  if (m.empty()) fail(node.pos, where, "expected a year YYYY or a month YYYY-MM, got '" + text + "'");
  return m;
}

}  // namespace

Operand parse_operand(const std::string& name, const yaml::Node& node, const std::string& where) {
  Operand op;
  op.name = name;
  op.pos = node.pos;
  check_keys(node, where,
             {"variable", "run", "months", "select", "cities", "currency", "national", "reduce", "weight", "group_by",
              "snapshot", "dataset", "where", "scenario", "scenario_sum"});
  const int sources = (node.find("variable") != nullptr) + (node.find("snapshot") != nullptr) +
                      (node.find("scenario") != nullptr) + (node.find("scenario_sum") != nullptr);
  if (sources != 1) fail(node.pos, where, "give exactly one of variable, snapshot, scenario or scenario_sum");
  if (const auto* n = node.find("run"))
    op.run = choice<RunRole>(*n, where + ".run", {{"policy", RunRole::policy}, {"counterfactual", RunRole::counterfactual}});

  if (const auto* n = node.find("scenario")) {
    op.source = Operand::Source::scenario_value;
    op.scenario_path = scalar(*n, where + ".scenario");
  } else if (const auto* n = node.find("scenario_sum")) {
    op.source = Operand::Source::scenario_sum;
    op.scenario_path = scalar(*n, where + ".scenario_sum");
  }
  if (op.source == Operand::Source::scenario_value || op.source == Operand::Source::scenario_sum) {
    for (const char* key : {"months", "select", "cities", "currency", "national", "reduce", "weight", "group_by", "dataset", "where"})
      if (node.find(key) != nullptr) fail(node.find(key)->key_pos, where + "." + key, "not used with scenario values");
    return op;
  }

  if (const auto* n = node.find("snapshot")) {
    op.source = Operand::Source::snapshot;
    op.snapshot_month = month_of(*n, where + ".snapshot", true);
    if (scalar(*n, where + ".snapshot").size() != 7) fail(n->pos, where + ".snapshot", "expected a month YYYY-MM");
    op.dataset = text_of(node, "dataset", where, true);
    if (const auto* w = node.find("weight")) op.snapshot_weight = scalar(*w, where + ".weight");
    if (const auto* w = node.find("where")) {
      check_keys(*w, where + ".where", {"firms/city", "firms/sector", "consumers/destination"});
      for (const auto& [dataset, label] : w->map) op.where.emplace_back(dataset, scalar(label, where + ".where." + dataset));
    }
    op.reduce = Reduce::sum;
    if (const auto* r = node.find("reduce"))
      op.reduce = choice<Reduce>(*r, where + ".reduce", {{"sum", Reduce::sum}, {"mean", Reduce::mean}, {"weighted_mean", Reduce::weighted_mean}});
    if (op.reduce == Reduce::weighted_mean && op.snapshot_weight.empty())
      fail(node.pos, where, "reduce: weighted_mean needs weight: <dataset>");
    op.national = false;
    if (const auto* b = node.find("national")) op.national = boolean(*b, where + ".national");
    for (const char* key : {"months", "select", "cities", "currency", "group_by"})
      if (node.find(key) != nullptr) fail(node.find(key)->key_pos, where + "." + key, "not used with snapshots");
    return op;
  }

  op.variable = scalar(*node.find("variable"), where + ".variable");
  if (const auto* n = node.find("months")) {
    if (n->kind == yaml::Node::Kind::sequence) {
      if (n->sequence.size() != 2) fail(n->pos, where + ".months", "expected [first, last]");
      op.first_month = month_of(n->sequence[0], where + ".months.0", false);
      op.last_month = month_of(n->sequence[1], where + ".months.1", true);
    } else {
      op.first_month = month_of(*n, where + ".months", false);
      op.last_month = month_of(*n, where + ".months", true);
    }
    if (op.last_month < op.first_month) fail(n->pos, where + ".months", "the last month is before the first");
  }
  if (const auto* n = node.find("select")) {
    if (n->kind != yaml::Node::Kind::map) fail(n->pos, where + ".select", "expected a map dimension: label(s)");
    for (const auto& [dim, value] : n->map) {
      if (dim == "time") fail(value.key_pos, where + ".select.time", "select months with months:, not select");
      op.select.emplace_back(dim, labels(value, where + ".select." + dim));
    }
  }
  if (const auto* n = node.find("cities")) {
    const std::string w = where + ".cities";
    check_keys(*n, w, {"zone", "zone_by", "coastal", "macro_region", "names"});
    if (const auto* z = n->find("zone")) {
      op.cities.zone = scalar(*z, w + ".zone");
      const std::vector<std::string> zones = {"now", "not_now", "ever", "never"};
      if (std::find(zones.begin(), zones.end(), op.cities.zone) == zones.end())
        fail(z->pos, w + ".zone", "'" + op.cities.zone + "' is not one of: now, not_now, ever, never");
    }
    if (const auto* z = n->find("zone_by")) {
      op.cities.zone_by = scalar(*z, w + ".zone_by");
      if (!valid_month(op.cities.zone_by)) fail(z->pos, w + ".zone_by", "expected a month YYYY-MM");
    }
    if (const auto* c = n->find("coastal")) op.cities.coastal = boolean(*c, w + ".coastal");
    if (const auto* r = n->find("macro_region")) op.cities.macro_regions = labels(*r, w + ".macro_region");
    if (const auto* c = n->find("names")) op.cities.names = labels(*c, w + ".names");
  }
  if (const auto* n = node.find("currency")) {
    op.currency = scalar(*n, where + ".currency");
    if (op.currency != "CNY" && op.currency != "USD") fail(n->pos, where + ".currency", "expected CNY or USD");
  }
  if (const auto* n = node.find("national")) op.national = boolean(*n, where + ".national");
  if (const auto* n = node.find("reduce"))
    op.reduce = choice<Reduce>(*n, where + ".reduce",
                               {{"sum", Reduce::sum}, {"per_year", Reduce::per_year}, {"mean", Reduce::mean},
                                {"end", Reduce::end}, {"weighted_mean", Reduce::weighted_mean}});
  if (const auto* n = node.find("weight")) op.weight = scalar(*n, where + ".weight");
  if ((op.reduce == Reduce::weighted_mean) != !op.weight.empty())
    fail(node.pos, where, "weight: goes with reduce: weighted_mean and only with it");
  if (const auto* n = node.find("group_by")) {
    op.group_by = scalar(*n, where + ".group_by");
    if (op.group_by != "city" && op.group_by != "province" && op.group_by != "macro_region")
      fail(n->pos, where + ".group_by", "expected city, province or macro_region");
  }
  for (const char* key : {"dataset", "where"})
    if (node.find(key) != nullptr) fail(node.find(key)->key_pos, where + "." + key, "only used with snapshot:");
  return op;
}

namespace {

EvidenceRow parse_row(const yaml::Node& node, const std::string& where, const std::filesystem::path& folder) {
  EvidenceRow row;
  row.pos = node.pos;
  check_keys(node, where,
             {"id", "label", "target", "unit", "period", "source", "note", "tolerance", "model", "measurable", "reason",
              "measured_by", "tuned"});
  row.id = text_of(node, "id", where, true);
  row.label = text_of(node, "label", where, true);
  row.unit = text_of(node, "unit", where, true);
  row.period = text_of(node, "period", where, true);
  row.source = text_of(node, "source", where, true);
  row.note = text_of(node, "note", where, false);
  row.tuned = text_of(node, "tuned", where, false);
  if (const auto* m = node.find("measurable")) row.measurable = boolean(*m, where + ".measurable");

  const yaml::Node* target = node.find("target");
  if (target == nullptr) fail(node.pos, where, "missing key 'target'");
  if (target->kind == yaml::Node::Kind::scalar) {
    row.target.value = number(*target, where + ".target");
  } else {
    check_keys(*target, where + ".target", {"value", "low", "high", "min", "max"});
    const auto get = [&](const char* key) -> std::optional<double> {
      if (const auto* n = target->find(key)) return number(*n, where + ".target." + key);
      return std::nullopt;
    };
    row.target = {get("value"), get("low"), get("high"), get("min"), get("max")};
    const int forms = row.target.value.has_value() + (row.target.low.has_value() || row.target.high.has_value()) +
                      (row.target.min.has_value() || row.target.max.has_value());
    if (forms != 1 || row.target.low.has_value() != row.target.high.has_value())
      fail(target->pos, where + ".target", "give value, or low and high, or min and/or max");
    if (row.target.low && *row.target.low > *row.target.high) fail(target->pos, where + ".target", "low is above high");
  }

  if (!row.measurable) {
    for (const char* key : {"model", "tolerance"})
      if (node.find(key) != nullptr) fail(node.find(key)->key_pos, where + "." + key, "not used when measurable: false");
    row.reason = text_of(node, "reason", where, true);
    row.measured_by = text_of(node, "measured_by", where, false);
    return row;
  }
  for (const char* key : {"reason", "measured_by"})
    if (node.find(key) != nullptr) fail(node.find(key)->key_pos, where + "." + key, "only used with measurable: false");

  const yaml::Node* tolerance = node.find("tolerance");
  if (tolerance == nullptr) fail(node.pos, where, "missing key 'tolerance'");
  check_keys(*tolerance, where + ".tolerance", {"relative", "absolute", "reason"});
  if (const auto* n = tolerance->find("relative")) row.tolerance.relative = number(*n, where + ".tolerance.relative");
  if (const auto* n = tolerance->find("absolute")) row.tolerance.absolute = number(*n, where + ".tolerance.absolute");
  if (row.tolerance.relative.has_value() == row.tolerance.absolute.has_value())
    fail(tolerance->pos, where + ".tolerance", "give exactly one of relative or absolute");
  if (row.tolerance.relative.value_or(0.0) < 0 || row.tolerance.absolute.value_or(0.0) < 0)
    fail(tolerance->pos, where + ".tolerance", "a tolerance cannot be negative");
  row.tolerance.reason = text_of(*tolerance, "reason", where + ".tolerance", true);

  const yaml::Node* model = node.find("model");
  if (model == nullptr) fail(node.pos, where, "missing key 'model' (or say measurable: false with a reason)");
  const std::string mw = where + ".model";
  check_keys(*model, mw, {"operands", "value", "check", "ranked", "k", "include", "data", "key", "column"});
  const yaml::Node* operands = model->find("operands");
  if (operands == nullptr || operands->kind != yaml::Node::Kind::map || operands->map.empty())
    fail(model->pos, mw, "expected operands: a map of name: {variable: ...}");
  for (const auto& [name, value] : operands->map) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') ||
        !std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
      fail(value.key_pos, mw + ".operands." + name, "operand names are letters, digits and _, not starting with a digit");
    row.operands.push_back(parse_operand(name, value, mw + ".operands." + name));
  }
  const auto operand_named = [&](const std::string& name) {
    return std::find_if(row.operands.begin(), row.operands.end(), [&](const Operand& o) { return o.name == name; });
  };
  if (const auto* c = model->find("check"))
    row.check = choice<Check>(*c, mw + ".check",
                              {{"value", Check::value}, {"top_k", Check::top_k}, {"share_deviation", Check::share_deviation}});
  if (row.check == Check::value) {
    for (const char* key : {"ranked", "k", "include", "data", "key", "column"})
      if (model->find(key) != nullptr) fail(model->find(key)->key_pos, mw + "." + key, "only used with check: top_k or share_deviation");
    const yaml::Node* value = model->find("value");
    if (value == nullptr && row.operands.size() != 1)
      fail(model->pos, mw, "missing key 'value' (an expression over the operands)");
    row.expression_text = value != nullptr ? scalar(*value, mw + ".value") : row.operands.front().name;
    try {
      row.expression = Expression::parse(row.expression_text);
    } catch (const std::invalid_argument& e) {
      fail(value != nullptr ? value->pos : model->pos, mw + ".value", e.what());
    }
    for (const auto& name : row.expression.names()) {
      if (operand_named(name) != row.operands.end()) continue;
      std::vector<std::string> names;
      for (const auto& o : row.operands) names.push_back(o.name);
      const std::string near = text::nearest(name, names);
      fail(value != nullptr ? value->pos : model->pos, mw + ".value",
           "'" + name + "' is not an operand" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
    for (const auto& o : row.operands)
      if (!o.group_by.empty()) fail(o.pos, mw + ".operands." + o.name, "group_by is only used with check: top_k or share_deviation");
  } else {
    if (model->find("value") != nullptr) fail(model->find("value")->key_pos, mw + ".value", "not used with this check");
    row.ranked = text_of(*model, "ranked", mw, true);
    const auto ranked = operand_named(row.ranked);
    if (ranked == row.operands.end()) fail(model->find("ranked")->pos, mw + ".ranked", "'" + row.ranked + "' is not an operand");
    if (ranked->group_by.empty()) fail(ranked->pos, mw + ".operands." + row.ranked, "the ranked operand needs group_by");
    if (row.check == Check::top_k) {
      const yaml::Node* k_node = model->find("k");
      if (k_node == nullptr) fail(model->pos, mw, "missing key 'k'");
      const double k = number(*k_node, mw + ".k");
      if (k < 1 || k != std::floor(k)) fail(k_node->pos, mw + ".k", "expected a whole number >= 1");
      row.k = static_cast<int>(k);
      const yaml::Node* include = model->find("include");
      if (include == nullptr) fail(model->pos, mw, "missing key 'include' (the groups expected in the top k)");
      row.include = labels(*include, mw + ".include");
      for (const char* key : {"data", "key", "column"})
        if (model->find(key) != nullptr) fail(model->find(key)->key_pos, mw + "." + key, "only used with check: share_deviation");
    } else {
      row.data_file = folder / text_of(*model, "data", mw, true);
      row.data_key = text_of(*model, "key", mw, true);
      row.data_column = text_of(*model, "column", mw, true);
      for (const char* key : {"k", "include"})
        if (model->find(key) != nullptr) fail(model->find(key)->key_pos, mw + "." + key, "only used with check: top_k");
    }
  }
  return row;
}

}  // namespace

std::string format_quantity(double x) {
  char buffer[64];
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  const double magnitude = std::abs(x);
  if (magnitude < 1e4 || magnitude >= 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.4g", x);
    return buffer;
  }
  // Four significant digits, grouped by thousands: 20,000 and 252,800 rather than 2e+04.
  const double unit = std::pow(10.0, std::floor(std::log10(magnitude)) - 3);
  std::snprintf(buffer, sizeof buffer, "%.0f", std::round(magnitude / unit) * unit);
  std::string digits = buffer, grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return (x < 0 ? "-" : "") + grouped;
}

std::string month_bound(const std::string& text, bool last) {
  if (text.size() == 4 && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return text + (last ? "-12" : "-01");
  return valid_month(text) ? text : std::string();
}

std::string Target::text() const {
  if (value) return format_quantity(*value);
  if (low) return format_quantity(*low) + " to " + format_quantity(*high);
  if (min && max) return format_quantity(*min) + " to " + format_quantity(*max);
  if (min) return ">= " + format_quantity(*min);
  return "<= " + format_quantity(*max);
}

std::string Tolerance::text() const {
  if (relative) return "±" + format_quantity(*relative * 100) + "%";
  return "±" + format_quantity(absolute.value_or(0.0));
}

bool EvidenceRow::needs_counterfactual() const {
  return std::any_of(operands.begin(), operands.end(), [](const Operand& o) { return o.run == RunRole::counterfactual; });
}

std::pair<double, double> EvidenceRow::accepted() const {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const auto widen_down = [&](double x) {
    return tolerance.relative ? x - std::abs(x) * *tolerance.relative : x - tolerance.absolute.value_or(0.0);
  };
  const auto widen_up = [&](double x) {
    return tolerance.relative ? x + std::abs(x) * *tolerance.relative : x + tolerance.absolute.value_or(0.0);
  };
  if (target.value) return {widen_down(*target.value), widen_up(*target.value)};
  if (target.low) return {widen_down(*target.low), widen_up(*target.high)};
  return {target.min ? widen_down(*target.min) : -inf, target.max ? widen_up(*target.max) : inf};
}

TargetsFile parse_targets(const yaml::Node& root, const std::filesystem::path& path) {
  TargetsFile file;
  file.path = path;
  check_keys(root, "(top level)", {"description", "rows"});
  file.description = text_of(root, "description", "(top level)", false);
  const yaml::Node* rows = root.find("rows");
  if (rows == nullptr || rows->kind != yaml::Node::Kind::sequence || rows->sequence.empty())
    fail(root.pos, "(top level)", "expected rows: a list of evidence rows");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < rows->sequence.size(); ++i) {
    const std::string where = "rows." + std::to_string(i);
    EvidenceRow row = parse_row(rows->sequence[i], where, path.parent_path());
    if (!ids.insert(row.id).second) fail(rows->sequence[i].find("id")->pos, where + ".id", "duplicate id '" + row.id + "'");
    file.rows.push_back(std::move(row));
  }
  return file;
}

TargetsFile load_targets(const std::filesystem::path& path) { return parse_targets(yaml::load_file(path), path); }

}  // namespace pzsim::evidence
