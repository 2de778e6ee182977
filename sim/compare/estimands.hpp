#pragma once
// The estimands (groups of cities) and metrics of a comparison, and the rows they give.
// Names are those of contract 1 and docs/compare.md.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/compare/compare.hpp"
#include "sim/run/city_series.hpp"
#include "sim/scenario/scenario.hpp"

namespace pzsim {

// A set of cities an effect is summed over.
struct CityGroup {
  std::string estimand;               // national, direct, spillover, coastal, inland, region:east, ...
  std::string label;                  // for people, e.g. "zone cities (8): direct effect"
  std::vector<std::uint8_t> member;   // [city] 1 if in the group
  int size() const;
};

// national (every city), direct (cities that are zones inside the run window under the
// policy scenario), spillover (the others), coastal and inland zone cities, and zone cities
// by macro region (regions without zone cities are left out).
std::vector<CityGroup> estimand_groups(const Scenario& policy);

// One metric: its value in a run over a group of cities, in national units.
struct Metric {
  std::string name;   // e.g. net_jobs_end
  std::string unit;   // jobs, job-years, USD, firms
  std::string label;  // for people
  std::function<double(const Scenario&, const CitySeries&, const std::vector<std::uint8_t>&)> value;
};
const std::vector<Metric>& metric_catalog();

// Rows for one estimand: each metric's policy and counterfactual means over seeds and the
// interval of the per-seed effect (policy - counterfactual). `policy[i]` and
// `counterfactual[i]` are the runs of seed i.
std::vector<ComparisonRow> effect_rows(const std::string& scenario, const std::string& estimand, const Scenario& policy_scenario,
                                       const std::vector<const CitySeries*>& policy,
                                       const std::vector<const CitySeries*>& counterfactual,
                                       const std::vector<std::uint8_t>& member, IntervalMethod method);

// Fiscal cost per net job and per USD of net exports (national), from the rows already made:
// ratio of mean effects with a delta-method or bootstrap interval; n/a when the
// denominator's interval contains 0.
std::vector<ComparisonRow> ratio_rows(const std::vector<ComparisonRow>& national_rows, IntervalMethod method);

}  // namespace pzsim
