#include "tests/support/test_support.hpp"
#include "sim/scenario/yaml_tree.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "sim/core/error.hpp"

namespace fs = std::filesystem;
using pzsim::yaml::Node;

namespace {

using pzsim::testing::input_error_of;
using TempDir = pzsim::testing::ScratchDir;

const Node& at(const Node& node, const std::string& key) {
  const Node* child = node.find(key);
  INFO("key " << key);
  REQUIRE(child != nullptr);
  return *child;
}

bool same_tree(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.scalar != b.scalar || a.quoted != b.quoted ||
      a.map.size() != b.map.size() || a.sequence.size() != b.sequence.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.map.size(); ++i) {
    if (a.map[i].first != b.map[i].first || !same_tree(a.map[i].second, b.map[i].second)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.sequence.size(); ++i) {
    if (!same_tree(a.sequence[i], b.sequence[i])) return false;
  }
  return true;
}

void check_position(const pzsim::yaml::Position& pos, const std::string& file, int line, int column) {
  CHECK(pos.file == file);
  CHECK(pos.line == line);
  CHECK(pos.column == column);
}

}  // namespace

TEST_CASE("yaml tree records 1-based positions of values and keys", "[scenario]") {
  const Node root = pzsim::yaml::load_string(
      "seed: 42\n"
      "zones:\n"
      "  list:\n"
      "    - name: north\n"
      "      approval: \"2016-01\"\n"
      "  empty:\n"
      "  none: ~\n"
      "é: x\n",
      "doc.yaml");
  REQUIRE(root.kind == Node::Kind::map);
  check_position(root.pos, "doc.yaml", 1, 1);

  const Node& seed = at(root, "seed");
  CHECK(seed.kind == Node::Kind::scalar);
  CHECK(seed.scalar == "42");
  CHECK_FALSE(seed.quoted);
  check_position(seed.pos, "doc.yaml", 1, 7);
  check_position(seed.key_pos, "doc.yaml", 1, 1);

  const Node& zones = at(root, "zones");
  const Node& list = at(zones, "list");
  REQUIRE(list.kind == Node::Kind::sequence);
  REQUIRE(list.sequence.size() == 1);
  check_position(list.key_pos, "doc.yaml", 3, 3);
  check_position(list.sequence[0].pos, "doc.yaml", 4, 7);

  const Node& name = at(list.sequence[0], "name");
  CHECK(name.scalar == "north");
  check_position(name.pos, "doc.yaml", 4, 13);
  check_position(name.key_pos, "doc.yaml", 4, 7);

  const Node& approval = at(list.sequence[0], "approval");
  CHECK(approval.scalar == "2016-01");
  CHECK(approval.quoted);
  check_position(approval.pos, "doc.yaml", 5, 17);
  check_position(approval.key_pos, "doc.yaml", 5, 7);

  // An empty value has no text of its own, so it points at its key.
  const Node& empty = at(zones, "empty");
  CHECK(empty.kind == Node::Kind::null);
  check_position(empty.pos, "doc.yaml", 6, 3);
  const Node& none = at(zones, "none");
  CHECK(none.kind == Node::Kind::null);
  check_position(none.pos, "doc.yaml", 7, 9);

  // Columns count characters, not UTF-8 bytes.
  check_position(at(root, "é").pos, "doc.yaml", 8, 4);

  CHECK(root.find("missing") == nullptr);
  CHECK(seed.find("anything") == nullptr);
}

TEST_CASE("yaml tree reports syntax errors as name:line:column", "[scenario]") {
  const std::string message =
      input_error_of([] { pzsim::yaml::load_string("a: [1, 2\nb: 3\n", "bad.yaml"); });
  CHECK_THAT(message, Catch::StartsWith("bad.yaml:2:2: invalid YAML: "));

  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string("a: 1\n---\nb: 2\n", "two.yaml"); }),
             Catch::StartsWith("two.yaml:2:1: a second YAML document"));
  // yaml-cpp 0.7's LoadAll never returns on this; the loader must still answer.
  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string("\n,\n", "comma.yaml"); }),
             Catch::StartsWith("comma.yaml:2:1: invalid YAML"));
  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string("a: !!int 3\n", "tag.yaml"); }),
             Catch::StartsWith("tag.yaml:1:4: a: YAML tag !!int"));
  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string("[1]: x\n", "key.yaml"); }),
             Catch::StartsWith("key.yaml:1:1:") && Catch::Contains("map key"));

  const Node tagged = pzsim::yaml::load_string("a: !!str yes\n", "str.yaml");
  CHECK(at(tagged, "a").quoted);
  CHECK(pzsim::yaml::load_string("", "empty.yaml").kind == Node::Kind::null);
}

TEST_CASE("yaml tree rejects duplicate keys", "[scenario]") {
  const std::string message = input_error_of(
      [] { pzsim::yaml::load_string("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n", "dup.yaml"); });
  CHECK_THAT(message, Catch::StartsWith("dup.yaml:5:3: b.c: duplicate key 'c'") &&
                          Catch::Contains("line 3, column 3"));
}

TEST_CASE("yaml tree stops alias bombs early", "[scenario]") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  const std::string names = "abcdefghi";
  for (std::size_t level = 1; level < names.size(); ++level) {
    // b: &b [*a, *a, ...], c: &c [*b, ...]: each level is nine copies of the one before.
    bomb += names[level];
    bomb += ": &";
    bomb += names[level];
    bomb += " [";
    for (int i = 0; i < 9; ++i) {
      if (i > 0) bomb += ", ";
      bomb += '*';
      bomb += names[level - 1];
    }
    bomb += "]\n";
  }
  const auto started = std::chrono::steady_clock::now();
  const std::string message = input_error_of([&] { pzsim::yaml::load_string(bomb, "bomb.yaml"); });
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK_THAT(message, Catch::StartsWith("bomb.yaml:") &&
                          Catch::Contains("more than 200000 nodes, counting each alias (*name) as a copy"));
  CHECK(elapsed < std::chrono::seconds(5));

  // A big value repeated by aliases is bounded by its text, not just by its node count.
  std::string payload = "a: &a " + std::string(100 * 1024, 'x') + "\nb: [*a";
  for (int i = 0; i < 400; ++i) payload += ", *a";
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_string(payload + "]\n", "payload.yaml"); }),
             Catch::Contains("more than 33554432 bytes (32.0 MiB) of text"));

  // A long one-line list is stopped before yaml-cpp tokenises all of it.
  std::string flat = "[x";
  for (int i = 0; i < 250000; ++i) flat += ",x";
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_string(flat + "]", "flat.yaml"); }),
             Catch::StartsWith("flat.yaml:1:") && Catch::Contains("more than 200000 nodes"));

  // An alias inside its own anchor would be an endless tree.
  CHECK(input_error_of([] { pzsim::yaml::load_string("a: &a [1, *a]\n", "cycle.yaml"); }) ==
        "cycle.yaml:1:11: a.1: alias refers to the node that contains it; expected an alias to a "
        "finished node");

  // Ordinary aliases are expanded; the copy's top node points at the alias.
  const Node shared = pzsim::yaml::load_string("a: &x {p: [1, 2]}\nb: *x\n", "alias.yaml");
  CHECK(at(at(shared, "b"), "p").sequence.size() == 2);
  check_position(at(shared, "b").pos, "alias.yaml", 2, 4);
  check_position(at(at(shared, "b"), "p").pos, "alias.yaml", 1, 11);
}

TEST_CASE("yaml tree limits nesting depth without overflowing the stack", "[scenario]") {
  const std::string brackets(100000, '[');
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_string(brackets, "deep.yaml"); }),
             Catch::StartsWith("deep.yaml:1:") && Catch::Contains("nesting deeper than 64 levels"));

  std::string dashes;
  for (int i = 0; i < 100000; ++i) dashes += "- ";
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_string(dashes + "x\n", "dashes.yaml"); }),
             Catch::Contains("nesting deeper than 64 levels"));

  std::string indented;
  for (int i = 0; i < 1000; ++i) indented += std::string(i, ' ') + "k:\n";
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_string(indented, "indent.yaml"); }),
             Catch::Contains("nesting deeper than 64 levels"));

  // The exact limit: 64 levels load, 65 are reported at the 65th level with its key path.
  const auto nested = [](int levels) {
    return "top: " + std::string(levels - 1, '[') + "x" + std::string(levels - 1, ']') + "\n";
  };
  CHECK_NOTHROW(pzsim::yaml::load_string(nested(64), "ok.yaml"));
  std::string deepest_path = "top";
  for (int i = 0; i < 63; ++i) deepest_path += ".0";
  CHECK(input_error_of([&] { pzsim::yaml::load_string(nested(65), "over.yaml"); }) ==
        "over.yaml:1:69: " + deepest_path + ": nesting deeper than 64 levels");
}

TEST_CASE("yaml tree rejects binary and malformed text", "[scenario]") {
  std::mt19937 random(12345);
  std::string junk(4096, '\0');
  for (char& c : junk) c = static_cast<char>(random() & 0xFF);
  junk[100] = '\0';
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_string(junk, "junk.bin"); }),
             Catch::StartsWith("junk.bin:"));

  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string(std::string("a: 1\nb: x\0y\n", 12), "nul.yaml"); }),
             Catch::StartsWith("nul.yaml:2:5: NUL byte"));
  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string("a: \xC3\xA9\xFF\n", "utf8.yaml"); }),
             Catch::StartsWith("utf8.yaml:1:5: invalid UTF-8 (byte 0xFF)"));
  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string("a: \xC0\xAF\n", "overlong.yaml"); }),
             Catch::Contains("invalid UTF-8"));
  CHECK_THAT(input_error_of([] { pzsim::yaml::load_string("a: 1\rb: 2\n", "cr.yaml"); }),
             Catch::StartsWith("cr.yaml:1:5: carriage return"));

  // A UTF-8 byte order mark and CRLF line endings are fine.
  const Node windows = pzsim::yaml::load_string("\xEF\xBB\xBF" "a: 1\r\nb: 2\r\n", "win.yaml");
  check_position(at(windows, "b").pos, "win.yaml", 2, 4);
}

TEST_CASE("yaml tree refuses oversized and unreadable files", "[scenario]") {
  const TempDir dir;
  const fs::path big = dir.write("big.yaml", "# " + std::string(5 * 1024 * 1024, 'x') + "\n");
  const std::string message = input_error_of([&] { pzsim::yaml::load_file(big); });
  CHECK_THAT(message, Catch::Contains(big.string()) && Catch::Contains("5242883 bytes (5.0 MiB)") &&
                          Catch::Contains("limit of 4194304 bytes (4.0 MiB)"));

  const fs::path missing = dir.path() / "missing.yaml";
  CHECK(input_error_of([&] { pzsim::yaml::load_file(missing); }) ==
        "cannot read scenario file " + missing.string() + ": No such file or directory");
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_file(dir.path()); }),
             Catch::StartsWith("cannot read scenario file"));

  const fs::path small = dir.write("small.yaml", "a: 1\n");
  CHECK(at(pzsim::yaml::load_file(small), "a").pos.file == small.string());
}

TEST_CASE("yaml tree resolves extends chains", "[scenario]") {
  const TempDir dir;
  const fs::path base = dir.write("base.yaml",
                                  "seed: 1\n"
                                  "model:\n"
                                  "  alpha: 1\n"
                                  "  beta: 2\n"
                                  "  list: [1, 2, 3]\n"
                                  "months: 12\n");
  const fs::path middle = dir.write("variants/middle.yaml",
                                    "extends: ../base.yaml\n"
                                    "model:\n"
                                    "  beta: 3\n"
                                    "  list: [9]\n");
  const fs::path top = dir.write("variants/top.yaml",
                                 "seed: 7\n"
                                 "extends: middle.yaml\n"
                                 "model:\n"
                                 "  gamma: 4\n");
  const Node root = pzsim::yaml::load_scenario_tree(top);
  REQUIRE(root.kind == Node::Kind::map);
  CHECK(root.find("extends") == nullptr);
  std::vector<std::string> keys;
  for (const auto& entry : root.map) keys.push_back(entry.first);
  CHECK(keys == std::vector<std::string>{"seed", "model", "months"});

  const Node& seed = at(root, "seed");
  CHECK(seed.scalar == "7");
  check_position(seed.pos, top.string(), 1, 7);

  const Node& months = at(root, "months");
  CHECK(months.scalar == "12");
  const std::string base_shown = (middle.parent_path() / "../base.yaml").string();
  check_position(months.pos, base_shown, 6, 9);
  check_position(months.key_pos, base_shown, 6, 1);

  const Node& model = at(root, "model");
  check_position(model.key_pos, top.string(), 3, 1);
  CHECK(at(model, "alpha").scalar == "1");
  check_position(at(model, "alpha").pos, base_shown, 3, 10);
  CHECK(at(model, "beta").scalar == "3");
  check_position(at(model, "beta").pos, middle.string(), 3, 9);
  CHECK(at(model, "gamma").scalar == "4");
  const Node& list = at(model, "list");
  REQUIRE(list.sequence.size() == 1);
  CHECK(list.sequence[0].scalar == "9");
  check_position(list.sequence[0].pos, middle.string(), 4, 10);

  // load_file alone leaves extends alone.
  CHECK(at(pzsim::yaml::load_file(top), "extends").scalar == "middle.yaml");
}

TEST_CASE("yaml tree reports extends cycles, missing parents and long chains", "[scenario]") {
  const TempDir dir;
  const fs::path a = dir.write("a.yaml", "x: 1\nextends: b.yaml\n");
  const fs::path b = dir.write("b.yaml", "extends: a.yaml\ny: 2\n");
  CHECK(input_error_of([&] { pzsim::yaml::load_scenario_tree(a); }) ==
        b.string() + ":1:10: extends: cycle: " + a.string() + " -> " + b.string() + " -> " +
            a.string());

  const fs::path self = dir.write("self.yaml", "extends: ./self.yaml\n");
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_scenario_tree(self); }),
             Catch::StartsWith(self.string() + ":1:10: extends: cycle: ") &&
                 Catch::EndsWith("self.yaml -> " + (dir.path() / "./self.yaml").string()));

  const fs::path orphan = dir.write("orphan.yaml", "seed: 1\nextends: nowhere/base.yaml\n");
  CHECK(input_error_of([&] { pzsim::yaml::load_scenario_tree(orphan); }) ==
        orphan.string() + ":2:10: extends: cannot read scenario file " +
            (dir.path() / "nowhere/base.yaml").string() + ": No such file or directory");

  const fs::path list_parent = dir.write("list.yaml", "- 1\n");
  const fs::path list_child = dir.write("child.yaml", "extends: list.yaml\n");
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_scenario_tree(list_child); }),
             Catch::Contains("expected a map of settings"));
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_scenario_tree(dir.write("bad.yaml", "extends: [a]\n")); }),
             Catch::StartsWith((dir.path() / "bad.yaml").string() + ":1:10: extends: expected"));

  // 16 hops are allowed, the 17th is not.
  for (int i = 0; i <= 17; ++i) {
    dir.write("chain" + std::to_string(i) + ".yaml",
              i == 17 ? "v: 17\n" : "extends: chain" + std::to_string(i + 1) + ".yaml\n");
  }
  CHECK_THAT(input_error_of([&] { pzsim::yaml::load_scenario_tree(dir.path() / "chain0.yaml"); }),
             Catch::Contains("chain16.yaml:1:10: extends: more than 16 levels of extends"));
  CHECK(at(pzsim::yaml::load_scenario_tree(dir.path() / "chain1.yaml"), "v").scalar == "17");
}

TEST_CASE("yaml tree applies --set overrides", "[scenario]") {
  Node root = pzsim::yaml::load_string(
      "seed: 1\n"
      "zones:\n"
      "  list:\n"
      "    - {name: a, approval: 2010-01}\n"
      "    - {name: b}\n"
      "sectors:\n"
      "  - elasticity: 2\n"
      "empty:\n",
      "s.yaml");

  pzsim::yaml::apply_override(root, "seed=42");
  CHECK(at(root, "seed").scalar == "42");
  check_position(at(root, "seed").key_pos, "s.yaml", 1, 1);
  check_position(at(root, "seed").pos, "--set seed", 1, 1);

  pzsim::yaml::apply_override(root, "zones.list.1.approval='2016-01'");
  const Node& approval = at(at(root, "zones").find("list")->sequence[1], "approval");
  CHECK(approval.scalar == "2016-01");
  CHECK(approval.quoted);
  check_position(approval.key_pos, "--set zones.list.1.approval", 1, 14);

  pzsim::yaml::apply_override(root, "sectors.0.elasticity=4");
  CHECK(at(root, "sectors").sequence[0].find("elasticity")->scalar == "4");

  pzsim::yaml::apply_override(root, "zones.list=[x, y]");
  CHECK(at(at(root, "zones"), "list").sequence.size() == 2);

  pzsim::yaml::apply_override(root, "new.branch.leaf={a: 1}");
  CHECK(at(at(at(root, "new"), "branch"), "leaf").find("a")->scalar == "1");
  pzsim::yaml::apply_override(root, "empty.inner=");
  CHECK(at(at(root, "empty"), "inner").kind == Node::Kind::null);

  CHECK(input_error_of([&] { pzsim::yaml::apply_override(root, "sectors.3.elasticity=1"); }) ==
        "--set sectors.3.elasticity: index 3 is past the end of sectors, which has 1 item "
        "(numbered from 0)");
  CHECK_THAT(input_error_of([&] { pzsim::yaml::apply_override(root, "sectors.first=1"); }),
             Catch::StartsWith("--set sectors.first: sectors is a list; expected an item number"));
  CHECK_THAT(input_error_of([&] { pzsim::yaml::apply_override(root, "seed.x=1"); }),
             Catch::StartsWith("--set seed.x: seed is a single value"));
  CHECK_THAT(input_error_of([&] { pzsim::yaml::apply_override(root, "seed"); }),
             Catch::StartsWith("--set seed: expected key.path=value"));
  CHECK_THAT(input_error_of([&] { pzsim::yaml::apply_override(root, "=3"); }),
             Catch::Contains("key path before '=' is empty"));
  CHECK_THAT(input_error_of([&] { pzsim::yaml::apply_override(root, "a..b=3"); }),
             Catch::StartsWith("--set a..b: empty name"));
  CHECK_THAT(input_error_of([&] { pzsim::yaml::apply_override(root, "seed=[1"); }),
             Catch::StartsWith("--set seed:1:"));
}

TEST_CASE("yaml tree serialises to YAML that loads back the same", "[scenario]") {
  const std::string text =
      "plain: hello world\n"
      "quoted_yes: \"yes\"\n"
      "plain_yes: yes\n"
      "negative: -1.5\n"
      "colon: \"a: b\"\n"
      "hash: 'x #y'\n"
      "question: ?x\n"
      "quoted null: 'null'\n"
      "nothing:\n"
      "tilde: ~\n"
      "empty_string: ''\n"
      "escapes: \"tab\\there \\\"q\\\" back\\\\slash\"\n"
      "block: |\n"
      "  line one\n"
      "  line two\n"
      "unicode: héllo\n"
      "\"key: odd\": 1\n"
      "empty_map: {}\n"
      "empty_list: []\n"
      "nested:\n"
      "  - a: 1\n"
      "    b: [x, {c: d}]\n"
      "  - [[1, 2], []]\n"
      "  - - deep\n"
      "    - er\n";
  const Node original = pzsim::yaml::load_string(text, "round.yaml");
  const std::string written = pzsim::yaml::to_yaml(original);
  INFO(written);
  const Node reloaded = pzsim::yaml::load_string(written, "written.yaml");
  CHECK(same_tree(original, reloaded));
  CHECK(pzsim::yaml::to_yaml(reloaded) == written);

  CHECK(pzsim::yaml::to_yaml(pzsim::yaml::load_string("", "e")) == "null\n");
  CHECK(pzsim::yaml::to_yaml(pzsim::yaml::load_string("[]", "e")) == "[]\n");
  CHECK(pzsim::yaml::to_yaml(pzsim::yaml::load_string("a: [1, {b: 2}]", "e")) ==
        "a:\n  - 1\n  - b: 2\n");
}
