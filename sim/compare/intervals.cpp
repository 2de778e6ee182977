#include "sim/compare/intervals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "sim/core/rng.hpp"

namespace pzsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Continued fraction of the regularized incomplete beta function (modified Lentz).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1.0) < 1e-15) break;
  }
  return h;
}

// Regularized incomplete beta I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double df) {
  const double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
  return t >= 0.0 ? 1.0 - tail : tail;
}

double mean_of(std::span<const double> v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double sd_of(std::span<const double> v, double mean) {
  double s = 0.0;
  for (double x : v) s += (x - mean) * (x - mean);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace

double sorted_quantile(std::span<const double> sorted, double p) {
  const double h = p * static_cast<double>(sorted.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

namespace {

// Statistic of each bootstrap resample; `stat(indices)` gets the n resampled positions.
template <class Stat>
std::pair<double, double> bootstrap_bounds(std::size_t n, double level, Stat&& stat) {
  std::vector<double> stats;
  stats.reserve(kBootstrapResamples);
  std::vector<std::size_t> idx(n);
  for (int b = 0; b < kBootstrapResamples; ++b) {
    RandomStream rng(kBootstrapSeed, Stream::kBootstrap, 0, static_cast<std::uint64_t>(b));
    for (auto& i : idx) i = static_cast<std::size_t>(rng.below(n));
    const double s = stat(idx);
    if (std::isfinite(s)) stats.push_back(s);
  }
  if (stats.empty()) return {kNaN, kNaN};
  std::sort(stats.begin(), stats.end());
  return {sorted_quantile(stats, (1.0 - level) / 2.0), sorted_quantile(stats, (1.0 + level) / 2.0)};
}

}  // namespace

double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0)) throw std::invalid_argument("student_t_quantile: need 0 < p < 1 and df > 0");
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  double lo = 0.0, hi = 1.0;
  while (student_t_cdf(hi, df) < p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Interval mean_interval(std::span<const double> values, IntervalMethod method, double level) {
  Interval r;
  r.n = static_cast<int>(values.size());
  if (values.empty()) return {kNaN, kNaN, kNaN, 0};
  r.mean = mean_of(values);
  if (values.size() < 2) {
    r.lo = r.hi = kNaN;
    return r;
  }
  if (method == IntervalMethod::paired_t) {
    const double half = student_t_quantile((1.0 + level) / 2.0, static_cast<double>(values.size() - 1)) *
                        sd_of(values, r.mean) / std::sqrt(static_cast<double>(values.size()));
    r.lo = r.mean - half;
    r.hi = r.mean + half;
  } else {
    std::tie(r.lo, r.hi) = bootstrap_bounds(values.size(), level, [&](const std::vector<std::size_t>& idx) {
      double s = 0.0;
      for (std::size_t i : idx) s += values[i];
      return s / static_cast<double>(idx.size());
    });
  }
  return r;
}

Interval ratio_interval(std::span<const double> numerator, std::span<const double> denominator, IntervalMethod method,
                        double level) {
  if (numerator.size() != denominator.size()) throw std::invalid_argument("ratio_interval: unequal lengths");
  Interval r;
  r.n = static_cast<int>(numerator.size());
  if (numerator.empty()) return {kNaN, kNaN, kNaN, 0};
  const double den = mean_of(denominator);
  if (den == 0.0) return {kNaN, kNaN, kNaN, r.n};
  r.mean = mean_of(numerator) / den;
  if (numerator.size() < 2) {
    r.lo = r.hi = kNaN;
    return r;
  }
  if (method == IntervalMethod::paired_t) {
    std::vector<double> linear(numerator.size());
    for (std::size_t i = 0; i < linear.size(); ++i) linear[i] = (numerator[i] - r.mean * denominator[i]) / den;
    const double half = student_t_quantile((1.0 + level) / 2.0, static_cast<double>(linear.size() - 1)) *
                        sd_of(linear, 0.0 + mean_of(linear)) / std::sqrt(static_cast<double>(linear.size()));
    r.lo = r.mean - half;
    r.hi = r.mean + half;
  } else {
    std::tie(r.lo, r.hi) = bootstrap_bounds(numerator.size(), level, [&](const std::vector<std::size_t>& idx) {
      double num = 0.0, d = 0.0;
      for (std::size_t i : idx) num += numerator[i], d += denominator[i];
      return d != 0.0 ? num / d : kNaN;
    });
  }
  return r;
}

}  // namespace pzsim
