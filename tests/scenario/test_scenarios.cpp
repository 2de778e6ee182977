// The scenario library (scenarios/*.yaml) and the user-facing behaviour of scenario loading:
// every shipped file loads and round-trips through its resolved YAML; every class of input
// error is an InputError (exit code 2) whose message says file:line:column and the key path;
// hostile input fails fast; `extends` merges maps and replaces lists; --set overrides reach
// nested keys and list items, the built-in default lists included.
#include "sim/scenario/load.hpp"
#include "tests/support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "sim/core/error.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

fs::path scenarios_dir() { return fs::path(PZSIM_SOURCE_DIR) / "scenarios"; }

// Every *.yaml in scenarios/, sorted, so files added later are covered without editing this test.
std::vector<fs::path> library_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(scenarios_dir()))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

using pzsim::testing::input_error_of;
using pzsim::testing::ScratchDir;

// The smallest valid scenario: three synthetic cities, everything else default. Error cases
// append to it, so their line numbers start at 3.
const std::string kMinimal = "cities:\n  synthetic: {count: 3}\n";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("every scenario in scenarios/ loads and validates", "[scenario]") {
  const auto files = library_files();
  REQUIRE(!files.empty());
  for (const auto& file : files) {
    INFO("scenario " << file.string());
    pzsim::LoadedScenario loaded;
    REQUIRE_NOTHROW(loaded = pzsim::load_scenario(file));
    CHECK(!loaded.resolved_yaml.empty());
    CHECK(!loaded.scenario.description.empty());
    CHECK(!loaded.scenario.cities.list.empty());
  }
}

TEST_CASE("the scenario library says what it claims", "[scenario]") {
  const auto dir = scenarios_dir();
  const auto historical = pzsim::load_scenario(dir / "historical.yaml").scenario;
  SECTION("historical: 165 real zones in seven batches, rest-of-province cities, all from data, import pilots") {
    REQUIRE(historical.zones.selection == pzsim::ZoneSelection::list);
    REQUIRE(historical.zones.list.size() == 165);
    CHECK(historical.cities.list.size() == 188);  // 165 pilots + 23 non-empty rest-of rows
    for (const auto& c : historical.cities.list) {
      INFO(c.name);
      CHECK_FALSE(c.synthetic);  // every attribute comes from data/cities.csv
    }
    CHECK(historical.zones.list.front().city == "Hangzhou");
    CHECK(historical.zones.list.front().approval == pzsim::Month::of(2015, 3));
    CHECK(historical.zones.list.back().approval == pzsim::Month::of(2022, 11));
    std::vector<pzsim::Month> months;
    for (const auto& z : historical.zones.list) months.push_back(z.approval);
    months.erase(std::unique(months.begin(), months.end()), months.end());
    CHECK(months.size() == 7);  // listed batch by batch
    CHECK(historical.cities.list[165].name == "rest-of-Anhui");
    // The default timeline is kept whole and the import pilots are added.
    const pzsim::Scenario defaults;
    CHECK(historical.timeline.size() == defaults.timeline.size() + 2);
    for (const auto& event : defaults.timeline) {
      INFO("default event: " << event.source);
      CHECK(std::any_of(historical.timeline.begin(), historical.timeline.end(), [&](const auto& e) {
        return e.kind == event.kind && e.start == event.start && e.value == event.value && e.source == event.source;
      }));
    }
    CHECK(std::count_if(historical.timeline.begin(), historical.timeline.end(),
                        [](const auto& e) { return e.kind == pzsim::EventKind::import_pilot; }) == 2);
  }
  SECTION("baseline is historical without zones") {
    const auto baseline = pzsim::load_scenario(dir / "baseline.yaml").scenario;
    const auto& with_zones = historical;
    CHECK(baseline.zones.selection == pzsim::ZoneSelection::none);
    CHECK(baseline.zones.list.empty());
    CHECK(baseline.cities.list.size() == with_zones.cities.list.size());
    CHECK(baseline.firms.count == with_zones.firms.count);
  }
  SECTION("all-at-once-2016 approves exactly the historical cities in 2016-01") {
    const auto all = pzsim::load_scenario(dir / "all-at-once-2016.yaml").scenario;
    REQUIRE(all.zones.list.size() == historical.zones.list.size());
    for (std::size_t i = 0; i < all.zones.list.size(); ++i) {
      CHECK(all.zones.list[i].city == historical.zones.list[i].city);
      CHECK(all.zones.list[i].approval == pzsim::Month::of(2016, 1));
    }
  }
  SECTION("each instrument-alone scenario keeps one instrument at strength 1") {
    for (const std::string name : {"financial", "information", "administration", "enforcement"}) {
      INFO(name << "-only.yaml");
      const auto s = pzsim::load_scenario(dir / (name + "-only.yaml")).scenario;
      const std::vector<std::pair<std::string, double>> strengths = {
          {"financial", s.zones.instrument(pzsim::Instrument::financial).strength},
          {"information", s.zones.instrument(pzsim::Instrument::information).strength},
          {"administration", s.zones.instrument(pzsim::Instrument::administration).strength},
          {"enforcement", s.zones.instrument(pzsim::Instrument::enforcement).strength}};
      for (const auto& [instrument, strength] : strengths) CHECK(strength == (instrument == name ? 1.0 : 0.0));
      CHECK(s.zones.list.size() == 165);
    }
  }
  SECTION("fullscale: one firm agent per trading firm, tens of millions of consumer agents") {
    const auto full = pzsim::load_scenario(dir / "fullscale.yaml").scenario;
    CHECK(full.scale.sample_fraction == 1.0);
    CHECK(full.firms.count >= 600000);
    CHECK(static_cast<double>(full.consumers.agents_per_destination) * full.destinations.size() >= 1e7);
  }
}

TEST_CASE("resolved YAML of every library scenario re-parses to the same scenario", "[scenario]") {
  for (const auto& file : library_files()) {
    INFO("scenario " << file.string());
    const auto first = pzsim::load_scenario(file);
    pzsim::LoadedScenario again;
    REQUIRE_NOTHROW(again = pzsim::load_scenario_text(first.resolved_yaml, "resolved " + file.filename().string()));
    CHECK(pzsim::emit_yaml(again.scenario) == first.resolved_yaml);
    CHECK(again.resolved_yaml == first.resolved_yaml);
  }
}

TEST_CASE("each class of scenario error is an InputError naming file:line:column and the key path",
          "[scenario]") {
  struct Case {
    const char* what;
    std::string text;
    std::vector<std::string> expected;  // substrings of the message, location first
  };
  const std::vector<Case> cases = {
      {"YAML syntax error", kMinimal + "run: {months: 12]\n", {"case.yaml:3:17: ", "invalid YAML"}},
      {"unknown key, nearest valid key suggested", kMinimal + "firms: {cuont: 5}\n",
       {"case.yaml:3:9: ", "firms.cuont", "unknown key", "'count'"}},
      {"wrong type", kMinimal + "run: {months: twelve}\n",
       {"case.yaml:3:15: ", "run.months", "'twelve'", "whole number"}},
      {"out of range", kMinimal + "firms:\n  exporter_share: 1.5\n",
       {"case.yaml:4:19: ", "firms.exporter_share", "1.5", "[0, 1]"}},
      {"zone in a city that does not exist, with a suggestion",
       "cities:\n  list:\n    - {name: Hangzhou, province: Zhejiang}\n"
       "zones:\n  selection: list\n  list:\n    - {city: Hangzhuo, approval: 2015-03}\n",
       {"case.yaml:7:14: ", "zones.list.0.city", "no city named 'Hangzhuo'", "'Hangzhou' (did you mean it?)"}},
      {"approval month outside the run",
       "cities:\n  list:\n    - {name: Hangzhou, province: Zhejiang}\n"
       "zones:\n  selection: list\n  list:\n    - {city: Hangzhou, approval: 2030-03}\n",
       {"case.yaml:7:34: ", "zones.list.0.approval", "2030-03", "outside the run", "2012-01 to 2025-12"}},
      {"unknown enum value", kMinimal + "zones: {selection: toplist}\n",
       {"case.yaml:3:20: ", "zones.selection", "'toplist'", "none, list, top_k, inland_first, all_at_once"}},
      {"duplicate city names",
       "cities:\n  list:\n    - {name: Hangzhou, province: Zhejiang}\n    - {name: Hangzhou, province: Zhejiang}\n",
       {"case.yaml:4:14: ", "cities.list.1.name", "duplicate name 'Hangzhou'"}},
      {"unknown destination in a timeline event",
       kMinimal + "timeline:\n  - {kind: trade_cost, start: 2016-03, destination: usa, value: 0.1}\n",
       {"case.yaml:4:53: ", "timeline.0.destination", "no destination named 'usa'", "'us'"}},
      {"timeline event without a start month",
       kMinimal + "timeline:\n  - {kind: demand_shock, destination: us}\n",
       {"case.yaml:4:", "timeline.0.start", "no start month", "start: YYYY-MM"}},
      {"unknown instrument in a national floor event, with a suggestion",
       kMinimal + "timeline:\n  - {kind: national_floor, start: 2018-01, instrument: informaton, value: 0.5}\n",
       {"case.yaml:4:56: ", "timeline.0.instrument", "'informaton'", "'information' (did you mean it?)",
        "financial, information, administration, enforcement"}},
      {"unknown channel in a trade cost event, with a suggestion",
       kMinimal + "timeline:\n  - {kind: trade_cost, start: 2018-01, channel: generl, value: 0.05}\n",
       {"case.yaml:4:49: ", "timeline.0.channel", "'generl'", "'general' (did you mean it?)"}},
      {"unknown event kind, with a suggestion",
       kMinimal + "timeline:\n  - {kind: trade_costs, start: 2018-01, value: 0.05}\n",
       {"case.yaml:4:12: ", "timeline.0.kind", "'trade_costs'", "'trade_cost' (did you mean it?)"}},
      {"unknown city in an import pilot event",
       kMinimal + "timeline:\n  - {kind: import_pilot, start: 2013-01, cities: [Ningbo], value: 1}\n",
       {"case.yaml:4:50: ", "timeline.0.cities.0", "no city named 'Ningbo'"}},
      {"sector spending shares not summing to 1",
       kMinimal + "sectors:\n  - {name: a, spending_share: 0.5}\n  - {name: b, spending_share: 0.6}\n",
       {"case.yaml:4:3: ", "sectors", "spending shares sum to 1.1", "summing to 1"}},
      {"integer overflow", kMinimal + "run: {seed: 99999999999999999999999}\n",
       {"case.yaml:3:13: ", "run.seed", "99999999999999999999999", "larger than"}},
      {"double overflow", kMinimal + "firms: {productivity_sigma: 1e999}\n",
       {"case.yaml:3:29: ", "firms.productivity_sigma", "out of the range of a double"}},
      {"zones.list without selection: list",
       kMinimal + "zones:\n  list:\n    - {city: city-1, approval: 2015-03}\n",
       {"case.yaml:5:5: ", "zones.list", "zones.selection is none", "selection: list"}},
  };
  for (const auto& c : cases) {
    INFO(c.what << "\n--- input ---\n" << c.text);
    const std::string message = input_error_of([&] { pzsim::load_scenario_text(c.text, "case.yaml"); });
    INFO("message: " << message);
    CHECK(message.rfind(c.expected.front(), 0) == 0);  // starts with the location
    for (const auto& part : c.expected) CHECK_THAT(message, Contains(part));
  }
}

TEST_CASE("extends errors: a missing parent file and a cycle", "[scenario]") {
  const ScratchDir dir;
  SECTION("missing parent") {
    const auto child = dir.write("child.yaml", "extends: nowhere.yaml\n" + kMinimal);
    const std::string message = input_error_of([&] { pzsim::load_scenario(child); });
    CHECK_THAT(message, Contains("child.yaml:1:10: "));
    CHECK_THAT(message, Contains("extends"));
    CHECK_THAT(message, Contains("nowhere.yaml"));
  }
  SECTION("cycle of two files") {
    const auto a = dir.write("a.yaml", "extends: b.yaml\n" + kMinimal);
    dir.write("b.yaml", "extends: a.yaml\n");
    const std::string message = input_error_of([&] { pzsim::load_scenario(a); });
    CHECK_THAT(message, Contains("b.yaml:1:10: "));
    CHECK_THAT(message, Contains("extends"));
    CHECK_THAT(message, Contains("cycle"));
  }
  SECTION("a file extending itself") {
    const auto self = dir.write("self.yaml", "extends: self.yaml\n" + kMinimal);
    const std::string message = input_error_of([&] { pzsim::load_scenario(self); });
    CHECK_THAT(message, Contains("self.yaml:1:10: "));
    CHECK_THAT(message, Contains("cycle"));
  }
}

TEST_CASE("hostile input fails fast with an InputError", "[scenario]") {
  SECTION("10,000 open brackets") {
    const auto start = std::chrono::steady_clock::now();
    const std::string message = input_error_of([] { pzsim::load_scenario_text(std::string(10000, '['), "deep.yaml"); });
    CHECK(seconds_since(start) < 5.0);
    CHECK_THAT(message, Contains("deep.yaml:1:"));
    CHECK_THAT(message, Contains("nesting deeper than"));
  }
  SECTION("10,000 balanced brackets") {
    const auto start = std::chrono::steady_clock::now();
    const std::string text = "run: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
    const std::string message = input_error_of([&] { pzsim::load_scenario_text(text, "deep.yaml"); });
    CHECK(seconds_since(start) < 5.0);
    CHECK_THAT(message, Contains("nesting deeper than"));
  }
  SECTION("alias bomb (a billion nodes after expansion)") {
    std::string text = kMinimal + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level < 10; ++level) {
      text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
      for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(level - 1);
      text += "]\n";
    }
    const auto start = std::chrono::steady_clock::now();
    const std::string message = input_error_of([&] { pzsim::load_scenario_text(text, "bomb.yaml"); });
    CHECK(seconds_since(start) < 5.0);
    CHECK_THAT(message, Contains("bomb.yaml:"));
    CHECK_THAT(message, Contains("nodes"));
  }
}

TEST_CASE("extends chains merge maps key by key and replace lists", "[scenario]") {
  const ScratchDir dir;
  dir.write("grand.yaml",
            "description: \"grand\"\n"
            "run: {months: 24, seed: 7}\n"
            "firms: {count: 500, exporter_share: 0.3}\n"
            "cities:\n"
            "  list:\n"
            "    - {name: A, province: PA}\n"
            "    - {name: B, province: PB}\n"
            "  synthetic: {count: 2}\n"
            "zones:\n"
            "  selection: list\n"
            "  list:\n"
            "    - {city: A, approval: 2012-06}\n"
            "    - {city: B, approval: 2012-09}\n");
  dir.write("parent.yaml",
            "extends: grand.yaml\n"
            "run: {months: 36}\n"
            "firms: {count: 400}\n"
            "cities:\n"
            "  list:\n"
            "    - {name: C, province: PC, coastal: true}\n"
            "zones:\n"
            "  list:\n"
            "    - {city: C, approval: 2013-01}\n");
  const auto child = dir.write("child.yaml",
                               "extends: parent.yaml\n"
                               "description: \"child\"\n"
                               "firms: {cbec_share: 0.02}\n"
                               "cities:\n"
                               "  synthetic: {name_prefix: syn}\n");

  const auto s = pzsim::load_scenario(child).scenario;
  CHECK(s.description == "child");
  // Maps merge key by key: each level keeps what the nearer file did not write.
  CHECK(s.run.months == 36);         // parent
  CHECK(s.run.seed == 7);            // grand
  CHECK(s.firms.count == 400);       // parent over grand
  CHECK(s.firms.exporter_share == 0.3);  // grand
  CHECK(s.firms.cbec_share == 0.02);     // child
  CHECK(s.firms.trader_share == pzsim::FirmsConfig{}.trader_share);  // built-in default
  // Lists replace whole: parent's one city and one zone, not grand's two.
  REQUIRE(s.cities.list.size() == 3);  // C plus grand's 2 synthetic cities with child's prefix
  CHECK(s.cities.list[0].name == "C");
  CHECK(s.cities.list[0].coastal);
  CHECK(s.cities.list[1].name == "syn-1");
  CHECK(s.cities.list[2].name == "syn-2");
  CHECK(s.zones.selection == pzsim::ZoneSelection::list);  // grand
  REQUIRE(s.zones.list.size() == 1);
  CHECK(s.zones.list[0].city == "C");
  CHECK(s.zones.list[0].approval == pzsim::Month::of(2013, 1));
  // Lists no file writes keep the built-in defaults.
  CHECK(s.destinations.size() == pzsim::Scenario{}.destinations.size());
  CHECK(s.timeline.size() == pzsim::Scenario{}.timeline.size());

  SECTION("an error in an inherited value points into the file that wrote it") {
    const auto short_run = dir.write("short.yaml", "extends: parent.yaml\nrun: {months: 6}\n");
    const std::string message = input_error_of([&] { pzsim::load_scenario(short_run); });
    CHECK_THAT(message, Contains("parent.yaml:9:"));
    CHECK_THAT(message, Contains("zones.list.0.approval"));
    CHECK_THAT(message, Contains("outside the run"));
  }
}

TEST_CASE("overrides (--set) reach nested keys and list items by index", "[scenario]") {
  const auto file = scenarios_dir() / "default.yaml";
  const auto plain = pzsim::load_scenario(file).scenario;
  REQUIRE(plain.cities.list.at(0).coastal);
  REQUIRE(plain.zones.list.size() >= 2);

  const auto s = pzsim::load_scenario(
                     file, {"firms.count=123", "cities.list.0.coastal=false", "zones.list.1.approval=2016-02"})
                     .scenario;
  CHECK(s.firms.count == 123);
  CHECK_FALSE(s.cities.list.at(0).coastal);
  CHECK(s.cities.list.at(0).name == plain.cities.list.at(0).name);  // the rest of the item is kept
  CHECK(s.zones.list.at(1).approval == pzsim::Month::of(2016, 2));
  CHECK(s.zones.list.at(1).city == plain.zones.list.at(1).city);
  CHECK(s.zones.list.at(0).approval == plain.zones.list.at(0).approval);
  CHECK(s.firms.exporter_share == plain.firms.exporter_share);  // siblings untouched

  SECTION("the same through load_scenario_text") {
    const auto t = pzsim::load_scenario_text(kMinimal + "firms: {count: 50}\n", "text.yaml", {"firms.count=123"});
    CHECK(t.scenario.firms.count == 123);
  }
  SECTION("an unknown key in an override points at the --set text") {
    const std::string message = input_error_of([&] { pzsim::load_scenario(file, {"firms.cuont=5"}); });
    CHECK_THAT(message, Contains("--set firms.cuont:1:7: "));
    CHECK_THAT(message, Contains("'count'"));
  }
  SECTION("an index past the end of a list") {
    const std::string message = input_error_of([&] { pzsim::load_scenario(file, {"zones.list.99.approval=2016-02"}); });
    CHECK_THAT(message, Contains("--set zones.list.99.approval"));
    CHECK_THAT(message, Contains("past the end"));
  }
  SECTION("an override value that fails validation") {
    const std::string message = input_error_of([&] { pzsim::load_scenario(file, {"firms.exporter_share=1.5"}); });
    CHECK_THAT(message, Contains("--set firms.exporter_share:1:1: "));
    CHECK_THAT(message, Contains("firms.exporter_share"));
  }
}

TEST_CASE("overrides (--set) reach items of the built-in default lists", "[scenario]") {
  // default.yaml writes neither destinations nor sectors: the override must reach the
  // built-in default list item and keep the rest of that list.
  const pzsim::Scenario defaults;
  REQUIRE(defaults.destinations.size() >= 1);
  REQUIRE(defaults.sectors.size() >= 3);
  const auto check = [&](const pzsim::Scenario& s) {
    REQUIRE(s.destinations.size() == defaults.destinations.size());
    CHECK(s.destinations[0].name == defaults.destinations[0].name);
    CHECK(s.destinations[0].trade_cost_cbec == 0.5);
    CHECK(s.destinations[0].trade_cost_general == defaults.destinations[0].trade_cost_general);
    REQUIRE(s.sectors.size() == defaults.sectors.size());
    CHECK(s.sectors[2].name == defaults.sectors[2].name);
    CHECK(s.sectors[2].trade_elasticity == 5.0);
    CHECK(s.sectors[2].spending_share == defaults.sectors[2].spending_share);
    for (std::size_t i = 0; i < s.sectors.size(); ++i)
      if (i != 2) CHECK(s.sectors[i].trade_elasticity == defaults.sectors[i].trade_elasticity);
  };
  const std::vector<std::string> overrides = {"destinations.0.trade_cost_cbec=0.5", "sectors.2.trade_elasticity=5"};
  SECTION("on a file") {
    pzsim::LoadedScenario loaded;
    REQUIRE_NOTHROW(loaded = pzsim::load_scenario(scenarios_dir() / "default.yaml", overrides));
    check(loaded.scenario);
  }
  SECTION("on text") {
    pzsim::LoadedScenario loaded;
    REQUIRE_NOTHROW(loaded = pzsim::load_scenario_text(kMinimal, "text.yaml", overrides));
    check(loaded.scenario);
  }
}

TEST_CASE("with overrides, errors about values left at their defaults still point into the scenario",
          "[scenario]") {
  // The same invalid text must give the same located error whether or not an unrelated
  // override is given; a location such as "<built-in defaults>:217:10" names no file the
  // user can open.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {kMinimal + "zones: {selection: top_k}\n", "zones.top_k"},  // top_k left at 0
      {"firms: {count: 50}\n", "cities"},                         // no cities at all
  };
  for (const auto& [text, path] : cases) {
    INFO("input:\n" << text);
    const std::string without = input_error_of([&] { pzsim::load_scenario_text(text, "case.yaml"); });
    const std::string with = input_error_of([&] { pzsim::load_scenario_text(text, "case.yaml", {"run.seed=2"}); });
    INFO("without overrides: " << without << "\nwith --set run.seed=2: " << with);
    CHECK(without.rfind("case.yaml:", 0) == 0);
    CHECK_THAT(without, Contains(path));
    CHECK(with.rfind("case.yaml:", 0) == 0);
    CHECK_THAT(with, Contains(path));
    CHECK(with == without);
  }
}

TEST_CASE("docs/scenarios.md carries the current schema reference", "[scenario]") {
  std::ifstream in(std::string(PZSIM_SOURCE_DIR) + "/docs/scenarios.md");
  REQUIRE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Regenerate with `pzsim schema` when this fails.
  CHECK(text.find(pzsim::schema_markdown()) != std::string::npos);
}

TEST_CASE("a city with a drawn attribute stays synthetic through the printed scenario", "[scenario]") {
  const std::string text =
      "cities:\n"
      "  list:\n"
      "    - {name: A, province: P, infrastructure: 0.5, ecommerce: 0.5, trade_scale: 0.5, labour_force: 1e6,"
      " wage_cny: 3000, firm_weight: 1}\n"
      "    - {name: B, province: P, labour_force: 1e6}\n"
      "  synthetic: {count: 1}\n";
  const auto loaded = pzsim::load_scenario_text(text, "t.yaml");
  const auto& cities = loaded.scenario.cities.list;
  REQUIRE(cities.size() == 3);
  CHECK_FALSE(cities[0].synthetic);
  CHECK(cities[1].synthetic);
  CHECK(cities[2].synthetic);
  // The printed scenario lists every drawn value, and still says which cities were drawn.
  const auto again = pzsim::load_scenario_text(loaded.resolved_yaml, "printed.yaml").scenario.cities.list;
  REQUIRE(again.size() == 3);
  CHECK_FALSE(again[0].synthetic);
  CHECK(again[1].synthetic);
  CHECK(again[2].synthetic);
}
