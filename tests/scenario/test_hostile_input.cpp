// Regression tests for the hostile inputs of issue 13 that the loader must refuse (or bound):
// seeds in any spelling but plain digits, NUL and escapes that do not round-trip in names,
// validation time that grew as names x cities, alias floods, and loading that ignored
// a cancellation (interrupt) until it was done.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/load.hpp"
#include "sim/scenario/seed.hpp"
#include "sim/scenario/yaml_tree.hpp"
#include "tests/support/test_support.hpp"

using Catch::Matchers::Contains;
using pzsim::testing::input_error_of;

namespace {

const std::string kMinimal = "cities:\n  synthetic: {count: 3}\n";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("parse_seed accepts plain digits up to 2^64 - 1 only", "[scenario]") {
  std::string problem;
  CHECK(pzsim::parse_seed("0", problem) == 0u);
  CHECK(pzsim::parse_seed("18446744073709551615", problem) == 18446744073709551615ull);
  for (const char* bad : {"-1", "18446744073709551616", "0x10", "1e3", "1.8446744073709552e19", "1.0", " 7", "7 ", "+7", "", "1_000"}) {
    INFO("seed text '" << bad << "'");
    problem.clear();
    CHECK_FALSE(pzsim::parse_seed(bad, problem).has_value());
    CHECK_FALSE(problem.empty());
  }
  CHECK_THROWS_AS(pzsim::parse_seed_or_throw("-1", "--seed"), pzsim::InputError);
}

TEST_CASE("a seed written with an exponent is refused, not read as 0", "[scenario]") {
  // 1.8446744073709552e19 is 2^64 as a double: it used to be cast to uint64 (undefined
  // behaviour; seed 0 on x86) because the range check compared against 2^64 - 1 rounded up.
  const std::string message = input_error_of([] {
    pzsim::load_scenario_text(kMinimal + "run: {seed: 1.8446744073709552e19}\n", "s.yaml");
  });
  CHECK_THAT(message, Contains("s.yaml:3:13") && Contains("run.seed") && Contains("exponent"));
  for (const char* bad : {"-1", "0x10", "1e3", "18446744073709551616"}) {
    INFO("run.seed: " << bad);
    CHECK_THAT(input_error_of([&] { pzsim::load_scenario_text(kMinimal, "s.yaml", {std::string("run.seed=") + bad}); }),
               Contains("run.seed"));
  }
  CHECK(pzsim::load_scenario_text(kMinimal + "run: {seed: 18446744073709551615}\n", "s.yaml").scenario.run.seed ==
        18446744073709551615ull);
}

TEST_CASE("other integers in exponent form stay accepted but never overflow the cast", "[scenario]") {
  CHECK(pzsim::load_scenario_text(kMinimal + "firms: {count: 2e4}\n", "s.yaml").scenario.firms.count == 20000);
  // 2^31 as a double: one past int's maximum.
  CHECK_THAT(input_error_of([] { pzsim::load_scenario_text(kMinimal + "run: {months: 2.147483648e9}\n", "s.yaml"); }),
             Contains("run.months"));
}

TEST_CASE("NUL in a name is refused at its position", "[scenario]") {
  const std::string message = input_error_of([] {
    pzsim::load_scenario_text("cities:\n  list:\n    - {name: \"Hang\\0zhou\", province: x}\n", "n.yaml");
  });
  CHECK_THAT(message, Contains("n.yaml:3:14") && Contains("cities.list.0.name") && Contains("NUL"));
}

TEST_CASE("escapes that do not round-trip to printable UTF-8 are refused", "[scenario]") {
  for (const char* escape : {"\\x7f", "\\N", "\\_", "\\u2028", "\\P", "\\L", "\\e", "\\x01", "\\u0085"}) {
    INFO("escape " << escape);
    const std::string text = kMinimal + "description: \"a" + escape + "b\"\n";
    CHECK_THAT(input_error_of([&] { pzsim::load_scenario_text(text, "e.yaml"); }),
               Contains("e.yaml:3:14") && Contains("description") && Contains("printable UTF-8"));
  }
  // Escapes of printable text still work, and what they give prints and loads again.
  const auto loaded = pzsim::load_scenario_text(kMinimal + "description: \"tab\\there, \\u00e9, \\\"q\\\", line\\nbreak\"\n", "ok.yaml");
  CHECK(loaded.scenario.description == "tab\there, \xC3\xA9, \"q\", line\nbreak");
  CHECK(pzsim::load_scenario_text(loaded.resolved_yaml, "again.yaml").resolved_yaml == loaded.resolved_yaml);
}

TEST_CASE("validation stays fast with thousands of long city names and an unknown zone city", "[scenario]") {
  // 5,000 synthetic cities named with a 2,500-character prefix and a zone city of 2,500
  // characters that matches none: the did-you-mean search took 40 s of CPU before.
  const std::string long_name(2500, 'q');
  const std::string text = "cities: {synthetic: {count: 5000, name_prefix: " + long_name + "}}\nzones: {selection: list, list: [{city: " +
                           long_name + ", approval: 2016-01}]}\n";
  const auto start = std::chrono::steady_clock::now();
  const std::string message = input_error_of([&] { pzsim::load_scenario_text(text, "q.yaml"); });
  CHECK(seconds_since(start) < 2.0);
  CHECK_THAT(message, Contains("q.yaml:2:40") && Contains("zones.list.0.city") && Contains("(2500 bytes)"));
  CHECK(message.size() < 400);  // the name is cut in the message
}

TEST_CASE("did-you-mean stays bounded and still finds typos", "[scenario]") {
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i) many.push_back(std::string(50, 'a') + std::to_string(i));
  const auto start = std::chrono::steady_clock::now();
  CHECK(pzsim::text::nearest(std::string(50, 'a') + "1999x", many) == std::string(50, 'a') + "1999");
  CHECK(pzsim::text::nearest(std::string(3000, 'a'), many).empty());  // too long to hint
  std::vector<std::string> very_many;
  for (int i = 0; i < 100000; ++i) very_many.push_back(std::string(64, 'b') + std::to_string(i));
  pzsim::text::nearest(std::string(64, 'b'), very_many);  // stops at its work budget
  CHECK(seconds_since(start) < 2.0);
  CHECK(pzsim::text::nearest("hangzou", {"Shanghai", "hangzhou", "hangzhoux"}) == "hangzhou");
}

TEST_CASE("a flood of aliases is refused fast", "[scenario]") {
  std::string cities = "&a city-1";
  for (int i = 0; i < 150000; ++i) cities += ", *a";
  const std::string text = "cities: {synthetic: {count: 3}}\ntimeline:\n  - {kind: demand_shock, start: 2015-01, value: 1.0, source: x, cities: [" +
                           cities + "]}\n";
  const auto start = std::chrono::steady_clock::now();
  CHECK_THAT(input_error_of([&] { pzsim::load_scenario_text(text, "a.yaml"); }), Contains("a.yaml:3:") && Contains("aliases"));
  CHECK(seconds_since(start) < 2.0);
}

TEST_CASE("loading stops when the cancellation flag is set", "[scenario]") {
  pzsim::testing::ScratchDir dir;
  const auto file = dir.write("s.yaml", kMinimal);
  std::atomic<bool> cancel{true};
  CHECK_THROWS_AS(pzsim::load_scenario(file, {}, &cancel), pzsim::RunCancelled);
  cancel = false;
  CHECK_NOTHROW(pzsim::load_scenario(file, {}, &cancel));
}

TEST_CASE("values that made inf or NaN inside the documented ranges are now out of range", "[scenario]") {
  // Found by running every numeric key at its range ends (issue 13, defect 8): each gave a
  // non-finite output with exit 0 before its range was bounded.
  for (const char* assignment : {"labour.normal_employment_rate=0", "destinations.0.general_imports_usd=1e308",
                                 "sectors.0.domestic_sales_cny=1e308", "firms.startup_cash_months=1e308",
                                 "import_side.basket_usd=1e308", "platform.monthly_fee_usd=1e308"}) {
    INFO(assignment);
    CHECK_THAT(input_error_of([&] { pzsim::load_scenario_text(kMinimal, "s.yaml", {assignment}); }), Contains("out of range"));
  }
}

TEST_CASE("runs longer than the firms' 16-bit month counters hold are out of range", "[scenario]") {
  // age_months, loss_months and months_active are 16-bit (FirmStore): the schema's bounds on
  // run.months and run.burn_in_months keep every counter below 65,536 (kMonthCounterMax).
  CHECK_NOTHROW(pzsim::load_scenario_text(kMinimal, "s.yaml",
                                          {"run.months=" + std::to_string(pzsim::kMaxRunMonths),
                                           "run.burn_in_months=" + std::to_string(pzsim::kMaxBurnInMonths)}));
  for (const std::string& assignment : {"run.months=" + std::to_string(pzsim::kMaxRunMonths + 1),
                                        "run.burn_in_months=" + std::to_string(pzsim::kMaxBurnInMonths + 1)}) {
    INFO(assignment);
    CHECK_THAT(input_error_of([&] { pzsim::load_scenario_text(kMinimal, "s.yaml", {assignment}); }), Contains("out of range"));
  }
}
