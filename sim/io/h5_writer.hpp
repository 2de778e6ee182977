#pragma once
// NcWriter lays an HDF5 file out the way the netCDF-4 library does (dimension scales,
// _Netcdf4Dimid, creation-order tracking), so that netCDF tools and
// xarray.open_dataset(path, engine="h5netcdf") see named dimensions and coordinates.
// Every HDF5 or filesystem failure throws pzsim::IoError naming the file; misuse of the API
// (unknown variable, wrong slice size, ...) throws std::invalid_argument or std::logic_error.
#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/io/h5_types.hpp"

namespace pzsim::h5 {

// A contiguous run of one VariableNumber type: std::vector<double>, std::span<const std::int32_t>, ...
template <typename R>
concept NumberRange = std::ranges::contiguous_range<const R> && std::ranges::sized_range<const R> &&
                      VariableNumber<std::ranges::range_value_t<R>>;

// Members have {} initializers so designated initializers may omit any (no -Wmissing-field-initializers).
struct VariableSpec {
  std::string name{};
  // Dimension names; if the first is the unlimited dim ("time"), the variable grows one slice per append.
  std::vector<std::string> dims{};
  ValueType type = ValueType::f64;
  std::string units{};                     // attribute "units" (a UDUNITS string, "1" for counts and
                                           // shares); omitted when empty: strings, flags, bounds (CF)
  std::string long_name{};                 // attribute "long_name"; required
  std::string description{};               // optional attribute "description" (omitted if empty)
  std::vector<std::string> coordinates{};  // optional; attribute "coordinates", space-joined (CF auxiliary coordinates)
  // Further string attributes, written in this order after the ones above (CF cell_methods,
  // standard_name, flag_meanings, ...). The names above and netCDF's reserved ones are refused.
  std::vector<std::pair<std::string, std::string>> attributes{};
  // CF flag_values, stored as a 1-D attribute of the variable's own type (omitted if empty).
  std::vector<std::int64_t> flag_values{};
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
  // Numbers: double, std::int64_t and std::uint64_t are stored as they are (seeds: 2^64 - 1
  // must not read back as -1); other integers (int, unsigned long long, ...) as int64 and
  // other floating-point types as double.
  template <typename T>
    requires(std::floating_point<T> || (std::integral<T> && !std::same_as<T, bool>))
  void set_attribute(std::string_view name, T value) {
    using Stored = std::conditional_t<std::floating_point<T>, double,
                                      std::conditional_t<std::same_as<T, std::uint64_t>, std::uint64_t, std::int64_t>>;
    const auto stored = static_cast<Stored>(value);
    set_number_attribute(name, Native<Stored>::file_type(), Native<Stored>::memory_type(), &stored);
  }

  // A fixed-size dimension (at least one entry) with a coordinate variable of the same name.
  // Label coordinates are strings and carry no units (CF: units are for quantities).
  void define_dimension(std::string_view name, const std::vector<std::string>& labels, std::string_view long_name);
  void define_dimension(std::string_view name, const std::vector<double>& values, std::string_view units,
                        std::string_view long_name);
  // The one unlimited dimension; its f64 coordinate variable gets values through append_time.
  // E.g. units "days since 1970-01-01", calendar "standard".
  void define_unlimited_dimension(std::string_view name, std::string_view units, std::string_view calendar,
                                  std::string_view long_name);
  // A fixed-size dimension without a coordinate variable (netCDF-4's "dimension but not a
  // variable"), e.g. the two ends of each cell of a CF bounds variable.
  void define_dimension(std::string_view name, std::size_t length);
  // A string attribute of a defined variable or dimension coordinate (e.g. the time
  // coordinate's standard_name, axis and bounds); setting a name again replaces the value.
  void set_variable_attribute(std::string_view variable, std::string_view name, std::string_view value);
  // A data variable or auxiliary coordinate. Its dims must be defined; the unlimited dim may
  // only come first; the variables named in spec.coordinates must be defined and use a
  // subset of spec.dims.
  void define_variable(const VariableSpec& spec);

  // Writes a whole fixed-size variable (no unlimited dim); values are row-major and their
  // count must equal the product of the dims. The element type must match the spec's type.
  template <NumberRange R>
  void write(std::string_view name, const R& values) {
    write_numbers(name, numbers_of(values));
  }
  void write(std::string_view name, const std::vector<std::string>& values);

  // Appends one slice along the unlimited dim to a time-varying variable; values.size() must
  // equal the product of the other dims (row-major, last dim fastest). Throws
  // std::invalid_argument on a size or type mismatch.
  template <NumberRange R>
  void append(std::string_view name, const R& values) {
    append_numbers(name, numbers_of(values));
  }
  // One string per step for a str variable with dims {time} (e.g. month labels "2012-01").
  void append(std::string_view name, std::string_view value);
  // Appends one value to the unlimited dimension's coordinate; once per time step, before or
  // after the variables' appends. close() checks every time-varying variable got as many.
  void append_time(double value);

  // A plain 1-D dataset in a sub-group (e.g. "snapshots/2015-03"), intermediate groups created.
  // Not a netCDF variable: it has no dimension scales, so reading that group with
  // h5netcdf/xarray needs phony_dims="sort". The root group is refused.
  template <NumberRange R>
  void write_group_dataset(std::string_view group_path, std::string_view name, const R& values) {
    write_group_numbers(group_path, name, numbers_of(values));
  }

  std::size_t time_length() const;  // append_time calls so far
  void flush();
  // Closes every object and the file. Idempotent. Throws IoError if HDF5 fails to write the
  // file out, std::logic_error if the time-varying variables' lengths differ from the time
  // coordinate's (the file is closed either way).
  void close();

 private:
  // The numbers a caller passes, with their type, as the one non-template path takes them.
  struct Numbers {
    ValueType type;
    hid_t memory_type;
    const void* data;
    std::size_t count;
  };
  template <NumberRange R>
  static Numbers numbers_of(const R& values) {
    using T = std::ranges::range_value_t<R>;
    return {Native<T>::type, Native<T>::memory_type(), std::ranges::data(values), std::ranges::size(values)};
  }
  void set_number_attribute(std::string_view name, hid_t file_type, hid_t memory_type, const void* value);
  void write_numbers(std::string_view name, Numbers values);
  void append_numbers(std::string_view name, Numbers values);
  void write_group_numbers(std::string_view group_path, std::string_view name, Numbers values);

  struct State;
  explicit NcWriter(std::unique_ptr<State> state);
  State& open_state();  // throws std::logic_error once closed or moved from
  std::unique_ptr<State> state_;
};

}  // namespace pzsim::h5
