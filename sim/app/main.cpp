// pzsim: one executable, subcommands run, validate, compare, report, did, schema.
// Exit codes: 0 success, 2 bad input (scenario, overrides, arguments), 1 internal or
// environmental failure (I/O, resources, interrupted).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <oneapi/tbb/task_arena.h>

#include "pzsim/version.hpp"
#include "sim/core/error.hpp"
#include "sim/evidence/evidence.hpp"
#include "sim/estimators/did_report.hpp"
#include "sim/io/result_file.hpp"
#include "sim/model/run_summary.hpp"
#include "sim/model/simulation.hpp"
#include "sim/report/report.hpp"
#include "sim/scenario/load.hpp"

namespace {

using namespace pzsim;
using Clock = std::chrono::steady_clock;

// Set by SIGINT/SIGTERM; the run stops between months and removes its temporary file.
// A signal flag is necessarily process-wide; nothing else is.
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }

struct CommonOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  bool quiet = false;
};

// Progress bar with ETA on stderr: only on a terminal, only after the first second.
class Progress {
 public:
  Progress(bool enabled, int total, std::string label)
      : enabled_(enabled && ::isatty(STDERR_FILENO) != 0), total_(total), label_(std::move(label)), start_(Clock::now()) {}
  void update(int done, const std::string& month) {
    if (!enabled_) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    if (elapsed < 1.0) return;
    const double fraction = static_cast<double>(done) / total_;
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    const int width = 30, filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r%s [%s%s] %3.0f%% %s ETA %4.0fs ", label_.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), 100.0 * fraction, month.c_str(), eta);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r%*s\r", 80, "");
  }

 private:
  bool enabled_;
  int total_;
  std::string label_;
  Clock::time_point start_;
  bool shown_ = false;
};

void add_common(CLI::App* cmd, CommonOptions& o, bool running) {
  cmd->add_option("scenario", o.scenario, "Scenario YAML file")->required();
  cmd->add_option("--set", o.overrides, "Override a scenario value: path.to.key=value (repeatable; list items by index)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--seed", o.seed, "Seed (same as --set run.seed=S)");
  if (running) {
    cmd->add_option("--threads", o.threads, "Worker threads (default: all cores); results do not depend on it")
        ->check(CLI::Range(1, 4096));
    cmd->add_flag("--quiet,-q", o.quiet, "No progress bar or summary");
  }
}

LoadedScenario load(const CommonOptions& o) {
  std::vector<std::string> overrides = o.overrides;
  if (o.seed) overrides.push_back("run.seed=" + std::to_string(*o.seed));
  return load_scenario(o.scenario, overrides);
}

// Bytes of RAM a run needs, roughly: firms with their markets, consumers with a chunk of
// purchase buffers. Checked against available memory before starting.
std::uintmax_t estimate_memory_bytes(const Scenario& sc) {
  const std::uintmax_t markets = sc.destinations.size() * kChannels;
  // Firms grow by births over a run; allow for three times the founders.
  const std::uintmax_t firms = 3u * static_cast<std::uintmax_t>(sc.firms.count);
  const std::uintmax_t consumers = static_cast<std::uintmax_t>(sc.consumers.agents_per_destination) * sc.destinations.size() +
                                   static_cast<std::uintmax_t>(sc.import_side.agents_per_city) * sc.cities.list.size();
  return firms * (200 + markets * 60) + consumers * 32 + (64u << 20);
}

std::uintmax_t available_memory_bytes() {
  std::FILE* f = std::fopen("/proc/meminfo", "r");
  if (!f) return UINTMAX_MAX;
  char key[64];
  unsigned long long kb = 0;
  std::uintmax_t result = UINTMAX_MAX;
  while (std::fscanf(f, "%63s %llu kB\n", key, &kb) == 2)
    if (std::string(key) == "MemAvailable:") result = static_cast<std::uintmax_t>(kb) * 1024u;
  std::fclose(f);
  return result;
}

void check_memory(const Scenario& sc) {
  const std::uintmax_t needed = estimate_memory_bytes(sc), available = available_memory_bytes();
  if (needed > available)
    throw IoError("the run needs about " + std::to_string(needed >> 20) + " MiB of memory and " +
                  std::to_string(available >> 20) + " MiB are available; reduce firms.count or consumers.agents_per_destination");
}

// Runs one scenario in an arena of the requested size, streaming to `file` if given.
void execute(const Scenario& sc, std::uint64_t seed, int threads, ResultFile* file, RunSummary* summary, Progress& progress) {
  oneapi::tbb::task_arena arena(threads > 0 ? threads : oneapi::tbb::task_arena::automatic);
  arena.execute([&] {
    run_simulation(
        sc, seed,
        [&](const World& world, const State& state, const MonthOutputs& out) {
          if (file) file->append_month(world, state, out);
          if (summary) summary->add_month(world, state.step, out);
          progress.update(state.step + 1, world.clock.at(state.step).str());
        },
        &g_interrupted);
  });
}

std::string default_output(const std::string& scenario, const std::string& suffix) {
  return "results/" + std::filesystem::path(scenario).stem().string() + suffix + ".h5";
}

int cmd_run(const CommonOptions& o, std::string output, bool force) {
  const LoadedScenario loaded = load(o);
  const Scenario& sc = loaded.scenario;
  if (output.empty()) output = default_output(o.scenario, "");
  check_memory(sc);
  const World world = build_world(sc, sc.run.seed);
  ResultFile file(output, force, world, RunMetadata{loaded.resolved_yaml, loaded.path, sc.run.seed, "run"});
  const auto start = Clock::now();
  RunSummary summary(zone_groups(world));
  {
    Progress progress(!o.quiet, sc.run.months, "pzsim run");
    execute(sc, sc.run.seed, o.threads, &file, &summary, progress);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  file.commit(seconds);
  if (!o.quiet) {
    const GroupTotals t = summary.national();
    const double to_national = 1.0 / sc.scale.sample_fraction;
    std::printf("pzsim run: %s, seed %llu, %s to %s, %.1f s\n", loaded.path.c_str(),
                static_cast<unsigned long long>(sc.run.seed), sc.run.start.str().c_str(), world.clock.end().str().c_str(), seconds);
    std::printf("  exports over the run (national): USD %.1f bn, of which CBEC USD %.1f bn\n",
                t.exports_usd * to_national * 1e-9, t.exports_cbec_usd * to_national * 1e-9);
    std::printf("  employment (national, thousand): %.0f at the start, %.0f at the end\n",
                t.employment_start * to_national * 1e-3, t.employment_end * to_national * 1e-3);
    std::printf("  output: %s\n", file.final_path().c_str());
  }
  return 0;
}

int cmd_compare(const CommonOptions& o, const std::string& out_dir, bool force) {
  const LoadedScenario loaded = load(o);
  const Scenario& policy = loaded.scenario;
  const Scenario counterfactual = counterfactual_of(policy);
  check_memory(policy);
  const World world = build_world(policy, policy.run.seed);
  const std::vector<int> groups = zone_groups(world);
  int zone_cities = 0;
  for (int g : groups) zone_cities += g == 0;
  RunSummary policy_summary(groups), counterfactual_summary(groups);
  std::optional<ResultFile> policy_file, counterfactual_file;
  if (!out_dir.empty()) {
    const std::string stem = (std::filesystem::path(out_dir) / std::filesystem::path(o.scenario).stem()).string();
    policy_file.emplace(stem + "-policy.h5", force, world,
                        RunMetadata{loaded.resolved_yaml, loaded.path, policy.run.seed, "policy"});
    const World cf_world = build_world(counterfactual, policy.run.seed);
    counterfactual_file.emplace(stem + "-counterfactual.h5", force, cf_world,
                                RunMetadata{emit_yaml(counterfactual), loaded.path, policy.run.seed, "counterfactual"});
  }
  const auto start = Clock::now();
  {
    Progress progress(!o.quiet, policy.run.months, "policy        ");
    execute(policy, policy.run.seed, o.threads, policy_file ? &*policy_file : nullptr, &policy_summary, progress);
  }
  {
    Progress progress(!o.quiet, policy.run.months, "counterfactual");
    execute(counterfactual, policy.run.seed, o.threads, counterfactual_file ? &*counterfactual_file : nullptr,
            &counterfactual_summary, progress);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (policy_file) policy_file->commit(seconds);
  if (counterfactual_file) counterfactual_file->commit(seconds);
  std::printf("pzsim compare: %s (%.1f s for both runs)\n", loaded.path.c_str(), seconds);
  std::fputs(format_comparison(policy, policy.run.seed, policy_summary, counterfactual_summary, zone_cities).c_str(), stdout);
  if (policy_file)
    std::printf("\noutputs: %s, %s\n", policy_file->final_path().c_str(), counterfactual_file->final_path().c_str());
  return 0;
}

struct DidCommandOptions {
  std::vector<std::string> inputs, counterfactuals;
  std::string scenario, format = "table", period = "year";
  std::vector<int> window;
};

int cmd_did(const DidCommandOptions& o) {
  did::DidOptions options;
  options.unit = o.period == "month" ? did::PeriodUnit::month : did::PeriodUnit::year;
  if (!o.window.empty()) options.window = did::EventWindow{o.window[0], o.window[1]};
  const did::RunPairs runs = did::resolve_run_pairs({o.inputs.begin(), o.inputs.end()}, {o.counterfactuals.begin(), o.counterfactuals.end()}, o.scenario);
  std::fputs(did::format_did(did::run_did(runs, options), o.format).c_str(), stdout);
  return 0;
}

int cmd_validate(const CommonOptions& o, bool print) {
  const LoadedScenario loaded = load(o);
  if (print)
    std::fputs(loaded.resolved_yaml.c_str(), stdout);
  else
    std::printf("%s: valid (%zu cities, %zu destinations, %zu sectors, %d months from %s)\n", loaded.path.c_str(),
                loaded.scenario.cities.list.size(), loaded.scenario.destinations.size(), loaded.scenario.sectors.size(),
                loaded.scenario.run.months, loaded.scenario.run.start.str().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pzsim: agent-based simulation of China's cross-border e-commerce pilot zones, jobs and exports"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("pzsim ") + kVersion + " (" + kGitCommit + ")");

  CommonOptions run_opts, validate_opts, compare_opts;
  std::string output, out_dir;
  bool force = false, print = false;

  CLI::App* run = app.add_subcommand("run", "Run a scenario and write its monthly results (HDF5, netCDF-4 layout)");
  add_common(run, run_opts, true);
  run->add_option("-o,--output", output, "Output file (default results/<scenario>.h5)");
  run->add_flag("--force", force, "Overwrite an existing output file");

  CLI::App* validate = app.add_subcommand("validate", "Check a scenario without running it");
  add_common(validate, validate_opts, false);
  validate->add_flag("--print", print, "Print the fully resolved scenario");

  CLI::App* compare = app.add_subcommand("compare", "Run a scenario and its counterfactual (no zones) with the same seed and print the effects");
  add_common(compare, compare_opts, true);
  compare->add_option("-o,--output-dir", out_dir, "Also write both runs' files into this folder");
  compare->add_flag("--force", force, "Overwrite existing output files");

  ReportRequest report_request;
  CLI::App* report = app.add_subcommand("report", "Write one self-contained HTML report (plots embedded) of a `pzsim compare -o DIR` folder");
  report->add_option("dir", report_request.comparison_dir, "Folder written by pzsim compare -o DIR (comparison.json, runs/)")->required();
  report->add_option("-o,--output", report_request.output, "HTML file to write (default DIR/report.html)");
  report->add_flag("--force", report_request.force, "Overwrite an existing output file");
  DidCommandOptions did_opts;
  CLI::App* did_cmd = app.add_subcommand(
      "did", "Difference-in-differences on the simulated city panel (TWFE, event study, Callaway-Sant'Anna, Sun-Abraham) beside the true ATT");
  did_cmd->add_option("inputs", did_opts.inputs, "A `pzsim compare -o DIR` folder, or policy run files (with --counterfactual)")->required();
  did_cmd->add_option("--counterfactual", did_opts.counterfactuals, "Counterfactual run files, paired with the policy files by position");
  did_cmd->add_option("--scenario", did_opts.scenario, "Scenario of the compare folder (default: the first listed)");
  did_cmd->add_option("--period", did_opts.period, "Panel period: year (default) or month")->check(CLI::IsMember({"year", "month"}));
  did_cmd->add_option("--window", did_opts.window, "Event times shown, endpoints binned: LOW HIGH (default -5 5 years, -24 36 months)")
      ->expected(2)
      ->check(CLI::Range(-1000, 1000));
  did_cmd->add_option("--format", did_opts.format, "table (default), csv or json")->check(CLI::IsMember({"table", "csv", "json"}));

  CLI::App* schema = app.add_subcommand("schema", "Print the scenario schema reference (Markdown)");

  evidence::EvidenceOptions evidence_opts;
  evidence_opts.targets = PZSIM_SOURCE_DIR "/analysis/evidence.yaml";
  std::string evidence_format = "table";
  CLI::App* evidence_cmd = app.add_subcommand(
      "evidence", "Set the runs' outputs against the published evidence (analysis/evidence.yaml): target, model value over seeds, within tolerance");
  evidence_cmd->add_option("runs", evidence_opts.inputs, "Policy run files (one per seed), or one `pzsim compare -o DIR` folder")->required();
  evidence_cmd->add_option("--counterfactual", evidence_opts.counterfactuals, "Counterfactual run files, paired with the runs by seed")
      ->take_all();
  evidence_cmd->add_option("--format", evidence_format, "table (Markdown), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  evidence_cmd->add_option("--targets", evidence_opts.targets, "Targets file (default: the project's analysis/evidence.yaml)");
  evidence_cmd->add_option("--scenario", evidence_opts.scenario, "With a compare folder of several scenarios: which one (default the first)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    if (run->parsed()) return cmd_run(run_opts, output, force);
    if (validate->parsed()) return cmd_validate(validate_opts, print);
    if (compare->parsed()) return cmd_compare(compare_opts, out_dir, force);
    if (report->parsed()) return write_report(report_request, &g_interrupted);
    if (evidence_cmd->parsed()) {
      evidence_opts.format = evidence_format == "csv" ? evidence::Format::csv
                             : evidence_format == "json" ? evidence::Format::json : evidence::Format::table;
      return evidence::run_evidence(evidence_opts, std::cout);
    }
    if (did_cmd->parsed()) return cmd_did(did_opts);
    if (schema->parsed()) {
      std::fputs(schema_markdown().c_str(), stdout);
      return 0;
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "pzsim: error: %s\n", e.what());
    return 2;
  } catch (const RunCancelled&) {
    std::fprintf(stderr, "pzsim: interrupted; no output file was written\n");
    return 1;
  } catch (const IoError& e) {
    std::fprintf(stderr, "pzsim: I/O error: %s\n", e.what());
    // The temporary file is gone; after a failed write HDF5 may still hold the file and
    // crash while closing it at exit, so leave without running exit handlers.
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pzsim: internal error: %s\n", e.what());
    return 1;
  }
  return 1;
}
