// Tests of sim/core/parallel.hpp: parallel_for coverage and block boundaries, and the
// bit-for-bit determinism of deterministic_reduce / deterministic_sum across thread counts.
#include "sim/core/parallel.hpp"

#include <catch2/catch.hpp>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <numeric>
#include <utility>
#include <vector>

#include "sim/core/rng.hpp"

using pzsim::RandomStream;
using pzsim::Stream;

namespace {

constexpr int kArenaSizes[] = {1, 2, 3, 8};

// Lets arenas of 8 really get 8 threads on a smaller machine (the default soft limit is
// the hardware concurrency), so the thread-count comparisons mean something.
oneapi::tbb::global_control& allow_oversubscription() {
  static oneapi::tbb::global_control control(oneapi::tbb::global_control::max_allowed_parallelism, 8);
  return control;
}

template <class F>
auto in_arena(int threads, F&& f) {
  allow_oversubscription();
  oneapi::tbb::task_arena arena(threads);
  return arena.execute(std::forward<F>(f));
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// The leaves of the split tree that blocked_range + simple_partitioner make of [b, e):
// halve at the midpoint while the range is longer than the grain.
void reference_blocks(std::size_t b, std::size_t e, std::size_t grain,
                      std::vector<std::pair<std::size_t, std::size_t>>& out) {
  if (e - b > grain) {
    const std::size_t m = b + (e - b) / 2;
    reference_blocks(b, m, grain, out);
    reference_blocks(m, e, grain, out);
  } else {
    out.emplace_back(b, e);
  }
}

// Sequential emulation of the documented reduction: join(identity, map(leaf)) at each
// leaf, join(left, right) at each split.
template <class T, class Map, class Join>
T reference_reduce(std::size_t b, std::size_t e, std::size_t grain, const T& identity, Map& map, Join& join) {
  if (e - b > grain) {
    const std::size_t m = b + (e - b) / 2;
    T left = reference_reduce(b, m, grain, identity, map, join);
    T right = reference_reduce(m, e, grain, identity, map, join);
    return join(std::move(left), std::move(right));
  }
  return join(T(identity), map(b, e));
}

// Exact sum of doubles rounded once at the end (Shewchuk's algorithm, as Python's
// math.fsum): the partials are non-overlapping and their sum is exact.
double exact_sum(const std::vector<double>& xs) {
  std::vector<double> partials;
  for (double x : xs) {
    std::size_t i = 0;
    for (double y : partials) {
      if (std::abs(x) < std::abs(y)) std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0.0) partials[i++] = lo;
      x = hi;
    }
    partials.resize(i);
    partials.push_back(x);
  }
  // Adding the non-overlapping partials from the largest down loses at most a few ulps
  // of the result, far inside the tolerances used below.
  double s = 0.0;
  for (auto it = partials.rbegin(); it != partials.rend(); ++it) s += *it;
  return s;
}

// Doubles whose sum depends strongly on the order of addition: random magnitudes from
// 1e-16 to 1e16 with random signs, plus +-1e16 pairs planted far apart so that whether
// small values are absorbed depends on where the big ones meet.
std::vector<double> wild_values(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    RandomStream rng(987654321, Stream::kTest, 11, i);
    const double magnitude = std::pow(10.0, static_cast<double>(rng.below(33)) - 16.0);
    v[i] = (rng.bernoulli(0.5) ? 1.0 : -1.0) * magnitude * (1.0 + rng.uniform());
  }
  for (std::size_t i = 0; i + n / 2 < n; i += 997) {
    v[i] = 1e16;
    v[i + n / 2] = -1e16;
  }
  if (n > 3) {
    v[0] = 1e16;
    v[1] = 1.0;
    v[2] = -1e16;
    v[3] = 3.14;
  }
  return v;
}

// amount[i] added into sums[key[i]] with the items walked backwards: the precondition of the
// fixed-order tests (for their data, reversing the order must change some sum).
std::vector<double> sums_backwards(std::size_t keys, const std::vector<std::size_t>& key, const std::vector<double>& amount) {
  std::vector<double> sums(keys, 0.0);
  for (std::size_t i = key.size(); i-- > 0;) sums[key[i]] += amount[i];
  return sums;
}

// How many elements of two vectors of sums differ in any bit.
std::size_t bit_differences(const std::vector<double>& a, const std::vector<double>& b) {
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differing += bits(a[i]) == bits(b[i]) ? 0 : 1;
  return differing;
}

}  // namespace

TEST_CASE("parallel_for visits each index exactly once", "[core][parallel]") {
  for (std::size_t n : {0u, 1u, 1023u, 1024u, 1025u, 100000u}) {
    for (std::size_t grain : {1u, 7u, 1024u, 4096u}) {
      for (int threads : {1, 3}) {
        INFO("n = " << n << ", grain = " << grain << ", threads = " << threads);
        std::vector<std::atomic<int>> visits(n);
        std::atomic<bool> bad_block{false};
        std::atomic<std::size_t> calls{0};
        in_arena(threads, [&] {
          pzsim::parallel_for(
              n,
              [&](std::size_t b, std::size_t e) {
                ++calls;
                if (!(b < e && e <= n && e - b <= grain)) bad_block = true;
                for (std::size_t i = b; i < std::min(e, n); ++i) visits[i].fetch_add(1, std::memory_order_relaxed);
              },
              grain);
        });
        CHECK_FALSE(bad_block);
        std::size_t wrong = 0;
        for (const auto& v : visits) wrong += v.load() == 1 ? 0 : 1;
        CHECK(wrong == 0);
        if (n == 0) CHECK(calls == 0);
        // Blocks are never smaller than needed: about n / grain of them, not one per index.
        if (n > 0) CHECK(calls.load() <= 2 * ((n + grain - 1) / grain));
      }
    }
  }
}

TEST_CASE("parallel_for blocks depend only on n and grain", "[core][parallel]") {
  for (std::size_t n : {1025u, 100000u}) {
    for (std::size_t grain : {1u, 1000u, 1024u}) {
      INFO("n = " << n << ", grain = " << grain);
      std::vector<std::pair<std::size_t, std::size_t>> expected;
      reference_blocks(0, n, grain, expected);
      for (int threads : kArenaSizes) {
        INFO("threads = " << threads);
        std::mutex mutex;
        std::vector<std::pair<std::size_t, std::size_t>> blocks;
        in_arena(threads, [&] {
          pzsim::parallel_for(
              n,
              [&](std::size_t b, std::size_t e) {
                std::lock_guard lock(mutex);
                blocks.emplace_back(b, e);
              },
              grain);
        });
        std::sort(blocks.begin(), blocks.end());
        CHECK(blocks == expected);
      }
    }
  }
}

TEST_CASE("deterministic_sum is bit-identical at any thread count", "[core][parallel]") {
  const std::size_t n = 200003;  // not a multiple of any grain used
  const std::vector<double> v = wild_values(n);
  // Precondition: the data really is order-sensitive, or identical results would prove
  // nothing. Left-to-right and right-to-left sums differ.
  double forward = 0.0, backward = 0.0;
  for (double x : v) forward += x;
  for (auto it = v.rbegin(); it != v.rend(); ++it) backward += *it;
  REQUIRE(bits(forward) != bits(backward));

  const double exact = exact_sum(v);
  double sum_abs = 0.0;
  for (double x : v) sum_abs += std::abs(x);

  for (std::size_t grain : {1u, 1024u, 5000u}) {
    INFO("grain = " << grain);
    auto f = [&](std::size_t i) { return v[i]; };
    const double reference = in_arena(1, [&] { return pzsim::deterministic_sum(n, f, grain); });
    for (int threads : kArenaSizes) {
      for (int rep = 0; rep < 4; ++rep) {
        INFO("threads = " << threads << ", repetition " << rep);
        const double s = in_arena(threads, [&] { return pzsim::deterministic_sum(n, f, grain); });
        CHECK(bits(s) == bits(reference));
      }
    }
    // The documented order: blocks of `grain` summed left to right from 0.0, joined in
    // the midpoint split tree.
    auto map = [&](std::size_t b, std::size_t e) {
      double s = 0.0;
      for (std::size_t i = b; i < e; ++i) s += v[i];
      return s;
    };
    auto join = [](double a, double b) { return a + b; };
    CHECK(bits(reference) == bits(reference_reduce(0, n, grain, 0.0, map, join)));
    // Close to the exact sum: any order of n additions errs by at most
    // (n - 1) u sum|x_i| (u = 2^-53); the tree order here has depth well under 64 plus
    // `grain` sequential additions, so (grain + 64) u sum|x_i| bounds it.
    const double u = std::numeric_limits<double>::epsilon() / 2;
    const double bound = static_cast<double>(grain + 64) * u * sum_abs;
    INFO("exact " << exact << ", deterministic " << reference << ", bound " << bound);
    CHECK(std::abs(reference - exact) <= bound);
  }
}

TEST_CASE("deterministic_sum adds every index exactly once", "[core][parallel]") {
  // Integer-valued doubles whose sums are exact in any order, so the expected value is
  // known exactly: a lost or duplicated block would show.
  for (std::size_t n : {0u, 1u, 1023u, 1024u, 1025u, 100000u}) {
    for (int threads : {1, 3, 8}) {
      INFO("n = " << n << ", threads = " << threads);
      std::atomic<std::size_t> calls{0};
      const double s = in_arena(threads, [&] {
        return pzsim::deterministic_sum(n, [&](std::size_t i) {
          ++calls;
          return static_cast<double>(i) * static_cast<double>(i % 7 + 1);
        });
      });
      double expected = 0.0;
      for (std::size_t i = 0; i < n; ++i) expected += static_cast<double>(i) * static_cast<double>(i % 7 + 1);
      CHECK(s == expected);
      CHECK(calls == n);
    }
  }
  CHECK(pzsim::deterministic_reduce<double>(0, 42.0, [](std::size_t, std::size_t) { return 1.0; },
                                            [](double a, double b) { return a + b; }) == 42.0);
}

TEST_CASE("deterministic_reduce with a vector value is identical at any thread count", "[core][parallel]") {
  const std::size_t n = 150001;
  const std::size_t buckets = 16;
  const std::vector<double> v = wild_values(n);
  std::vector<std::size_t> bucket(n);
  for (std::size_t i = 0; i < n; ++i) bucket[i] = RandomStream(5, Stream::kTest, 12, i).below(buckets);

  auto map = [&](std::size_t b, std::size_t e) {
    std::vector<double> s(buckets, 0.0);
    for (std::size_t i = b; i < e; ++i) s[bucket[i]] += v[i];
    return s;
  };
  auto join = [](std::vector<double> a, const std::vector<double>& b) {
    for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
    return a;
  };
  const std::vector<double> identity(buckets, 0.0);
  auto run = [&](int threads, std::size_t grain) {
    return in_arena(threads, [&] { return pzsim::deterministic_reduce(n, identity, map, join, grain); });
  };
  auto as_bits = [](const std::vector<double>& x) {
    std::vector<std::uint64_t> b;
    for (double d : x) b.push_back(bits(d));
    return b;
  };

  for (std::size_t grain : {1u, 1024u}) {
    INFO("grain = " << grain);
    const auto reference = run(1, grain);
    REQUIRE(reference.size() == buckets);
    for (int threads : kArenaSizes) {
      for (int rep = 0; rep < 3; ++rep) {
        INFO("threads = " << threads << ", repetition " << rep);
        CHECK(as_bits(run(threads, grain)) == as_bits(reference));
      }
    }
    CHECK(as_bits(reference) == as_bits(reference_reduce(0, n, grain, identity, map, join)));
    // Each bucket is close to its exact sum (same bound as for deterministic_sum).
    const double u = std::numeric_limits<double>::epsilon() / 2;
    for (std::size_t k = 0; k < buckets; ++k) {
      std::vector<double> members;
      double sum_abs = 0.0;
      for (std::size_t i = 0; i < n; ++i)
        if (bucket[i] == k) {
          members.push_back(v[i]);
          sum_abs += std::abs(v[i]);
        }
      INFO("bucket " << k);
      CHECK(std::abs(reference[k] - exact_sum(members)) <= static_cast<double>(grain + 64) * u * sum_abs);
    }
  }
}

TEST_CASE("deterministic_reduce joins blocks in index order", "[core][parallel]") {
  // Concatenation is not commutative: the result lists 0..n-1 in order only if every
  // join puts the left range first.
  const std::size_t n = 30011;
  std::vector<std::uint32_t> expected(n);
  std::iota(expected.begin(), expected.end(), 0u);
  auto map = [](std::size_t b, std::size_t e) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = b; i < e; ++i) out.push_back(static_cast<std::uint32_t>(i));
    return out;
  };
  auto join = [](std::vector<std::uint32_t> a, const std::vector<std::uint32_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  for (int threads : kArenaSizes) {
    for (std::size_t grain : {1u, 100u, 1024u}) {
      INFO("threads = " << threads << ", grain = " << grain);
      const auto got = in_arena(threads, [&] {
        return pzsim::deterministic_reduce(n, std::vector<std::uint32_t>{}, map, join, grain);
      });
      CHECK(got == expected);
    }
  }
}

TEST_CASE("block_starts lists where deterministic_reduce's blocks start, in index order", "[core][parallel]") {
  // The begins the reduction hands its map, joined by concatenation (so in index order).
  auto map = [](std::size_t b, std::size_t) { return std::vector<std::size_t>{b}; };
  auto join = [](std::vector<std::size_t> a, const std::vector<std::size_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  for (std::size_t n : {0u, 1u, 1024u, 1025u, 30011u, 262144u}) {
    for (std::size_t grain : {1u, 100u, 1024u}) {
      if (grain == 1 && n > 30011) continue;
      INFO("n = " << n << ", grain = " << grain);
      const std::vector<std::size_t> starts = pzsim::block_starts(n, grain);
      for (int threads : kArenaSizes) {
        INFO("threads = " << threads);
        const auto got = in_arena(threads, [&] {
          return pzsim::deterministic_reduce(n, std::vector<std::size_t>{}, map, join, grain);
        });
        CHECK(starts == got);
      }
    }
  }
  CHECK(pzsim::block_starts(4000) == pzsim::block_starts(4000, pzsim::kDefaultGrain));
}

TEST_CASE("parallel_parts covers every index from 0 to n once, one part per thread", "[core][parallel]") {
  for (std::size_t n : {0u, 1u, 2u, 7u, 100000u}) {
    for (int threads : kArenaSizes) {
      INFO("n = " << n << ", threads = " << threads);
      std::mutex mutex;
      std::vector<std::pair<std::size_t, std::size_t>> parts;
      in_arena(threads, [&] {
        pzsim::parallel_parts(n, [&](std::size_t b, std::size_t e) {
          std::lock_guard lock(mutex);
          parts.emplace_back(b, e);
        });
      });
      std::sort(parts.begin(), parts.end());
      CHECK(parts.size() == std::min<std::size_t>(n, static_cast<std::size_t>(threads)));
      std::size_t next = 0;
      for (const auto& [b, e] : parts) {
        CHECK(b == next);  // contiguous, no gap or overlap
        CHECK(b < e);      // no empty part
        next = e;
      }
      CHECK(next == n);
    }
  }
}

TEST_CASE("parallel_parts: owner-filtered sums in a fixed order are identical at any thread count",
          "[core][parallel]") {
  // The use it exists for: many order-sensitive additions into a few accounts, each part
  // walking all of them in order and keeping its own accounts' (shop_cbec credits sellers so).
  const std::size_t accounts = 97, payments = 50000;
  const std::vector<double> amount = wild_values(payments);
  std::vector<std::size_t> payee(payments);
  for (std::size_t p = 0; p < payments; ++p) payee[p] = RandomStream(1, Stream::kTest, 0, p).below(accounts);
  const auto credit = [&](int threads) {
    std::vector<double> balance(accounts, 0.0);
    in_arena(threads, [&] {
      pzsim::parallel_parts(accounts, [&](std::size_t first, std::size_t last) {
        for (std::size_t p = 0; p < payments; ++p)
          if (payee[p] >= first && payee[p] < last) balance[payee[p]] += amount[p];
      });
    });
    return balance;
  };
  const std::vector<double> reference = credit(1);
  // Precondition: the order matters for this data (reversed, some account's balance differs).
  REQUIRE(bit_differences(sums_backwards(accounts, payee, amount), reference) > 0);
  for (int threads : kArenaSizes) {
    INFO("threads = " << threads);
    CHECK(bit_differences(credit(threads), reference) == 0);
  }
}

TEST_CASE("parallel_tasks runs each task exactly once", "[core][parallel]") {
  for (int threads : kArenaSizes) {
    INFO("threads = " << threads);
    std::atomic<int> runs[4] = {0, 0, 0, 0};
    in_arena(threads, [&] {
      pzsim::parallel_tasks([&] { ++runs[0]; }, [&] { ++runs[1]; }, [&] { ++runs[2]; });
      pzsim::parallel_tasks([&] { ++runs[3]; });
    });
    for (const auto& count : runs) CHECK(count.load() == 1);
  }
}

TEST_CASE("parallel_key_parts: each key has one owner, one part per thread, parts of about equal weight",
          "[core][parallel]") {
  const std::vector<std::size_t> weight = {700, 80, 150, 760, 300, 90, 520, 0, 240, 410, 130};
  const std::size_t heaviest = *std::max_element(weight.begin(), weight.end());
  for (int threads : kArenaSizes) {
    INFO("threads = " << threads);
    std::mutex mutex;
    std::vector<std::vector<std::uint8_t>> owned;  // per part: owns(key) for every key
    in_arena(threads, [&] {
      pzsim::parallel_key_parts(weight, [&](const auto& owns) {
        std::vector<std::uint8_t> mine(weight.size());
        for (std::size_t k = 0; k < weight.size(); ++k) mine[k] = owns(k) ? 1 : 0;
        std::lock_guard lock(mutex);
        owned.push_back(std::move(mine));
      });
    });
    CHECK(owned.size() == std::min<std::size_t>(weight.size(), static_cast<std::size_t>(threads)));
    std::size_t lightest = SIZE_MAX, heaviest_part = 0;
    for (const auto& mine : owned) {
      std::size_t load = 0;
      for (std::size_t k = 0; k < weight.size(); ++k) load += mine[k] ? weight[k] : 0;
      lightest = std::min(lightest, load);
      heaviest_part = std::max(heaviest_part, load);
    }
    CHECK(heaviest_part - lightest <= heaviest);  // dealt heaviest first to the lightest part
    for (std::size_t k = 0; k < weight.size(); ++k) {
      std::size_t owners = 0;
      for (const auto& mine : owned) owners += mine[k];
      CHECK(owners == 1);
    }
  }
}

TEST_CASE("parallel_key_parts: sums by key in index order are identical at any thread count", "[core][parallel]") {
  // The use it exists for: totals by city, each adding its firms in slot order.
  const std::size_t keys = 20, items = 50000;
  const std::vector<double> amount = wild_values(items);
  std::vector<std::size_t> key(items);
  for (std::size_t i = 0; i < items; ++i) key[i] = RandomStream(2, Stream::kTest, 0, i).below(keys);
  const std::vector<std::size_t> weight = pzsim::key_counts(items, keys, [&](std::size_t i) { return key[i]; });
  CHECK(std::accumulate(weight.begin(), weight.end(), std::size_t{0}) == items);
  CHECK(weight[key[0]] > 0);
  const auto totals = [&](int threads) {
    std::vector<double> total(keys, 0.0);
    in_arena(threads, [&] {
      pzsim::parallel_key_parts(weight, [&](const auto& owns) {
        std::vector<double> own(keys, 0.0);
        for (std::size_t i = 0; i < items; ++i)
          if (owns(key[i])) own[key[i]] += amount[i];
        for (std::size_t k = 0; k < keys; ++k)
          if (owns(k)) total[k] = own[k];
      });
    });
    return total;
  };
  std::vector<double> serial(keys, 0.0);
  for (std::size_t i = 0; i < items; ++i) serial[key[i]] += amount[i];
  // Precondition: the order matters for this data (reversed, some key's total differs).
  REQUIRE(bit_differences(sums_backwards(keys, key, amount), serial) > 0);
  for (int threads : kArenaSizes) {
    INFO("threads = " << threads);
    CHECK(bit_differences(totals(threads), serial) == 0);
  }
}
