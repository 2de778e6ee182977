#include "sim/compare/estimands.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/model/world.hpp"
#include "sim/scenario/schema.hpp"

namespace pzsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Sum of a series over the months [first, last] and the group's cities, in sample units.
double sum_over(const CitySeries& s, const char* name, const std::vector<std::uint8_t>& member, int first, int last) {
  const std::vector<double>& v = s.series(name);
  const std::size_t n = static_cast<std::size_t>(s.cities());
  double total = 0.0;
  for (int t = first; t <= last; ++t)
    for (std::size_t c = 0; c < n; ++c)
      if (member[c]) total += v[static_cast<std::size_t>(t) * n + c];
  return total;
}
double whole_run(const CitySeries& s, const char* name, const std::vector<std::uint8_t>& member) {
  return sum_over(s, name, member, 0, s.months() - 1);
}
double at_end(const CitySeries& s, const char* name, const std::vector<std::uint8_t>& member) {
  return sum_over(s, name, member, s.months() - 1, s.months() - 1);
}

Metric flow(std::string name, std::string unit, std::string label, const char* series) {
  return {std::move(name), std::move(unit), std::move(label),
          [series](const Scenario& sc, const CitySeries& s, const std::vector<std::uint8_t>& m) {
            return whole_run(s, series, m) / sc.scale.sample_fraction;
          }};
}

std::vector<Metric> build_metrics() {
  std::vector<Metric> m;
  m.push_back({"net_jobs_end", "jobs", "net jobs (employment at the end)",
               [](const Scenario& sc, const CitySeries& s, const std::vector<std::uint8_t>& g) {
                 return at_end(s, "employment", g) / sc.scale.sample_fraction;
               }});
  m.push_back({"job_years", "job-years", "job-years (employment summed over months / 12)",
               [](const Scenario& sc, const CitySeries& s, const std::vector<std::uint8_t>& g) {
                 return whole_run(s, "employment", g) / 12.0 / sc.scale.sample_fraction;
               }});
  m.push_back(flow("exports_usd", "USD", "exports, all channels, whole run", "exports_usd"));
  m.push_back(flow("exports_general_usd", "USD", "exports by general trade (real channel), whole run", "exports_general_usd"));
  m.push_back(flow("exports_cbec_usd", "USD", "CBEC exports by real channel, whole run", "exports_cbec_usd"));
  m.push_back(flow("exports_cbec_recorded_usd", "USD", "CBEC exports as recorded, whole run", "exports_cbec_recorded_usd"));
  m.push_back({"firms_end", "firms", "firms at the end",
               [](const Scenario& sc, const CitySeries& s, const std::vector<std::uint8_t>& g) {
                 return at_end(s, "firms_alive", g) / sc.scale.sample_fraction;
               }});
  m.push_back(flow("gross_hires", "jobs", "gross hires, whole run", "jobs_created"));
  m.push_back(flow("gross_separations", "jobs", "gross separations, whole run", "jobs_destroyed"));
  m.push_back(flow("fiscal_cost_gross_usd", "USD", "zone fiscal cost, gross", "fiscal_cost_usd"));
  m.push_back(flow("fiscal_cost_gross_central_usd", "USD", "zone fiscal cost, gross, central", "fiscal_cost_central_usd"));
  m.push_back(flow("fiscal_cost_gross_local_usd", "USD", "zone fiscal cost, gross, local", "fiscal_cost_local_usd"));
  // Net of induced taxes: a run's fiscal cost minus the income tax its firms pay, so the
  // effect is the zone cost less the extra tax the zones bring in. Income tax is split
  // between central and local government as accounting.cpp splits it.
  m.push_back({"fiscal_cost_net_usd", "USD", "zone fiscal cost net of induced income tax",
               [](const Scenario& sc, const CitySeries& s, const std::vector<std::uint8_t>& g) {
                 return (whole_run(s, "fiscal_cost_usd", g) - whole_run(s, "tax_revenue_usd", g)) / sc.scale.sample_fraction;
               }});
  m.push_back({"fiscal_cost_net_central_usd", "USD", "zone fiscal cost net of induced income tax, central",
               [](const Scenario& sc, const CitySeries& s, const std::vector<std::uint8_t>& g) {
                 const double share = sc.zones.fiscal.income_tax_central_share;
                 return (whole_run(s, "fiscal_cost_central_usd", g) - share * whole_run(s, "tax_revenue_usd", g)) /
                        sc.scale.sample_fraction;
               }});
  m.push_back({"fiscal_cost_net_local_usd", "USD", "zone fiscal cost net of induced income tax, local",
               [](const Scenario& sc, const CitySeries& s, const std::vector<std::uint8_t>& g) {
                 const double share = 1.0 - sc.zones.fiscal.income_tax_central_share;
                 return (whole_run(s, "fiscal_cost_local_usd", g) - share * whole_run(s, "tax_revenue_usd", g)) /
                        sc.scale.sample_fraction;
               }});
  return m;
}

double mean_of(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return v.empty() ? kNaN : s / static_cast<double>(v.size());
}

const ComparisonRow& find_row(const std::vector<ComparisonRow>& rows, const std::string& metric) {
  for (const auto& r : rows)
    if (r.metric == metric) return r;
  throw std::out_of_range("no row for metric " + metric);
}

}  // namespace

int CityGroup::size() const {
  int n = 0;
  for (auto m : member) n += m;
  return n;
}

std::vector<CityGroup> estimand_groups(const Scenario& policy) {
  const World world = build_world(policy, policy.run.seed);
  const std::size_t n = policy.cities.list.size();
  std::vector<std::uint8_t> all(n, 1), zone(n, 0), other(n, 0), coastal(n, 0), inland(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    zone[c] = world.zone_approval_step[c] < world.clock.months ? 1 : 0;
    other[c] = 1 - zone[c];
    coastal[c] = zone[c] && policy.cities.list[c].coastal;
    inland[c] = zone[c] && !policy.cities.list[c].coastal;
  }
  std::vector<CityGroup> groups = {
      {"national", "all cities in the scenario", all},
      {"direct", "zone cities: direct effect", zone},
      {"spillover", "other cities: spillover", other},
      {"coastal", "coastal zone cities", coastal},
      {"inland", "inland zone cities", inland},
  };
  for (Region r : {Region::east, Region::central, Region::west, Region::northeast}) {
    std::vector<std::uint8_t> m(n, 0);
    for (std::size_t c = 0; c < n; ++c) m[c] = zone[c] && policy.cities.list[c].region == r;
    const std::string name(enum_name(r));
    groups.push_back({"region:" + name, "zone cities in the " + name + " region", m});
  }
  std::vector<CityGroup> kept;
  for (auto& g : groups)
    if (g.size() > 0 || g.estimand == "direct" || g.estimand == "spillover") kept.push_back(std::move(g));
  return kept;
}

const std::vector<Metric>& metric_catalog() {
  static const std::vector<Metric> metrics = build_metrics();  // a table, built once
  return metrics;
}

std::vector<ComparisonRow> effect_rows(const std::string& scenario, const std::string& estimand, const Scenario& sc,
                                       const std::vector<const CitySeries*>& policy,
                                       const std::vector<const CitySeries*>& counterfactual,
                                       const std::vector<std::uint8_t>& member, IntervalMethod method) {
  std::vector<ComparisonRow> rows;
  for (const Metric& metric : metric_catalog()) {
    ComparisonRow row;
    row.scenario = scenario;
    row.estimand = estimand;
    row.metric = metric.name;
    row.unit = metric.unit;
    std::vector<double> p, c;
    for (std::size_t i = 0; i < policy.size(); ++i) {
      p.push_back(metric.value(sc, *policy[i], member));
      c.push_back(metric.value(sc, *counterfactual[i], member));
      row.per_seed.push_back(p.back() - c.back());
    }
    row.policy_mean = mean_of(p);
    row.counterfactual_mean = mean_of(c);
    row.effect = mean_interval(row.per_seed, method);
    // A percentage of the counterfactual's fiscal position (zero cost, minus all income tax) means nothing.
    const bool fiscal = metric.name.rfind("fiscal_cost", 0) == 0;
    row.effect_pct_mean = row.counterfactual_mean != 0.0 && !fiscal ? 100.0 * row.effect.mean / row.counterfactual_mean : kNaN;
    row.contains_zero = !row.effect.defined() || row.effect.contains(0.0);
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

using RunValue = std::function<double(const CitySeries&)>;

// A row from a per-run value: policy and counterfactual means, the per-seed effect and its interval.
ComparisonRow row_of(const std::string& scenario, const std::string& estimand, const std::string& metric, const std::string& unit,
                     const RunValue& value, const std::vector<const CitySeries*>& policy,
                     const std::vector<const CitySeries*>& counterfactual, IntervalMethod method) {
  ComparisonRow row;
  row.scenario = scenario;
  row.estimand = estimand;
  row.metric = metric;
  row.unit = unit;
  std::vector<double> p, c;
  for (std::size_t i = 0; i < policy.size(); ++i) {
    p.push_back(value(*policy[i]));
    c.push_back(value(*counterfactual[i]));
    row.per_seed.push_back(p.back() - c.back());
  }
  row.policy_mean = mean_of(p);
  row.counterfactual_mean = mean_of(c);
  row.effect = mean_interval(row.per_seed, method);
  row.effect_pct_mean = kNaN;
  row.contains_zero = !row.effect.defined() || row.effect.contains(0.0);
  return row;
}

// A row whose per-seed effect is given (the remainder and residual parts).
ComparisonRow row_of_effects(const ComparisonRow& like, const std::string& estimand, std::vector<double> effects,
                             IntervalMethod method) {
  ComparisonRow row = like;
  row.estimand = estimand;
  row.policy_mean = row.counterfactual_mean = kNaN;
  row.per_seed = std::move(effects);
  row.effect = mean_interval(row.per_seed, method);
  row.contains_zero = !row.effect.defined() || row.effect.contains(0.0);
  return row;
}

}  // namespace

std::vector<ComparisonRow> decomposition_rows(const std::string& scenario, const Scenario& sc,
                                              const std::vector<const CitySeries*>& policy,
                                              const std::vector<const CitySeries*>& counterfactual,
                                              const std::vector<std::uint8_t>& zone, IntervalMethod method) {
  std::vector<std::uint8_t> other(zone.size());
  for (std::size_t c = 0; c < zone.size(); ++c) other[c] = 1 - zone[c];
  const double to_national = 1.0 / sc.scale.sample_fraction;
  const auto run = [&](const CitySeries& s, const char* name, const std::vector<std::uint8_t>& g) {
    return whole_run(s, name, g) * to_national;
  };
  const auto end = [&](const CitySeries& s, const char* name) { return at_end(s, name, zone) * to_national; };
  std::vector<ComparisonRow> rows;

  // Recorded CBEC exports of zone cities.
  const char* exports = "exports_cbec_recorded_usd";
  const std::vector<std::pair<const char*, RunValue>> export_parts = {
      {"relabelling", [&](const CitySeries& s) { return run(s, "exports_cbec_recorded_usd", zone) - run(s, "exports_cbec_usd", zone); }},
      {"relocation", [&](const CitySeries& s) { return run(s, "exports_cbec_relocated_usd", zone); }},
      {"births", [&](const CitySeries& s) { return run(s, "exports_cbec_born_usd", zone); }},
      {"channel_switching",
       [&](const CitySeries& s) {
         return -(run(s, "exports_general_usd", zone) - run(s, "exports_general_relocated_usd", zone) -
                  run(s, "exports_general_born_usd", zone));
       }},
      {"business_stealing",
       [&](const CitySeries& s) { return -run(s, "exports_cbec_usd", other) - run(s, "exports_cbec_relocated_usd", zone); }},
  };
  const ComparisonRow total = row_of(scenario, "direct", exports, "USD",
                                     [&](const CitySeries& s) { return run(s, exports, zone); }, policy, counterfactual, method);
  std::vector<double> remainder = total.per_seed;
  for (const auto& [part, value] : export_parts) {
    rows.push_back(row_of(scenario, std::string("decomposition:") + part, exports, "USD", value, policy, counterfactual, method));
    for (std::size_t i = 0; i < remainder.size(); ++i) remainder[i] -= rows.back().per_seed[i];
  }
  rows.push_back(row_of_effects(rows.back(), "decomposition:market_expansion", remainder, method));

  // Employment of zone cities at the end: every part measured, the residual is a check.
  const char* jobs = "net_jobs_end";
  const std::vector<std::pair<const char*, RunValue>> job_parts = {
      {"relocation", [&](const CitySeries& s) { return end(s, "firm_jobs_relocated"); }},
      {"births", [&](const CitySeries& s) { return end(s, "firm_jobs_born"); }},
      {"incumbent_firms",
       [&](const CitySeries& s) { return end(s, "firm_employment") - end(s, "firm_jobs_relocated") - end(s, "firm_jobs_born"); }},
      {"services_and_suppliers", [&](const CitySeries& s) { return end(s, "services_jobs") + end(s, "supplier_jobs"); }},
      {"labour_crowding_out", [&](const CitySeries& s) { return end(s, "other_jobs"); }},
  };
  const ComparisonRow job_total = row_of(scenario, "direct", jobs, "jobs", [&](const CitySeries& s) { return end(s, "employment"); },
                                         policy, counterfactual, method);
  std::vector<double> residual = job_total.per_seed;
  for (const auto& [part, value] : job_parts) {
    rows.push_back(row_of(scenario, std::string("decomposition:") + part, jobs, "jobs", value, policy, counterfactual, method));
    for (std::size_t i = 0; i < residual.size(); ++i) residual[i] -= rows.back().per_seed[i];
  }
  rows.push_back(row_of_effects(rows.back(), "decomposition:residual", residual, method));
  return rows;
}

std::vector<ComparisonRow> event_time_rows(const std::string& scenario, const std::string& estimand, const Scenario& sc,
                                           const std::vector<const CitySeries*>& full, const std::vector<const CitySeries*>& without,
                                           const std::vector<std::uint8_t>& batch, int approval_step, IntervalMethod method) {
  std::vector<ComparisonRow> rows;
  const int first = std::max(0, approval_step);
  for (int k = 0; first + 12 * (k + 1) <= sc.run.months; ++k) {
    const int a = first + 12 * k, b = a + 11;
    rows.push_back(row_of(scenario, estimand, "exports_cbec_usd_event_year_" + std::to_string(k), "USD",
                          [&](const CitySeries& s) { return sum_over(s, "exports_cbec_usd", batch, a, b) / sc.scale.sample_fraction; },
                          full, without, method));
  }
  return rows;
}

namespace {

// A row whose effect is a ratio of per-seed effects, numerator / denominator.per_seed: the
// per-seed ratios and ratio_interval's interval of the ratio of means; n/a with `note` when
// the denominator's interval contains 0.
ComparisonRow ratio_row(const std::string& scenario, const std::string& estimand, const std::string& metric,
                        const std::string& unit, const std::vector<double>& numerator, const ComparisonRow& denominator,
                        const std::string& note, IntervalMethod method) {
  ComparisonRow row;
  row.scenario = scenario;
  row.estimand = estimand;
  row.metric = metric;
  row.unit = unit;
  row.policy_mean = row.counterfactual_mean = row.effect_pct_mean = kNaN;
  for (std::size_t i = 0; i < numerator.size(); ++i)
    row.per_seed.push_back(denominator.per_seed[i] != 0.0 ? numerator[i] / denominator.per_seed[i] : kNaN);
  if (denominator.contains_zero) {
    row.effect = {kNaN, kNaN, kNaN, static_cast<int>(numerator.size())};
    row.note = note;
  } else {
    row.effect = ratio_interval(numerator, denominator.per_seed, method);
  }
  row.contains_zero = !row.effect.defined() || row.effect.contains(0.0);
  return row;
}

}  // namespace

std::vector<ComparisonRow> ratio_rows(const std::vector<ComparisonRow>& national, IntervalMethod method) {
  struct Ratio {
    const char* name;
    const char* numerator;
    const char* denominator;
    const char* unit;
  };
  const Ratio ratios[] = {
      {"fiscal_cost_gross_per_net_job", "fiscal_cost_gross_usd", "net_jobs_end", "USD per job"},
      {"fiscal_cost_net_per_net_job", "fiscal_cost_net_usd", "net_jobs_end", "USD per job"},
      {"fiscal_cost_gross_per_usd_net_exports", "fiscal_cost_gross_usd", "exports_usd", "USD per USD"},
      {"fiscal_cost_net_per_usd_net_exports", "fiscal_cost_net_usd", "exports_usd", "USD per USD"},
  };
  std::vector<ComparisonRow> rows;
  for (const Ratio& r : ratios) {
    const ComparisonRow& num = find_row(national, r.numerator);
    rows.push_back(ratio_row(num.scenario, num.estimand, r.name, r.unit, num.per_seed, find_row(national, r.denominator),
                             std::string("n/a: the interval of ") + r.denominator + " contains 0", method));
  }
  return rows;
}

std::vector<ComparisonRow> displacement_rows(const std::vector<ComparisonRow>& direct_rows,
                                             const std::vector<ComparisonRow>& spillover_rows, IntervalMethod method) {
  std::vector<ComparisonRow> rows;
  for (const char* metric : {"exports_cbec_usd", "exports_usd", "net_jobs_end"}) {
    const ComparisonRow& direct = find_row(direct_rows, metric);
    const ComparisonRow& spillover = find_row(spillover_rows, metric);
    std::vector<double> lost(spillover.per_seed.size());
    for (std::size_t i = 0; i < lost.size(); ++i) lost[i] = -100.0 * spillover.per_seed[i];
    rows.push_back(ratio_row(direct.scenario, "displacement", metric, "%", lost, direct,
                             "n/a: the interval of the zone cities' effect contains 0", method));
  }
  return rows;
}

}  // namespace pzsim
