// The YAML tree builder: yaml-cpp parse events become Nodes that remember where they were
// written, within the Limits (alias bombs refused before expansion); loading text and files.
#include "sim/scenario/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "sim/core/error.hpp"
#include "sim/scenario/yaml_internal.hpp"

namespace pzsim::yaml {

namespace fs = std::filesystem;

namespace detail {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

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

}  // namespace

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

}  // namespace detail

Node::Node() = default;
Node::~Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;

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
  return detail::parse_text(text, std::string(display_name), limits);
}

Node load_file(const fs::path& path, const Limits& limits) {
  return detail::parse_text(detail::read_scenario_text(path, limits), path.string(), limits);
}

}  // namespace pzsim::yaml
