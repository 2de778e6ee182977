// Checks of the balanced panel every estimator starts from.
#include "sim/estimators/panel.hpp"

#include <cmath>

#include "sim/core/error.hpp"

namespace pzsim::did {

void check_panel(const Panel& panel) {
  if (static_cast<std::size_t>(panel.units()) != panel.cohort.size())
    throw InputError("panel: " + std::to_string(panel.units()) + " units of outcomes but " +
                     std::to_string(panel.cohort.size()) + " cohorts");
  if (panel.units() < 2 || panel.periods() < 2) throw InputError("panel: at least 2 units and 2 periods are needed");
  if (!panel.outcome.allFinite()) throw InputError("panel: the outcome has non-finite values");
  bool any_treated = false;
  for (int g : panel.cohort) {
    if (g != kNeverTreated && (g < 0 || g >= panel.periods()))
      throw InputError("panel: cohort " + std::to_string(g) + " is outside the " + std::to_string(panel.periods()) + " periods");
    any_treated = any_treated || g != kNeverTreated;
  }
  if (!any_treated) throw InputError("panel: no unit is ever treated");
}

}  // namespace pzsim::did
