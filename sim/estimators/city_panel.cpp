// Aggregating a result file's monthly city series to the panel `pzsim did` uses.
#include "sim/estimators/city_panel.hpp"

#include <algorithm>

#include "sim/core/error.hpp"
#include "sim/estimators/panel.hpp"

namespace pzsim::did {
namespace {

// Monthly (time, city) values of a variable, summing any further dimensions; for exports_usd
// only the CBEC channel.
Eigen::MatrixXd monthly_by_city(const RunFile& file, const std::string& variable, std::size_t months, std::size_t cities) {
  const RunArray a = file.read(variable);
  if (a.dims.size() < 2 || a.dims[0] != "time" || a.dims[1] != "city" || a.shape[0] != months || a.shape[1] != cities)
    throw InputError("variable '" + variable + "' of " + file.path().string() + " is not (time, city, ...) as expected");
  std::size_t inner = 1;
  for (std::size_t d = 2; d < a.shape.size(); ++d) inner *= a.shape[d];
  // For exports_usd (time, city, sector, channel): keep channel "cbec".
  std::size_t channel_count = 1, channel_keep = 0;
  if (variable == "exports_usd") {
    const std::vector<std::string> channels = file.coordinate("channel");
    const auto it = std::find(channels.begin(), channels.end(), "cbec");
    if (a.dims.back() != "channel" || it == channels.end())
      throw InputError(file.path().string() + ": exports_usd has no 'cbec' channel");
    channel_count = channels.size();
    channel_keep = static_cast<std::size_t>(it - channels.begin());
  }
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(months), static_cast<Eigen::Index>(cities));
  for (std::size_t t = 0; t < months; ++t)
    for (std::size_t c = 0; c < cities; ++c)
      for (std::size_t k = 0; k < inner; ++k)
        if (k % channel_count == channel_keep)
          out(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(c)) += a.values[(t * cities + c) * inner + k];
  return out;
}

}  // namespace

CityRun read_city_run(const RunFile& file, PeriodUnit unit) {
  CityRun run;
  run.cities = file.coordinate("city");
  const std::vector<std::string> months = file.coordinate("time");
  const std::size_t n_months = months.size(), n_cities = run.cities.size();
  if (n_months == 0 || n_cities == 0) throw InputError(file.path().string() + " has no months or no cities");

  // Period of each month.
  std::vector<int> period_of(n_months);
  for (std::size_t t = 0; t < n_months; ++t) {
    const std::string label = unit == PeriodUnit::year ? months[t].substr(0, 4) : months[t];
    if (run.periods.empty() || run.periods.back() != label) run.periods.push_back(label);
    period_of[t] = static_cast<int>(run.periods.size()) - 1;
  }
  const auto n_periods = static_cast<Eigen::Index>(run.periods.size());
  std::vector<int> months_in(run.periods.size(), 0);
  for (int p : period_of) ++months_in[static_cast<std::size_t>(p)];

  const Eigen::MatrixXd zone = monthly_by_city(file, "zone_active", n_months, n_cities);
  for (std::size_t c = 0; c < n_cities; ++c) {
    int first = -1;
    for (std::size_t t = 0; t < n_months; ++t) {
      const bool active = zone(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(c)) > 0.5;
      if (active && first < 0) first = static_cast<int>(t);
      if (!active && first >= 0)
        throw InputError(file.path().string() + ": zone_active of " + run.cities[c] + " falls back to 0 in " + months[t] +
                         "; the estimators need an absorbing treatment");
    }
    run.cohort.push_back(first < 0 ? kNeverTreated : period_of[static_cast<std::size_t>(first)]);
  }

  const double to_national = 1.0 / file.sample_fraction();
  const char* variables[] = {"exports_usd", "firm_births", "employment"};
  const bool is_stock[] = {false, false, true};
  for (std::size_t o = 0; o < kOutcomes.size(); ++o) {
    const Eigen::MatrixXd monthly = monthly_by_city(file, variables[o], n_months, n_cities);
    Eigen::MatrixXd panel = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_cities), n_periods);
    for (std::size_t t = 0; t < n_months; ++t) {
      const int p = period_of[t];
      const double share = is_stock[o] ? 1.0 / months_in[static_cast<std::size_t>(p)] : 1.0;
      panel.col(p) += share * to_national * monthly.row(static_cast<Eigen::Index>(t)).transpose();
    }
    run.outcome[o] = std::move(panel);
  }
  return run;
}

}  // namespace pzsim::did
