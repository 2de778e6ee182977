#pragma once
// A calibration file (CALIBRATION.yaml): the base scenario, the parameters to estimate (scenario
// keys with bounds, prior and start), the moments to match (rows of the evidence targets file
// or windows of an output series, each with a target, a weight and whether it is in sample),
// the seeds of every evaluation and the optimiser's settings. Loading checks every key and
// value like a scenario: problems are InputError "file:line:column: key.path: what", unknown
// keys get a did-you-mean hint. The format is described in docs/calibration.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/evidence/targets.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim::calibrate {

enum class PriorKind { uniform, normal };

// The prior of a parameter, truncated to its bounds. The search runs on the prior's cumulative
// probability u in [0, 1] (x = the prior's quantile of u): the global step's random points are
// draws from the prior, and a uniform prior makes the search linear in x.
struct Prior {
  PriorKind kind = PriorKind::uniform;
  double mean = 0.0, sd = 1.0;  // normal only
};

struct Parameter {
  std::string key;              // scenario key; '*' stands for every item of a list ("destinations.*.outside_utility")
  double lower = 0.0, upper = 0.0;
  Prior prior;
  std::optional<double> start;  // where the search starts (default: the base scenario's value)
  yaml::Position pos;
};

enum class MomentSource { evidence, series };

struct Moment {
  std::string id;        // name in the trace and summary (the evidence row id by default)
  MomentSource source = MomentSource::series;
  std::string evidence_row;  // MomentSource::evidence: id of the row in the targets file
  evidence::EvidenceRow row; // what is measured: the evidence row, or a one-operand row made from `series`
  // The published figure: a value, or an interval / bound (deviation 0 inside it).
  std::optional<double> target, low, high;
  double weight = 1.0;             // 1 / se^2 when se is given
  std::optional<double> se;        // standard error of the target, if given (or from the row's tolerance)
  bool in_sample = true;           // out-of-sample moments are reported, never in the objective
  yaml::Position pos;

  // How far `value` is from the target: value - target, or the distance outside the interval.
  double deviation(double value) const;
  std::string target_text() const;
};

enum class GlobalAlgorithm { none, crs2 };
enum class LocalAlgorithm { none, bobyqa, neldermead };

struct OptimiserSettings {
  std::uint64_t seed = 1;                        // NLopt's random stream (CRS2's population)
  GlobalAlgorithm global = GlobalAlgorithm::crs2;
  int global_evaluations = 100;                  // budget of the global step
  int population = 0;                            // CRS2 population (0: NLopt's default, 10 (n + 1))
  LocalAlgorithm local = LocalAlgorithm::bobyqa;
  int local_evaluations = 100;                   // budget of the local step
  double initial_step = 0.1;                     // local step's first move, share of the prior's probability scale
  double xtol = 1e-3;                            // local stop: relative change of u
  double ftol = 1e-6;                            // local stop: relative change of the objective
  double jacobian_step = 0.02;                   // central-difference step, share of each parameter's bound width
};

struct Calibration {
  std::filesystem::path path;          // this file
  std::string description;
  std::filesystem::path scenario;      // base scenario (relative paths resolved against this file's folder)
  std::vector<std::string> set;        // fixed overrides on the base ("run.months=60"), not estimated
  std::filesystem::path targets;       // evidence targets file
  std::vector<std::uint64_t> seeds;    // every evaluation runs these seeds (common random numbers)
  // Seeds of the one evaluation at the estimate that estimates the moments' covariance across
  // seeds (the sandwich's Omega); more than `seeds` gives steadier standard errors. Default: `seeds`.
  std::vector<std::uint64_t> covariance_seeds;
  std::vector<Parameter> parameters;
  std::vector<Moment> moments;
  OptimiserSettings optimiser;
  std::string text;                    // the file's contents (fingerprint of a resumable run)

  bool needs_counterfactual() const;
};

// Loads and checks a calibration file. `default_targets` is the evidence targets file used
// when the calibration does not name one (the project's analysis/evidence.yaml).
Calibration load_calibration(const std::filesystem::path& path, const std::filesystem::path& default_targets);
Calibration parse_calibration(const yaml::Node& root, const std::filesystem::path& path,
                              const std::filesystem::path& default_targets);

// The prior's quantile of u in [0, 1] within the parameter's bounds, and its inverse.
double from_unit(const Parameter& p, double u);
double to_unit(const Parameter& p, double x);

}  // namespace pzsim::calibrate
