// Foreign competitors in general trade: their price index per destination x category follows
// their own cost trend and answers China's prices and entry. The trend is the one under which
// China's share of the destination's offline imports stays on the path general_imports_usd and
// import_growth imply (econ::china_share_path, s*); each month competitors close the part
// competitor_response (kappa) of the gap between China's current share s and that path,
// in log odds:
//   ln Phi <- ln Phi + kappa * (logit s - logit s*),   s = A / (Phi + A),  A = sum of Chinese appeals
// So Chinese entry or price cuts raise China's share at once and competitors take back the
// excess at rate kappa a month (0: fixed indices; 1: China always on the path).
#include <cmath>

#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void respond_foreign_competitors(const World& w, State& s) {
  const double kappa = w.scenario->consumers.competitor_response;
  if (kappa == 0.0) return;
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const std::vector<double> chinese = econ::general_appeal_totals(w, s.firms);
  for (int d = 0; d < w.destinations; ++d) {
    const std::size_t dest = static_cast<std::size_t>(d);
    const double target = econ::china_share_path(w, dest, s.step);
    const double target_log_odds = std::log(target / (1.0 - target));
    for (std::size_t sec = 0; sec < n_sec; ++sec) {
      double& index = s.general_competitor_index[dest * n_sec + sec];
      const double appeal = chinese[dest * n_sec + sec];
      if (!(appeal > 0.0) || !(index > 0.0)) continue;
      const double log_odds = std::log(appeal / index);  // logit of s = A / (Phi + A)
      index *= std::exp(kappa * (log_odds - target_log_odds));
    }
  }
}

}  // namespace pzsim
