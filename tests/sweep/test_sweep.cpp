// sim/sweep: sweep files validated with file:line:col, plans and content hashes, the
// manifest, failed runs recorded while the others go on, resume (kept, truncated, changed).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "sim/io/run_reader.hpp"
#include "sim/scenario/load.hpp"
#include "sim/sweep/collect.hpp"
#include "sim/sweep/sweep.hpp"
#include "tests/compare/compare_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

const char* kGrid = R"(scenario: a.yaml
set: {run.months: 18}
design:
  type: grid
  factors:
    zones.financial.strength: [0, 1]
    firms.count: [1000, 1100]
seeds: 1-2
collect: {variables: [employment, wage_cny], aggregate: [nation, zone, other]}
)";

SweepSpec spec_in(const ScratchDir& dir, const std::string& text) {
  return load_sweep_text(text, (dir.path() / "sweep.yaml").string(), dir.path());
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("sweep files: unknown keys, bad designs and bad values point at file:line:col", "[sweep]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const std::string name = (dir.path() / "sweep.yaml").string();
  const auto error = [&](const std::string& text) { return input_error_of([&] { (void)spec_in(dir, text); }); };
  CHECK_THAT(error("scenario: a.yaml\ndesing: {type: grid}\n"),
             Catch::Contains(name + ":2:1: desing: unknown key") && Catch::Contains("'design' (did you mean it?)"));
  CHECK_THAT(error("scenario: a.yaml\ndesign: {type: gird, factors: {a: [1]}}\n"),
             Catch::Contains(name + ":2:16: design.type") && Catch::Contains("'grid' (did you mean it?)"));
  CHECK_THAT(error("scenario: a.yaml\ndesign:\n  type: lhs\n  samples: 4\n  factors: {firms.count: [1, 2]}\n"),
             Catch::Contains(name + ":5:") && Catch::Contains("{min: LOW, max: HIGH}"));
  CHECK_THAT(error("scenario: a.yaml\ndesign: {type: grid, factors: {run.seed: [1, 2]}}\n"), Catch::Contains("seeds"));
  CHECK_THAT(error("scenario: a.yaml\ndesign: {type: grid, factors: {firms.count: [1]}}\ncollect: {variables: [employmnet]}\n"),
             Catch::Contains(name + ":3:23: collect.variables.0") && Catch::Contains("'employment' (did you mean it?)"));
  CHECK_THAT(error("scenario: a.yaml\ndesign: {type: grid, factors: {firms.count: [1]}}\nseeds: 3-1\n"), Catch::Contains("backwards"));
  // A value the scenario refuses: blamed on the factor's line, with the scenario's own message.
  const SweepSpec bad = spec_in(dir, "scenario: a.yaml\ndesign:\n  type: grid\n  factors:\n    zones.financial.strength: [0.5, 7]\n");
  CHECK_THAT(input_error_of([&] { (void)plan_sweep(bad, dir.path() / "out"); }),
             Catch::Contains(name + ":5:5: design: point 1 (zones.financial.strength=7)") && Catch::Contains("out of range"));
  // An unknown scenario key as a factor: did-you-mean from the scenario schema.
  const SweepSpec typo = spec_in(dir, "scenario: a.yaml\ndesign:\n  type: grid\n  factors:\n    zones.financial.strenght: [0.5]\n");
  CHECK_THAT(input_error_of([&] { (void)plan_sweep(typo, dir.path() / "out"); }),
             Catch::Contains(name + ":5:5:") && Catch::Contains("strength"));
}

TEST_CASE("sweep plan: rows, content hashes, shared counterfactuals, resolved file round trip", "[sweep]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  SweepSpec spec = spec_in(dir, kGrid);
  spec.counterfactual = true;
  const SweepPlan plan = plan_sweep(spec, dir.path() / "out");
  REQUIRE(plan.rows.size() == 4 * 2 * 2);
  CHECK(plan.rows[0].role == "policy");
  CHECK(plan.rows[1].role == "counterfactual");
  CHECK(plan.rows[2].seed == 2);
  CHECK(plan.rows[4].point == 1);
  CHECK(plan.rows[4].values == std::vector<std::string>{"0", "1100"});
  // Stable: the same spec plans the same files; the seed and the values change the hash.
  const SweepPlan again = plan_sweep(spec, dir.path() / "elsewhere");
  for (std::size_t i = 0; i < plan.rows.size(); ++i) CHECK(again.rows[i].run_file == plan.rows[i].run_file);
  CHECK(plan.rows[0].run_file != plan.rows[2].run_file);
  CHECK(plan.rows[0].run_file != plan.rows[4].run_file);
  CHECK(plan.rows[0].run_file.size() == std::string("runs/0123456789abcdef.h5").size());
  // Points 0 and 2 differ only in a zone setting: one shared counterfactual per seed (and firms.count splits them).
  CHECK(plan.rows[1].run_file == plan.rows[9].run_file);
  CHECK(plan.owner[9] == 1);
  CHECK(plan.rows[1].run_file != plan.rows[5].run_file);
  // The resolved sweep file loads back to the same plan.
  const auto resolved = dir.write("resolved/sweep.yaml", emit_sweep_yaml(spec));
  const SweepPlan reloaded = plan_sweep(load_sweep_file(resolved), dir.path() / "out");
  REQUIRE(reloaded.rows.size() == plan.rows.size());
  for (std::size_t i = 0; i < plan.rows.size(); ++i) CHECK(reloaded.rows[i].run_file == plan.rows[i].run_file);
}

TEST_CASE("manifest.csv round trip with quoted fields", "[sweep]") {
  ScratchDir dir;
  const std::vector<Factor> factors = {Factor{"a.b", {}, 0, 0, {}}, Factor{"c", {}, 0, 0, {}}};
  std::vector<SweepRow> rows(2);
  rows[0] = SweepRow{0, {"0.5", "\"x, y\""}, 3, "policy", "runs/00000000000000aa.h5", "done", 1.25, ""};
  rows[1] = SweepRow{1, {"1", "z"}, 4, "counterfactual", "runs/00000000000000bb.h5", "failed", 0.5, "disk full, \"badly\"\nline 2"};
  write_manifest(dir.path() / "manifest.csv", factors, rows);
  CHECK(read_text(dir.path() / "manifest.csv").rfind("point,a.b,c,seed,role,run_file,status,wall_seconds,error\n", 0) == 0);
  const std::vector<SweepRow> back = read_manifest(dir.path() / "manifest.csv", factors);
  REQUIRE(back.size() == 2);
  CHECK(back[0].values == rows[0].values);
  CHECK(back[1].error == rows[1].error);
  CHECK(back[1].seed == 4);
  CHECK(back[0].wall_seconds == 1.25);
  CHECK(back[1].role == "counterfactual");
}

TEST_CASE("run library: with on_failed a failed run is reported and the others complete", "[sweep]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  const LoadedScenario loaded = load_scenario(dir.path() / "a.yaml", {"run.months=18"});
  std::vector<RunRequest> requests(3);
  for (std::size_t i = 0; i < 3; ++i) {
    requests[i].scenario = std::make_shared<const Scenario>(loaded.scenario);
    requests[i].scenario_yaml = loaded.resolved_yaml;
    requests[i].seed = i + 1;
    requests[i].output = dir.path() / ("run" + std::to_string(i) + ".h5");
    requests[i].force = true;
  }
  requests[1].output = dir.path() / "no-such-folder" / "run.h5";
  std::vector<std::size_t> done, failed;
  std::string message;
  execute_runs(requests, 2, nullptr, [&](std::size_t i, const RunResult&) { done.push_back(i); },
               [&](std::size_t i, const std::exception_ptr& e, double) {
                 failed.push_back(i);
                 try {
                   std::rethrow_exception(e);
                 } catch (const std::exception& x) {
                   message = x.what();
                 }
               });
  std::sort(done.begin(), done.end());
  CHECK(done == std::vector<std::size_t>{0, 2});
  CHECK(failed == std::vector<std::size_t>{1});
  CHECK_THAT(message, Catch::Contains("no-such-folder"));
  // Without on_failed the first error is still rethrown.
  CHECK_THROWS_AS(execute_runs(requests, 2, nullptr), IoError);
}

TEST_CASE("sweep: runs, resume skips complete runs, redoes a truncated one, reruns only new points", "[sweep]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  std::vector<std::string> lines;
  SweepOptions options;
  options.out_dir = dir.path() / "out";
  options.threads = 2;
  options.heartbeat_seconds = 0.05;
  options.log = [&](const std::string& line) { lines.push_back(line); };
  const SweepSpec spec = spec_in(dir, kGrid);
  const SweepOutcome first = run_sweep(spec, options, nullptr);
  CHECK(first.runs == 8);
  CHECK(first.ran == 8);
  CHECK(first.failed == 0);
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.find(" done (") != std::string::npos; }) == 8);
  // Not on a terminal: besides a line per run, a heartbeat line at least every heartbeat_seconds.
  CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) { return l.find("(still running)") != std::string::npos; }));
  const std::string sweep_h5 = read_text(options.out_dir / "sweep.h5");
  const SweepPlan plan = plan_sweep(spec, options.out_dir);
  // Every run file carries its point and overrides as root attributes.
  const RunFile run(options.out_dir / plan.rows[5].run_file);
  CHECK(run.attribute("sweep_point") == "2");
  CHECK(run.attribute("override_zones.financial.strength") == "1");
  CHECK(run.attribute("override_firms.count") == "1000");
  CHECK(run.attribute("override_run.months") == "18");
  CHECK(run.attribute("complete") == "1");

  const SweepOutcome second = run_sweep(spec, options, nullptr);
  CHECK(second.reused == 8);
  CHECK(second.ran == 0);
  CHECK(read_text(options.out_dir / "sweep.h5") == sweep_h5);

  // A truncated file is found (it does not open) and redone; sweep.h5 comes out identical.
  const auto victim = options.out_dir / plan.rows[3].run_file;
  std::filesystem::resize_file(victim, std::filesystem::file_size(victim) / 2);
  CHECK_FALSE(check_run_file(victim, plan.rows[3].seed, 18).empty());
  const SweepOutcome third = run_sweep(spec, options, nullptr);
  CHECK(third.reused == 7);
  CHECK(third.ran == 1);
  CHECK(check_run_file(victim, plan.rows[3].seed, 18).empty());
  CHECK(read_text(options.out_dir / "sweep.h5") == sweep_h5);

  // A third level of one factor: only its 4 new runs go.
  std::string grown = kGrid;
  grown.replace(grown.find("[1000, 1100]"), 12, "[1000, 1100, 1200]");
  const SweepOutcome fourth = run_sweep(spec_in(dir, grown), options, nullptr);
  CHECK(fourth.runs == 12);
  CHECK(fourth.reused == 8);
  CHECK(fourth.ran == 4);
  CHECK(read_manifest(options.out_dir / "manifest.csv", spec.design.factors).size() == 12);
}

TEST_CASE("collect: national sums in national units, zone and other split the cities", "[sweep]") {
  ScratchDir dir;
  write_compare_scenarios(dir);
  SweepOptions options;
  options.out_dir = dir.path() / "out";
  options.quiet = true;
  const SweepSpec spec = spec_in(dir, kGrid);
  run_sweep(spec, options, nullptr);
  const SweepPlan plan = plan_sweep(spec, options.out_dir);
  const RunFile run(options.out_dir / plan.rows[0].run_file);
  const RunArray employment = run.read("employment");  // (time, city)
  const std::size_t cities = employment.shape[1];
  const h5::File file = h5::open_file(options.out_dir / "sweep.h5");
  const h5::Dataset collected = h5::open_dataset(file.id(), "employment");
  CHECK(h5::dimension_names(collected.id()) ==
        std::vector<std::string>{"zones.financial.strength", "firms.count", "seed", "time", "aggregate"});
  const std::vector<double> values = h5::read_dataset<double>(collected.id());
  // Row 0 is point 0 (both factors at their first level), seed 1: the first 18 x 3 values.
  const double fraction = run.sample_fraction();
  for (std::size_t t = 0; t < 18; ++t) {
    double nation = 0, zone = 0;
    for (std::size_t c = 0; c < cities; ++c) {
      nation += employment.values[t * cities + c];
      if (c < 2) zone += employment.values[t * cities + c];  // cities A and B are the zones of a.yaml
    }
    CHECK(values[t * 3 + 0] == Approx(nation / fraction).epsilon(1e-12));
    CHECK(values[t * 3 + 1] == Approx(zone / fraction).epsilon(1e-12));
    CHECK(values[t * 3 + 2] == Approx((nation - zone) / fraction).epsilon(1e-12));
  }
  CHECK(is_additive("employment"));
  CHECK_FALSE(is_additive("wage_cny"));
}

TEST_CASE("sweep: a job-array slice accepts a folder another slice is starting in, not a foreign one", "[sweep]") {
  // Slices start at once in one folder: between creating runs/ and renaming sweep.yaml into
  // place, the folder holds runs/ and sweep.yaml.tmp-<pid>. A second slice arriving then must
  // not call it a foreign folder (the Slurm array test failed so under CI load).
  ScratchDir dir;
  write_compare_scenarios(dir);
  const SweepSpec spec = spec_in(dir, kGrid);
  SweepOptions options;
  options.out_dir = dir.path() / "out";
  options.dry_run = true;
  options.quiet = true;
  options.slices = 2;
  options.slice = 1;
  std::filesystem::create_directories(options.out_dir / "runs");
  std::ofstream(options.out_dir / "sweep.yaml.tmp-12345") << "design: half-written\n";
  CHECK_NOTHROW(run_sweep(spec, options, nullptr));
  std::ofstream(options.out_dir / "manifest.csv.tmp-12345") << "point\n";
  CHECK_NOTHROW(run_sweep(spec, options, nullptr));
  // A file a sweep never writes makes it a foreign folder.
  std::ofstream(options.out_dir / "notes.txt") << "mine\n";
  CHECK_THROWS_AS(run_sweep(spec, options, nullptr), InputError);
}
