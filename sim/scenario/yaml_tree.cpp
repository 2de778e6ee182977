#include "sim/scenario/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "sim/core/error.hpp"

namespace pzsim::yaml {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string describe_bytes(std::uintmax_t bytes) {
  char mib[32];
  std::snprintf(mib, sizeof mib, "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return std::to_string(bytes) + " bytes (" + mib + " MiB)";
}

std::string describe_kind(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::null: return "an empty value";
    case Node::Kind::scalar: return "a single value";
    case Node::Kind::map: return "a map";
    case Node::Kind::sequence: return "a list";
  }
  return "a node";
}

std::string hex_byte(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", value);
  return text;
}

std::string code_point_name(std::uint32_t code_point) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(code_point));
  return text;
}

// The text being loaded plus a line index, to turn byte offsets and yaml-cpp marks (0-based
// line, 0-based byte column) into 1-based character positions.
class SourceText {
 public:
  SourceText(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  std::string_view text() const { return text_; }
  const std::string& file() const { return file_; }

  Position at_offset(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    const auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const auto line_index = static_cast<std::size_t>(next_line - line_starts_.begin()) - 1;
    return Position{file_, static_cast<int>(line_index) + 1,
                    character_column(line_starts_[line_index], offset)};
  }

  Position at_mark(const YAML::Mark& mark) const {
    if (mark.line < 0 || mark.column < 0) return Position{file_, 0, 0};
    const auto line_index = static_cast<std::size_t>(mark.line);
    if (line_index >= line_starts_.size()) return Position{file_, mark.line + 1, mark.column + 1};
    return at_offset(offset_of(mark));
  }

  // yaml-cpp reports `key: ~` and `key:` (nothing) alike as null, the latter with the mark
  // of whatever token follows; this tells them apart so empty values can point at their key.
  bool null_literal_at(const YAML::Mark& mark) const {
    const std::string_view rest = text_at(mark);
    return rest.starts_with('~') || rest.starts_with("null") || rest.starts_with("Null") ||
           rest.starts_with("NULL");
  }

  // The text from mark to the end.
  std::string_view text_at(const YAML::Mark& mark) const {
    if (mark.line < 0 || static_cast<std::size_t>(mark.line) >= line_starts_.size()) return {};
    return text_.substr(offset_of(mark));
  }

 private:
  std::size_t offset_of(const YAML::Mark& mark) const {
    return std::min(line_starts_[static_cast<std::size_t>(mark.line)] +
                        static_cast<std::size_t>(mark.column),
                    text_.size());
  }

  int character_column(std::size_t line_start, std::size_t offset) const {
    std::size_t from = line_start;
    int column = 1;
    if (column_cursor_.offset >= line_start && column_cursor_.offset <= offset) {
      from = column_cursor_.offset;
      column = column_cursor_.column;
    }
    for (std::size_t i = from; i < offset; ++i) {
      if (!is_utf8_continuation(text_[i])) ++column;
    }
    column_cursor_ = ColumnCursor{offset, column};
    return column;
  }

  std::string_view text_;
  std::string file_;
  std::vector<std::size_t> line_starts_;
  // Positions are asked for in text order, so counting characters on from the previous one
  // keeps a megabyte-long single line linear instead of quadratic.
  struct ColumnCursor {
    std::size_t offset = 0;
    int column = 1;
  };
  mutable ColumnCursor column_cursor_;
};

void check_cancel(const Limits& limits) {
  if (limits.cancel != nullptr && limits.cancel->load(std::memory_order_relaxed)) throw RunCancelled{};
}

[[noreturn]] void fail_at(const Position& pos, std::string_view what) {
  throw InputError(to_string(pos) + ": " + std::string(what));
}

struct TextProblem {
  std::size_t offset;
  std::string what;
};

// Scenario files must be UTF-8 text. Besides invalid bytes this rejects characters yaml-cpp
// silently mangles or counts lines differently for (lone CR, NEL, U+2028/9, DEL, C0/C1
// controls), so values and reported positions stay faithful to the file.
std::optional<TextProblem> find_text_problem(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned lead = byte(i);
    if (lead < 0x80) {
      if (lead == 0) return TextProblem{i, "NUL byte; this looks like binary data, not YAML text"};
      if (lead == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
        return TextProblem{i, "carriage return without a line feed; use \\n or \\r\\n line endings"};
      }
      if ((lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') || lead == 0x7F) {
        return TextProblem{i, "control character " + code_point_name(lead) + " is not allowed"};
      }
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    std::uint32_t smallest = 0;  // anything below is an overlong encoding
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2, code_point = lead & 0x1F, smallest = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3, code_point = lead & 0x0F, smallest = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4, code_point = lead & 0x07, smallest = 0x10000;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = is_utf8_continuation(text[i + k]);
      code_point = (code_point << 6) | (byte(i + k) & 0x3F);
    }
    valid = valid && code_point >= smallest && code_point <= 0x10FFFF &&
            !(code_point >= 0xD800 && code_point <= 0xDFFF);
    if (!valid) {
      return TextProblem{i, "invalid UTF-8 (byte " + hex_byte(lead) +
                                "); scenario files must be UTF-8 text"};
    }
    if (code_point <= 0x9F) {
      return TextProblem{i, "control character " + code_point_name(code_point) + " is not allowed"};
    }
    if (code_point == 0x2028 || code_point == 0x2029) {
      return TextProblem{i, "line separator " + code_point_name(code_point) +
                                " is not allowed; use an ordinary line break"};
    }
    i += length;
  }
  return std::nullopt;
}

// A scalar after YAML unescaping must be text the file itself could hold: escapes such as
// "\0", "\x7f", "\N", "\_", "\L" or "\P" would otherwise put NUL (truncating labels), control
// characters or bytes that are not UTF-8 (yaml-cpp writes \N and \_ as single raw bytes)
// into names, and the resolved scenario printed from them would not load again.
std::optional<std::string> find_value_problem(std::string_view value) {
  if (const std::size_t nul = value.find('\0'); nul != std::string_view::npos) {
    return "a NUL character (from an escape such as \\0) after unescaping, at byte " + std::to_string(nul + 1) +
           " of the value; expected printable UTF-8 text";
  }
  if (const auto problem = find_text_problem(value)) {
    return "after unescaping: " + problem->what +
           " (escapes such as \\x7f, \\N, \\_, \\L or \\P give text that does not round-trip); expected printable UTF-8 text";
  }
  return std::nullopt;
}

bool is_sequence_entry_marker(std::string_view line, std::size_t at) {
  return at < line.size() && (line[at] == '-' || line[at] == '?') &&
         (at + 1 == line.size() || is_blank(line[at + 1]));
}

// Checks the raw text's structure before yaml-cpp sees it. yaml-cpp parses recursively, so
// text like 100000 '[' must never reach it, and it holds every token of a flow collection
// until the collection ends, so a 4 MiB one-line list would cost it ~0.5 GB before any node
// limit could apply. This is a crude scan, not a YAML parser: it counts flow brackets and
// commas outside quotes and comments plus block indentation levels, and skips block scalar
// bodies. It can be fooled into undercounting (yaml-cpp's own recursion guard and the exact
// checks while building the tree still apply) and overcounts depth by at most a level.
std::optional<TextProblem> find_structure_problem(std::string_view text, const Limits& limits) {
  // Generous, so ordinary over-deep documents reach the exact check while building the tree,
  // whose message can name the key path; this only has to stop pathological text.
  const std::size_t max_depth = 4 * static_cast<std::size_t>(std::max(limits.max_depth, 1));
  const auto too_deep = [&](std::size_t offset) {
    return TextProblem{offset, "nesting deeper than " + std::to_string(limits.max_depth) + " levels"};
  };
  std::size_t flow_commas = 0;  // each separates flow entries, so there are more nodes than these
  enum class Quote { none, single, double_ };
  Quote quote = Quote::none;
  std::size_t flow_depth = 0;
  std::vector<std::size_t> block_indents;
  bool in_block_scalar = false;
  std::size_t block_scalar_parent_indent = 0;  // body lines are indented further than this

  std::size_t line_start = 0;
  while (line_start < text.size()) {
    const std::size_t newline = text.find('\n', line_start);
    const std::size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(line_start, line_end - line_start);
    const std::size_t next_line = line_end + 1;

    if (quote == Quote::none && flow_depth == 0) {
      std::size_t indent = line.find_first_not_of(' ');
      const bool whitespace_only =
          indent == std::string_view::npos || line.find_first_not_of(" \t\r") == std::string_view::npos;
      if (in_block_scalar) {
        if (whitespace_only || indent > block_scalar_parent_indent) {
          line_start = next_line;
          continue;
        }
        in_block_scalar = false;
      }
      if (whitespace_only || line[indent] == '#') {
        line_start = next_line;
        continue;
      }
      while (!block_indents.empty() && block_indents.back() > indent) block_indents.pop_back();
      if (block_indents.empty() || block_indents.back() < indent) block_indents.push_back(indent);
      // "- - x" opens one sequence per marker on a single line.
      for (std::size_t at = indent; is_sequence_entry_marker(line, at);) {
        const std::size_t next = line.find_first_not_of(" \t", at + 1);
        if (next == std::string_view::npos || !is_sequence_entry_marker(line, next)) break;
        block_indents.push_back(next);
        at = next;
      }
      if (block_indents.size() > max_depth) return too_deep(line_start + indent);
    }

    bool at_node_start = true;  // a quote or bracket here opens a node rather than sitting in text
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quote == Quote::single) {
        if (c == '\'') {
          if (i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;
          } else {
            quote = Quote::none;
            at_node_start = false;
          }
        }
        continue;
      }
      if (quote == Quote::double_) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          quote = Quote::none;
          at_node_start = false;
        }
        continue;
      }
      if (is_blank(c)) continue;
      if (c == '#' && (i == 0 || is_blank(line[i - 1]))) break;
      if ((c == '-' || c == '?' || c == ':') && (i + 1 == line.size() || is_blank(line[i + 1]))) {
        at_node_start = true;
      } else if (c == ',' && flow_depth > 0) {
        if (++flow_commas > limits.max_nodes) {
          return TextProblem{line_start + i, "the document has more than " +
                                                 std::to_string(limits.max_nodes) +
                                                 " nodes; expected a smaller document"};
        }
        at_node_start = true;
      } else if ((c == '\'' || c == '"') && at_node_start) {
        quote = c == '\'' ? Quote::single : Quote::double_;
      } else if ((c == '[' || c == '{') && (at_node_start || flow_depth > 0)) {
        ++flow_depth;
        if (block_indents.size() + flow_depth > max_depth) return too_deep(line_start + i);
        at_node_start = true;
      } else if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
        at_node_start = false;
      } else if ((c == '&' || c == '!') && at_node_start) {
        // An anchor or tag comes before the node it labels.
        while (i + 1 < line.size() && !is_blank(line[i + 1])) ++i;
      } else if ((c == '|' || c == '>') && at_node_start && flow_depth == 0) {
        std::size_t after = i + 1;
        while (after < line.size() && std::string_view("0123456789+-").find(line[after]) !=
                                          std::string_view::npos) {
          ++after;
        }
        const std::size_t rest = line.find_first_not_of(" \t\r", after);
        if (rest == std::string_view::npos || (line[rest] == '#' && rest > after)) {
          in_block_scalar = true;
          block_scalar_parent_indent = block_indents.empty() ? 0 : block_indents.back();
          break;
        }
        at_node_start = false;
      } else {
        at_node_start = false;
      }
    }
    line_start = next_line;
  }
  return std::nullopt;
}

std::string display_tag(const std::string& tag) {
  constexpr std::string_view core_prefix = "tag:yaml.org,2002:";
  if (tag.starts_with(core_prefix)) return "!!" + tag.substr(core_prefix.size());
  return tag;
}

bool is_supported_tag(const std::string& tag, bool scalar) {
  // "?" marks a plain node, "!" a quoted or block scalar; !!str only makes a scalar a string.
  return tag == "?" || tag == "!" || (scalar && tag == kStrTag);
}

// What a (sub)tree costs once aliases are expanded: nodes (map keys excluded) and the bytes
// of its scalar and key text.
struct TreeSize {
  std::size_t nodes = 0;
  std::size_t text_bytes = 0;
};

TreeSize operator+(TreeSize a, TreeSize b) { return {a.nodes + b.nodes, a.text_bytes + b.text_bytes}; }
TreeSize operator-(TreeSize a, TreeSize b) { return {a.nodes - b.nodes, a.text_bytes - b.text_bytes}; }

// Builds the tree from yaml-cpp's parse events for one document. Working from events rather
// than yaml-cpp's node graph means an alias's size and depth are known before it is copied,
// so alias bombs (and aliases inside their own anchor) are refused without expanding them.
class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(const SourceText& source, const Limits& limits) : source_(source), limits_(limits) {}

  std::optional<Node> take_document() { return std::move(document_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node node;
    node.pos = source_.at_mark(mark);
    const TreeSize size{in_key_slot() ? 0u : 1u, 0};
    grow(size, node.pos);
    // `key:` with nothing after it has the mark of the following token; point at the key.
    if (in_value_slot() && !source_.null_literal_at(mark)) node.pos = open_.back().key_pos;
    add(std::move(node), 0, anchor, size);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_cancel(limits_);
    Node node;
    node.pos = source_.at_mark(mark);
    check_tag(tag, true, node.pos);
    if (const auto problem = find_value_problem(value)) fail(node.pos, *problem);
    const TreeSize size{in_key_slot() ? 0u : 1u, value.size()};
    grow(size, node.pos);
    node.kind = Node::Kind::scalar;
    node.scalar = value;
    node.quoted = tag != "?";
    add(std::move(node), 0, anchor, size);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_cancel(limits_);
    const Position pos = source_.at_mark(mark);
    if (++alias_uses_ > limits_.max_aliases) {
      fail(pos, "more than " + std::to_string(limits_.max_aliases) + " aliases (*name); expected fewer");
    }
    const auto found = anchored_.find(anchor);
    if (found == anchored_.end()) {
      fail(pos, "alias refers to the node that contains it; expected an alias to a finished node");
    }
    const Anchored& target = found->second;
    // A key is text only, not a node; an anchored key used as a value is one.
    TreeSize size = target.size;
    size.nodes = in_key_slot() ? 0 : std::max<std::size_t>(size.nodes, 1);
    grow(size, pos);
    check_depth(open_.size() + target.height, pos);
    Node copy = target.node;
    copy.pos = pos;
    add(std::move(copy), target.height, YAML::NullAnchor, size);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_collection(Node::Kind::sequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { close_collection(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_collection(Node::Kind::map, mark, tag, anchor);
  }
  void OnMapEnd() override { close_collection(); }

 private:
  // A map or sequence whose end has not been seen yet.
  struct Open {
    Node node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    TreeSize size_before;           // the document's size just before it started
    std::size_t child_height = 0;   // collection levels below it so far
    bool awaiting_value = false;    // maps: a key has been read, its value comes next
    std::string key;
    Position key_pos;
    std::unordered_map<std::string, Position> keys_seen;
  };
  // A finished node with an anchor, kept to expand later aliases to it.
  struct Anchored {
    Node node;
    TreeSize size;
    std::size_t height = 0;  // collection levels, itself included
  };

  bool in_key_slot() const {
    return !open_.empty() && open_.back().node.kind == Node::Kind::map && !open_.back().awaiting_value;
  }
  bool in_value_slot() const {
    return !open_.empty() && open_.back().node.kind == Node::Kind::map && open_.back().awaiting_value;
  }

  [[noreturn]] void fail(const Position& pos, std::string_view what,
                         std::string_view last_key = {}) const {
    std::string path;
    const auto append = [&](std::string_view segment) {
      if (!path.empty()) path += '.';
      path += segment;
    };
    for (const Open& open : open_) {
      if (open.node.kind == Node::Kind::sequence) append(std::to_string(open.node.sequence.size()));
      if (open.node.kind == Node::Kind::map && open.awaiting_value) append(open.key);
    }
    if (!last_key.empty()) append(last_key);
    fail_at(pos, path.empty() ? std::string(what) : path + ": " + std::string(what));
  }

  void check_tag(const std::string& tag, bool scalar, const Position& pos) const {
    if (!is_supported_tag(tag, scalar)) {
      fail(pos, "YAML tag " + display_tag(tag) + " is not supported; expected untagged values");
    }
  }

  void check_depth(std::size_t depth, const Position& pos) const {
    if (depth > static_cast<std::size_t>(std::max(limits_.max_depth, 0))) {
      fail(pos, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
  }

  // Fails unless total + added stays within the limits; what names the total for the message.
  void check_budget(TreeSize total, TreeSize added, std::string_view what,
                    const Position& pos) const {
    const auto exceeds = [](std::size_t total, std::size_t added, std::size_t limit) {
      return added > limit - std::min(total, limit);
    };
    if (exceeds(total.nodes, added.nodes, limits_.max_nodes)) {
      fail(pos, std::string(what) + " more than " + std::to_string(limits_.max_nodes) +
                    " nodes, counting each alias (*name) as a copy; expected a smaller document");
    }
    if (exceeds(total.text_bytes, added.text_bytes, limits_.max_text_bytes)) {
      fail(pos, std::string(what) + " more than " + describe_bytes(limits_.max_text_bytes) +
                    " of text, counting each alias (*name) as a copy; expected a smaller document");
    }
  }

  void grow(TreeSize added, const Position& pos) {
    check_budget(size_, added, "the document has", pos);
    size_ = size_ + added;
  }

  void open_collection(Node::Kind kind, const YAML::Mark& mark, const std::string& tag,
                       YAML::anchor_t anchor) {
    check_cancel(limits_);
    Open open;
    open.node.pos = source_.at_mark(mark);
    if (in_key_slot()) fail(open.node.pos, "a map key must be a single value, not a list or map");
    check_tag(tag, false, open.node.pos);
    open.size_before = size_;
    grow(TreeSize{1, 0}, open.node.pos);
    check_depth(open_.size() + 1, open.node.pos);
    open.node.kind = kind;
    open.anchor = anchor;
    open_.push_back(std::move(open));
  }

  void close_collection() {
    Open done = std::move(open_.back());
    open_.pop_back();
    add(std::move(done.node), done.child_height + 1, done.anchor, size_ - done.size_before);
  }

  // Places a finished node in its parent: as a sequence item, a map key or a map value.
  void add(Node node, std::size_t height, YAML::anchor_t anchor, TreeSize size) {
    if (anchor != YAML::NullAnchor) {
      // Nested anchors are stored once each, so their copies get a budget of their own.
      check_budget(anchored_size_, size, "anchored nodes (&name) hold", node.pos);
      anchored_size_ = anchored_size_ + size;
      anchored_[anchor] = Anchored{node, size, height};
    }
    if (open_.empty()) {
      document_ = std::move(node);
      return;
    }
    Open& parent = open_.back();
    parent.child_height = std::max(parent.child_height, height);
    if (parent.node.kind == Node::Kind::sequence) {
      parent.node.sequence.push_back(std::move(node));
    } else if (parent.awaiting_value) {
      node.key_pos = parent.key_pos;
      parent.node.map.emplace_back(std::move(parent.key), std::move(node));
      parent.awaiting_value = false;
    } else {
      if (node.kind == Node::Kind::null) fail(node.pos, "empty map key; expected a name before ':'");
      if (node.kind != Node::Kind::scalar) {
        fail(node.pos, "a map key must be a single value, not a list or map");
      }
      const auto [first, inserted] = parent.keys_seen.emplace(node.scalar, node.pos);
      if (!inserted) {
        fail(node.pos,
             "duplicate key '" + node.scalar + "' (first written at line " +
                 std::to_string(first->second.line) + ", column " +
                 std::to_string(first->second.column) + "); expected each key once",
             node.scalar);
      }
      parent.key = std::move(node.scalar);
      parent.key_pos = std::move(node.pos);
      parent.awaiting_value = true;
    }
  }

  const SourceText& source_;
  const Limits& limits_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, Anchored> anchored_;
  TreeSize size_;           // of the document so far, aliases expanded
  TreeSize anchored_size_;  // of all stored anchor copies
  std::size_t alias_uses_ = 0;
  std::optional<Node> document_;
};

// Stops the parser at the start of a second document (which reading it would only waste).
struct SecondDocument {
  YAML::Mark mark;
};
class SecondDocumentProbe final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { throw SecondDocument{mark}; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { throw SecondDocument{mark}; }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { throw SecondDocument{mark}; }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    throw SecondDocument{mark};
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    throw SecondDocument{mark};
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    throw SecondDocument{mark};
  }
  void OnMapEnd() override {}
};

Node parse_text(std::string_view text, const std::string& display_name, const Limits& limits) {
  if (text.size() > limits.max_file_bytes) {
    throw InputError(display_name + ": text is " + describe_bytes(text.size()) +
                     ", larger than the limit of " + describe_bytes(limits.max_file_bytes));
  }
  check_cancel(limits);
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  const SourceText source(text, display_name);
  if (const auto problem = find_text_problem(text)) {
    fail_at(source.at_offset(problem->offset), problem->what);
  }
  if (const auto problem = find_structure_problem(text, limits)) {
    fail_at(source.at_offset(problem->offset), problem->what);
  }
  // The parser is driven one document at a time: YAML::LoadAll never returns on some
  // malformed input in yaml-cpp 0.7 (a stray ',' yields endless empty documents).
  std::istringstream input{std::string(text)};
  try {
    YAML::Parser parser(input);
    TreeBuilder builder(source, limits);
    parser.HandleNextDocument(builder);
    std::optional<Node> root = builder.take_document();
    SecondDocumentProbe probe;
    parser.HandleNextDocument(probe);
    if (root) return std::move(*root);
    Node empty_document;
    empty_document.pos = Position{display_name, 1, 1};
    return empty_document;
  } catch (const SecondDocument& second) {
    fail_at(source.at_mark(second.mark),
            source.text_at(second.mark).starts_with("---")
                ? "a second YAML document; expected one document per file"
                : "invalid YAML: unexpected text after the end of the document");
  } catch (const YAML::Exception& error) {
    fail_at(source.at_mark(error.mark), "invalid YAML: " + error.msg);
  } catch (const InputError&) {
    throw;
  } catch (const RunCancelled&) {
    throw;
  } catch (const std::exception& error) {
    throw InputError(display_name + ": cannot parse YAML: " + error.what());
  }
}

std::string system_reason(int error_number) {
  return std::generic_category().message(error_number);
}

// Reads a whole scenario file. The size is checked before reading so a huge file costs
// nothing, and again while reading in case the file grows meanwhile.
std::string read_scenario_text(const fs::path& path, const Limits& limits) {
  const std::string shown = path.string();
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error) throw InputError("cannot read scenario file " + shown + ": " + error.message());
  if (!fs::is_regular_file(status)) {
    throw InputError("cannot read scenario file " + shown + ": " +
                     (fs::is_directory(status) ? "it is a directory" : "not a regular file"));
  }
  const std::uintmax_t size = fs::file_size(path, error);
  if (error) throw InputError("cannot read scenario file " + shown + ": " + error.message());
  const auto too_large = [&](std::uintmax_t bytes) {
    return InputError("scenario file " + shown + " is " + describe_bytes(bytes) +
                      ", larger than the limit of " + describe_bytes(limits.max_file_bytes));
  };
  if (size > limits.max_file_bytes) throw too_large(size);

  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(shown.c_str(), "rb"),
                                                               &std::fclose);
  if (!file) throw InputError("cannot read scenario file " + shown + ": " + system_reason(errno));
  std::string text(static_cast<std::size_t>(size) + 1, '\0');
  std::size_t filled = 0;
  while (filled < text.size()) {
    const std::size_t got = std::fread(text.data() + filled, 1, text.size() - filled, file.get());
    if (got == 0) break;
    filled += got;
  }
  if (std::ferror(file.get())) {
    throw InputError("cannot read scenario file " + shown + ": " + system_reason(errno));
  }
  if (filled > limits.max_file_bytes) throw too_large(filled);
  text.resize(filled);
  return text;
}

// --- extends -------------------------------------------------------------------------------

struct ExtendsLink {
  std::string shown;  // as written in messages
  fs::path identity;  // to recognise the same file reached by different spellings
};

fs::path file_identity(const fs::path& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path.lexically_normal() : canonical;
}

// Maps merge key by key with overlay winning; anything else is replaced whole. Merged nodes
// take the overlay's positions because the overlay's file is where they were last written.
void merge_into(Node& base, Node&& overlay) {
  if (base.kind != Node::Kind::map || overlay.kind != Node::Kind::map) {
    base = std::move(overlay);
    return;
  }
  std::unordered_map<std::string, std::size_t> base_index;
  for (std::size_t i = 0; i < base.map.size(); ++i) base_index.emplace(base.map[i].first, i);
  for (auto& [key, value] : overlay.map) {
    if (const auto found = base_index.find(key); found != base_index.end()) {
      merge_into(base.map[found->second].second, std::move(value));
    } else {
      base.map.emplace_back(std::move(key), std::move(value));
    }
  }
  base.pos = std::move(overlay.pos);
  base.key_pos = std::move(overlay.key_pos);
}

Node load_with_parents(const fs::path& path, const std::string& text,
                       std::vector<ExtendsLink>& chain, const Limits& limits) {
  Node tree = parse_text(text, path.string(), limits);
  if (tree.kind != Node::Kind::map) return tree;
  const auto extends_entry = std::find_if(tree.map.begin(), tree.map.end(),
                                          [](const auto& entry) { return entry.first == "extends"; });
  if (extends_entry == tree.map.end()) return tree;
  const Node extends = std::move(extends_entry->second);
  tree.map.erase(extends_entry);
  const auto extends_error = [&](const std::string& what) {
    return InputError(to_string(extends.pos) + ": extends: " + what);
  };

  if (extends.kind != Node::Kind::scalar || extends.scalar.empty()) {
    throw extends_error("expected the path of a scenario file to inherit from, got " +
                        describe_kind(extends.kind));
  }
  const fs::path parent = path.parent_path() / extends.scalar;
  const fs::path parent_identity = file_identity(parent);
  const bool cycle = std::any_of(chain.begin(), chain.end(), [&](const ExtendsLink& link) {
    return link.identity == parent_identity;
  });
  if (cycle) {
    std::string files;
    for (const ExtendsLink& link : chain) files += link.shown + " -> ";
    throw extends_error("cycle: " + files + parent.string());
  }
  if (chain.size() > limits.max_extends) {
    throw extends_error("more than " + std::to_string(limits.max_extends) + " levels of extends");
  }
  std::string parent_text;
  try {
    parent_text = read_scenario_text(parent, limits);
  } catch (const InputError& error) {
    throw extends_error(error.what());
  }
  chain.push_back(ExtendsLink{parent.string(), parent_identity});
  Node base = load_with_parents(parent, parent_text, chain, limits);
  chain.pop_back();
  if (base.kind == Node::Kind::scalar || base.kind == Node::Kind::sequence) {
    throw extends_error(parent.string() + " holds " + describe_kind(base.kind) +
                        "; expected a map of settings");
  }
  merge_into(base, std::move(tree));
  return base;
}

// --- overrides -----------------------------------------------------------------------------

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::optional<std::size_t> parse_index(std::string_view segment) {
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
  if (error != std::errc() || end != segment.data() + segment.size()) return std::nullopt;
  return index;
}

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

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02X", byte);
          out += escape;
        } else {
          out += c;
        }
      }
    }
  }
  return out + '"';
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

Node::Node() = default;
Node::~Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;

void merge(Node& base, Node overlay) { merge_into(base, std::move(overlay)); }

std::string to_string(const Position& pos) {
  if (pos.line <= 0) return pos.file;
  return pos.file + ':' + std::to_string(pos.line) + ':' + std::to_string(pos.column);
}

const Node* Node::find(std::string_view key) const {
  if (kind != Kind::map) return nullptr;
  for (const auto& [entry_key, value] : map) {
    if (entry_key == key) return &value;
  }
  return nullptr;
}

Node* Node::find(std::string_view key) {
  return const_cast<Node*>(std::as_const(*this).find(key));
}

Node load_string(std::string_view text, std::string_view display_name, const Limits& limits) {
  return parse_text(text, std::string(display_name), limits);
}

Node load_file(const fs::path& path, const Limits& limits) {
  return parse_text(read_scenario_text(path, limits), path.string(), limits);
}

Node load_scenario_tree(const fs::path& path, const Limits& limits) {
  std::vector<ExtendsLink> chain{ExtendsLink{path.string(), file_identity(path)}};
  return load_with_parents(path, read_scenario_text(path, limits), chain, limits);
}

void apply_override(Node& root, std::string_view assignment) {
  const std::size_t equals = assignment.find('=');
  if (equals == std::string_view::npos) {
    throw InputError("--set " + std::string(assignment) + ": expected key.path=value");
  }
  const std::string_view path = trim(assignment.substr(0, equals));
  const std::string shown = "--set " + std::string(path);
  const auto override_error = [&](const std::string& what) { return InputError(shown + ": " + what); };
  if (path.empty()) throw override_error("the key path before '=' is empty; expected key.path=value");
  if (const auto problem = find_text_problem(path)) throw override_error(problem->what);

  std::vector<std::string_view> segments;
  for (std::size_t start = 0;;) {
    const std::size_t dot = path.find('.', start);
    segments.push_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (segments.back().empty()) {
      throw override_error("empty name in the key path; expected names separated by '.'");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  const Limits limits;
  if (segments.size() > static_cast<std::size_t>(limits.max_depth)) {
    throw override_error("key path deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  Node value = load_string(assignment.substr(equals + 1), shown, limits);

  // Created keys point into the --set text so unknown-key errors show what the user typed.
  const std::size_t path_column = static_cast<std::size_t>(path.data() - assignment.data()) + 1;
  Node* target = &root;
  std::string walked;
  for (const std::string_view segment : segments) {
    const std::string place = walked.empty() ? "the scenario" : walked;
    if (target->kind == Node::Kind::null) target->kind = Node::Kind::map;
    if (target->kind == Node::Kind::map) {
      Node* child = target->find(segment);
      if (child == nullptr) {
        const auto column = static_cast<int>(path_column + (segment.data() - path.data()));
        Node created;
        created.pos = created.key_pos = Position{shown, 1, column};
        target->map.emplace_back(std::string(segment), std::move(created));
        child = &target->map.back().second;
      }
      target = child;
    } else if (target->kind == Node::Kind::sequence) {
      const std::optional<std::size_t> index = parse_index(segment);
      if (!index) {
        throw override_error(place + " is a list; expected an item number, not '" + std::string(segment) + "'");
      }
      if (*index >= target->sequence.size()) {
        const std::size_t count = target->sequence.size();
        throw override_error("index " + std::string(segment) + " is past the end of " + place +
                             ", which has " + std::to_string(count) +
                             (count == 1 ? " item" : " items") + " (numbered from 0)");
      }
      target = &target->sequence[*index];
    } else {
      throw override_error(place + " is a single value, so it has no '" + std::string(segment) +
           "' inside; expected a map or list there");
    }
    if (!walked.empty()) walked += '.';
    walked += segment;
  }
  Position key_pos = std::move(target->key_pos);
  *target = std::move(value);
  target->key_pos = std::move(key_pos);
}

std::string to_yaml(const Node& node) {
  if (const auto text = inline_text(node)) return *text + '\n';
  std::string out;
  write_collection(node, 0, false, out);
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

namespace {

// Levenshtein distance if it is at most `limit`, else any value above `limit`; stops as soon
// as a whole row exceeds it. `cells` counts the work done.
std::size_t edit_distance_within(std::string_view a, std::string_view b, std::size_t limit, std::size_t& cells) {
  const std::size_t length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (length_gap > limit) return limit + 1;  // each extra character costs one edit at least
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    std::size_t row_min = current[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      row_min = std::min(row_min, current[j]);
    }
    cells += b.size();
    if (row_min > limit) return limit + 1;
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string nearest(std::string_view key, const std::vector<std::string>& candidates) {
  // A hint is for typos in names people type; text longer than this gets none. This and the
  // work budget keep a hostile scenario (thousands of long names) from costing seconds here:
  // every key and candidate pair is otherwise key.size() x candidate.size() work.
  constexpr std::size_t kMaxHintedLength = 64;
  constexpr std::size_t kMaxCells = std::size_t{20} << 20;
  if (key.size() > kMaxHintedLength) return {};
  const std::size_t allowed = std::max<std::size_t>(2, key.size() / 3);
  const std::string* best = nullptr;
  std::size_t best_distance = allowed + 1;
  std::size_t cells = 0;
  for (const std::string& candidate : candidates) {
    if (cells > kMaxCells) break;
    // Ties go to the earlier candidate, so a later one must do strictly better.
    const std::size_t limit = best == nullptr ? allowed : best_distance - 1;
    if (best != nullptr && best_distance == 0) break;
    const std::size_t distance = edit_distance_within(key, candidate, limit, cells);
    if (distance <= limit) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best != nullptr ? *best : std::string();
}

}  // namespace pzsim::yaml
