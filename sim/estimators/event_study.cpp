// Dynamic two-way fixed effects (event study) with binned endpoints and reference period -1.
#include <algorithm>
#include <cmath>

#include "sim/core/error.hpp"
#include "sim/estimators/estimators.hpp"
#include "sim/estimators/within_regression.hpp"

namespace pzsim::did {

EventStudyResult event_study(const Panel& panel, const EventWindow& window) {
  check_panel(panel);
  if (window.lowest > -2 || window.highest < 0)
    throw InputError("event study: the window must reach at least event time -2 and 0");
  const int units = panel.units(), periods = panel.periods();
  const bool has_never_treated = std::count(panel.cohort.begin(), panel.cohort.end(), kNeverTreated) > 0;

  // Event times with at least one observation, the reference -1 excluded.
  std::vector<int> columns;
  for (int e = window.lowest; e <= window.highest; ++e) {
    if (e == -1) continue;
    bool seen = false;
    for (int i = 0; i < units && !seen; ++i)
      for (int t = 0; t < periods && !seen; ++t)
        seen = panel.cohort[static_cast<std::size_t>(i)] != kNeverTreated && window.bin(t - panel.cohort[static_cast<std::size_t>(i)]) == e;
    if (seen) columns.push_back(e);
  }
  EventStudyResult result;
  result.omitted.push_back(-1);
  if (!has_never_treated && !columns.empty() && columns.front() < -1) {
    result.omitted.push_back(columns.front());
    columns.erase(columns.begin());
  }
  if (columns.empty()) throw InputError("event study: no event time to estimate");

  Eigen::MatrixXd dummies = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(units) * periods, static_cast<Eigen::Index>(columns.size()));
  for (int i = 0; i < units; ++i) {
    const int g = panel.cohort[static_cast<std::size_t>(i)];
    if (g == kNeverTreated) continue;
    for (int t = 0; t < periods; ++t) {
      const auto it = std::find(columns.begin(), columns.end(), window.bin(t - g));
      if (it != columns.end()) dummies(static_cast<Eigen::Index>(i) * periods + t, it - columns.begin()) = 1.0;
    }
  }
  const ClusteredRegression r = within_regression(panel.outcome, dummies);
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const auto k = static_cast<Eigen::Index>(j);
    result.coefficients.push_back({columns[j], r.coefficients[k], std::sqrt(r.vcov(k, k))});
  }
  return result;
}

}  // namespace pzsim::did
