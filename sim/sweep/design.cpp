#include "sim/sweep/design.hpp"

#include <cstdio>
#include <numeric>

#include "sim/core/error.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/text.hpp"
#include "sim/sweep/sobol.hpp"

namespace pzsim {

std::string_view design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid: return "grid";
    case DesignKind::list: return "list";
    case DesignKind::lhs: return "lhs";
    case DesignKind::saltelli: return "saltelli";
  }
  return "?";
}

std::size_t point_count(const Design& d) {
  switch (d.kind) {
    case DesignKind::grid: {
      std::size_t n = d.factors.empty() ? 0 : 1;
      for (const auto& f : d.factors) n *= f.levels.size();
      return n;
    }
    case DesignKind::list: return d.list_points.size();
    case DesignKind::lhs: return d.samples;
    case DesignKind::saltelli: return d.samples * (d.factors.size() + 2);
  }
  return 0;
}

std::vector<double> latin_hypercube_unit(std::size_t samples, std::size_t factors, std::uint64_t seed) {
  std::vector<double> out(samples * factors);
  for (std::size_t j = 0; j < factors; ++j) {
    RandomStream rng(seed, Stream::kSweepDesign, static_cast<std::uint32_t>(j), 0);
    std::vector<std::size_t> stratum(samples);
    std::iota(stratum.begin(), stratum.end(), std::size_t{0});
    for (std::size_t i = samples; i > 1; --i) std::swap(stratum[i - 1], stratum[rng.below(i)]);  // Fisher-Yates
    for (std::size_t i = 0; i < samples; ++i)
      out[i * factors + j] = (static_cast<double>(stratum[i]) + rng.uniform()) / static_cast<double>(samples);
  }
  return out;
}

std::uint64_t saltelli_skip(std::size_t n) {
  std::uint64_t m = 1;
  while (m < n) m <<= 1;
  return m;
}

std::vector<double> saltelli_unit(std::size_t n, std::size_t k) {
  if (2 * k > SobolSequence::kMaxDimensions)
    throw InputError("a saltelli design takes at most " + std::to_string(SobolSequence::kMaxDimensions / 2) + " factors, not " +
                     std::to_string(k));
  const SobolSequence sobol(2 * k);
  const std::vector<double> base = sobol.points(saltelli_skip(n), n);  // n x 2k
  std::vector<double> out(n * (k + 2) * k);
  const auto a = [&](std::size_t r, std::size_t j) { return base[r * 2 * k + j]; };
  const auto b = [&](std::size_t r, std::size_t j) { return base[r * 2 * k + k + j]; };
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t j = 0; j < k; ++j) {
      out[r * k + j] = a(r, j);
      out[(n + r) * k + j] = b(r, j);
      for (std::size_t i = 0; i < k; ++i) out[((2 + i) * n + r) * k + j] = j == i ? b(r, j) : a(r, j);
    }
  return out;
}

std::vector<std::vector<std::string>> design_points(const Design& d) {
  const std::size_t k = d.factors.size(), n = point_count(d);
  std::vector<std::vector<std::string>> points(n, std::vector<std::string>(k));
  switch (d.kind) {
    case DesignKind::grid:
      for (std::size_t p = 0; p < n; ++p) {
        std::size_t rest = p;
        for (std::size_t j = k; j-- > 0;) {  // last factor fastest
          const std::size_t levels = d.factors[j].levels.size();
          points[p][j] = d.factors[j].levels[rest % levels];
          rest /= levels;
        }
      }
      break;
    case DesignKind::list: points = d.list_points; break;
    case DesignKind::lhs:
    case DesignKind::saltelli: {
      const std::vector<double> unit =
          d.kind == DesignKind::lhs ? latin_hypercube_unit(d.samples, k, d.seed) : saltelli_unit(d.samples, k);
      for (std::size_t p = 0; p < n; ++p)
        for (std::size_t j = 0; j < k; ++j) {
          const Factor& f = d.factors[j];
          points[p][j] = text::exact_text(f.min + unit[p * k + j] * (f.max - f.min));
        }
      break;
    }
  }
  return points;
}

}  // namespace pzsim
