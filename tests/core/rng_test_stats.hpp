#pragma once
// Shared by the RandomStream tests (test_rng.cpp: reproducibility and independence;
// test_rng_distributions.cpp: the distributions). Statistical checks use fixed seeds, so every
// run sees the same numbers; tolerances are still set as if the seed were random, so that a
// correct generator passes for almost any seed and a wrong one fails:
//  * means, variances and frequencies: within 5 standard errors of the exact value
//    (two-sided probability of a false failure about 6e-7 per check);
//  * chi-square goodness of fit: below the upper 5-sigma quantile of the chi-square
//    distribution, via the Wilson-Hilferty approximation (see chi_square_critical).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/core/rng.hpp"

namespace pzsim::testing::rng {

using pzsim::RandomStream;
using pzsim::Stream;

constexpr std::uint64_t kSeed = 20150301;
constexpr double kSigmas = 5.0;  // tolerance in standard errors for every moment check

inline std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// Sample moments by two passes (numerically stable enough for 1e6 values).
struct Moments {
  double n = 0, mean = 0, var = 0, skew = 0, kurt = 0;
};
inline Moments moments(const std::vector<double>& x) {
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
inline double chi_square_critical(std::size_t df) {
  const double k = static_cast<double>(df);
  const double a = 2.0 / (9.0 * k);
  const double c = 1.0 - a + kSigmas * std::sqrt(a);
  return k * c * c * c;
}

// Pearson chi-square of observed counts against expected probabilities (categories with
// zero probability must have zero counts and are skipped by the caller's check).
inline double chi_square(const std::vector<std::uint64_t>& counts, const std::vector<double>& probs,
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

inline std::size_t positive_count(const std::vector<double>& w) {
  return static_cast<std::size_t>(std::count_if(w.begin(), w.end(), [](double x) { return x > 0.0; }));
}

inline std::vector<double> normalised(const std::vector<double>& w) {
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

inline double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const Moments mx = moments(x), my = moments(y);
  double sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx.mean) * (y[i] - my.mean);
  sxy /= static_cast<double>(x.size() - 1);
  return sxy / std::sqrt(mx.var * my.var);
}

}  // namespace pzsim::testing::rng
