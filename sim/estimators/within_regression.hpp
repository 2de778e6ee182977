#pragma once
// Least squares with unit and period fixed effects on a balanced panel, absorbed by the
// two-way within transformation, with standard errors clustered by unit (CR1, the small-sample
// factor of Stata's reghdfe with vce(cluster unit)). Formulas in docs/did.md.
#include <Eigen/Dense>

namespace pzsim::did {

// values: one entry per unit and period, unit-major (row unit * periods + period).
// Returns values - unit mean - period mean + grand mean (exact for a balanced panel).
Eigen::VectorXd two_way_demean(const Eigen::VectorXd& values, int units, int periods);

struct ClusteredRegression {
  Eigen::VectorXd coefficients;
  Eigen::MatrixXd vcov;  // cluster-robust by unit, times small_sample_factor
  int observations = 0;  // units x periods
  int clusters = 0;      // units
  // Parameters counted in the factor: the regressors plus periods - 1 period effects (the
  // unit effects are nested in the unit clusters, so, as in reghdfe, they are not counted).
  int parameters = 0;
  double small_sample_factor = 1.0;  // G/(G-1) * (n-1)/(n-parameters)
};

// Regresses outcome (units x periods) on the regressors (units*periods rows, unit-major, one
// column each) plus unit and period fixed effects. Throws std::runtime_error if the demeaned
// regressors are collinear (a coefficient is not identified).
ClusteredRegression within_regression(const Eigen::MatrixXd& outcome, const Eigen::MatrixXd& regressors);

}  // namespace pzsim::did
