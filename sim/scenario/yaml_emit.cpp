// Serialisation of a YAML tree: block-style YAML that re-parses to the same tree, and the
// double-quoted scalars it and the scenario printer (emit.cpp) write.
#include <optional>

#include "sim/core/text.hpp"
#include "sim/scenario/yaml_internal.hpp"

namespace pzsim::yaml {

using detail::is_blank;

std::string double_quoted(std::string_view text) { return text::double_quoted(text, {"\\x%02X", true}); }

namespace {

// --- to_yaml -------------------------------------------------------------------------------

bool is_null_spelling(std::string_view text) {
  return text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// Whether text can be written unquoted and read back as the same plain scalar. Deliberately
// conservative: anything doubtful is quoted.
bool can_be_plain(std::string_view text) {
  if (text.empty() || is_null_spelling(text)) return false;
  if (is_blank(text.front()) || is_blank(text.back()) || text.back() == ':') return false;
  if (std::string_view("[]{},#&*!|>'\"%@`").find(text.front()) != std::string_view::npos) {
    return false;
  }
  if ((text.front() == '-' || text.front() == '?' || text.front() == ':') &&
      (text.size() == 1 || is_blank(text[1]))) {
    return false;
  }
  if (text.starts_with("---") || text.starts_with("...")) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
    if (c == ':' && i + 1 < text.size() && is_blank(text[i + 1])) return false;
    if (c == '#' && i > 0 && is_blank(text[i - 1])) return false;
  }
  return true;
}

// How a node is written when it fits on the current line; nullopt for non-empty collections.
std::optional<std::string> inline_text(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null: return "null";
    case Node::Kind::scalar:
      return node.quoted || !can_be_plain(node.scalar) ? double_quoted(node.scalar) : node.scalar;
    case Node::Kind::map:
      if (node.map.empty()) return "{}";
      break;
    case Node::Kind::sequence:
      if (node.sequence.empty()) return "[]";
      break;
  }
  return std::nullopt;
}

// Writes the entries of a non-empty collection at indent. With continues_line the first entry
// goes on the current line (after "- "), giving the compact "- key: value" form.
void write_collection(const Node& node, std::size_t indent, bool continues_line, std::string& out) {
  const std::string padding(indent, ' ');
  bool first = true;
  const auto start_entry = [&] {
    if (!(first && continues_line)) out += padding;
    first = false;
  };
  if (node.kind == Node::Kind::map) {
    for (const auto& [key, value] : node.map) {
      start_entry();
      out += can_be_plain(key) ? key : double_quoted(key);
      out += ':';
      if (const auto text = inline_text(value)) {
        out += ' ' + *text + '\n';
      } else {
        out += '\n';
        write_collection(value, indent + 2, false, out);
      }
    }
  } else {
    for (const Node& item : node.sequence) {
      start_entry();
      out += "- ";
      if (const auto text = inline_text(item)) {
        out += *text + '\n';
      } else {
        write_collection(item, indent + 2, true, out);
      }
    }
  }
}

}  // namespace

std::string to_yaml(const Node& node) {
  if (const auto text = inline_text(node)) return *text + '\n';
  std::string out;
  write_collection(node, 0, false, out);
  return out;
}

}  // namespace pzsim::yaml
