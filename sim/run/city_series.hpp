#pragma once
// The per-city monthly series of a run that comparisons read (policy against counterfactual,
// estimands, decomposition), kept in memory while the run goes so that `compare` needs no
// output file. Each series is an output variable of the catalog summed over its non-city
// dimensions, optionally restricted to one channel or customs code; values in sample units.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/outputs.hpp"

namespace pzsim {

// One series: a catalog variable, and optionally one index of one of its dimensions.
struct SeriesSpec {
  std::string name;        // e.g. "exports_cbec_usd"
  std::string variable;    // catalog variable, e.g. "exports_usd"
  std::string dim;         // dimension restricted to one index ("" for a plain sum)
  int index = 0;           // that index
  std::string description; // what it holds
};

// Every series CitySeries collects, in order.
const std::vector<SeriesSpec>& series_catalog();

class CitySeries {
 public:
  CitySeries() = default;
  CitySeries(const World& world);  // sized for the world's months and cities, zero

  void add_month(const World& world, int step, const MonthOutputs& out);

  int months() const { return months_; }
  int cities() const { return cities_; }
  // Values of one series, [month * cities + city]; InputError-free: an unknown name is a
  // programming error (std::out_of_range).
  const std::vector<double>& series(std::string_view name) const;
  double at(std::string_view name, int month, int city) const {
    return series(name)[static_cast<std::size_t>(month) * static_cast<std::size_t>(cities_) + static_cast<std::size_t>(city)];
  }

 private:
  int months_ = 0, cities_ = 0;
  std::vector<std::vector<double>> values_;  // [series_catalog() position][month * cities + city]
};

}  // namespace pzsim
