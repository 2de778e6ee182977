#pragma once
// A small YAML document tree that remembers where every node was written, so scenario
// errors can say "file:line:column: key.path: what was wrong; expected ...". The scenario
// parser walks this tree and never sees yaml-cpp nodes. Implemented in yaml_guards.cpp,
// yaml_tree.cpp, yaml_overrides.cpp and yaml_emit.cpp (see yaml_internal.hpp).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pzsim::yaml {

// 1-based line and column; columns count characters, not bytes. Line 0 means unknown.
struct Position {
  std::string file;  // the path as the user gave it, or a display name such as "--set a.b"
  int line = 0;
  int column = 0;
};

// "file:line:column", or just "file" when the line is unknown.
std::string to_string(const Position& pos);

struct Node {
  // Declared here, defined (defaulted) in yaml_tree.cpp: clang with libstdc++ cannot
  // instantiate the implicit ones for a type that holds std::pair<std::string, Node>.
  Node();
  ~Node();
  Node(const Node&);
  Node(Node&&) noexcept;
  Node& operator=(const Node&);
  Node& operator=(Node&&) noexcept;

  enum class Kind { null, scalar, map, sequence };
  Kind kind = Kind::null;
  std::string scalar;  // for scalars: the text after YAML unquoting, never converted to a type
  bool quoted = false;  // quoted or block (| >) or !!str in the source, so "yes" is a string
  std::vector<std::pair<std::string, Node>> map;  // document order; keys unique
  std::vector<Node> sequence;
  Position pos;      // where this node starts; an alias's copy points at the alias, its
                     // insides at the anchored original
  Position key_pos;  // for map values: where the key was written (unknown-key errors point here)

  const Node* find(std::string_view key) const;  // nullptr if absent or not a map
  Node* find(std::string_view key);
};

// Guards against hostile or broken input; the defaults suit every real scenario.
struct Limits {
  std::uintmax_t max_file_bytes = std::uintmax_t{4} << 20;
  int max_depth = 64;              // nested maps and sequences
  std::size_t max_nodes = 200000;  // maps, lists and values (keys aside), aliases expanded
  std::size_t max_text_bytes = std::size_t{32} << 20;  // scalar and key text, aliases expanded
  std::size_t max_extends = 16;    // `extends` hops from the scenario file to its last parent
  std::size_t max_aliases = 10000;  // alias uses (*name); real scenarios use a handful
  // Checked throughout loading (pzsim::RunCancelled when set), so an interrupt is honoured
  // while a large or hostile file is read, not only once it has loaded. May be null.
  const std::atomic<bool>* cancel = nullptr;
};

// Loads one file without `extends` processing. Every problem is a pzsim::InputError:
// unreadable or oversized file, bytes that are not UTF-8 text, YAML syntax errors, several
// documents, duplicate or non-scalar keys, YAML tags other than !!str, nesting deeper than
// max_depth, more than max_nodes nodes or max_text_bytes of text.
Node load_file(const std::filesystem::path& path, const Limits& limits = {});
// The same checks for text that is not in a file (tests, --set values).
Node load_string(std::string_view text, std::string_view display_name,
                 const Limits& limits = {});

// Loads a scenario and resolves its `extends:` chain: the root key "extends" names a parent
// file relative to the directory of the file that contains it; the parent (itself resolved
// recursively) is deep-merged under the child (maps merge key by key with the child winning,
// sequences and scalars are replaced whole). The result has no "extends" key and every node
// keeps the position where it was written, so inherited values point into the parent file.
Node load_scenario_tree(const std::filesystem::path& path, const Limits& limits = {});

// Deep-merges overlay into base as `extends` does: maps key by key (overlay wins),
// sequences and scalars replaced whole.
void merge(Node& base, Node overlay);

// Applies "a.b.c=value": the value is parsed as YAML (display name "--set a.b.c"); integer
// path segments index into sequences ("zones.list.3.approval=2016-01"). Missing map keys are
// created so the scenario validator reports unknown ones as usual. An index past the end, a
// path through a scalar, a missing '=' or an empty path is an InputError "--set a.b.c: ...".
void apply_override(Node& root, std::string_view assignment);

// Block-style YAML that re-parses to the same tree (positions aside); for tests and debugging.
// One exception: a plain scalar that block style cannot write plainly (a lone "-" from a flow
// list, a multi-line plain scalar) comes back with the same text but quoted.
std::string to_yaml(const Node& node);

// A YAML double-quoted scalar that reads back as text: quotes and backslashes escaped, \n \t
// \r by name, other control characters as \xHH; UTF-8 as it is. Used by to_yaml and by the
// scenario printer (emit.cpp).
std::string double_quoted(std::string_view text);

}  // namespace pzsim::yaml
