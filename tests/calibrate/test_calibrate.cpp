// sim/calibrate: the calibration file is checked like a scenario, the prior's probability
// scale round-trips, and the calibrator recovers known parameters from targets the model
// itself generated (the recovery test), within their standard errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sim/calibrate/calibrate.hpp"
#include "sim/calibrate/evaluate.hpp"
#include "sim/compare/counterfactual.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/load.hpp"
#include "tests/support/test_support.hpp"

using namespace pzsim;
using namespace pzsim::calibrate;
using namespace pzsim::testing;

namespace {

const std::filesystem::path kTargets = PZSIM_SOURCE_DIR "/analysis/evidence.yaml";

// The recovery problem: the default scenario trimmed to 2012-2016 with few agents; three
// parameters, each with a moment that moves with it.
struct Truth {
  double birth_rate = 0.008, imitation = 0.008, death_rate = 0.004;
};

std::string recovery_yaml(const std::string& seeds, const std::vector<double>& targets, const std::string& optimiser) {
  const auto t = [&](std::size_t i) { return text::exact_text(targets.at(i)); };
  // Standard errors of the targets: 5% of each (the weights only set the moments' relative say).
  const auto se = [&](std::size_t i) { return text::exact_text(0.05 * std::abs(targets.at(i)) + 1e-9); };
  std::ostringstream y;
  y << "description: recovery test\n"
    << "scenario: " << PZSIM_SOURCE_DIR << "/scenarios/default.yaml\n"
    << "set: {run.months: 60, run.burn_in_months: 12, firms.count: 1000, consumers.agents_per_destination: 2000,"
    << " import_side.agents_per_city: 20}\n"
    << "seeds: " << seeds << "\n"
    << "covariance_seeds: 1-10\n"
    << "parameters:\n"
    << "  - {key: firms.birth_rate, bounds: [0.004, 0.016], start: 0.012}\n"
    << "  - {key: consumers.imitation, bounds: [0.002, 0.03], prior: {distribution: normal, mean: 0.01, sd: 0.008}, start: 0.014}\n"
    << "  - {key: firms.death_rate, bounds: [0.002, 0.008], start: 0.0055}\n"
    << "moments:\n"
    << "  - {id: births, series: {variable: firm_births, months: [2013, 2016]}, target: " << t(0) << ", se: " << se(0) << "}\n"
    << "  - {id: aware_2014, series: {variable: consumers_adopted, months: 2014-12, reduce: end}, target: " << t(1) << ", se: " << se(1) << "}\n"
    << "  - {id: aware_2016, series: {variable: consumers_adopted, months: 2016-12, reduce: end}, target: " << t(2) << ", se: " << se(2) << "}\n"
    << "  - {id: deaths, series: {variable: firm_deaths, months: [2013, 2016]}, target: " << t(3) << ", se: " << se(3) << "}\n"
    << "  - {id: firms_end, series: {variable: firms_alive, months: 2016-12, reduce: end}, target: " << t(4)
    << ", se: " << se(4) << ", in_sample: false}\n"
    << "  - {id: cbec, series: {variable: exports_usd, select: {channel: cbec}, months: [2013, 2016]}, target: " << t(5)
    << ", se: " << se(5) << ", in_sample: false}\n"
    << "optimiser: " << optimiser << "\n";
  return y.str();
}

Calibration parse_text(const ScratchDir& dir, const std::string& text) {
  const auto path = dir.write("calibration.yaml", text);
  return load_calibration(path, kTargets);
}

}  // namespace

TEST_CASE("calibration file: errors at file:line:col with did-you-mean", "[calibrate]") {
  ScratchDir dir;
  const std::string ok = recovery_yaml("1-2", {1, 1, 1, 1, 1, 1}, "{local: {evaluations: 3}}");
  const Calibration cal = parse_text(dir, ok);
  CHECK(cal.parameters.size() == 3);
  CHECK(cal.moments.size() == 6);
  CHECK_FALSE(cal.moments[4].in_sample);
  CHECK_FALSE(cal.moments[5].in_sample);
  CHECK(cal.moments[0].weight == Approx(1.0 / (0.05 * 0.05)));

  auto message = input_error_of([&] { parse_text(dir, ok + "optimizer: {}\n"); });
  CHECK_THAT(message, Catch::Contains("calibration.yaml:") && Catch::Contains("unknown key") && Catch::Contains("did you mean 'optimiser'"));
  std::string bad = ok;
  bad.replace(bad.find("bounds: [0.004, 0.016]"), 22, "bounds: [0.016, 0.004]");
  CHECK_THAT(input_error_of([&] { parse_text(dir, bad); }), Catch::Contains("parameters.0.bounds") && Catch::Contains("calibration.yaml:7:37"));
  bad = ok;
  bad.replace(bad.find("id: births, series:"), 19, "id: births, serie:");
  CHECK_THAT(input_error_of([&] { parse_text(dir, bad); }), Catch::Contains("moments.0.serie") && Catch::Contains("did you mean 'series'"));
  bad = ok + "  - {evidence: national_cbec_trade_2019}\n";
  bad.insert(bad.find("optimiser:"), "  - {evidence: national_cbec_trade_2019}\n");
  bad = bad.substr(0, bad.rfind("  - {evidence"));
  CHECK_THAT(input_error_of([&] { parse_text(dir, bad); }), Catch::Contains("did you mean 'national_cbec_trade_2018'"));
  // An evidence row takes its target and, as standard error, its tolerance.
  std::string with_row = ok;
  with_row.insert(with_row.find("optimiser:"), "  - {evidence: national_cbec_trade_2018, in_sample: false}\n");
  const Calibration row_cal = parse_text(dir, with_row);
  CHECK(*row_cal.moments.back().target == Approx(1.06));
  CHECK(*row_cal.moments.back().se == Approx(0.25 * 1.06));
  // Fewer in-sample moments than parameters cannot identify them.
  bad = ok;
  for (const char* id : {"aware_2014", "aware_2016", "deaths"}) {
    const auto at = bad.find("id: " + std::string(id) + ",");
    const auto end = bad.find('}', bad.find("se:", at));
    bad.insert(end, ", in_sample: false");
  }
  CHECK_THAT(input_error_of([&] { parse_text(dir, bad); }), Catch::Contains("not identified"));
  // A parameter the scenario does not have is refused when the base scenario is loaded.
  bad = ok;
  bad.replace(bad.find("consumers.imitation"), 19, "consumers.imitatio");
  const Calibration typo = parse_text(dir, bad);
  CHECK_THAT(input_error_of([&] { Evaluator(typo, dir.path() / "w", 1, nullptr); }),
             Catch::Contains("calibration.yaml:8:5") && Catch::Contains("parameters.1.key") && Catch::Contains("unknown key") &&
                 Catch::Contains("'imitation'"));
}

TEST_CASE("calibration: the prior's probability scale round-trips within the bounds", "[calibrate]") {
  Parameter normal;
  normal.lower = 0.002, normal.upper = 0.03;
  normal.prior = {PriorKind::normal, 0.01, 0.008};
  Parameter uniform = normal;
  uniform.prior = {};
  for (const Parameter& p : {normal, uniform}) {
    CHECK(from_unit(p, 0.0) == Approx(p.lower));
    CHECK(from_unit(p, 1.0) == Approx(p.upper));
    for (double x : {0.002, 0.005, 0.01, 0.02, 0.0299}) CHECK(from_unit(p, to_unit(p, x)) == Approx(x).epsilon(1e-9));
  }
  CHECK(from_unit(uniform, 0.5) == Approx(0.016));
  CHECK(from_unit(normal, 0.5) < 0.016);  // the prior's mass lies toward its mean, 0.01
}

TEST_CASE("calibration: recovers known parameters from targets the model generated", "[calibrate]") {
  ScratchDir dir;
  const Truth truth;
  const std::vector<double> truth_x = {truth.birth_rate, truth.imitation, truth.death_rate};
  // The "data": one realisation of the model at the true values (seed 101, which the
  // calibration's seeds do not include), as the world is one realisation.
  const Calibration generator = parse_text(dir, recovery_yaml("[101]", {1, 1, 1, 1, 1, 1}, "{local: {evaluations: 3}}"));
  const Evaluator evaluator(generator, dir.path() / "generate", 2, nullptr);
  const MomentValues data = evaluator.evaluate(truth_x);
  std::vector<double> targets = data.mean;
  // targets[0] *= 1.3;  // a wrong target: the recovery test must then fail

  const std::string optimiser =
      "{seed: 3, global: {algorithm: crs2, evaluations: 12, population: 8},"
      " local: {algorithm: bobyqa, evaluations: 14, initial_step: 0.1, xtol: 0.002}, jacobian_step: 0.05}";
  const auto path = dir.write("recovery.yaml", recovery_yaml("1-3", targets, optimiser));
  CalibrateRequest request;
  request.calibration = path;
  request.out_dir = dir.path() / "out";
  request.default_targets = kTargets;
  request.threads = 2;
  request.quiet = true;
  const CalibrationSummary summary = run_calibration(request, nullptr);
  UNSCOPED_INFO(format_summary_text(summary));
  if (const char* keep = std::getenv("PZSIM_CALIBRATE_TEST_SUMMARY")) std::ofstream(keep) << format_summary_text(summary);
  REQUIRE(summary.parameters.size() == 3);
  CHECK(summary.objective_after < summary.objective_start);
  for (std::size_t j = 0; j < 3; ++j) {
    const auto& p = summary.parameters[j];
    INFO(p.key << ": estimate " << p.estimate << ", truth " << truth_x[j] << ", se " << p.identification.se << ", start " << p.start);
    REQUIRE(std::isfinite(p.identification.se));
    CHECK(p.identification.se > 0);
    // Within two standard errors of the truth (a 95% band), and the se is informative.
    CHECK(std::abs(p.estimate - truth_x[j]) <= 2.0 * p.identification.se);
    CHECK(p.identification.se_over_range < 0.25);
  }
  // Every evaluation is in the trace, and calibrated.yaml is the scenario at the estimate.
  std::ifstream trace(request.out_dir / "trace.csv");
  std::string line;
  int rows = -1;
  while (std::getline(trace, line)) ++rows;
  CHECK(rows == summary.evaluations);
  const LoadedScenario calibrated = load_scenario(request.out_dir / "calibrated.yaml");
  CHECK(calibrated.scenario.firms.birth_rate == summary.parameters[0].estimate);
  CHECK(calibrated.scenario.run.months == 60);
  CHECK(calibrated.scenario.firms.death_rate == summary.parameters[2].estimate);
  // It says which calibration set which parameters (pzsim compare reads it).
  for (const auto& p : summary.parameters) CHECK_THAT(calibrated.scenario.calibration, Catch::Matchers::Contains(p.key));

  // Run again in the same folder: every evaluation is replayed, nothing rerun, same result.
  const CalibrationSummary again = run_calibration(request, nullptr);
  CHECK(again.replayed >= summary.evaluations);
  CHECK(again.evaluations == summary.evaluations);
  for (std::size_t j = 0; j < 3; ++j) CHECK(again.parameters[j].estimate == summary.parameters[j].estimate);
  CHECK(format_summary_json(again).substr(200) != "");
}

TEST_CASE("calibration: the historical calibration file is valid against its scenario and targets", "[calibrate]") {
  ScratchDir dir;
  const Calibration cal = load_calibration(PZSIM_SOURCE_DIR "/analysis/calibration/historical.yaml", kTargets);
  CHECK(cal.parameters.size() == 3);
  // The out-of-sample rows stay out of the objective.
  for (const char* id : {"national_cbec_trade_2020", "national_cbec_trade_2021", "national_cbec_trade_2022", "national_cbec_trade_2023",
                         "zones_share_of_cbec_2022", "cbec_exports_us_share_2022", "cbec_share_of_goods_exports_2022"}) {
    const auto m = std::find_if(cal.moments.begin(), cal.moments.end(), [&](const Moment& x) { return x.id == id; });
    REQUIRE(m != cal.moments.end());
    CHECK_FALSE(m->in_sample);
  }
  // In-sample moments lie in 2014-2019 (evidence rows' periods).
  for (const auto& m : cal.moments)
    if (m.in_sample && m.source == MomentSource::evidence) {
      INFO(m.id << " " << m.row.period);
      const int year = std::stoi(m.row.period.substr(0, 4));
      CHECK((year >= 2014 && year <= 2019));
    }
  const Evaluator evaluator(cal, dir.path() / "w", 1, nullptr);  // every key takes its bounds
  CHECK(evaluator.keys(0).size() == 5);                            // the five destinations
  CHECK(evaluator.base_values()[0] == evaluator.base().scenario.destinations.front().outside_utility);
  CHECK(evaluator.base_values()[0] >= cal.parameters[0].lower);
  CHECK(evaluator.base_values()[0] <= cal.parameters[0].upper);
}

TEST_CASE("calibration: scenarios/calibrated.yaml is the historical scenario at an estimate inside the bounds", "[calibrate]") {
  // The scenario library builds on scenarios/calibrated.yaml (scripts/make-calibrated): it must
  // differ from historical.yaml in the calibrated parameters alone (and the note saying so),
  // each inside its bounds and moved from the hand-set value it replaces.
  ScratchDir dir;
  const Calibration cal = load_calibration(PZSIM_SOURCE_DIR "/analysis/calibration/historical.yaml", kTargets);
  Calibration shipped_cal = cal;
  shipped_cal.scenario = PZSIM_SOURCE_DIR "/scenarios/calibrated.yaml";
  const Evaluator from_historical(cal, dir.path() / "h", 1, nullptr);
  const Evaluator from_shipped(shipped_cal, dir.path() / "c", 1, nullptr);
  const std::vector<double> x = from_shipped.base_values();  // calibrated.yaml's value of each parameter
  REQUIRE(x.size() == cal.parameters.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    INFO(cal.parameters[j].key << " = " << x[j]);
    REQUIRE(std::isfinite(x[j]));  // one value across a '*' list
    CHECK(x[j] >= cal.parameters[j].lower);
    CHECK(x[j] <= cal.parameters[j].upper);
    CHECK(x[j] != from_historical.base_values()[j]);
  }
  const Scenario& shipped = from_shipped.base().scenario;
  for (const auto& p : cal.parameters) CHECK_THAT(shipped.calibration, Catch::Matchers::Contains(p.key));
  CHECK(from_historical.base().scenario.calibration.empty());
  Scenario expected = from_historical.scenario_at(x).scenario;
  expected.calibration = shipped.calibration;
  CHECK(canonical_text(expected) == canonical_text(shipped));
}
