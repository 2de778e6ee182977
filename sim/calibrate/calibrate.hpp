#pragma once
// `pzsim calibrate CALIBRATION.yaml -o DIR`: method of simulated moments. Evaluates the base
// scenario, searches the parameters (NLopt: a global CRS2 step, then a local BOBYQA or
// Nelder-Mead step from its best point) minimising the weighted sum of squared deviations of
// the in-sample moments from their targets, then differentiates the moments at the estimate for
// sandwich standard errors and identification flags. Writes DIR/calibrated.yaml (extends the
// base scenario, sets the estimates), DIR/trace.csv, DIR/trace_seeds.csv, DIR/summary.txt and
// DIR/summary.json (sim/calibrate/summary.hpp). Stopped (Ctrl-C) and run again with the same
// command, it resumes: the evaluations in the trace are replayed, not rerun.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/calibrate/calibration.hpp"
#include "sim/calibrate/summary.hpp"

namespace pzsim::calibrate {

struct CalibrateRequest {
  std::filesystem::path calibration;
  std::filesystem::path out_dir;
  std::filesystem::path default_targets;  // the evidence targets file when the calibration names none
  int threads = 0;                        // worker threads (0: all cores); results do not depend on it
  bool force = false;                     // start over in a DIR holding another (or this) calibration
  bool quiet = false;                     // no progress lines
};

CalibrationSummary run_calibration(const CalibrateRequest& request, const std::atomic<bool>* cancel);

}  // namespace pzsim::calibrate
