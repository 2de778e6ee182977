#pragma once
// The one place the model touches the thread pool. Loops split index ranges into blocks
// whose boundaries depend only on the range and the grain, never on the thread count, so
// every reduction adds the same numbers in the same order whatever the machine.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/partitioner.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace pzsim {

// Default grain: large enough to amortise task overhead, small enough to balance 2-64 cores.
inline constexpr std::size_t kDefaultGrain = 1024;

// Calls body(begin, end) over [0, n) in parallel. The body must only write state owned by
// indices in [begin, end) (or thread-private scratch): that is what makes it deterministic.
template <class Body>
void parallel_for(std::size_t n, Body&& body, std::size_t grain = kDefaultGrain) {
  if (n == 0) return;
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<std::size_t>(0, n, grain),
      [&](const oneapi::tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); },
      oneapi::tbb::simple_partitioner{});
}

// Deterministic reduction over [0, n): map(begin, end) -> T for fixed blocks of `grain`
// indices, combined with join(T, T) in a split tree fixed by n and grain alone
// (parallel_deterministic_reduce with simple_partitioner), so the floating-point result
// is bit-identical at any thread count.
template <class T, class Map, class Join>
T deterministic_reduce(std::size_t n, T identity, Map&& map, Join&& join,
                       std::size_t grain = kDefaultGrain) {
  if (n == 0) return identity;
  return oneapi::tbb::parallel_deterministic_reduce(
      oneapi::tbb::blocked_range<std::size_t>(0, n, grain), identity,
      [&](const oneapi::tbb::blocked_range<std::size_t>& r, T acc) {
        return join(std::move(acc), map(r.begin(), r.end()));
      },
      join, oneapi::tbb::simple_partitioner{});
}

// Deterministic sum of f(i) over [0, n).
template <class F>
double deterministic_sum(std::size_t n, F&& f, std::size_t grain = kDefaultGrain) {
  return deterministic_reduce<double>(
      n, 0.0,
      [&](std::size_t b, std::size_t e) {
        double s = 0.0;
        for (std::size_t i = b; i < e; ++i) s += f(i);
        return s;
      },
      [](double a, double b) { return a + b; }, grain);
}

}  // namespace pzsim
