// Market entry and exit per destination x channel (bounded rationality).
// Each month a firm reconsiders each market with probability `entry_consideration_rate`.
//   enter:  P = logistic((E * H - S) / (noise * max(S, 1))),  only if cash + unused credit >= S + WC
//   exit:   P = logistic((-E * H) / (noise * max(S, 1))),      only when E < 0 after 6 months
// E: expected monthly profit, H: horizon months, S: sunk cost (administration and the
// onboarding campaign cut CBEC's), WC: working capital the first month's production needs.
#include <algorithm>
#include <optional>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

namespace {
constexpr int kMinMonthsBeforeExit = 6;
constexpr double kNewSellerReputation = 0.2;
}  // namespace

void enter_and_exit_markets(const World& w, State& s, MonthOutputs& out) {
  const FirmsConfig& cfg = w.scenario->firms;
  FirmStore& f = s.firms;
  const std::size_t n = f.size();
  const int step = s.step;
  // Sunk costs paid per firm; entries, exits and entries blocked by finance counted by block
  // (integers: the same totals in any order), [kind * cities * channels + city * channels + channel].
  std::vector<double> sunk_paid(n, 0.0);
  const std::size_t cells = static_cast<std::size_t>(w.cities) * kChannels;
  enum Count : std::size_t { kEntered = 0, kExited = 1, kBlocked = 2 };

  // form_expectations has drawn this month's reconsiderations; a firm's row is reused only if
  // it was drawn this month for the firm now in the slot, else the firm draws them itself.
  const bool drawn_this_month = s.reconsidered_step == step &&
                                s.reconsidered.size() == n * static_cast<std::size_t>(w.markets) &&
                                s.reconsidered_id.size() == n;
  const std::vector<std::int64_t> counts = deterministic_reduce(
      n, std::vector<std::int64_t>(3 * cells, 0),
      [&](std::size_t b, std::size_t e) {
        std::vector<std::int64_t> block(3 * cells, 0);
        for (std::size_t i = b; i < e; ++i) {
          const auto count = [&](Count kind, int m) {
            ++block[kind * cells + f.city[i] * kChannels + static_cast<std::size_t>(m % kChannels)];
          };
          RandomStream rng(w.seed, Stream::kMarketEntry, static_cast<std::uint32_t>(step), f.id[i]);
          const double line = econ::credit_line_cny(w, s, i);
          const bool drawn = drawn_this_month && s.reconsidered_id[i] == f.id[i];
          std::optional<MarketReconsideration> reconsiders;
          if (!drawn) reconsiders.emplace(w, f.id[i], step);
          const econ::FixedCosts fixed_costs(w, s, i, step);
          for (int m = 0; m < w.markets; ++m) {
            const std::size_t k = econ::market_index(w, i, m);
            if (!(drawn ? s.reconsidered[k] != 0 : (*reconsiders)(m))) continue;
            rng.at(static_cast<std::uint32_t>(m));
            const double expected = f.expected_profit_cny[k];
            const double sunk = econ::sunk_cost_cny(w, s, i, m, step);
            const double scale = cfg.decision_noise * std::max(sunk, 1.0);
            if (!f.active[k]) {
              const double value = expected * cfg.horizon_months - sunk;
              // Finance: sunk cost plus the working capital of the first month's production.
              const double fixed = fixed_costs.of(m, 1);
              const double markup = w.markup[f.sector[i]];
              const double production_cost = std::max(0.0, expected + fixed) / (1.0 - 1.0 / markup) / markup;
              const double working_capital =
                  production_cost * econ::cash_cycle_months(w, s, i, m % kChannels, false);
              const double liquid = f.cash_cny[i] - sunk_paid[i] + std::max(0.0, line - f.credit_cny[i]);
              if (liquid < sunk + working_capital) {
                count(kBlocked, m);
                continue;
              }
              if (!rng.bernoulli(econ::logistic(value / scale))) continue;
              f.active[k] = 1;
              f.months_active[k] = 0;
              if (m % kChannels == kCbec) {
                f.products[k] = 1;
                f.reputation[k] = kNewSellerReputation;
                f.warehouse[k] = 0;
              }
              sunk_paid[i] += sunk;
              count(kEntered, m);
            } else if (expected < 0.0 && f.months_active[k] >= kMinMonthsBeforeExit) {
              if (!rng.bernoulli(econ::logistic(-expected * cfg.horizon_months / scale))) continue;
              f.active[k] = 0;
              f.products[k] = 0;
              f.reputation[k] = 0.0;
              f.warehouse[k] = 0;
              f.months_active[k] = 0;
              count(kExited, m);
            }
          }
          if (sunk_paid[i] > 0.0) f.cash_cny[i] -= sunk_paid[i];
        }
        return block;
      },
      add_elementwise<std::int64_t>);

  // Sunk costs are paid to domestic service providers, booked in slot order.
  for (std::size_t i = 0; i < n; ++i)
    if (sunk_paid[i] > 0.0) out.record_flow(kFirms, kHouseholds, sunk_paid[i]);
  for (std::size_t cell = 0; cell < cells; ++cell) {
    out.market_entries[cell] += counts[kEntered * cells + cell];
    out.market_exits[cell] += counts[kExited * cells + cell];
    out.entries_blocked[cell] += counts[kBlocked * cells + cell];
  }
}

}  // namespace pzsim
