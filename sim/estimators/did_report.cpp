// `pzsim did`: estimators on the simulated city panel beside the true ATT, over seeds.
#include "sim/estimators/did_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sim/compare/intervals.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/estimators/estimators.hpp"

namespace pzsim::did {
namespace {

constexpr const char* kEstimatorOrder[] = {"twfe", "event_study", "callaway_santanna", "callaway_santanna_not_yet",
                                           "sun_abraham", "true_att"};

struct Key {
  std::string outcome, estimator;
  std::optional<int> event_time;
  auto rank() const {
    const auto e = std::find_if(std::begin(kEstimatorOrder), std::end(kEstimatorOrder),
                                [&](const char* s) { return estimator == s; }) -
                   std::begin(kEstimatorOrder);
    const auto o = std::find_if(kOutcomes.begin(), kOutcomes.end(), [&](const char* s) { return outcome == s; }) - kOutcomes.begin();
    return std::make_tuple(o, event_time.has_value(), event_time.value_or(0), e);
  }
  bool operator<(const Key& other) const { return rank() < other.rank(); }
};

struct SeedValue {
  double estimate;
  std::optional<double> se;
};

// Cities with generated or drawn attributes: the `synthetic` coordinate, or in files written
// before it existed, province "synthetic".
int count_synthetic(const RunFile& file) {
  if (file.has_variable("synthetic")) {
    const std::vector<double> flags = file.numeric_coordinate("synthetic");
    return static_cast<int>(std::count(flags.begin(), flags.end(), 1.0));
  }
  const std::vector<std::string> provinces = file.coordinate("province");
  return static_cast<int>(std::count(provinces.begin(), provinces.end(), "synthetic"));
}

bool all_positive(const std::vector<CityRun>& runs, std::size_t outcome) {
  return std::all_of(runs.begin(), runs.end(), [&](const CityRun& r) { return (r.outcome[outcome].array() > 0).all(); });
}

}  // namespace

DidReport run_did(const RunPairs& runs, const DidOptions& options) {
  DidReport report;
  report.scenario = runs.scenario;
  report.unit = options.unit;
  report.window = options.window.value_or(options.unit == PeriodUnit::year ? EventWindow{-5, 5} : EventWindow{-24, 36});
  if (report.window.lowest > -2 || report.window.highest < 0)
    throw InputError("the event window must reach at least event time -2 and 0 (got " + std::to_string(report.window.lowest) +
                     " " + std::to_string(report.window.highest) + ")");

  std::vector<CityRun> policy, counterfactual;
  for (const RunPair& pair : runs.pairs) {
    const RunFile p(pair.policy), c(pair.counterfactual);
    policy.push_back(read_city_run(p, options.unit));
    counterfactual.push_back(read_city_run(c, options.unit));
    report.seeds.push_back(pair.seed);
    const CityRun &pr = policy.back(), &cr = counterfactual.back();
    if (pr.cities != cr.cities || pr.periods != cr.periods)
      throw InputError(pair.policy.string() + " and " + pair.counterfactual.string() + " differ in cities or periods");
    if (pr.cities != policy.front().cities || pr.periods != policy.front().periods || pr.cohort != policy.front().cohort)
      throw InputError(pair.policy.string() + " differs from " + runs.pairs.front().policy.string() +
                       " in cities, periods or zone approvals: the seeds must be runs of one scenario");
    if (policy.size() == 1) report.synthetic_cities = count_synthetic(p);
  }
  const CityRun& first = policy.front();
  report.periods = first.periods;
  report.n_cities = static_cast<int>(first.cities.size());
  const int n_periods = static_cast<int>(first.periods.size());
  std::set<int> cohorts;
  for (int g : first.cohort) {
    if (g == kNeverTreated)
      ++report.never_treated;
    else
      ++report.zone_cities, cohorts.insert(g);
  }
  report.cohorts = static_cast<int>(cohorts.size());
  if (report.zone_cities == 0) throw InputError("no city of " + runs.pairs.front().policy.string() + " is ever a zone");
  const EventWindow& window = report.window;
  // Sun-Abraham: every relative time its own dummy on yearly panels; binned at the window monthly.
  const EventWindow sa_regression = options.unit == PeriodUnit::year ? EventWindow{-(n_periods - 1), n_periods - 1} : window;

  std::map<Key, std::vector<SeedValue>> values;
  std::set<std::string> notes;
  for (std::size_t o = 0; o < kOutcomes.size(); ++o) {
    const std::string outcome = kOutcomes[o];
    const bool log_scale = all_positive(policy, o) && all_positive(counterfactual, o);
    auto transform = [&](const Eigen::MatrixXd& m) -> Eigen::MatrixXd {
      if (log_scale) return m.array().log().matrix();
      return m.unaryExpr([](double v) { return std::asinh(v); });
    };
    double control_effect_sum = 0;
    DidReport::TwfeWeightSummary weights_summary;
    const TwfeWeights weights = twfe_weights(Panel{transform(policy.front().outcome[o]), first.cohort});
    weights_summary.treated_cells = weights.treated_cells;
    weights_summary.negative_cells = weights.negative_cells;
    weights_summary.negative_sum = weights.negative_sum;
    for (std::size_t s = 0; s < policy.size(); ++s) {
      Panel panel{transform(policy[s].outcome[o]), first.cohort};
      const Eigen::MatrixXd effect = panel.outcome - transform(counterfactual[s].outcome[o]);
      auto add = [&](const std::string& estimator, std::optional<int> e, double estimate, std::optional<double> se) {
        values[{outcome, estimator, e}].push_back({estimate, se});
      };
      // Each estimator on its own: one that cannot run leaves a note, not a failed command.
      auto attempt = [&](const std::string& estimator, auto&& body) {
        try {
          body();
        } catch (const std::exception& e) {
          notes.insert(estimator + " not estimated for " + outcome + ": " + e.what());
        }
      };
      attempt("twfe", [&] {
        const Estimate est = twfe(panel);
        add("twfe", std::nullopt, est.estimate, est.se);
      });
      attempt("event_study", [&] {
        for (const auto& c : event_study(panel, window).coefficients) add("event_study", c.event_time, c.estimate, c.se);
      });
      if (report.never_treated > 0)
        attempt("callaway_santanna", [&] {
          const auto cs = callaway_santanna(panel, ControlGroup::never_treated, window);
          add("callaway_santanna", std::nullopt, cs.overall.estimate, cs.overall.se);
          for (const auto& c : cs.event_time) add("callaway_santanna", c.event_time, c.estimate, c.se);
        });
      else
        notes.insert("callaway_santanna (never-treated controls) not estimated: every city becomes a zone");
      attempt("callaway_santanna_not_yet", [&] {
        const auto cs = callaway_santanna(panel, ControlGroup::not_yet_treated, window);
        add("callaway_santanna_not_yet", std::nullopt, cs.overall.estimate, cs.overall.se);
        for (const auto& c : cs.event_time) add("callaway_santanna_not_yet", c.event_time, c.estimate, c.se);
      });
      attempt("sun_abraham", [&] {
        const auto sa = sun_abraham(panel, sa_regression, window);
        add("sun_abraham", std::nullopt, sa.overall.estimate, sa.overall.se);
        for (const auto& c : sa.event_time) add("sun_abraham", c.event_time, c.estimate, c.se);
      });
      // The truth: mean effect over treated city-periods, and by (binned) event time over the
      // zone cities' periods.
      double sum = 0;
      int cells = 0;
      std::map<int, std::pair<double, int>> by_event;
      for (int i = 0; i < panel.units(); ++i) {
        const int g = panel.cohort[static_cast<std::size_t>(i)];
        if (g == kNeverTreated) continue;
        for (int t = 0; t < panel.periods(); ++t) {
          if (t >= g) sum += effect(i, t), ++cells;
          auto& [event_sum, event_cells] = by_event[window.bin(t - g)];
          event_sum += effect(i, t), ++event_cells;
        }
      }
      add("true_att", std::nullopt, sum / cells, std::nullopt);
      double control_sum = 0;
      int control_cells = 0;
      for (int i = 0; i < panel.units(); ++i)
        if (panel.cohort[static_cast<std::size_t>(i)] == kNeverTreated)
          for (int t = *cohorts.begin(); t < panel.periods(); ++t) control_sum += effect(i, t), ++control_cells;
      control_effect_sum += control_cells > 0 ? control_sum / control_cells : std::nan("");
      weights_summary.weighted_true_effect += (weights.weight.array() * effect.array()).sum() / static_cast<double>(policy.size());
      for (const auto& [e, sc] : by_event) add("true_att", e, sc.first / sc.second, std::nullopt);
    }
    report.true_effect_never_treated.push_back(control_effect_sum / static_cast<double>(policy.size()));
    report.twfe_weights.push_back(weights_summary);
    // Scale recorded once per outcome, on every row.
    for (auto& [key, v] : values)
      if (key.outcome == outcome) {
        DidRow row;
        row.outcome = outcome;
        row.estimator = key.estimator;
        row.event_time = key.event_time;
        row.scale = log_scale ? "log points" : "asinh points";
        row.n_cities = report.n_cities;
        row.n_periods = n_periods;
        const double n = static_cast<double>(v.size());
        double mean = 0, square_se = 0;
        for (const SeedValue& sv : v) {
          mean += sv.estimate / n;
          row.per_seed.push_back(sv.estimate);
          if (sv.se) square_se += *sv.se * *sv.se / n;
        }
        row.estimate = mean;
        if (key.estimator != "true_att") {
          row.se = std::sqrt(square_se);
          row.lo = mean - 1.96 * *row.se;
          row.hi = mean + 1.96 * *row.se;
        } else if (v.size() >= 2) {
          double var = 0;
          for (const SeedValue& sv : v) var += (sv.estimate - mean) * (sv.estimate - mean) / (n - 1);
          row.se = std::sqrt(var / n);
          // The t interval over seeds, as compare computes it (exact Student t quantile).
          std::vector<double> estimates;
          for (const SeedValue& sv : v) estimates.push_back(sv.estimate);
          const Interval over_seeds = mean_interval(estimates, IntervalMethod::paired_t);
          row.lo = over_seeds.lo;
          row.hi = over_seeds.hi;
        }
        report.rows.push_back(std::move(row));
      }
  }
  report.notes.assign(notes.begin(), notes.end());
  return report;
}

namespace {

// Enough digits to recompute every row from the files.
std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}
std::string fixed(double v, int decimals) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
using text::json_string;
std::string json_number(std::optional<double> v) { return v && std::isfinite(*v) ? number(*v) : "null"; }
std::string unit_time(const DidReport& r) { return r.unit == PeriodUnit::year ? "years" : "months"; }
std::string seeds_text(const std::vector<std::uint64_t>& seeds) {
  std::string s;
  for (auto v : seeds) s += (s.empty() ? "" : ",") + std::to_string(v);
  return s;
}

std::string as_json(const DidReport& r) {
  std::ostringstream out;
  out << "{\"scenario\": " << json_string(r.scenario) << ", \"seeds\": [";
  for (std::size_t k = 0; k < r.seeds.size(); ++k) out << (k ? ", " : "") << r.seeds[k];
  out << "], \"unit_time\": " << json_string(unit_time(r)) << ", \"periods\": [";
  for (std::size_t k = 0; k < r.periods.size(); ++k) out << (k ? ", " : "") << json_string(r.periods[k]);
  out << "], \"event_window\": [" << r.window.lowest << ", " << r.window.highest << "]"
      << ", \"cities\": {\"total\": " << r.n_cities << ", \"zone\": " << r.zone_cities << ", \"never_treated\": " << r.never_treated
      << ", \"synthetic\": " << r.synthetic_cities << "}, \"true_effect_never_treated\": {";
  for (std::size_t o = 0; o < r.true_effect_never_treated.size(); ++o)
    out << (o ? ", " : "") << json_string(kOutcomes[o]) << ": " << json_number(r.true_effect_never_treated[o]);
  out << "}, \"twfe_weights\": {";
  for (std::size_t o = 0; o < r.twfe_weights.size(); ++o) {
    const auto& w = r.twfe_weights[o];
    out << (o ? ", " : "") << json_string(kOutcomes[o]) << ": {\"treated_cells\": " << w.treated_cells
        << ", \"negative_cells\": " << w.negative_cells << ", \"negative_sum\": " << json_number(w.negative_sum)
        << ", \"weighted_true_effect\": " << json_number(w.weighted_true_effect) << "}";
  }
  out << "}, \"notes\": [";
  for (std::size_t k = 0; k < r.notes.size(); ++k) out << (k ? ", " : "") << json_string(r.notes[k]);
  out << "],\n \"rows\": [";
  for (std::size_t k = 0; k < r.rows.size(); ++k) {
    const DidRow& row = r.rows[k];
    out << (k ? ",\n  " : "\n  ") << "{\"outcome\": " << json_string(row.outcome) << ", \"estimator\": " << json_string(row.estimator)
        << ", \"event_time\": " << (row.event_time ? std::to_string(*row.event_time) : "null")
        << ", \"unit_time\": " << json_string(unit_time(r)) << ", \"estimate\": " << json_number(row.estimate)
        << ", \"se\": " << json_number(row.se) << ", \"lo\": " << json_number(row.lo) << ", \"hi\": " << json_number(row.hi)
        << ", \"scale\": " << json_string(row.scale) << ", \"n_cities\": " << row.n_cities << ", \"n_periods\": " << row.n_periods
        << ", \"per_seed\": [";
    for (std::size_t s = 0; s < row.per_seed.size(); ++s) out << (s ? ", " : "") << number(row.per_seed[s]);
    out << "]}";
  }
  out << "\n]}\n";
  return out.str();
}

std::string as_csv(const DidReport& r) {
  std::ostringstream out;
  out << "scenario,seeds,outcome,estimator,event_time,unit_time,estimate,se,lo,hi,scale,n_cities,n_periods\n";
  auto opt = [](std::optional<double> v) { return v && std::isfinite(*v) ? number(*v) : std::string(); };
  for (const DidRow& row : r.rows)
    out << r.scenario << ",\"" << seeds_text(r.seeds) << "\"," << row.outcome << ',' << row.estimator << ','
        << (row.event_time ? std::to_string(*row.event_time) : "") << ',' << unit_time(r) << ',' << number(row.estimate) << ','
        << opt(row.se) << ',' << opt(row.lo) << ',' << opt(row.hi) << ',' << row.scale << ',' << row.n_cities << ','
        << row.n_periods << '\n';
  return out.str();
}

std::string as_table(const DidReport& r) {
  std::ostringstream out;
  char buf[256];
  const std::string unit = unit_time(r);
  out << "pzsim did: " << r.scenario << ", seeds " << seeds_text(r.seeds) << " (each policy run against its counterfactual)\n";
  std::snprintf(buf, sizeof buf, "panel: %d cities (%d zones in %d %s cohorts, %d never treated; %d synthetic), %s %s to %s\n",
                r.n_cities, r.zone_cities, r.cohorts, r.unit == PeriodUnit::year ? "yearly" : "monthly", r.never_treated,
                r.synthetic_cities, unit.c_str(), r.periods.front().c_str(), r.periods.back().c_str());
  out << buf;
  if (r.unit == PeriodUnit::year)
    out << "  annual panel: exports and births summed over the year's months, employment averaged; a city is treated\n"
           "  from the calendar year its zone is approved\n";
  out << "estimates: mean over seeds; se: city-clustered, root mean square over seeds; interval: estimate +- 1.96 se\n"
         "true ATT: policy minus counterfactual on the same scale, mean over zone city-periods from approval (interval: t over seeds)\n";
  auto find = [&](const std::string& outcome, const std::string& estimator, std::optional<int> e) -> const DidRow* {
    for (const DidRow& row : r.rows)
      if (row.outcome == outcome && row.estimator == estimator && row.event_time == e) return &row;
    return nullptr;
  };
  for (const char* outcome : kOutcomes) {
    const DidRow* truth = find(outcome, "true_att", std::nullopt);
    if (!truth) continue;
    out << "\n" << outcome << " (" << truth->scale << ")\n";
    std::snprintf(buf, sizeof buf, "  %-27s %9s %8s   %-20s %14s\n", "estimator", "estimate", "se", "95% interval", "minus true ATT");
    out << buf;
    for (const char* estimator : {"twfe", "callaway_santanna", "callaway_santanna_not_yet", "sun_abraham", "true_att"}) {
      const DidRow* row = find(outcome, estimator, std::nullopt);
      if (!row) continue;
      const std::string interval = row->lo ? "[" + fixed(*row->lo, 3) + ", " + fixed(*row->hi, 3) + "]" : "";
      const std::string bias = row == truth ? "" : (row->estimate >= truth->estimate ? "+" : "") + fixed(row->estimate - truth->estimate, 4);
      std::snprintf(buf, sizeof buf, "  %-27s %9.4f %8s   %-20s %14s\n", estimator, row->estimate,
                    row->se ? fixed(*row->se, 4).c_str() : "", interval.c_str(), bias.c_str());
      out << buf;
    }
    const std::size_t o = static_cast<std::size_t>(std::find(kOutcomes.begin(), kOutcomes.end(), std::string_view(outcome)) - kOutcomes.begin());
    if (o < r.true_effect_never_treated.size() && std::isfinite(r.true_effect_never_treated[o]))
      out << "  true effect on the never-treated cities (their periods from the first approval): "
          << fixed(r.true_effect_never_treated[o], 4) << "\n";
    if (o < r.twfe_weights.size()) {
      const auto& w = r.twfe_weights[o];
      std::snprintf(buf, sizeof buf,
                    "  TWFE's weights: %d of %d treated city-periods negative (sum %.3f); the true effects so weighted: %.4f\n",
                    w.negative_cells, w.treated_cells, w.negative_sum, w.weighted_true_effect);
      out << buf;
    }
    std::snprintf(buf, sizeof buf, "  by %s since approval (endpoints pool <= %d and >= %d; the event study's reference is -1):\n",
                  unit.c_str(), r.window.lowest, r.window.highest);
    out << buf;
    std::snprintf(buf, sizeof buf, "  %6s %18s %18s %18s %18s %18s\n", "e", "event_study", "callaway_santanna", "cs_not_yet",
                  "sun_abraham", "true_att");
    out << buf;
    for (int e = r.window.lowest; e <= r.window.highest; ++e) {
      auto cell = [&](const char* estimator) -> std::string {
        const DidRow* row = find(outcome, estimator, e);
        if (!row) return "";
        char c[64];
        if (row->se)
          std::snprintf(c, sizeof c, "%.3f (%.3f)", row->estimate, *row->se);
        else
          std::snprintf(c, sizeof c, "%.3f", row->estimate);
        return c;
      };
      const std::string cells[] = {cell("event_study"), cell("callaway_santanna"), cell("callaway_santanna_not_yet"),
                                   cell("sun_abraham"), cell("true_att")};
      if (std::all_of(std::begin(cells), std::end(cells) - 1, [](const std::string& c) { return c.empty(); })) continue;
      std::snprintf(buf, sizeof buf, "  %6d %18s %18s %18s %18s %18s\n", e, cells[0].c_str(), cells[1].c_str(), cells[2].c_str(),
                    cells[3].c_str(), cells[4].c_str());
      out << buf;
    }
  }
  if (!r.notes.empty()) {
    out << "\nnotes:\n";
    for (const std::string& n : r.notes) out << "  " << n << "\n";
  }
  return out.str();
}

}  // namespace

std::string format_did(const DidReport& report, std::string_view format) {
  if (format == "json") return as_json(report);
  if (format == "csv") return as_csv(report);
  if (format == "table") return as_table(report);
  throw InputError("unknown format '" + std::string(format) + "' (table, csv or json)");
}

}  // namespace pzsim::did
