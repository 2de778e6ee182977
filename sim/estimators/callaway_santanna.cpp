// Callaway & Sant'Anna (2021): group-time ATT(g,t) without covariates on a balanced panel,
// aggregated with cohort-size weights; standard errors from influence functions.
#include <algorithm>
#include <cmath>
#include <set>

#include "sim/core/error.hpp"
#include "sim/estimators/estimators.hpp"

namespace pzsim::did {
namespace {

// One ATT(g,t) with its influence function over the units kept (sum of squares / n^2 = variance).
struct Cell {
  int cohort = 0, period = 0;
  double att = 0.0;
  Eigen::VectorXd influence;
};

// Aggregates cells with weights p_g / sum p_g (p_g = share of the kept units in cohort g),
// adding the influence of estimating the weights (Callaway & Sant'Anna 2021, sec. 4).
Estimate aggregate(const std::vector<const Cell*>& cells, const std::vector<int>& unit_cohort) {
  const auto n = static_cast<Eigen::Index>(unit_cohort.size());
  // Cohort indicator and share per cell.
  std::vector<Eigen::VectorXd> in_cohort;
  std::vector<double> share;
  double share_sum = 0.0;
  for (const Cell* c : cells) {
    Eigen::VectorXd indicator(n);
    for (Eigen::Index i = 0; i < n; ++i) indicator[i] = unit_cohort[static_cast<std::size_t>(i)] == c->cohort ? 1.0 : 0.0;
    share.push_back(indicator.mean());
    share_sum += share.back();
    in_cohort.push_back(std::move(indicator));
  }
  Estimate out;
  Eigen::VectorXd influence = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd share_deviation_sum = Eigen::VectorXd::Zero(n);
  for (std::size_t k = 0; k < cells.size(); ++k) share_deviation_sum += (in_cohort[k].array() - share[k]).matrix();
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const double weight = share[k] / share_sum;
    out.estimate += weight * cells[k]->att;
    // d weight_k = (1{G=g_k} - p_k)/S - p_k/S^2 * sum_k' (1{G=g_k'} - p_k')
    const Eigen::VectorXd weight_influence =
        (in_cohort[k].array() - share[k]).matrix() / share_sum - share[k] / (share_sum * share_sum) * share_deviation_sum;
    influence += weight * cells[k]->influence + cells[k]->att * weight_influence;
  }
  out.se = std::sqrt(influence.squaredNorm()) / static_cast<double>(n);
  return out;
}

}  // namespace

CallawaySantannaResult callaway_santanna(const Panel& panel, ControlGroup control, const EventWindow& window) {
  check_panel(panel);
  const int periods = panel.periods();
  CallawaySantannaResult result;

  // Units treated in the first period have no pre-period: dropped, as in the R package did.
  std::vector<int> kept;
  for (int i = 0; i < panel.units(); ++i) {
    if (panel.cohort[static_cast<std::size_t>(i)] == 0)
      ++result.units_dropped;
    else
      kept.push_back(i);
  }
  const auto n = static_cast<Eigen::Index>(kept.size());
  std::vector<int> unit_cohort;
  for (int i : kept) unit_cohort.push_back(panel.cohort[static_cast<std::size_t>(i)]);
  const std::set<int> cohorts = [&] {
    std::set<int> s(unit_cohort.begin(), unit_cohort.end());
    s.erase(kNeverTreated);
    return s;
  }();

  std::vector<Cell> cells;
  for (int g : cohorts) {
    for (int t = 1; t < periods; ++t) {
      const int base = t >= g ? g - 1 : t - 1;
      Eigen::VectorXd change(n);
      for (Eigen::Index j = 0; j < n; ++j) {
        const int i = kept[static_cast<std::size_t>(j)];
        change[j] = panel.outcome(i, t) - panel.outcome(i, base);
      }
      // Treated: cohort g. Controls: never treated, or (not yet treated) first treated after t.
      std::vector<bool> treated(static_cast<std::size_t>(n)), controls(static_cast<std::size_t>(n));
      double treated_n = 0, control_n = 0, treated_sum = 0, control_sum = 0;
      for (Eigen::Index j = 0; j < n; ++j) {
        const int h = unit_cohort[static_cast<std::size_t>(j)];
        treated[static_cast<std::size_t>(j)] = h == g;
        controls[static_cast<std::size_t>(j)] =
            h == kNeverTreated || (control == ControlGroup::not_yet_treated && h > t && h != g);
        if (treated[static_cast<std::size_t>(j)]) treated_n += 1, treated_sum += change[j];
        if (controls[static_cast<std::size_t>(j)]) control_n += 1, control_sum += change[j];
      }
      if (treated_n == 0 || control_n == 0) continue;  // not identified: no control left
      const double treated_mean = treated_sum / treated_n, control_mean = control_sum / control_n;
      Cell cell{g, t, treated_mean - control_mean, Eigen::VectorXd::Zero(n)};
      const double treated_share = treated_n / static_cast<double>(n), control_share = control_n / static_cast<double>(n);
      for (Eigen::Index j = 0; j < n; ++j) {
        if (treated[static_cast<std::size_t>(j)]) cell.influence[j] += (change[j] - treated_mean) / treated_share;
        if (controls[static_cast<std::size_t>(j)]) cell.influence[j] -= (change[j] - control_mean) / control_share;
      }
      result.group_time.push_back({g, t, cell.att, std::sqrt(cell.influence.squaredNorm()) / static_cast<double>(n)});
      cells.push_back(std::move(cell));
    }
  }

  std::vector<const Cell*> post;
  for (const Cell& c : cells)
    if (c.period >= c.cohort) post.push_back(&c);
  if (post.empty()) throw InputError("Callaway-Sant'Anna: no post-treatment cohort and period has control units");
  result.overall = aggregate(post, unit_cohort);

  for (int e = window.lowest; e <= window.highest; ++e) {
    std::vector<const Cell*> at_e;
    for (const Cell& c : cells)
      if (window.bin(c.period - c.cohort) == e) at_e.push_back(&c);
    if (at_e.empty()) continue;
    const Estimate est = aggregate(at_e, unit_cohort);
    result.event_time.push_back({e, est.estimate, est.se});
  }
  return result;
}

}  // namespace pzsim::did
