// HDF5 handles and the netCDF-4 style writer: ownership, exact round trip through the HDF5
// C API, dimension-scale wiring, error reporting.
#include <fcntl.h>
#include <hdf5_hl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"

namespace {

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

const std::vector<std::string> kCities = {"Shenzhen", "Shanghai", "Chéngdū"};  // non-ASCII on purpose
const std::vector<std::string> kProvinces = {"Guangdong", "Shanghai", "Sichuan"};
const std::vector<std::string> kSectors = {"industry", "services"};
const std::vector<double> kAges = {20.0, 40.0, 60.0};
const std::vector<std::string> kMonths = {"2012-01", "2012-02", "2012-03", "2012-04", "2012-05"};
const std::vector<double> kDays = {15340, 15371, 15400, 15431, 15461};  // first of each month, days since 1970-01-01
constexpr std::size_t kSteps = 5;

double output_at(std::size_t t, std::size_t c, std::size_t s) { return 1000.0 * t + 10.0 * c + s + 0.25; }
std::int64_t population_at(std::size_t t, std::size_t c) {
  return 5'000'000'000 + 1'000'000 * static_cast<std::int64_t>(c) + 7 * static_cast<std::int64_t>(t);
}

void define_sample(NcWriter& writer) {
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

void write_sample(const fs::path& path) {
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

std::string string_attribute(hid_t object, const char* name) { return read_attribute<std::string>(object, name); }

// The dimension-scale datasets attached to each axis of a dataset, by path ("/time").
std::vector<std::vector<std::string>> attached_scales(hid_t dataset) {
  std::vector<std::vector<std::string>> scales;
  for (std::size_t axis = 0; axis < shape_of(dataset).size(); ++axis) {
    std::vector<std::string> names;
    int index = 0;
    const herr_t status = H5DSiterate_scales(
        dataset, static_cast<unsigned>(axis), &index,
        [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
          std::array<char, 256> name{};
          H5Iget_name(scale, name.data(), name.size());
          static_cast<std::vector<std::string>*>(out)->emplace_back(name.data());
          return 0;
        },
        &names);
    REQUIRE(status >= 0);
    scales.push_back(names);
  }
  return scales;
}

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

TEST_CASE("h5 handles are move-only and close exactly once", "[io]") {
  static_assert(!std::is_copy_constructible_v<PropList> && !std::is_copy_assignable_v<PropList>);
  static_assert(std::is_nothrow_move_constructible_v<PropList> && std::is_nothrow_move_assignable_v<PropList>);

  // An extra reference lets the test see the handle's own decrement: the count must drop
  // from 2 to 1 (closed once), never to 0 (closed twice).
  const hid_t raw = H5Pcreate(H5P_FILE_ACCESS);
  REQUIRE(raw >= 0);
  REQUIRE(H5Iinc_ref(raw) == 2);
  {
    PropList first(raw);
    PropList second(std::move(first));
    CHECK_FALSE(first.valid());
    CHECK(first.id() == H5I_INVALID_HID);
    CHECK(second.id() == raw);
    PropList third;
    third = std::move(second);
    CHECK_FALSE(second.valid());
    CHECK(third.id() == raw);
    auto& alias = third;
    third = std::move(alias);  // self-move keeps the id
    CHECK(third.id() == raw);
    CHECK(H5Iget_ref(raw) == 2);  // moves close nothing
  }
  CHECK(H5Iget_ref(raw) == 1);
  CHECK(H5Idec_ref(raw) == 0);

  SECTION("move-assigning over a live handle closes the old id once") {
    const hid_t old_id = H5Pcreate(H5P_FILE_ACCESS);
    REQUIRE(H5Iinc_ref(old_id) == 2);
    PropList target(old_id);
    target = PropList(H5Pcreate(H5P_FILE_ACCESS));
    CHECK(H5Iget_ref(old_id) == 1);
    CHECK(H5Idec_ref(old_id) == 0);
  }
  SECTION("close() and reset() release the id and are no-ops afterwards") {
    PropList list(H5Pcreate(H5P_FILE_ACCESS));
    const hid_t id = list.id();
    list.close("a property list");
    CHECK_FALSE(list.valid());
    CHECK(H5Iis_valid(id) <= 0);
    list.close("a property list");
    list.reset();
  }
  SECTION("a failed close throws IoError and prints nothing") {
    const hid_t space = H5Screate(H5S_SCALAR);
    PropList wrong_kind(space);  // H5Pclose rejects a dataspace id
    StderrCapture capture;
    CHECK_THROWS_AS(wrong_kind.close("the test list"), pzsim::IoError);
    CHECK_FALSE(wrong_kind.valid());
    CHECK(capture.text().empty());
    CHECK(H5Sclose(space) >= 0);
  }
}

TEST_CASE("NcWriter output round-trips exactly through the HDF5 C API", "[io]") {
  const TempPath file("roundtrip");
  write_sample(file.path());

  const File reopened = open_file(file.path());
  const hid_t root = reopened.id();

  // netCDF-4 layout: creation order tracked on every group for links and attributes.
  for (const char* group_path : {"/", "/snapshots", "/snapshots/2012-05"}) {
    const Group group = open_group(root, group_path);
    const PropList creation(H5Gget_create_plist(group.id()));
    unsigned link_order = 0, attribute_order = 0;
    REQUIRE(H5Pget_link_creation_order(creation.id(), &link_order) >= 0);
    REQUIRE(H5Pget_attr_creation_order(creation.id(), &attribute_order) >= 0);
    CHECK(link_order == (H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
    CHECK(attribute_order == (H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
  }

  SECTION("root attributes") {
    CHECK(string_attribute(root, "title") == "pzsim h5 test");
    CHECK(read_attribute<std::int64_t>(root, "seed") == 1234567890123);
    CHECK(read_attribute<double>(root, "scale") == 0.75);
    CHECK(read_attribute<std::int64_t>(root, "threads") == 8);
    CHECK(string_attribute(root, "_NCProperties").starts_with("version=2,"));
  }

  SECTION("dimensions are scales with ids, names and values") {
    const std::vector<std::string> names = {"time", "city", "sector", "age"};
    for (std::size_t id = 0; id < names.size(); ++id) {
      const Dataset scale = open_dataset(root, names[id]);
      CHECK(H5DSis_scale(scale.id()) > 0);
      std::array<char, 64> scale_name{};
      REQUIRE(H5DSget_scale_name(scale.id(), scale_name.data(), scale_name.size()) > 0);
      CHECK(std::string(scale_name.data()) == names[id]);
      CHECK(read_attribute<std::int32_t>(scale.id(), "_Netcdf4Dimid") == static_cast<std::int32_t>(id));
    }
    const Dataset time = open_dataset(root, "time");
    CHECK(read_dataset<double>(time.id()) == kDays);
    CHECK(string_attribute(time.id(), "units") == "days since 1970-01-01");
    CHECK(string_attribute(time.id(), "calendar") == "standard");
    CHECK(string_attribute(time.id(), "long_name") == "time");
    CHECK(string_attribute(time.id(), "standard_name") == "time");
    CHECK(string_attribute(time.id(), "bounds") == "time_bnds");
    {
      const Dataspace space(H5Dget_space(time.id()));
      hsize_t extent = 0, max_extent = 0;
      REQUIRE(H5Sget_simple_extent_dims(space.id(), &extent, &max_extent) == 1);
      CHECK(extent == kSteps);
      CHECK(max_extent == H5S_UNLIMITED);
    }
    const Dataset city = open_dataset(root, "city");
    CHECK(read_dataset<std::string>(city.id()) == kCities);
    CHECK_FALSE(has_attribute(city.id(), "units"));  // labels are not quantities (CF)
    CHECK(string_attribute(city.id(), "long_name") == "city");
    const Dataset sector = open_dataset(root, "sector");
    CHECK(read_dataset<std::string>(sector.id()) == kSectors);
    const Dataset age = open_dataset(root, "age");
    CHECK(read_dataset<double>(age.id()) == kAges);
    CHECK(string_attribute(age.id(), "units") == "years");
    CHECK(string_attribute(age.id(), "long_name") == "age of household head");
    // A dimension without a variable: netCDF-4's NAME, its id, no attributes of a variable.
    const Dataset nv = open_dataset(root, "nv");
    CHECK(H5DSis_scale(nv.id()) > 0);
    std::array<char, 96> nv_name{};
    REQUIRE(H5DSget_scale_name(nv.id(), nv_name.data(), nv_name.size()) > 0);
    CHECK(std::string(nv_name.data()) == "This is a netCDF dimension but not a netCDF variable.         2");
    CHECK(read_attribute<std::int32_t>(nv.id(), "_Netcdf4Dimid") == 4);
    CHECK_FALSE(has_attribute(nv.id(), "long_name"));
    CHECK_FALSE(has_attribute(nv.id(), "units"));
    const Dataset bounds = open_dataset(root, "time_bnds");
    CHECK(attached_scales(bounds.id()) == std::vector<std::vector<std::string>>{{"/time"}, {"/nv"}});
    CHECK(shape_of(bounds.id()) == std::vector<hsize_t>{kSteps, 2});
    CHECK_FALSE(has_attribute(bounds.id(), "units"));
  }

  SECTION("time-varying variables") {
    const Dataset output = open_dataset(root, "output");
    CHECK(shape_of(output.id()) == std::vector<hsize_t>{kSteps, 3, 2});
    std::vector<double> expected_output;
    for (std::size_t t = 0; t < kSteps; ++t)
      for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t s = 0; s < 2; ++s) expected_output.push_back(output_at(t, c, s));
    CHECK(read_dataset<double>(output.id()) == expected_output);
    CHECK(string_attribute(output.id(), "units") == "CNY");
    CHECK(string_attribute(output.id(), "long_name") == "gross output");
    CHECK(string_attribute(output.id(), "description") == "value added by sector");
    CHECK(string_attribute(output.id(), "cell_methods") == "time: sum");
    CHECK(string_attribute(output.id(), "currency") == "CNY");
    CHECK(string_attribute(output.id(), "coordinates") == "province");
    CHECK(attached_scales(output.id()) == std::vector<std::vector<std::string>>{{"/time"}, {"/city"}, {"/sector"}});
    {
      const Dataset time = open_dataset(root, "time");
      const Dataset city = open_dataset(root, "city");
      CHECK(H5DSis_attached(output.id(), time.id(), 0) > 0);
      CHECK(H5DSis_attached(output.id(), city.id(), 1) > 0);
      CHECK(H5DSis_attached(output.id(), city.id(), 0) == 0);
    }
    {  // chunked along time and compressed
      const PropList creation(H5Dget_create_plist(output.id()));
      CHECK(H5Pget_layout(creation.id()) == H5D_CHUNKED);
      CHECK(H5Pget_nfilters(creation.id()) == 2);
    }

    const Dataset population = open_dataset(root, "population");
    CHECK(shape_of(population.id()) == std::vector<hsize_t>{kSteps, 3});
    std::vector<std::int64_t> expected_population;
    for (std::size_t t = 0; t < kSteps; ++t)
      for (std::size_t c = 0; c < 3; ++c) expected_population.push_back(population_at(t, c));
    CHECK(read_dataset<std::int64_t>(population.id()) == expected_population);
    CHECK(string_attribute(population.id(), "units") == "persons");
    CHECK(string_attribute(population.id(), "long_name") == "resident population");
    CHECK_FALSE(has_attribute(population.id(), "description"));
    CHECK_FALSE(has_attribute(population.id(), "cell_methods"));
    CHECK(attached_scales(population.id()) == std::vector<std::vector<std::string>>{{"/time"}, {"/city"}});

    const Dataset month = open_dataset(root, "month");
    CHECK(read_dataset<std::string>(month.id()) == kMonths);
    CHECK_FALSE(has_attribute(month.id(), "units"));
    CHECK(attached_scales(month.id()) == std::vector<std::vector<std::string>>{{"/time"}});
  }

  SECTION("fixed variables") {
    const Dataset province = open_dataset(root, "province");
    CHECK(read_dataset<std::string>(province.id()) == kProvinces);
    CHECK(string_attribute(province.id(), "long_name") == "province");
    CHECK(attached_scales(province.id()) == std::vector<std::vector<std::string>>{{"/city"}});
    const Dataset districts = open_dataset(root, "district_count");
    CHECK(read_dataset<std::int32_t>(districts.id()) == std::vector<std::int32_t>{10, 16, 12});
    const Dataset coastal = open_dataset(root, "coastal");
    CHECK(read_dataset<std::uint8_t>(coastal.id()) == std::vector<std::uint8_t>{1, 1, 0});
    {  // CF flags: flag_values in the variable's own type (uint8), flag_meanings beside them
      const Attribute flags = open_attribute(coastal.id(), "flag_values");
      const Datatype type(H5Aget_type(flags.id()));
      CHECK(H5Tequal(type.id(), H5T_STD_U8LE) > 0);
      std::array<std::uint8_t, 2> values{9, 9};
      REQUIRE(H5Aread(flags.id(), H5T_NATIVE_UINT8, values.data()) >= 0);
      CHECK(values == std::array<std::uint8_t, 2>{0, 1});
      CHECK(string_attribute(coastal.id(), "flag_meanings") == "inland coastal");
      CHECK_FALSE(has_attribute(coastal.id(), "units"));
    }
    const Dataset weights = open_dataset(root, "age_weight");
    CHECK(read_dataset<double>(weights.id()) == std::vector<double>{0.5, 0.3, 0.2});
    CHECK(string_attribute(weights.id(), "units") == "1");
    CHECK_FALSE(has_attribute(province.id(), "units"));  // no units given (a string), none written
    CHECK(attached_scales(weights.id()) == std::vector<std::vector<std::string>>{{"/age"}});
  }

  SECTION("group datasets") {
    const Group snapshot = open_group(root, "snapshots/2012-05");
    const Dataset wealth = open_dataset(snapshot.id(), "wealth");
    CHECK(read_dataset<double>(wealth.id()) == std::vector<double>{1.5, 2.5, 3.5});
    const Dataset ids = open_dataset(snapshot.id(), "household_id");
    CHECK(read_dataset<std::int64_t>(ids.id()) == std::vector<std::int64_t>{7, 8, 9});
  }
}

TEST_CASE("NcWriter writes byte-identical files for identical input", "[io]") {
  const TempPath first("identical_a");
  const TempPath second("identical_b");
  write_sample(first.path());
  write_sample(second.path());
  auto bytes = [](const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  CHECK(bytes(first.path()) == bytes(second.path()));
}

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

// Writes h5_fixture.h5 into the current folder for tests/io/check_nc_xarray.py and h5dump -H.
TEST_CASE("NcWriter fixture for the xarray check", "[io][fixture]") {
  write_sample("h5_fixture.h5");
  CHECK(fs::exists("h5_fixture.h5"));
}
