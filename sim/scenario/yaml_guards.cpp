// Input guards of the YAML tree: reading a scenario file within its size limit, refusing text
// that is not clean UTF-8, and a structure scan that stops pathological nesting and huge flow
// collections before yaml-cpp (which parses recursively) sees them.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <memory>
#include <system_error>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/yaml_internal.hpp"

namespace pzsim::yaml::detail {

namespace fs = std::filesystem;

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

namespace {

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

std::string system_reason(int error_number) {
  return std::generic_category().message(error_number);
}

}  // namespace

void check_cancel(const Limits& limits) {
  if (limits.cancel != nullptr && limits.cancel->load(std::memory_order_relaxed)) throw RunCancelled{};
}

[[noreturn]] void fail_at(const Position& pos, std::string_view what) {
  throw InputError(to_string(pos) + ": " + std::string(what));
}

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

namespace {

bool is_sequence_entry_marker(std::string_view line, std::size_t at) {
  return at < line.size() && (line[at] == '-' || line[at] == '?') &&
         (at + 1 == line.size() || is_blank(line[at + 1]));
}

}  // namespace

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

}  // namespace pzsim::yaml::detail
