#include "sim/scenario/seed.hpp"

#include <charconv>

#include "sim/core/error.hpp"

namespace pzsim {

std::optional<std::uint64_t> parse_seed(std::string_view text, std::string& problem) {
  if (text.empty()) {
    problem = "no digits";
    return std::nullopt;
  }
  if (text.front() == '-') {
    problem = "a negative seed (it would wrap round to a huge one)";
    return std::nullopt;
  }
  if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X' || text[1] == 'o' || text[1] == 'b')) {
    problem = "hexadecimal, octal or binary spelling";
    return std::nullopt;
  }
  for (const char c : text) {
    if (c >= '0' && c <= '9') continue;
    problem = c == 'e' || c == 'E' || c == '.' ? "a number with a fraction or an exponent (a double cannot hold every seed exactly)"
                                               : "a character other than a digit";
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    problem = "larger than 18446744073709551615 (2^64 - 1)";
    return std::nullopt;
  }
  if (error != std::errc{} || end != text.data() + text.size()) {
    problem = "not a whole number";
    return std::nullopt;
  }
  return value;
}

std::uint64_t parse_seed_or_throw(std::string_view text, std::string_view what) {
  std::string problem;
  if (const auto seed = parse_seed(text, problem)) return *seed;
  throw InputError(std::string(what) + " " + std::string(text) + ": " + problem + "; expected " + std::string(kSeedExpected));
}

}  // namespace pzsim
