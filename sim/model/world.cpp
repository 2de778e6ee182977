#include "sim/model/world.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/scenario/load.hpp"

namespace pzsim {

namespace {

// Yearly averages interpolated to mid-year, held flat outside the table.
double exchange_rate_at(const std::vector<RatePoint>& table, Month m) {
  const double t = m.year() + (m.month() - 0.5) / 12.0;
  if (t <= table.front().year + 0.5) return table.front().value;
  if (t >= table.back().year + 0.5) return table.back().value;
  for (std::size_t i = 1; i < table.size(); ++i) {
    const double t1 = table[i].year + 0.5;
    if (t <= t1) {
      const double t0 = table[i - 1].year + 0.5;
      const double w = (t - t0) / (t1 - t0);
      return table[i - 1].value * (1.0 - w) + table[i].value * w;
    }
  }
  return table.back().value;
}

// A list of values spread evenly over the run, linearly interpolated.
double interpolate_over_run(const std::vector<double>& values, int step, int months) {
  if (values.size() == 1 || months <= 1) return values.front();
  const double x = static_cast<double>(step) / (months - 1) * static_cast<double>(values.size() - 1);
  const std::size_t i = std::min(values.size() - 2, static_cast<std::size_t>(x));
  const double w = x - static_cast<double>(i);
  return values[i] * (1.0 - w) + values[i + 1] * w;
}

double selection_score(const CitySpec& c) {
  return *c.infrastructure * *c.trade_scale * *c.ecommerce;
}

}  // namespace

std::vector<std::pair<int, Month>> select_zones(const Scenario& s) {
  std::vector<std::pair<int, Month>> zones;
  const auto& z = s.zones;
  const int n = static_cast<int>(s.cities.list.size());
  switch (z.selection) {
    case ZoneSelection::none:
      break;
    case ZoneSelection::list:
      for (const auto& entry : z.list) zones.emplace_back(find_city(s, entry.city), entry.approval);
      break;
    case ZoneSelection::top_k:
    case ZoneSelection::inland_first:
    case ZoneSelection::all_at_once: {
      std::vector<int> order(static_cast<std::size_t>(n));
      std::iota(order.begin(), order.end(), 0);
      // Ties broken by list position so the choice is a pure function of the scenario.
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const auto& ca = s.cities.list[static_cast<std::size_t>(a)];
        const auto& cb = s.cities.list[static_cast<std::size_t>(b)];
        if (z.selection == ZoneSelection::inland_first && ca.coastal != cb.coastal) return !ca.coastal;
        return selection_score(ca) > selection_score(cb);
      });
      for (int k = 0; k < z.top_k; ++k) {
        // top_k and inland_first roll out in rank order, rule_batch_size zones every
        // rule_interval_months; all_at_once approves them together.
        const int delay =
            z.selection == ZoneSelection::all_at_once ? 0 : (k / z.rule_batch_size) * z.rule_interval_months;
        zones.emplace_back(order[static_cast<std::size_t>(k)], z.rule_start + delay);
      }
      break;
    }
  }
  return zones;
}

World build_world(const Scenario& s, std::uint64_t seed) {
  World w;
  w.scenario = &s;
  w.seed = seed;
  w.clock = Clock{s.run.start, s.run.months};
  w.burn_in = s.run.burn_in_months;
  w.cities = static_cast<int>(s.cities.list.size());
  w.destinations = static_cast<int>(s.destinations.size());
  w.sectors = static_cast<int>(s.sectors.size());
  w.markets = w.destinations * kChannels;
  // The literature's trade elasticity theta is sigma - 1 (Simonovska & Waugh 2014); CES markups use sigma.
  for (const auto& sector : s.sectors) {
    w.sigma.push_back(sector.trade_elasticity + 1.0);
    w.markup.push_back(w.sigma.back() / sector.trade_elasticity);
  }

  w.zone_approval_step.assign(static_cast<std::size_t>(w.cities), INT_MAX);
  int first_step = INT_MAX;
  // Zone status is status: a zone whose instruments all have strength 0 is still a zone
  // (tax rules, bonded imports, running cost, relocation target), so a status-only run
  // measures what status alone does.
  for (const auto& [city, approval] : select_zones(s)) {
    const int step = w.clock.step_of(approval);
    w.zone_approval_step[static_cast<std::size_t>(city)] = step;
    if (step < first_step) {
      first_step = step;
      w.leader_city = city;
    }
  }

  double weight_total = 0.0;
  for (const auto& c : s.cities.list) weight_total += *c.firm_weight;
  for (const auto& c : s.cities.list) w.coastal.push_back(c.coastal ? 1 : 0);
  for (const auto& c : s.cities.list) w.city_productivity.push_back(c.productivity);
  for (const auto& c : s.cities.list)
    w.city_firm_share.push_back(weight_total > 0.0 ? *c.firm_weight / weight_total : 1.0 / w.cities);

  w.months.resize(static_cast<std::size_t>(s.run.months));
  for (int step = 0; step < s.run.months; ++step) {
    MonthConditions& m = w.months[static_cast<std::size_t>(step)];
    const Month month = w.clock.at(step);
    m.cny_per_usd = exchange_rate_at(s.exchange_rate, month);
    m.years_since_start = step / 12.0;
    m.productivity_trend = std::pow(1.0 + s.firms.productivity_growth_year, m.years_since_start);
    m.trade_cost.resize(static_cast<std::size_t>(w.markets));
    m.offline_multiplier.assign(static_cast<std::size_t>(w.destinations), 1.0);
    m.online_multiplier.assign(static_cast<std::size_t>(w.destinations), 1.0);
    m.online_share_ratio.resize(static_cast<std::size_t>(w.destinations));
    m.cbec_price_factor.assign(static_cast<std::size_t>(w.destinations), 1.0);
    m.import_pilot.assign(static_cast<std::size_t>(w.cities), 0);
    for (int d = 0; d < w.destinations; ++d) {
      const auto& dest = s.destinations[static_cast<std::size_t>(d)];
      m.trade_cost[static_cast<std::size_t>(d * kChannels + kGeneral)] = dest.trade_cost_general;
      m.trade_cost[static_cast<std::size_t>(d * kChannels + kCbec)] = dest.trade_cost_cbec;
      m.online_share_ratio[static_cast<std::size_t>(d)] =
          interpolate_over_run(dest.online_share, step, s.run.months) / std::max(1e-9, dest.online_share.front());
    }
    for (const auto& e : s.timeline) {
      if (month < e.start || (e.end && month > *e.end)) continue;
      auto touches = [&](int d) { return e.destination == "all" || e.destination == s.destinations[static_cast<std::size_t>(d)].name; };
      switch (e.kind) {
        case EventKind::trade_cost:
          for (int d = 0; d < w.destinations; ++d)
            if (touches(d)) {
              double& cost = m.trade_cost[static_cast<std::size_t>(d * kChannels + e.channel)];
              cost = std::max(0.0, cost + e.value);
            }
          break;
        case EventKind::demand_shock:
          for (int d = 0; d < w.destinations; ++d)
            if (touches(d)) {
              m.offline_multiplier[static_cast<std::size_t>(d)] *= e.value;
              m.online_multiplier[static_cast<std::size_t>(d)] *= e.online_value;
            }
          break;
        case EventKind::national_floor: {
          double& floor = m.national_floor[static_cast<std::size_t>(e.instrument)];
          floor = std::max(floor, e.value);
          break;
        }
        case EventKind::import_pilot:
          for (int c = 0; c < w.cities; ++c)
            if (e.cities.empty() ||
                std::find(e.cities.begin(), e.cities.end(), s.cities.list[static_cast<std::size_t>(c)].name) != e.cities.end())
              m.import_pilot[static_cast<std::size_t>(c)] = 1;
          break;
        case EventKind::onboarding_campaign:
          m.onboarding = std::max(m.onboarding, e.value);
          break;
        case EventKind::suspension_wave:
          m.suspension_multiplier *= e.value;
          break;
        case EventKind::customs_codes:
          m.customs_codes = true;
          break;
        case EventKind::cbec_price:
          for (int d = 0; d < w.destinations; ++d)
            if (touches(d)) m.cbec_price_factor[static_cast<std::size_t>(d)] *= e.value;
          break;
      }
    }
  }
  return w;
}

}  // namespace pzsim
