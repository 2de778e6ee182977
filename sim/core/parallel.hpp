#pragma once
// The one place the model touches the thread pool. Loops split index ranges into blocks
// whose boundaries depend only on the range and the grain, never on the thread count, so
// every reduction adds the same numbers in the same order whatever the machine (the one
// exception, parallel_parts, is for bodies whose results cannot depend on the split).
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#ifdef PZSIM_PARALLEL_STD_THREADS
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#endif

namespace pzsim {

// Default grain: large enough to amortise task overhead, small enough to balance 2-64 cores.
inline constexpr std::size_t kDefaultGrain = 1024;

namespace detail {
// Parts for parallel_parts: one per thread of the current arena, at most one per index.
inline std::size_t part_count(std::size_t n) {
  return std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, oneapi::tbb::this_task_arena::max_concurrency())));
}
}  // namespace detail

#ifdef PZSIM_PARALLEL_STD_THREADS
// Only in the ThreadSanitizer build (scripts/test --sanitize, build-tsan/): the same loops on
// std::threads, which TSan sees, instead of TBB's uninstrumented worker threads, so a data
// race in the model's loop bodies is reported rather than hidden. The blocks are TBB's own
// (halve the range while it is larger than the grain, as blocked_range with
// simple_partitioner does) and reductions join them in the same tree, so results are
// bit-identical to the TBB build. Blocks go to as many threads as the task arena allows
// (--threads).
namespace detail {
// Appends the blocks of [begin, end) in order.
inline void split_blocks(std::size_t begin, std::size_t end, std::size_t grain, std::vector<std::pair<std::size_t, std::size_t>>& out) {
  if (end - begin <= grain) {
    out.emplace_back(begin, end);
    return;
  }
  const std::size_t middle = begin + (end - begin) / 2;
  split_blocks(begin, middle, grain, out);
  split_blocks(middle, end, grain, out);
}

template <class Block>
void run_blocks_on_threads(std::size_t blocks, Block&& block) {
  const std::size_t threads =
      std::min<std::size_t>(blocks, static_cast<std::size_t>(std::max(1, oneapi::tbb::this_task_arena::max_concurrency())));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&] {
    for (std::size_t b = next++; b < blocks; b = next++) {
      try {
        block(b);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

// Joins the blocks' results in the split tree of [begin, end); `leaf` walks them in order.
template <class T, class Join>
T join_tree(std::size_t begin, std::size_t end, std::size_t grain, std::vector<T>& results, std::size_t& leaf, Join& join) {
  if (end - begin <= grain) return std::move(results[leaf++]);
  const std::size_t middle = begin + (end - begin) / 2;
  T left = join_tree(begin, middle, grain, results, leaf, join);
  T right = join_tree(middle, end, grain, results, leaf, join);
  return join(std::move(left), std::move(right));
}
}  // namespace detail

template <class Body>
void parallel_for(std::size_t n, Body&& body, std::size_t grain = kDefaultGrain) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  detail::split_blocks(0, n, grain, blocks);
  detail::run_blocks_on_threads(blocks.size(), [&](std::size_t b) { body(blocks[b].first, blocks[b].second); });
}

template <class Body>
void parallel_parts(std::size_t n, Body&& body) {
  const std::size_t parts = detail::part_count(n);
  detail::run_blocks_on_threads(parts, [&](std::size_t p) { body(n * p / parts, n * (p + 1) / parts); });
}

template <class T, class Map, class Join>
T deterministic_reduce(std::size_t n, T identity, Map&& map, Join&& join, std::size_t grain = kDefaultGrain) {
  if (n == 0) return identity;
  grain = std::max<std::size_t>(grain, 1);
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  detail::split_blocks(0, n, grain, blocks);
  std::vector<T> results(blocks.size(), identity);
  detail::run_blocks_on_threads(blocks.size(), [&](std::size_t b) {
    results[b] = join(T(identity), map(blocks[b].first, blocks[b].second));
  });
  std::size_t leaf = 0;
  return detail::join_tree(0, n, grain, results, leaf, join);
}
#else

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

// Calls body(begin, end) on [0, n) split into one part per thread (one part on one thread).
// Unlike parallel_for, the split depends on the thread count, so this is only for bodies
// whose results cannot depend on it: each index's state is written by the one part that owns
// it, in an order that does not depend on where the part starts (e.g. crediting sellers,
// each part walking every sale in a fixed order and keeping only its own sellers'). A part
// per thread keeps such whole-input scans to one per thread.
template <class Body>
void parallel_parts(std::size_t n, Body&& body) {
  const std::size_t parts = detail::part_count(n);
  if (parts <= 1) {
    if (n > 0) body(std::size_t{0}, n);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<std::size_t>(0, parts, 1),
      [&](const oneapi::tbb::blocked_range<std::size_t>& r) {
        for (std::size_t p = r.begin(); p < r.end(); ++p) body(n * p / parts, n * (p + 1) / parts);
      },
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

#endif  // PZSIM_PARALLEL_STD_THREADS

namespace detail {
inline void append_block_starts(std::size_t begin, std::size_t end, std::size_t grain, std::vector<std::size_t>& out) {
  if (end - begin <= grain) {
    out.push_back(begin);
    return;
  }
  const std::size_t middle = begin + (end - begin) / 2;
  append_block_starts(begin, middle, grain, out);
  append_block_starts(middle, end, grain, out);
}
}  // namespace detail

// Where the blocks start that parallel_for and deterministic_reduce hand their bodies for
// [0, n) and this grain (a range is halved while it holds more than `grain` indices), in
// index order. A body that keeps a variable amount of output per block finds its block's
// ordinal here (std::lower_bound of its begin), so the output can be read in index order.
inline std::vector<std::size_t> block_starts(std::size_t n, std::size_t grain = kDefaultGrain) {
  std::vector<std::size_t> starts;
  if (n > 0) detail::append_block_starts(0, n, std::max<std::size_t>(grain, 1), starts);
  return starts;
}

// Runs each task once, in parallel: for tasks that write disjoint state (e.g. sums into
// different totals, each in its own fixed order), so the order they run in cannot matter.
template <class... Tasks>
void parallel_tasks(Tasks&&... tasks) {
  parallel_for(
      sizeof...(Tasks),
      [&](std::size_t first, std::size_t last) {
        for (std::size_t task = first; task < last; ++task) {
          std::size_t k = 0;
          ((k++ == task ? static_cast<void>(tasks()) : static_cast<void>(0)), ...);
        }
      },
      1);
}

// Calls body(owns) once per part, the parts in parallel, one part per thread; owns(key) says
// whether the part owns a key in [0, weight.size()). Each key is owned by one part; keys are
// dealt heaviest first to the lightest part, so the parts carry about equal weight. For totals
// by key (e.g. by city) that must add their indices in index order: a part walks every index
// in order and takes only its own keys', so each total gets the same additions in the same
// order as in one pass. The split depends on the thread count; the results cannot. Walking in
// index order, unlike visiting each key's indices in turn, keeps the memory access a stream.
template <class Body>
void parallel_key_parts(const std::vector<std::size_t>& weight, Body&& body) {
  const std::size_t keys = weight.size();
  const std::size_t parts = detail::part_count(keys);
  if (parts <= 1) {
    body([](std::size_t) { return true; });
    return;
  }
  std::vector<std::size_t> heaviest_first(keys);
  for (std::size_t k = 0; k < keys; ++k) heaviest_first[k] = k;
  std::stable_sort(heaviest_first.begin(), heaviest_first.end(), [&](std::size_t a, std::size_t b) { return weight[a] > weight[b]; });
  std::vector<std::size_t> load(parts, 0), owner(keys, 0);
  for (const std::size_t k : heaviest_first) {
    const auto lightest = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[k] = lightest;
    load[lightest] += weight[k];
  }
  parallel_parts(parts, [&](std::size_t first, std::size_t last) {
    for (std::size_t part = first; part < last; ++part) body([&owner, part](std::size_t key) { return owner[key] == part; });
  });
}

// How many of [0, n) have each key below `keys`: the weights for parallel_key_parts.
template <class Key>
std::vector<std::size_t> key_counts(std::size_t n, std::size_t keys, Key&& key) {
  std::vector<std::size_t> count(keys, 0);
  for (std::size_t i = 0; i < n; ++i) ++count[static_cast<std::size_t>(key(i))];
  return count;
}

// The join of a deterministic_reduce over vectors of sums or counts: a[i] += b[i], element by
// element (the left operand first, so each element's additions keep the reduction's order).
template <class T>
std::vector<T> add_elementwise(std::vector<T> a, const std::vector<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  return a;
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
