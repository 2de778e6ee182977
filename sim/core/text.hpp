#pragma once
// Small text helpers shared across modules: "did you mean" hints for misspelt names, quoted
// strings (JSON, YAML), JSON numbers and CSV fields for the files pzsim writes, and the CSV
// reader for the files it reads (data files, sweep manifests).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pzsim::text {

// Levenshtein distance in bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to key for "did you mean" hints, or "" when even the closest is
// more than max(2, key.size() / 3) edits away. Ties go to the earlier candidate. Keys over 64
// bytes get no hint, and the search stops after a fixed amount of work (hostile input).
std::string nearest(std::string_view key, const std::vector<std::string>& candidates);

// How double_quoted writes a control character other than \n, \r and \t: a printf format
// given the byte as an unsigned int ("\\u%04x" for JSON, "\\x%02X" for YAML), and whether DEL
// (0x7F) is escaped too.
struct ControlEscape {
  const char* format;
  bool escape_delete;
};
// text in double quotes, with '"' and '\\' backslash-escaped, \n \r \t by name and other
// control characters through control; every other byte, UTF-8 included, as it is.
std::string double_quoted(std::string_view text, ControlEscape control);

// A JSON string literal: quotes, backslash and control characters escaped (\n, \r, \t by
// name, others as \u00XX); every other byte, UTF-8 included, as it is.
std::string json_string(std::string_view text);
// x with 17 significant digits (%.17g), so it reads back as the same double: how parameter
// values are set and stored (printf's "nan" and "inf" for those).
std::string exact_text(double x);
// A JSON number that reads back as the same double (exact_text), or null when x is not finite.
std::string json_number(double x);

// A CSV field (RFC 4180): as it is, or in double quotes (inner quotes doubled) when it holds a
// comma, a quote or a line break.
std::string csv_field(std::string_view text);
// One CSV record (RFC 4180) read from text at pos: fields split at commas; a field in double
// quotes may hold commas, line breaks and doubled quotes. The record ends at a line break
// outside quotes (\n, \r\n or \r) or at the end of text; pos moves past it. A blank line is one
// empty field.
std::vector<std::string> csv_record(std::string_view text, std::size_t& pos);
// Every record of text, blank lines left out.
std::vector<std::vector<std::string>> csv_records(std::string_view text);

}  // namespace pzsim::text
