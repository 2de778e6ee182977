// The outputs of a comparison: a table for people (rounded, with intervals and a header that
// says what was run and how far to trust it), CSV and JSON for machines (contract 1).

#include <cmath>
#include <cstdio>
#include <map>

#include "pzsim/version.hpp"
#include "sim/compare/compare.hpp"
#include "sim/compare/estimands.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/io/result_file.hpp"

namespace pzsim {

namespace {

// Calibrated when every compared scenario says which calibration estimated its parameters.
bool all_calibrated(const Comparison& c) {
  if (c.scenarios.empty()) return false;
  for (const auto& s : c.scenarios)
    if (s.calibration.empty()) return false;
  return true;
}

std::string fmt(const char* format, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

// A number rounded for reading: 3 significant digits with k, M, bn, trn.
std::string readable(double x, bool sign) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::abs(x);
  struct Step {
    double scale;
    const char* suffix;
  };
  const Step steps[] = {{1e12, " trn"}, {1e9, " bn"}, {1e6, "M"}, {1e3, "k"}};
  std::string suffix;
  double v = x;
  for (const Step& s : steps)
    if (a >= s.scale) {
      v = x / s.scale;
      suffix = s.suffix;
      break;
    }
  const double av = std::abs(v);
  const char* f = av >= 100 ? (sign ? "%+.0f" : "%.0f") : av >= 10 ? (sign ? "%+.1f" : "%.1f") : (sign ? "%+.2f" : "%.2f");
  if (suffix.empty() && av >= 100) f = sign ? "%+.0f" : "%.0f";
  return fmt(f, v) + suffix;
}

std::string unit_prefix(const std::string& unit) { return unit == "USD" || unit.rfind("USD per", 0) == 0 ? "USD " : ""; }
std::string unit_suffix(const std::string& unit) {
  if (unit == "USD") return "";
  if (unit == "USD per job") return " per job";
  if (unit == "USD per USD") return " per USD";
  return " " + unit;
}

std::string seeds_text(const std::vector<std::uint64_t>& seeds) {
  std::string out;
  for (std::size_t i = 0; i < seeds.size();) {
    std::size_t j = i;
    while (j + 1 < seeds.size() && seeds[j + 1] == seeds[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += std::to_string(seeds[i]);
    if (j > i) out += "-" + std::to_string(seeds[j]);
    i = j + 1;
  }
  return out;
}

std::string interval_name(IntervalMethod m) { return m == IntervalMethod::paired_t ? "paired t, 95%" : "bootstrap percentile, 95%"; }

using text::csv_field;
using text::json_number;
using text::json_string;
std::string csv_number(double x) { return std::isfinite(x) ? json_number(x) : "n/a"; }

std::string metric_label(const std::string& name) {
  for (const auto& m : metric_catalog())
    if (m.name == name) return m.label;
  if (name.rfind("exports_cbec_usd_event_year_", 0) == 0)
    return "CBEC exports of the batch's cities, year " + name.substr(28) + " from approval";
  if (name == "fiscal_cost_gross_per_net_job") return "gross fiscal cost per net job";
  if (name == "fiscal_cost_net_per_net_job") return "net fiscal cost per net job";
  if (name == "fiscal_cost_gross_per_usd_net_exports") return "gross fiscal cost per USD of net exports";
  if (name == "fiscal_cost_net_per_usd_net_exports") return "net fiscal cost per USD of net exports";
  return name;
}

}  // namespace

std::string format_table(const Comparison& c) {
  std::string t;
  const auto line = [&](const std::string& s) { t += s + "\n"; };
  std::string names;
  for (const auto& s : c.scenarios) names += (names.empty() ? "" : ", ") + s.name;
  std::size_t policy = 0, counterfactual = 0, leave_out = 0;
  for (const auto& r : c.runs) (r.role == "policy" ? policy : r.role == "counterfactual" ? counterfactual : leave_out) += 1;
  line("pzsim compare: " + names + " against their counterfactuals (each scenario with its zones removed)");
  for (const auto& s : c.scenarios) {
    std::string cities = std::to_string(s.cities.total) + " cities (" + std::to_string(s.cities.real) + " real, " +
                         std::to_string(s.cities.synthetic) + " synthetic)";
    line("  " + s.name + ": " + s.description);
    line("    " + cities + ", " + std::to_string(s.zone_cities) + " of them zones in " + s.start.str() + " to " + s.end.str() +
         "; counterfactual " + s.counterfactual);
    if (s.cities.synthetic > s.cities.real)
      line("    a toy: most cities are synthetic (drawn, not data), so 'all cities' is not China");
  }
  line("  seeds: " + seeds_text(c.seeds) + " (" + std::to_string(c.seeds.size()) + " paired runs per scenario, common random numbers)");
  line("  runs: " + std::to_string(c.runs.size()) + " simulations (" + std::to_string(policy) + " policy, " +
       std::to_string(counterfactual) + " counterfactual" + (counterfactual / std::max<std::size_t>(1, c.seeds.size()) < c.scenarios.size() ? ", shared" : "") +
       (leave_out ? ", " + std::to_string(leave_out) + " leave-one-batch-out" : "") + ")");
  line("  interval: " + interval_name(c.method) + " across seeds; '~0' marks an interval that contains 0");
  if (all_calibrated(c)) {
    line("  parameters: calibrated, by " + c.scenarios.front().calibration);
    line("    (the others are priors or set by hand; fit and misses: docs/validation.md): effects are the calibrated model's");
  } else {
    line("  parameters: uncalibrated priors (docs/model.md): read effects as the model's mechanism, not estimates for China");
  }
  line("  units: national (sample totals / sample_fraction); effect = policy - counterfactual, mean over seeds [interval]");
  std::string scenario, estimand;
  for (const auto& r : c.rows) {
    const bool part = r.estimand.rfind("decomposition:", 0) == 0;
    const std::string block = part ? "decomposition" : r.estimand;
    if (r.scenario != scenario || block != estimand) {
      scenario = r.scenario;
      estimand = block;
      std::string title = r.estimand;
      for (const auto& s : c.scenarios)
        if (s.name == r.scenario) {
          if (r.estimand == "national") title = "all " + std::to_string(s.cities.total) + " cities in the scenario";
          if (r.estimand == "direct") title = std::to_string(s.zone_cities) + " zone cities: direct effect";
          if (r.estimand == "spillover") title = std::to_string(s.cities.total - s.zone_cities) + " other cities: spillover";
          if (r.estimand == "coastal") title = "coastal zone cities";
          if (r.estimand == "displacement")
            title = "displacement: share of the zone cities' gain that the other cities lose (-spillover / direct)";
          if (r.estimand == "inland") title = "inland zone cities";
          if (r.estimand.rfind("region:", 0) == 0) title = "zone cities, " + r.estimand.substr(7) + " region";
          if (part) title = "decomposition of the zone-city gain (docs/compare.md)";
          if (r.estimand.rfind("cohort:", 0) == 0) title = "cohort " + r.estimand.substr(7) + " (full rollout against the rollout without it, all cities)";
        }
      line("");
      line(r.scenario + " | " + title);
      char head[200];
      std::snprintf(head, sizeof head, "  %-52s %30s %9s", "", "effect [95% interval]", "% of cf.");
      line(head);
    }
    std::string effect;
    if (!std::isfinite(r.effect.mean)) {
      effect = r.note.empty() ? "n/a" : "n/a (" + r.note.substr(5) + ")";
    } else {
      effect = unit_prefix(r.unit) + readable(r.effect.mean, true) + unit_suffix(r.unit);
      if (r.effect.defined())
        effect += " [" + readable(r.effect.lo, true) + ", " + readable(r.effect.hi, true) + "]";
      if (r.contains_zero) effect += " ~0";
    }
    const std::string pct = std::isfinite(r.effect_pct_mean) ? fmt("%+.2f%%", r.effect_pct_mean) : "";
    char buf[400];
    const std::string label = part ? r.estimand.substr(14) + (r.metric == "net_jobs_end" ? " (jobs at the end)" : " (recorded CBEC exports)")
                                   : metric_label(r.metric);
    std::snprintf(buf, sizeof buf, "  %-52s %30s %9s", label.c_str(), effect.c_str(), pct.c_str());
    line(buf);
  }
  return t;
}

std::string format_csv(const Comparison& c) {
  std::string t = "scenario,estimand,metric,unit,policy_mean,counterfactual_mean,effect_mean,effect_lo,effect_hi,effect_pct_mean,n,contains_zero\n";
  for (const auto& r : c.rows) {
    t += csv_field(r.scenario) + "," + csv_field(r.estimand) + "," + csv_field(r.metric) + "," + csv_field(r.unit) + "," +
         csv_number(r.policy_mean) + "," + csv_number(r.counterfactual_mean) + "," + csv_number(r.effect.mean) + "," +
         csv_number(r.effect.lo) + "," + csv_number(r.effect.hi) + "," + csv_number(r.effect_pct_mean) + "," +
         std::to_string(r.effect.n) + "," + (r.contains_zero ? "true" : "false") + "\n";
  }
  return t;
}

std::string format_json(const Comparison& c) {
  std::string t = "{\n";
  t += "  \"pzsim_version\": " + json_string(kVersion) + ", \"git_commit\": " + json_string(kGitCommit) +
       ", \"created_utc\": " + json_string(c.created_utc) + ",\n";
  t += "  \"seeds\": [";
  for (std::size_t i = 0; i < c.seeds.size(); ++i) t += (i ? ", " : "") + std::to_string(c.seeds[i]);
  t += "],\n  \"interval\": " + json_string(interval_name(c.method)) + ",\n";
  t += std::string("  \"calibrated\": ") + (all_calibrated(c) ? "true" : "false") + ",\n";
  const CityCounts first = c.scenarios.empty() ? CityCounts{} : c.scenarios.front().cities;
  t += "  \"cities\": {\"total\": " + std::to_string(first.total) + ", \"real\": " + std::to_string(first.real) +
       ", \"synthetic\": " + std::to_string(first.synthetic) + "},\n";
  t += "  \"scenarios\": [";
  for (std::size_t i = 0; i < c.scenarios.size(); ++i) {
    const auto& s = c.scenarios[i];
    t += std::string(i ? ",\n    " : "\n    ") + "{\"name\": " + json_string(s.name) + ", \"path\": " + json_string(s.path) +
         ", \"description\": " + json_string(s.description) + ", \"calibration\": " + json_string(s.calibration) + ", \"zone_cities\": " + std::to_string(s.zone_cities) +
         ", \"counterfactual\": " + json_string(s.counterfactual) + ", \"cities\": {\"total\": " + std::to_string(s.cities.total) +
         ", \"real\": " + std::to_string(s.cities.real) + ", \"synthetic\": " + std::to_string(s.cities.synthetic) +
         "}, \"sample_fraction\": " + json_number(s.sample_fraction) + ", \"start\": " + json_string(s.start.str()) +
         ", \"end\": " + json_string(s.end.str()) + "}";
  }
  t += "],\n  \"rows\": [";
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const auto& r = c.rows[i];
    t += std::string(i ? ",\n    " : "\n    ") + "{\"scenario\": " + json_string(r.scenario) + ", \"estimand\": " + json_string(r.estimand) +
         ", \"metric\": " + json_string(r.metric) + ", \"unit\": " + json_string(r.unit) +
         ", \"policy_mean\": " + json_number(r.policy_mean) + ", \"counterfactual_mean\": " + json_number(r.counterfactual_mean) +
         ", \"effect_mean\": " + json_number(r.effect.mean) + ", \"effect_lo\": " + json_number(r.effect.lo) +
         ", \"effect_hi\": " + json_number(r.effect.hi) + ", \"effect_pct_mean\": " + json_number(r.effect_pct_mean) +
         ", \"n\": " + std::to_string(r.effect.n) + ", \"contains_zero\": " + (r.contains_zero ? "true" : "false") + ", \"per_seed\": [";
    for (std::size_t k = 0; k < r.per_seed.size(); ++k) t += (k ? ", " : "") + json_number(r.per_seed[k]);
    t += "]";
    if (!r.note.empty()) t += ", \"note\": " + json_string(r.note);
    t += "}";
  }
  t += "],\n  \"runs\": [";
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const auto& r = c.runs[i];
    t += std::string(i ? ",\n    " : "\n    ") + "{\"scenario\": " + json_string(r.scenario) + ", \"label\": " + json_string(r.label) +
         ", \"role\": " + json_string(r.role) + ", \"seed\": " + std::to_string(r.seed) + ", \"file\": " +
         (r.file.empty() ? std::string("null") : json_string(r.file)) + "}";
  }
  t += "]\n}\n";
  return t;
}

void write_comparison_files(const Comparison& c, const std::filesystem::path& folder) {
  const std::pair<const char*, std::string> files[] = {{"comparison.csv", format_csv(c)}, {"comparison.json", format_json(c)}};
  for (const auto& [name, text] : files) write_file_atomically(folder / name, text);
}

}  // namespace pzsim
