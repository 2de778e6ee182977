// The evidence targets file and its expressions: values, accepted intervals, and errors that
// point at file:line:column.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/evidence/expression.hpp"
#include "sim/evidence/targets.hpp"
#include "tests/support/test_support.hpp"

using namespace pzsim;
using namespace pzsim::evidence;
using pzsim::testing::input_error_of;

namespace {

const char* kRow = R"(rows:
  - id: r
    label: a row
    target: 10
    unit: x
    period: "2020"
    source: s
    tolerance: {relative: 0.2, reason: why}
    model:
      operands:
        a: {variable: exports_usd, months: [2019, 2020-06], select: {channel: cbec}, cities: {zone: now}}
        b: {variable: employment, months: 2020-06, reduce: end}
      value: (a - b) / 2
)";

TargetsFile parse(const std::string& text) { return parse_targets(yaml::load_string(text, "t.yaml"), "t.yaml"); }

}  // namespace

TEST_CASE("evidence expressions follow arithmetic precedence and name their operands", "[evidence]") {
  const auto values = [](const std::string& name) { return name == "a" ? 6.0 : name == "b" ? 2.0 : 10.0; };
  CHECK(Expression::parse("a + b * c").evaluate(values) == 26.0);
  CHECK(Expression::parse("(a + b) * c").evaluate(values) == 80.0);
  CHECK(Expression::parse("a / b / 3").evaluate(values) == 1.0);
  CHECK(Expression::parse("a - b - 1").evaluate(values) == 3.0);
  CHECK(Expression::parse("-a + 1e2").evaluate(values) == 94.0);
  CHECK(std::isnan(Expression::parse("a / (b - 2)").evaluate(values)));
  CHECK(Expression::parse("(c - a) / a_b * 100 + a").names() == std::vector<std::string>{"c", "a", "a_b"});
  for (const char* bad : {"a +", "a b", "(a", "a * )", "", "a % b"}) {
    INFO(bad);
    CHECK_THROWS_AS(Expression::parse(bad), std::invalid_argument);
  }
}

TEST_CASE("targets parse into operands, and tolerances into accepted intervals", "[evidence]") {
  const TargetsFile file = parse(kRow);
  REQUIRE(file.rows.size() == 1);
  const EvidenceRow& row = file.rows[0];
  REQUIRE(row.operands.size() == 2);
  CHECK(row.operands[0].first_month == "2019-01");
  CHECK(row.operands[0].last_month == "2020-06");
  CHECK(row.operands[0].cities.zone == "now");
  CHECK(row.operands[1].reduce == Reduce::end);
  CHECK(row.accepted() == std::pair<double, double>{8.0, 12.0});
  CHECK_FALSE(row.needs_counterfactual());

  EvidenceRow range = row;
  range.target = {std::nullopt, 1.0, 2.0, std::nullopt, std::nullopt};
  range.tolerance = {std::nullopt, 0.5, "x"};
  CHECK(range.accepted() == std::pair<double, double>{0.5, 2.5});
  range.target = {std::nullopt, std::nullopt, std::nullopt, 90.0, std::nullopt};
  CHECK(range.accepted().first == 89.5);
  CHECK(std::isinf(range.accepted().second));
  range.target = {std::nullopt, std::nullopt, std::nullopt, std::nullopt, 20.0};
  range.tolerance = {0.5, std::nullopt, "x"};
  CHECK(std::isinf(range.accepted().first));
  CHECK(range.accepted().second == 30.0);
}

TEST_CASE("targets file mistakes are input errors at file:line:column", "[evidence]") {
  const std::string good = kRow;
  const auto error_of = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    return input_error_of([&] { (void)parse(text); });
  };
  std::string message = error_of("    model:", "    modle:");
  CHECK(message.find("t.yaml:9:5: rows.0.modle") != std::string::npos);
  CHECK(message.find("did you mean 'model'") != std::string::npos);
  message = error_of("value: (a - b) / 2", "value: (a - c) / 2");
  CHECK(message.find("t.yaml:13:14") != std::string::npos);
  CHECK(message.find("'c' is not an operand") != std::string::npos);
  message = error_of("value: (a - b) / 2", "value: (a - b) / ");
  CHECK(message.find("t.yaml:13:14") != std::string::npos);
  CHECK(message.find("expression") != std::string::npos);
  message = error_of("reduce: end", "reduce: last");
  CHECK(message.find("t.yaml:12:60") != std::string::npos);
  CHECK(message.find("end") != std::string::npos);
  message = error_of("months: [2019, 2020-06]", "months: [2019, 2020-13]");
  CHECK(message.find("rows.0.model.operands.a.months.1") != std::string::npos);
  message = error_of("{relative: 0.2, reason: why}", "{relative: 0.2}");
  CHECK(message.find("rows.0.tolerance") != std::string::npos);
  CHECK(message.find("reason") != std::string::npos);
  message = error_of("zone: now", "zone: sometimes");
  CHECK(message.find("rows.0.model.operands.a.cities.zone") != std::string::npos);
  message = error_of("target: 10", "target: ten");
  CHECK(message.find("t.yaml:4:13") != std::string::npos);
  message = error_of("    tolerance:", "    measurable: false\n    tolerance:");
  CHECK(message.find("not used when measurable: false") != std::string::npos);
  message = error_of("reduce: end", "reduce: weighted_mean");
  CHECK(message.find("weight") != std::string::npos);
}

TEST_CASE("evidence quantities print with four significant digits and grouped thousands", "[evidence]") {
  CHECK(format_quantity(1.53) == "1.53");
  CHECK(format_quantity(34.3) == "34.3");
  CHECK(format_quantity(4780) == "4780");
  CHECK(format_quantity(20000) == "20,000");
  CHECK(format_quantity(252812.4) == "252,800");
  CHECK(format_quantity(-1234567) == "-1,235,000");
  CHECK(format_quantity(0.000123) == "0.000123");
  CHECK(format_quantity(2e16) == "2e+16");
}

TEST_CASE("the project's evidence targets load", "[evidence]") {
  const TargetsFile file = load_targets(PZSIM_SOURCE_DIR "/analysis/evidence.yaml");
  CHECK(file.rows.size() >= 30);
  int unmeasurable = 0;
  for (const auto& row : file.rows) {
    INFO(row.id);
    CHECK(!row.source.empty());
    if (!row.measurable) {
      ++unmeasurable;
      CHECK(!row.reason.empty());
    } else {
      CHECK(!row.tolerance.reason.empty());
    }
  }
  CHECK(unmeasurable >= 5);
}
