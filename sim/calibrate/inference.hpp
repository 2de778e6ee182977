#pragma once
// Standard errors of method-of-simulated-moments estimates and weak-identification flags.
//
// With G the Jacobian of the in-sample moments' deviations from their targets with respect to
// the parameters (central differences at the estimate), W = diag(weights), Omega the
// covariance of the moments across seeds at the estimate (`covariance_seeds`; one seed standing for one
// realisation of the world, as the data are), the sandwich covariance is
//   V = (1 + 1/S) (G'WG)^-1 G'W Omega W G (G'WG)^-1,
// 1/S for the simulation noise of the S-seed mean the objective uses.
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "sim/calibrate/calibration.hpp"

namespace pzsim::calibrate {

struct Identification {
  double se = 0.0;              // standard error (NaN when not available)
  double se_over_range = 0.0;   // se / (upper - lower)
  double sensitivity = 0.0;     // ||W^1/2 G_j|| (upper - lower): root of the objective's change across the bounds
  std::vector<std::string> flags;  // why the parameter is weakly identified (empty: it is not)
};

struct Inference {
  Eigen::MatrixXd jacobian;      // in-sample moments x parameters (rows of moments without weight are 0)
  Eigen::MatrixXd covariance;    // of the estimates (NaN when G'WG is singular or S < 2)
  std::vector<double> singular_values;  // of W^1/2 G diag(upper - lower), largest first
  double condition = 0.0;        // largest / smallest singular value
  std::vector<Identification> parameters;
  std::string note;              // why standard errors are missing, if they are
};

// `jacobian`: moments (all, in the calibration's order) x parameters, derivatives of the
// deviation of each moment's seed mean; `per_seed`: [moment][seed] at the estimate, over the
// covariance seeds (S in 1 + 1/S stays the number of seeds each evaluation averages);
// `active`: whether each moment's deviation moves at the estimate (false inside an interval target).
Inference infer(const Calibration& cal, const Eigen::MatrixXd& jacobian, const std::vector<std::vector<double>>& per_seed,
                const std::vector<bool>& active);

}  // namespace pzsim::calibrate
