#pragma once
// Internals of sim/io's HDF5 code, shared by h5_errors.cpp, h5_read.cpp, h5_layout.cpp and
// h5_writer.cpp; not for use outside sim/io.
//  - Errors: HDF5's reason for a failure goes into an IoError, and HDF5's own printing is off.
//  - Dataset builder: element sizes and file types, attribute writers, names, chunking,
//    dataset and group creation, appending a slice.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/io/h5_handle.hpp"
#include "sim/io/h5_types.hpp"

namespace pzsim::h5::internal {

// --- Errors (h5_errors.cpp)

// HDF5 prints its error stack to stderr by default. Each entry point of sim/io's HDF5 code
// turns that off while it runs (restoring the caller's setting after) and puts HDF5's reason
// into the exception instead.
class QuietErrors {
 public:
  QuietErrors() noexcept;
  ~QuietErrors();
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

// HDF5's reason for the failure it just reported, taken from (and clearing) the error
// stack. Must run before any other HDF5 call, which would reset the stack.
std::string hdf5_reason();
// Throws IoError "cannot <action> <where>: <reason>".
[[noreturn]] void fail(std::string_view action, std::string_view where);
// The name of the file an object lives in, for messages about borrowed ids.
std::string file_name_of(hid_t object);
std::string in_quotes(std::string_view name);

// Throws IoError "cannot <action> <where>: <reason>" when an HDF5 call returns a negative
// status or id; passes the value through otherwise.
template <typename Status>
Status check(Status status, std::string_view action, std::string_view where) {
  if (status < 0) fail(action, where);
  return status;
}

// Like check(), for calls on an id borrowed from the caller: the message names the file.
template <typename Status>
Status check_in(Status status, hid_t object, std::string_view action) {
  if (status < 0) {
    std::string reason = hdf5_reason();
    throw IoError("cannot " + std::string(action) + " in " + file_name_of(object) + ": " + reason);
  }
  return status;
}

// --- Dataset builder (h5_layout.cpp)

const char* type_name(ValueType type);
// Bytes one element takes in a chunk; a variable-length string is a 16-byte heap reference.
std::size_t stored_size(ValueType type);
Datatype utf8_string_type(std::string_view where);
// The type stored in the file: fixed little-endian layouts (as netCDF-4 on x86 writes them),
// so a file does not depend on the machine that wrote it. Strings get their own type.
hid_t numeric_file_type(ValueType type);

Dataspace scalar_space(std::string_view where);
// Creates or replaces attribute `name` of object.
void write_attribute(hid_t object, std::string_view name, hid_t file_type, hid_t memory_type, const Dataspace& space,
                     const void* value, std::string_view where);
void write_string_attribute(hid_t object, std::string_view name, std::string_view value, std::string_view where);
// A scalar numeric attribute of one of the Native types.
template <typename T>
void write_number_attribute(hid_t object, std::string_view name, T value, std::string_view where) {
  write_attribute(object, name, Native<T>::file_type(), Native<T>::memory_type(), scalar_space(where), &value, where);
}
// A 1-D array even for one element, as netCDF-4 writes _Netcdf4Coordinates.
void write_int32_array_attribute(hid_t object, std::string_view name, std::span<const std::int32_t> values,
                                 std::string_view where);

void require_valid_name(std::string_view name, std::string_view kind);
// Refuses names netCDF-4/HDF5 maintain themselves.
void require_attribute_name(std::string_view name);

std::size_t product(std::span<const hsize_t> extents);

struct Layout {
  std::vector<hsize_t> extents;  // current extents; a time-varying dataset starts with 0 slices
  bool time_varying = false;     // extents[0] is unlimited
  ValueType type = ValueType::f64;
};

// A dataset with the creation properties every dataset shares: attribute creation order (as
// netCDF-4 keeps it), no timestamps (identical inputs give identical bytes), then chunking
// and filters by layout and deflate_level.
Dataset create_dataset(hid_t location, std::string_view name, const Layout& layout, int deflate_level,
                       std::string_view where);
// Groups keep link and attribute creation order and no timestamps, as the file's root does.
PropList group_creation_list(std::string_view where);
// A 1-D dataset group_path/name in file (its groups made as needed), for data outside the
// netCDF dimensions (NcWriter::write_group_numbers). Refuses an existing dataset.
void write_group_dataset(hid_t file, std::string_view file_name, std::string_view group_path, std::string_view name,
                         ValueType type, hid_t memory_type, const void* values, std::size_t count, int deflate_level);
// Appends one slice along axis 0 of a chunked dataset whose current length is `length`.
void append_slice(const Dataset& dataset, hsize_t length, std::span<const hsize_t> slice_extents, hid_t memory_type,
                  const void* values, std::string_view where);
std::vector<const char*> c_strings(std::span<const std::string> values);

}  // namespace pzsim::h5::internal
