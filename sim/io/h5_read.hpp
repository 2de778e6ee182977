#pragma once
// Reading HDF5 files (tests, post-processing, pzsim's own readers of run files).
// `location`/`object` are ids borrowed from a handle. Failures throw pzsim::IoError naming
// the file.
#include <hdf5.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim/io/h5_handle.hpp"

namespace pzsim::h5 {

File open_file(const std::filesystem::path& path);  // read-only
Group open_group(hid_t location, std::string_view path);
Dataset open_dataset(hid_t location, std::string_view path);
Attribute open_attribute(hid_t object, std::string_view name);
bool has_attribute(hid_t object, std::string_view name);
bool has_link(hid_t location, std::string_view name);  // direct child of location
std::vector<hsize_t> shape_of(hid_t dataset);          // empty for a scalar dataset
// Names of the dimension scales attached to each axis of a dataset (netCDF dimension names);
// "" for an axis without one.
std::vector<std::string> dimension_names(hid_t dataset);
bool is_string_dataset(hid_t dataset);
std::vector<std::string> child_names(hid_t group);  // links of a group, in name order
bool is_string_attribute(hid_t object, std::string_view name);

// The whole dataset, row-major, converted to T by HDF5.
// T is one of double, std::int64_t, std::int32_t, std::uint8_t, std::string (string datasets).
template <typename T>
std::vector<T> read_dataset(hid_t dataset);
// A scalar attribute: double, std::int64_t, std::uint64_t, std::int32_t or std::string
// (fixed or variable length).
template <typename T>
T read_attribute(hid_t object, std::string_view name);

}  // namespace pzsim::h5
