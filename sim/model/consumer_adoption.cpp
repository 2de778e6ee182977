// Awareness of Chinese sellers among overseas buyers (Bass diffusion).
//   P(unaware -> aware) = (innovation + imitation * aware share last month) * (1 + onboarding)
// The aware share is weighted by the people each agent stands for. Nothing diffuses during the
// burn-in (steps < 0), so awareness_start is the share in the first reported month.
#include <algorithm>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

void adopt_awareness(const World& w, State& s, MonthOutputs& out) {
  const ConsumersConfig& cfg = w.scenario->consumers;
  const double campaign = 1.0 + w.at(s.step).onboarding;
  ConsumerStore& c = s.consumers;
  for (int d = 0; d < w.destinations; ++d) {
    const std::size_t dest = static_cast<std::size_t>(d);
    const double p = s.step < 0 ? 0.0 : std::min(1.0, (cfg.innovation + cfg.imitation * s.aware_share[dest]) * campaign);
    const std::size_t begin = c.begin[dest], end = c.begin[dest + 1];
    // One pass: new awareness, then the block's aware and total weight, joined in a fixed tree
    // (the same bytes at any thread count).
    struct Weights {
      double aware = 0.0, total = 0.0;
    };
    const Weights sums = deterministic_reduce(
        end - begin, Weights{},
        [&](std::size_t b, std::size_t e) {
          // One 32-bit uniform per unaware buyer, four buyers to a Philox block (2^-32 resolution
          // is far finer than the monthly adoption chances, 1e-3 and up).
          GroupedUniform32 learn_draw(w.seed, Stream::kAdoption, static_cast<std::uint32_t>(s.step));
          Weights block;
          // Every buyer's draw is taken and awareness never goes back, so "adopted or learns now"
          // needs no branch on the flag (which buyers are aware is too random to predict);
          // the draw is a pure function of the buyer's id, so taking it changes nothing else.
          for (std::size_t a = begin + b; a < begin + e; ++a) {
            if (p > 0.0) c.adopted[a] |= static_cast<std::uint8_t>(learn_draw(c.id[a]) < p);
            block.aware += c.adopted[a] * c.weight[a];
            block.total += c.weight[a];
          }
          return block;
        },
        [](Weights x, const Weights& y) { return Weights{x.aware + y.aware, x.total + y.total}; });
    const double aware = sums.aware, total = sums.total;
    s.aware_share[dest] = total > 0.0 ? aware / total : 0.0;
    out.consumers_adopted[dest] = aware;
  }
}

}  // namespace pzsim
