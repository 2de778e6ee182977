#pragma once
// Shared by the HDF5 writer tests (test_h5.cpp, test_h5_errors.cpp): scratch paths, a stderr
// capture, and the sample file every test writes (dimensions time (unlimited), city and sector
// (labels), age (numbers); every value type; a CF flag, bounds and sub-group datasets).
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/io/h5.hpp"

namespace pzsim::testing::h5_sample {

namespace fs = std::filesystem;
using namespace pzsim::h5;

// A path in the temp folder, unique per process (ctest runs each test in its own process,
// possibly in parallel), removed when the test ends.
class TempPath {
 public:
  explicit TempPath(const std::string& stem)
      : path_(fs::temp_directory_path() / ("pzsim_test_" + stem + "_" + std::to_string(::getpid()) + ".h5")) {
    fs::remove(path_);
  }
  ~TempPath() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Redirects file descriptor 2 to a temporary file while alive; text() returns what was written.
class StderrCapture {
 public:
  StderrCapture() : path_(fs::temp_directory_path() / ("pzsim_test_stderr_" + std::to_string(::getpid()))) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int capture = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(capture, 2);
    ::close(capture);
  }
  ~StderrCapture() {
    restore();
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  std::string text() {
    restore();
    std::ifstream in(path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  fs::path path_;
  int saved_ = -1;
};

// --- The sample file: dims time (unlimited), city (labels), sector (labels), age (numbers).

inline const std::vector<std::string> kCities = {"Shenzhen", "Shanghai", "Chéngdū"};  // non-ASCII on purpose
inline const std::vector<std::string> kProvinces = {"Guangdong", "Shanghai", "Sichuan"};
inline const std::vector<std::string> kSectors = {"industry", "services"};
inline const std::vector<double> kAges = {20.0, 40.0, 60.0};
inline const std::vector<std::string> kMonths = {"2012-01", "2012-02", "2012-03", "2012-04", "2012-05"};
inline const std::vector<double> kDays = {15340, 15371, 15400, 15431, 15461};  // first of each month, days since 1970-01-01
inline constexpr std::size_t kSteps = 5;

inline double output_at(std::size_t t, std::size_t c, std::size_t s) { return 1000.0 * t + 10.0 * c + s + 0.25; }
inline std::int64_t population_at(std::size_t t, std::size_t c) {
  return 5'000'000'000 + 1'000'000 * static_cast<std::int64_t>(c) + 7 * static_cast<std::int64_t>(t);
}

inline void define_sample(NcWriter& writer) {
  writer.set_attribute("title", "pzsim h5 test");
  writer.set_attribute("seed", std::int64_t{1234567890123});
  writer.set_attribute("scale", 0.5);
  writer.set_attribute("threads", 8);   // int, stored as int64
  writer.set_attribute("scale", 0.75);  // replaces the earlier value
  writer.define_unlimited_dimension("time", "days since 1970-01-01", "standard", "time");
  writer.define_dimension("city", kCities, "city");
  writer.define_dimension("sector", kSectors, "economic sector");
  writer.define_dimension("age", kAges, "years", "age of household head");
  writer.define_variable({.name = "province", .dims = {"city"}, .type = ValueType::str, .long_name = "province"});
  writer.define_variable({.name = "output",
                          .dims = {"time", "city", "sector"},
                          .type = ValueType::f64,
                          .units = "CNY",
                          .long_name = "gross output",
                          .description = "value added by sector",
                          .coordinates = {"province"},
                          .attributes = {{"cell_methods", "time: sum"}, {"currency", "CNY"}}});
  writer.define_variable({.name = "population",
                          .dims = {"time", "city"},
                          .type = ValueType::i64,
                          .units = "persons",
                          .long_name = "resident population",
                          .coordinates = {"province"}});
  writer.define_variable({.name = "month", .dims = {"time"}, .type = ValueType::str, .long_name = "calendar month"});
  writer.define_variable(
      {.name = "district_count", .dims = {"city"}, .type = ValueType::i32, .units = "1", .long_name = "districts"});
  writer.define_variable({.name = "coastal",
                          .dims = {"city"},
                          .type = ValueType::u8,
                          .long_name = "coastal city flag",
                          .attributes = {{"flag_meanings", "inland coastal"}},
                          .flag_values = {0, 1}});
  writer.define_variable({.name = "age_weight", .dims = {"age"}, .units = "1", .long_name = "weight of age group"});
  writer.set_variable_attribute("time", "standard_name", "time");
  writer.set_variable_attribute("time", "bounds", "time_bnds");
  writer.define_dimension("nv", 2);  // no coordinate variable
  writer.define_variable({.name = "time_bnds", .dims = {"time", "nv"}, .long_name = "bounds of time"});
}

inline void write_sample(const fs::path& path) {
  NcWriter writer = NcWriter::create(path);
  define_sample(writer);
  writer.write("province", kProvinces);
  writer.write("district_count", std::vector<std::int32_t>{10, 16, 12});
  writer.write("coastal", std::vector<std::uint8_t>{1, 1, 0});
  writer.write("age_weight", std::vector<double>{0.5, 0.3, 0.2});
  for (std::size_t t = 0; t < kSteps; ++t) {
    std::vector<double> output;
    for (std::size_t c = 0; c < kCities.size(); ++c)
      for (std::size_t s = 0; s < kSectors.size(); ++s) output.push_back(output_at(t, c, s));
    std::vector<std::int64_t> population;
    for (std::size_t c = 0; c < kCities.size(); ++c) population.push_back(population_at(t, c));
    if (t % 2 == 0) writer.append_time(kDays[t]);  // before or after the variables, either works
    writer.append("output", output);
    writer.append("population", population);
    writer.append("month", kMonths[t]);
    writer.append("time_bnds", std::vector<double>{kDays[t], kDays[t] + 31});
    if (t % 2 == 1) writer.append_time(kDays[t]);
  }
  writer.write_group_dataset("snapshots/2012-05", "wealth", std::vector<double>{1.5, 2.5, 3.5});
  writer.write_group_dataset("snapshots/2012-05", "household_id", std::vector<std::int64_t>{7, 8, 9});
  REQUIRE(writer.time_length() == kSteps);
  writer.close();
}

}  // namespace pzsim::testing::h5_sample
