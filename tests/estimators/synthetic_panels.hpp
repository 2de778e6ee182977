#pragma once
// Synthetic staggered-adoption panels with a known treatment effect for the estimator tests:
// Y_it = a_i + l_t + tau(g_i, t - g_i) 1{t >= g_i} + eps_it, eps ~ N(0, noise_sd^2) drawn
// from RandomStream (seed, kTest, period, unit), so every run sees the same panel.
#include <functional>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/estimators/panel.hpp"

namespace pzsim::testing {

struct SyntheticPanel {
  did::Panel panel;
  Eigen::MatrixXd effect;  // units x periods: the true tau of each treated cell, 0 elsewhere
  // Mean effect over the treated cells for which keep(cohort, period) holds.
  double true_att(const std::function<bool(int, int)>& keep = [](int, int) { return true; }) const {
    double sum = 0.0;
    int cells = 0;
    for (int i = 0; i < panel.units(); ++i)
      for (int t = 0; t < panel.periods(); ++t)
        if (panel.treated(i, t) && keep(panel.cohort[static_cast<std::size_t>(i)], t)) sum += effect(i, t), ++cells;
    return sum / cells;
  }
  // Mean effect at event time e over the treated units (cells with t - g = e).
  double true_att_at(int e) const {
    return true_att([&](int g, int t) { return t - g == e; });
  }
};

// cohort_sizes: {cohort period or did::kNeverTreated, number of units}. tau(g, e) is the effect
// e periods after treatment of cohort g.
inline SyntheticPanel make_synthetic_panel(const std::vector<std::pair<int, int>>& cohort_sizes, int periods,
                                           const std::function<double(int, int)>& tau, double noise_sd,
                                           std::uint64_t seed) {
  SyntheticPanel s;
  int units = 0;
  for (const auto& [g, n] : cohort_sizes) units += n;
  s.panel.outcome.resize(units, periods);
  s.effect = Eigen::MatrixXd::Zero(units, periods);
  int i = 0;
  for (const auto& [g, n] : cohort_sizes)
    for (int k = 0; k < n; ++k, ++i) {
      s.panel.cohort.push_back(g);
      const double unit_effect = 0.1 * (i % 17) - 0.8;  // fixed effects unrelated to nothing else
      for (int t = 0; t < periods; ++t) {
        const double period_effect = 0.05 * t + 0.3 * ((t % 3) == 0);
        if (s.panel.treated(i, t)) s.effect(i, t) = tau(g, t - g);
        RandomStream rng(seed, Stream::kTest, static_cast<std::uint32_t>(t), static_cast<std::uint64_t>(i));
        s.panel.outcome(i, t) = unit_effect + period_effect + s.effect(i, t) + noise_sd * rng.normal();
      }
    }
  return s;
}

}  // namespace pzsim::testing
