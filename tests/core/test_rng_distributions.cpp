// Tests of the distributions of sim/core/rng.hpp's RandomStream (uniform, normal, lognormal,
// exponential, Pareto, Poisson, Bernoulli, below(n), uniform32, categorical) and AliasTable.
// Tolerances: rng_test_stats.hpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include "sim/core/rng.hpp"
#include "tests/core/rng_test_stats.hpp"

using pzsim::AliasTable;
using pzsim::RandomStream;
using pzsim::Stream;
using namespace pzsim::testing::rng;

// ---------------------------------------------------------------------------------------
// Distributions

TEST_CASE("RandomStream: uniform is U(0,1)", "[core][rng]") {
  const std::size_t n = 1000000;
  const auto x = sample(n, [](RandomStream& r) { return r.uniform(); });
  double lo = 1.0, hi = 0.0;
  for (double v : x) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  CHECK(lo > 0.0);
  CHECK(hi < 1.0);
  // The extremes are reached: P(min > 1e-5) = (1 - 1e-5)^1e6 = e^-10.
  CHECK(lo < 1e-5);
  CHECK(hi > 1.0 - 1e-5);
  const Moments m = moments(x);
  const double dn = static_cast<double>(n);
  // SE(mean) = sqrt(1/12 / n); SE(variance) = sqrt((mu4 - sigma^4) / n) with
  // mu4 = 1/80, sigma^4 = 1/144, so mu4 - sigma^4 = 1/180.
  CHECK(std::abs(m.mean - 0.5) < kSigmas * std::sqrt(1.0 / 12.0 / dn));
  CHECK(std::abs(m.var - 1.0 / 12.0) < kSigmas * std::sqrt(1.0 / 180.0 / dn));
  // 100 equal bins, chi-square with 99 degrees of freedom.
  std::vector<std::uint64_t> counts(100, 0);
  for (double v : x) ++counts[std::min<std::size_t>(static_cast<std::size_t>(v * 100.0), 99)];
  const double chi2 = chi_square(counts, std::vector<double>(100, 0.01), n);
  INFO("chi2 = " << chi2 << ", critical " << chi_square_critical(99));
  CHECK(chi2 < chi_square_critical(99));
}

TEST_CASE("RandomStream: normal is N(0,1)", "[core][rng]") {
  const std::size_t n = 1000000;
  const double dn = static_cast<double>(n);
  const auto z = sample(n, [](RandomStream& r) { return r.normal(); });
  const Moments m = moments(z);
  // Standard errors for a normal sample: mean 1/sqrt(n), variance sqrt(2/n),
  // skewness sqrt(6/n), kurtosis sqrt(24/n).
  CHECK(std::abs(m.mean) < kSigmas / std::sqrt(dn));
  CHECK(std::abs(m.var - 1.0) < kSigmas * std::sqrt(2.0 / dn));
  CHECK(std::abs(m.skew) < kSigmas * std::sqrt(6.0 / dn));
  CHECK(std::abs(m.kurt - 3.0) < kSigmas * std::sqrt(24.0 / dn));
  // Tail frequencies on both sides (catches asymmetric or truncated tails):
  // P(Z < -1) = 0.158655, P(Z > 2) = 0.0227501, P(|Z| > 4) = 6.334e-5.
  auto freq_check = [&](double p, std::size_t hits) {
    const double f = static_cast<double>(hits) / dn;
    INFO("p = " << p << ", observed " << f);
    CHECK(std::abs(f - p) < kSigmas * std::sqrt(p * (1 - p) / dn));
  };
  freq_check(0.158655253931457, std::count_if(z.begin(), z.end(), [](double v) { return v < -1.0; }));
  freq_check(0.0227501319481792, std::count_if(z.begin(), z.end(), [](double v) { return v > 2.0; }));
  freq_check(6.33424836662398e-5, std::count_if(z.begin(), z.end(), [](double v) { return std::abs(v) > 4.0; }));
  // normal(mean, sd) is the affine transform of the same draw.
  RandomStream a(kSeed, Stream::kTest, 1, 1), b(kSeed, Stream::kTest, 1, 1);
  for (int k = 0; k < 10; ++k) CHECK(a.normal(3.0, 2.0) == Approx(3.0 + 2.0 * b.normal()).epsilon(1e-15));
}

TEST_CASE("RandomStream: lognormal mean is exp(mu + sigma^2/2)", "[core][rng]") {
  const std::size_t n = 1000000;
  const double dn = static_cast<double>(n);
  const double mu = 0.3, sigma = 0.5;
  const auto x = sample(n, [&](RandomStream& r) { return r.lognormal(mu, sigma); });
  const Moments m = moments(x);
  const double mean = std::exp(mu + sigma * sigma / 2);
  const double var = (std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma);
  CHECK(std::abs(m.mean - mean) < kSigmas * std::sqrt(var / dn));
  // Median exp(mu): half the draws fall below it.
  const double below = static_cast<double>(std::count_if(x.begin(), x.end(), [&](double v) { return v < std::exp(mu); })) / dn;
  CHECK(std::abs(below - 0.5) < kSigmas * std::sqrt(0.25 / dn));
  CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
}

TEST_CASE("RandomStream: exponential mean is 1/rate", "[core][rng]") {
  const std::size_t n = 1000000;
  const double dn = static_cast<double>(n);
  const double rate = 2.5;
  const auto x = sample(n, [&](RandomStream& r) { return r.exponential(rate); });
  const Moments m = moments(x);
  // SD of an exponential equals its mean 1/rate.
  CHECK(std::abs(m.mean - 1.0 / rate) < kSigmas * (1.0 / rate) / std::sqrt(dn));
  CHECK(std::abs(m.var - 1.0 / (rate * rate)) < kSigmas * std::sqrt(8.0 / std::pow(rate, 4) / dn));  // mu4 - sigma^4 = 8/rate^4
  // P(X > 1/rate) = e^-1.
  const double p = std::exp(-1.0);
  const double above = static_cast<double>(std::count_if(x.begin(), x.end(), [&](double v) { return v > 1.0 / rate; })) / dn;
  CHECK(std::abs(above - p) < kSigmas * std::sqrt(p * (1 - p) / dn));
  CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
}

TEST_CASE("RandomStream: pareto mean is alpha x_min / (alpha - 1)", "[core][rng]") {
  const std::size_t n = 1000000;
  const double dn = static_cast<double>(n);
  const double x_min = 2.0, alpha = 4.0;
  const auto x = sample(n, [&](RandomStream& r) { return r.pareto(x_min, alpha); });
  const Moments m = moments(x);
  const double mean = alpha * x_min / (alpha - 1);
  const double var = x_min * x_min * alpha / ((alpha - 1) * (alpha - 1) * (alpha - 2));
  // alpha = 4 has a finite variance, so the usual standard error of the mean applies.
  CHECK(std::abs(m.mean - mean) < kSigmas * std::sqrt(var / dn));
  CHECK(*std::min_element(x.begin(), x.end()) >= x_min);
  // Survival function: P(X > 2 x_min) = 2^-alpha.
  const double p = std::pow(2.0, -alpha);
  const double above = static_cast<double>(std::count_if(x.begin(), x.end(), [&](double v) { return v > 2 * x_min; })) / dn;
  CHECK(std::abs(above - p) < kSigmas * std::sqrt(p * (1 - p) / dn));
}

TEST_CASE("RandomStream: poisson mean and variance", "[core][rng]") {
  CHECK(RandomStream(kSeed, Stream::kTest, 0, 0).poisson(0.0) == 0);
  CHECK(RandomStream(kSeed, Stream::kTest, 0, 0).poisson(-3.0) == 0);
  CHECK(RandomStream(kSeed, Stream::kTest, 0, 0).poisson(std::nan("")) == 0);
  // 0.5, 5, 30, 63.5: multiplication method; 64.5, 200: normal approximation.
  for (double lambda : {0.5, 5.0, 30.0, 63.5, 64.5, 200.0}) {
    const std::size_t n = 200000;
    const double dn = static_cast<double>(n);
    const auto x = sample(n, [&](RandomStream& r) { return r.poisson(lambda); }, static_cast<std::uint32_t>(lambda * 10));
    const Moments m = moments(x);
    INFO("lambda = " << lambda << ", mean " << m.mean << ", variance " << m.var);
    // SE(mean) = sqrt(lambda / n); SE(variance) = sqrt((mu4 - sigma^4) / n) with the
    // Poisson mu4 = lambda (1 + 3 lambda), i.e. mu4 - sigma^4 = lambda + 2 lambda^2.
    CHECK(std::abs(m.mean - lambda) < kSigmas * std::sqrt(lambda / dn));
    CHECK(std::abs(m.var - lambda) < kSigmas * std::sqrt((lambda + 2 * lambda * lambda) / dn));
  }
}

TEST_CASE("RandomStream: poisson small-mean probabilities", "[core][rng]") {
  // Chi-square of the whole probability mass function (multiplication method), pooling
  // the upper tail into the last category.
  for (double lambda : {0.5, 5.0}) {
    const std::size_t n = 500000;
    const std::size_t cats = lambda < 1 ? 6 : 16;  // 0..cats-2 and a tail ">= cats-1"
    std::vector<double> p(cats, 0.0);
    double pk = std::exp(-lambda), cum = 0.0;
    for (std::size_t k = 0; k + 1 < cats; ++k) {
      p[k] = pk;
      cum += pk;
      pk *= lambda / static_cast<double>(k + 1);
    }
    p[cats - 1] = 1.0 - cum;
    std::vector<std::uint64_t> counts(cats, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = RandomStream(kSeed, Stream::kBirths, 2, i).poisson(lambda);
      ++counts[std::min<std::size_t>(k, cats - 1)];
    }
    const double chi2 = chi_square(counts, p, n);
    INFO("lambda = " << lambda << ", chi2 = " << chi2 << ", critical " << chi_square_critical(cats - 1));
    CHECK(chi2 < chi_square_critical(cats - 1));
  }
}

TEST_CASE("RandomStream: bernoulli frequency", "[core][rng]") {
  const std::size_t n = 400000;
  const double dn = static_cast<double>(n);
  for (double p : {0.0, 0.001, 0.1, 0.5, 0.97, 1.0}) {
    std::size_t hits = 0;
    for (std::size_t i = 0; i < n; ++i) hits += RandomStream(kSeed, Stream::kAdoption, 0, i).bernoulli(p) ? 1 : 0;
    const double f = static_cast<double>(hits) / dn;
    INFO("p = " << p << ", frequency " << f);
    if (p == 0.0) CHECK(hits == 0);
    else if (p == 1.0) CHECK(hits == n);
    else CHECK(std::abs(f - p) < kSigmas * std::sqrt(p * (1 - p) / dn));
  }
}

TEST_CASE("RandomStream: below(n) is uniform on 0..n-1", "[core][rng]") {
  CHECK(RandomStream(kSeed, Stream::kTest, 0, 0).below(1) == 0);
  for (std::uint64_t range : {2ull, 6ull, 10ull, 1000ull}) {
    const std::size_t draws = 1000000;
    std::vector<std::uint64_t> counts(range, 0);
    bool in_range = true;
    for (std::size_t i = 0; i < draws; ++i) {
      const std::uint64_t v = RandomStream(kSeed, Stream::kRelocation, 3, i).below(range);
      if (v >= range) {
        in_range = false;
        break;
      }
      ++counts[v];
    }
    REQUIRE(in_range);
    const double chi2 = chi_square(counts, std::vector<double>(range, 1.0 / static_cast<double>(range)), draws);
    INFO("n = " << range << ", chi2 = " << chi2 << ", critical " << chi_square_critical(range - 1));
    CHECK(chi2 < chi_square_critical(range - 1));
  }
  // Huge ranges: always below n and mean n/2 (SE n / sqrt(12 draws)).
  for (std::uint64_t range : {(std::uint64_t{3} << 40) + 7, ~std::uint64_t{0}}) {
    const std::size_t draws = 100000;
    double sum = 0.0;
    bool in_range = true;
    RandomStream rng(kSeed, Stream::kRelocation, 4, 1);
    for (std::size_t i = 0; i < draws; ++i) {
      const std::uint64_t v = rng.below(range);
      in_range = in_range && v < range;
      sum += static_cast<double>(v) / static_cast<double>(range);
    }
    CHECK(in_range);
    CHECK(std::abs(sum / static_cast<double>(draws) - 0.5) < kSigmas * std::sqrt(1.0 / 12.0 / static_cast<double>(draws)));
  }
}

TEST_CASE("RandomStream: uniform32 is U(0,1)", "[core][rng]") {
  const std::size_t agents = 100000;
  const std::uint32_t per_agent = 10;  // spans three Philox blocks per agent
  std::vector<double> x;
  x.reserve(agents * per_agent);
  bool recompute_equal = true;
  for (std::size_t i = 0; i < agents; ++i) {
    const RandomStream rng(kSeed, Stream::kSuspension, 0, i);
    for (std::uint32_t k = 0; k < per_agent; ++k) {
      const double v = rng.uniform32(1u << 16, k);
      recompute_equal = recompute_equal && bits(v) == bits(rng.uniform32(1u << 16, k));
      x.push_back(v);
    }
  }
  CHECK(recompute_equal);
  CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
  CHECK(*std::max_element(x.begin(), x.end()) < 1.0);
  const Moments m = moments(x);
  const double dn = static_cast<double>(x.size());
  CHECK(std::abs(m.mean - 0.5) < kSigmas * std::sqrt(1.0 / 12.0 / dn));
  CHECK(std::abs(m.var - 1.0 / 12.0) < kSigmas * std::sqrt(1.0 / 180.0 / dn));
  // The four words of one block must not be correlated with each other.
  std::vector<double> w0, w1;
  for (std::size_t i = 0; i < agents; ++i) {
    w0.push_back(x[i * per_agent + 0]);
    w1.push_back(x[i * per_agent + 1]);
  }
  CHECK(std::abs(correlation(w0, w1)) < kSigmas / std::sqrt(static_cast<double>(agents)));
}

TEST_CASE("RandomStream: categorical frequencies follow the weights", "[core][rng]") {
  const std::vector<double> weights{1.0, 0.0, 2.5, 0.5, 6.0, 0.0};  // unnormalised, with zeros
  const std::vector<double> p = normalised(weights);
  const std::size_t n = 1000000;
  std::vector<std::uint64_t> counts(weights.size(), 0);
  std::size_t out_of_range = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = RandomStream(kSeed, Stream::kShopping, 1, i).categorical(weights);
    if (k < weights.size()) ++counts[k];
    else ++out_of_range;
  }
  REQUIRE(out_of_range == 0);
  CHECK(counts[1] == 0);
  CHECK(counts[5] == 0);  // a zero weight in last place is not the fallback either
  const std::size_t df = positive_count(weights) - 1;
  const double chi2 = chi_square(counts, p, n);
  INFO("chi2 = " << chi2 << ", critical " << chi_square_critical(df));
  CHECK(chi2 < chi_square_critical(df));
  // A single category is always chosen.
  const std::vector<double> one{3.0};
  RandomStream rng(kSeed, Stream::kShopping, 2, 0);
  for (int k = 0; k < 100; ++k) CHECK(rng.categorical(one) == 0);
}

TEST_CASE("AliasTable: word_column and word_coin split a word as sample_word does", "[core][rng]") {
  // word * n / 2^32 = column + low / 2^32, and the coin is the centre of the low half's cell,
  // so column + coin is exactly word * n / 2^32 + 2^-33 (long double holds it exactly).
  RandomStream rng(kSeed, Stream::kTest, 91, 0);
  std::vector<double> weights(977);
  for (double& x : weights) x = rng.lognormal(0.0, 1.0);
  const AliasTable table(weights);
  for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{977}, std::size_t{430000}}) {
    INFO("n = " << n);
    for (int k = 0; k < 20000; ++k) {
      const auto word = static_cast<std::uint32_t>(k == 0 ? 0xffffffffu : rng.below(std::uint64_t{1} << 32));
      const std::size_t column = AliasTable::word_column(word, n);
      const double coin = AliasTable::word_coin(word, n);
      REQUIRE(column < n);
      REQUIRE((coin > 0.0 && coin < 1.0));
      const long double exact = static_cast<long double>(word) * static_cast<long double>(n) / 4294967296.0L;
      REQUIRE(static_cast<long double>(column) + static_cast<long double>(coin) == exact + 1.0L / 8589934592.0L);
    }
  }
  // A caller keeping the columns elsewhere (probability, alias) draws what sample_word draws.
  for (int k = 0; k < 20000; ++k) {
    const auto word = static_cast<std::uint32_t>(rng.below(std::uint64_t{1} << 32));
    const std::size_t column = AliasTable::word_column(word, table.size());
    const std::size_t outcome =
        AliasTable::word_coin(word, table.size()) < table.probability(column) ? column : table.alias(column);
    REQUIRE(outcome == table.sample_word(word));
  }
}

TEST_CASE("AliasTable: sampling frequencies follow the weights", "[core][rng]") {
  auto check_table = [](const std::vector<double>& weights, std::size_t n, std::uint32_t step) {
    const AliasTable table(weights);
    REQUIRE_FALSE(table.empty());
    REQUIRE(table.size() == weights.size());
    double total = 0.0;
    for (double w : weights) total += w;
    CHECK(table.total_weight() == Approx(total).epsilon(1e-12));
    const std::size_t df = positive_count(weights) - 1;
    // Draws n categories with draw(), then checks that every draw is a category, no zero-weight
    // category is drawn, and the frequencies pass the chi-square test.
    auto check_draws = [&](const char* sampler, auto&& draw) {
      INFO("sampler " << sampler << ", categories " << weights.size());
      std::vector<std::uint64_t> counts(weights.size(), 0);
      std::size_t out_of_range = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = draw();
        if (k < weights.size()) ++counts[k];
        else ++out_of_range;
      }
      REQUIRE(out_of_range == 0);
      std::size_t zero_hits = 0;
      for (std::size_t i = 0; i < weights.size(); ++i)
        if (weights[i] == 0.0) zero_hits += counts[i];
      CHECK(zero_hits == 0);
      const double chi2 = chi_square(counts, normalised(weights), n);
      INFO("chi2 = " << chi2 << ", critical " << chi_square_critical(df));
      CHECK(chi2 < chi_square_critical(df));
    };
    RandomStream rng(kSeed, Stream::kImportShopping, step, 99);
    check_draws("sample", [&] { return table.sample(rng); });
    // The same table sampled from 32-bit words (sample_word), four words per Philox block.
    pzsim::Uniform32Sequence words(RandomStream(kSeed, Stream::kImportShopping, step, 100), 0);
    check_draws("sample_word", [&] { return table.sample_word(words.next_word()); });
  };
  SECTION("small table with zero weights") {
    check_table({3.0, 0.0, 1.0, 0.0, 0.25, 5.75, 2.0, 0.0}, 2000000, 1);
  }
  SECTION("zero weights at both ends") {
    check_table({0.0, 1.0, 1.0, 7.0, 0.0}, 1000000, 2);
  }
  SECTION("1000 uneven weights, a tenth of them zero") {
    std::vector<double> weights(1000);
    RandomStream w(kSeed, Stream::kTest, 77, 0);
    for (double& x : weights) x = w.bernoulli(0.1) ? 0.0 : w.lognormal(0.0, 1.5);
    check_table(weights, 4000000, 3);
  }
  SECTION("a single element") {
    const std::vector<double> one{0.7};
    const AliasTable table(one);
    REQUIRE(table.size() == 1);
    RandomStream rng(kSeed, Stream::kImportShopping, 4, 0);
    for (int k = 0; k < 1000; ++k) CHECK(table.sample(rng) == 0);
  }
  SECTION("a single positive weight among zeros") {
    const std::vector<double> w{0.0, 0.0, 2.0, 0.0};
    const AliasTable table(w);
    RandomStream rng(kSeed, Stream::kImportShopping, 5, 0);
    std::size_t hits = 0;
    for (int k = 0; k < 10000; ++k) hits += table.sample(rng) == 2 ? 1 : 0;
    CHECK(hits == 10000);
  }
  SECTION("empty tables") {
    CHECK(AliasTable{}.empty());
    CHECK(AliasTable{}.size() == 0);
    CHECK(AliasTable(std::span<const double>{}).empty());
    const std::vector<double> zeros{0.0, 0.0, 0.0};
    CHECK(AliasTable(zeros).empty());  // nothing can be drawn
    // Rebuilding a used table from empty weights empties it.
    const std::vector<double> some{1.0, 2.0};
    AliasTable table(some);
    REQUIRE_FALSE(table.empty());
    table.build(std::span<const double>{});
    CHECK(table.empty());
  }
}
