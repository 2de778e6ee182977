#pragma once
// One evaluation of a calibration: the base scenario with the parameters set to a point x,
// run for every seed of the calibration (in parallel, through the run library), each moment
// measured per seed with the evidence library, and the objective of the seeds' means.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/calibrate/calibration.hpp"
#include "sim/scenario/load.hpp"

namespace pzsim::calibrate {

struct MomentValues {
  std::vector<std::vector<double>> per_seed;  // [moment][seed], in the calibration's order
  std::vector<double> mean;                   // [moment]: mean over seeds
  double objective = 0.0;                     // of the in-sample moments
  double wall_seconds = 0.0;
};

// The weighted sum of squared deviations of the in-sample moments' seed means from their
// targets: J = sum_k w_k d_k(mean_k)^2 (Moment::deviation).
double objective_of(const Calibration& cal, const std::vector<double>& mean);
// Means over seeds and the objective, from per-seed values.
void summarise(const Calibration& cal, MomentValues& values);

class Evaluator {
 public:
  // Loads the base scenario (with the calibration's `set` overrides) and checks every
  // parameter against it: the key exists, is a number, and takes both bounds. InputError at
  // the parameter's position otherwise. Run files go to `work_dir` and are removed after
  // measuring.
  Evaluator(const Calibration& cal, std::filesystem::path work_dir, int threads, const std::atomic<bool>* cancel);

  // The concrete scenario keys of parameter j ('*' expanded over the base's list).
  const std::vector<std::string>& keys(std::size_t j) const { return keys_[j]; }
  // The base scenario's value of each parameter (NaN where the items of a '*' list differ).
  const std::vector<double>& base_values() const { return base_values_; }
  // --set style assignments putting the parameters at x (every expanded key).
  std::vector<std::string> assignments(const std::vector<double>& x) const;
  // The scenario at x (nullopt: the base scenario itself).
  LoadedScenario scenario_at(const std::optional<std::vector<double>>& x) const;
  const LoadedScenario& base() const { return base_; }

  // Runs every seed at x and measures every moment. Throws RunCancelled when cancelled, and
  // InputError when a moment cannot be measured (naming the moment and why).
  MomentValues evaluate(const std::optional<std::vector<double>>& x) const;
  // The same with other seeds (the covariance of the moments at the estimate).
  MomentValues evaluate(const std::optional<std::vector<double>>& x, const std::vector<std::uint64_t>& seeds) const;

 private:
  const Calibration& cal_;
  std::filesystem::path work_dir_;
  int threads_;
  const std::atomic<bool>* cancel_;
  LoadedScenario base_;
  std::vector<std::vector<std::string>> keys_;
  std::vector<double> base_values_;
};

// The pieces of `text` between separators ("a.b" -> a, b; "" -> one empty piece).
std::vector<std::string> split(const std::string& text, char separator);

}  // namespace pzsim::calibrate
