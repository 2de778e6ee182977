#include "sim/sweep/sobol.hpp"

#include <array>
#include <string>

#include "sim/core/error.hpp"

namespace pzsim {

namespace {

// One row of new-joe-kuo-6.21201 (dimensions 2..21): degree s of the primitive polynomial,
// its coefficients a (bits of the inner terms) and the initial direction numbers m_1..m_s.
struct JoeKuoRow {
  unsigned s;
  unsigned a;
  std::array<unsigned, 7> m;
};

constexpr std::array<JoeKuoRow, 20> kJoeKuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
}};

constexpr unsigned kBits = 32;

}  // namespace

SobolSequence::SobolSequence(std::size_t dimensions) : dimensions_(dimensions), direction_(dimensions * kBits) {
  if (dimensions == 0 || dimensions > kMaxDimensions)
    throw InputError("a Sobol sequence needs 1 to " + std::to_string(kMaxDimensions) + " dimensions, not " +
                     std::to_string(dimensions));
  // Dimension 1: the van der Corput sequence in base 2 (all m_k = 1).
  for (unsigned k = 0; k < kBits; ++k) direction_[k] = 1u << (kBits - 1 - k);
  for (std::size_t j = 1; j < dimensions; ++j) {
    const JoeKuoRow& row = kJoeKuo[j - 1];
    std::uint32_t* v = &direction_[j * kBits];
    for (unsigned k = 0; k < row.s && k < kBits; ++k) v[k] = row.m[k] << (kBits - 1 - k);
    // v_k = a_1 v_{k-1} ^ ... ^ a_{s-1} v_{k-s+1} ^ v_{k-s} ^ (v_{k-s} >> s)
    for (unsigned k = row.s; k < kBits; ++k) {
      std::uint32_t value = v[k - row.s] ^ (v[k - row.s] >> row.s);
      for (unsigned i = 1; i < row.s; ++i)
        if ((row.a >> (row.s - 1 - i)) & 1u) value ^= v[k - i];
      v[k] = value;
    }
  }
}

std::vector<double> SobolSequence::point(std::uint64_t index) const { return points(index, 1); }

std::vector<double> SobolSequence::points(std::uint64_t first, std::size_t count) const {
  if (first + count > (std::uint64_t{1} << kBits)) throw InputError("Sobol index beyond 2^32");
  std::vector<double> out(count * dimensions_);
  // Gray-code order: point i is the XOR of the direction numbers of the set bits of
  // gray(i) = i ^ (i >> 1), so any point can be computed directly.
  for (std::size_t r = 0; r < count; ++r) {
    const std::uint64_t i = first + r;
    const std::uint64_t gray = i ^ (i >> 1);
    for (std::size_t j = 0; j < dimensions_; ++j) {
      std::uint32_t x = 0;
      for (unsigned k = 0; k < kBits; ++k)
        if ((gray >> k) & 1u) x ^= direction_[j * kBits + k];
      out[r * dimensions_ + j] = static_cast<double>(x) / 4294967296.0;
    }
  }
  return out;
}

}  // namespace pzsim
