// Tests of the counter-based random numbers in sim/core/rng.hpp.
//
// Statistical checks use fixed seeds, so every run sees the same numbers; tolerances are
// still set as if the seed were random, so that a correct generator passes for almost any
// seed and a wrong one fails:
//  * means, variances and frequencies: within 5 standard errors of the exact value
//    (two-sided probability of a false failure about 6e-7 per check);
//  * chi-square goodness of fit: below the upper 5-sigma quantile of the chi-square
//    distribution, via the Wilson-Hilferty approximation (see chi_square_critical).
#include "sim/core/rng.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

using pzsim::AliasTable;
using pzsim::RandomStream;
using pzsim::Stream;

namespace {

constexpr std::uint64_t kSeed = 20150301;
constexpr double kSigmas = 5.0;  // tolerance in standard errors for every moment check

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// Sample moments by two passes (numerically stable enough for 1e6 values).
struct Moments {
  double n = 0, mean = 0, var = 0, skew = 0, kurt = 0;
};
Moments moments(const std::vector<double>& x) {
  Moments m;
  m.n = static_cast<double>(x.size());
  for (double v : x) m.mean += v;
  m.mean /= m.n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double v : x) {
    const double d = v - m.mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= m.n;
  m3 /= m.n;
  m4 /= m.n;
  m.var = m2 * m.n / (m.n - 1);
  m.skew = m3 / std::pow(m2, 1.5);
  m.kurt = m4 / (m2 * m2);
  return m;
}

// Upper quantile of chi-square with `df` degrees of freedom at the one-sided 5-sigma level
// (p about 2.9e-7), from the Wilson-Hilferty cube-root normal approximation, which is
// accurate to a few percent for df >= 3 and conservative enough for df 1-2 at this level.
double chi_square_critical(std::size_t df) {
  const double k = static_cast<double>(df);
  const double a = 2.0 / (9.0 * k);
  const double c = 1.0 - a + kSigmas * std::sqrt(a);
  return k * c * c * c;
}

// Pearson chi-square of observed counts against expected probabilities (categories with
// zero probability must have zero counts and are skipped by the caller's check).
double chi_square(const std::vector<std::uint64_t>& counts, const std::vector<double>& probs,
                  std::uint64_t n) {
  double chi2 = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (probs[i] <= 0.0) continue;
    const double expected = probs[i] * static_cast<double>(n);
    const double d = static_cast<double>(counts[i]) - expected;
    chi2 += d * d / expected;
  }
  return chi2;
}

std::size_t positive_count(const std::vector<double>& w) {
  return static_cast<std::size_t>(std::count_if(w.begin(), w.end(), [](double x) { return x > 0.0; }));
}

std::vector<double> normalised(const std::vector<double>& w) {
  double total = 0.0;
  for (double x : w) total += x;
  std::vector<double> p(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) p[i] = w[i] / total;
  return p;
}

// n draws of `draw(rng)` from consecutive agent ids of one stream (each agent its own
// stream, as the model uses them).
template <class Draw>
std::vector<double> sample(std::size_t n, Draw draw, std::uint32_t step = 0) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    RandomStream rng(kSeed, Stream::kTest, step, i);
    x[i] = static_cast<double>(draw(rng));
  }
  return x;
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const Moments mx = moments(x), my = moments(y);
  double sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx.mean) * (y[i] - my.mean);
  sxy /= static_cast<double>(x.size() - 1);
  return sxy / std::sqrt(mx.var * my.var);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Reproducibility and draw indices

TEST_CASE("RandomStream: same coordinates give the same sequence", "[core][rng]") {
  const std::vector<double> weights{0.5, 2.0, 0.0, 1.5};
  auto run = [&](RandomStream rng) {
    std::vector<std::uint64_t> out;
    for (int rep = 0; rep < 50; ++rep) {
      out.push_back(bits(rng.uniform()));
      out.push_back(bits(rng.normal()));
      out.push_back(rng.poisson(0.7));
      out.push_back(rng.poisson(12.0));
      out.push_back(rng.poisson(150.0));
      out.push_back(rng.below(1000003));
      out.push_back(bits(rng.lognormal(0.1, 0.8)));
      out.push_back(bits(rng.exponential(3.0)));
      out.push_back(bits(rng.pareto(1.0, 2.5)));
      out.push_back(rng.bernoulli(0.3) ? 1 : 0);
      out.push_back(rng.categorical(weights));
      out.push_back(bits(rng.uniform32(7, static_cast<std::uint32_t>(rep))));
      out.push_back(rng.draws_used());
    }
    return out;
  };
  const auto a = run(RandomStream(kSeed, Stream::kAdoption, 17, 123456789));
  const auto b = run(RandomStream(kSeed, Stream::kAdoption, 17, 123456789));
  REQUIRE(a.size() == 50 * 13);
  CHECK(a == b);
  // And the sequence is not degenerate: the uniforms of one stream are all distinct.
  std::set<std::uint64_t> uniforms;
  for (std::size_t i = 0; i < a.size(); i += 13) uniforms.insert(a[i]);
  CHECK(uniforms.size() == 50);
}

TEST_CASE("RandomStream: at(k) jumps to draw index k", "[core][rng]") {
  // A fresh stream's k-th uniform (0-based) equals at(k).uniform() on another fresh stream.
  RandomStream sequential(kSeed, Stream::kMarketEntry, 3, 42);
  std::vector<double> seq;
  for (int k = 0; k < 300; ++k) seq.push_back(sequential.uniform());
  CHECK(sequential.draws_used() == 300);
  for (std::uint32_t k : {0u, 1u, 2u, 3u, 4u, 5u, 8u, 63u, 64u, 100u, 255u, 299u}) {
    RandomStream jumped(kSeed, Stream::kMarketEntry, 3, 42);
    INFO("k = " << k);
    CHECK(bits(jumped.at(k).uniform()) == bits(seq[k]));
    CHECK(jumped.draws_used() == k + 1);
  }
  // Jumping backwards replays; jumping forward skips without consuming.
  RandomStream rng(kSeed, Stream::kMarketEntry, 3, 42);
  CHECK(bits(rng.at(200).uniform()) == bits(seq[200]));
  CHECK(bits(rng.uniform()) == bits(seq[201]));
  CHECK(bits(rng.at(5).uniform()) == bits(seq[5]));
  // Every typed draw uses exactly one index (normal included), so at(k) lines up for them too.
  RandomStream n1(kSeed, Stream::kMarketEntry, 3, 42);
  std::vector<double> normals;
  for (int k = 0; k < 20; ++k) normals.push_back(n1.normal());
  CHECK(n1.draws_used() == 20);
  RandomStream n2(kSeed, Stream::kMarketEntry, 3, 42);
  CHECK(bits(n2.at(13).normal()) == bits(normals[13]));
  RandomStream b1(kSeed, Stream::kMarketEntry, 3, 42);
  std::vector<std::uint64_t> belows;
  for (int k = 0; k < 20; ++k) belows.push_back(b1.below(1u << 30));
  RandomStream b2(kSeed, Stream::kMarketEntry, 3, 42);
  CHECK(b2.at(11).below(1u << 30) == belows[11]);
  // Large indices work (the draw index is a full 32-bit word).
  RandomStream far1(kSeed, Stream::kMarketEntry, 3, 42);
  RandomStream far2(kSeed, Stream::kMarketEntry, 3, 42);
  const double x = far1.at(0xFFFFFFF0u).uniform();
  CHECK(bits(x) == bits(far2.at(0xFFFFFFF0u).uniform()));
  CHECK(bits(x) != bits(seq[0]));
}

TEST_CASE("RandomStream: uniform32 is a pure function of (first_block, k)", "[core][rng]") {
  RandomStream rng(kSeed, Stream::kSuspension, 9, 777);
  const double first = rng.uniform32(100, 5);
  CHECK(rng.draws_used() == 0);  // does not move the draw counter
  CHECK(bits(rng.uniform32(100, 5)) == bits(first));
  RandomStream other(kSeed, Stream::kSuspension, 9, 777);
  other.uniform();
  other.uniform();
  CHECK(bits(other.uniform32(100, 5)) == bits(first));  // independent of the counter
  // Four draws per block: k = 4..7 from first_block are k = 0..3 from first_block + 1.
  for (std::uint32_t k = 0; k < 16; ++k) {
    INFO("k = " << k);
    CHECK(bits(rng.uniform32(100, k + 4)) == bits(rng.uniform32(101, k)));
  }
  // The four words of one block are distinct values.
  std::set<std::uint64_t> words;
  for (std::uint32_t k = 0; k < 4; ++k) words.insert(bits(rng.uniform32(100, k)));
  CHECK(words.size() == 4);
}

// ---------------------------------------------------------------------------------------
// Independence

TEST_CASE("RandomStream: changing any coordinate changes the numbers", "[core][rng]") {
  auto first4 = [](RandomStream rng) {
    std::vector<std::uint64_t> v;
    for (int k = 0; k < 4; ++k) v.push_back(bits(rng.uniform()));
    return v;
  };
  const std::uint64_t agent = 1000;
  const auto base = first4(RandomStream(kSeed, Stream::kShopping, 7, agent));
  const std::vector<std::vector<std::uint64_t>> variants{
      first4(RandomStream(kSeed + 1, Stream::kShopping, 7, agent)),
      first4(RandomStream(kSeed + (std::uint64_t{1} << 32), Stream::kShopping, 7, agent)),  // high seed word
      first4(RandomStream(kSeed, Stream::kSuspension, 7, agent)),
      first4(RandomStream(kSeed, Stream::kShopping, 8, agent)),
      first4(RandomStream(kSeed, Stream::kShopping, 7, agent + 1)),
      first4(RandomStream(kSeed, Stream::kShopping, 7, agent + (std::uint64_t{1} << 32))),
  };
  for (std::size_t v = 0; v < variants.size(); ++v) {
    INFO("variant " << v);
    for (int k = 0; k < 4; ++k) CHECK(variants[v][k] != base[k]);
  }
}

TEST_CASE("RandomStream: agent ids above 2^32 get their own numbers", "[core][rng]") {
  const std::uint64_t two32 = std::uint64_t{1} << 32;
  auto u = [](Stream s, std::uint64_t id) { return bits(RandomStream(kSeed, s, 0, id).uniform()); };
  CHECK(u(Stream::kTest, two32 + 5) != u(Stream::kTest, 5));
  CHECK(u(Stream::kTest, 2 * two32 + 5) != u(Stream::kTest, two32 + 5));
  CHECK(u(Stream::kTest, (std::uint64_t{1} << 47) + 5) != u(Stream::kTest, 5));
  // The high id bits are folded into the stream word: no (stream, high id bits) pair may
  // collide with another. Check every stream against several high words.
  std::set<std::uint64_t> seen;
  std::size_t count = 0;
  for (std::uint32_t s = 0; s <= static_cast<std::uint32_t>(Stream::kImportAdoption); ++s) {
    for (std::uint64_t hi : {0ull, 1ull, 2ull, 3ull, 17ull, 0xFFFFull}) {
      seen.insert(u(static_cast<Stream>(s), (hi << 32) | 5));
      ++count;
    }
  }
  CHECK(seen.size() == count);
}

TEST_CASE("RandomStream: neighbouring streams are uncorrelated", "[core][rng]") {
  // Sample correlation of n independent pairs has standard error ~ 1/sqrt(n); the
  // tolerance is 5/sqrt(n) (about 0.016 for n = 100000).
  const std::size_t n = 100000;
  const double tol = kSigmas / std::sqrt(static_cast<double>(n));
  const std::uint64_t two32 = std::uint64_t{1} << 32;
  std::vector<double> x(n), y_agent(n), y_stream(n), y_step(n), y_seed(n), y_high(n), y_draw(n);
  for (std::size_t i = 0; i < n; ++i) {
    RandomStream base(kSeed, Stream::kTest, 4, 2 * i);
    x[i] = base.uniform();
    y_draw[i] = base.uniform();  // next draw index of the same stream
    y_agent[i] = RandomStream(kSeed, Stream::kTest, 4, 2 * i + 1).uniform();
    y_stream[i] = RandomStream(kSeed, Stream::kCityGeneration, 4, 2 * i).uniform();
    y_step[i] = RandomStream(kSeed, Stream::kTest, 5, 2 * i).uniform();
    y_seed[i] = RandomStream(kSeed + 1, Stream::kTest, 4, 2 * i).uniform();
    y_high[i] = RandomStream(kSeed, Stream::kTest, 4, 2 * i + two32).uniform();
  }
  CHECK(std::abs(correlation(x, y_agent)) < tol);
  CHECK(std::abs(correlation(x, y_stream)) < tol);
  CHECK(std::abs(correlation(x, y_step)) < tol);
  CHECK(std::abs(correlation(x, y_seed)) < tol);
  CHECK(std::abs(correlation(x, y_high)) < tol);
  CHECK(std::abs(correlation(x, y_draw)) < tol);
  // Sanity of the statistic itself: a stream is perfectly correlated with itself.
  CHECK(correlation(x, x) == Approx(1.0));
}

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

TEST_CASE("AliasTable: sampling frequencies follow the weights", "[core][rng]") {
  auto check_table = [](const std::vector<double>& weights, std::size_t n, std::uint32_t step) {
    const AliasTable table(weights);
    REQUIRE_FALSE(table.empty());
    REQUIRE(table.size() == weights.size());
    double total = 0.0;
    for (double w : weights) total += w;
    CHECK(table.total_weight() == Approx(total).epsilon(1e-12));
    std::vector<std::uint64_t> counts(weights.size(), 0);
    RandomStream rng(kSeed, Stream::kImportShopping, step, 99);
    std::size_t out_of_range = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = table.sample(rng);
      if (k < weights.size()) ++counts[k];
      else ++out_of_range;
    }
    REQUIRE(out_of_range == 0);
    std::size_t zero_hits = 0;
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (weights[i] == 0.0) zero_hits += counts[i];
    CHECK(zero_hits == 0);
    const std::size_t df = positive_count(weights) - 1;
    const double chi2 = chi_square(counts, normalised(weights), n);
    INFO("categories " << weights.size() << ", chi2 = " << chi2 << ", critical " << chi_square_critical(df));
    CHECK(chi2 < chi_square_critical(df));
    // The same table sampled from 32-bit words (sample_word), four words per Philox block.
    std::vector<std::uint64_t> word_counts(weights.size(), 0);
    pzsim::Uniform32Sequence words(RandomStream(kSeed, Stream::kImportShopping, step, 100), 0);
    std::size_t word_out_of_range = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = table.sample_word(words.next_word());
      if (k < weights.size()) ++word_counts[k];
      else ++word_out_of_range;
    }
    REQUIRE(word_out_of_range == 0);
    std::size_t zero_word_hits = 0;
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (weights[i] == 0.0) zero_word_hits += word_counts[i];
    CHECK(zero_word_hits == 0);
    const double chi2_words = chi_square(word_counts, normalised(weights), n);
    INFO("sample_word: chi2 = " << chi2_words);
    CHECK(chi2_words < chi_square_critical(df));
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

TEST_CASE("Uniform32Sequence: word k is word k % 4 of block first_block + k / 4", "[core][rng]") {
  const RandomStream rng(kSeed, Stream::kShopping, 9, 4242);
  pzsim::Uniform32Sequence words(rng, 3);
  for (std::uint32_t k = 0; k < 11; ++k) CHECK(words.next_word() == rng.block(3 + k / 4)[k % 4]);
  pzsim::Uniform32Sequence uniforms(rng, 3);
  for (std::uint32_t k = 0; k < 11; ++k) CHECK(bits(uniforms.next()) == bits(rng.uniform32(3, k)));
}

TEST_CASE("GroupedUniform32: a pure function of the agent id, U(0,1), four agents to a block", "[core][rng]") {
  const std::size_t agents = 200000;
  pzsim::GroupedUniform32 forward(kSeed, Stream::kAdoption, 12);
  std::vector<double> x(agents);
  for (std::size_t i = 0; i < agents; ++i) x[i] = forward(i);
  // Visiting agents in another order, or one at a time, gives each the same number.
  pzsim::GroupedUniform32 backward(kSeed, Stream::kAdoption, 12);
  bool same = true;
  for (std::size_t i = agents; i-- > 0;) same = same && bits(backward(i)) == bits(x[i]);
  CHECK(same);
  CHECK(bits(pzsim::GroupedUniform32(kSeed, Stream::kAdoption, 12)(12345)) == bits(x[12345]));
  // Agent id's draw is word id % 4 of the block keyed by id / 4 at kGroupedDraw.
  const auto block = RandomStream(kSeed, Stream::kAdoption, 12, 1000 / 4).block(pzsim::GroupedUniform32::kGroupedDraw);
  CHECK(bits(x[1001]) == bits(RandomStream::uniform32_of(block[1001 % 4])));
  // Another month or stream gives other numbers.
  CHECK(bits(pzsim::GroupedUniform32(kSeed, Stream::kAdoption, 13)(7)) != bits(x[7]));
  CHECK(bits(pzsim::GroupedUniform32(kSeed, Stream::kShopping, 12)(7)) != bits(x[7]));
  // Uniform, and neighbours that share a block are not correlated.
  const Moments m = moments(x);
  const double dn = static_cast<double>(agents);
  CHECK(std::abs(m.mean - 0.5) < kSigmas * std::sqrt(1.0 / 12.0 / dn));
  CHECK(std::abs(m.var - 1.0 / 12.0) < kSigmas * std::sqrt(1.0 / 180.0 / dn));
  std::vector<double> first, second;
  for (std::size_t i = 0; i + 1 < agents; i += 4) {
    first.push_back(x[i]);
    second.push_back(x[i + 1]);
  }
  CHECK(std::abs(correlation(first, second)) < kSigmas / std::sqrt(static_cast<double>(first.size())));
  // A Bernoulli decision at a rate like the model's adoption chance.
  std::size_t hits = 0;
  for (double v : x) hits += v < 0.01 ? 1 : 0;
  CHECK(std::abs(static_cast<double>(hits) / dn - 0.01) < kSigmas * std::sqrt(0.01 * 0.99 / dn));
}
