#pragma once
// `pzsim calibrate CALIBRATION.yaml -o DIR`: method of simulated moments. Evaluates the base
// scenario, searches the parameters (NLopt: a global CRS2 step, then a local BOBYQA or
// Nelder-Mead step from its best point) minimising the weighted sum of squared deviations of
// the in-sample moments from their targets, then differentiates the moments at the estimate for
// sandwich standard errors and identification flags. Writes DIR/calibrated.yaml (extends the
// base scenario, sets the estimates), DIR/trace.csv, DIR/trace_seeds.csv, DIR/summary.txt and
// DIR/summary.json. Stopped (Ctrl-C) and run again with the same command, it resumes: the
// evaluations in the trace are replayed, not rerun.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/calibrate/calibration.hpp"
#include "sim/calibrate/inference.hpp"

namespace pzsim::calibrate {

struct CalibrateRequest {
  std::filesystem::path calibration;
  std::filesystem::path out_dir;
  std::filesystem::path default_targets;  // the evidence targets file when the calibration names none
  int threads = 0;                        // worker threads (0: all cores); results do not depend on it
  bool force = false;                     // start over in a DIR holding another (or this) calibration
  bool quiet = false;                     // no progress lines
};

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

CalibrationSummary run_calibration(const CalibrateRequest& request, const std::atomic<bool>* cancel);

std::string format_summary_text(const CalibrationSummary& summary);
std::string format_summary_json(const CalibrationSummary& summary);

}  // namespace pzsim::calibrate
