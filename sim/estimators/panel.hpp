#pragma once
// A balanced unit x period panel with staggered, absorbing treatment: the input of every
// difference-in-differences estimator in sim/estimators (see docs/did.md).
#include <Eigen/Dense>

#include <string>
#include <vector>

namespace pzsim::did {

// Cohort value of a unit that is never treated inside the panel.
inline constexpr int kNeverTreated = -1;

struct Panel {
  Eigen::MatrixXd outcome;  // units x periods, no missing values
  // Per unit: index of the first treated period (0 .. periods-1), or kNeverTreated. Treatment
  // is absorbing: a unit is treated in every period from its cohort on.
  std::vector<int> cohort;

  int units() const { return static_cast<int>(outcome.rows()); }
  int periods() const { return static_cast<int>(outcome.cols()); }
  bool treated(int unit, int period) const {
    const int g = cohort[static_cast<std::size_t>(unit)];
    return g != kNeverTreated && period >= g;
  }
};

// Throws InputError if the panel is not usable: sizes disagree, fewer than 2 units or
// periods, a non-finite outcome, a cohort out of range, or no unit ever treated.
void check_panel(const Panel& panel);

// An estimate with its standard error (clustered by unit).
struct Estimate {
  double estimate = 0.0;
  double se = 0.0;
};

// One coefficient of an event-time profile. event_time is relative to the first treated
// period (0 = the period of treatment); the endpoints stand for bins (see EventWindow).
struct EventTimeEstimate {
  int event_time = 0;
  double estimate = 0.0;
  double se = 0.0;
};

// Event times shown: [lowest, highest]; relative times below lowest are pooled into the
// lowest bin and those above highest into the highest ("binned endpoints").
struct EventWindow {
  int lowest = -5;
  int highest = 5;
  int bin(int relative_time) const { return relative_time < lowest ? lowest : (relative_time > highest ? highest : relative_time); }
};

}  // namespace pzsim::did
