// --max-memory: sizes parse strictly; the estimate is checked before the run; the process's
// peak resident memory is checked after every month; either way exit 1 (ResourceError)
// and no file.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "../model/model_fixtures.hpp"
#include "sim/core/error.hpp"
#include "sim/run/run.hpp"
#include "tests/support/test_support.hpp"

using namespace pzsim;
using namespace pzsim::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("memory sizes parse with binary units and refuse anything else", "[run]") {
  CHECK(parse_memory_size("4G") == 4ull << 30);
  CHECK(parse_memory_size("512MiB") == 512ull << 20);
  CHECK(parse_memory_size("1.5GB") == 3ull << 29);
  CHECK(parse_memory_size("300000000") == 300000000ull);
  CHECK(parse_memory_size("64k") == 65536ull);
  for (const char* bad : {"", "0", "-1G", "4X", "G", "1e30", "nan", "4 G"}) {
    INFO("size '" << bad << "'");
    CHECK_THROWS_AS(parse_memory_size(bad), InputError);
  }
}

TEST_CASE("a run whose estimate exceeds --max-memory does not start and writes nothing", "[run]") {
  const ScratchDir dir;
  const auto loaded = small_scenario({"run.months=18"});
  RunRequest request;
  request.scenario = std::make_shared<const Scenario>(loaded.scenario);
  request.output = dir.path() / "run.h5";
  request.max_memory_bytes = 1u << 20;
  std::string message;
  try {
    execute_run(request, nullptr);
  } catch (const ResourceError& error) {
    message = error.what();
  }
  CHECK_THAT(message, Contains("--max-memory 1.0 MiB") && Contains("nothing was run"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("a run whose peak memory passes --max-memory stops after the month and writes nothing", "[run]") {
  const ScratchDir dir;
  const auto loaded = small_scenario({"run.months=18"});
  // Raise this process's peak resident memory well above the run's estimate, then set the
  // limit between the two: the estimate passes, the first month's peak check does not.
  const std::uintmax_t estimate = estimate_memory_bytes(loaded.scenario);
  const std::size_t ballast_bytes = static_cast<std::size_t>(estimate) * 3;
  {
    std::vector<char> ballast(ballast_bytes);
    std::memset(ballast.data(), 1, ballast.size());
    REQUIRE(peak_resident_bytes() > 2 * estimate);
  }
  RunRequest request;
  request.scenario = std::make_shared<const Scenario>(loaded.scenario);
  request.output = dir.path() / "run.h5";
  request.max_memory_bytes = estimate + estimate / 2;
  std::string message;
  try {
    execute_run(request, nullptr);
  } catch (const ResourceError& error) {
    message = error.what();
  }
  CHECK_THAT(message, Contains("peak memory") && Contains("passed --max-memory") && Contains("wrote no file"));
  CHECK(fs::is_empty(dir.path()));
  request.max_memory_bytes = 0;  // no limit: the same run completes
  CHECK_NOTHROW(execute_run(request, nullptr));
}
