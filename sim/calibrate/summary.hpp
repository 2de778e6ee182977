#pragma once
// What a calibration found (CalibrationSummary) and how it is written: DIR/summary.txt (the
// Markdown tables `pzsim calibrate` prints and scripts/make-calibrated copies into
// docs/validation.md) and DIR/summary.json.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/calibrate/inference.hpp"

namespace pzsim::calibrate {

struct MomentFit {
  std::string id, target;
  bool in_sample = true;
  double weight = 0.0;
  double before = 0.0, after = 0.0;       // seed means at the base scenario and at the estimate
  double sd_after = 0.0;                  // across seeds at the estimate
  double deviation_before = 0.0, deviation_after = 0.0;
  double contribution_after = 0.0;        // weight x deviation^2 (in-sample moments)
};

struct ParameterFit {
  std::string key;
  double lower = 0.0, upper = 0.0, base = 0.0, start = 0.0, estimate = 0.0;
  Identification identification;
};

struct CalibrationSummary {
  std::string calibration, scenario;
  std::vector<std::uint64_t> seeds;
  double objective_base = 0.0, objective_start = 0.0, objective_after = 0.0;
  int evaluations = 0, replayed = 0, estimate_evaluation = 0;
  std::string global_stop, local_stop;
  std::vector<ParameterFit> parameters;
  std::vector<MomentFit> moments;
  Inference inference;
};

// x with `digits` significant digits (%.*g): the numbers of the summary and progress lines.
std::string rounded_text(double x, int digits = 4);

std::string format_summary_text(const CalibrationSummary& summary);
std::string format_summary_json(const CalibrationSummary& summary);

}  // namespace pzsim::calibrate
