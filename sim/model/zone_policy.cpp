// Zone policy: the level of each instrument in each city this month.
//   level = max(national floor, strength * ramp * effectiveness)   in zone cities
//   level = national floor                                          elsewhere
// ramp = min(1, months since approval / ramp months); the leader zone (first approved) is
// fully effective, followers start at initial_effectiveness and approach it with e-folding
// time learning_months ("copy Hangzhou").
#include <algorithm>
#include <cmath>

#include "sim/model/rules.hpp"

namespace pzsim {

void apply_zone_policy(const World& w, State& s, MonthOutputs& out) {
  const ZonesConfig& z = w.scenario->zones;
  const MonthConditions& month = w.at(s.step);
  for (int c = 0; c < w.cities; ++c) {
    const std::size_t city = static_cast<std::size_t>(c);
    const bool zone = w.is_zone(c, s.step);
    out.zone_active[city] = zone ? 1 : 0;
    double premium = 0.0;
    for (int k = 0; k < kInstrumentCount; ++k) {
      const double floor = month.national_floor[static_cast<std::size_t>(k)];
      double level = floor;
      if (zone) {
        const int months_in = s.step - w.zone_approval_step[city] + 1;
        const InstrumentSpec& spec = z.instruments[static_cast<std::size_t>(k)];
        const double ramp = spec.ramp_months <= 0 ? 1.0 : std::min(1.0, static_cast<double>(months_in) / spec.ramp_months);
        const double effectiveness =
            c == w.leader_city ? 1.0
                               : 1.0 - (1.0 - z.initial_effectiveness) * std::exp(-(months_in - 1) / z.learning_months);
        level = std::max(floor, spec.strength * ramp * effectiveness);
      }
      s.cities.instrument[static_cast<std::size_t>(k)][city] = level;
      out.instrument_level[city * kInstrumentCount + static_cast<std::size_t>(k)] = level;
      premium += level - floor;
    }
    s.cities.zone_premium[city] = premium / kInstrumentCount;
  }
}

}  // namespace pzsim
