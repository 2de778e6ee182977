#pragma once
// Totals of a run that a policy reader asks for first: exports and jobs, national, in zone
// cities (cities that are zones in the policy run, fixed so both runs compare the same
// places) and elsewhere. Filled month by month from MonthOutputs.
#include <string>
#include <vector>

#include "sim/model/outputs.hpp"

namespace pzsim {

struct GroupTotals {
  double exports_usd = 0.0;          // whole run, all channels
  double exports_cbec_usd = 0.0;     // whole run, real CBEC channel
  double exports_last_year_usd = 0.0;
  double cbec_last_year_usd = 0.0;
  double employment_start = 0.0;     // end of the first month
  double employment_end = 0.0;       // end of the last month
  double jobs_created = 0.0;
  double jobs_destroyed = 0.0;
  double exporters_cbec_end = 0.0;
  double firms_end = 0.0;
  double fiscal_cost_usd = 0.0;
};

class RunSummary {
 public:
  // `group_of_city[c]` is 0 for the first group (zone cities), 1 for the rest.
  explicit RunSummary(std::vector<int> group_of_city) : group_of_city_(std::move(group_of_city)) {}
  void add_month(const World& world, int step, const MonthOutputs& out);
  const GroupTotals& group(int g) const { return groups_[static_cast<std::size_t>(g)]; }
  GroupTotals national() const;

 private:
  std::vector<int> group_of_city_;
  GroupTotals groups_[2];
};

// Zone membership of each city under a scenario's selection (1 = never a zone).
std::vector<int> zone_groups(const World& world);

// The counterfactual of a scenario: identical, with no zones.
Scenario counterfactual_of(const Scenario& scenario);

// A table comparing policy and counterfactual totals, in national units.
std::string format_comparison(const Scenario& scenario, std::uint64_t seed, const RunSummary& policy,
                              const RunSummary& counterfactual, int zone_cities);

}  // namespace pzsim
