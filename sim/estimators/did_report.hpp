#pragma once
// `pzsim did`: the estimators of sim/estimators applied to the simulated city panel of policy
// runs, each beside the true ATT (policy minus counterfactual). Output rows follow contract 4.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/estimators/city_panel.hpp"
#include "sim/estimators/panel.hpp"
#include "sim/estimators/run_pairs.hpp"

namespace pzsim::did {

struct DidOptions {
  PeriodUnit unit = PeriodUnit::year;
  std::optional<EventWindow> window;  // default: years -5..5, months -24..36
};

struct DidRow {
  std::string outcome;    // kOutcomes
  std::string estimator;  // twfe | event_study | callaway_santanna | callaway_santanna_not_yet | sun_abraham | true_att
  std::optional<int> event_time;
  double estimate = 0.0;              // mean over seeds
  std::optional<double> se, lo, hi;   // see docs/did.md; absent for true_att with one seed
  std::string scale;                  // "log points" or "asinh points"
  int n_cities = 0, n_periods = 0;
  std::vector<double> per_seed;
};

struct DidReport {
  std::string scenario;
  std::vector<std::uint64_t> seeds;
  PeriodUnit unit = PeriodUnit::year;
  EventWindow window;
  std::vector<std::string> periods;
  int n_cities = 0, zone_cities = 0, never_treated = 0, cohorts = 0, synthetic_cities = 0;
  std::vector<std::string> notes;  // estimators that could not run, and why
  // Per outcome (kOutcomes order): the true effect on the never-treated cities, mean over their
  // periods from the first approval and over seeds. Non-zero means the controls are affected
  // too (spillovers), which DiD subtracts from the zone cities' effect. NaN without such cities.
  std::vector<double> true_effect_never_treated;
  // Per outcome: TWFE's weights on the treated city-periods (de Chaisemartin & D'Haultfoeuille
  // 2020), the same in every seed, and the true effects averaged with them (mean over seeds):
  // what TWFE would estimate if trends were parallel and the controls unaffected.
  struct TwfeWeightSummary {
    int treated_cells = 0, negative_cells = 0;
    double negative_sum = 0.0;
    double weighted_true_effect = 0.0;
  };
  std::vector<TwfeWeightSummary> twfe_weights;
  std::vector<DidRow> rows;
};

// Reads every pair, runs the estimators per seed and combines them over seeds. InputError if
// the runs disagree on cities or periods, or no city is ever treated.
DidReport run_did(const RunPairs& runs, const DidOptions& options);

// "table" (for people), "csv" or "json" (contract 4).
std::string format_did(const DidReport& report, std::string_view format);

}  // namespace pzsim::did
