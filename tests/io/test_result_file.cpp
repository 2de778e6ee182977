// The run's output file: every catalog variable round-trips exactly through HDF5, the
// file carries its provenance, and an unfinished file never appears under the final name.
#include <catch2/catch.hpp>

#include <filesystem>

#include "../model/model_fixtures.hpp"
#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/result_file.hpp"
#include "tests/support/test_support.hpp"

using namespace pzsim;
using namespace pzsim::testing;
namespace fs = std::filesystem;

namespace {

using TempDir = pzsim::testing::ScratchDir;

// Runs the scenario into `file` and keeps every month's outputs.
std::vector<MonthOutputs> run_into(const LoadedScenario& loaded, const fs::path& file, bool force = false) {
  const World world = build_world(loaded.scenario, loaded.scenario.run.seed);
  ResultFile result(file, force, world, RunMetadata{loaded.resolved_yaml, loaded.path, loaded.scenario.run.seed, "run", {}});
  std::vector<MonthOutputs> months;
  run_simulation(loaded.scenario, loaded.scenario.run.seed, [&](const World& w, const State& s, const MonthOutputs& out) {
    result.append_month(w, s, out);
    months.push_back(out);
  });
  result.commit(1.5);
  return months;
}

}  // namespace

TEST_CASE("every output variable round-trips exactly through the result file", "[io]") {
  const TempDir dir;
  const auto loaded = small_scenario({"run.months=18", "outputs.snapshot_every=6"});
  const fs::path file = dir.path() / "run.h5";
  const auto months = run_into(loaded, file);
  REQUIRE(fs::exists(file));
  const h5::File h = h5::open_file(file);
  for (const auto& v : output_catalog()) {
    INFO(v.name);
    const h5::Dataset d = h5::open_dataset(h.id(), v.name);
    const auto shape = h5::shape_of(d.id());
    REQUIRE(shape.size() == 1 + v.dims.size());
    REQUIRE(shape[0] == months.size());
    std::size_t cells = 1;
    for (std::size_t k = 1; k < shape.size(); ++k) cells *= static_cast<std::size_t>(shape[k]);
    switch (v.type) {
      case OutputType::f64: {
        const auto stored = h5::read_dataset<double>(d.id());
        for (std::size_t t = 0; t < months.size(); ++t) {
          const auto expected = v.f64(months[t]);
          REQUIRE(expected.size() == cells);
          CHECK(std::equal(expected.begin(), expected.end(), stored.begin() + static_cast<std::ptrdiff_t>(t * cells)));
        }
        break;
      }
      case OutputType::i64: {
        const auto stored = h5::read_dataset<std::int64_t>(d.id());
        for (std::size_t t = 0; t < months.size(); ++t) {
          const auto expected = v.i64(months[t]);
          REQUIRE(expected.size() == cells);
          CHECK(std::equal(expected.begin(), expected.end(), stored.begin() + static_cast<std::ptrdiff_t>(t * cells)));
        }
        break;
      }
      case OutputType::u8: {
        const auto stored = h5::read_dataset<std::uint8_t>(d.id());
        for (std::size_t t = 0; t < months.size(); ++t) {
          const auto expected = v.u8(months[t]);
          REQUIRE(expected.size() == cells);
          CHECK(std::equal(expected.begin(), expected.end(), stored.begin() + static_cast<std::ptrdiff_t>(t * cells)));
        }
        break;
      }
    }
    // CF: quantities have units; flags have flag_values and flag_meanings instead.
    CHECK(h5::has_attribute(d.id(), "units") == v.flag_meanings.empty());
    CHECK(h5::has_attribute(d.id(), "flag_meanings") == !v.flag_meanings.empty());
    CHECK(h5::has_attribute(d.id(), "cell_methods") == (v.kind != OutputKind::stock));
    CHECK(h5::has_attribute(d.id(), "long_name"));
  }
  // Month labels and provenance.
  const auto labels = h5::read_dataset<std::string>(h5::open_dataset(h.id(), "month").id());
  REQUIRE(labels.size() == 18);
  CHECK(labels.front() == "2014-01");
  CHECK(labels.back() == "2015-06");
  CHECK(h5::read_attribute<std::string>(h.id(), "scenario_yaml") == loaded.resolved_yaml);
  CHECK(h5::read_attribute<std::int64_t>(h.id(), "seed") == static_cast<std::int64_t>(loaded.scenario.run.seed));
  CHECK(h5::read_attribute<double>(h.id(), "wall_seconds") == 1.5);
  for (const char* attribute : {"pzsim_version", "git_commit", "scenario_path", "created_utc", "Conventions"})
    CHECK(h5::has_attribute(h.id(), attribute));
  // Snapshots every 6 months: 2014-06, 2014-12 and 2015-06.
  CHECK(h5::has_link(h.id(), "snapshots"));
  const h5::Group snapshots = h5::open_group(h.id(), "snapshots");
  CHECK(h5::has_link(snapshots.id(), "2014-06"));
  CHECK(h5::has_link(snapshots.id(), "2014-12"));
  CHECK(h5::has_link(snapshots.id(), "2015-06"));
  CHECK_FALSE(h5::has_link(snapshots.id(), "2015-01"));
}

TEST_CASE("the result file refuses to overwrite without force and leaves no temporary file", "[io]") {
  const TempDir dir;
  const auto loaded = small_scenario({"run.months=18"});
  const fs::path file = dir.path() / "run.h5";
  run_into(loaded, file);
  const auto size = fs::file_size(file);
  const World world = build_world(loaded.scenario, 1);
  CHECK_THROWS_AS(ResultFile(file, false, world, RunMetadata{}), InputError);
  CHECK(fs::file_size(file) == size);
  run_into(loaded, file, true);  // --force replaces it
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("an uncommitted result file is removed and never renamed", "[io]") {
  const TempDir dir;
  const auto loaded = small_scenario({"run.months=18"});
  const fs::path file = dir.path() / "run.h5";
  const World world = build_world(loaded.scenario, 1);
  fs::path temp;
  {
    ResultFile result(file, false, world, RunMetadata{loaded.resolved_yaml, loaded.path, 1, "run", {}});
    temp = result.temp_path();
    CHECK(fs::exists(temp));
    CHECK_FALSE(fs::exists(file));
  }  // destroyed without commit, as when a run fails or is interrupted
  CHECK_FALSE(fs::exists(temp));
  CHECK_FALSE(fs::exists(file));
}

TEST_CASE("a missing output folder is an I/O error naming the path", "[io]") {
  const auto loaded = small_scenario({"run.months=18"});
  const World world = build_world(loaded.scenario, 1);
  try {
    ResultFile result("/nonexistent-pzsim-folder/out.h5", false, world, RunMetadata{});
    FAIL("expected IoError");
  } catch (const IoError& e) {
    CHECK(std::string(e.what()).find("/nonexistent-pzsim-folder") != std::string::npos);
  }
}

TEST_CASE("the synthetic coordinate marks generated cities and cities with a drawn attribute", "[io]") {
  const TempDir dir;
  // A gets every attribute from the scenario; B keeps drawn attributes; three are generated.
  const auto loaded = small_scenario({"run.months=18", "cities.list.0.infrastructure=0.5", "cities.list.0.ecommerce=0.4",
                                      "cities.list.0.trade_scale=0.6", "cities.list.0.labour_force=2000000",
                                      "cities.list.0.wage_cny=3000", "cities.list.0.firm_weight=2",
                                      "cities.list.1.labour_force=1500000"});
  const fs::path file = dir.path() / "run.h5";
  run_into(loaded, file);
  const h5::File h = h5::open_file(file);
  const auto synthetic = h5::read_dataset<std::uint8_t>(h5::open_dataset(h.id(), "synthetic").id());
  CHECK(synthetic == std::vector<std::uint8_t>{0, 1, 1, 1, 1});
  const auto coastal = h5::read_dataset<std::uint8_t>(h5::open_dataset(h.id(), "coastal").id());
  CHECK(coastal.size() == synthetic.size());
  // Every city variable names it as a coordinate, as it does `coastal`.
  const auto coordinates = h5::read_attribute<std::string>(h5::open_dataset(h.id(), "employment").id(), "coordinates");
  CHECK(coordinates.find("coastal synthetic") != std::string::npos);
}
