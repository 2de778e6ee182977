#include "sim/calibrate/calibrate.hpp"

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlopt.hpp>
#include <sstream>

#include "pzsim/version.hpp"
#include "sim/calibrate/evaluate.hpp"
#include "sim/calibrate/summary.hpp"
#include "sim/calibrate/trace.hpp"
#include "sim/compare/counterfactual.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/io/result_file.hpp"
#include "sim/scenario/load.hpp"

namespace pzsim::calibrate {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string result_name(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS: return "success";
    case nlopt::STOPVAL_REACHED: return "stopval reached";
    case nlopt::FTOL_REACHED: return "ftol reached (objective converged)";
    case nlopt::XTOL_REACHED: return "xtol reached (parameters converged)";
    case nlopt::MAXEVAL_REACHED: return "evaluation budget used";
    case nlopt::MAXTIME_REACHED: return "time limit";
    case nlopt::ROUNDOFF_LIMITED: return "roundoff limited";
    case nlopt::FORCED_STOP: return "forced stop";
    default: return "failure (" + std::to_string(static_cast<int>(r)) + ")";
  }
}

// The evaluations of one calibration: replayed from the trace where it has them, else run.
class Search {
 public:
  Search(const Calibration& cal, const Evaluator& evaluator, Trace& trace, bool quiet)
      : cal_(cal), evaluator_(evaluator), trace_(trace), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {}
  ~Search() { end_line(); }

  const TraceRow& at(const std::optional<std::vector<double>>& x, const std::string& phase) {
    const TraceRow* row = trace_.find(x);
    const bool replayed = row != nullptr;
    if (!replayed) row = &trace_.append(phase, x, evaluator_.evaluate(x));
    replayed_ += replayed;
    ++requests_;
    // The best point among those this search asked for, in the order it asked (a resumed
    // trace may hold later points; they must not steer the steps before them).
    if (phase != "base" && phase != "jacobian" && (best_row_ == nullptr || row->values.objective < best_row_->values.objective))
      best_row_ = row;
    progress(*row, phase, replayed);
    return *row;
  }
  const TraceRow* best() const { return best_row_; }
  int replayed() const { return replayed_; }
  void end_line() {
    if (open_line_) std::fputc('\n', stderr);
    open_line_ = false;
  }

 private:
  void progress(const TraceRow& row, const std::string& phase, bool replayed) {
    const bool candidate = phase != "base" && phase != "jacobian";
    const bool improved = candidate && row.values.objective < best_;
    if (improved) best_ = row.values.objective;
    if (quiet_) return;
    std::string line = "pzsim calibrate: " + phase + " " + std::to_string(requests_) + " (evaluation " +
                       std::to_string(row.evaluation) + "): objective " + rounded_text(row.values.objective) + ", best " +
                       (std::isfinite(best_) ? rounded_text(best_) : std::string("-")) + ", at";
    if (row.x)
      for (std::size_t j = 0; j < row.x->size(); ++j) line += " " + cal_.parameters[j].key + "=" + rounded_text((*row.x)[j], 6);
    else
      line += " the base scenario";
    line += replayed ? " (replayed)" : " (" + rounded_text(row.values.wall_seconds, 3) + " s)";
    if (!tty_) {
      std::fprintf(stderr, "%s\n", line.c_str());
      return;
    }
    // On a terminal one line is rewritten; a new best or a new phase keeps its line.
    if (open_line_ && (improved || phase != last_phase_)) std::fputc('\n', stderr);
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
    open_line_ = true;
    if (improved) end_line();
    last_phase_ = phase;
  }

  const Calibration& cal_;
  const Evaluator& evaluator_;
  Trace& trace_;
  bool quiet_, tty_;
  bool open_line_ = false;
  std::string last_phase_;
  int replayed_ = 0, requests_ = 0;
  const TraceRow* best_row_ = nullptr;  // rows live in the trace's deque: the pointer stays valid
  double best_ = std::numeric_limits<double>::infinity();
};

struct StepContext {
  Search* search;
  const Calibration* cal;
  std::string phase;
  nlopt::opt* opt;
  std::exception_ptr error;
};

std::vector<double> x_of(const Calibration& cal, const double* u) {
  std::vector<double> x(cal.parameters.size());
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = from_unit(cal.parameters[j], u[j]);
  return x;
}

double step_objective(unsigned n, const double* u, double* /*grad*/, void* data) {
  auto* ctx = static_cast<StepContext*>(data);
  (void)n;
  try {
    return ctx->search->at(x_of(*ctx->cal, u), ctx->phase).values.objective;
  } catch (...) {
    // NLopt swallows exceptions: keep the first and stop the step; it is rethrown after.
    if (!ctx->error) ctx->error = std::current_exception();
    ctx->opt->force_stop();
    return std::numeric_limits<double>::max();
  }
}

// Runs one NLopt step from u0 (in the prior's probability scale); returns how it stopped.
std::string run_step(nlopt::opt& opt, StepContext& ctx, std::vector<double> u0) {
  ctx.opt = &opt;
  opt.set_lower_bounds(std::vector<double>(u0.size(), 0.0));
  opt.set_upper_bounds(std::vector<double>(u0.size(), 1.0));
  opt.set_min_objective(step_objective, &ctx);
  double f = 0.0;
  nlopt::result result = nlopt::FAILURE;
  try {
    result = opt.optimize(u0, f);
  } catch (const nlopt::forced_stop&) {
    result = nlopt::FORCED_STOP;
  } catch (const nlopt::roundoff_limited&) {
    result = nlopt::ROUNDOFF_LIMITED;
  } catch (const std::invalid_argument& e) {
    if (!ctx.error) throw InputError(std::string("optimiser: ") + e.what());
  } catch (const std::runtime_error& e) {
    if (!ctx.error) throw std::runtime_error(std::string("NLopt: ") + e.what());
  }
  if (ctx.error) std::rethrow_exception(ctx.error);
  return result_name(result);
}

void set_path(yaml::Node& root, const std::vector<std::string>& parts, yaml::Node value) {
  yaml::Node* node = &root;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (node->kind != yaml::Node::Kind::map) {
      node->kind = yaml::Node::Kind::map;
      node->map.clear();
    }
    yaml::Node* next = node->find(parts[i]);
    if (next == nullptr) {
      node->map.emplace_back(parts[i], yaml::Node{});
      next = &node->map.back().second;
    }
    node = next;
  }
  *node = std::move(value);
}

bool is_index(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// DIR/calibrated.yaml: extends the base scenario file and sets the calibration's fixed
// overrides and the estimates. A key inside a list writes the whole list (from the resolved
// scenario at the estimate), since `extends` replaces lists whole.
std::string calibrated_yaml(const Calibration& cal, const Evaluator& evaluator, const std::vector<double>& estimate,
                            const std::filesystem::path& dir, const CalibrationSummary& summary) {
  const LoadedScenario at = evaluator.scenario_at(estimate);
  const yaml::Node resolved = yaml::load_string(at.resolved_yaml, "scenario at the estimate");
  yaml::Node overlay;
  overlay.kind = yaml::Node::Kind::map;
  std::vector<std::string> assignments = cal.set;
  for (const auto& a : evaluator.assignments(estimate)) assignments.push_back(a);
  for (const auto& a : assignments) {
    const std::size_t eq = a.find('=');
    const std::vector<std::string> parts = split(a.substr(0, eq), '.');
    std::size_t list_at = parts.size();
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (is_index(parts[i])) {
        list_at = i;
        break;
      }
    if (list_at < parts.size()) {
      const std::vector<std::string> prefix(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(list_at));
      const yaml::Node* list = &resolved;
      for (const auto& p : prefix) list = list->find(p);
      set_path(overlay, prefix, *list);
    } else {
      yaml::Node value;
      value.kind = yaml::Node::Kind::scalar;
      value.scalar = a.substr(eq + 1);
      set_path(overlay, parts, value);
    }
  }
  // Says which parameters are estimated and by what, so `pzsim compare` can tell a calibrated
  // scenario from one of priors (and so can anyone reading it).
  {
    yaml::Node note;
    note.kind = yaml::Node::Kind::scalar;
    std::string keys;
    for (const auto& par : cal.parameters) keys += (keys.empty() ? "" : ", ") + par.key;
    note.scalar = "pzsim calibrate " + summary.calibration + " (method of simulated moments): " + keys;
    set_path(overlay, {"calibration"}, note);
  }
  // Relative to DIR, so the folder can move with the project; absolute when that would climb
  // to the file system's root (DIR and the scenario share nothing but it).
  const std::filesystem::path absolute_base = std::filesystem::weakly_canonical(std::filesystem::absolute(cal.scenario));
  const std::filesystem::path absolute_dir = std::filesystem::weakly_canonical(std::filesystem::absolute(dir));
  std::filesystem::path base = std::filesystem::relative(absolute_base, absolute_dir);
  const auto component = [](const std::filesystem::path& p) {
    auto it = p.begin();
    return it == p.end() || ++it == p.end() ? std::string() : it->string();  // the first name under the root
  };
  if (base.empty() || component(absolute_base) != component(absolute_dir)) base = absolute_base;
  std::string text = "# Made by pzsim calibrate " + cal.path.string() + " (pzsim " + std::string(kVersion) + ", " +
                     std::string(kGitCommit) + "), seeds";
  for (auto s : cal.seeds) text += " " + std::to_string(s);
  text += ".\n# Objective (weighted sum of squared in-sample deviations): base scenario " +
          rounded_text(summary.objective_base) + ", estimate " + rounded_text(summary.objective_after) +
          "; see summary.txt in this folder.\n";
  yaml::Node doc;
  doc.kind = yaml::Node::Kind::map;
  yaml::Node extends;
  extends.kind = yaml::Node::Kind::scalar;
  extends.scalar = base.generic_string();
  doc.map.emplace_back("extends", extends);
  for (auto& entry : overlay.map) doc.map.push_back(entry);
  return text + yaml::to_yaml(doc);
}

// The moments at the estimate over the covariance seeds ([moment][seed]): the evaluation's own
// values when they are its seeds, else one more evaluation, kept in DIR/covariance.csv (and
// reused from it on resume when it is of the same point).
std::vector<std::vector<double>> covariance_values(const Calibration& cal, const Evaluator& evaluator, const std::vector<double>& estimate,
                                                   const MomentValues& at_estimate, const std::filesystem::path& dir, bool quiet) {
  if (cal.covariance_seeds == cal.seeds) return at_estimate.per_seed;
  const std::filesystem::path path = dir / "covariance.csv";
  std::string point = Trace::key(estimate);
  for (char& c : point) c = c == ',' ? ';' : c;
  std::string header = "point,seed";
  for (const auto& m : cal.moments) header += "," + m.id;
  const std::size_t K = cal.moments.size(), C = cal.covariance_seeds.size();
  std::vector<std::vector<double>> values(K, std::vector<double>(C));
  {
    std::ifstream in(path);
    std::string line;
    std::size_t s = 0;
    if (std::getline(in, line) && line == header) {
      while (s < C && std::getline(in, line)) {
        std::stringstream fields(line);
        std::string field;
        std::getline(fields, field, ',');
        if (field != point) break;
        std::getline(fields, field, ',');
        if (field != std::to_string(cal.covariance_seeds[s])) break;
        std::size_t k = 0;
        for (; k < K && std::getline(fields, field, ','); ++k) values[k][s] = std::strtod(field.c_str(), nullptr);
        if (k != K) break;
        ++s;
      }
    }
    if (s == C) {
      if (!quiet) std::fprintf(stderr, "pzsim calibrate: covariance at the estimate over %zu seeds (replayed)\n", C);
      return values;
    }
  }
  const MomentValues v = evaluator.evaluate(estimate, cal.covariance_seeds);
  std::string text = header + "\n";
  for (std::size_t s = 0; s < C; ++s) {
    text += point + "," + std::to_string(cal.covariance_seeds[s]);
    for (std::size_t k = 0; k < K; ++k) text += "," + text::exact_text(v.per_seed[k][s]);
    text += "\n";
  }
  write_file_atomically(path, text);
  if (!quiet) std::fprintf(stderr, "pzsim calibrate: covariance at the estimate over %zu seeds (%.3g s)\n", C, v.wall_seconds);
  return v.per_seed;
}

}  // namespace

CalibrationSummary run_calibration(const CalibrateRequest& request, const std::atomic<bool>* cancel) {
  const Calibration cal = load_calibration(request.calibration, request.default_targets);
  const std::filesystem::path& dir = request.out_dir;
  const Evaluator evaluator(cal, dir / "runs.tmp", request.threads, cancel);

  // A folder resumes only the calibration that made it, with the same scenario, targets and pzsim.
  const std::string fingerprint = hash8(cal.text + "\n--\n" + evaluator.base().resolved_yaml + "\n--\n" + read_text(cal.targets) +
                                        "\n--\n" + kVersion + " " + kGitCommit);
  const std::filesystem::path state = dir / "calibration.state";
  bool resume = false;
  if (std::filesystem::exists(state)) {
    const std::string recorded = read_text(state);
    resume = recorded == "fingerprint " + fingerprint + "\n" && !request.force;
    if (!resume && !request.force)
      throw InputError(dir.string() + " holds another calibration (a different file, base scenario, targets or pzsim build): "
                                      "give another -o folder, or --force to start over");
  } else if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir) && !request.force) {
    throw InputError(dir.string() + " exists and is not a calibration folder: give another -o folder, or --force");
  }
  std::filesystem::create_directories(dir);
  for (const char* name : {"calibrated.yaml", "summary.txt", "summary.json"}) std::filesystem::remove(dir / name);
  write_file_atomically(state, "fingerprint " + fingerprint + "\n");
  Trace trace(cal, dir, resume);
  if (!request.quiet && resume)
    std::fprintf(stderr, "pzsim calibrate: resuming in %s: %zu evaluations in the trace are replayed\n", dir.c_str(), trace.size());

  Search search(cal, evaluator, trace, request.quiet);
  CalibrationSummary summary;
  summary.calibration = cal.path.string();
  summary.scenario = cal.scenario.string();
  summary.seeds = cal.seeds;
  const std::size_t p = cal.parameters.size();

  const MomentValues base = search.at(std::nullopt, "base").values;
  std::vector<double> x0(p), u0(p);
  for (std::size_t j = 0; j < p; ++j) {
    const Parameter& par = cal.parameters[j];
    const double b = evaluator.base_values()[j];
    x0[j] = par.start ? *par.start : std::isfinite(b) ? std::clamp(b, par.lower, par.upper) : from_unit(par, 0.5);
    u0[j] = to_unit(par, x0[j]);
  }
  // The search point the start stands for (u0 maps back to x0 up to rounding).
  const MomentValues start = search.at(x_of(cal, u0.data()), "start").values;

  const OptimiserSettings& o = cal.optimiser;
  StepContext ctx{&search, &cal, "", nullptr, nullptr};
  std::vector<double> best_u = u0;
  if (o.global == GlobalAlgorithm::crs2) {
    nlopt::srand(o.seed);
    nlopt::opt opt(nlopt::GN_CRS2_LM, static_cast<unsigned>(p));
    opt.set_maxeval(o.global_evaluations);
    if (o.population > 0) opt.set_population(static_cast<unsigned>(o.population));
    ctx.phase = "global";
    summary.global_stop = run_step(opt, ctx, u0);
    const TraceRow* best = search.best();
    for (std::size_t j = 0; j < p; ++j) best_u[j] = to_unit(cal.parameters[j], (*best->x)[j]);
  } else {
    summary.global_stop = "not run";
  }
  if (o.local != LocalAlgorithm::none) {
    nlopt::srand(o.seed);
    nlopt::opt opt(o.local == LocalAlgorithm::bobyqa ? nlopt::LN_BOBYQA : nlopt::LN_NELDERMEAD, static_cast<unsigned>(p));
    opt.set_maxeval(o.local_evaluations);
    opt.set_xtol_abs(o.xtol);
    opt.set_ftol_rel(o.ftol);
    std::vector<double> steps(p);
    for (std::size_t j = 0; j < p; ++j) steps[j] = std::min(o.initial_step, std::max(best_u[j], 1.0 - best_u[j]) * 0.5);
    opt.set_initial_step(steps);
    ctx.phase = "local";
    summary.local_stop = run_step(opt, ctx, best_u);
  } else {
    summary.local_stop = "not run";
  }
  const TraceRow best = *search.best();
  const std::vector<double> estimate = *best.x;
  summary.estimate_evaluation = best.evaluation;

  // Central differences of each moment's deviation at the estimate (one-sided at a bound).
  const std::size_t K = cal.moments.size();
  Eigen::MatrixXd jacobian = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(p));
  for (std::size_t j = 0; j < p; ++j) {
    const Parameter& par = cal.parameters[j];
    const double h = o.jacobian_step * (par.upper - par.lower);
    std::vector<double> up = estimate, down = estimate;
    up[j] = std::min(par.upper, estimate[j] + h);
    down[j] = std::max(par.lower, estimate[j] - h);
    const MomentValues hi = up[j] == estimate[j] ? best.values : search.at(up, "jacobian").values;
    const MomentValues lo = down[j] == estimate[j] ? best.values : search.at(down, "jacobian").values;
    for (std::size_t k = 0; k < K; ++k)
      jacobian(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j)) =
          (cal.moments[k].deviation(hi.mean[k]) - cal.moments[k].deviation(lo.mean[k])) / (up[j] - down[j]);
  }
  search.end_line();
  std::vector<bool> active(K);
  for (std::size_t k = 0; k < K; ++k) {
    const Moment& m = cal.moments[k];
    active[k] = m.target.has_value() || m.deviation(best.values.mean[k]) != 0.0;
  }
  const std::vector<std::vector<double>> spread = covariance_values(cal, evaluator, estimate, best.values, dir, request.quiet);
  summary.inference = infer(cal, jacobian, spread, active);

  summary.objective_base = base.objective;
  summary.objective_start = start.objective;
  summary.objective_after = best.values.objective;
  summary.evaluations = static_cast<int>(trace.size());
  summary.replayed = search.replayed();
  for (std::size_t j = 0; j < p; ++j) {
    const Parameter& par = cal.parameters[j];
    summary.parameters.push_back({par.key, par.lower, par.upper, evaluator.base_values()[j], x0[j], estimate[j],
                                  summary.inference.parameters[j]});
  }
  for (std::size_t k = 0; k < K; ++k) {
    const Moment& m = cal.moments[k];
    MomentFit f;
    f.id = m.id;
    f.target = m.target_text();
    f.in_sample = m.in_sample;
    f.weight = m.weight;
    f.before = base.mean[k];
    f.after = best.values.mean[k];
    double var = 0.0;
    const auto& v = spread[k];
    for (double x : v) var += (x - f.after) * (x - f.after);
    f.sd_after = v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : kNaN;
    f.deviation_before = m.deviation(f.before);
    f.deviation_after = m.deviation(f.after);
    f.contribution_after = m.in_sample ? m.weight * f.deviation_after * f.deviation_after : 0.0;
    summary.moments.push_back(f);
  }

  // calibrated.yaml must give back exactly the scenario of the estimate.
  const std::string yaml_text = calibrated_yaml(cal, evaluator, estimate, dir, summary);
  write_file_atomically(dir / "calibrated.yaml", yaml_text);
  const LoadedScenario reloaded = load_scenario(dir / "calibrated.yaml");
  Scenario expected = evaluator.scenario_at(estimate).scenario;
  expected.calibration = reloaded.scenario.calibration;  // the one field calibrated.yaml adds
  if (reloaded.scenario.calibration.empty() || canonical_text(reloaded.scenario) != canonical_text(expected))
    throw std::runtime_error("calibrated.yaml does not reproduce the scenario at the estimate (a bug in writing it)");
  write_file_atomically(dir / "summary.txt", format_summary_text(summary));
  write_file_atomically(dir / "summary.json", format_summary_json(summary));
  std::error_code ec;
  std::filesystem::remove_all(dir / "runs.tmp", ec);
  return summary;
}

}  // namespace pzsim::calibrate
