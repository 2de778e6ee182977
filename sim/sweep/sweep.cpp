#include "sim/sweep/sweep.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "pzsim/version.hpp"
#include "sim/compare/counterfactual.hpp"
#include "sim/core/error.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/text.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/run_reader.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/load.hpp"
#include "sim/sweep/collect.hpp"

namespace pzsim {

namespace {

using WallClock = std::chrono::steady_clock;

std::string key_of(const std::string& assignment) { return assignment.substr(0, assignment.find('=')); }

// True when `dir` is empty or holds a sweep: its sweep.yaml, or only what a sweep starting
// there writes before its sweep.yaml is in place (runs/, manifest.csv, sweep.h5 and their
// temporary files). Job-array slices start at once in one folder: a slice must not take the
// folder of another slice, caught between creating runs/ and renaming sweep.yaml, for a
// foreign one.
bool holds_sweep(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir / "sweep.yaml", ec)) return true;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name == "runs" || name == "manifest.csv" || name == "sweep.h5" ||
                      name.rfind("sweep.yaml.tmp-", 0) == 0 || name.rfind("manifest.csv.tmp-", 0) == 0 ||
                      name.rfind("sweep.h5.tmp", 0) == 0;
    if (!ours) return false;
  }
  return !ec;
}

using text::csv_field;
using text::csv_record;

std::string seconds_text(double s) {
  char buf[32];
  if (!std::isfinite(s)) return "";
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string duration_text(double s) {
  char buf[32];
  if (s < 120) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 7200) std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", std::floor(s / 60), std::fmod(s, 60.0));
  else std::snprintf(buf, sizeof buf, "%.0fh%02.0fm", std::floor(s / 3600), std::floor(std::fmod(s, 3600.0) / 60));
  return buf;
}

// Progress of a sweep: a bar on a terminal; otherwise a line per completed run and a
// heartbeat line at least every `heartbeat` seconds (batch logs).
class SweepProgress {
 public:
  SweepProgress(const SweepOptions& o, std::size_t total, std::size_t already_done)
      : quiet_(o.quiet), tty_(!o.log && ::isatty(STDERR_FILENO) != 0), total_(total), done_(already_done),
        log_(o.log ? o.log : [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }), start_(WallClock::now()) {
    if (quiet_) return;
    // A terminal gets its bar redrawn every second (elapsed time moves while long runs go);
    // a batch log a "still running" line every heartbeat_seconds.
    heartbeat_ = std::thread([this, every = tty_ ? 1.0 : o.heartbeat_seconds] {
      std::unique_lock<std::mutex> lock(mutex_);
      if (tty_) draw_bar();
      while (!stopping_) {
        if (wake_.wait_for(lock, std::chrono::duration<double>(every), [this] { return stopping_; })) break;
        if (tty_) draw_bar();
        else log_("pzsim sweep: " + status_text() + " (still running)");
      }
    });
  }
  ~SweepProgress() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (heartbeat_.joinable()) heartbeat_.join();
    if (tty_ && shown_) std::fprintf(stderr, "\r%*s\r", 100, "");
  }
  void run_done(const std::string& label, double seconds, const std::string& error) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    ++ran_;
    if (!error.empty()) ++failed_;
    if (quiet_) return;
    if (tty_) {
      if (!error.empty()) std::fprintf(stderr, "\r%*s\rpzsim sweep: %s FAILED: %s\n", 100, "", label.c_str(), error.c_str());
      draw_bar();
    } else {
      char buf[64];
      std::snprintf(buf, sizeof buf, " (%.1f s)", seconds);
      log_("pzsim sweep: run " + std::to_string(done_) + "/" + std::to_string(total_) + " " + label +
           (error.empty() ? std::string(" done") + buf : " FAILED: " + error));
    }
  }

 private:
  void draw_bar() {  // with mutex_ held
    const double fraction = static_cast<double>(done_) / static_cast<double>(std::max<std::size_t>(1, total_));
    const int width = 30, filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\rpzsim sweep [%s%s] %s ", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), status_text().c_str());
    shown_ = true;
  }
  std::string status_text() const {
    const double elapsed = std::chrono::duration<double>(WallClock::now() - start_).count();
    std::string s = std::to_string(done_) + "/" + std::to_string(total_) + " runs";
    if (failed_) s += ", " + std::to_string(failed_) + " failed";
    s += ", " + duration_text(elapsed) + " elapsed";
    const std::size_t left = total_ - done_;
    if (ran_ > 0 && left > 0) s += ", ETA " + duration_text(elapsed / static_cast<double>(ran_) * static_cast<double>(left));
    return s;
  }

  bool quiet_, tty_;
  std::size_t total_, done_, ran_ = 0, failed_ = 0;
  std::function<void(const std::string&)> log_;
  WallClock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false, shown_ = false;
  std::thread heartbeat_;
};

// Temporary run files left by a process that no longer runs (a crash or kill -9).
void remove_stale_temporaries(const std::filesystem::path& runs) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(runs, ec)) {
    const std::string name = entry.path().filename().string();
    const std::size_t at = name.find(".tmp-");
    if (at == std::string::npos) continue;
    const std::string pid_text = name.substr(at + 5);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(pid_text);
    if (pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // its writer may still be going
    std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace

namespace {
std::string hash_of_resolved(const std::string& scenario_yaml, std::uint64_t seed) {
  return hash16(std::string("pzsim ") + kVersion + "\nseed " + std::to_string(seed) + "\n" + scenario_yaml);
}
}  // namespace

std::string run_content_hash(const Scenario& scenario, std::uint64_t seed) {
  return hash_of_resolved(resolved_yaml(scenario, seed), seed);
}

SweepPlan plan_sweep(const SweepSpec& spec, const std::filesystem::path& out_dir) {
  SweepPlan plan;
  plan.spec = spec;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.scenario, ec))
    throw InputError(spec.source + ": scenario: no scenario file " + spec.scenario.string());
  // The base with the fixed overrides first, so their errors are not blamed on a factor.
  const ScenarioSource source(spec.scenario);
  try {
    (void)source.resolve(spec.overrides);
  } catch (const InputError& e) {
    throw InputError(spec.source + ": set: " + e.what());
  }
  const std::vector<std::vector<std::string>> points = design_points(spec.design);
  const std::size_t n = points.size();
  if (n == 0) throw InputError(spec.source + ": design: no points");
  std::vector<std::shared_ptr<const Scenario>> scenarios(n);
  std::vector<std::string> errors(n);
  const auto& factors = spec.design.factors;
  parallel_for(
      n,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p) {
          std::vector<std::string> overrides = spec.overrides;
          for (std::size_t j = 0; j < factors.size(); ++j) overrides.push_back(factors[j].key + "=" + points[p][j]);
          try {
            scenarios[p] = std::make_shared<const Scenario>(source.resolve(overrides).scenario);
          } catch (const InputError& e) {
            errors[p] = e.what();
          }
        }
      },
      1);
  for (std::size_t p = 0; p < n; ++p) {
    if (errors[p].empty()) continue;
    // Point at the factor the error names ("--set key: ..."), else at the first factor.
    const Factor* blamed = &factors.front();
    for (const auto& f : factors)
      if (errors[p].rfind("--set " + f.key, 0) == 0) blamed = &f;
    std::string values;
    for (std::size_t j = 0; j < factors.size(); ++j) values += (j ? ", " : "") + factors[j].key + "=" + points[p][j];
    throw InputError(yaml::to_string(blamed->pos) + ": design: point " + std::to_string(p) + " (" + values + "): " + errors[p]);
  }

  const std::vector<std::string> roles = spec.counterfactual ? std::vector<std::string>{"policy", "counterfactual"}
                                                             : std::vector<std::string>{"policy"};
  std::vector<std::shared_ptr<const Scenario>> counterfactuals(n);
  if (spec.counterfactual)
    for (std::size_t p = 0; p < n; ++p) counterfactuals[p] = std::make_shared<const Scenario>(counterfactual_of(*scenarios[p]));
  // Requests share their point's scenario (the run library takes the seed from the request)
  // and hold no scenario text: the run file's scenario_yaml is emitted when it is written, so
  // a sweep of many thousand runs does not keep thousands of resolved scenarios in memory.
  for (std::size_t p = 0; p < n; ++p)
    for (const std::uint64_t seed : spec.seeds)
      for (const auto& role : roles) {
        SweepRow row;
        row.point = p;
        row.values = points[p];
        row.seed = seed;
        row.role = role;
        RunRequest r;
        r.scenario = role == "policy" ? scenarios[p] : counterfactuals[p];
        r.scenario_path = spec.scenario.string();
        r.overrides = spec.overrides;
        for (std::size_t j = 0; j < factors.size(); ++j) r.overrides.push_back(factors[j].key + "=" + points[p][j]);
        r.seed = seed;
        r.role = role;
        r.label = "point " + std::to_string(p) + " seed " + std::to_string(seed) + (role == "policy" ? "" : " " + role);
        r.force = true;  // the name is the content: an existing file is the same run (or a broken one)
        r.keep_series = false;
        r.attributes.emplace_back("sweep_point", std::to_string(p));
        for (const auto& o : r.overrides) r.attributes.emplace_back("override_" + key_of(o), o.substr(o.find('=') + 1));
        plan.rows.push_back(std::move(row));
        plan.requests.push_back(std::move(r));
      }
  // Content hashes (one emitted scenario each, several ms for a large scenario) in parallel.
  parallel_for(
      plan.rows.size(),
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
          const RunRequest& r = plan.requests[i];
          plan.rows[i].run_file = "runs/" + hash_of_resolved(resolved_yaml(*r.scenario, r.seed), r.seed) + ".h5";
          plan.requests[i].output = out_dir / plan.rows[i].run_file;
        }
      },
      1);
  std::map<std::string, std::size_t> first_row_of_file;
  for (std::size_t i = 0; i < plan.rows.size(); ++i) plan.owner.push_back(first_row_of_file.emplace(plan.rows[i].run_file, i).first->second);
  return plan;
}

std::string check_run_file(const std::filesystem::path& file, std::uint64_t seed, std::size_t months, const std::string* scenario_yaml) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return "missing";
  try {
    const RunFile run(file);
    if (!run.has_attribute("complete") || run.attribute("complete") != "1") return "no completion mark (an unfinished run)";
    if (run.attribute("pzsim_version") != kVersion) return "written by pzsim " + run.attribute("pzsim_version");
    if (run.seed() != seed) return "seed " + std::to_string(run.seed()) + ", expected " + std::to_string(seed);
    const std::size_t stored = run.coordinate("time").size();
    if (months > 0 && stored != months) return std::to_string(stored) + " months, expected " + std::to_string(months);
    if (scenario_yaml && run.attribute("scenario_yaml") != *scenario_yaml) return "a different scenario";
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void write_manifest(const std::filesystem::path& file, const std::vector<Factor>& factors, const std::vector<SweepRow>& rows) {
  std::string text = "point";
  for (const auto& f : factors) text += "," + csv_field(f.key);
  text += ",seed,role,run_file,status,wall_seconds,error\n";
  for (const auto& r : rows) {
    text += std::to_string(r.point);
    for (const auto& v : r.values) text += "," + csv_field(v);
    text += "," + std::to_string(r.seed) + "," + r.role + "," + csv_field(r.run_file) + "," + r.status + "," +
            seconds_text(r.wall_seconds) + "," + csv_field(r.error) + "\n";
  }
  write_file_atomically(file, text);
}

std::vector<SweepRow> read_manifest(const std::filesystem::path& file, const std::vector<Factor>& factors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError("cannot read " + file.string() + " (not a sweep folder?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::size_t pos = 0;
  const std::vector<std::string> header = csv_record(text, pos);
  const std::size_t k = factors.size(), columns = k + 7;
  if (header.size() != columns || header.front() != "point" || header.back() != "error")
    throw InputError(file.string() + ": header does not match the sweep's factors");
  std::vector<SweepRow> rows;
  while (pos < text.size()) {
    const std::size_t line = rows.size() + 2;
    const std::vector<std::string> f = csv_record(text, pos);
    if (f.size() == 1 && f[0].empty()) continue;
    if (f.size() != columns) throw InputError(file.string() + ":" + std::to_string(line) + ": expected " + std::to_string(columns) + " fields");
    SweepRow r;
    try {
      r.point = static_cast<std::size_t>(std::stoull(f[0]));
      r.values.assign(f.begin() + 1, f.begin() + 1 + static_cast<std::ptrdiff_t>(k));
      r.seed = std::stoull(f[k + 1]);
      r.wall_seconds = f[k + 5].empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(f[k + 5]);
    } catch (const std::exception&) {
      throw InputError(file.string() + ":" + std::to_string(line) + ": malformed number");
    }
    r.role = f[k + 2];
    r.run_file = f[k + 3];
    r.status = f[k + 4];
    r.error = f[k + 6];
    if (r.run_file.find("..") != std::string::npos || r.run_file.rfind("runs/", 0) != 0)
      throw InputError(file.string() + ":" + std::to_string(line) + ": run_file must be runs/<name>.h5");
    rows.push_back(std::move(r));
  }
  return rows;
}

SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options, const std::atomic<bool>* cancel) {
  const auto started = WallClock::now();
  const std::filesystem::path& dir = options.out_dir;
  SweepPlan plan = plan_sweep(spec, dir);

  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    throw InputError(dir.string() + " exists and is not a folder");
  if (std::filesystem::is_directory(dir, ec) && !holds_sweep(dir))
    throw InputError(dir.string() + " is not empty and holds no sweep (no sweep.yaml); choose another -o folder");
  SweepOutcome outcome;
  outcome.points = point_count(spec.design);
  outcome.rows = plan.rows.size();
  if (!options.dry_run) {
    std::filesystem::create_directories(dir / "runs", ec);
    if (ec) throw IoError("cannot create " + (dir / "runs").string() + ": " + ec.message());
    write_file_atomically(dir / "sweep.yaml", emit_sweep_yaml(spec));
    // Job-array slices may run at once on other hosts, where a pid means nothing here: only
    // a sweep that owns every run clears temporary files of dead processes.
    if (options.slices == 1) remove_stale_temporaries(dir / "runs");
  }

  // Resume: a run file that verifies as complete is kept; a broken one is removed and redone.
  std::vector<std::size_t> to_run;
  const auto log = options.log ? options.log : [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < plan.rows.size(); ++i) {
    if (plan.owner[i] != i) continue;
    if (distinct++ % options.slices != options.slice) continue;  // another slice's run (job arrays)
    ++outcome.runs;
    SweepRow& row = plan.rows[i];
    const RunRequest& r = plan.requests[i];
    const std::string expected_yaml = std::filesystem::exists(*r.output, ec) ? resolved_yaml(*r.scenario, r.seed) : std::string();
    const std::string problem = check_run_file(*r.output, r.seed, static_cast<std::size_t>(r.scenario->run.months), &expected_yaml);
    if (problem.empty()) {
      row.status = "done";
      row.wall_seconds = std::stod(RunFile(*r.output).attribute("wall_seconds"));
      ++outcome.reused;
      continue;
    }
    if (problem != "missing" && !options.dry_run) {
      if (!options.quiet) log("pzsim sweep: redoing " + row.run_file + ": " + problem);
      std::filesystem::remove(*r.output, ec);
    }
    to_run.push_back(i);
  }
  if (options.dry_run) return outcome;
  const auto sync_shared = [&] {
    for (std::size_t i = 0; i < plan.rows.size(); ++i)
      if (plan.owner[i] != i) {
        const SweepRow& owner = plan.rows[plan.owner[i]];
        plan.rows[i].status = owner.status;
        plan.rows[i].wall_seconds = owner.wall_seconds;
        plan.rows[i].error = owner.error;
      }
  };
  sync_shared();
  write_manifest(dir / "manifest.csv", spec.design.factors, plan.rows);
  if (!options.quiet && outcome.reused > 0)
    log("pzsim sweep: " + std::to_string(outcome.reused) + " of " + std::to_string(outcome.runs) + " runs already complete, " +
        std::to_string(to_run.size()) + " to run");

  std::vector<RunRequest> requests;
  for (std::size_t i : to_run) requests.push_back(plan.requests[i]);
  {
    SweepProgress progress(options, outcome.runs, outcome.reused);
    std::mutex manifest_mutex;
    const auto record = [&](std::size_t j, double seconds, const std::string& error) {
      SweepRow& row = plan.rows[to_run[j]];
      row.status = error.empty() ? "done" : "failed";
      row.wall_seconds = seconds;
      row.error = error;
      outcome.run_seconds += seconds;
      ++(error.empty() ? outcome.ran : outcome.failed);
      sync_shared();
      write_manifest(dir / "manifest.csv", spec.design.factors, plan.rows);
      progress.run_done(requests[j].label, seconds, error);
    };
    const auto on_done = [&](std::size_t j, const RunResult& result) { record(j, result.wall_seconds, ""); };
    const auto on_failed = [&](std::size_t j, const std::exception_ptr& error, double seconds) {
      std::string what = "unknown error";
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      record(j, seconds, what);
    };
    try {
      if (options.executor) options.executor(requests, cancel, on_done, on_failed);
      else execute_runs(requests, options.threads, cancel, on_done, on_failed);
    } catch (const RunCancelled&) {
      log("pzsim sweep: interrupted; " + std::to_string(outcome.reused + outcome.ran) + " of " + std::to_string(outcome.runs) +
            " runs are complete and kept; run the same command again to resume");
      throw;
    }
  }
  if (options.slices > 1) {
    if (!options.quiet)
      log("pzsim sweep: slice " + std::to_string(options.slice) + " of " + std::to_string(options.slices) +
          " done; run `pzsim collect " + dir.string() + "` once every slice is done");
  } else {
    collect_sweep(dir, options.quiet ? std::function<void(const std::string&)>{} : log);
  }
  outcome.wall_seconds = std::chrono::duration<double>(WallClock::now() - started).count();
  return outcome;
}

}  // namespace pzsim
