// Expectations: what each firm thinks a market will earn per month.
//   active:    E <- 0.6 E + 0.4 (last month's variable profit - fixed cost)
//   inactive:  E = v * potential_i * exp(noise * z - noise^2 / 2) - fixed cost
// (computed for an inactive market only in a month the firm reconsiders it) where v is peers' variable profit per unit of potential in the same city and sector
// (information spillover), or 0.7 times the national figure when no local peer serves the
// market. Noise shrinks with the information instrument (cleaner demand signals).
#include <cmath>
#include <memory>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

namespace {
constexpr double kNationalSignalDiscount = 0.7;  // distant peers are a weaker signal
constexpr double kAdaptiveWeight = 0.4;          // weight of the newest observation
constexpr int kMinPeerMonths = 3;                // peers newer than this are not yet informative
}  // namespace

void form_expectations(const World& w, State& s) {
  const FirmStore& f = s.firms;
  const std::size_t n = f.size();
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const std::size_t n_mkt = static_cast<std::size_t>(w.markets);
  const std::size_t n_city = static_cast<std::size_t>(w.cities);
  const int step = s.step;

  // Last month's prices and potentials (what the firm and its peers just earned at).
  const std::vector<double>& potential = f.potential;
  // Only active markets' cells are written and read, so the buffer is not zeroed.
  const std::unique_ptr<double[]> last_variable_profit(new double[n * n_mkt]);
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      for (int m = 0; m < w.markets; ++m) {
        const std::size_t k = econ::market_index(w, i, m);
        if (f.active[k])
          last_variable_profit[k] = econ::variable_profit_cny(w, s, i, m, step, f.revenue_usd_last[k]);
      }
    }
  });

  // Peer sums per (city, sector, market) and per (sector, market), each in firm order (a fixed
  // summation order). A market's cells only see that market, so two halves of the markets are
  // summed in parallel, each in one pass over the firms; the result does not depend on the split.
  std::vector<double> local_profit(n_city * n_sec * n_mkt, 0.0), local_potential(n_city * n_sec * n_mkt, 0.0);
  std::vector<double> national_profit(n_sec * n_mkt, 0.0), national_potential(n_sec * n_mkt, 0.0);
  parallel_for(
      n_mkt,
      [&](std::size_t first, std::size_t last) {
        // The half's sums are kept apart until done: the shared arrays interleave markets, and
        // threads adding into neighbouring doubles would fight over cache lines.
        const std::size_t width = last - first;
        std::vector<double> profit(n_city * n_sec * width, 0.0), peer_potential(n_city * n_sec * width, 0.0);
        std::vector<double> sector_profit(n_sec * width, 0.0), sector_potential(n_sec * width, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t cell = f.city[i] * n_sec + f.sector[i];
          for (std::size_t m = first; m < last; ++m) {
            const std::size_t k = i * n_mkt + m;
            if (!f.active[k] || f.months_active[k] < kMinPeerMonths) continue;
            profit[cell * width + m - first] += last_variable_profit[k];
            peer_potential[cell * width + m - first] += potential[i];
            sector_profit[f.sector[i] * width + m - first] += last_variable_profit[k];
            sector_potential[f.sector[i] * width + m - first] += potential[i];
          }
        }
        for (std::size_t cell = 0; cell < n_city * n_sec; ++cell) {
          for (std::size_t m = first; m < last; ++m) {
            local_profit[cell * n_mkt + m] = profit[cell * width + m - first];
            local_potential[cell * n_mkt + m] = peer_potential[cell * width + m - first];
          }
        }
        for (std::size_t sec = 0; sec < n_sec; ++sec) {
          for (std::size_t m = first; m < last; ++m) {
            national_profit[sec * n_mkt + m] = sector_profit[sec * width + m - first];
            national_potential[sec * n_mkt + m] = sector_potential[sec * width + m - first];
          }
        }
      },
      (n_mkt + 1) / 2);

  // Which markets each firm looks at this month, kept for enter_and_exit_markets (the same
  // draws, so one Philox block per four markets is worked out once a month, not twice).
  s.reconsidered.resize(n * n_mkt);
  s.reconsidered_id.resize(n);
  const double base_noise = w.scenario->firms.signal_noise;
  const double noise_cut = w.scenario->zones.effects.signal_noise_cut;
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      RandomStream rng(w.seed, Stream::kExpectations, static_cast<std::uint32_t>(step), f.id[i]);
      MarketReconsideration reconsiders(w, f.id[i], step);
      s.reconsidered_id[i] = f.id[i];
      const double noise = base_noise * (1.0 - noise_cut * econ::level(s, f.city[i], Instrument::information));
      const econ::FixedCosts fixed_costs(w, s, i, step);
      for (int m = 0; m < w.markets; ++m) {
        const std::size_t k = econ::market_index(w, i, m);
        const bool looks = reconsiders(m);
        s.reconsidered[k] = looks ? 1 : 0;
        // An inactive market's prospects are only worked out when the firm looks at it.
        if (!f.active[k] && !looks) continue;
        const double fixed = fixed_costs.of(m, std::max(1, f.products[k]));
        if (f.active[k]) {
          const double realised = last_variable_profit[k] - fixed;
          s.firms.expected_profit_cny[k] = f.months_active[k] <= 1
                                               ? realised
                                               : (1.0 - kAdaptiveWeight) * f.expected_profit_cny[k] + kAdaptiveWeight * realised;
          continue;
        }
        const std::size_t cell = (f.city[i] * n_sec + f.sector[i]) * n_mkt + static_cast<std::size_t>(m);
        const std::size_t national = f.sector[i] * n_mkt + static_cast<std::size_t>(m);
        double per_potential = 0.0;
        if (local_potential[cell] > 0.0)
          per_potential = local_profit[cell] / local_potential[cell];
        else if (national_potential[national] > 0.0)
          per_potential = kNationalSignalDiscount * national_profit[national] / national_potential[national];
        const double z = rng.at(static_cast<std::uint32_t>(m)).normal();
        s.firms.expected_profit_cny[k] =
            per_potential * potential[i] * std::exp(noise * z - 0.5 * noise * noise) - fixed;
      }
    }
  });
  s.reconsidered_step = step;
}

}  // namespace pzsim
