#pragma once
// The city x period panel `pzsim did` estimates on, read from one result file: the three
// outcomes in national units, and each city's zone cohort from `zone_active` (contract 3).
#include <Eigen/Dense>

#include <array>
#include <string>
#include <vector>

#include "sim/io/run_reader.hpp"

namespace pzsim::did {

enum class PeriodUnit { year, month };

// The outcomes, in the order they are reported.
inline constexpr std::array<const char*, 3> kOutcomes = {"exports_cbec_usd", "firm_births", "employment"};

struct CityRun {
  std::vector<std::string> cities;
  std::vector<std::string> periods;  // "2016" (years) or "2016-03" (months)
  // Per city: index of the first period with zone_active = 1 in any of its months, or
  // kNeverTreated. A yearly cohort is the calendar year of approval.
  std::vector<int> cohort;
  // One cities x periods matrix per entry of kOutcomes, national units (sample / sample_fraction):
  // CBEC exports (real channel, all sectors) and firm births summed over the period's months,
  // employment averaged over them.
  std::array<Eigen::MatrixXd, kOutcomes.size()> outcome;
};

// Reads and aggregates one run. InputError if a variable is missing or zone_active is not
// absorbing (a city leaving its zone).
CityRun read_city_run(const RunFile& file, PeriodUnit unit);

}  // namespace pzsim::did
