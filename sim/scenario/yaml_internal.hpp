#pragma once
// Internals of the YAML tree (yaml_tree.hpp), shared by its parts; not for use elsewhere:
//  yaml_guards.cpp     input guards: file reading and size, UTF-8 and control characters,
//                      nesting and node counts before yaml-cpp sees the text
//  yaml_tree.cpp       the tree builder over yaml-cpp's parse events, positions, loading
//  yaml_overrides.cpp  `extends:` chains, merging, `--set` overrides
//  yaml_emit.cpp       block-style YAML from a tree, double-quoted scalars
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "sim/scenario/yaml_tree.hpp"

namespace pzsim::yaml::detail {

inline bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// "1234 bytes (0.0 MiB)"
std::string describe_bytes(std::uintmax_t bytes);
// "a map", "a list", ... for messages.
std::string describe_kind(Node::Kind kind);

// Throws pzsim::RunCancelled when the caller's cancellation flag is set.
void check_cancel(const Limits& limits);
// Throws InputError "file:line:column: what".
[[noreturn]] void fail_at(const Position& pos, std::string_view what);

struct TextProblem {
  std::size_t offset;
  std::string what;
};

// Scenario files must be UTF-8 text. Besides invalid bytes this rejects characters yaml-cpp
// silently mangles or counts lines differently for (lone CR, NEL, U+2028/9, DEL, C0/C1
// controls), so values and reported positions stay faithful to the file.
std::optional<TextProblem> find_text_problem(std::string_view text);
// A scalar after YAML unescaping must be text the file itself could hold (see yaml_guards.cpp).
std::optional<std::string> find_value_problem(std::string_view value);
// A crude scan of the raw text's nesting and flow-collection size, so pathological text never
// reaches yaml-cpp's recursive parser (see yaml_guards.cpp).
std::optional<TextProblem> find_structure_problem(std::string_view text, const Limits& limits);
// Reads a whole scenario file within limits.max_file_bytes; InputError otherwise.
std::string read_scenario_text(const std::filesystem::path& path, const Limits& limits);

// One YAML document from text, with every guard applied (yaml_tree.cpp).
Node parse_text(std::string_view text, const std::string& display_name, const Limits& limits);

}  // namespace pzsim::yaml::detail
