#include "sim/sensitivity/sobol_indices.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/compare/intervals.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"

namespace pzsim::sensitivity {
namespace {

// Sums over the base rows that make up the estimators; `rows` lists the base-row indices of
// a (re)sample, with repeats.
struct Estimates {
  double mean = 0.0, variance = 0.0;
  std::vector<double> first_order, total;
};

Estimates estimate(std::span<const double> y, std::size_t n, std::size_t k, std::span<const std::size_t> rows) {
  const std::size_t m = rows.size();
  const double* a = y.data();
  const double* b = y.data() + n;
  double sum = 0.0;
  for (std::size_t j : rows) sum += a[j] + b[j];
  Estimates e;
  e.mean = sum / static_cast<double>(2 * m);
  double squares = 0.0;
  for (std::size_t j : rows) squares += (a[j] - e.mean) * (a[j] - e.mean) + (b[j] - e.mean) * (b[j] - e.mean);
  e.variance = squares / static_cast<double>(2 * m - 1);
  e.first_order.resize(k);
  e.total.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    const double* ab = y.data() + (2 + i) * n;
    double first = 0.0, total = 0.0;
    for (std::size_t j : rows) {
      // Centred: (b - mean)(ab - a) == b(ab - a) - mean(ab - a).
      first += (b[j] - e.mean) * (ab[j] - a[j]);
      total += (a[j] - ab[j]) * (a[j] - ab[j]);
    }
    e.first_order[i] = first / static_cast<double>(m) / e.variance;
    e.total[i] = total / static_cast<double>(2 * m) / e.variance;
  }
  return e;
}

}  // namespace

std::size_t saltelli_size(std::size_t base_samples, std::size_t factors) { return base_samples * (factors + 2); }

SobolIndices sobol_indices(std::span<const double> outputs, std::size_t base_samples, std::size_t factors,
                           const BootstrapSettings& bootstrap) {
  const std::size_t n = base_samples, k = factors;
  if (k < 1 || n < 2)
    throw std::invalid_argument("sobol_indices: need at least 1 factor and 2 base samples (got " + std::to_string(k) +
                                " and " + std::to_string(n) + ")");
  if (outputs.size() != saltelli_size(n, k))
    throw std::invalid_argument("sobol_indices: a Saltelli design of " + std::to_string(n) + " base samples and " +
                                std::to_string(k) + " factors has " + std::to_string(saltelli_size(n, k)) +
                                " outputs, got " + std::to_string(outputs.size()));
  for (std::size_t p = 0; p < outputs.size(); ++p)
    if (!std::isfinite(outputs[p]))
      throw std::invalid_argument("sobol_indices: output of point " + std::to_string(p) + " is not finite");
  if (bootstrap.resamples < 1 || !(bootstrap.level > 0.0 && bootstrap.level < 1.0))
    throw std::invalid_argument("sobol_indices: need at least 1 resample and a level in (0, 1)");

  std::vector<std::size_t> all_rows(n);
  for (std::size_t j = 0; j < n; ++j) all_rows[j] = j;
  const Estimates point = estimate(outputs, n, k, all_rows);
  if (!(point.variance > 0.0)) throw std::invalid_argument("sobol_indices: the outputs do not vary; indices are undefined");

  // One slot per resample, filled in parallel: each slot depends only on its resample index.
  const std::size_t resamples = static_cast<std::size_t>(bootstrap.resamples);
  std::vector<Estimates> draws(resamples);
  parallel_for(
      resamples,
      [&](std::size_t begin, std::size_t end) {
        std::vector<std::size_t> rows(n);
        for (std::size_t r = begin; r < end; ++r) {
          RandomStream rng(bootstrap.seed, Stream::kBootstrap, 1, static_cast<std::uint64_t>(r));
          for (auto& j : rows) j = static_cast<std::size_t>(rng.below(n));
          draws[r] = estimate(outputs, n, k, rows);
        }
      },
      8);

  SobolIndices result;
  result.mean = point.mean;
  result.variance = point.variance;
  result.base_samples = n;
  result.resamples = bootstrap.resamples;
  result.level = bootstrap.level;
  const double p_lo = (1.0 - bootstrap.level) / 2.0, p_hi = (1.0 + bootstrap.level) / 2.0;
  // A resample whose outputs happen not to vary gives NaN indices; it is left out.
  auto bounds = [&](auto member, std::size_t i, double value) {
    std::vector<double> values;
    values.reserve(resamples);
    for (const Estimates& d : draws) {
      const double v = (d.*member)[i];
      if (std::isfinite(v)) values.push_back(v);
    }
    if (values.empty()) return IndexEstimate{value, std::nan(""), std::nan("")};
    std::sort(values.begin(), values.end());
    return IndexEstimate{value, sorted_quantile(values, p_lo), sorted_quantile(values, p_hi)};
  };
  result.factors.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    result.factors[i].first_order = bounds(&Estimates::first_order, i, point.first_order[i]);
    result.factors[i].total = bounds(&Estimates::total, i, point.total[i]);
  }
  return result;
}

}  // namespace pzsim::sensitivity
