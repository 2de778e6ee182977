// HDF5 handles and the netCDF-4 style writer: ownership, exact round trip through the HDF5
// C API, dimension-scale wiring, byte-identical files. Misuse and I/O failures:
// test_h5_errors.cpp; the sample file: h5_sample.hpp.
#include <hdf5_hl.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "tests/io/h5_sample.hpp"

namespace {

using namespace pzsim::h5;
using namespace pzsim::testing::h5_sample;

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

// Writes h5_fixture.h5 into the current folder for tests/io/check_nc_xarray.py and h5dump -H.
TEST_CASE("NcWriter fixture for the xarray check", "[io][fixture]") {
  write_sample("h5_fixture.h5");
  CHECK(fs::exists("h5_fixture.h5"));
}
