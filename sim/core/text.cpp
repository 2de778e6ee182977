#include "sim/core/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pzsim::text {

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

std::string double_quoted(std::string_view text, ControlEscape control) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || (byte == 0x7F && control.escape_delete)) {
          char escape[16];
          std::snprintf(escape, sizeof escape, control.format, static_cast<unsigned>(byte));
          out += escape;
        } else {
          out += c;
        }
      }
    }
  }
  return out + '"';
}

std::string json_string(std::string_view text) { return double_quoted(text, {"\\u%04x", false}); }

std::string exact_text(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string json_number(double x) { return std::isfinite(x) ? exact_text(x) : "null"; }

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::vector<std::string> csv_record(std::string_view text, std::size_t& pos) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') {
        fields.back() += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n' || c == '\r') {
      pos += c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n' ? 2 : 1;
      break;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::vector<std::string>> csv_records(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  for (std::size_t pos = 0; pos < text.size();) {
    std::vector<std::string> record = csv_record(text, pos);
    if (record.size() > 1 || !record.front().empty()) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace pzsim::text
