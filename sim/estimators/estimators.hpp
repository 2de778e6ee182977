#pragma once
// Difference-in-differences estimators for a balanced panel with staggered, absorbing
// treatment. Each is in its own file; the formulas and references are in docs/did.md.
//  - twfe:              static two-way fixed effects (the regression most papers run)
//  - event_study:       dynamic two-way fixed effects with relative-time dummies
//  - callaway_santanna: group-time ATT(g,t) aggregated (Callaway & Sant'Anna 2021)
//  - sun_abraham:       interaction-weighted event study (Sun & Abraham 2021)
// Standard errors are clustered by unit (the city).
#include <vector>

#include "sim/estimators/panel.hpp"

namespace pzsim::did {

// Y_it = a_i + l_t + beta D_it + e_it; returns beta with its CR1 clustered standard error.
Estimate twfe(const Panel& panel);

// The weights TWFE puts on the treated cells (de Chaisemartin & D'Haultfoeuille 2020, Theorem 1):
// beta = sum over treated cells of weight_it * tau_it when trends are parallel, with
// weight_it = D~_it / sum_{D=1} D~_it and D~ the treatment after the two-way within
// transformation. The weights sum to 1; some can be negative.
struct TwfeWeights {
  Eigen::MatrixXd weight;  // units x periods, 0 on untreated cells
  int treated_cells = 0;
  int negative_cells = 0;
  double negative_sum = 0.0;  // sum of the negative weights
};
TwfeWeights twfe_weights(const Panel& panel);

struct EventStudyResult {
  std::vector<EventTimeEstimate> coefficients;  // in event-time order; -1 (the reference) is absent
  std::vector<int> omitted;                     // event times normalised to 0: -1, and the lowest bin without never-treated units
};
// Y_it = a_i + l_t + sum_{e != -1} b_e 1{bin(t - g_i) = e} + e_it over window's bins; never-
// and not-yet-treated units are the implicit controls. Without never-treated units the lowest
// bin is omitted too (otherwise relative and calendar time are collinear).
EventStudyResult event_study(const Panel& panel, const EventWindow& window);

enum class ControlGroup { never_treated, not_yet_treated };

struct GroupTimeAtt {
  int cohort = 0;  // first treated period g
  int period = 0;  // t
  double att = 0.0;
  double se = 0.0;
};

struct CallawaySantannaResult {
  Estimate overall;                           // simple aggregation: all post cells, weighted by cohort size
  std::vector<EventTimeEstimate> event_time;  // dynamic aggregation, endpoints pooled as in the window
  std::vector<GroupTimeAtt> group_time;       // every identified ATT(g,t)
  int units_dropped = 0;                      // units treated in the first period (no pre-period)
};
// Unconditional ATT(g,t) = E[Y_t - Y_b | G = g] - E[Y_t - Y_b | control], base b = g - 1 after
// treatment and t - 1 before it (the "varying" base period); standard errors from the
// influence functions, which include the estimation of the aggregation weights. Throws
// InputError if no ATT(g,t) after treatment has treated and control units.
CallawaySantannaResult callaway_santanna(const Panel& panel, ControlGroup control, const EventWindow& window);

struct SunAbrahamResult {
  Estimate overall;                           // cell-weighted mean of the post-treatment interactions
  std::vector<EventTimeEstimate> event_time;  // interaction-weighted, endpoints pooled as in `shown`
  bool last_cohort_as_control = false;        // no never-treated units: the last cohort is the control
  int periods_used = 0;                       // periods kept (the control's treated periods are dropped)
};
// Y_it = a_i + l_t + sum_{g, e != -1} d_{g,e} 1{G_i = g} 1{bin(t - g) = e} + e_it with the never-
// treated (or else the last-treated) cohort as the only control, relative times binned at
// `regression` (use a window covering every relative time to bin nothing); d_{g,e} averaged
// over cohorts with weights proportional to their cells. Standard errors by the delta method
// from the clustered covariance, the weights taken as known.
SunAbrahamResult sun_abraham(const Panel& panel, const EventWindow& regression, const EventWindow& shown);

}  // namespace pzsim::did
