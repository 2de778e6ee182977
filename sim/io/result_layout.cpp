// The run file's dimensions, auxiliary coordinates and root attributes, declared once for the
// writer (result_file.cpp) and for docs/outputs.md (outputs_markdown.cpp).
#include <stdexcept>

#include "sim/io/result_file.hpp"

namespace pzsim {

const std::vector<DimensionDoc>& dimension_catalog() {
  static const std::vector<DimensionDoc> dimensions = {
      {"time", "first day of the simulated month",
       "unlimited: one per reported month (`run.months`; burn-in months are not written)",
       "days since 1970-01-01 of the first day of the month (`units: days since 1970-01-01`, `calendar: standard`, "
       "`standard_name: time`, `axis: T`, `bounds: time_bnds`); xarray decodes it to `datetime64`"},
      {"city", "city", "cities of the scenario, in list order (explicit cities, then synthetic ones)", "city names"},
      {"sector", "product category", "sectors of the scenario",
       "sector names (built-in: apparel, consumer_electronics, home_goods, toys, robots_drones, other)"},
      {"destination", "overseas market", "destinations of the scenario",
       "names (built-in: us, eu, japan_korea, asean, rest_of_world)"},
      {"channel", "real channel the goods travel by", "2", "`general`, `cbec`"},
      {"customs_code", "declared customs code", "4", "`0110`, `9610`, `9710`, `9810`"},
      {"instrument", "zone instrument", "4", "`financial`, `information`, `administration`, `enforcement`"},
      {"payer", "paying account sector", "7",
       "`firms`, `households`, `banks`, `central_government`, `local_government`, `platforms`, `rest_of_world`"},
      {"payee", "receiving account sector", "7", "the same seven sectors"},
      {"nv", "", "2", "none (a dimension without a coordinate variable): the two ends of each month in `time_bnds`"},
  };
  return dimensions;
}

const std::string& dimension_long_name(const std::string& name) {
  for (const auto& d : dimension_catalog())
    if (d.name == name) return d.long_name;
  throw std::logic_error("dimension_long_name: no dimension " + name);
}

const std::vector<CoordinateVariable>& coordinate_catalog() {
  static const std::vector<CoordinateVariable> coordinates = {
      {"month", "time", "calendar month YYYY-MM", "calendar month `YYYY-MM`", {}},
      {"province", "city", "province", "province (`synthetic` for synthetic cities)", {}},
      {"macro_region", "city", "NBS macro-region", "NBS macro-region: `east`, `central`, `west`, `northeast`", {}},
      {"coastal", "city", "coastal city (1) or inland (0)", "1 for a coastal city, 0 for an inland one", {"inland", "coastal"}},
      {"synthetic", "city", "generated city or one with a drawn attribute (1), all attributes from the scenario (0)",
       "1 for a city that was generated (`cities.synthetic`) or has any attribute drawn (infrastructure, e-commerce or "
       "trade-scale index, labour force, wage, firm weight); 0 for a city whose attributes all come from the scenario. "
       "`historical.yaml` and the scenarios built on it have only real cities (0); `default.yaml` has only synthetic "
       "ones (1)",
       {"from_scenario", "generated_or_drawn"}},
  };
  return coordinates;
}

const std::vector<RootAttribute>& root_attribute_catalog() {
  static const std::vector<RootAttribute> attributes = {
      {"Conventions", "string", "`CF-1.8` (the file passes tests/io/test_cf_conventions.py)"},
      {"title", "string", "`pzsim run: cross-border e-commerce pilot zones, jobs and exports`"},
      {"pzsim_version", "string", "version of the program (e.g. `0.1.0`)"},
      {"git_commit", "string", "commit the program was built from, with `-dirty` if the tree had changes"},
      {"scenario_yaml", "string",
       "the fully resolved scenario (every value, drawn city attributes included); parsing it with `pzsim validate` "
       "gives the same scenario, so the run can be repeated from the file alone"},
      {"scenario_path", "string", "the scenario file as the user named it"},
      {"scenario_description", "string", "the scenario's `description`"},
      {"seed", "uint64", "the run's seed (`run.seed`, or `--seed`), 0 to 2^64 - 1"},
      {"role", "string", "`run` (pzsim run), `policy`, `counterfactual` or `leave_out` (pzsim compare)"},
      {"overrides", "string", "the `--set` overrides applied to the scenario file, one per line (empty without any)"},
      {"sweep_point, override_<key>", "string",
       "only in run files of `pzsim sweep`: the design point that made the file and each override "
       "(`override_zones.financial.strength` = `0.5`), [sweeps.md](sweeps.md#the-sweep-folder)",
       false},
      {"created_utc", "string", "when the file was created, ISO 8601 UTC"},
      {"sample_fraction", "float64", "share of China's trading firms the firm agents stand for (`scale.sample_fraction`)"},
      {"scaling", "string",
       "\"Firm agents stand for sample_fraction of China's trading firms and demand is scaled by the same factor: divide "
       "flows and counts by sample_fraction for national units.\""},
      {"wall_seconds", "float64", "wall-clock seconds of the run, written when the file is committed"},
      {"complete", "int64",
       "1, written last when the file is committed: a file without it is not a finished run (`pzsim sweep` redoes it)"},
  };
  return attributes;
}

}  // namespace pzsim
