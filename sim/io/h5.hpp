#pragma once
// HDF5 output. Two layers:
//  - move-only RAII handles over HDF5 ids plus a few read helpers, so no code outside this
//    module closes (or forgets to close) a raw hid_t;
//  - NcWriter, which lays an HDF5 file out the way the netCDF-4 library does (dimension
//    scales, _Netcdf4Dimid, creation-order tracking), so that netCDF tools and
//    xarray.open_dataset(path, engine="h5netcdf") see named dimensions and coordinates.
// Every HDF5 or filesystem failure throws pzsim::IoError naming the file; misuse of the API
// (unknown variable, wrong slice size, ...) throws std::invalid_argument or std::logic_error.
// HDF5's own error printing is switched off around each call made here.
#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pzsim::h5 {

using CloseFunction = herr_t (*)(hid_t);

namespace detail {
void close_quietly(CloseFunction close, hid_t id) noexcept;
void close_or_throw(CloseFunction close, hid_t id, std::string_view what);
}  // namespace detail

// Owns one HDF5 id and closes it exactly once. A moved-from handle owns nothing.
template <CloseFunction Close>
class Handle {
 public:
  Handle() noexcept = default;
  explicit Handle(hid_t id) noexcept : id_(id) {}  // takes ownership of id
  Handle(Handle&& other) noexcept : id_(other.release()) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.release();
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // Gives up ownership without closing.
  [[nodiscard]] hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  // Closes now; a failure is ignored (for destructors and error paths).
  void reset() noexcept {
    if (valid()) detail::close_quietly(Close, release());
  }
  // Closes now and throws IoError("cannot close <what>: ...") if HDF5 reports a failure,
  // e.g. the final flush of a file on a full disk.
  void close(std::string_view what) {
    if (valid()) detail::close_or_throw(Close, release(), what);
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<&H5Fclose>;
using Group = Handle<&H5Gclose>;
using Dataset = Handle<&H5Dclose>;
using Dataspace = Handle<&H5Sclose>;
using Datatype = Handle<&H5Tclose>;  // only for types made with H5Tcopy/H5Tcreate, never H5T_NATIVE_*
using PropList = Handle<&H5Pclose>;
using Attribute = Handle<&H5Aclose>;

// --- Reading (tests, post-processing). `location`/`object` are ids borrowed from a handle.

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
// A scalar attribute: double, std::int64_t, std::int32_t or std::string (fixed or variable length).
template <typename T>
T read_attribute(hid_t object, std::string_view name);

// --- Writing netCDF-4 style files.

enum class ValueType { f64, i64, i32, u8, str };  // str: variable-length UTF-8

// Members have {} initializers so designated initializers may omit any (no -Wmissing-field-initializers).
struct VariableSpec {
  std::string name{};
  // Dimension names; if the first is the unlimited dim ("time"), the variable grows one slice per append.
  std::vector<std::string> dims{};
  ValueType type = ValueType::f64;
  std::string units{};                     // attribute "units"; "1" when empty (dimensionless)
  std::string long_name{};                 // attribute "long_name"; required
  std::string description{};               // optional attribute "description" (omitted if empty)
  std::string flow{};                      // optional attribute "flow", e.g. "monthly" (omitted if empty)
  std::vector<std::string> coordinates{};  // optional; attribute "coordinates", space-joined (CF auxiliary coordinates)
};

// Writes one netCDF-4 file. Define dimensions first, then variables (a variable's
// auxiliary coordinates before the variable), then write fixed variables and append one
// slice per time step. The file is complete only after close().
//
// Layout decisions: numbers are little-endian IEEE/two's complement; strings (labels,
// string variables and string attributes) are variable-length UTF-8; object timestamps are
// not stored, so the same inputs give byte-identical files. Time-varying variables are
// chunked (one time slice per chunk, more slices per chunk when a slice is under 4 KiB,
// a chunk never over 1 MiB) and compressed with shuffle + deflate; string variables are
// never compressed.
class NcWriter {
 public:
  // Creates (truncates) the file at path. deflate_level 0..9, 0 = no compression. Throws IoError.
  static NcWriter create(const std::filesystem::path& path, int deflate_level = 4);

  NcWriter(NcWriter&&) noexcept;
  NcWriter& operator=(NcWriter&&) noexcept;  // closes the file this writer held, ignoring errors
  ~NcWriter();                               // closes, never throws

  const std::filesystem::path& path() const;

  // Root (global) attributes; setting a name again replaces the value.
  void set_attribute(std::string_view name, std::string_view value);
  void set_attribute(std::string_view name, double value);
  void set_attribute(std::string_view name, std::int64_t value);
  // Stored as uint64 (seeds: 2^64 - 1 must not read back as -1).
  void set_attribute(std::string_view name, std::uint64_t value);
  // Other integers (int, std::size_t, ...) are stored as int64.
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, std::uint64_t>)
  void set_attribute(std::string_view name, T value) {
    set_attribute(name, static_cast<std::int64_t>(value));
  }

  // A fixed-size dimension (at least one entry) with a coordinate variable of the same name.
  // Label coordinates are strings and carry units "1".
  void define_dimension(std::string_view name, const std::vector<std::string>& labels, std::string_view long_name);
  void define_dimension(std::string_view name, const std::vector<double>& values, std::string_view units,
                        std::string_view long_name);
  // The one unlimited dimension; its f64 coordinate variable gets values through append_time.
  // E.g. units "days since 1970-01-01", calendar "standard".
  void define_unlimited_dimension(std::string_view name, std::string_view units, std::string_view calendar,
                                  std::string_view long_name);
  // A data variable or auxiliary coordinate. Its dims must be defined; the unlimited dim may
  // only come first; the variables named in spec.coordinates must be defined and use a
  // subset of spec.dims.
  void define_variable(const VariableSpec& spec);

  // Writes a whole fixed-size variable (no unlimited dim); values are row-major and their
  // count must equal the product of the dims. The element type must match the spec's type.
  void write(std::string_view name, std::span<const double> values);
  void write(std::string_view name, std::span<const std::int64_t> values);
  void write(std::string_view name, std::span<const std::int32_t> values);
  void write(std::string_view name, std::span<const std::uint8_t> values);
  void write(std::string_view name, const std::vector<std::string>& values);

  // Appends one slice along the unlimited dim to a time-varying variable; values.size() must
  // equal the product of the other dims (row-major, last dim fastest). Throws
  // std::invalid_argument on a size or type mismatch.
  void append(std::string_view name, std::span<const double> values);
  void append(std::string_view name, std::span<const std::int64_t> values);
  void append(std::string_view name, std::span<const std::int32_t> values);
  void append(std::string_view name, std::span<const std::uint8_t> values);
  // One string per step for a str variable with dims {time} (e.g. month labels "2012-01").
  void append(std::string_view name, std::string_view value);
  // Appends one value to the unlimited dimension's coordinate; once per time step, before or
  // after the variables' appends. close() checks every time-varying variable got as many.
  void append_time(double value);

  // A plain 1-D dataset in a sub-group (e.g. "snapshots/2015-03"), intermediate groups created.
  // Not a netCDF variable: it has no dimension scales, so reading that group with
  // h5netcdf/xarray needs phony_dims="sort". The root group is refused.
  void write_group_dataset(std::string_view group_path, std::string_view name, std::span<const double> values);
  void write_group_dataset(std::string_view group_path, std::string_view name, std::span<const std::int64_t> values);
  void write_group_dataset(std::string_view group_path, std::string_view name, std::span<const std::int32_t> values);
  void write_group_dataset(std::string_view group_path, std::string_view name, std::span<const std::uint8_t> values);

  std::size_t time_length() const;  // append_time calls so far
  void flush();
  // Closes every object and the file. Idempotent. Throws IoError if HDF5 fails to write the
  // file out, std::logic_error if the time-varying variables' lengths differ from the time
  // coordinate's (the file is closed either way).
  void close();

 private:
  struct State;
  explicit NcWriter(std::unique_ptr<State> state);
  State& open_state();  // throws std::logic_error once closed or moved from
  std::unique_ptr<State> state_;
};

}  // namespace pzsim::h5
