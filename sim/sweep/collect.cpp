#include "sim/sweep/collect.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "pzsim/version.hpp"
#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/run_reader.hpp"
#include "sim/model/outputs.hpp"
#include "sim/sweep/sweep.hpp"

namespace pzsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const OutputVariable& catalog_entry(const std::string& name) {
  for (const auto& v : output_catalog())
    if (v.name == name) return v;
  throw InputError("no result variable named '" + name + "'");
}

// Values parsed as numbers if every one is a number, else nothing.
std::optional<std::vector<double>> numbers(const std::vector<std::string>& texts) {
  std::vector<double> out;
  for (const auto& t : texts) {
    try {
      std::size_t used = 0;
      const double x = std::stod(t, &used);
      if (used != t.size()) return std::nullopt;
      out.push_back(x);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return out;
}

// One run's variable reduced to (time, group): group = aggregate level or city.
struct Reducer {
  std::vector<std::string> aggregate;  // nation/zone/other, or {"city"}
  std::size_t cities = 0;

  std::size_t groups() const { return aggregate.front() == "city" ? cities : aggregate.size(); }

  std::vector<double> reduce(const RunArray& a, const std::string& variable, const std::vector<std::uint8_t>& zone,
                             double sample_fraction) const {
    const bool additive = is_additive(variable);
    const std::size_t times = a.shape.at(0);
    const std::size_t cells = times == 0 ? 0 : a.values.size() / times;
    const auto city_it = std::find(a.dims.begin(), a.dims.end(), "city");
    std::vector<double> out(times * groups(), kNaN);
    if (city_it == a.dims.end()) {  // nation only (validated)
      for (std::size_t t = 0; t < times; ++t) {
        double sum = 0.0;
        for (std::size_t c = 0; c < cells; ++c) sum += a.values[t * cells + c];
        out[t * groups()] = additive ? sum / sample_fraction : sum / static_cast<double>(cells);
      }
      return out;
    }
    const std::size_t axis = static_cast<std::size_t>(city_it - a.dims.begin());
    std::size_t inner = 1;  // cells after the city axis
    for (std::size_t d = axis + 1; d < a.shape.size(); ++d) inner *= a.shape[d];
    const std::size_t ncity = a.shape[axis];
    const std::size_t per_city = cells / ncity;
    std::vector<double> by_city(times * ncity, 0.0);
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      const std::size_t t = i / cells, c = (i / inner) % ncity;
      by_city[t * ncity + c] += a.values[i];
    }
    if (!additive)
      for (double& v : by_city) v /= static_cast<double>(per_city);
    for (std::size_t t = 0; t < times; ++t) {
      if (aggregate.front() == "city") {
        for (std::size_t c = 0; c < ncity; ++c) out[t * ncity + c] = by_city[t * ncity + c] / (additive ? sample_fraction : 1.0);
        continue;
      }
      for (std::size_t g = 0; g < aggregate.size(); ++g) {
        double sum = 0.0;
        std::size_t members = 0;
        for (std::size_t c = 0; c < ncity; ++c) {
          const bool in = aggregate[g] == "nation" || (aggregate[g] == "zone") == (zone[c] != 0);
          if (!in) continue;
          sum += by_city[t * ncity + c];
          ++members;
        }
        out[t * groups() + g] = additive ? sum / sample_fraction : (members ? sum / static_cast<double>(members) : kNaN);
      }
    }
    return out;
  }
};

std::vector<std::uint8_t> zone_cities(const RunFile& run) {
  const RunArray active = run.read("zone_active");
  const std::size_t times = active.shape.at(0), ncity = active.shape.at(1);
  std::vector<std::uint8_t> zone(ncity, 0);
  for (std::size_t t = 0; t < times; ++t)
    for (std::size_t c = 0; c < ncity; ++c)
      if (active.values[t * ncity + c] != 0.0) zone[c] = 1;
  return zone;
}

}  // namespace

bool is_additive(const std::string& variable) {
  // Amounts and counts in sample units add up over cities; prices, rates, days, levels and flags do not.
  return catalog_entry(variable).sample_units;
}

CollectOutcome collect_sweep(const std::filesystem::path& dir, const std::function<void(const std::string&)>& log) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "sweep.yaml", ec))
    throw InputError(dir.string() + " is not a sweep folder (no sweep.yaml; make one with pzsim sweep ... -o " + dir.string() + ")");
  const SweepSpec spec = load_sweep_file(dir / "sweep.yaml");
  std::vector<SweepRow> rows = read_manifest(dir / "manifest.csv", spec.design.factors);
  const Design& design = spec.design;
  const std::vector<std::vector<std::string>> points = design_points(design);
  const std::size_t n = points.size(), nseed = spec.seeds.size(), nrole = spec.counterfactual ? 2 : 1;
  std::map<std::uint64_t, std::size_t> seed_index;
  for (std::size_t s = 0; s < nseed; ++s) seed_index[spec.seeds[s]] = s;

  // Each (point, seed, role) once; its row in the manifest.
  std::vector<std::ptrdiff_t> row_of(n * nseed * nrole, -1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SweepRow& r = rows[i];
    const auto s = seed_index.find(r.seed);
    const std::size_t role = r.role == "policy" ? 0 : r.role == "counterfactual" ? 1 : 2;
    if (r.point >= n || s == seed_index.end() || role >= nrole || r.values != points[r.point])
      throw InputError((dir / "manifest.csv").string() + ": row " + std::to_string(i + 2) + " does not belong to the sweep in sweep.yaml");
    std::ptrdiff_t& slot = row_of[(r.point * nseed + s->second) * nrole + role];
    if (slot >= 0) throw InputError((dir / "manifest.csv").string() + ": row " + std::to_string(i + 2) + " repeats a run");
    slot = static_cast<std::ptrdiff_t>(i);
  }

  // Verify each run file once.
  CollectOutcome outcome;
  outcome.rows = rows.size();
  std::map<std::string, std::string> problem_of;
  for (auto& r : rows) {
    auto it = problem_of.find(r.run_file);
    if (it == problem_of.end()) it = problem_of.emplace(r.run_file, check_run_file(dir / r.run_file, r.seed, 0)).first;
    if (it->second.empty()) {
      r.status = "done";
      r.error.clear();
      r.wall_seconds = std::stod(RunFile(dir / r.run_file).attribute("wall_seconds"));
      ++outcome.complete;
    } else if (r.status == "failed") {
      ++outcome.failed;
    } else {
      r.status = "missing";
      if (it->second != "missing") r.error = "run file " + it->second;
      ++outcome.missing;
    }
  }
  write_manifest(dir / "manifest.csv", design.factors, rows);
  if (outcome.complete == 0) throw InputError(dir.string() + ": no complete run to collect");

  // The time axis (and cities) from the first complete run; every other run must match.
  std::vector<std::string> months, cities;
  std::vector<double> time;
  for (const auto& r : rows)
    if (r.status == "done") {
      const RunFile run(dir / r.run_file);
      months = run.coordinate("time");
      time = run.numeric_coordinate("time");
      cities = run.coordinate("city");
      break;
    }
  const std::size_t ntime = months.size();
  Reducer reducer{spec.aggregate, cities.size()};
  const std::size_t ngroup = reducer.groups();
  const std::size_t slab = ntime * ngroup;

  std::vector<std::vector<std::vector<double>>> data(nrole, std::vector<std::vector<double>>(spec.variables.size(),
                                                                                           std::vector<double>(n * nseed * slab, kNaN)));
  std::vector<std::vector<std::uint8_t>> status(nrole, std::vector<std::uint8_t>(n * nseed, 0));
  for (std::size_t p = 0; p < n; ++p)
    for (std::size_t s = 0; s < nseed; ++s) {
      std::vector<std::uint8_t> zone;
      for (std::size_t role = 0; role < nrole; ++role) {
        const std::ptrdiff_t i = row_of[(p * nseed + s) * nrole + role];
        if (i < 0 || rows[static_cast<std::size_t>(i)].status != "done") continue;
        const std::filesystem::path file = dir / rows[static_cast<std::size_t>(i)].run_file;
        const RunFile run(file);
        if (run.coordinate("time") != months)
          throw InputError(file.string() + ": its months differ from the other runs'; a sweep.h5 has one time axis");
        if (run.coordinate("city") != cities)
          throw InputError(file.string() + ": its cities differ from the other runs'; a sweep.h5 has one city list");
        if (role == 0 || zone.empty()) zone = zone_cities(run);  // counterfactuals use the policy run's zone cities
        const double fraction = run.sample_fraction();
        for (std::size_t v = 0; v < spec.variables.size(); ++v) {
          const std::vector<double> reduced = reducer.reduce(run.read(spec.variables[v]), spec.variables[v], zone, fraction);
          std::copy(reduced.begin(), reduced.end(), data[role][v].begin() + static_cast<std::ptrdiff_t>((p * nseed + s) * slab));
        }
        status[role][p * nseed + s] = 1;
      }
    }

  // --- write ---------------------------------------------------------------------------
  const std::filesystem::path final_path = dir / "sweep.h5";
  std::filesystem::path temp = final_path;
  temp += ".tmp-" + std::to_string(::getpid());
  try {
    h5::NcWriter w = h5::NcWriter::create(temp, 4);
    w.set_attribute("Conventions", "CF-1.8");
    w.set_attribute("title", "pzsim sweep: collected outputs of every run");
    w.set_attribute("pzsim_version", kVersion);
    w.set_attribute("design", design_name(design.kind));
    std::string factor_keys;
    for (const auto& f : design.factors) factor_keys += (factor_keys.empty() ? "" : ",") + f.key;
    w.set_attribute("factors", factor_keys);
    if (design.kind == DesignKind::saltelli) w.set_attribute("saltelli_base_samples", static_cast<std::int64_t>(design.samples));
    if (design.kind == DesignKind::lhs) {
      w.set_attribute("lhs_samples", static_cast<std::int64_t>(design.samples));
      w.set_attribute("lhs_seed", static_cast<std::int64_t>(design.seed));
    }
    w.set_attribute("base_scenario", spec.scenario.string());
    std::string fixed;
    for (const auto& o : spec.overrides) fixed += (fixed.empty() ? "" : "\n") + o;
    w.set_attribute("overrides", fixed);
    w.set_attribute("counterfactual", spec.counterfactual ? "yes" : "no");
    w.set_attribute("aggregation",
                    "amounts are summed over the group's cities and divided by each run's sample_fraction (national units); "
                    "rates, prices, days and shares are plain means over the group's cities; zone = cities with a zone in the "
                    "policy run of the same point and seed, other = the rest");

    std::vector<std::string> point_dims;
    std::vector<std::string> factor_coordinates;
    if (design.kind == DesignKind::grid) {
      for (const auto& f : design.factors) {
        if (const auto values = numbers(f.levels)) w.define_dimension(f.key, *values, "1", "sweep factor " + f.key);
        else w.define_dimension(f.key, f.levels, "sweep factor " + f.key);
        point_dims.push_back(f.key);
      }
    } else {
      std::vector<double> index(n);
      for (std::size_t p = 0; p < n; ++p) index[p] = static_cast<double>(p);
      w.define_dimension("point", index, "1", "design point (manifest.csv `point`)");
      point_dims.push_back("point");
    }
    std::vector<double> seed_values;
    for (auto s : spec.seeds) seed_values.push_back(static_cast<double>(s));
    w.define_dimension("seed", seed_values, "1", "replication seed (the same seeds at every point: common random numbers)");
    w.define_dimension("time", time, "days since 1970-01-01", "first day of the simulated month");
    // CF time, as in the run files: calendar, standard_name and each month's bounds.
    w.set_variable_attribute("time", "calendar", "standard");
    w.set_variable_attribute("time", "standard_name", "time");
    w.set_variable_attribute("time", "axis", "T");
    w.set_variable_attribute("time", "bounds", "time_bnds");
    w.define_dimension("nv", 2);
    if (spec.aggregate.front() == "city") w.define_dimension("city", cities, "city");
    else w.define_dimension("aggregate", spec.aggregate, "group of cities (nation, zone cities, other cities)");
    w.define_variable({.name = "time_bnds", .dims = {"time", "nv"}, .long_name = "first day of the month and of the next month"});
    std::vector<double> bounds;
    for (const auto& label : months) {
      const Month m = Month::parse(label).value();
      bounds.insert(bounds.end(), {days_since_epoch(m), days_since_epoch(m + 1)});
    }
    w.write("time_bnds", bounds);
    w.define_variable({.name = "month", .dims = {"time"}, .type = h5::ValueType::str, .long_name = "calendar month YYYY-MM"});
    w.write("month", months);
    if (design.kind != DesignKind::grid)
      for (std::size_t j = 0; j < design.factors.size(); ++j) {
        const Factor& f = design.factors[j];
        std::vector<std::string> texts;
        for (const auto& p : points) texts.push_back(p[j]);
        const auto values = numbers(texts);
        w.define_variable({.name = f.key,
                           .dims = {"point"},
                           .type = values ? h5::ValueType::f64 : h5::ValueType::str,
                           .units = values ? "1" : "",
                           .long_name = "sweep factor " + f.key});
        if (values) w.write(f.key, std::span<const double>(*values));
        else w.write(f.key, texts);
        factor_coordinates.push_back(f.key);
      }

    std::vector<std::string> run_dims = point_dims;
    run_dims.push_back("seed");
    std::vector<std::string> value_dims = run_dims;
    value_dims.push_back("time");
    value_dims.push_back(spec.aggregate.front() == "city" ? "city" : "aggregate");
    std::vector<std::string> coords = factor_coordinates;
    coords.push_back("month");
    const char* suffix[] = {"", "_counterfactual"};
    for (std::size_t role = 0; role < nrole; ++role) {
      const std::string name = std::string("status") + suffix[role];
      w.define_variable({.name = name,
                         .dims = run_dims,
                         .type = h5::ValueType::u8,
                         .long_name = std::string("run complete (1) or missing/failed (0)") + (role ? ", counterfactual runs" : ""),
                         .coordinates = factor_coordinates,
                         .attributes = {{"flag_meanings", "missing_or_failed complete"}},
                         .flag_values = {0, 1}});
      w.write(name, std::span<const std::uint8_t>(status[role]));
      for (std::size_t v = 0; v < spec.variables.size(); ++v) {
        const OutputVariable& entry = catalog_entry(spec.variables[v]);
        const bool additive = is_additive(entry.name);
        h5::VariableSpec collected{
            .name = entry.name + suffix[role],
            .dims = value_dims,
            .units = entry.units.empty() ? "1" : entry.units,  // a flag's mean over cities is a share
            .long_name = entry.long_name + (role ? " (counterfactual: the point with its zones removed)" : ""),
            .description = additive ? "Sum over the group's cities (and other dimensions), national units (divided by sample_fraction)."
                                    : "Mean over the group's cities (and other dimensions).",
            .coordinates = coords};
        if (!entry.cell_methods.empty()) collected.attributes.emplace_back("cell_methods", entry.cell_methods);
        if (!entry.currency.empty()) collected.attributes.emplace_back("currency", entry.currency);
        w.define_variable(collected);
        w.write(entry.name + suffix[role], std::span<const double>(data[role][v]));
      }
    }
    w.close();
  } catch (...) {
    std::filesystem::remove(temp, ec);
    throw;
  }
  std::filesystem::rename(temp, final_path, ec);
  if (ec) throw IoError("cannot rename " + temp.string() + " to " + final_path.string() + ": " + ec.message());
  if (log)
    log("pzsim sweep: wrote " + final_path.string() + " (" + std::to_string(outcome.complete) + " of " + std::to_string(outcome.rows) +
        " runs complete" + (outcome.failed ? ", " + std::to_string(outcome.failed) + " failed" : "") +
        (outcome.missing ? ", " + std::to_string(outcome.missing) + " missing" : "") + ")");
  return outcome;
}

}  // namespace pzsim
