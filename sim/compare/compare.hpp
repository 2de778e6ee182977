#pragma once
// `pzsim compare`: several scenarios against their counterfactuals over several seeds, paired
// by seed (common random numbers), with identical counterfactuals run once per seed. Each
// row is one scenario x estimand x metric: the mean effect over seeds with its interval.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/compare/intervals.hpp"
#include "sim/core/clock.hpp"

namespace pzsim {

struct CompareRequest {
  std::vector<std::string> scenario_paths;  // policy scenarios, as the user named them
  std::vector<std::string> overrides;       // --set overrides applied to every scenario
  std::vector<std::uint64_t> seeds;         // run seeds; every run of a seed uses it
  IntervalMethod method = IntervalMethod::paired_t;
  bool by_cohort = false;                   // leave-one-batch-out runs and cohort rows
  std::optional<std::filesystem::path> out_dir;  // write comparison.json/.csv and runs/*.h5
  bool force = false;                       // overwrite an existing comparison in out_dir
  int threads = 0;                          // worker threads (0: all cores)
  std::uintmax_t max_memory_bytes = 0;      // --max-memory for the whole process (0: none)
};

struct CityCounts {
  int total = 0, real = 0, synthetic = 0;
};

struct ScenarioInfo {
  std::string name;             // file stem
  std::string path;             // as given
  std::string description;      // the scenario's description
  std::string calibration;      // the scenario's `calibration` (empty: uncalibrated priors)
  int zone_cities = 0;          // cities that are zones inside the run window
  std::string counterfactual;   // label of its counterfactual run
  CityCounts cities;
  double sample_fraction = 1.0;
  Month start, end;             // run window
};

struct ComparisonRow {
  std::string scenario, estimand, metric, unit;
  double policy_mean = 0.0, counterfactual_mean = 0.0;  // NaN where not meaningful (ratios)
  Interval effect;              // mean effect and its interval; NaN where n/a
  double effect_pct_mean = 0.0; // 100 * effect / counterfactual (means); NaN when the counterfactual is 0
  bool contains_zero = true;    // the interval contains 0 (also when it is undefined)
  std::vector<double> per_seed; // effect per seed, in seed order
  std::string note;             // why a value is n/a, if it is
};

struct RunRecord {
  std::string scenario;         // scenario the run belongs to ("" for a shared counterfactual)
  std::string label;            // file stem: historical, counterfactual-1a2b3c4d, historical-without-2016-01
  std::string role;             // policy, counterfactual, leave_out
  std::uint64_t seed = 0;
  std::string file;             // relative to the output folder ("" without -o)
};

struct Comparison {
  std::string created_utc;
  std::vector<std::uint64_t> seeds;
  IntervalMethod method = IntervalMethod::paired_t;
  std::vector<ScenarioInfo> scenarios;
  std::vector<ComparisonRow> rows;
  std::vector<RunRecord> runs;  // every simulation executed, once each
};

// Called as each run ends: runs done so far, total, the run's record and wall seconds.
using CompareProgress = std::function<void(std::size_t done, std::size_t total, const RunRecord&, double seconds)>;

// Plans, executes and summarises a comparison. InputError for bad scenarios, seeds or an
// existing output (without force), checked before any run starts; RunCancelled when `cancel`
// is set.
Comparison run_comparison(const CompareRequest& request, const std::atomic<bool>* cancel, const CompareProgress& progress = {});

// Outputs: the table for people, CSV and JSON for machines (docs/outputs.md, contract 1).
std::string format_table(const Comparison& comparison);
std::string format_csv(const Comparison& comparison);
std::string format_json(const Comparison& comparison);
// Writes comparison.json and comparison.csv into the folder (temporary names, then renamed).
void write_comparison_files(const Comparison& comparison, const std::filesystem::path& folder);

// "1-5", "1,3,8-10" -> seeds (InputError on a malformed list or a duplicate).
std::vector<std::uint64_t> parse_seed_list(const std::string& text);

}  // namespace pzsim
