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

}  // namespace pzsim::did
