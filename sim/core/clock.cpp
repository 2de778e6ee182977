#include "sim/core/clock.hpp"

#include <charconv>
#include <cstdio>

namespace pzsim {

std::optional<Month> Month::parse(std::string_view text) {
  if (text.size() != 7 && text.size() != 10) return std::nullopt;
  if (text[4] != '-') return std::nullopt;
  int year = 0, month = 0;
  auto r1 = std::from_chars(text.data(), text.data() + 4, year);
  auto r2 = std::from_chars(text.data() + 5, text.data() + 7, month);
  if (r1.ec != std::errc{} || r1.ptr != text.data() + 4) return std::nullopt;
  if (r2.ec != std::errc{} || r2.ptr != text.data() + 7) return std::nullopt;
  if (year < 1900 || year > 2200 || month < 1 || month > 12) return std::nullopt;
  if (text.size() == 10) {
    int day = 0;
    if (text[7] != '-') return std::nullopt;
    auto r3 = std::from_chars(text.data() + 8, text.data() + 10, day);
    if (r3.ec != std::errc{} || r3.ptr != text.data() + 10 || day < 1 || day > 31)
      return std::nullopt;
  }
  return Month::of(year, month);
}

std::string Month::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year(), month());
  return buf;
}

}  // namespace pzsim
