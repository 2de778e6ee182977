// Reading result files back (contract 2, sim/io/run_reader.hpp): every catalog variable
// comes back with the dims, shape, values and units the writer gave it, coordinates and
// attributes read back, and the user's mistakes (missing file, foreign file, absent
// variable) are input errors naming the path or the variable.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "../model/model_fixtures.hpp"
#include "sim/core/error.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/run_reader.hpp"
#include "tests/support/test_support.hpp"

using namespace pzsim;
using namespace pzsim::testing;
namespace fs = std::filesystem;

namespace {

struct WrittenRun {
  std::vector<MonthOutputs> months;
  std::vector<std::string> cities, sectors, destinations, month_labels;
};

WrittenRun write_run(const LoadedScenario& loaded, const fs::path& file, const std::string& role) {
  const World world = build_world(loaded.scenario, loaded.scenario.run.seed);
  ResultFile result(file, false, world, RunMetadata{loaded.resolved_yaml, loaded.path, loaded.scenario.run.seed, role, {}});
  WrittenRun run;
  run_simulation(loaded.scenario, loaded.scenario.run.seed, [&](const World& w, const State& s, const MonthOutputs& out) {
    result.append_month(w, s, out);
    run.months.push_back(out);
    run.month_labels.push_back(w.clock.at(s.step).str());
  });
  result.commit(0.5);
  for (const auto& c : loaded.scenario.cities.list) run.cities.push_back(c.name);
  for (const auto& s : loaded.scenario.sectors) run.sectors.push_back(s.name);
  for (const auto& d : loaded.scenario.destinations) run.destinations.push_back(d.name);
  return run;
}

std::size_t extent_of(const std::string& dim, const WrittenRun& run) {
  if (dim == "city") return run.cities.size();
  if (dim == "sector") return run.sectors.size();
  if (dim == "destination") return run.destinations.size();
  if (dim == "channel") return kChannels;
  if (dim == "customs_code") return kCustomsCodes;
  if (dim == "instrument") return kInstrumentCount;
  if (dim == "payer" || dim == "payee") return kAccountSectors;
  FAIL("unknown dimension " << dim);
  return 0;
}

}  // namespace

TEST_CASE("run_reader reads every catalog variable back with its dims, shape, values and units", "[io]") {
  const ScratchDir dir;
  const auto loaded = small_scenario({"run.months=18", "run.seed=7", "outputs.snapshot_every=6"});
  const fs::path file = dir.path() / "run.h5";
  const WrittenRun run = write_run(loaded, file, "policy");
  const RunFile reader(file);
  CHECK(reader.path() == file);
  CHECK(reader.seed() == 7);
  CHECK(reader.sample_fraction() == loaded.scenario.scale.sample_fraction);
  CHECK(reader.role() == "policy");
  CHECK(reader.attribute("scenario_yaml") == loaded.resolved_yaml);
  CHECK(reader.attribute("seed") == "7");  // numbers are formatted
  CHECK(reader.attribute("wall_seconds") == "0.5");

  for (const auto& v : output_catalog()) {
    INFO(v.name);
    const RunArray array = reader.read(v.name);
    std::vector<std::string> dims = {"time"};
    dims.insert(dims.end(), v.dims.begin(), v.dims.end());
    REQUIRE(array.dims == dims);
    REQUIRE(array.shape.size() == dims.size());
    CHECK(array.shape[0] == run.months.size());
    std::size_t cells = 1;
    for (std::size_t k = 1; k < dims.size(); ++k) {
      CHECK(array.shape[k] == extent_of(dims[k], run));
      cells *= array.shape[k];
    }
    REQUIRE(array.size() == cells * run.months.size());
    CHECK(array.units == (v.units.empty() ? "1" : v.units));
    CHECK(array.currency == v.currency);
    CHECK(array.monthly_flow == (v.kind == OutputKind::flow));
    for (std::size_t t = 0; t < run.months.size(); ++t) {
      std::vector<double> expected;
      switch (v.type) {
        case OutputType::f64: {
          const auto values = v.f64(run.months[t]);
          expected.assign(values.begin(), values.end());
          break;
        }
        case OutputType::i64:
          for (const auto x : v.i64(run.months[t])) expected.push_back(static_cast<double>(x));
          break;
        case OutputType::u8:
          for (const auto x : v.u8(run.months[t])) expected.push_back(static_cast<double>(x));
          break;
      }
      REQUIRE(expected.size() == cells);
      CHECK(std::equal(expected.begin(), expected.end(), array.values.begin() + static_cast<std::ptrdiff_t>(t * cells)));
    }
  }
  // The axis lookup names the dims.
  const RunArray exports = reader.read("exports_usd");
  CHECK(exports.axis("time") == 0);
  CHECK(exports.axis("channel") == 3);
  CHECK(input_error_of([&] { (void)exports.axis("destination"); }).find("destination") != std::string::npos);

  // Coordinates: labels per dimension, months for time, numeric coastal flags.
  CHECK(reader.coordinate("city") == run.cities);
  CHECK(reader.coordinate("sector") == run.sectors);
  CHECK(reader.coordinate("destination") == run.destinations);
  CHECK(reader.coordinate("channel") == std::vector<std::string>{"general", "cbec"});
  CHECK(reader.coordinate("customs_code") == std::vector<std::string>{"0110", "9610", "9710", "9810"});
  CHECK(reader.coordinate("time") == run.month_labels);
  CHECK(reader.coordinate("time").front() == "2014-01");
  std::vector<double> coastal;
  for (const auto& c : loaded.scenario.cities.list) coastal.push_back(c.coastal ? 1.0 : 0.0);
  CHECK(reader.numeric_coordinate("coastal") == coastal);
  CHECK(reader.numeric_coordinate("time").size() == run.months.size());
  std::vector<std::string> provinces;
  for (const auto& c : loaded.scenario.cities.list) provinces.push_back(c.province);
  CHECK(reader.coordinate("province") == provinces);

  // Snapshots every 6 months; consumer datasets as written.
  CHECK(reader.snapshot_months() == std::vector<std::string>{"2014-06", "2014-12", "2015-06"});
  const auto weights = reader.snapshot("2014-12", "consumers/weight");
  const auto destinations = reader.snapshot("2014-12", "consumers/destination");
  REQUIRE(!weights.empty());
  CHECK(weights.size() == destinations.size());
  CHECK(*std::max_element(destinations.begin(), destinations.end()) == static_cast<double>(run.destinations.size() - 1));
  CHECK(input_error_of([&] { (void)reader.snapshot("2014-07", "consumers/weight"); }).find("2014-07") != std::string::npos);
  CHECK(input_error_of([&] { (void)reader.snapshot("2014-12", "consumers/mood"); }).find("consumers/mood") !=
        std::string::npos);
}

TEST_CASE("run_reader refuses missing files, foreign files and absent variables, naming them", "[io]") {
  const ScratchDir dir;
  const fs::path missing = dir.path() / "nope.h5";
  std::string message = input_error_of([&] { RunFile reader(missing); });
  CHECK(message.find(missing.string()) != std::string::npos);

  const fs::path text = dir.write("notes.h5", "this is not HDF5\n");
  message = input_error_of([&] { RunFile reader(text); });
  CHECK(message.find(text.string()) != std::string::npos);
  CHECK(message.find("not a pzsim result file") != std::string::npos);

  // An HDF5 file that pzsim did not write (no pzsim_version, no time dimension).
  const fs::path foreign = dir.path() / "foreign.h5";
  {
    auto writer = h5::NcWriter::create(foreign);
    writer.define_dimension("x", std::vector<std::string>{"a", "b"}, "x");
    writer.close();
  }
  message = input_error_of([&] { RunFile reader(foreign); });
  CHECK(message.find(foreign.string()) != std::string::npos);
  CHECK(message.find("not a pzsim result file") != std::string::npos);

  const auto loaded = small_scenario({"run.months=18"});
  const fs::path file = dir.path() / "run.h5";
  write_run(loaded, file, "run");
  const RunFile reader(file);
  message = input_error_of([&] { (void)reader.read("exports_cbec_usd_typo"); });
  CHECK(message.find("exports_cbec_usd_typo") != std::string::npos);
  CHECK(message.find(file.string()) != std::string::npos);
  message = input_error_of([&] { (void)reader.attribute("no_such_attribute"); });
  CHECK(message.find("no_such_attribute") != std::string::npos);
  CHECK(input_error_of([&] { (void)reader.coordinate("planet"); }).find("planet") != std::string::npos);
  CHECK(input_error_of([&] { (void)reader.coordinate("coastal"); }).find("numeric") != std::string::npos);
  CHECK(input_error_of([&] { (void)reader.read("city"); }).find("strings") != std::string::npos);
  CHECK(input_error_of([&] { (void)reader.read("snapshots/x"); }).find("snapshots/x") != std::string::npos);
  CHECK(reader.role() == "run");
  CHECK(reader.snapshot_months().empty());
  CHECK(input_error_of([&] { (void)reader.snapshot("2014-12", "consumers/weight"); }).find("no snapshots") !=
        std::string::npos);
}
