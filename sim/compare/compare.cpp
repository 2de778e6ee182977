#include "sim/compare/compare.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "sim/compare/counterfactual.hpp"
#include "sim/compare/estimands.hpp"
#include "sim/core/error.hpp"
#include "sim/io/result_file.hpp"
#include "sim/model/world.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/load.hpp"
#include "sim/scenario/seed.hpp"

namespace pzsim {

namespace {

// Synthetic cities: generated, or with any attribute drawn rather than given (the same flag
// the result files carry as the `synthetic` coordinate on `city`).
CityCounts count_cities(const Scenario& sc) {
  CityCounts c;
  for (const auto& city : sc.cities.list) {
    ++c.total;
    (city.synthetic ? c.synthetic : c.real) += 1;
  }
  return c;
}

// One distinct simulation of the plan (for every seed).
struct PlannedRun {
  std::string label, role, scenario;  // scenario: owner ("" for a shared counterfactual)
  std::shared_ptr<const Scenario> scenario_spec;
  std::string path;                   // scenario file it derives from
};

struct ScenarioPlan {
  ScenarioInfo info;
  std::shared_ptr<const Scenario> policy;
  std::size_t policy_run = 0, counterfactual_run = 0;
  std::vector<std::pair<Month, std::size_t>> leave_out_runs;  // batch month, run
};

}  // namespace

std::vector<std::uint64_t> parse_seed_list(const std::string& text) {
  std::vector<std::uint64_t> seeds;
  std::set<std::uint64_t> seen;
  std::size_t pos = 0;
  const auto bad = [&](const std::string& why) { return InputError("--seeds " + text + ": " + why); };
  const auto number = [&](const std::string& s) -> std::uint64_t {
    std::string problem;
    if (const auto seed = parse_seed(s, problem)) return *seed;
    throw bad("'" + s + "' is not a seed: " + problem);
  };
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string part = text.substr(pos, comma - pos);
    const std::size_t dash = part.find('-');
    std::uint64_t first = 0, last = 0;
    if (dash == std::string::npos) {
      first = last = number(part);
    } else {
      first = number(part.substr(0, dash));
      last = number(part.substr(dash + 1));
      if (last < first) throw bad("range " + part + " runs backwards");
      if (last - first >= 100000) throw bad("range " + part + " is too long");
    }
    // Counted, not `s <= last`, which never ends when last is 2^64 - 1.
    for (std::uint64_t k = 0; k <= last - first; ++k) {
      const std::uint64_t s = first + k;
      if (!seen.insert(s).second) throw bad("seed " + std::to_string(s) + " is listed twice");
      seeds.push_back(s);
    }
    pos = comma + 1;
  }
  return seeds;
}

Comparison run_comparison(const CompareRequest& request, const std::atomic<bool>* cancel, const CompareProgress& progress) {
  if (request.scenario_paths.empty()) throw InputError("compare needs at least one scenario");
  if (request.seeds.empty()) throw InputError("compare needs at least one seed");

  // --- plan: distinct runs, shared counterfactuals once -------------------------------
  std::vector<PlannedRun> runs;
  std::map<std::string, std::size_t> counterfactual_by_text;
  std::vector<ScenarioPlan> plans;
  std::set<std::string> names;
  for (const auto& path : request.scenario_paths) {
    LoadedScenario loaded = load_scenario(path, request.overrides, cancel);
    ScenarioPlan plan;
    plan.info.name = std::filesystem::path(path).stem().string();
    if (!names.insert(plan.info.name).second)
      throw InputError("two scenarios are named " + plan.info.name + " (file stem); rename one so their runs can be told apart");
    if (plan.info.name.rfind("counterfactual-", 0) == 0)
      throw InputError(path + ": a scenario's file stem must not start with 'counterfactual-' (reserved for counterfactual runs)");
    plan.info.path = loaded.path;
    plan.info.description = loaded.scenario.description;
    plan.info.calibration = loaded.scenario.calibration;
    plan.info.cities = count_cities(loaded.scenario);
    plan.info.sample_fraction = loaded.scenario.scale.sample_fraction;
    plan.info.start = loaded.scenario.run.start;
    plan.info.end = loaded.scenario.run.start + (loaded.scenario.run.months - 1);
    plan.policy = std::make_shared<const Scenario>(std::move(loaded.scenario));
    for (const auto& g : estimand_groups(*plan.policy))
      if (g.estimand == "direct") plan.info.zone_cities = g.size();

    plan.policy_run = runs.size();
    runs.push_back({plan.info.name, "policy", plan.info.name, plan.policy, loaded.path});

    Scenario cf = counterfactual_of(*plan.policy);
    const std::string text = canonical_text(cf);
    auto [it, inserted] = counterfactual_by_text.emplace(text, runs.size());
    if (inserted) runs.push_back({"counterfactual-" + hash8(text), "counterfactual", "", std::make_shared<const Scenario>(std::move(cf)), loaded.path});
    plan.counterfactual_run = it->second;
    plan.info.counterfactual = runs[it->second].label;

    if (request.by_cohort)
      for (const auto& [month, cities] : zone_batches(*plan.policy)) {
        plan.leave_out_runs.emplace_back(month, runs.size());
        runs.push_back({plan.info.name + "-without-" + month.str(), "leave_out", plan.info.name,
                        std::make_shared<const Scenario>(without_batch(*plan.policy, month)), loaded.path});
      }
    plans.push_back(std::move(plan));
  }
  // Two hashes that collide would put two different counterfactuals in one file name.
  std::set<std::string> labels;
  for (const auto& r : runs)
    if (!labels.insert(r.label).second) throw InputError("two runs would both be named " + r.label + "; rename a scenario file");

  // --- requests, one per (run, seed); files checked before anything runs -------------
  Comparison result;
  result.created_utc = utc_now_iso8601();
  result.seeds = request.seeds;
  result.method = request.method;
  std::vector<RunRequest> requests;
  std::vector<RunRecord> records;
  if (request.out_dir) {
    std::error_code ec;
    std::filesystem::create_directories(*request.out_dir / "runs", ec);
    if (ec) throw IoError("cannot create " + (*request.out_dir / "runs").string() + ": " + ec.message());
    for (const char* name : {"comparison.json", "comparison.csv"}) check_output_target(*request.out_dir / name, request.force);
  }
  for (std::uint64_t seed : request.seeds)
    for (const auto& run : runs) {
      auto spec = std::make_shared<Scenario>(*run.scenario_spec);
      spec->run.seed = seed;
      RunRequest r;
      r.scenario_yaml = emit_yaml(*spec);
      r.scenario = std::move(spec);
      r.scenario_path = run.path;
      r.overrides = request.overrides;
      r.seed = seed;
      r.role = run.role;
      r.label = run.label + " seed " + std::to_string(seed);
      r.force = request.force;
      r.max_memory_bytes = request.max_memory_bytes;
      r.defer_publish = true;  // every run's file is published together once all are done
      RunRecord rec{run.scenario, run.label, run.role, seed, ""};
      if (request.out_dir) {
        rec.file = "runs/" + run.label + "-s" + std::to_string(seed) + ".h5";
        r.output = *request.out_dir / rec.file;
        check_output_target(*r.output, request.force, {run.path});
      }
      requests.push_back(std::move(r));
      records.push_back(std::move(rec));
    }

  // --- execute ------------------------------------------------------------------------
  std::size_t done = 0;
  const std::vector<RunResult> results = execute_runs(requests, request.threads, cancel, [&](std::size_t i, const RunResult& r) {
    ++done;
    if (progress) progress(done, requests.size(), records[i], r.wall_seconds);
  });
  result.runs = records;
  // All runs are complete: publish their files together (none if any name is taken meanwhile).
  for (const auto& r : results)
    if (r.unpublished && !request.force && std::filesystem::exists(r.unpublished->final_path()))
      throw InputError(r.unpublished->final_path().string() + " appeared while the comparison was running; nothing was written");
  for (const auto& r : results)
    if (r.unpublished) r.unpublished->publish();

  // --- rows ---------------------------------------------------------------------------
  const std::size_t per_seed = runs.size();
  const auto series_of = [&](std::size_t run) {
    std::vector<const CitySeries*> v;
    for (std::size_t s = 0; s < request.seeds.size(); ++s) v.push_back(&results[s * per_seed + run].series);
    return v;
  };
  for (const auto& plan : plans) {
    result.scenarios.push_back(plan.info);
    const auto policy = series_of(plan.policy_run), counterfactual = series_of(plan.counterfactual_run);
    std::vector<ComparisonRow> direct, spillover;
    for (const auto& group : estimand_groups(*plan.policy)) {
      auto rows = effect_rows(plan.info.name, group.estimand, *plan.policy, policy, counterfactual, group.member, request.method);
      if (group.estimand == "national") {
        auto ratios = ratio_rows(rows, request.method);
        rows.insert(rows.end(), ratios.begin(), ratios.end());
      }
      if (group.estimand == "direct") direct = rows;
      if (group.estimand == "spillover") spillover = rows;
      result.rows.insert(result.rows.end(), rows.begin(), rows.end());
    }
    if (!direct.empty() && !spillover.empty()) {
      auto shares = displacement_rows(direct, spillover, request.method);
      result.rows.insert(result.rows.end(), shares.begin(), shares.end());
    }
    for (const auto& group : estimand_groups(*plan.policy))
      if (group.estimand == "direct") {
        auto parts = decomposition_rows(plan.info.name, *plan.policy, policy, counterfactual, group.member, request.method);
        result.rows.insert(result.rows.end(), parts.begin(), parts.end());
      }
    // Leave-one-batch-out: the full rollout against the rollout without the batch, all cities.
    const std::vector<std::uint8_t> all(plan.policy->cities.list.size(), 1);
    for (const auto& [month, run] : plan.leave_out_runs) {
      const std::string estimand = "cohort:" + month.str();
      auto rows = effect_rows(plan.info.name, estimand, *plan.policy, policy, series_of(run), all, request.method);
      std::vector<std::uint8_t> batch(all.size(), 0);
      for (const auto& [m, cities] : zone_batches(*plan.policy))
        if (m == month)
          for (int c : cities) batch[static_cast<std::size_t>(c)] = 1;
      const Clock clock{plan.policy->run.start, plan.policy->run.months};
      auto events = event_time_rows(plan.info.name, estimand, *plan.policy, policy, series_of(run), batch, clock.step_of(month),
                                    request.method);
      rows.insert(rows.end(), events.begin(), events.end());
      result.rows.insert(result.rows.end(), rows.begin(), rows.end());
    }
  }
  return result;
}

}  // namespace pzsim
