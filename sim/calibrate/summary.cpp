#include "sim/calibrate/summary.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "pzsim/version.hpp"
#include "sim/core/text.hpp"

namespace pzsim::calibrate {

using text::json_number;
using text::json_string;

std::string rounded_text(double x, int digits) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
  return buffer;
}

std::string format_summary_text(const CalibrationSummary& s) {
  std::ostringstream out;
  out << "pzsim calibrate " << s.calibration << "\n";
  out << "base scenario: " << s.scenario << "; seeds per evaluation:";
  for (auto seed : s.seeds) out << " " << seed;
  out << "\nevaluations: " << s.evaluations << " (" << s.replayed << " replayed from the trace); estimate at evaluation "
      << s.estimate_evaluation << "\n";
  out << "global step: " << s.global_stop << "; local step: " << s.local_stop << "\n";
  out << "objective J = sum over in-sample moments of w (mean - target)^2: base scenario "
      << rounded_text(s.objective_base) << ", start " << rounded_text(s.objective_start) << ", estimate " << rounded_text(s.objective_after) << "\n\n";
  out << "Parameters (se: MSM sandwich; flags: weak identification)\n";
  out << "| key | bounds | base | start | estimate | se | se / width | sensitivity | flags |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& p : s.parameters) {
    std::string flags;
    for (const auto& f : p.identification.flags) flags += (flags.empty() ? "" : "; ") + f;
    out << "| " << p.key << " | [" << rounded_text(p.lower) << ", " << rounded_text(p.upper) << "] | " << rounded_text(p.base)
        << " | " << rounded_text(p.start) << " | " << rounded_text(p.estimate, 6) << " | " << rounded_text(p.identification.se, 3)
        << " | " << rounded_text(p.identification.se_over_range, 3) << " | " << rounded_text(p.identification.sensitivity, 3)
        << " | " << (flags.empty() ? "identified" : flags) << " |\n";
  }
  out << "\nsingular values of W^1/2 G diag(width):";
  for (double v : s.inference.singular_values) out << " " << rounded_text(v, 3);
  out << "; condition number " << rounded_text(s.inference.condition, 3) << "\n";
  if (!s.inference.note.empty()) out << "note: " << s.inference.note << "\n";
  for (const bool in_sample : {true, false}) {
    out << "\n" << (in_sample ? "In-sample moments (in the objective)" : "Out-of-sample moments (never in the objective)") << "\n";
    out << "| id | target | base | estimate | sd over seeds | deviation | z = deviation x sqrt(w) | w d^2 |\n|---|---|---|---|---|---|---|---|\n";
    bool any = false;
    for (const auto& m : s.moments) {
      if (m.in_sample != in_sample) continue;
      any = true;
      out << "| " << m.id << " | " << m.target << " | " << rounded_text(m.before) << " | " << rounded_text(m.after) << " | "
          << rounded_text(m.sd_after, 3) << " | " << rounded_text(m.deviation_after) << " | "
          << rounded_text(m.deviation_after * std::sqrt(m.weight), 3) << " | "
          << (in_sample ? rounded_text(m.contribution_after, 3) : std::string("-")) << " |\n";
    }
    if (!any) out << "| (none) | | | | | | | |\n";
  }
  return out.str();
}

std::string format_summary_json(const CalibrationSummary& s) {
  std::ostringstream out;
  out << "{\n  \"pzsim_version\": " << json_string(kVersion) << ", \"git_commit\": " << json_string(kGitCommit) << ",\n";
  out << "  \"calibration\": " << json_string(s.calibration) << ", \"scenario\": " << json_string(s.scenario) << ",\n  \"seeds\": [";
  for (std::size_t i = 0; i < s.seeds.size(); ++i) out << (i ? ", " : "") << s.seeds[i];
  out << "],\n  \"evaluations\": " << s.evaluations << ", \"replayed\": " << s.replayed << ", \"estimate_evaluation\": " << s.estimate_evaluation
      << ",\n  \"global_stop\": " << json_string(s.global_stop) << ", \"local_stop\": " << json_string(s.local_stop) << ",\n";
  out << "  \"objective\": {\"base\": " << json_number(s.objective_base) << ", \"start\": " << json_number(s.objective_start)
      << ", \"estimate\": " << json_number(s.objective_after) << "},\n";
  out << "  \"singular_values\": [";
  for (std::size_t i = 0; i < s.inference.singular_values.size(); ++i) out << (i ? ", " : "") << json_number(s.inference.singular_values[i]);
  out << "], \"condition_number\": " << json_number(s.inference.condition) << ", \"note\": " << json_string(s.inference.note) << ",\n";
  out << "  \"parameters\": [\n";
  for (std::size_t i = 0; i < s.parameters.size(); ++i) {
    const auto& p = s.parameters[i];
    out << "    {\"key\": " << json_string(p.key) << ", \"lower\": " << json_number(p.lower) << ", \"upper\": " << json_number(p.upper)
        << ", \"base\": " << json_number(p.base) << ", \"start\": " << json_number(p.start) << ", \"estimate\": " << json_number(p.estimate)
        << ", \"se\": " << json_number(p.identification.se) << ", \"se_over_width\": " << json_number(p.identification.se_over_range)
        << ", \"sensitivity\": " << json_number(p.identification.sensitivity) << ", \"weakly_identified\": "
        << (p.identification.flags.empty() ? "false" : "true") << ", \"flags\": [";
    for (std::size_t f = 0; f < p.identification.flags.size(); ++f) out << (f ? ", " : "") << json_string(p.identification.flags[f]);
    out << "]}" << (i + 1 < s.parameters.size() ? "," : "") << "\n";
  }
  out << "  ],\n  \"covariance\": [";
  const auto& c = s.inference.covariance;
  for (Eigen::Index i = 0; i < c.rows(); ++i) {
    out << (i ? ", " : "") << "[";
    for (Eigen::Index j = 0; j < c.cols(); ++j) out << (j ? ", " : "") << json_number(c(i, j));
    out << "]";
  }
  out << "],\n  \"moments\": [\n";
  for (std::size_t i = 0; i < s.moments.size(); ++i) {
    const auto& m = s.moments[i];
    out << "    {\"id\": " << json_string(m.id) << ", \"in_sample\": " << (m.in_sample ? "true" : "false") << ", \"target\": "
        << json_string(m.target) << ", \"weight\": " << json_number(m.weight) << ", \"base\": " << json_number(m.before)
        << ", \"estimate\": " << json_number(m.after) << ", \"sd_over_seeds\": " << json_number(m.sd_after)
        << ", \"deviation_base\": " << json_number(m.deviation_before) << ", \"deviation\": " << json_number(m.deviation_after)
        << ", \"z\": " << json_number(m.deviation_after * std::sqrt(m.weight)) << ", \"contribution\": "
        << (m.in_sample ? json_number(m.contribution_after) : std::string("null")) << "}" << (i + 1 < s.moments.size() ? "," : "") << "\n";
  }
  out << "  ]\n}\n";
  return out.str();
}

}  // namespace pzsim::calibrate
