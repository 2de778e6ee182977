#pragma once
// Saltelli designs of the Ishigami function for the sensitivity tests, and a synthetic
// sweep.h5 in the contract-5 layout (written with the project's NcWriter), so the
// estimators and `pzsim sensitivity` are checked against indices known in closed form.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/io/h5.hpp"
#include "sim/sweep/design.hpp"

namespace pzsim::testing {

inline constexpr double kPi = 3.14159265358979323846;

// Ishigami function f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3.
struct Ishigami {
  double a = 7.0, b = 0.1;
  double operator()(double x1, double x2, double x3) const {
    return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
  }
  // Closed-form variances (Ishigami and Homma 1990; Saltelli et al. 2008, p. 179).
  double v1() const { return 0.5 * std::pow(1.0 + b * std::pow(kPi, 4) / 5.0, 2); }
  double v2() const { return a * a / 8.0; }
  double v13() const { return 8.0 * b * b * std::pow(kPi, 8) / 225.0; }
  double variance() const { return v1() + v2() + v13(); }
  std::vector<double> first_order() const { return {v1() / variance(), v2() / variance(), 0.0}; }
  std::vector<double> total() const { return {(v1() + v13()) / variance(), v2() / variance(), v13() / variance()}; }
};

// A Saltelli design of k factors uniform on [lo, hi]: points[p][c] for N(k+2) points in the
// contract-5 block order A, B, AB_1..AB_k. By default the sweep's own design (Sobol
// sequence, sim/sweep/design.hpp); with `monte_carlo_seed`, A and B are plain Monte Carlo
// draws from Philox instead (independent rows, as the bootstrap assumes).
inline std::vector<std::vector<double>> saltelli_points(std::size_t n, std::size_t k, double lo, double hi,
                                                        std::optional<std::uint64_t> monte_carlo_seed = std::nullopt) {
  std::vector<std::vector<double>> points;
  if (!monte_carlo_seed) {
    const std::vector<double> unit = saltelli_unit(n, k);
    for (std::size_t p = 0; p < n * (k + 2); ++p) {
      std::vector<double> row(k);
      for (std::size_t c = 0; c < k; ++c) row[c] = lo + (hi - lo) * unit[p * k + c];
      points.push_back(row);
    }
    return points;
  }
  std::vector<std::vector<double>> a(n, std::vector<double>(k)), b = a;
  for (std::size_t j = 0; j < n; ++j) {
    RandomStream rng(*monte_carlo_seed, Stream::kTest, 0, j);
    for (std::size_t c = 0; c < k; ++c) a[j][c] = lo + (hi - lo) * rng.uniform();
    for (std::size_t c = 0; c < k; ++c) b[j][c] = lo + (hi - lo) * rng.uniform();
  }
  points = a;
  points.insert(points.end(), b.begin(), b.end());
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      std::vector<double> row = a[j];
      row[i] = b[j][i];
      points.push_back(row);
    }
  return points;
}

// Writes DIR/sweep.h5 as `pzsim sweep` lays it out for a Saltelli design over x1, x2, x3 on
// [-pi, pi]: point dimension with a coordinate variable per factor, seed (2 seeds), time (24
// months, 2016-01..2017-12, days since 1970-01-01) and aggregate (nation, zone). Variable
// `ishigami` (point, seed, time, aggregate): nation is the Ishigami function in 2016 and
// 10 x3 in 2017; zone is 3 + 2 x2 throughout. The two seeds are the value +- 1 (the mean over
// seeds is the function).
struct IshigamiSweep {
  std::size_t base_samples = 64;
  long broken_point = -1;            // if not negative, this point's seed-2 run is NaN (failed)
  std::string design = "saltelli";   // root attribute `design`
  bool reversed_points = false;      // points in reverse order: not the contract's block order
};
inline void write_ishigami_sweep(const std::filesystem::path& dir, const IshigamiSweep& sweep = {}) {
  const std::size_t k = 3, n = sweep.base_samples;
  const long broken_point = sweep.broken_point;
  auto points = saltelli_points(n, k, -kPi, kPi);
  if (sweep.reversed_points) std::reverse(points.begin(), points.end());
  const Ishigami f;
  std::filesystem::create_directories(dir);
  h5::NcWriter w = h5::NcWriter::create(dir / "sweep.h5");
  w.set_attribute("design", sweep.design);
  w.set_attribute("saltelli_base_samples", static_cast<std::int64_t>(n));
  w.set_attribute("factors", "x1,x2,x3");
  std::vector<double> point_index(points.size());
  for (std::size_t p = 0; p < points.size(); ++p) point_index[p] = static_cast<double>(p);
  w.define_dimension("point", point_index, "1", "design point");
  w.define_dimension("seed", std::vector<double>{1.0, 2.0}, "1", "run seed");
  std::vector<double> days;
  for (int year = 2016; year <= 2017; ++year)
    for (unsigned month = 1; month <= 12; ++month)
      days.push_back(static_cast<double>(
          (std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / 1} - std::chrono::sys_days{}).count()));
  w.define_dimension("time", days, "days since 1970-01-01", "first day of the month");
  w.define_dimension("aggregate", std::vector<std::string>{"nation", "zone"}, "cities aggregated");
  for (const char* factor : {"x1", "x2", "x3"})
    w.define_variable({.name = factor, .dims = {"point"}, .long_name = std::string("factor ") + factor});
  w.define_variable({.name = "ishigami", .dims = {"point", "seed", "time", "aggregate"}, .units = "1", .long_name = "test output"});
  for (std::size_t c = 0; c < k; ++c) {
    std::vector<double> column;
    for (const auto& row : points) column.push_back(row[c]);
    w.write(std::string("x") + std::to_string(c + 1), column);
  }
  std::vector<double> values;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const auto& x = points[p];
    for (int seed = 0; seed < 2; ++seed)
      for (std::size_t t = 0; t < days.size(); ++t) {
        const double nation = t < 12 ? f(x[0], x[1], x[2]) : 10.0 * x[2];
        const double zone = 3.0 + 2.0 * x[1];
        const double noise = seed == 0 ? 1.0 : -1.0;
        const bool broken = seed == 1 && static_cast<long>(p) == broken_point;
        values.push_back(broken ? std::nan("") : nation + noise);
        values.push_back(broken ? std::nan("") : zone + noise);
      }
  }
  w.write("ishigami", values);
  w.close();
}

}  // namespace pzsim::testing
