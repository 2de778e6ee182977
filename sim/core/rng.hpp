#pragma once
// Counter-based random numbers: every draw is a pure function of
// (seed, stream, step, agent id, draw index) through Random123's Philox4x32-10.
// There is no generator state to share, so results do not depend on thread count,
// scheduling or where an agent sits in an array, and a policy run and its counterfactual
// use the same number for the same (agent, month, purpose) even after they diverge.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace pzsim {

// Purposes of randomness. Each has its own stream so adding draws to one rule never
// shifts the numbers another rule sees. Append only: renumbering changes every result.
enum class Stream : std::uint32_t {
  kTest = 0,
  kCityGeneration = 1,
  kFirmInit = 2,
  kConsumerInit = 3,
  kExpectations = 4,
  kMarketEntry = 5,
  kAdoption = 6,
  kShopping = 7,
  kSuspension = 8,
  kFirmExit = 9,
  kRelocation = 10,
  kBirths = 11,
  kImportShopping = 12,
  kImportAdoption = 13,
  kBootstrap = 14,  // resampling seeds for comparison intervals (sim/compare), never the model
  kSweepDesign = 15,  // Latin hypercube strata of sweep designs (sim/sweep), never the model
};

// 128-bit product for unbiased-enough range reduction (GCC/Clang extension).
__extension__ typedef unsigned __int128 uint128;

inline constexpr double kTwoPi = 6.283185307179586476925286766559;

// One (seed, stream, step, agent) coordinate; successive calls consume successive draw
// indices. Cheap to construct: build one where it is needed, never store or share it.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, Stream stream, std::uint32_t step, std::uint64_t agent_id)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        stream_(static_cast<std::uint32_t>(stream)),
        step_(step),
        agent_(agent_id) {}

  // 128 random bits for draw index `draw`; callers normally use the typed helpers.
  r123::Philox4x32::ctr_type block(std::uint32_t draw) const {
    // Agent ids may exceed 2^32 at full scale, so the high id bits are folded into the
    // stream word (streams stay below 2^16): ids must stay below 2^48.
    const std::uint32_t hi = static_cast<std::uint32_t>(agent_ >> 32);
    r123::Philox4x32::ctr_type ctr{{stream_ | (hi << 16), step_,
                                    static_cast<std::uint32_t>(agent_), draw}};
    return r123::Philox4x32{}(ctr, key_);
  }

  // Uniform on the open interval (0, 1) with 52 random bits.
  double uniform() {
    const auto r = block(draw_++);
    return to_open01(r[0], r[1]);
  }
  // Uniform integer in [0, n); n > 0. Multiply-shift on 64 bits: bias below 2^-32 for
  // any n this model uses.
  std::uint64_t below(std::uint64_t n) {
    const auto r = block(draw_++);
    const std::uint64_t x = (static_cast<std::uint64_t>(r[0]) << 32) | r[1];
    return static_cast<std::uint64_t>((static_cast<uint128>(x) * n) >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }
  // Uniform on (0, 1) with 32 random bits, the k-th of a family of cheap draws: four come
  // from one Philox block (draw index k / 4 from `first_block`). For frequent low-stakes
  // choices where 2^-32 resolution is plenty; does not move the draw counter.
  double uniform32(std::uint32_t first_block, std::uint32_t k) const {
    const auto r = block(first_block + k / 4);
    return uniform32_of(r[k % 4]);
  }
  // The uniform32 value of one 32-bit word of a block (for callers that keep the block).
  static double uniform32_of(std::uint32_t word) { return (static_cast<double>(word) + 0.5) * (1.0 / 4294967296.0); }
  // Standard normal by Box-Muller from one 128-bit block.
  double normal() {
    const auto r = block(draw_++);
    const double u1 = to_open01(r[0], r[1]);
    const double u2 = to_open01(r[2], r[3]);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Lognormal with the given parameters of the underlying normal.
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  // Pareto with scale x_min and shape alpha (inverse CDF).
  double pareto(double x_min, double alpha) { return x_min * std::pow(uniform(), -1.0 / alpha); }
  double exponential(double rate) { return -std::log(uniform()) / rate; }
  // Poisson: multiplication method for small means, normal approximation with
  // continuity correction above 64 (where its error is far below model noise).
  std::uint64_t poisson(double mean) {
    if (!(mean > 0.0)) return 0;
    if (mean < 64.0) {
      const double limit = std::exp(-mean);
      double prod = uniform();
      std::uint64_t k = 0;
      while (prod > limit) {
        prod *= uniform();
        ++k;
      }
      return k;
    }
    const double x = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
    return x > 0.0 ? static_cast<std::uint64_t>(x) : 0;
  }
  // Index drawn with probability proportional to weights (linear scan; for repeated
  // draws from one distribution use AliasTable).
  std::size_t categorical(std::span<const double> weights) {
    double total = 0.0;
    for (double w : weights) total += w;
    double u = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    return weights.empty() ? 0 : weights.size() - 1;
  }

  std::uint32_t draws_used() const { return draw_; }
  // Jumps to a fixed draw index, so one purpose's draws sit at the same index whatever
  // happened before (e.g. market m of a firm always starts at m * 8).
  RandomStream& at(std::uint32_t draw) {
    draw_ = draw;
    return *this;
  }

 private:
  // 52 random bits centred in their cell: (x + 0.5) / 2^52 is exact in a double, so the
  // result lies strictly inside (0, 1) (53 bits would round the top value up to 1.0).
  static double to_open01(std::uint32_t a, std::uint32_t b) {
    const std::uint64_t x = ((static_cast<std::uint64_t>(a) << 32) | b) >> 12;
    return (static_cast<double>(x) + 0.5) * (1.0 / 4503599627370496.0);
  }

  r123::Philox4x32::key_type key_;
  std::uint32_t stream_;
  std::uint32_t step_;
  std::uint64_t agent_;
  std::uint32_t draw_ = 0;
};

// Successive 32-bit uniforms of one RandomStream, four from each Philox block: word k of the
// sequence is word k % 4 of block first_block + k / 4. A block is computed only when its first
// word is needed. For choices where 2^-32 resolution is plenty (Bernoulli draws at rates far
// above 2^-32, alias sampling, see AliasTable::sample_word), so one block serves four draws
// instead of one. A pure function of the stream's coordinates and first_block.
class Uniform32Sequence {
 public:
  Uniform32Sequence(const RandomStream& rng, std::uint32_t first_block) : rng_(rng), next_block_(first_block) {}
  std::uint32_t next_word() {
    if (used_ == 4) {
      block_ = rng_.block(next_block_++);
      used_ = 0;
    }
    return block_[used_++];
  }
  double next() { return RandomStream::uniform32_of(next_word()); }

 private:
  RandomStream rng_;
  std::uint32_t next_block_;
  unsigned used_ = 4;
  r123::Philox4x32::ctr_type block_{};
};

// One 32-bit uniform per agent and month, shared four to a Philox block by agents with
// consecutive ids: agent id's draw is word id % 4 of the block keyed (seed, stream, step,
// id / 4) at draw index kGroupedDraw (far above the per-agent draw indices that stream uses,
// so the two never meet). Still a pure function of (seed, stream, step, agent id). It keeps
// the last block, so walking agents in id order costs one block per four agents: for
// frequent per-agent Bernoulli decisions (rates far above 2^-32) that would otherwise spend
// a whole block on one 32-bit word.
class GroupedUniform32 {
 public:
  static constexpr std::uint32_t kGroupedDraw = 1u << 31;
  GroupedUniform32(std::uint64_t seed, Stream stream, std::uint32_t step) : seed_(seed), stream_(stream), step_(step) {}
  double operator()(std::uint64_t agent_id) {
    const std::uint64_t group = agent_id / 4;
    if (!has_block_ || group != group_) {
      block_ = RandomStream(seed_, stream_, step_, group).block(kGroupedDraw);
      group_ = group;
      has_block_ = true;
    }
    return RandomStream::uniform32_of(block_[agent_id % 4]);
  }

 private:
  std::uint64_t seed_;
  Stream stream_;
  std::uint32_t step_;
  bool has_block_ = false;
  std::uint64_t group_ = 0;
  r123::Philox4x32::ctr_type block_{};
};

// Walker/Vose alias table: O(n) build, O(1) sampling from one uniform draw.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(std::span<const double> weights) { build(weights); }

  void build(std::span<const double> weights) {
    const std::size_t n = weights.size();
    prob_.assign(n, 0.0);
    alias_.assign(n, 0);
    total_ = 0.0;
    for (double w : weights) total_ += (w > 0.0 ? w : 0.0);
    if (n == 0 || !(total_ > 0.0)) {
      prob_.clear();
      alias_.clear();
      return;
    }
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    small.reserve(n);
    large.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = (weights[i] > 0.0 ? weights[i] : 0.0) * static_cast<double>(n) / total_;
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back();
      small.pop_back();
      const std::uint32_t l = large.back();
      prob_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (std::uint32_t i : large) prob_[i] = 1.0;
    for (std::uint32_t i : small) prob_[i] = 1.0;  // rounding leftovers
  }

  bool empty() const { return prob_.empty(); }
  std::size_t size() const { return prob_.size(); }
  double total_weight() const { return total_; }

  std::size_t sample(RandomStream& rng) const {
    const double u = rng.uniform() * static_cast<double>(prob_.size());
    std::size_t i = static_cast<std::size_t>(u);
    if (i >= prob_.size()) i = prob_.size() - 1;
    const double frac = u - static_cast<double>(i);
    return frac < prob_[i] ? i : alias_[i];
  }
  // The same from one 32-bit random word: the high half of word * n picks the column and the
  // low half is the coin. Each entry's probability is off by at most n / 2^32 of itself
  // (1e-4 for a table of 430,000 entries), far below sampling noise.
  std::size_t sample_word(std::uint32_t word) const {
    const std::size_t i = word_column(word, prob_.size());
    return word_coin(word, prob_.size()) < prob_[i] ? i : alias_[i];
  }
  // sample_word's two halves, for callers that keep the columns (probability(i), alias(i))
  // beside their own data: the column a word picks in a table of n entries, and the coin
  // compared with that column's probability (the outcome is the column if coin < probability,
  // else its alias).
  static std::size_t word_column(std::uint32_t word, std::size_t n) {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(word) * n) >> 32);
  }
  static double word_coin(std::uint32_t word, std::size_t n) {
    const std::uint64_t x = static_cast<std::uint64_t>(word) * n;
    return (static_cast<double>(static_cast<std::uint32_t>(x)) + 0.5) * (1.0 / 4294967296.0);
  }
  double probability(std::size_t i) const { return prob_[i]; }
  std::size_t alias(std::size_t i) const { return alias_[i]; }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
  double total_ = 0.0;
};

}  // namespace pzsim
