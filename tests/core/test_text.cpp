// Tests of sim/core/text.hpp: edit distance and "did you mean" hints, JSON literals, CSV fields and records.
#include "sim/core/text.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using pzsim::text::edit_distance;
using pzsim::text::json_number;
using pzsim::text::json_string;
using pzsim::text::nearest;

TEST_CASE("edit_distance counts single-byte insertions, deletions and substitutions", "[core][text]") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("same", "same") == 0);
  CHECK(edit_distance("ab", "ba") == 2);  // a swap is two edits, not one
}

TEST_CASE("nearest suggests close candidates only", "[core][text]") {
  const std::vector<std::string> candidates{"seed", "start", "months"};
  CHECK(nearest("seeed", candidates) == "seed");
  CHECK(nearest("zzz", candidates).empty());
  CHECK(nearest("month", candidates) == "months");
  CHECK(nearest("seed", {}).empty());
  // Allowed distance: max(2, key.size() / 3); 3 edits from a 9-byte key is still a hint, 4 is not.
  CHECK(nearest("zone_listx", {"zones_lst"}) == "zones_lst");
  CHECK(nearest("abcdefghi", {"abcdefxyz"}) == "abcdefxyz");
  CHECK(nearest("abcdefghi", {"abcdewxyz"}).empty());
  // Ties go to the earlier candidate; an exact match wins over everything.
  CHECK(nearest("cat", {"bat", "hat"}) == "bat");
  CHECK(nearest("cat", {"bat", "cat"}) == "cat");
  CHECK(nearest(std::string(65, 'a'), {std::string(65, 'a')}).empty());  // too long to hint
}

TEST_CASE("json_string escapes quotes, backslashes and control characters", "[core][text]") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("plain text") == "\"plain text\"");
  CHECK(json_string("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(json_string("C:\\path") == "\"C:\\\\path\"");
  CHECK(json_string("a\nb\rc\td") == "\"a\\nb\\rc\\td\"");
  CHECK(json_string(std::string("nul\0x", 5)) == "\"nul\\u0000x\"");
  CHECK(json_string("\x01\x1f") == "\"\\u0001\\u001f\"");
  CHECK(json_string("\x7f") == "\"\x7f\"");  // DEL needs no escape in JSON
  // UTF-8 passes through byte for byte (no sign-extension into \uffXX).
  CHECK(json_string("杭州 é") == "\"杭州 é\"");
}

TEST_CASE("json_number round-trips doubles and writes null for non-finite", "[core][text]") {
  CHECK(json_number(0.1) == "0.10000000000000001");
  CHECK(std::stod(json_number(1.0 / 3.0)) == 1.0 / 3.0);
  CHECK(json_number(-2.0) == "-2");
  CHECK(json_number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(json_number(std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("exact_text writes a double that reads back exactly, non-finite as printf does", "[core][text]") {
  using pzsim::text::exact_text;
  CHECK(exact_text(0.1) == "0.10000000000000001");
  CHECK(exact_text(0.012) == "0.012");
  CHECK(std::stod(exact_text(1.0 / 3.0)) == 1.0 / 3.0);
  CHECK(exact_text(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(exact_text(-std::numeric_limits<double>::quiet_NaN()).find("nan") != std::string::npos);
}

TEST_CASE("double_quoted escapes control characters in the caller's form", "[core][text]") {
  using pzsim::text::double_quoted;
  CHECK(double_quoted("a\x01\x7f", {"\\x%02X", true}) == "\"a\\x01\\x7F\"");
  CHECK(double_quoted("a\x01\x7f", {"\\u%04x", false}) == "\"a\\u0001\x7f\"");
  CHECK(double_quoted("\"\\\n", {"\\x%02X", true}) == "\"\\\"\\\\\\n\"");
}

TEST_CASE("csv_field quotes only fields that need it (RFC 4180)", "[core][text]") {
  using pzsim::text::csv_field;
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
  CHECK(csv_field("杭州") == "杭州");
}

TEST_CASE("csv_record reads RFC 4180 quoting: commas, doubled quotes, line breaks in fields", "[core][text]") {
  using pzsim::text::csv_record;
  using Fields = std::vector<std::string>;
  const std::string text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,\"\"\nlast,\"cr\r\"";
  std::size_t pos = 0;
  CHECK(csv_record(text, pos) == Fields{"a", "b,c", "say \"hi\""});
  CHECK(text.substr(pos, 4) == "\"two");  // past the \r\n, not into the next record
  CHECK(csv_record(text, pos) == Fields{"two\nlines", "", ""});
  CHECK(csv_record(text, pos) == Fields{"last", "cr\r"});  // no line break at the end
  CHECK(pos == text.size());
  std::size_t lone_cr = 0;
  CHECK(csv_record("x,y\rz", lone_cr) == Fields{"x", "y"});
  CHECK(lone_cr == 4);
}

TEST_CASE("csv_records leaves out blank lines and reads back what csv_field writes", "[core][text]") {
  using pzsim::text::csv_field;
  using pzsim::text::csv_records;
  using Records = std::vector<std::vector<std::string>>;
  CHECK(csv_records("") == Records{});
  CHECK(csv_records("h1,h2\n\n1,2\r\n\r\n") == Records{{"h1", "h2"}, {"1", "2"}});
  const std::vector<std::string> fields{"plain", "a,b", "say \"hi\"", "two\nlines", "", "杭州", "cr\r"};
  std::string line;
  for (const auto& f : fields) line += (line.empty() ? "" : ",") + csv_field(f);
  CHECK(csv_records(line + "\n" + line) == Records{fields, fields});
}
