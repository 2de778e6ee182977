#pragma once
// Sweep designs: which factor values each point of a sweep gets.
//   grid      every combination of each factor's levels (last factor fastest)
//   list      points written out one by one
//   lhs       Latin hypercube: `samples` points, each factor's range cut into `samples`
//             equal strata with exactly one point in each (permutations and offsets drawn
//             from RandomStream(design seed, kSweepDesign, factor, 0))
//   saltelli  Saltelli's scheme for Sobol' indices: N base samples from a Sobol' sequence of
//             2k dimensions, rows M..M+N-1 with M the smallest power of two >= N (the first
//             rows, the origin and points like (0.5, ..., 0.5), have A and B columns equal,
//             so their AB_i would repeat A; for N a power of two, rows N..2N-1 are as evenly
//             spread as rows 0..N-1), A = its first k columns, B = the next k; points are
//             A (N rows), B (N rows), then AB_1..AB_k (N rows each; AB_i = A with column i
//             taken from B): N (k + 2) points.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/yaml_tree.hpp"

namespace pzsim {

enum class DesignKind { grid, list, lhs, saltelli };
std::string_view design_name(DesignKind kind);

struct Factor {
  std::string key;                  // scenario key path, as for --set (zones.finance.strength)
  std::vector<std::string> levels;  // grid: the values as written (YAML text); list: unused
  double min = 0.0, max = 0.0;      // lhs and saltelli: the sampled range [min, max]
  yaml::Position pos;               // where the factor was written (for errors)
};

struct Design {
  DesignKind kind = DesignKind::grid;
  std::vector<Factor> factors;                        // column order
  std::vector<std::vector<std::string>> list_points;  // list: one value (YAML text) per factor per point
  std::size_t samples = 0;                            // lhs: points; saltelli: base samples N
  std::uint64_t seed = 1;                             // lhs: seed of the strata permutations
};

// Number of points the design has.
std::size_t point_count(const Design& design);

// The points, each one value per factor (override text: grid and list values as written,
// sampled values as %.17g so they parse back to the same double).
std::vector<std::vector<std::string>> design_points(const Design& design);

// Sampled designs in the unit cube, row-major (points x factors), before scaling to
// [min, max]; for tests and `design_points`.
std::vector<double> latin_hypercube_unit(std::size_t samples, std::size_t factors, std::uint64_t seed);
std::vector<double> saltelli_unit(std::size_t base_samples, std::size_t factors);
// The first Sobol' row a saltelli design of N base samples uses.
std::uint64_t saltelli_skip(std::size_t base_samples);

}  // namespace pzsim
