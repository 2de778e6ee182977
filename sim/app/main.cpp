// pzsim: one executable, subcommands run, validate, compare, report, did, schema.
// Exit codes: 0 success, 2 bad input (scenario, overrides, arguments), 1 internal or
// environmental failure (I/O, resources, interrupted).
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "pzsim/version.hpp"
#include "sim/bench/bench.hpp"
#include "sim/calibrate/calibrate.hpp"
#include "sim/core/error.hpp"
#include "sim/compare/compare.hpp"
#include "sim/evidence/evidence.hpp"
#include "sim/io/outputs_markdown.hpp"
#include "sim/estimators/did_report.hpp"
#include "sim/model/simulation.hpp"
#include "sim/report/report.hpp"
#include "sim/run/run.hpp"
#include "sim/run/summary.hpp"
#include "sim/scenario/load.hpp"
#include "sim/scenario/seed.hpp"
#include "sim/sensitivity/sensitivity.hpp"
#include "sim/sweep/collect.hpp"
#include "sim/sweep/mpi_sweep.hpp"
#include "sim/sweep/sweep.hpp"

namespace {

using namespace pzsim;
// Set by SIGINT, SIGTERM, SIGHUP and SIGQUIT; loading stops at once and a run between months,
// removing its temporary file. A signal flag is necessarily process-wide; nothing else is.
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaction(signal_number, &action, nullptr);
}

// Descriptors 0-2 must be open before any file is: a file opened while stdout is closed
// would become fd 1 and receive what pzsim prints. A closed stdin or stderr is given
// /dev/null; a closed stdout is an error, since results printed there would be lost.
bool standard_descriptors_ok() {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int opened = ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
    if (opened != fd) return false;
    if (fd == STDOUT_FILENO) {
      std::fprintf(stderr, "pzsim: error: standard output is closed; pzsim prints its results there (redirect it to /dev/null to discard them)\n");
      return false;
    }
  }
  return true;
}

// Everything printed to stdout is only printed once it is flushed and closed without error:
// a full disk (validate --print > file on a full tmpfs), /dev/full or a closed pipe must not
// pass for success with a truncated result.
int finish_stdout(int code) {
  std::cout.flush();
  const bool stream_ok = static_cast<bool>(std::cout);
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
  const int flush_errno = errno;
  const bool closed = std::fclose(stdout) == 0;
  if (stream_ok && flushed && closed) return code;
  const int reason = flush_errno != 0 ? flush_errno : errno;
  std::fprintf(stderr, "pzsim: error: writing to standard output failed (%s); what was printed is incomplete\n",
               reason != 0 ? std::strerror(reason) : "write error");
  return code == 0 ? 1 : code;
}

struct CompareOptions {
  std::vector<std::string> scenarios;
  std::vector<std::string> overrides;
  std::string seeds;
  std::optional<std::string> seed;  // parsed by parse_seed, as in scenario files
  int replications = 0;
  bool bootstrap = false;
  bool by_cohort = false;
  std::string out_dir;
  bool force = false;
  std::string format = "table";
  int threads = 0;
  bool quiet = false;
  std::string max_memory;  // --max-memory SIZE (parse_memory_size)
};

struct CommonOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::optional<std::string> seed;  // parsed by parse_seed, as in scenario files
  int threads = 0;
  bool quiet = false;
  std::string max_memory;  // --max-memory SIZE (parse_memory_size)
};

void add_common(CLI::App* cmd, CommonOptions& o, bool running) {
  cmd->add_option("scenario", o.scenario, "Scenario YAML file")->required();
  cmd->add_option("--set", o.overrides, "Override a scenario value: path.to.key=value (repeatable; list items by index)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--seed", o.seed, "Seed (same as --set run.seed=S)");
  if (running) {
    cmd->add_option("--max-memory", o.max_memory, "Stop with exit 1 (no file) if the run would need or comes to use more memory, e.g. 4G");
    cmd->add_option("--threads", o.threads, "Worker threads (default: all cores); results do not depend on it")
        ->check(CLI::Range(1, 4096));
    cmd->add_flag("--quiet,-q", o.quiet, "No progress bar or summary");
  }
}

LoadedScenario load(const CommonOptions& o) {
  std::vector<std::string> overrides = o.overrides;
  if (o.seed) overrides.push_back("run.seed=" + std::to_string(parse_seed_or_throw(*o.seed, "--seed")));
  return load_scenario(o.scenario, overrides, &g_interrupted);
}

int cmd_run(const CommonOptions& o, std::string output, bool force) {
  LoadedScenario loaded = load(o);
  if (output.empty()) output = "results/" + std::filesystem::path(o.scenario).stem().string() + ".h5";
  RunRequest request;
  request.scenario = std::make_shared<const Scenario>(loaded.scenario);
  request.scenario_yaml = loaded.resolved_yaml;
  request.scenario_path = loaded.path;
  request.overrides = o.overrides;
  request.seed = loaded.scenario.run.seed;
  request.output = output;
  request.force = force;
  if (!o.max_memory.empty()) request.max_memory_bytes = parse_memory_size(o.max_memory);
  ProgressBar bar(!o.quiet, loaded.scenario.run.months, "pzsim run");
  const RunResult result =
      run_with_threads(request, o.threads, &g_interrupted, [&](int done, const std::string& month) { bar.update(done, month); });
  bar.clear();
  if (!o.quiet) std::fputs(run_summary_text(loaded.scenario, loaded.path, result).c_str(), stdout);
  return 0;
}

int cmd_compare(const CompareOptions& o) {
  CompareRequest request;
  request.scenario_paths = o.scenarios;
  request.overrides = o.overrides;
  if (!o.seeds.empty() + (o.replications > 0) + o.seed.has_value() > 1)
    throw InputError("give only one of --seeds, --replications and --seed");
  request.seeds = o.seed                ? std::vector<std::uint64_t>{parse_seed_or_throw(*o.seed, "--seed")}
                  : !o.seeds.empty()    ? parse_seed_list(o.seeds)
                                        : parse_seed_list("1-" + std::to_string(o.replications > 0 ? o.replications : 5));
  request.method = o.bootstrap ? IntervalMethod::bootstrap : IntervalMethod::paired_t;
  request.by_cohort = o.by_cohort;
  if (!o.out_dir.empty()) request.out_dir = o.out_dir;
  request.force = o.force;
  request.threads = o.threads;
  if (!o.max_memory.empty()) request.max_memory_bytes = parse_memory_size(o.max_memory);
  const Comparison comparison =
      run_comparison(request, &g_interrupted, [&](std::size_t done, std::size_t total, const RunRecord& run, double seconds) {
        if (!o.quiet)
          std::fprintf(stderr, "pzsim compare: run %zu/%zu done: %s seed %llu (%.1f s)\n", done, total, run.label.c_str(),
                       static_cast<unsigned long long>(run.seed), seconds);
      });
  if (request.out_dir) write_comparison_files(comparison, *request.out_dir);
  if (o.format == "csv") std::fputs(format_csv(comparison).c_str(), stdout);
  else if (o.format == "json") std::fputs(format_json(comparison).c_str(), stdout);
  else std::fputs(format_table(comparison).c_str(), stdout);
  if (request.out_dir && o.format == "table")
    std::printf("\noutputs: %s (comparison.json, comparison.csv, runs/)\n", request.out_dir->c_str());
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

struct SensitivityCommandOptions {
  sensitivity::SensitivityOptions options;
  std::string dir, window, reduce = "mean", format = "table";
};

int cmd_sensitivity(SensitivityCommandOptions& o) {
  o.options.dir = o.dir;
  if (!o.window.empty()) o.options.window = sensitivity::parse_year_window(o.window);
  o.options.reduce = o.reduce == "sum" ? sensitivity::Reduce::sum : o.reduce == "end" ? sensitivity::Reduce::end : sensitivity::Reduce::mean;
  const auto report = sensitivity::run_sensitivity(o.options);
  std::fputs(sensitivity::format_report(report, o.format == "csv" ? sensitivity::Format::csv : sensitivity::Format::table).c_str(), stdout);
  return 0;
}

struct SweepCommandOptions {
  std::string input, out_dir;
  SweepFlags flags;
  SweepOptions run;
  std::optional<std::size_t> index, slices;  // job arrays (sim/sweep/mpi_sweep.hpp)
};

// `pzsim sweep SWEEP.yaml -o DIR` or `pzsim sweep SCENARIO --grid key=v1,v2 ... -o DIR`:
// with --grid the input is a scenario, otherwise a sweep file.
int cmd_sweep(SweepCommandOptions& o) {
  const bool flag_form = !o.flags.grid.empty();
  SweepSpec spec;
  if (flag_form) {
    o.flags.scenario = o.input;
    spec = sweep_from_flags(o.flags);
  } else {
    if (!o.flags.overrides.empty() || o.flags.counterfactual || !o.flags.variables.empty() || !o.flags.aggregate.empty() ||
        o.flags.seeds != "1")
      throw InputError("--set, --seeds, --counterfactual, --collect and --aggregate go with --grid; a sweep file sets them itself");
    spec = load_sweep_file(o.input);
  }
  o.run.out_dir = o.out_dir;
  if (o.index) choose_slice(o.run, *o.index, o.slices);
  else if (o.slices) throw InputError("--slices goes with --index");
  if (o.run.dry_run) {
    const SweepOutcome counted = run_sweep(spec, o.run, &g_interrupted);
    std::printf("%s: %zu points x %zu seeds: %zu manifest rows, %zu distinct runs (%zu already complete in %s, %zu to run)\n",
                spec.source.c_str(), counted.points, spec.seeds.size(), counted.rows, counted.runs, counted.reused, o.out_dir.c_str(),
                counted.runs - counted.reused);
    return 0;
  }
  DistributedSweep shared;
  try {
    shared = run_sweep_distributed(spec, o.run, &g_interrupted);
  } catch (const RunCancelled&) {
    return 1;  // run_sweep said what was kept; the completed run files stay
  }
  if (shared.worker) return 0;  // an MPI worker rank: rank 0 reports
  const SweepOutcome& outcome = shared.outcome;
  if (!o.run.quiet)
    std::printf("pzsim sweep: %zu runs (%zu already complete, %zu run now, %zu failed) in %.1f s; outputs in %s (manifest.csv, runs/, sweep.h5)\n",
                outcome.runs, outcome.reused, outcome.ran, outcome.failed, outcome.wall_seconds, o.out_dir.c_str());
  return outcome.failed > 0 ? 1 : 0;
}

int cmd_validate(const CommonOptions& o, bool print) {
  const LoadedScenario loaded = load(o);
  if (g_interrupted.load()) throw RunCancelled{};
  if (print)
    std::fputs(loaded.resolved_yaml.c_str(), stdout);
  else
    std::printf("%s: valid (%zu cities, %zu destinations, %zu sectors, %d months from %s)\n", loaded.path.c_str(),
                loaded.scenario.cities.list.size(), loaded.scenario.destinations.size(), loaded.scenario.sectors.size(),
                loaded.scenario.run.months, loaded.scenario.run.start.str().c_str());
  return 0;
}

}  // namespace

static int run_main(int argc, char** argv) {
  CLI::App app{"pzsim: agent-based simulation of China's cross-border e-commerce pilot zones, jobs and exports"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("pzsim ") + kVersion + " (" + kGitCommit + ")");

  CommonOptions run_opts, validate_opts;
  CompareOptions compare_opts;
  std::string output;
  bool force = false, print = false;

  CLI::App* run = app.add_subcommand("run", "Run a scenario and write its monthly results (HDF5, netCDF-4 layout)");
  add_common(run, run_opts, true);
  run->add_option("-o,--output", output, "Output file (default results/<scenario>.h5)");
  run->add_flag("--force", force, "Overwrite an existing output file");

  CLI::App* validate = app.add_subcommand("validate", "Check a scenario without running it");
  add_common(validate, validate_opts, false);
  validate->add_flag("--print", print, "Print the fully resolved scenario");

  CLI::App* compare = app.add_subcommand(
      "compare", "Run scenarios against their counterfactuals (zones removed) over several seeds and print effects with intervals");
  compare->add_option("scenarios", compare_opts.scenarios, "Scenario YAML files (one row set each, shared counterfactuals run once)")
      ->required();
  compare->add_option("--set", compare_opts.overrides, "Override a value in every scenario: path.to.key=value (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  compare->add_option("--seeds", compare_opts.seeds, "Seeds, e.g. 1-20 or 1,4,7-9 (default 1-5); runs are paired by seed");
  compare->add_option("--seed", compare_opts.seed, "One seed (same as --seeds S; no interval)");
  compare->add_option("--replications", compare_opts.replications, "Seeds 1..N (instead of --seeds)")->check(CLI::Range(1, 100000));
  compare->add_flag("--bootstrap", compare_opts.bootstrap, "Bootstrap percentile intervals (fixed resampling seed) instead of paired t");
  compare->add_flag("--by-cohort", compare_opts.by_cohort,
                    "Also run each scenario without each batch of zones (leave-one-batch-out) for cohort rows; multiplies runs");
  compare->add_option("-o,--output-dir", compare_opts.out_dir, "Write comparison.json, comparison.csv and runs/*.h5 into this folder");
  compare->add_flag("--force", compare_opts.force, "Overwrite an existing comparison in the folder");
  compare->add_option("--format", compare_opts.format, "Output on stdout: table (for people), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  compare->add_option("--threads", compare_opts.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 4096));
  compare->add_flag("--quiet,-q", compare_opts.quiet, "No progress lines on stderr");
  compare->add_option("--max-memory", compare_opts.max_memory, "Stop with exit 1 (no files) if the comparison would need or comes to use more memory, e.g. 4G");

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

  SweepCommandOptions sweep_opts;
  CLI::App* sweep = app.add_subcommand("sweep", "Run a sweep (grid, list, Latin hypercube or Saltelli design x seeds) into a folder; rerun to resume");
  sweep->add_option("input", sweep_opts.input, "Sweep file (SWEEP.yaml), or a scenario with --grid")->required();
  sweep->add_option("-o,--output-dir", sweep_opts.out_dir, "Sweep folder (manifest.csv, runs/, sweep.h5); an existing one is resumed")->required();
  sweep->add_option("--grid", sweep_opts.flags.grid, "A grid factor: key.path=v1,v2,... (repeatable; with a scenario)")->take_all()->allow_extra_args(false);
  sweep->add_option("--seeds", sweep_opts.flags.seeds, "Seeds of every point, e.g. 1-3 or 1,4,7-9 (with --grid; default 1)");
  sweep->add_option("--set", sweep_opts.flags.overrides, "Fixed override of every point: path.to.key=value (with --grid)")->take_all()->allow_extra_args(false);
  sweep->add_flag("--counterfactual", sweep_opts.flags.counterfactual, "Also run each point's counterfactual (zones removed; with --grid)");
  sweep->add_option("--collect", sweep_opts.flags.variables, "Result variable to collect into sweep.h5 (repeatable; with --grid)")->take_all()->allow_extra_args(false);
  sweep->add_option("--aggregate", sweep_opts.flags.aggregate, "nation, zone, other (any, in order) or city (with --grid)")->take_all()->allow_extra_args(false);
  sweep->add_option("--threads", sweep_opts.run.threads, "Worker threads (default: all cores); results do not depend on it")->check(CLI::Range(1, 4096));
  sweep->add_flag("--quiet,-q", sweep_opts.run.quiet, "No progress output");
  sweep->add_option("--index", sweep_opts.index, "Job arrays: run only slice I (0-based) of the runs, e.g. $SLURM_ARRAY_TASK_ID; gather with pzsim collect");
  sweep->add_option("--slices", sweep_opts.slices, "Job arrays: how many slices (default $SLURM_ARRAY_TASK_COUNT)")->check(CLI::Range(1, 1000000));
  sweep->add_flag("--dry-run", sweep_opts.run.dry_run, "Check the sweep and count its runs (and those already complete in DIR); run and write nothing");
  std::string collect_dir;
  CLI::App* collect = app.add_subcommand("collect", "Rebuild DIR/sweep.h5 (and the statuses in manifest.csv) from a sweep folder's run files");
  collect->add_option("dir", collect_dir, "Sweep folder written by pzsim sweep -o DIR")->required();

  CLI::App* schema = app.add_subcommand("schema", "Print the scenario schema reference (Markdown)");
  bool outputs_markdown_page = false;
  CLI::App* outputs_cmd = app.add_subcommand("outputs", "Print the output variables of a run file (tab-separated), or with --markdown the data dictionary docs/outputs.md");
  outputs_cmd->add_flag("--markdown", outputs_markdown_page, "The whole data dictionary as Markdown (docs/outputs.md is exactly this)");

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

  SensitivityCommandOptions sens_opts;
  CLI::App* sensitivity_cmd = app.add_subcommand(
      "sensitivity", "First-order and total Sobol indices of a Saltelli sweep (design: saltelli) with bootstrap intervals");
  sensitivity_cmd->add_option("dir", sens_opts.dir, "Sweep folder (reads DIR/sweep.h5)")->required();
  sensitivity_cmd->add_option("--output", sens_opts.options.outputs, "Collected variable of sweep.h5 (repeatable)")->required();
  sensitivity_cmd->add_option("--window", sens_opts.window, "Years reduced to one number per run, e.g. 2016-2020 (default: all)");
  sensitivity_cmd->add_option("--reduce", sens_opts.reduce, "Over the window: mean (default), sum or end (last month)")
      ->check(CLI::IsMember({"sum", "mean", "end"}));
  sensitivity_cmd->add_option("--resamples", sens_opts.options.bootstrap.resamples, "Bootstrap resamples (default 1000)")
      ->check(CLI::Range(1, 1000000));
  sensitivity_cmd->add_option("--format", sens_opts.format, "table (default) or csv")->check(CLI::IsMember({"table", "csv"}));

  calibrate::CalibrateRequest calibrate_request;
  calibrate_request.default_targets = PZSIM_SOURCE_DIR "/analysis/evidence.yaml";
  CLI::App* calibrate_cmd = app.add_subcommand(
      "calibrate", "Method of simulated moments: fit scenario parameters to evidence rows and output windows (docs/calibration.md)");
  calibrate_cmd->add_option("calibration", calibrate_request.calibration, "Calibration YAML file (parameters, moments, seeds, optimiser)")
      ->required();
  calibrate_cmd->add_option("-o,--output-dir", calibrate_request.out_dir,
                            "Folder for calibrated.yaml, trace.csv, summary.txt/json; rerun to resume there")
      ->required();
  calibrate_cmd->add_flag("--force", calibrate_request.force, "Start over in a folder holding a calibration (its trace is discarded)");
  calibrate_cmd->add_option("--threads", calibrate_request.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 4096));
  calibrate_cmd->add_flag("--quiet,-q", calibrate_request.quiet, "No progress lines on stderr");

  bench::BenchOptions bench_opts;
  bench_opts.scenario = PZSIM_SOURCE_DIR "/scenarios/default.yaml";
  std::string bench_format = "table";
  CLI::App* bench_cmd = app.add_subcommand(
      "bench", "Measure a scenario: wall and CPU time, agent-steps/s, bytes per agent, peak RSS, time per phase, STREAM triad");
  bench_cmd->add_option("scenario", bench_opts.scenario, "Scenario YAML file (default: the project's scenarios/default.yaml)");
  bench_cmd->add_option("--set", bench_opts.overrides, "Override a scenario value: path.to.key=value (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  bench_cmd->add_option("--threads", bench_opts.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 4096));
  bench_cmd->add_option("--repeat", bench_opts.repeat, "Runs; the one using the least CPU time is reported (default 1)")
      ->check(CLI::Range(1, 1000));
  bench_cmd->add_option("--format", bench_format, "table (for people) or json")->check(CLI::IsMember({"table", "json"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  try {
    if (run->parsed()) return cmd_run(run_opts, output, force);
    if (validate->parsed()) return cmd_validate(validate_opts, print);
    if (compare->parsed()) return cmd_compare(compare_opts);
    if (report->parsed()) return write_report(report_request, &g_interrupted);
    if (evidence_cmd->parsed()) {
      evidence_opts.format = evidence_format == "csv" ? evidence::Format::csv
                             : evidence_format == "json" ? evidence::Format::json : evidence::Format::table;
      return evidence::run_evidence(evidence_opts, std::cout);
    }
    if (did_cmd->parsed()) return cmd_did(did_opts);
    if (sensitivity_cmd->parsed()) return cmd_sensitivity(sens_opts);
    if (sweep->parsed()) return cmd_sweep(sweep_opts);
    if (collect->parsed()) {
      const CollectOutcome c = collect_sweep(collect_dir, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
      return c.failed + c.missing > 0 ? 1 : 0;
    }
    if (calibrate_cmd->parsed()) {
      const auto summary = calibrate::run_calibration(calibrate_request, &g_interrupted);
      std::fputs(calibrate::format_summary_text(summary).c_str(), stdout);
      return 0;
    }
    if (bench_cmd->parsed()) {
      const bench::BenchResult result = bench::run_bench(bench_opts, &g_interrupted);
      std::fputs((bench_format == "json" ? bench::format_json(result) : bench::format_table(result)).c_str(), stdout);
      return 0;
    }
    if (schema->parsed()) {
      std::fputs(schema_markdown().c_str(), stdout);
      return 0;
    }
    if (outputs_cmd->parsed()) {
      std::fputs((outputs_markdown_page ? outputs_markdown() : outputs_table()).c_str(), stdout);
      return 0;
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "pzsim: error: %s\n", e.what());
    return 2;
  } catch (const ResourceError& e) {
    std::fprintf(stderr, "pzsim: error: %s\n", e.what());
    return 1;
  } catch (const NumericError& e) {
    std::fprintf(stderr, "pzsim: error: %s\n", e.what());
    return 1;
  } catch (const RunCancelled&) {
    if (calibrate_cmd->parsed())
      std::fprintf(stderr, "pzsim: interrupted; the completed evaluations are in the trace: run the same command to resume\n");
    else
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

// Signals are handled and stdout checked around every subcommand, --help included.
int main(int argc, char** argv) {
  if (!standard_descriptors_ok()) return 1;
  install_signal_handlers();
  return finish_stdout(run_main(argc, argv));
}
