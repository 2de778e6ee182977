#pragma once
// Sobol sensitivity indices from a Saltelli design (Saltelli et al. 2010, "Variance based
// sensitivity analysis of model output", Comput. Phys. Commun. 181, 259-270).
//
// The outputs come in the contract-5 block order: f(A) for the N base rows, f(B) for N rows,
// then f(AB_i) for each factor i (AB_i is A with column i taken from B), N(k+2) values.
// With V the variance of the 2N values f(A), f(B):
//   first order  S_i  = (1/N) sum_j f(B)_j (f(AB_i)_j - f(A)_j) / V     (Saltelli 2010)
//   total        ST_i = (1/2N) sum_j (f(A)_j - f(AB_i)_j)^2 / V          (Jansen 1999)
// Outputs are centred on the mean of f(A), f(B) first: the first-order estimator is unbiased
// either way, but a large constant offset would multiply its sampling noise.
//
// Intervals: bootstrap percentile over the N base rows (a resample draws N row indices with
// replacement and takes rows A_j, B_j and every AB_ij together, so each resample is again a
// Saltelli design). The row indices come from RandomStream(seed, Stream::kBootstrap, step 1,
// resample), so intervals are reproducible and do not depend on the thread count.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pzsim::sensitivity {

// An estimate and its bootstrap percentile interval.
struct IndexEstimate {
  double value = 0.0;
  double lo = 0.0;
  double hi = 0.0;
  bool contains(double x) const { return lo <= x && x <= hi; }
};

struct FactorIndices {
  IndexEstimate first_order;  // S_i
  IndexEstimate total;        // ST_i
};

struct BootstrapSettings {
  int resamples = 1000;          // bootstrap resamples of the N base rows
  double level = 0.95;           // interval coverage
  std::uint64_t seed = 20100201; // resampling seed (fixed: intervals are reproducible)
};

struct SobolIndices {
  std::vector<FactorIndices> factors;  // in the design's column order
  double mean = 0.0;                   // of f(A), f(B)
  double variance = 0.0;               // of f(A), f(B) (denominator 2N - 1)
  std::size_t base_samples = 0;        // N
  int resamples = 0;
  double level = 0.0;
};

// Number of outputs a Saltelli design of N base samples and k factors has: N(k+2).
std::size_t saltelli_size(std::size_t base_samples, std::size_t factors);

// Indices of every factor from the N(k+2) outputs of a Saltelli design. Throws
// std::invalid_argument when the sizes disagree, N < 2, k < 1, an output is not finite, or
// the outputs do not vary (V = 0: indices are undefined).
SobolIndices sobol_indices(std::span<const double> outputs, std::size_t base_samples, std::size_t factors,
                           const BootstrapSettings& bootstrap = {});

}  // namespace pzsim::sensitivity
