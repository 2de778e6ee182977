// Two-way within transformation and cluster-robust (CR1) least squares.
#include "sim/estimators/within_regression.hpp"

#include <stdexcept>
#include <string>

namespace pzsim::did {

Eigen::VectorXd two_way_demean(const Eigen::VectorXd& values, int units, int periods) {
  // A row-major view: row = unit, column = period.
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> grid(values.data(), units,
                                                                                                     periods);
  const Eigen::VectorXd unit_mean = grid.rowwise().mean();
  const Eigen::RowVectorXd period_mean = grid.colwise().mean();
  const double grand_mean = grid.mean();
  Eigen::VectorXd out(values.size());
  for (int i = 0; i < units; ++i)
    for (int t = 0; t < periods; ++t)
      out[static_cast<Eigen::Index>(i) * periods + t] = grid(i, t) - unit_mean[i] - period_mean[t] + grand_mean;
  return out;
}

ClusteredRegression within_regression(const Eigen::MatrixXd& outcome, const Eigen::MatrixXd& regressors) {
  const int units = static_cast<int>(outcome.rows()), periods = static_cast<int>(outcome.cols());
  const Eigen::Index n = static_cast<Eigen::Index>(units) * periods;
  const Eigen::Index k = regressors.cols();
  if (regressors.rows() != n) throw std::invalid_argument("within_regression: regressors need one row per unit and period");
  if (k == 0) throw std::invalid_argument("within_regression: no regressor");

  // Outcome in unit-major order, then demeaned.
  Eigen::VectorXd y(n);
  for (int i = 0; i < units; ++i)
    for (int t = 0; t < periods; ++t) y[static_cast<Eigen::Index>(i) * periods + t] = outcome(i, t);
  const Eigen::VectorXd y_dm = two_way_demean(y, units, periods);
  Eigen::MatrixXd x_dm(n, k);
  for (Eigen::Index j = 0; j < k; ++j) x_dm.col(j) = two_way_demean(regressors.col(j), units, periods);

  const Eigen::MatrixXd xtx = x_dm.transpose() * x_dm;
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xtx);
  if (qr.rank() < k)
    throw std::runtime_error("within_regression: " + std::to_string(k - qr.rank()) +
                             " regressor(s) collinear with the unit and period effects or with each other");
  const Eigen::MatrixXd bread = qr.inverse();
  ClusteredRegression r;
  r.coefficients = bread * (x_dm.transpose() * y_dm);
  const Eigen::VectorXd residual = y_dm - x_dm * r.coefficients;

  // Meat: sum over units of (X_i' u_i)(X_i' u_i)'.
  Eigen::MatrixXd scores(units, k);
  for (int i = 0; i < units; ++i)
    scores.row(i) = (x_dm.middleRows(static_cast<Eigen::Index>(i) * periods, periods).transpose() *
                     residual.segment(static_cast<Eigen::Index>(i) * periods, periods))
                        .transpose();
  const Eigen::MatrixXd meat = scores.transpose() * scores;

  r.observations = static_cast<int>(n);
  r.clusters = units;
  r.parameters = static_cast<int>(k) + periods - 1;
  const double g = units;
  r.small_sample_factor = g / (g - 1.0) * (static_cast<double>(n) - 1.0) / (static_cast<double>(n) - r.parameters);
  r.vcov = r.small_sample_factor * bread * meat * bread;
  return r;
}

}  // namespace pzsim::did
