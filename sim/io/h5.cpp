#include "sim/io/h5.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <exception>
#include <numeric>
#include <stdexcept>
#include <type_traits>

#include "sim/core/error.hpp"

namespace pzsim::h5 {
namespace {

// HDF5 prints its error stack to stderr by default. Each entry point of this module turns
// that off while it runs (restoring the caller's setting after) and puts HDF5's reason
// into the exception instead.
class QuietErrors {
 public:
  QuietErrors() noexcept {
    H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

herr_t collect_description(unsigned /*depth*/, const H5E_error2_t* error, void* descriptions) {
  if (error->desc != nullptr && error->desc[0] != '\0')
    static_cast<std::vector<std::string>*>(descriptions)->emplace_back(error->desc);
  return 0;
}

// HDF5's reason for the failure it just reported, taken from (and clearing) the error
// stack. Must run before any other HDF5 call, which would reset the stack.
std::string hdf5_reason() {
  std::vector<std::string> descriptions;  // outermost (the API call) first
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_description, &descriptions);
  H5Eclear2(H5E_DEFAULT);
  // An operating-system failure shows deep in the stack as "..., errno = 28, error message =
  // 'No space left on device', ..."; that text is what a user can act on.
  constexpr std::string_view kOsMessage = "error message = '";
  for (auto it = descriptions.rbegin(); it != descriptions.rend(); ++it) {
    const auto start = it->find(kOsMessage);
    if (start == std::string::npos) continue;
    const auto end = it->find('\'', start + kOsMessage.size());
    if (end != std::string::npos) return it->substr(start + kOsMessage.size(), end - start - kOsMessage.size());
  }
  if (!descriptions.empty()) return descriptions.back();  // the innermost is the most specific
  return "HDF5 gave no reason";
}

[[noreturn]] void fail(std::string_view action, std::string_view where) {
  std::string reason = hdf5_reason();
  throw IoError("cannot " + std::string(action) + " " + std::string(where) + ": " + reason);
}

// Throws IoError "cannot <action> <where>: <reason>" when an HDF5 call returns a negative
// status or id; passes the value through otherwise.
template <typename Status>
Status check(Status status, std::string_view action, std::string_view where) {
  if (status < 0) fail(action, where);
  return status;
}

// The name of the file an object lives in, for messages about borrowed ids.
std::string file_name_of(hid_t object) {
  const ssize_t length = H5Fget_name(object, nullptr, 0);
  if (length <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "(unknown HDF5 file)";
  }
  std::string name(static_cast<std::size_t>(length), '\0');
  H5Fget_name(object, name.data(), name.size() + 1);
  return name;
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

std::string in_quotes(std::string_view name) { return "'" + std::string(name) + "'"; }

// --- Types

template <typename T>
struct Native;
template <>
struct Native<double> {
  static constexpr ValueType type = ValueType::f64;
  static hid_t memory_type() { return H5T_NATIVE_DOUBLE; }
};
template <>
struct Native<std::int64_t> {
  static constexpr ValueType type = ValueType::i64;
  static hid_t memory_type() { return H5T_NATIVE_INT64; }
};
template <>
struct Native<std::uint64_t> {
  static hid_t memory_type() { return H5T_NATIVE_UINT64; }
};
template <>
struct Native<std::int32_t> {
  static constexpr ValueType type = ValueType::i32;
  static hid_t memory_type() { return H5T_NATIVE_INT32; }
};
template <>
struct Native<std::uint8_t> {
  static constexpr ValueType type = ValueType::u8;
  static hid_t memory_type() { return H5T_NATIVE_UINT8; }
};

const char* type_name(ValueType type) {
  switch (type) {
    case ValueType::f64: return "f64";
    case ValueType::i64: return "i64";
    case ValueType::i32: return "i32";
    case ValueType::u8: return "u8";
    case ValueType::str: return "str";
  }
  return "?";
}

// Bytes one element takes in a chunk; a variable-length string is a 16-byte heap reference.
std::size_t stored_size(ValueType type) {
  switch (type) {
    case ValueType::f64: return 8;
    case ValueType::i64: return 8;
    case ValueType::i32: return 4;
    case ValueType::u8: return 1;
    case ValueType::str: return 16;
  }
  return 8;
}

Datatype utf8_string_type(std::string_view where) {
  Datatype type(check(H5Tcopy(H5T_C_S1), "make a string type for", where));
  check(H5Tset_size(type.id(), H5T_VARIABLE), "make a string type for", where);
  check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "make a string type for", where);
  return type;
}

// The type stored in the file: fixed little-endian layouts (as netCDF-4 on x86 writes them),
// so a file does not depend on the machine that wrote it. Strings get their own type.
hid_t numeric_file_type(ValueType type) {
  switch (type) {
    case ValueType::f64: return H5T_IEEE_F64LE;
    case ValueType::i64: return H5T_STD_I64LE;
    case ValueType::i32: return H5T_STD_I32LE;
    case ValueType::u8: return H5T_STD_U8LE;
    case ValueType::str: break;
  }
  throw std::logic_error("numeric_file_type called for a string type");
}

// --- Attributes

void write_attribute(hid_t object, std::string_view name, hid_t file_type, hid_t memory_type, const Dataspace& space,
                     const void* value, std::string_view where) {
  const std::string attribute_name(name);
  const std::string action = "write attribute " + in_quotes(name) + " of";
  // Replacing a value: HDF5 cannot resize an attribute in place.
  if (check(H5Aexists(object, attribute_name.c_str()), action, where) > 0)
    check(H5Adelete(object, attribute_name.c_str()), action, where);
  Attribute attribute(check(H5Acreate2(object, attribute_name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                            action, where));
  check(H5Awrite(attribute.id(), memory_type, value), action, where);
  attribute.close("attribute " + in_quotes(name) + " of " + std::string(where));
}

Dataspace scalar_space(std::string_view where) {
  return Dataspace(check(H5Screate(H5S_SCALAR), "make a dataspace for", where));
}

void write_string_attribute(hid_t object, std::string_view name, std::string_view value, std::string_view where) {
  const Datatype type = utf8_string_type(where);
  const std::string text(value);
  const char* pointer = text.c_str();
  write_attribute(object, name, type.id(), type.id(), scalar_space(where), &pointer, where);
}

void write_double_attribute(hid_t object, std::string_view name, double value, std::string_view where) {
  write_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar_space(where), &value, where);
}

void write_int64_attribute(hid_t object, std::string_view name, std::int64_t value, std::string_view where) {
  write_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, scalar_space(where), &value, where);
}

void write_uint64_attribute(hid_t object, std::string_view name, std::uint64_t value, std::string_view where) {
  write_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, scalar_space(where), &value, where);
}

void write_int32_attribute(hid_t object, std::string_view name, std::int32_t value, std::string_view where) {
  write_attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, scalar_space(where), &value, where);
}

// A 1-D array even for one element, as netCDF-4 writes _Netcdf4Coordinates.
void write_int32_array_attribute(hid_t object, std::string_view name, std::span<const std::int32_t> values,
                                 std::string_view where) {
  const hsize_t count = values.size();
  const Dataspace space(check(H5Screate_simple(1, &count, nullptr), "make a dataspace for", where));
  write_attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, space, values.data(), where);
}

// --- Names and layout

// Attributes that h5netcdf hides and HDF5/netCDF-4 maintain themselves.
constexpr std::string_view kReservedAttributes[] = {"CLASS",          "NAME",          "DIMENSION_LIST",
                                                    "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
                                                    "_nc3_strict",    "_NCProperties"};

void require_valid_name(std::string_view name, std::string_view kind) {
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
    throw std::invalid_argument(std::string(kind) + " name " + in_quotes(name) + " is empty or contains '/'");
}

void require_attribute_name(std::string_view name) {
  require_valid_name(name, "attribute");
  if (std::ranges::find(kReservedAttributes, name) != std::end(kReservedAttributes))
    throw std::invalid_argument("attribute name " + in_quotes(name) + " is reserved by netCDF-4/HDF5");
}

// HDF5's per-dataset chunk cache holds 1 MiB; a bigger chunk would bypass it.
constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;
// Smaller time slices share a chunk, as netCDF-C does for 1-D record variables.
constexpr std::size_t kMinChunkBytes = 4096;
// Below this a fixed variable stays contiguous: chunk index and filter overhead outweigh the saving.
constexpr std::size_t kCompressFixedFromBytes = 64 * 1024;

std::size_t product(std::span<const hsize_t> extents) {
  return std::accumulate(extents.begin(), extents.end(), std::size_t{1},
                         [](std::size_t a, hsize_t b) { return a * static_cast<std::size_t>(b); });
}

// Chunk extents: the whole dataset or, for a time-varying one, one time slice (several when
// a slice is tiny); leading fixed extents are halved until a chunk fits kMaxChunkBytes, so a
// chunk stays a run of whole rows.
std::vector<hsize_t> chunk_extents(std::vector<hsize_t> extents, bool time_varying, std::size_t element_size) {
  auto chunk_bytes = [&] { return product(extents) * element_size; };
  if (time_varying) {
    extents[0] = 1;  // chunk_bytes() is now one slice's size
    extents[0] = std::max<std::size_t>(1, kMinChunkBytes / chunk_bytes());
  }
  for (std::size_t axis = time_varying ? 1 : 0; axis < extents.size() && chunk_bytes() > kMaxChunkBytes;) {
    if (extents[axis] > 1)
      extents[axis] = (extents[axis] + 1) / 2;
    else
      ++axis;
  }
  return extents;
}

struct Layout {
  std::vector<hsize_t> extents;  // current extents; a time-varying dataset starts with 0 slices
  bool time_varying = false;     // extents[0] is unlimited
  ValueType type = ValueType::f64;
};

// Creation properties shared by every dataset: attribute creation order (as netCDF-4 keeps
// it), no timestamps (identical inputs give identical bytes), then chunking and filters.
PropList dataset_creation_list(const Layout& layout, int deflate_level, std::string_view where) {
  const std::string action = "set storage properties for";
  PropList properties(check(H5Pcreate(H5P_DATASET_CREATE), action, where));
  check(H5Pset_attr_creation_order(properties.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), action, where);
  check(H5Pset_obj_track_times(properties.id(), false), action, where);
  if (layout.extents.empty()) return properties;  // scalar: contiguous

  const std::size_t element_size = stored_size(layout.type);
  const bool numeric = layout.type != ValueType::str;  // compressing heap references gains nothing
  const bool large = product(layout.extents) * element_size >= kCompressFixedFromBytes;
  const bool chunked = layout.time_varying || (numeric && deflate_level > 0 && large);
  if (!chunked) return properties;

  const auto chunk = chunk_extents(layout.extents, layout.time_varying, element_size);
  check(H5Pset_chunk(properties.id(), static_cast<int>(chunk.size()), chunk.data()), action, where);
  if (numeric && deflate_level > 0) {
    check(H5Pset_shuffle(properties.id()), action, where);
    check(H5Pset_deflate(properties.id(), static_cast<unsigned>(deflate_level)), action, where);
  }
  return properties;
}

Dataset create_dataset(hid_t location, std::string_view name, const Layout& layout, int deflate_level,
                       std::string_view where) {
  const std::string action = "create";
  std::vector<hsize_t> max_extents = layout.extents;
  if (layout.time_varying) max_extents[0] = H5S_UNLIMITED;
  const Dataspace space(layout.extents.empty() ? check(H5Screate(H5S_SCALAR), action, where)
                                               : check(H5Screate_simple(static_cast<int>(layout.extents.size()),
                                                                        layout.extents.data(), max_extents.data()),
                                                       action, where));
  const PropList properties = dataset_creation_list(layout, deflate_level, where);
  Datatype string_type;
  hid_t file_type = H5I_INVALID_HID;
  if (layout.type == ValueType::str) {
    string_type = utf8_string_type(where);
    file_type = string_type.id();
  } else {
    file_type = numeric_file_type(layout.type);
  }
  const std::string dataset_name(name);
  return Dataset(check(
      H5Dcreate2(location, dataset_name.c_str(), file_type, space.id(), H5P_DEFAULT, properties.id(), H5P_DEFAULT),
      action, where));
}

// Groups keep link and attribute creation order and no timestamps, as the file's root does.
PropList group_creation_list(std::string_view where) {
  const std::string action = "set group properties for";
  PropList properties(check(H5Pcreate(H5P_GROUP_CREATE), action, where));
  check(H5Pset_link_creation_order(properties.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), action, where);
  check(H5Pset_attr_creation_order(properties.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), action, where);
  check(H5Pset_obj_track_times(properties.id(), false), action, where);
  return properties;
}

// Appends one slice along axis 0 of a chunked dataset whose current length is `length`.
void append_slice(const Dataset& dataset, hsize_t length, std::span<const hsize_t> slice_extents, hid_t memory_type,
                  const void* values, std::string_view where) {
  const std::string action = "append to";
  std::vector<hsize_t> new_extents{length + 1};
  new_extents.insert(new_extents.end(), slice_extents.begin(), slice_extents.end());
  check(H5Dset_extent(dataset.id(), new_extents.data()), action, where);

  const Dataspace file_space(check(H5Dget_space(dataset.id()), action, where));
  std::vector<hsize_t> start(new_extents.size(), 0);
  start[0] = length;
  std::vector<hsize_t> count = new_extents;
  count[0] = 1;
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), action,
        where);
  const hsize_t value_count = product(slice_extents);
  const Dataspace memory_space(check(H5Screate_simple(1, &value_count, nullptr), action, where));
  check(H5Dwrite(dataset.id(), memory_type, memory_space.id(), file_space.id(), H5P_DEFAULT, values), action, where);
}

std::vector<const char*> c_strings(std::span<const std::string> values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) pointers.push_back(value.c_str());
  return pointers;
}

}  // namespace

// --- Handles

void detail::close_quietly(CloseFunction close, hid_t id) noexcept {
  const QuietErrors quiet;
  if (close(id) < 0) H5Eclear2(H5E_DEFAULT);
}

void detail::close_or_throw(CloseFunction close, hid_t id, std::string_view what) {
  const QuietErrors quiet;
  check(close(id), "close", what);
}

// --- Reading

File open_file(const std::filesystem::path& path) {
  const QuietErrors quiet;
  return File(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open", path.string()));
}

Group open_group(hid_t location, std::string_view path) {
  const QuietErrors quiet;
  const std::string name(path);
  return Group(check_in(H5Gopen2(location, name.c_str(), H5P_DEFAULT), location, "open group " + in_quotes(path)));
}

Dataset open_dataset(hid_t location, std::string_view path) {
  const QuietErrors quiet;
  const std::string name(path);
  return Dataset(check_in(H5Dopen2(location, name.c_str(), H5P_DEFAULT), location, "open dataset " + in_quotes(path)));
}

Attribute open_attribute(hid_t object, std::string_view name) {
  const QuietErrors quiet;
  const std::string attribute_name(name);
  return Attribute(
      check_in(H5Aopen(object, attribute_name.c_str(), H5P_DEFAULT), object, "open attribute " + in_quotes(name)));
}

bool has_attribute(hid_t object, std::string_view name) {
  const QuietErrors quiet;
  const std::string attribute_name(name);
  return check_in(H5Aexists(object, attribute_name.c_str()), object, "look up attribute " + in_quotes(name)) > 0;
}

bool has_link(hid_t location, std::string_view name) {
  const QuietErrors quiet;
  const std::string link_name(name);
  return check_in(H5Lexists(location, link_name.c_str(), H5P_DEFAULT), location, "look up " + in_quotes(name)) > 0;
}

namespace {

std::vector<hsize_t> extents_of(const Dataspace& space, hid_t object) {
  const int rank = check_in(H5Sget_simple_extent_ndims(space.id()), object, "read the shape");
  std::vector<hsize_t> extents(static_cast<std::size_t>(rank));
  check_in(H5Sget_simple_extent_dims(space.id(), extents.data(), nullptr), object, "read the shape");
  return extents;
}

// Reads `count` strings through `read(memory_type, buffer)`, fixed or variable length alike.
template <typename Read>
std::vector<std::string> read_strings(hid_t object, const Datatype& stored_type, const Dataspace& space,
                                      std::size_t count, Read read) {
  const std::string action = "read strings";
  if (check_in(H5Tget_class(stored_type.id()), object, action) != H5T_STRING)
    throw IoError("cannot read strings in " + file_name_of(object) + ": the data is not of string type");
  const Datatype memory_type(check_in(H5Tcopy(stored_type.id()), object, action));
  std::vector<std::string> strings;
  strings.reserve(count);
  if (check_in(H5Tis_variable_str(stored_type.id()), object, action) > 0) {
    std::vector<char*> pointers(count, nullptr);
    check_in(read(memory_type.id(), pointers.data()), object, action);
    for (const char* pointer : pointers) strings.emplace_back(pointer != nullptr ? pointer : "");
    check_in(H5Dvlen_reclaim(memory_type.id(), space.id(), H5P_DEFAULT, pointers.data()), object, action);
  } else {
    const std::size_t width = H5Tget_size(stored_type.id());
    std::vector<char> buffer(count * width);
    check_in(read(memory_type.id(), buffer.data()), object, action);
    for (std::size_t i = 0; i < count; ++i) {
      const char* begin = buffer.data() + i * width;
      strings.emplace_back(begin, std::find(begin, begin + width, '\0'));
    }
  }
  return strings;
}

}  // namespace

std::vector<hsize_t> shape_of(hid_t dataset) {
  const QuietErrors quiet;
  const Dataspace space(check_in(H5Dget_space(dataset), dataset, "read the shape"));
  return extents_of(space, dataset);
}

std::vector<std::string> dimension_names(hid_t dataset) {
  const QuietErrors quiet;
  const std::size_t rank = shape_of(dataset).size();
  std::vector<std::string> names(rank);
  for (std::size_t axis = 0; axis < rank; ++axis) {
    const int scales = H5DSget_num_scales(dataset, static_cast<unsigned>(axis));
    if (scales <= 0) {
      H5Eclear2(H5E_DEFAULT);
      continue;
    }
    // The first scale attached to the axis; its NAME is the dimension's name.
    hid_t scale_id = H5I_INVALID_HID;
    int index = 0;
    check_in(H5DSiterate_scales(dataset, static_cast<unsigned>(axis), &index,
                                [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
                                  *static_cast<hid_t*>(out) = H5Iinc_ref(scale) >= 0 ? scale : H5I_INVALID_HID;
                                  return 1;  // stop at the first
                                },
                                &scale_id),
             dataset, "read the dimensions");
    if (scale_id < 0) continue;
    const Dataset scale(scale_id);
    const ssize_t length = H5DSget_scale_name(scale.id(), nullptr, 0);
    if (length <= 0) {
      H5Eclear2(H5E_DEFAULT);
      continue;
    }
    std::string name(static_cast<std::size_t>(length), '\0');
    H5DSget_scale_name(scale.id(), name.data(), name.size() + 1);
    names[axis] = name;
  }
  return names;
}

std::vector<std::string> child_names(hid_t group) {
  const QuietErrors quiet;
  std::vector<std::string> names;
  hsize_t index = 0;
  check_in(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index,
                      [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
                        return 0;
                      },
                      &names),
           group, "list a group");
  return names;
}

bool is_string_dataset(hid_t dataset) {
  const QuietErrors quiet;
  const Datatype stored_type(check_in(H5Dget_type(dataset), dataset, "read the type"));
  return check_in(H5Tget_class(stored_type.id()), dataset, "read the type") == H5T_STRING;
}

bool is_string_attribute(hid_t object, std::string_view name) {
  const QuietErrors quiet;
  const std::string attribute_name(name);
  const std::string action = "read attribute " + in_quotes(name);
  const Attribute attribute(check_in(H5Aopen(object, attribute_name.c_str(), H5P_DEFAULT), object, action));
  const Datatype stored_type(check_in(H5Aget_type(attribute.id()), object, action));
  return check_in(H5Tget_class(stored_type.id()), object, action) == H5T_STRING;
}

template <typename T>
std::vector<T> read_dataset(hid_t dataset) {
  const QuietErrors quiet;
  const std::string action = "read a dataset";
  const Dataspace space(check_in(H5Dget_space(dataset), dataset, action));
  const auto count = static_cast<std::size_t>(check_in(H5Sget_simple_extent_npoints(space.id()), dataset, action));
  if constexpr (std::is_same_v<T, std::string>) {
    const Datatype stored_type(check_in(H5Dget_type(dataset), dataset, action));
    return read_strings(dataset, stored_type, space, count, [&](hid_t memory_type, void* buffer) {
      return H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
    });
  } else {
    std::vector<T> values(count);
    if (count > 0)
      check_in(H5Dread(dataset, Native<T>::memory_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), dataset,
               action);
    return values;
  }
}

template <typename T>
T read_attribute(hid_t object, std::string_view name) {
  const QuietErrors quiet;
  const std::string action = "read attribute " + in_quotes(name);
  const std::string attribute_name(name);
  const Attribute attribute(check_in(H5Aopen(object, attribute_name.c_str(), H5P_DEFAULT), object, action));
  const Dataspace space(check_in(H5Aget_space(attribute.id()), object, action));
  if (check_in(H5Sget_simple_extent_npoints(space.id()), object, action) != 1)
    throw IoError("cannot " + action + " in " + file_name_of(object) + ": it holds more than one value");
  if constexpr (std::is_same_v<T, std::string>) {
    const Datatype stored_type(check_in(H5Aget_type(attribute.id()), object, action));
    return read_strings(object, stored_type, space, 1, [&](hid_t memory_type, void* buffer) {
      return H5Aread(attribute.id(), memory_type, buffer);
    })[0];
  } else {
    T value{};
    check_in(H5Aread(attribute.id(), Native<T>::memory_type(), &value), object, action);
    return value;
  }
}

template std::vector<double> read_dataset<double>(hid_t);
template std::vector<std::int64_t> read_dataset<std::int64_t>(hid_t);
template std::vector<std::int32_t> read_dataset<std::int32_t>(hid_t);
template std::vector<std::uint8_t> read_dataset<std::uint8_t>(hid_t);
template std::vector<std::string> read_dataset<std::string>(hid_t);
template double read_attribute<double>(hid_t, std::string_view);
template std::int64_t read_attribute<std::int64_t>(hid_t, std::string_view);
template std::uint64_t read_attribute<std::uint64_t>(hid_t, std::string_view);
template std::int32_t read_attribute<std::int32_t>(hid_t, std::string_view);
template std::string read_attribute<std::string>(hid_t, std::string_view);

// --- NcWriter

namespace {

struct DimensionInfo {
  std::string name;
  hsize_t length = 0;  // grows with append_time for the unlimited dimension
  bool unlimited = false;
  Dataset scale;  // the coordinate variable, marked as an HDF5 dimension scale
};

struct VariableInfo {
  std::string name;
  ValueType type = ValueType::f64;
  std::vector<std::size_t> dimension_ids;
  bool time_varying = false;
  std::vector<hsize_t> slice_extents;  // extents after the unlimited dim, or all of them if fixed
  hsize_t length = 0;                  // time slices appended
  Dataset dataset;
};

}  // namespace

struct NcWriter::State {
  std::filesystem::path path;
  std::string path_text;  // for messages
  int deflate_level = 4;
  File file;
  std::vector<DimensionInfo> dimensions;  // position = netCDF dimension id
  std::vector<VariableInfo> variables;
  bool closed = false;

  std::string where(std::string_view kind, std::string_view name) const {
    return std::string(kind) + " " + in_quotes(name) + " in " + path_text;
  }

  DimensionInfo* find_dimension(std::string_view name) {
    for (auto& dimension : dimensions)
      if (dimension.name == name) return &dimension;
    return nullptr;
  }
  DimensionInfo* unlimited_dimension() {
    for (auto& dimension : dimensions)
      if (dimension.unlimited) return &dimension;
    return nullptr;
  }
  VariableInfo* find_variable(std::string_view name) {
    for (auto& variable : variables)
      if (variable.name == name) return &variable;
    return nullptr;
  }
  VariableInfo& variable(std::string_view name) {
    if (VariableInfo* found = find_variable(name)) return *found;
    throw std::invalid_argument("no variable " + in_quotes(name) + " defined in " + path_text);
  }

  void require_new_name(std::string_view name, std::string_view kind) {
    require_valid_name(name, kind);
    if (find_dimension(name) != nullptr || find_variable(name) != nullptr)
      throw std::invalid_argument(std::string(kind) + " " + in_quotes(name) + " is already defined in " + path_text);
  }

  // A dimension's coordinate variable: the dataset, its dimension-scale marking and attributes.
  DimensionInfo& add_dimension(std::string_view name, Layout layout, std::string_view units,
                               std::string_view long_name) {
    require_new_name(name, "dimension");
    if (long_name.empty()) throw std::invalid_argument("dimension " + in_quotes(name) + " needs a long_name");
    const std::string location = where("dimension", name);
    DimensionInfo dimension;
    dimension.name = std::string(name);
    dimension.length = layout.time_varying ? 0 : layout.extents[0];
    dimension.unlimited = layout.time_varying;
    dimension.scale = create_dataset(file.id(), name, layout, deflate_level, location);
    // NAME is the dimension's own name: it is also a variable (netCDF-4 does the same).
    check(H5DSset_scale(dimension.scale.id(), dimension.name.c_str()), "mark as dimension scale", location);
    write_int32_attribute(dimension.scale.id(), "_Netcdf4Dimid", static_cast<std::int32_t>(dimensions.size()),
                          location);
    write_string_attribute(dimension.scale.id(), "long_name", long_name, location);
    write_string_attribute(dimension.scale.id(), "units", units.empty() ? "1" : units, location);
    dimensions.push_back(std::move(dimension));
    return dimensions.back();
  }

  template <typename T>
  void write_values(std::string_view name, std::span<const T> values) {
    VariableInfo& target = variable(name);
    const std::string location = where("variable", name);
    if (target.time_varying) throw std::invalid_argument(location + " grows along the unlimited dimension: use append");
    if (target.type != Native<T>::type)
      throw std::invalid_argument(location + " is " + type_name(target.type) + ", not " + type_name(Native<T>::type));
    const std::size_t expected = product(target.slice_extents);
    if (values.size() != expected)
      throw std::invalid_argument(location + " holds " + std::to_string(expected) + " values, got " +
                                  std::to_string(values.size()));
    check(H5Dwrite(target.dataset.id(), Native<T>::memory_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "write", location);
  }

  template <typename T>
  void append_values(std::string_view name, std::span<const T> values) {
    VariableInfo& target = variable(name);
    const std::string location = where("variable", name);
    if (!target.time_varying) throw std::invalid_argument(location + " has no unlimited dimension: use write");
    if (target.type != Native<T>::type)
      throw std::invalid_argument(location + " is " + type_name(target.type) + ", not " + type_name(Native<T>::type));
    const std::size_t expected = product(target.slice_extents);
    if (values.size() != expected)
      throw std::invalid_argument(location + " takes " + std::to_string(expected) + " values per time slice, got " +
                                  std::to_string(values.size()));
    append_slice(target.dataset, target.length, target.slice_extents, Native<T>::memory_type(), values.data(),
                 location);
    ++target.length;
  }

  template <typename T>
  void write_group_values(std::string_view group_path, std::string_view name, std::span<const T> values) {
    require_valid_name(name, "dataset");
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= group_path.size();) {
      const std::size_t end = std::min(group_path.find('/', start), group_path.size());
      if (end > start) parts.push_back(group_path.substr(start, end - start));
      start = end + 1;
    }
    if (parts.empty())
      throw std::invalid_argument("write_group_dataset needs a sub-group, got " + in_quotes(group_path));

    // Created level by level (not with H5Pset_create_intermediate_group) so every group gets
    // the creation-order properties.
    Group group;
    std::string group_name;
    for (const std::string_view part : parts) {
      require_valid_name(part, "group");
      group_name.append("/").append(part);
      const std::string location = "group " + in_quotes(group_name) + " in " + path_text;
      const hid_t parent = group.valid() ? group.id() : file.id();
      const std::string part_name(part);
      if (check(H5Lexists(parent, part_name.c_str(), H5P_DEFAULT), "look up", location) > 0) {
        group = Group(check(H5Gopen2(parent, part_name.c_str(), H5P_DEFAULT), "open", location));
      } else {
        const PropList properties = group_creation_list(location);
        group = Group(check(H5Gcreate2(parent, part_name.c_str(), H5P_DEFAULT, properties.id(), H5P_DEFAULT), "create",
                            location));
      }
    }
    const std::string location = "dataset " + in_quotes(group_name + "/" + std::string(name)) + " in " + path_text;
    const std::string dataset_name(name);
    if (check(H5Lexists(group.id(), dataset_name.c_str(), H5P_DEFAULT), "look up", location) > 0)
      throw std::invalid_argument(location + " already exists");
    Layout layout;
    layout.extents = {values.size()};
    layout.type = Native<T>::type;
    Dataset dataset = create_dataset(group.id(), name, layout, deflate_level, location);
    if (!values.empty())
      check(H5Dwrite(dataset.id(), Native<T>::memory_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write",
            location);
    dataset.close(location);
    group.close("group " + in_quotes(group_name) + " in " + path_text);
  }
};

NcWriter::NcWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
NcWriter::NcWriter(NcWriter&&) noexcept = default;

NcWriter& NcWriter::operator=(NcWriter&& other) noexcept {
  if (this != &other) {
    try {
      close();
    } catch (...) {  // noexcept by contract: a failed close of the old file is dropped
    }
    state_ = std::move(other.state_);
  }
  return *this;
}

NcWriter::~NcWriter() {
  try {
    close();
  } catch (...) {  // destructors must not throw; call close() to see errors
  }
}

NcWriter::State& NcWriter::open_state() {
  if (!state_) throw std::logic_error("NcWriter was moved from");
  if (state_->closed) throw std::logic_error("NcWriter for " + state_->path_text + " is closed");
  return *state_;
}

const std::filesystem::path& NcWriter::path() const {
  if (!state_) throw std::logic_error("NcWriter was moved from");
  return state_->path;
}

NcWriter NcWriter::create(const std::filesystem::path& path, int deflate_level) {
  if (deflate_level < 0 || deflate_level > 9)
    throw std::invalid_argument("deflate level must be 0..9, got " + std::to_string(deflate_level));
  const QuietErrors quiet;
  auto state = std::make_unique<State>();
  state->path = path;
  state->path_text = path.string();
  state->deflate_level = deflate_level;
  const std::string& where = state->path_text;

  // netCDF-4 tracks link and attribute creation order; its library needs that to modify a
  // file and both it and h5netcdf list variables in that order.
  const PropList creation(check(H5Pcreate(H5P_FILE_CREATE), "create", where));
  check(H5Pset_link_creation_order(creation.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "create", where);
  check(H5Pset_attr_creation_order(creation.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "create", where);
  check(H5Pset_obj_track_times(creation.id(), false), "create", where);
  state->file = File(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.id(), H5P_DEFAULT), "create", where));

  // The provenance attribute netCDF-4 writes (fixed-length ASCII, as it does); h5netcdf hides it.
  unsigned major = 0, minor = 0, release = 0;
  check(H5get_libversion(&major, &minor, &release), "create", where);
  const std::string provenance =
      "version=2,hdf5=" + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
  const Datatype provenance_type(check(H5Tcopy(H5T_C_S1), "create", where));
  check(H5Tset_size(provenance_type.id(), provenance.size() + 1), "create", where);
  check(H5Tset_strpad(provenance_type.id(), H5T_STR_NULLTERM), "create", where);
  write_attribute(state->file.id(), "_NCProperties", provenance_type.id(), provenance_type.id(), scalar_space(where),
                  provenance.c_str(), where);
  return NcWriter(std::move(state));
}

void NcWriter::set_attribute(std::string_view name, std::string_view value) {
  State& state = open_state();
  const QuietErrors quiet;
  require_attribute_name(name);
  write_string_attribute(state.file.id(), name, value, state.path_text);
}

void NcWriter::set_attribute(std::string_view name, double value) {
  State& state = open_state();
  const QuietErrors quiet;
  require_attribute_name(name);
  write_double_attribute(state.file.id(), name, value, state.path_text);
}

void NcWriter::set_attribute(std::string_view name, std::int64_t value) {
  State& state = open_state();
  const QuietErrors quiet;
  require_attribute_name(name);
  write_int64_attribute(state.file.id(), name, value, state.path_text);
}

void NcWriter::set_attribute(std::string_view name, std::uint64_t value) {
  State& state = open_state();
  const QuietErrors quiet;
  require_attribute_name(name);
  write_uint64_attribute(state.file.id(), name, value, state.path_text);
}

void NcWriter::define_dimension(std::string_view name, const std::vector<std::string>& labels,
                                std::string_view long_name) {
  State& state = open_state();
  const QuietErrors quiet;
  if (labels.empty()) throw std::invalid_argument("dimension " + in_quotes(name) + " needs at least one label");
  Layout layout;
  layout.extents = {labels.size()};
  layout.type = ValueType::str;
  DimensionInfo& dimension = state.add_dimension(name, layout, "1", long_name);
  const std::string location = state.where("dimension", name);
  const Datatype type = utf8_string_type(location);
  const auto pointers = c_strings(labels);
  check(H5Dwrite(dimension.scale.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "write", location);
}

void NcWriter::define_dimension(std::string_view name, const std::vector<double>& values, std::string_view units,
                                std::string_view long_name) {
  State& state = open_state();
  const QuietErrors quiet;
  if (values.empty()) throw std::invalid_argument("dimension " + in_quotes(name) + " needs at least one value");
  Layout layout;
  layout.extents = {values.size()};
  layout.type = ValueType::f64;
  DimensionInfo& dimension = state.add_dimension(name, layout, units, long_name);
  const std::string location = state.where("dimension", name);
  check(H5Dwrite(dimension.scale.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write",
        location);
}

void NcWriter::define_unlimited_dimension(std::string_view name, std::string_view units, std::string_view calendar,
                                          std::string_view long_name) {
  State& state = open_state();
  const QuietErrors quiet;
  if (const DimensionInfo* existing = state.unlimited_dimension())
    throw std::invalid_argument("the unlimited dimension of " + state.path_text + " is already " +
                                in_quotes(existing->name));
  Layout layout;
  layout.extents = {0};
  layout.time_varying = true;
  layout.type = ValueType::f64;
  DimensionInfo& dimension = state.add_dimension(name, layout, units, long_name);
  const std::string location = state.where("dimension", name);
  if (!calendar.empty()) write_string_attribute(dimension.scale.id(), "calendar", calendar, location);
}

void NcWriter::define_variable(const VariableSpec& spec) {
  State& state = open_state();
  const QuietErrors quiet;
  state.require_new_name(spec.name, "variable");
  const std::string location = state.where("variable", spec.name);
  if (spec.long_name.empty()) throw std::invalid_argument(location + " needs a long_name");

  VariableInfo variable;
  variable.name = spec.name;
  variable.type = spec.type;
  Layout layout;
  layout.type = spec.type;
  for (std::size_t axis = 0; axis < spec.dims.size(); ++axis) {
    DimensionInfo* dimension = state.find_dimension(spec.dims[axis]);
    if (dimension == nullptr)
      throw std::invalid_argument(location + " uses undefined dimension " + in_quotes(spec.dims[axis]));
    if (dimension->unlimited && axis != 0)
      throw std::invalid_argument(location + ": the unlimited dimension " + in_quotes(dimension->name) +
                                  " must be its first dimension");
    variable.dimension_ids.push_back(static_cast<std::size_t>(dimension - state.dimensions.data()));
    layout.extents.push_back(dimension->unlimited ? 0 : dimension->length);
  }
  variable.time_varying = layout.time_varying = !spec.dims.empty() && state.find_dimension(spec.dims[0])->unlimited;
  variable.slice_extents.assign(layout.extents.begin() + (variable.time_varying ? 1 : 0), layout.extents.end());

  // CF: an auxiliary coordinate spans a subset of its variable's dimensions.
  for (const auto& coordinate : spec.coordinates) {
    std::vector<std::string> coordinate_dims;
    if (const VariableInfo* other = state.find_variable(coordinate)) {
      for (const std::size_t id : other->dimension_ids) coordinate_dims.push_back(state.dimensions[id].name);
    } else if (state.find_dimension(coordinate) != nullptr) {
      coordinate_dims.push_back(coordinate);
    } else {
      throw std::invalid_argument(location + " names coordinate " + in_quotes(coordinate) +
                                  ", which is not defined (define it first)");
    }
    for (const auto& dim : coordinate_dims)
      if (std::ranges::find(spec.dims, dim) == spec.dims.end())
        throw std::invalid_argument(location + ": its coordinate " + in_quotes(coordinate) + " spans dimension " +
                                    in_quotes(dim) + ", which the variable does not have");
  }

  variable.dataset = create_dataset(state.file.id(), spec.name, layout, state.deflate_level, location);
  const hid_t dataset = variable.dataset.id();
  for (std::size_t axis = 0; axis < variable.dimension_ids.size(); ++axis)
    check(H5DSattach_scale(dataset, state.dimensions[variable.dimension_ids[axis]].scale.id(),
                           static_cast<unsigned>(axis)),
          "attach dimension " + in_quotes(spec.dims[axis]) + " to", location);
  // netCDF-4 lists a variable's dimension ids here; readers then skip matching scales.
  if (!variable.dimension_ids.empty()) {
    std::vector<std::int32_t> dimension_ids;
    for (const std::size_t id : variable.dimension_ids) dimension_ids.push_back(static_cast<std::int32_t>(id));
    write_int32_array_attribute(dataset, "_Netcdf4Coordinates", dimension_ids, location);
  }
  write_string_attribute(dataset, "long_name", spec.long_name, location);
  write_string_attribute(dataset, "units", spec.units.empty() ? "1" : spec.units, location);
  if (!spec.description.empty()) write_string_attribute(dataset, "description", spec.description, location);
  if (!spec.flow.empty()) write_string_attribute(dataset, "flow", spec.flow, location);
  if (!spec.coordinates.empty()) {
    std::string joined;
    for (const auto& coordinate : spec.coordinates) joined += (joined.empty() ? "" : " ") + coordinate;
    write_string_attribute(dataset, "coordinates", joined, location);
  }
  state.variables.push_back(std::move(variable));
}

void NcWriter::write(std::string_view name, std::span<const double> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_values(name, values);
}
void NcWriter::write(std::string_view name, std::span<const std::int64_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_values(name, values);
}
void NcWriter::write(std::string_view name, std::span<const std::int32_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_values(name, values);
}
void NcWriter::write(std::string_view name, std::span<const std::uint8_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_values(name, values);
}

void NcWriter::write(std::string_view name, const std::vector<std::string>& values) {
  State& state = open_state();
  const QuietErrors quiet;
  VariableInfo& target = state.variable(name);
  const std::string location = state.where("variable", name);
  if (target.time_varying) throw std::invalid_argument(location + " grows along the unlimited dimension: use append");
  if (target.type != ValueType::str)
    throw std::invalid_argument(location + " is " + type_name(target.type) + ", not str");
  const std::size_t expected = product(target.slice_extents);
  if (values.size() != expected)
    throw std::invalid_argument(location + " holds " + std::to_string(expected) + " values, got " +
                                std::to_string(values.size()));
  const Datatype type = utf8_string_type(location);
  const auto pointers = c_strings(values);
  check(H5Dwrite(target.dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "write", location);
}

void NcWriter::append(std::string_view name, std::span<const double> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.append_values(name, values);
}
void NcWriter::append(std::string_view name, std::span<const std::int64_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.append_values(name, values);
}
void NcWriter::append(std::string_view name, std::span<const std::int32_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.append_values(name, values);
}
void NcWriter::append(std::string_view name, std::span<const std::uint8_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.append_values(name, values);
}

void NcWriter::append(std::string_view name, std::string_view value) {
  State& state = open_state();
  const QuietErrors quiet;
  VariableInfo& target = state.variable(name);
  const std::string location = state.where("variable", name);
  if (!target.time_varying || target.type != ValueType::str || product(target.slice_extents) != 1)
    throw std::invalid_argument(location + " is not a str variable with only the unlimited dimension");
  const Datatype type = utf8_string_type(location);
  const std::string text(value);
  const char* pointer = text.c_str();
  append_slice(target.dataset, target.length, target.slice_extents, type.id(), &pointer, location);
  ++target.length;
}

void NcWriter::append_time(double value) {
  State& state = open_state();
  const QuietErrors quiet;
  DimensionInfo* time = state.unlimited_dimension();
  if (time == nullptr) throw std::invalid_argument("no unlimited dimension defined in " + state.path_text);
  append_slice(time->scale, time->length, {}, H5T_NATIVE_DOUBLE, &value, state.where("dimension", time->name));
  ++time->length;
}

void NcWriter::write_group_dataset(std::string_view group_path, std::string_view name, std::span<const double> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_group_values(group_path, name, values);
}
void NcWriter::write_group_dataset(std::string_view group_path, std::string_view name,
                                   std::span<const std::int64_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_group_values(group_path, name, values);
}
void NcWriter::write_group_dataset(std::string_view group_path, std::string_view name,
                                   std::span<const std::int32_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_group_values(group_path, name, values);
}
void NcWriter::write_group_dataset(std::string_view group_path, std::string_view name,
                                   std::span<const std::uint8_t> values) {
  State& state = open_state();
  const QuietErrors quiet;
  state.write_group_values(group_path, name, values);
}

std::size_t NcWriter::time_length() const {
  if (!state_) throw std::logic_error("NcWriter was moved from");
  for (const auto& dimension : state_->dimensions)
    if (dimension.unlimited) return static_cast<std::size_t>(dimension.length);
  return 0;
}

void NcWriter::flush() {
  State& state = open_state();
  const QuietErrors quiet;
  check(H5Fflush(state.file.id(), H5F_SCOPE_GLOBAL), "flush", state.path_text);
}

void NcWriter::close() {
  if (!state_ || state_->closed) return;
  State& state = *state_;
  state.closed = true;
  const QuietErrors quiet;

  // A time series shorter than the time coordinate would be padded by readers with fill values.
  std::string mismatch;
  if (const DimensionInfo* time = state.unlimited_dimension()) {
    for (const auto& variable : state.variables)
      if (variable.time_varying && variable.length != time->length && mismatch.empty())
        mismatch = state.where("variable", variable.name) + " has " + std::to_string(variable.length) +
                   " time slices but " + in_quotes(time->name) + " has " + std::to_string(time->length);
  }

  // Datasets first, so the file's close really releases it and reports the final flush.
  std::exception_ptr first_error;
  auto close_recording = [&](auto& handle, const std::string& what) {
    try {
      handle.close(what);
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  };
  for (auto& variable : state.variables) close_recording(variable.dataset, state.where("variable", variable.name));
  for (auto& dimension : state.dimensions) close_recording(dimension.scale, state.where("dimension", dimension.name));
  close_recording(state.file, state.path_text);
  if (first_error) std::rethrow_exception(first_error);
  if (!mismatch.empty()) throw std::logic_error(mismatch);
}

}  // namespace pzsim::h5
