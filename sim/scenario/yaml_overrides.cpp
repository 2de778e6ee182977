// `extends:` chains and their deep merge, and `--set key.path=value` overrides.
#include <algorithm>
#include <charconv>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/yaml_internal.hpp"

namespace pzsim::yaml {

namespace fs = std::filesystem;
using namespace detail;

namespace {

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

}  // namespace

void merge(Node& base, Node overlay) { merge_into(base, std::move(overlay)); }

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

}  // namespace pzsim::yaml
