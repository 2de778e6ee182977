// City labour markets after hiring.
// Wage: w <- w * (1 + monthly trend + response * 100 * (employment rate - normal rate)), the
//   monthly rise capped at 5% and the monthly fall at what wage_fall_max_year allows
//   (downward nominal wage rigidity: a city with slack labour stops raising wages rather than
//   cutting them by half; docs/model.md, "Labour markets").
// Migration between cities: desired net inflow = migration_rate * (1 - hukou friction) * LF *
//   (A / mean A - 1), A = wage * employment rate. Those who leave are job seekers, so a
//   city's outflow is at most its unemployed; inflows are scaled so that arrivals equal
//   departures (migration sums to zero). Plus a rural inflow of
//   rural_inflow * (1 - hukou friction) * LF * employment rate / normal (never negative).
// So the labour force stays at or above employment by construction, without a floor.
#include <algorithm>
#include <cmath>

#include "sim/model/rules.hpp"

namespace pzsim {

void clear_labour_markets(const World& w, State& s, MonthOutputs& out) {
  const LabourConfig& lab = w.scenario->labour;
  CityState& c = s.cities;
  const std::size_t n_city = static_cast<std::size_t>(w.cities);
  const std::vector<std::int64_t> employment = c.employment();
  std::vector<double> rate(n_city), attraction(n_city);
  double weighted = 0.0, labour_total = 0.0;
  // The trend compounds to (1 + wage_trend_year) a year, as in every other trend; it is
  // frozen during burn-in, like the rest of the start month's conditions.
  const double trend = s.step < 0 ? 0.0 : std::pow(1.0 + lab.wage_trend_year, 1.0 / 12.0) - 1.0;
  const double fall_max = 1.0 - std::pow(1.0 - lab.wage_fall_max_year, 1.0 / 12.0);
  for (std::size_t city = 0; city < n_city; ++city) {
    rate[city] = static_cast<double>(employment[city]) / c.labour_force[city];
    const double change = std::clamp(
        trend + lab.wage_tightness_response * 100.0 * (rate[city] - lab.normal_employment_rate), -fall_max, 0.05);
    c.wage_cny[city] *= 1.0 + change;
    attraction[city] = c.wage_cny[city] * rate[city];
    weighted += attraction[city] * c.labour_force[city];
    labour_total += c.labour_force[city];
  }
  const double mean_attraction = weighted / labour_total;
  const double open = 1.0 - lab.hukou_friction;
  std::vector<double> migration(n_city);
  double leaving = 0.0, arriving = 0.0;
  for (std::size_t city = 0; city < n_city; ++city) {
    const double desired = lab.migration_rate * open * c.labour_force[city] * (attraction[city] / mean_attraction - 1.0);
    const double unemployed = std::max(0.0, c.labour_force[city] - static_cast<double>(employment[city]));
    migration[city] = desired < 0.0 ? -std::min(-desired, unemployed) : desired;
    (migration[city] < 0.0 ? leaving : arriving) += std::abs(migration[city]);
  }
  const double arrival_scale = arriving > 0.0 ? leaving / arriving : 0.0;
  for (std::size_t city = 0; city < n_city; ++city) {
    if (migration[city] > 0.0) migration[city] *= arrival_scale;
    const double rural = lab.rural_inflow * open * c.labour_force[city] * rate[city] / lab.normal_employment_rate;
    c.labour_force[city] += migration[city] + rural;
    out.net_migration[city] += migration[city];
    out.rural_inflow[city] += rural;
    out.labour_force[city] = c.labour_force[city];
    out.wage_cny[city] = c.wage_cny[city];
  }
}

}  // namespace pzsim
