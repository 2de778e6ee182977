#pragma once
// Calendar months. A Month is a count of months since year 0, so arithmetic is plain
// integer arithmetic and "2015-03" is both parsed and printed here only.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace pzsim {

struct Month {
  int index = 0;  // year * 12 + (month - 1)

  static Month of(int year, int month) { return Month{year * 12 + (month - 1)}; }
  // Parses "YYYY-MM" (also accepts "YYYY-MM-DD", ignoring the day, so approval dates
  // can be pasted from official notices). Returns nullopt when malformed.
  static std::optional<Month> parse(std::string_view text);

  int year() const { return index / 12; }
  int month() const { return index % 12 + 1; }
  std::string str() const;  // "YYYY-MM"

  Month operator+(int months) const { return Month{index + months}; }
  int operator-(Month other) const { return index - other.index; }
  auto operator<=>(const Month&) const = default;
};

// The simulation clock: a fixed first month and a count of monthly steps.
struct Clock {
  Month start;
  int months = 0;
  Month at(int step) const { return start + step; }
  Month end() const { return start + (months - 1); }  // last simulated month
  // Step index of a calendar month (may be negative or past the end).
  int step_of(Month m) const { return m - start; }
};

}  // namespace pzsim
