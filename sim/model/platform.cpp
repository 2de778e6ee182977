// The platform's seller-side rules.
// Suspension: an active CBEC store is suspended with monthly probability
//   suspension_rate * wave multiplier * (1 - suspension_cut * enforcement level)
// and loses its listings and reputation (joint law enforcement means fewer fraud and IP
// disputes, hence fewer suspensions).
// Reputation of a store with sales this month moves toward quality / (1 + quality):
//   r <- r + speed * (1 + reputation_boost * enforcement) * (target - r)
#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void suspend_accounts(const World& w, State& s, MonthOutputs& out) {
  const double base = w.scenario->platform.suspension_rate * w.at(s.step).suspension_multiplier;
  const double cut = w.scenario->zones.effects.suspension_cut;
  FirmStore& f = s.firms;
  std::vector<std::uint8_t> suspended(f.size() * static_cast<std::size_t>(w.markets), 0);
  parallel_for(f.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      RandomStream rng(w.seed, Stream::kSuspension, static_cast<std::uint32_t>(s.step), f.id[i]);
      const double hazard = base * (1.0 - cut * econ::level(s, f.city[i], Instrument::enforcement));
      for (int d = 0; d < w.destinations; ++d) {
        const std::size_t k = econ::market_index(w, i, d * kChannels + kCbec);
        const double u = rng.at(static_cast<std::uint32_t>(d)).uniform();
        if (!f.active[k] || u >= hazard) continue;
        f.active[k] = 0;
        f.products[k] = 0;
        f.reputation[k] = 0.0;
        f.warehouse[k] = 0;
        f.months_active[k] = 0;
        suspended[k] = 1;
      }
    }
  });
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int d = 0; d < w.destinations; ++d)
      if (suspended[econ::market_index(w, i, d * kChannels + kCbec)]) ++out.market_exits[f.city[i] * kChannels + kCbec];
}

void update_reputation(const World& w, State& s) {
  const double speed = w.scenario->platform.reputation_speed;
  const double boost = w.scenario->zones.effects.reputation_boost;
  FirmStore& f = s.firms;
  parallel_for(f.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const double target = f.quality[i] / (1.0 + f.quality[i]);
      const double rate = speed * (1.0 + boost * econ::level(s, f.city[i], Instrument::enforcement));
      for (int d = 0; d < w.destinations; ++d) {
        const std::size_t k = econ::market_index(w, i, d * kChannels + kCbec);
        if (f.active[k] && f.revenue_usd[k] > 0.0) f.reputation[k] += std::min(1.0, rate) * (target - f.reputation[k]);
      }
    }
  });
}

}  // namespace pzsim
