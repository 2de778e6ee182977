// Tests of the counter-based random numbers in sim/core/rng.hpp: the same coordinates give
// the same numbers, draw indices and blocks, independence across coordinates, and the
// grouped and sequential uniform32 helpers. The distributions are in
// test_rng_distributions.cpp; the tolerances of the statistical checks in rng_test_stats.hpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include "sim/core/rng.hpp"
#include "tests/core/rng_test_stats.hpp"

using pzsim::AliasTable;
using pzsim::RandomStream;
using pzsim::Stream;
using namespace pzsim::testing::rng;

// ---------------------------------------------------------------------------------------
// Reproducibility and draw indices

TEST_CASE("RandomStream: same coordinates give the same sequence", "[core][rng]") {
  const std::vector<double> weights{0.5, 2.0, 0.0, 1.5};
  auto run = [&](RandomStream rng) {
    std::vector<std::uint64_t> out;
    for (int rep = 0; rep < 50; ++rep) {
      out.push_back(bits(rng.uniform()));
      out.push_back(bits(rng.normal()));
      out.push_back(rng.poisson(0.7));
      out.push_back(rng.poisson(12.0));
      out.push_back(rng.poisson(150.0));
      out.push_back(rng.below(1000003));
      out.push_back(bits(rng.lognormal(0.1, 0.8)));
      out.push_back(bits(rng.exponential(3.0)));
      out.push_back(bits(rng.pareto(1.0, 2.5)));
      out.push_back(rng.bernoulli(0.3) ? 1 : 0);
      out.push_back(rng.categorical(weights));
      out.push_back(bits(rng.uniform32(7, static_cast<std::uint32_t>(rep))));
      out.push_back(rng.draws_used());
    }
    return out;
  };
  const auto a = run(RandomStream(kSeed, Stream::kAdoption, 17, 123456789));
  const auto b = run(RandomStream(kSeed, Stream::kAdoption, 17, 123456789));
  REQUIRE(a.size() == 50 * 13);
  CHECK(a == b);
  // And the sequence is not degenerate: the uniforms of one stream are all distinct.
  std::set<std::uint64_t> uniforms;
  for (std::size_t i = 0; i < a.size(); i += 13) uniforms.insert(a[i]);
  CHECK(uniforms.size() == 50);
}

TEST_CASE("RandomStream: at(k) jumps to draw index k", "[core][rng]") {
  // A fresh stream's k-th uniform (0-based) equals at(k).uniform() on another fresh stream.
  RandomStream sequential(kSeed, Stream::kMarketEntry, 3, 42);
  std::vector<double> seq;
  for (int k = 0; k < 300; ++k) seq.push_back(sequential.uniform());
  CHECK(sequential.draws_used() == 300);
  for (std::uint32_t k : {0u, 1u, 2u, 3u, 4u, 5u, 8u, 63u, 64u, 100u, 255u, 299u}) {
    RandomStream jumped(kSeed, Stream::kMarketEntry, 3, 42);
    INFO("k = " << k);
    CHECK(bits(jumped.at(k).uniform()) == bits(seq[k]));
    CHECK(jumped.draws_used() == k + 1);
  }
  // Jumping backwards replays; jumping forward skips without consuming.
  RandomStream rng(kSeed, Stream::kMarketEntry, 3, 42);
  CHECK(bits(rng.at(200).uniform()) == bits(seq[200]));
  CHECK(bits(rng.uniform()) == bits(seq[201]));
  CHECK(bits(rng.at(5).uniform()) == bits(seq[5]));
  // Every typed draw uses exactly one index (normal included), so at(k) lines up for them too.
  RandomStream n1(kSeed, Stream::kMarketEntry, 3, 42);
  std::vector<double> normals;
  for (int k = 0; k < 20; ++k) normals.push_back(n1.normal());
  CHECK(n1.draws_used() == 20);
  RandomStream n2(kSeed, Stream::kMarketEntry, 3, 42);
  CHECK(bits(n2.at(13).normal()) == bits(normals[13]));
  RandomStream b1(kSeed, Stream::kMarketEntry, 3, 42);
  std::vector<std::uint64_t> belows;
  for (int k = 0; k < 20; ++k) belows.push_back(b1.below(1u << 30));
  RandomStream b2(kSeed, Stream::kMarketEntry, 3, 42);
  CHECK(b2.at(11).below(1u << 30) == belows[11]);
  // Large indices work (the draw index is a full 32-bit word).
  RandomStream far1(kSeed, Stream::kMarketEntry, 3, 42);
  RandomStream far2(kSeed, Stream::kMarketEntry, 3, 42);
  const double x = far1.at(0xFFFFFFF0u).uniform();
  CHECK(bits(x) == bits(far2.at(0xFFFFFFF0u).uniform()));
  CHECK(bits(x) != bits(seq[0]));
}

TEST_CASE("RandomStream: uniform32 is a pure function of (first_block, k)", "[core][rng]") {
  RandomStream rng(kSeed, Stream::kSuspension, 9, 777);
  const double first = rng.uniform32(100, 5);
  CHECK(rng.draws_used() == 0);  // does not move the draw counter
  CHECK(bits(rng.uniform32(100, 5)) == bits(first));
  RandomStream other(kSeed, Stream::kSuspension, 9, 777);
  other.uniform();
  other.uniform();
  CHECK(bits(other.uniform32(100, 5)) == bits(first));  // independent of the counter
  // Four draws per block: k = 4..7 from first_block are k = 0..3 from first_block + 1.
  for (std::uint32_t k = 0; k < 16; ++k) {
    INFO("k = " << k);
    CHECK(bits(rng.uniform32(100, k + 4)) == bits(rng.uniform32(101, k)));
  }
  // The four words of one block are distinct values.
  std::set<std::uint64_t> words;
  for (std::uint32_t k = 0; k < 4; ++k) words.insert(bits(rng.uniform32(100, k)));
  CHECK(words.size() == 4);
}

// ---------------------------------------------------------------------------------------
// Independence

TEST_CASE("RandomStream: changing any coordinate changes the numbers", "[core][rng]") {
  auto first4 = [](RandomStream rng) {
    std::vector<std::uint64_t> v;
    for (int k = 0; k < 4; ++k) v.push_back(bits(rng.uniform()));
    return v;
  };
  const std::uint64_t agent = 1000;
  const auto base = first4(RandomStream(kSeed, Stream::kShopping, 7, agent));
  const std::vector<std::vector<std::uint64_t>> variants{
      first4(RandomStream(kSeed + 1, Stream::kShopping, 7, agent)),
      first4(RandomStream(kSeed + (std::uint64_t{1} << 32), Stream::kShopping, 7, agent)),  // high seed word
      first4(RandomStream(kSeed, Stream::kSuspension, 7, agent)),
      first4(RandomStream(kSeed, Stream::kShopping, 8, agent)),
      first4(RandomStream(kSeed, Stream::kShopping, 7, agent + 1)),
      first4(RandomStream(kSeed, Stream::kShopping, 7, agent + (std::uint64_t{1} << 32))),
  };
  for (std::size_t v = 0; v < variants.size(); ++v) {
    INFO("variant " << v);
    for (int k = 0; k < 4; ++k) CHECK(variants[v][k] != base[k]);
  }
}

TEST_CASE("RandomStream: agent ids above 2^32 get their own numbers", "[core][rng]") {
  const std::uint64_t two32 = std::uint64_t{1} << 32;
  auto u = [](Stream s, std::uint64_t id) { return bits(RandomStream(kSeed, s, 0, id).uniform()); };
  CHECK(u(Stream::kTest, two32 + 5) != u(Stream::kTest, 5));
  CHECK(u(Stream::kTest, 2 * two32 + 5) != u(Stream::kTest, two32 + 5));
  CHECK(u(Stream::kTest, (std::uint64_t{1} << 47) + 5) != u(Stream::kTest, 5));
  // The high id bits are folded into the stream word: no (stream, high id bits) pair may
  // collide with another. Check every stream against several high words.
  std::set<std::uint64_t> seen;
  std::size_t count = 0;
  for (std::uint32_t s = 0; s <= static_cast<std::uint32_t>(Stream::kImportAdoption); ++s) {
    for (std::uint64_t hi : {0ull, 1ull, 2ull, 3ull, 17ull, 0xFFFFull}) {
      seen.insert(u(static_cast<Stream>(s), (hi << 32) | 5));
      ++count;
    }
  }
  CHECK(seen.size() == count);
}

TEST_CASE("RandomStream: neighbouring streams are uncorrelated", "[core][rng]") {
  // Sample correlation of n independent pairs has standard error ~ 1/sqrt(n); the
  // tolerance is 5/sqrt(n) (about 0.016 for n = 100000).
  const std::size_t n = 100000;
  const double tol = kSigmas / std::sqrt(static_cast<double>(n));
  const std::uint64_t two32 = std::uint64_t{1} << 32;
  std::vector<double> x(n), y_agent(n), y_stream(n), y_step(n), y_seed(n), y_high(n), y_draw(n);
  for (std::size_t i = 0; i < n; ++i) {
    RandomStream base(kSeed, Stream::kTest, 4, 2 * i);
    x[i] = base.uniform();
    y_draw[i] = base.uniform();  // next draw index of the same stream
    y_agent[i] = RandomStream(kSeed, Stream::kTest, 4, 2 * i + 1).uniform();
    y_stream[i] = RandomStream(kSeed, Stream::kCityGeneration, 4, 2 * i).uniform();
    y_step[i] = RandomStream(kSeed, Stream::kTest, 5, 2 * i).uniform();
    y_seed[i] = RandomStream(kSeed + 1, Stream::kTest, 4, 2 * i).uniform();
    y_high[i] = RandomStream(kSeed, Stream::kTest, 4, 2 * i + two32).uniform();
  }
  CHECK(std::abs(correlation(x, y_agent)) < tol);
  CHECK(std::abs(correlation(x, y_stream)) < tol);
  CHECK(std::abs(correlation(x, y_step)) < tol);
  CHECK(std::abs(correlation(x, y_seed)) < tol);
  CHECK(std::abs(correlation(x, y_high)) < tol);
  CHECK(std::abs(correlation(x, y_draw)) < tol);
  // Sanity of the statistic itself: a stream is perfectly correlated with itself.
  CHECK(correlation(x, x) == Approx(1.0));
}

TEST_CASE("Uniform32Sequence: word k is word k % 4 of block first_block + k / 4", "[core][rng]") {
  const RandomStream rng(kSeed, Stream::kShopping, 9, 4242);
  pzsim::Uniform32Sequence words(rng, 3);
  for (std::uint32_t k = 0; k < 40; ++k) CHECK(words.next_word() == rng.block(3 + k / 4)[k % 4]);
  pzsim::Uniform32Sequence uniforms(rng, 3);
  for (std::uint32_t k = 0; k < 40; ++k) CHECK(bits(uniforms.next()) == bits(rng.uniform32(3, k)));
}

TEST_CASE("GroupedUniform32: a pure function of the agent id, U(0,1), four agents to a block", "[core][rng]") {
  const std::size_t agents = 200000;
  pzsim::GroupedUniform32 forward(kSeed, Stream::kAdoption, 12);
  std::vector<double> x(agents);
  for (std::size_t i = 0; i < agents; ++i) x[i] = forward(i);
  // Visiting agents in another order, or one at a time, gives each the same number.
  pzsim::GroupedUniform32 backward(kSeed, Stream::kAdoption, 12);
  bool same = true;
  for (std::size_t i = agents; i-- > 0;) same = same && bits(backward(i)) == bits(x[i]);
  CHECK(same);
  CHECK(bits(pzsim::GroupedUniform32(kSeed, Stream::kAdoption, 12)(12345)) == bits(x[12345]));
  // Agent id's draw is word id % 4 of the block keyed by id / 4 at kGroupedDraw, for every agent.
  std::size_t off_definition = 0;
  for (std::size_t i = 0; i < agents; ++i) {
    const auto block = RandomStream(kSeed, Stream::kAdoption, 12, i / 4).block(pzsim::GroupedUniform32::kGroupedDraw);
    off_definition += bits(x[i]) == bits(RandomStream::uniform32_of(block[i % 4])) ? 0 : 1;
  }
  CHECK(off_definition == 0);
  // So for ids above 2^32 (full-scale consumers).
  pzsim::GroupedUniform32 wide(kSeed, Stream::kAdoption, 12);
  for (const std::uint64_t id : {(std::uint64_t{1} << 40) + 13, (std::uint64_t{1} << 40) + 16, (std::uint64_t{1} << 33) + 7})
    CHECK(bits(wide(id)) == bits(RandomStream::uniform32_of(
                                RandomStream(kSeed, Stream::kAdoption, 12, id / 4).block(pzsim::GroupedUniform32::kGroupedDraw)[id % 4])));
  // Another month or stream gives other numbers.
  CHECK(bits(pzsim::GroupedUniform32(kSeed, Stream::kAdoption, 13)(7)) != bits(x[7]));
  CHECK(bits(pzsim::GroupedUniform32(kSeed, Stream::kShopping, 12)(7)) != bits(x[7]));
  // Uniform, and neighbours that share a block are not correlated.
  const Moments m = moments(x);
  const double dn = static_cast<double>(agents);
  CHECK(std::abs(m.mean - 0.5) < kSigmas * std::sqrt(1.0 / 12.0 / dn));
  CHECK(std::abs(m.var - 1.0 / 12.0) < kSigmas * std::sqrt(1.0 / 180.0 / dn));
  std::vector<double> first, second;
  for (std::size_t i = 0; i + 1 < agents; i += 4) {
    first.push_back(x[i]);
    second.push_back(x[i + 1]);
  }
  CHECK(std::abs(correlation(first, second)) < kSigmas / std::sqrt(static_cast<double>(first.size())));
  // A Bernoulli decision at a rate like the model's adoption chance.
  std::size_t hits = 0;
  for (double v : x) hits += v < 0.01 ? 1 : 0;
  CHECK(std::abs(static_cast<double>(hits) / dn - 0.01) < kSigmas * std::sqrt(0.01 * 0.99 / dn));
}
