// Tests of sim/core/clock.hpp: Month parsing, printing and arithmetic, and Clock.
#include "sim/core/clock.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using pzsim::Clock;
using pzsim::Month;

TEST_CASE("Month::parse accepts YYYY-MM and YYYY-MM-DD", "[core][clock]") {
  const std::optional<Month> m = Month::parse("2015-03");
  REQUIRE(m.has_value());
  CHECK(m->year() == 2015);
  CHECK(m->month() == 3);
  CHECK(m->index == 2015 * 12 + 2);
  CHECK(*m == Month::of(2015, 3));

  // The day is ignored.
  const auto with_day = Month::parse("2015-03-07");
  REQUIRE(with_day.has_value());
  CHECK(*with_day == *m);
  CHECK(Month::parse("2015-03-01") == m);
  CHECK(Month::parse("2015-03-31") == m);

  CHECK(Month::parse("2015-01") == Month::of(2015, 1));
  CHECK(Month::parse("2015-12") == Month::of(2015, 12));
  CHECK(Month::parse("1999-12") == Month::of(1999, 12));
  CHECK(Month::parse("2000-01") == Month::of(2000, 1));
  CHECK(Month::parse("2024-10-15") == Month::of(2024, 10));
}

TEST_CASE("Month::parse rejects malformed text", "[core][clock]") {
  for (const char* text : {
           "2015-13",      // month out of range
           "2015-00",      // month out of range
           "15-03",        // two-digit year
           "2015/03",      // wrong separator
           "2015-3",       // unpadded month
           "",             // empty
           "2015-03-32",   // day out of range
           "abcd-ef",      // not digits
           "2015-03-00",   // day out of range
           "2015-03-7",    // unpadded day
           "2015-03/07",   // wrong day separator
           "2015-03-0x",   // day not digits
           "2015-1a",      // month not digits
           "2015--3",      // sign in month
           "2015-+3",      // sign in month
           "-015-03",      // sign in year
           "+015-03",      // sign in year
           " 2015-03",     // leading space
           "2015-03 ",     // trailing space
           "2015-03-07T00",  // trailing time
           "201503",       // no separator
           "2015-03-",     // dangling separator
       }) {
    INFO("text = \"" << text << "\"");
    CHECK_FALSE(Month::parse(text).has_value());
  }
}

TEST_CASE("Month::str pads and round-trips through parse", "[core][clock]") {
  CHECK(Month::of(2015, 3).str() == "2015-03");
  CHECK(Month::of(2015, 1).str() == "2015-01");
  CHECK(Month::of(2015, 12).str() == "2015-12");
  CHECK(Month::of(2009, 10).str() == "2009-10");
  CHECK(Month::of(987, 5).str() == "0987-05");  // four-digit zero-padded year
  CHECK(Month::of(2015, 3).str().size() == 7);
  int failures = 0;
  for (int year = 1990; year <= 2100; ++year) {
    for (int month = 1; month <= 12; ++month) {
      const Month m = Month::of(year, month);
      const auto back = Month::parse(m.str());
      if (!back || *back != m || back->year() != year || back->month() != month) ++failures;
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("Month arithmetic", "[core][clock]") {
  const Month nov15 = Month::of(2015, 11);
  CHECK(nov15 + 0 == nov15);
  CHECK(nov15 + 1 == Month::of(2015, 12));
  CHECK(nov15 + 2 == Month::of(2016, 1));
  CHECK(nov15 + 3 == Month::of(2016, 2));
  CHECK(nov15 + 14 == Month::of(2017, 1));
  CHECK(nov15 + 12 == Month::of(2016, 11));
  CHECK(nov15 + (-11) == Month::of(2014, 12));
  CHECK(nov15 + (-12) == Month::of(2014, 11));
  CHECK((nov15 + 3).year() == 2016);
  CHECK((nov15 + 3).month() == 2);
  CHECK((nov15 + 121).str() == "2025-12");

  CHECK(Month::of(2016, 2) - nov15 == 3);
  CHECK(nov15 - Month::of(2016, 2) == -3);
  CHECK(Month::of(2020, 1) - Month::of(2015, 1) == 60);
  CHECK(nov15 - nov15 == 0);
  for (int k = -40; k <= 40; ++k) CHECK((nov15 + k) - nov15 == k);

  CHECK(Month::of(2015, 12) < Month::of(2016, 1));
  CHECK(Month::of(2016, 1) > Month::of(2015, 12));
  CHECK(Month::of(2015, 3) <= Month::of(2015, 3));
  CHECK(Month::of(2015, 3) != Month::of(2016, 3));
}

TEST_CASE("Clock maps steps to months", "[core][clock]") {
  const Clock clock{Month::of(2015, 3), 24};
  CHECK(clock.at(0) == Month::of(2015, 3));
  CHECK(clock.at(1) == Month::of(2015, 4));
  CHECK(clock.at(10) == Month::of(2016, 1));
  CHECK(clock.at(23) == Month::of(2017, 2));
  CHECK(clock.end() == Month::of(2017, 2));
  CHECK(clock.end() == clock.at(clock.months - 1));

  CHECK(clock.step_of(Month::of(2015, 3)) == 0);
  CHECK(clock.step_of(Month::of(2017, 2)) == 23);
  CHECK(clock.step_of(Month::of(2015, 1)) == -2);  // before the start
  CHECK(clock.step_of(Month::of(2017, 3)) == 24);  // past the end
  for (int step = 0; step < clock.months; ++step) CHECK(clock.step_of(clock.at(step)) == step);

  const Clock one{Month::of(2020, 12), 1};
  CHECK(one.end() == one.at(0));
  CHECK(one.end() == Month::of(2020, 12));

  const Clock decade{*Month::parse("2010-01"), 120};
  CHECK(decade.end().str() == "2019-12");
}
