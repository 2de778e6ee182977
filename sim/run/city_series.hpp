#pragma once
// The per-city monthly series of a run that comparisons read (policy against counterfactual,
// estimands, decomposition), kept in memory while the run goes so that `compare` needs no
// output file. Each series is an output variable of the catalog summed over its non-city
// dimensions, optionally restricted to one channel or customs code; values in sample units.
// A few series come from the firms themselves (by origin, for the decomposition of the
// zone-city gain): sales and jobs of firms that relocated into the city, and of firms born
// in it during the run. A firm has relocated when it is registered in another city than its
// origin: its birth city if born during the run (from its id), else its city at the end of the
// first month.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/outputs.hpp"
#include "sim/model/state.hpp"

namespace pzsim {

// One series: a catalog variable, and optionally one index of one of its dimensions.
struct SeriesSpec {
  std::string name;        // e.g. "exports_cbec_usd"
  std::string variable;    // catalog variable, e.g. "exports_usd" ("" for a series from the firms)
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

  void add_month(const World& world, const State& state, const MonthOutputs& out);

  int months() const { return months_; }
  int cities() const { return cities_; }
  // Values of one series, [month * cities + city]; InputError-free: an unknown name is a
  // programming error (std::out_of_range).
  const std::vector<double>& series(std::string_view name) const;
  double at(std::string_view name, int month, int city) const {
    return series(name)[static_cast<std::size_t>(month) * static_cast<std::size_t>(cities_) + static_cast<std::size_t>(city)];
  }

 private:
  void add_firm_origins(const World& world, const State& state);
  std::size_t index_of(std::string_view name) const;

  int months_ = 0, cities_ = 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> city_at_start_;  // (firm id, city) after the first month, by id
  std::vector<std::vector<double>> values_;  // [series_catalog() position][month * cities + city]
};

}  // namespace pzsim
