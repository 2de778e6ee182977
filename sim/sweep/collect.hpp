#pragma once
// DIR/sweep.h5 from a sweep folder (its sweep.yaml, manifest.csv and runs/*.h5): netCDF-4
// that xarray.open_dataset opens without dask. Grid designs have one dimension per factor
// (coordinate = the factor's values); list, lhs and saltelli designs have a `point`
// dimension with one coordinate variable (point,) per factor; then `seed`, `time` and
// `aggregate` (nation, zone, other) or `city`. Each collected variable is
// (<factor dims or point>, seed, time, aggregate|city); `<var>_counterfactual` likewise when
// the sweep runs counterfactuals; `status` (and `status_counterfactual`) say which runs
// are in (1) and which are missing or failed (0, their values NaN).
// Amounts (jobs, firms, USD, CNY, ...) are summed over cities and divided by the run's
// sample_fraction (national units); rates, prices, days and shares are plain means over
// the cities of the group. `zone` is the cities with a zone in the policy run of the same
// point and seed (any month); `other` the rest. Values depend only on the run files, so
// a resumed sweep's sweep.h5 is identical to an uninterrupted one's.
#include <filesystem>
#include <functional>
#include <string>

namespace pzsim {

struct CollectOutcome {
  std::size_t rows = 0, complete = 0, missing = 0, failed = 0;
};

// Verifies every run file the manifest names (a truncated or unfinished file counts as
// missing), rewrites manifest.csv with what it found and writes DIR/sweep.h5 (temporary
// name, then renamed). InputError if DIR is not a sweep folder or no run is complete.
CollectOutcome collect_sweep(const std::filesystem::path& dir, const std::function<void(const std::string&)>& log = {});

// Whether a result variable is an amount (summed over cities) rather than a rate or price (averaged).
bool is_additive(const std::string& variable);

}  // namespace pzsim
