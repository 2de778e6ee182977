#include "sim/calibrate/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "sim/compare/compare.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"

namespace pzsim::calibrate {

using evidence::boolean;
using evidence::check_keys;
using evidence::fail;
using evidence::number;
using evidence::scalar;

namespace {

int whole_number(const yaml::Node& node, const std::string& where, int lowest) {
  const double x = number(node, where);
  if (x != std::floor(x) || x < lowest || x > 1e9)
    fail(node.pos, where, "expected a whole number >= " + std::to_string(lowest));
  return static_cast<int>(x);
}

double positive(const yaml::Node& node, const std::string& where) {
  const double x = number(node, where);
  if (!(x > 0)) fail(node.pos, where, "expected a number above 0");
  return x;
}

bool is_name(const std::string& s) {
  return !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

Parameter parse_parameter(const yaml::Node& node, const std::string& where) {
  check_keys(node, where, {"key", "bounds", "prior", "start"});
  Parameter p;
  p.pos = node.pos;
  p.key = evidence::text_of(node, "key", where, true);
  if (p.key.empty() || p.key.front() == '.' || p.key.back() == '.' || p.key.find("..") != std::string::npos)
    fail(node.find("key")->pos, where + ".key", "expected a dotted scenario key such as consumers.imitation");
  const yaml::Node* bounds = node.find("bounds");
  if (bounds == nullptr) fail(node.pos, where, "missing key 'bounds' ([lower, upper])");
  if (bounds->kind != yaml::Node::Kind::sequence || bounds->sequence.size() != 2)
    fail(bounds->pos, where + ".bounds", "expected [lower, upper]");
  p.lower = number(bounds->sequence[0], where + ".bounds.0");
  p.upper = number(bounds->sequence[1], where + ".bounds.1");
  if (!(p.lower < p.upper)) fail(bounds->pos, where + ".bounds", "the lower bound must be below the upper bound");
  if (const yaml::Node* prior = node.find("prior")) {
    const std::string w = where + ".prior";
    check_keys(*prior, w, {"distribution", "mean", "sd"});
    const yaml::Node* d = prior->find("distribution");
    if (d == nullptr) fail(prior->pos, w, "missing key 'distribution' (uniform or normal)");
    p.prior.kind = evidence::choice<PriorKind>(*d, w + ".distribution", {{"uniform", PriorKind::uniform}, {"normal", PriorKind::normal}});
    if (p.prior.kind == PriorKind::normal) {
      if (prior->find("mean") == nullptr || prior->find("sd") == nullptr) fail(prior->pos, w, "a normal prior needs mean and sd");
      p.prior.mean = number(*prior->find("mean"), w + ".mean");
      p.prior.sd = positive(*prior->find("sd"), w + ".sd");
    } else {
      for (const char* key : {"mean", "sd"})
        if (prior->find(key) != nullptr) fail(prior->find(key)->key_pos, w + "." + key, "only used with distribution: normal");
    }
  }
  if (const yaml::Node* start = node.find("start")) {
    p.start = number(*start, where + ".start");
    if (*p.start < p.lower || *p.start > p.upper) fail(start->pos, where + ".start", "the start lies outside the bounds");
  }
  return p;
}

// A target given in the calibration file: a number, or {low, high}, {min} or {max}.
void parse_target(const yaml::Node& node, const std::string& where, Moment& m) {
  m.target.reset();
  m.low.reset();
  m.high.reset();
  if (node.kind == yaml::Node::Kind::scalar) {
    m.target = number(node, where);
    return;
  }
  check_keys(node, where, {"value", "low", "high", "min", "max"});
  const auto get = [&](const char* key) -> std::optional<double> {
    if (const auto* n = node.find(key)) return number(*n, where + "." + key);
    return std::nullopt;
  };
  const auto value = get("value"), low = get("low"), high = get("high"), min = get("min"), max = get("max");
  const int forms = value.has_value() + (low.has_value() || high.has_value()) + (min.has_value() || max.has_value());
  if (forms != 1 || low.has_value() != high.has_value()) fail(node.pos, where, "give value, or low and high, or min and/or max");
  if (low && *low > *high) fail(node.pos, where, "low is above high");
  if (min && max && *min > *max) fail(node.pos, where, "min is above max");
  if (value) m.target = value;
  if (low) m.low = low, m.high = high;
  if (min) m.low = min;
  if (max) m.high = max;
}

Moment parse_moment(const yaml::Node& node, const std::string& where, const evidence::TargetsFile* targets,
                    const std::filesystem::path& targets_path) {
  check_keys(node, where, {"id", "evidence", "series", "target", "se", "weight", "in_sample"});
  Moment m;
  m.pos = node.pos;
  const yaml::Node* row_id = node.find("evidence");
  const yaml::Node* series = node.find("series");
  if ((row_id != nullptr) == (series != nullptr))
    fail(node.pos, where, "give exactly one of evidence (a row id of the targets file) or series (an output window)");
  if (row_id != nullptr) {
    m.source = MomentSource::evidence;
    m.evidence_row = scalar(*row_id, where + ".evidence");
    std::vector<std::string> ids;
    const evidence::EvidenceRow* found = nullptr;
    for (const auto& r : targets->rows) {
      ids.push_back(r.id);
      if (r.id == m.evidence_row) found = &r;
    }
    if (found == nullptr) {
      const std::string near = text::nearest(m.evidence_row, ids);
      fail(row_id->pos, where + ".evidence",
           "no row '" + m.evidence_row + "' in " + targets_path.string() + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
    if (!found->measurable)
      fail(row_id->pos, where + ".evidence", "row '" + m.evidence_row + "' is not measurable from run files: " + found->reason);
    m.row = *found;
    m.id = m.evidence_row;
    // The row's own target: a value, an interval, or a bound.
    const auto& t = found->target;
    if (t.value) m.target = t.value;
    if (t.low) m.low = t.low, m.high = t.high;
    if (t.min) m.low = t.min;
    if (t.max) m.high = t.max;
  } else {
    m.source = MomentSource::series;
    m.row.id = "series";
    m.row.pos = series->pos;
    m.row.operands.push_back(evidence::parse_operand("value", *series, where + ".series"));
    const auto& op = m.row.operands.front();
    if (op.source != evidence::Operand::Source::variable)
      fail(series->pos, where + ".series", "a series moment reads an output variable (variable: ...)");
    if (!op.group_by.empty()) fail(series->pos, where + ".series", "group_by is not used in a series moment (one number per run)");
    m.row.expression_text = "value";
    m.row.expression = evidence::Expression::parse("value");
  }
  if (const yaml::Node* id = node.find("id")) m.id = scalar(*id, where + ".id");
  if (m.id.empty()) fail(node.pos, where, "missing key 'id' (a name for the trace and the summary)");
  if (!is_name(m.id)) fail(node.find("id") ? node.find("id")->pos : node.pos, where + ".id", "ids are letters, digits and _, not starting with a digit");
  m.row.id = m.id;
  m.row.label = m.id;

  if (const yaml::Node* t = node.find("target")) parse_target(*t, where + ".target", m);
  if (!m.target && !m.low && !m.high) fail(node.pos, where, "missing key 'target'");

  const yaml::Node* se = node.find("se");
  const yaml::Node* weight = node.find("weight");
  if (se != nullptr && weight != nullptr) fail(weight->key_pos, where + ".weight", "give se or weight, not both");
  if (se != nullptr) {
    m.se = positive(*se, where + ".se");
  } else if (weight != nullptr) {
    m.weight = number(*weight, where + ".weight");
    if (m.weight < 0) fail(weight->pos, where + ".weight", "a weight cannot be negative");
  } else if (m.source == MomentSource::evidence) {
    // The row's tolerance stands for the target's uncertainty.
    const double reference = m.target ? *m.target : m.low && m.high ? 0.5 * (*m.low + *m.high) : m.low ? *m.low : *m.high;
    const double tol = m.row.tolerance.relative ? std::abs(reference) * *m.row.tolerance.relative : m.row.tolerance.absolute.value_or(0.0);
    if (!(tol > 0)) fail(node.pos, where, "the row's tolerance is 0 here: give se or weight");
    m.se = tol;
  } else {
    fail(node.pos, where, "give se (the target's standard error) or weight");
  }
  if (m.se) m.weight = 1.0 / (*m.se * *m.se);
  if (const yaml::Node* in = node.find("in_sample")) m.in_sample = boolean(*in, where + ".in_sample");
  return m;
}

void parse_optimiser(const yaml::Node& node, OptimiserSettings& o) {
  const std::string w = "optimiser";
  check_keys(node, w, {"seed", "global", "local", "jacobian_step"});
  if (const auto* n = node.find("seed")) o.seed = static_cast<std::uint64_t>(whole_number(*n, w + ".seed", 0));
  if (const auto* g = node.find("global")) {
    check_keys(*g, w + ".global", {"algorithm", "evaluations", "population"});
    if (const auto* n = g->find("algorithm"))
      o.global = evidence::choice<GlobalAlgorithm>(*n, w + ".global.algorithm", {{"crs2", GlobalAlgorithm::crs2}, {"none", GlobalAlgorithm::none}});
    if (const auto* n = g->find("evaluations")) o.global_evaluations = whole_number(*n, w + ".global.evaluations", 1);
    if (const auto* n = g->find("population")) o.population = whole_number(*n, w + ".global.population", 0);
  }
  if (const auto* l = node.find("local")) {
    check_keys(*l, w + ".local", {"algorithm", "evaluations", "initial_step", "xtol", "ftol"});
    if (const auto* n = l->find("algorithm"))
      o.local = evidence::choice<LocalAlgorithm>(
          *n, w + ".local.algorithm", {{"bobyqa", LocalAlgorithm::bobyqa}, {"neldermead", LocalAlgorithm::neldermead}, {"none", LocalAlgorithm::none}});
    if (const auto* n = l->find("evaluations")) o.local_evaluations = whole_number(*n, w + ".local.evaluations", 1);
    if (const auto* n = l->find("initial_step")) {
      o.initial_step = positive(*n, w + ".local.initial_step");
      if (o.initial_step > 0.5) fail(n->pos, w + ".local.initial_step", "expected at most 0.5 (a share of the unit scale)");
    }
    if (const auto* n = l->find("xtol")) o.xtol = positive(*n, w + ".local.xtol");
    if (const auto* n = l->find("ftol")) o.ftol = positive(*n, w + ".local.ftol");
  }
  if (const auto* n = node.find("jacobian_step")) {
    o.jacobian_step = positive(*n, w + ".jacobian_step");
    if (o.jacobian_step > 0.25) fail(n->pos, w + ".jacobian_step", "expected at most 0.25 (a share of the bound width)");
  }
}

// Standard normal cumulative probability and quantile (Acklam's approximation, refined by
// one Halley step: about 1e-15 relative error).
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

}  // namespace

double Moment::deviation(double value) const {
  if (target) return value - *target;
  if (low && value < *low) return value - *low;
  if (high && value > *high) return value - *high;
  return 0.0;
}

std::string Moment::target_text() const {
  using evidence::format_quantity;
  if (target) return format_quantity(*target);
  if (low && high) return format_quantity(*low) + " to " + format_quantity(*high);
  if (low) return ">= " + format_quantity(*low);
  return "<= " + format_quantity(*high);
}

bool Calibration::needs_counterfactual() const {
  return std::any_of(moments.begin(), moments.end(), [](const Moment& m) { return m.row.needs_counterfactual(); });
}

double from_unit(const Parameter& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  if (p.prior.kind == PriorKind::uniform) return std::clamp(p.lower + u * (p.upper - p.lower), p.lower, p.upper);
  const double a = normal_cdf((p.lower - p.prior.mean) / p.prior.sd), b = normal_cdf((p.upper - p.prior.mean) / p.prior.sd);
  return std::clamp(p.prior.mean + p.prior.sd * normal_quantile(a + u * (b - a)), p.lower, p.upper);
}

double to_unit(const Parameter& p, double x) {
  if (p.prior.kind == PriorKind::uniform) return std::clamp((x - p.lower) / (p.upper - p.lower), 0.0, 1.0);
  const double a = normal_cdf((p.lower - p.prior.mean) / p.prior.sd), b = normal_cdf((p.upper - p.prior.mean) / p.prior.sd);
  return std::clamp((normal_cdf((x - p.prior.mean) / p.prior.sd) - a) / (b - a), 0.0, 1.0);
}

Calibration parse_calibration(const yaml::Node& root, const std::filesystem::path& path, const std::filesystem::path& default_targets) {
  Calibration cal;
  cal.path = path;
  const std::string top = "(top level)";
  check_keys(root, top, {"description", "scenario", "set", "targets", "seeds", "covariance_seeds", "parameters", "moments", "optimiser"});
  const std::filesystem::path folder = path.parent_path();
  cal.description = evidence::text_of(root, "description", top, false);
  cal.scenario = folder / evidence::text_of(root, "scenario", top, true);
  if (const yaml::Node* set = root.find("set")) {
    if (set->kind != yaml::Node::Kind::map) fail(set->pos, "set", "expected a map of scenario key: value");
    for (const auto& [key, value] : set->map) cal.set.push_back(key + "=" + scalar(value, "set." + key));
  }
  cal.targets = default_targets;
  if (const yaml::Node* t = root.find("targets")) cal.targets = folder / scalar(*t, "targets");

  const auto seed_list = [&](const char* key) {
    const yaml::Node* node = root.find(key);
    std::vector<std::uint64_t> out;
    try {
      if (node->kind == yaml::Node::Kind::sequence) {
        std::string list;
        for (std::size_t i = 0; i < node->sequence.size(); ++i)
          list += (i ? "," : "") + scalar(node->sequence[i], std::string(key) + "." + std::to_string(i));
        out = parse_seed_list(list);
      } else {
        out = parse_seed_list(scalar(*node, key));
      }
    } catch (const InputError& e) {
      fail(node->pos, key, e.what());
    }
    if (out.empty()) fail(node->pos, key, "expected at least one seed");
    return out;
  };
  if (root.find("seeds") == nullptr) fail(root.pos, top, "missing key 'seeds' (e.g. 1-5 or [1, 2, 3])");
  cal.seeds = seed_list("seeds");
  cal.covariance_seeds = root.find("covariance_seeds") != nullptr ? seed_list("covariance_seeds") : cal.seeds;

  const yaml::Node* parameters = root.find("parameters");
  if (parameters == nullptr || parameters->kind != yaml::Node::Kind::sequence || parameters->sequence.empty())
    fail(parameters ? parameters->pos : root.pos, "parameters", "expected a list of parameters (key, bounds, prior, start)");
  std::set<std::string> keys;
  for (std::size_t i = 0; i < parameters->sequence.size(); ++i) {
    const std::string where = "parameters." + std::to_string(i);
    cal.parameters.push_back(parse_parameter(parameters->sequence[i], where));
    if (!keys.insert(cal.parameters.back().key).second)
      fail(parameters->sequence[i].find("key")->pos, where + ".key", "parameter '" + cal.parameters.back().key + "' is listed twice");
  }

  const yaml::Node* moments = root.find("moments");
  if (moments == nullptr || moments->kind != yaml::Node::Kind::sequence || moments->sequence.empty())
    fail(moments ? moments->pos : root.pos, "moments", "expected a list of moments (evidence or series, target, se or weight, in_sample)");
  std::optional<evidence::TargetsFile> targets;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < moments->sequence.size(); ++i) {
    const std::string where = "moments." + std::to_string(i);
    const yaml::Node& node = moments->sequence[i];
    if (node.kind == yaml::Node::Kind::map && node.find("evidence") != nullptr && !targets) targets = evidence::load_targets(cal.targets);
    cal.moments.push_back(parse_moment(node, where, targets ? &*targets : nullptr, cal.targets));
    if (!ids.insert(cal.moments.back().id).second)
      fail(node.pos, where, "moment id '" + cal.moments.back().id + "' is used twice (give one an id:)");
  }
  const std::size_t in_sample = static_cast<std::size_t>(
      std::count_if(cal.moments.begin(), cal.moments.end(), [](const Moment& m) { return m.in_sample && m.weight > 0; }));
  if (in_sample < cal.parameters.size())
    fail(moments->pos, "moments",
         std::to_string(in_sample) + " weighted in-sample moment(s) for " + std::to_string(cal.parameters.size()) +
             " parameter(s): the parameters are not identified; add moments or drop parameters");

  if (const yaml::Node* o = root.find("optimiser")) parse_optimiser(*o, cal.optimiser);
  if (cal.optimiser.global == GlobalAlgorithm::none && cal.optimiser.local == LocalAlgorithm::none)
    fail(root.find("optimiser")->pos, "optimiser", "both steps are none: nothing would be searched");
  return cal;
}

Calibration load_calibration(const std::filesystem::path& path, const std::filesystem::path& default_targets) {
  Calibration cal = parse_calibration(yaml::load_file(path), path, default_targets);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  cal.text = text.str();
  return cal;
}

}  // namespace pzsim::calibrate
