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

// Decomposition of the zone-city gain (docs/compare.md), rows "decomposition:<part>":
// recorded CBEC exports (metric exports_cbec_recorded_usd) into relabelling, relocation,
// births, channel_switching, business_stealing and market_expansion (the remainder), and
// employment at the end (metric net_jobs_end) into relocation, births, incumbent_firms,
// services_and_suppliers and labour_crowding_out, with a residual row (total minus parts).
std::vector<ComparisonRow> decomposition_rows(const std::string& scenario, const Scenario& policy_scenario,
                                              const std::vector<const CitySeries*>& policy,
                                              const std::vector<const CitySeries*>& counterfactual,
                                              const std::vector<std::uint8_t>& zone, IntervalMethod method);

// Event-time effects of one batch (leave-one-batch-out): CBEC exports by real channel of the
// batch's cities in each 12-month year from approval (metric exports_cbec_usd_event_year_<k>,
// k = 0, 1, ... while the year ends inside the run), full rollout minus the rollout without it.
std::vector<ComparisonRow> event_time_rows(const std::string& scenario, const std::string& estimand, const Scenario& policy_scenario,
                                           const std::vector<const CitySeries*>& full, const std::vector<const CitySeries*>& without,
                                           const std::vector<std::uint8_t>& batch, int approval_step, IntervalMethod method);

// Fiscal cost per net job and per USD of net exports (national), from the rows already made:
// ratio of mean effects with a delta-method or bootstrap interval; n/a when the
// denominator's interval contains 0.
std::vector<ComparisonRow> ratio_rows(const std::vector<ComparisonRow>& national_rows, IntervalMethod method);

// How much of the zone cities' gain the other cities lose (estimand "displacement", unit "%"):
// -mean(spillover effect) / mean(direct effect) x 100, for real-channel CBEC exports, exports
// of all channels and jobs at the end, with ratio_interval's interval. 100% is pure business
// stealing, 0% no loss elsewhere, below 0 other cities gain too. n/a when the direct effect's
// interval contains 0 (the share of a gain that may be nil is not defined).
std::vector<ComparisonRow> displacement_rows(const std::vector<ComparisonRow>& direct_rows,
                                             const std::vector<ComparisonRow>& spillover_rows, IntervalMethod method);

}  // namespace pzsim
