// The netCDF-4 style writer's failures: misuse is std::invalid_argument or std::logic_error,
// HDF5 and disk failures are IoError naming the file, and HDF5 prints nothing. The sample file:
// h5_sample.hpp.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "tests/io/h5_sample.hpp"

namespace {

using namespace pzsim::h5;
using namespace pzsim::testing::h5_sample;

// Runs `attempt` in a child process and returns the message of the IoError it throws (or a
// note that it threw something else or nothing). HDF5 cannot release a file whose final
// flush failed and complains about it when the process exits, hence the child; it also
// checks that nothing reached stderr.
template <typename Attempt>
std::string io_error_in_child(Attempt attempt) {
  std::array<int, 2> channel{};
  REQUIRE(::pipe(channel.data()) == 0);
  StderrCapture capture;
  std::fflush(nullptr);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(channel[0]);
    std::string message = "no exception";
    try {
      attempt();
    } catch (const pzsim::IoError& error) {
      message = error.what();
    } catch (const std::exception& error) {
      message = std::string("not an IoError: ") + error.what();
    }
    const bool sent = ::write(channel[1], message.data(), message.size()) == static_cast<ssize_t>(message.size());
    ::_exit(sent ? 0 : 1);  // skips atexit handlers, HDF5's included
  }
  ::close(channel[1]);
  std::string message;
  std::array<char, 512> buffer{};
  for (ssize_t count; (count = ::read(channel[0], buffer.data(), buffer.size())) > 0;)
    message.append(buffer.data(), static_cast<std::size_t>(count));
  ::close(channel[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(capture.text().empty());
  return message;
}

}  // namespace

TEST_CASE("NcWriter rejects misuse with std::invalid_argument", "[io]") {
  const TempPath file("misuse");
  NcWriter writer = NcWriter::create(file.path());
  define_sample(writer);

  CHECK_THROWS_AS(writer.append("output", std::vector<double>(5)), std::invalid_argument);      // needs 3 * 2
  CHECK_THROWS_AS(writer.append("population", std::vector<double>(3)), std::invalid_argument);  // i64 variable
  CHECK_THROWS_AS(writer.append("nonexistent", std::vector<double>(1)), std::invalid_argument);
  CHECK_THROWS_AS(writer.write("output", std::vector<double>(6)), std::invalid_argument);  // time-varying
  CHECK_THROWS_AS(writer.write("province", std::vector<std::string>{"only one"}), std::invalid_argument);
  CHECK_THROWS_AS(writer.define_variable({.name = "x", .dims = {"nope"}, .long_name = "x"}), std::invalid_argument);
  CHECK_THROWS_AS(writer.define_variable({.name = "x", .dims = {"city", "time"}, .long_name = "x"}),
                  std::invalid_argument);  // unlimited dim not first
  CHECK_THROWS_AS(
      writer.define_variable({.name = "x", .dims = {"sector"}, .long_name = "x", .coordinates = {"province"}}),
      std::invalid_argument);  // province spans city
  CHECK_THROWS_AS(writer.define_variable({.name = "x", .dims = {"city"}, .long_name = "x", .coordinates = {"later"}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(writer.define_variable({.name = "x", .dims = {"city"}}), std::invalid_argument);  // no long_name
  CHECK_THROWS_AS(writer.define_variable({.name = "city", .dims = {"city"}, .long_name = "x"}), std::invalid_argument);
  CHECK_THROWS_AS(writer.define_unlimited_dimension("step", "1", "", "step"), std::invalid_argument);
  CHECK_THROWS_AS(writer.define_dimension("empty", std::vector<std::string>{}, "empty"), std::invalid_argument);
  CHECK_THROWS_AS(writer.set_attribute("_NCProperties", "x"), std::invalid_argument);
  CHECK_THROWS_AS(writer.set_variable_attribute("nonexistent", "axis", "T"), std::invalid_argument);
  CHECK_THROWS_AS(writer.define_variable({.name = "x", .dims = {"city"}, .long_name = "x", .attributes = {{"units", "1"}}}),
                  std::invalid_argument);  // units has its own member
  CHECK_THROWS_AS(writer.define_variable({.name = "x", .dims = {"city"}, .type = ValueType::str, .long_name = "x",
                                          .flag_values = {0, 1}}),
                  std::invalid_argument);  // strings are not flags
  CHECK_THROWS_AS(writer.define_dimension("nv2", std::size_t{0}), std::invalid_argument);
  CHECK_THROWS_AS(writer.write_group_dataset("/", "x", std::vector<double>{1}), std::invalid_argument);
  CHECK_THROWS_AS(NcWriter::create(file.path(), 10), std::invalid_argument);

  // A rejected append changes nothing: one good step still gives a consistent file.
  writer.append_time(kDays[0]);
  writer.append("output", std::vector<double>(6, 1.0));
  writer.append("population", std::vector<std::int64_t>(3, 1));
  writer.append("month", kMonths[0]);
  writer.append("time_bnds", std::vector<double>{kDays[0], kDays[0] + 31});
  writer.close();
  CHECK_THROWS_AS(writer.append_time(1.0), std::logic_error);  // closed
  writer.close();                                              // idempotent

  const File reopened = open_file(file.path());
  const Dataset output = open_dataset(reopened.id(), "output");
  CHECK(shape_of(output.id()) == std::vector<hsize_t>{1, 3, 2});
}

TEST_CASE("NcWriter::close reports time series that missed steps", "[io]") {
  const TempPath file("short_series");
  NcWriter writer = NcWriter::create(file.path());
  define_sample(writer);
  writer.append_time(kDays[0]);
  writer.append("output", std::vector<double>(6, 1.0));
  writer.append("month", kMonths[0]);  // population never appended
  CHECK_THROWS_WITH(writer.close(), Catch::Contains("population") && Catch::Contains("0 time slices"));
  CHECK(open_file(file.path()).valid());  // closed and readable all the same
}

TEST_CASE("NcWriter moves and closes from its destructor", "[io]") {
  const TempPath file("moved");
  {
    NcWriter writer = NcWriter::create(file.path());
    writer.set_attribute("title", "moved");
    NcWriter moved = std::move(writer);
    CHECK_THROWS_AS(writer.set_attribute("x", 1.0), std::logic_error);  // NOLINT(bugprone-use-after-move)
    moved.set_attribute("after_move", 1.0);
  }  // destructor closes
  const File reopened = open_file(file.path());
  CHECK(read_attribute<std::string>(reopened.id(), "title") == "moved");
  CHECK(read_attribute<double>(reopened.id(), "after_move") == 1.0);
}

TEST_CASE("HDF5 failures throw IoError naming the file and print nothing", "[io]") {
  const fs::path missing_folder = fs::temp_directory_path() / "pzsim_no_such_folder" / "sub" / "out.h5";
  StderrCapture capture;
  try {
    NcWriter::create(missing_folder);
    FAIL("create in a missing folder succeeded");
  } catch (const pzsim::IoError& error) {
    const std::string message = error.what();
    CHECK_THAT(message, Catch::Contains(missing_folder.string()));
    CHECK_THAT(message, Catch::StartsWith("cannot create") && Catch::Contains("No such file or directory"));
  }
  CHECK_THROWS_AS(open_file(missing_folder), pzsim::IoError);
  {
    const TempPath file("errors");
    write_sample(file.path());
    const File reopened = open_file(file.path());
    CHECK_THROWS_WITH(open_dataset(reopened.id(), "nope"),
                      Catch::Contains("'nope'") && Catch::Contains(file.path().string()));
    CHECK_THROWS_AS(read_attribute<double>(reopened.id(), "nope"), pzsim::IoError);
  }
  CHECK(capture.text().empty());
}

TEST_CASE("NcWriter reports a full disk as IoError", "[io]") {
  SECTION("when the file cannot even be created") {
    if (!fs::exists("/dev/full")) return;
    const std::string message = io_error_in_child([] {
      NcWriter writer = NcWriter::create("/dev/full");
      define_sample(writer);
      writer.close();
    });
    CHECK_THAT(message, Catch::StartsWith("cannot create /dev/full: No space left on device"));
  }
  SECTION("when the data no longer fits") {
    const TempPath file("file_size_limit");
    const std::string message = io_error_in_child([&] {
      // A file size limit stands in for a full disk: writes past it fail with EFBIG.
      std::signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{64 * 1024, 64 * 1024};
      ::setrlimit(RLIMIT_FSIZE, &limit);
      NcWriter writer = NcWriter::create(file.path(), 0);
      define_sample(writer);
      writer.write_group_dataset("big", "values", std::vector<double>(1 << 20, 1.0));
      writer.close();
    });
    CHECK_THAT(message, Catch::StartsWith("cannot ") && Catch::Contains(file.path().string()) &&
                            Catch::Contains("File too large"));
  }
}
