#pragma once
// Intervals for an effect measured on paired runs (policy minus counterfactual, one
// difference per seed): paired t, or bootstrap percentile with a fixed resampling seed.
// Also for a ratio of two mean effects (e.g. fiscal cost per net job).
#include <cstdint>
#include <span>

namespace pzsim {

enum class IntervalMethod { paired_t, bootstrap };

struct Interval {
  double mean = 0.0;  // point estimate (mean difference, or ratio of means)
  double lo = 0.0;    // NaN when undefined (fewer than 2 seeds, or a zero denominator)
  double hi = 0.0;
  int n = 0;
  bool defined() const { return lo == lo && hi == hi; }  // neither is NaN
  bool contains(double x) const { return defined() && lo <= x && x <= hi; }
};

// Quantile p of Student's t with df degrees of freedom (df > 0, 0 < p < 1).
double student_t_quantile(double p, double df);

// Resamples of the bootstrap and the seed of their draws: every row of a comparison uses the
// same resamples (indices drawn from RandomStream(kBootstrapSeed, kBootstrap, 0, resample)),
// so intervals are reproducible and rows are resampled jointly.
inline constexpr int kBootstrapResamples = 10000;
inline constexpr std::uint64_t kBootstrapSeed = 20150307;

// Quantile p (0..1) of sorted values, linear interpolation between order statistics; the
// bootstrap percentile bounds here and in sim/sensitivity use it. `sorted` must not be empty.
double sorted_quantile(std::span<const double> sorted, double p);

// Mean of `values` with its `level` interval: mean +- t_{(1+level)/2, n-1} sd / sqrt(n)
// (paired t), or the (1-level)/2 and (1+level)/2 quantiles of the means of resamples
// (bootstrap percentile, linear interpolation between order statistics).
Interval mean_interval(std::span<const double> values, IntervalMethod method, double level = 0.95);

// mean(numerator) / mean(denominator) over the same seeds, with its interval: delta method
// (t interval of (num_i - r den_i) / mean(den)) or bootstrap percentile of the ratio of
// resampled means. Undefined (NaN) when mean(denominator) is 0.
Interval ratio_interval(std::span<const double> numerator, std::span<const double> denominator, IntervalMethod method,
                        double level = 0.95);

}  // namespace pzsim
