// Static two-way fixed effects: beta of Y_it = a_i + l_t + beta D_it + e_it.
#include <cmath>

#include "sim/estimators/estimators.hpp"
#include "sim/estimators/within_regression.hpp"

namespace pzsim::did {

Estimate twfe(const Panel& panel) {
  check_panel(panel);
  const int units = panel.units(), periods = panel.periods();
  Eigen::MatrixXd treated(static_cast<Eigen::Index>(units) * periods, 1);
  for (int i = 0; i < units; ++i)
    for (int t = 0; t < periods; ++t) treated(static_cast<Eigen::Index>(i) * periods + t, 0) = panel.treated(i, t) ? 1.0 : 0.0;
  const ClusteredRegression r = within_regression(panel.outcome, treated);
  return {r.coefficients[0], std::sqrt(r.vcov(0, 0))};
}

TwfeWeights twfe_weights(const Panel& panel) {
  check_panel(panel);
  const int units = panel.units(), periods = panel.periods();
  Eigen::VectorXd treated(static_cast<Eigen::Index>(units) * periods);
  for (int i = 0; i < units; ++i)
    for (int t = 0; t < periods; ++t) treated[static_cast<Eigen::Index>(i) * periods + t] = panel.treated(i, t) ? 1.0 : 0.0;
  const Eigen::VectorXd residual = two_way_demean(treated, units, periods);
  const double denominator = residual.dot(treated);  // = residual's squared norm
  TwfeWeights w;
  w.weight = Eigen::MatrixXd::Zero(units, periods);
  for (int i = 0; i < units; ++i)
    for (int t = 0; t < periods; ++t) {
      if (!panel.treated(i, t)) continue;
      const double v = residual[static_cast<Eigen::Index>(i) * periods + t] / denominator;
      w.weight(i, t) = v;
      ++w.treated_cells;
      if (v < 0) ++w.negative_cells, w.negative_sum += v;
    }
  return w;
}

}  // namespace pzsim::did
