// sim/sweep designs: the Sobol' sequence against scipy's, grid order and counts, Latin
// hypercube strata, Saltelli's block structure.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "sim/sweep/design.hpp"
#include "sim/sweep/sobol.hpp"
#include "tests/support/test_support.hpp"

using namespace pzsim;

TEST_CASE("Sobol sequence equals scipy.stats.qmc.Sobol(21, scramble=False)", "[sweep]") {
  // Points 1000 and 3001 printed by scipy 1.10.1 (Debian python3-scipy), which uses the same
  // Joe-Kuo new-joe-kuo-6.21201 direction numbers; every dimension's m_i matter at these indices.
  const std::vector<double> p1000 = {0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.2802734375, 0.9072265625,
                                     0.0458984375, 0.8994140625, 0.5009765625, 0.0693359375, 0.0849609375, 0.2548828125,
                                     0.1611328125, 0.3837890625, 0.1435546875, 0.3701171875, 0.7197265625, 0.3447265625,
                                     0.9912109375, 0.7255859375, 0.5224609375};
  const std::vector<double> p3001 = {0.650146484375, 0.838134765625, 0.082763671875, 0.923583984375, 0.468994140625,
                                     0.367431640625, 0.269287109375, 0.892333984375, 0.114990234375, 0.917724609375,
                                     0.569091796875, 0.139404296875, 0.642822265625, 0.709716796875, 0.761474609375,
                                     0.577392578125, 0.590087890625, 0.356689453125, 0.139892578125, 0.311767578125,
                                     0.412841796875};
  const SobolSequence sobol(21);
  CHECK(sobol.point(1000) == p1000);
  CHECK(sobol.point(3001) == p3001);
  CHECK(sobol.point(0) == std::vector<double>(21, 0.0));
  // Each dimension of the first 2^m points is a permutation of the 2^m dyadic cells.
  const std::vector<double> block = sobol.points(0, 64);
  for (std::size_t j = 0; j < 21; ++j) {
    std::set<int> cells;
    for (std::size_t i = 0; i < 64; ++i) cells.insert(static_cast<int>(block[i * 21 + j] * 64));
    CHECK(cells.size() == 64);
  }
  CHECK_THROWS_AS(SobolSequence(22), InputError);
}

TEST_CASE("grid design: every combination, last factor fastest", "[sweep]") {
  Design d;
  d.kind = DesignKind::grid;
  d.factors = {Factor{"a", {"1", "2", "3"}, 0, 0, {}}, Factor{"b", {"x", "y"}, 0, 0, {}}};
  REQUIRE(point_count(d) == 6);
  const auto points = design_points(d);
  const std::vector<std::vector<std::string>> expected = {{"1", "x"}, {"1", "y"}, {"2", "x"}, {"2", "y"}, {"3", "x"}, {"3", "y"}};
  CHECK(points == expected);
}

TEST_CASE("Latin hypercube: one point in each stratum of every factor, fixed by its seed", "[sweep]") {
  const std::size_t n = 37, k = 4;
  const std::vector<double> u = latin_hypercube_unit(n, k, 11);
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<int> count(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double x = u[i * k + j];
      REQUIRE(x > 0.0);
      REQUIRE(x < 1.0);
      ++count[static_cast<std::size_t>(x * static_cast<double>(n))];
    }
    CHECK(std::all_of(count.begin(), count.end(), [](int c) { return c == 1; }));
  }
  CHECK(latin_hypercube_unit(n, k, 11) == u);
  CHECK(latin_hypercube_unit(n, k, 12) != u);
  // Factors are permuted independently (not the same stratum order in every column).
  bool columns_differ = false;
  for (std::size_t i = 0; i < n; ++i)
    columns_differ = columns_differ || static_cast<int>(u[i * k] * n) != static_cast<int>(u[i * k + 1] * n);
  CHECK(columns_differ);
}

TEST_CASE("Saltelli design: blocks A, B, AB_1..AB_k from one Sobol sequence", "[sweep]") {
  const std::size_t n = 16, k = 3;
  const std::vector<double> s = saltelli_unit(n, k);
  REQUIRE(s.size() == n * (k + 2) * k);
  CHECK(saltelli_skip(16) == 16);
  CHECK(saltelli_skip(17) == 32);
  CHECK(saltelli_skip(1) == 1);
  const SobolSequence sobol(2 * k);
  for (std::size_t r = 0; r < n; ++r) {
    const std::vector<double> base = sobol.point(16 + r);  // rows 16..31: the first power of two >= N
    for (std::size_t j = 0; j < k; ++j) {
      CHECK(s[r * k + j] == base[j]);                 // A
      CHECK(s[(n + r) * k + j] == base[k + j]);       // B
      for (std::size_t i = 0; i < k; ++i)             // AB_i: A with column i from B
        CHECK(s[((2 + i) * n + r) * k + j] == (i == j ? base[k + j] : base[j]));
    }
  }
  Design d;
  d.kind = DesignKind::saltelli;
  d.samples = n;
  d.factors = {Factor{"a", {}, 0.0, 1.0, {}}, Factor{"b", {}, 10.0, 20.0, {}}, Factor{"c", {}, -1.0, 1.0, {}}};
  const auto points = design_points(d);
  REQUIRE(points.size() == n * (k + 2));
  CHECK(std::stod(points[0][1]) == 10.0 + s[1] * 10.0);
  CHECK(std::stod(points[(2 + 2) * n + 5][2]) == -1.0 + s[((2 + 2) * n + 5) * k + 2] * 2.0);
  CHECK_THROWS_AS(saltelli_unit(4, 11), InputError);
  // No base row has A = B in every column (Sobol' row 1 is (0.5, ..., 0.5): from it every
  // AB_i would repeat A, and the row would carry no information).
  for (std::size_t r = 0; r < n; ++r) {
    bool all_equal = true;
    for (std::size_t j = 0; j < k; ++j) all_equal = all_equal && s[r * k + j] == s[(n + r) * k + j];
    CHECK_FALSE(all_equal);
  }
}
