#pragma once
// Sobol' low-discrepancy sequence (unscrambled, Gray-code order, first point 0) with the
// direction numbers of S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654, file
// new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/), first 21 dimensions.
// The same sequence as scipy.stats.qmc.Sobol(d, scramble=False).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pzsim {

class SobolSequence {
 public:
  static constexpr std::size_t kMaxDimensions = 21;
  // InputError if dimensions is 0 or above kMaxDimensions.
  explicit SobolSequence(std::size_t dimensions);
  std::size_t dimensions() const { return dimensions_; }
  // Point `index` (0-based) in [0, 1)^d; index below 2^32.
  std::vector<double> point(std::uint64_t index) const;
  // Points first .. first + count - 1, row-major (count x d).
  std::vector<double> points(std::uint64_t first, std::size_t count) const;

 private:
  std::size_t dimensions_;
  std::vector<std::uint32_t> direction_;  // d x 32 direction numbers v_{j,k} (scaled by 2^32)
};

}  // namespace pzsim
