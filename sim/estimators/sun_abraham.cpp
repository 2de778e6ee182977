// Sun & Abraham (2021): interaction-weighted event study. Cohort x relative-time
// interactions with a clean control cohort, averaged with cohort cell shares as weights.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "sim/core/error.hpp"
#include "sim/estimators/estimators.hpp"
#include "sim/estimators/within_regression.hpp"

namespace pzsim::did {

SunAbrahamResult sun_abraham(const Panel& panel, const EventWindow& regression, const EventWindow& shown) {
  check_panel(panel);
  if (regression.lowest > -2 || regression.highest < 0) throw InputError("Sun-Abraham: the window must reach event times -2 and 0");
  SunAbrahamResult result;
  const bool has_never_treated = std::count(panel.cohort.begin(), panel.cohort.end(), kNeverTreated) > 0;

  // Units treated in the first period have no pre-period and are dropped (as in CS).
  std::set<int> cohorts;
  for (int g : panel.cohort)
    if (g != kNeverTreated && g > 0) cohorts.insert(g);
  int control_cohort = kNeverTreated;
  int periods = panel.periods();
  if (!has_never_treated) {
    // The last cohort is the control until it is treated; its treated periods are dropped.
    if (cohorts.size() < 2) throw InputError("Sun-Abraham: no never-treated units and fewer than two cohorts");
    control_cohort = *cohorts.rbegin();
    cohorts.erase(control_cohort);
    periods = control_cohort;
    result.last_cohort_as_control = true;
  }
  result.periods_used = periods;
  std::vector<int> kept;
  for (int i = 0; i < panel.units(); ++i) {
    const int g = panel.cohort[static_cast<std::size_t>(i)];
    if (g == control_cohort || cohorts.count(g) != 0) kept.push_back(i);
  }
  const int units = static_cast<int>(kept.size());
  Eigen::MatrixXd outcome(units, periods);
  for (int j = 0; j < units; ++j) outcome.row(j) = panel.outcome.row(kept[static_cast<std::size_t>(j)]).head(periods);

  // Interaction columns (g, binned e != -1) that have observations, and their cell counts.
  std::map<std::pair<int, int>, int> column_of;
  std::vector<std::pair<int, int>> columns;
  std::vector<double> cell_count;
  for (int g : cohorts)
    for (int t = 0; t < periods; ++t) {
      const int e = regression.bin(t - g);
      if (e == -1) continue;
      auto [it, inserted] = column_of.try_emplace({g, e}, static_cast<int>(columns.size()));
      if (inserted) {
        columns.push_back({g, e});
        cell_count.push_back(0.0);
      }
    }
  if (columns.empty()) throw InputError("Sun-Abraham: no cohort has an event time to estimate");
  Eigen::MatrixXd dummies = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(units) * periods, static_cast<Eigen::Index>(columns.size()));
  for (int j = 0; j < units; ++j) {
    const int g = panel.cohort[static_cast<std::size_t>(kept[static_cast<std::size_t>(j)])];
    if (g == control_cohort) continue;
    for (int t = 0; t < periods; ++t) {
      const int e = regression.bin(t - g);
      if (e == -1) continue;
      const int c = column_of.at({g, e});
      dummies(static_cast<Eigen::Index>(j) * periods + t, c) = 1.0;
      cell_count[static_cast<std::size_t>(c)] += 1.0;
    }
  }
  const ClusteredRegression r = within_regression(outcome, dummies);

  // Weighted mean of the interactions selected by `pick`, weights = cell counts.
  auto combine = [&](auto pick) -> std::optional<Estimate> {
    Eigen::VectorXd weights = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(columns.size()));
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (pick(columns[c])) weights[static_cast<Eigen::Index>(c)] = cell_count[c];
    if (weights.sum() <= 0) return std::nullopt;
    weights /= weights.sum();
    return Estimate{weights.dot(r.coefficients), std::sqrt(weights.dot(r.vcov * weights))};
  };
  result.overall = *combine([](const std::pair<int, int>& c) { return c.second >= 0; });
  for (int e = shown.lowest; e <= shown.highest; ++e) {
    if (e == -1) continue;
    if (const auto est = combine([&](const std::pair<int, int>& c) { return shown.bin(c.second) == e; }))
      result.event_time.push_back({e, est->estimate, est->se});
  }
  return result;
}

}  // namespace pzsim::did
