// The dataset builder under NcWriter: element sizes and file types, attribute writers,
// name checks, chunking and compression, dataset and group creation, appending a slice.
#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sim/io/h5_internal.hpp"

namespace pzsim::h5::internal {

// --- Types

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

namespace {

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

// Chunking and filters for a dataset's layout, after the properties every dataset shares.
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

}  // namespace

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

PropList group_creation_list(std::string_view where) {
  const std::string action = "set group properties for";
  PropList properties(check(H5Pcreate(H5P_GROUP_CREATE), action, where));
  check(H5Pset_link_creation_order(properties.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), action, where);
  check(H5Pset_attr_creation_order(properties.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), action, where);
  check(H5Pset_obj_track_times(properties.id(), false), action, where);
  return properties;
}

// A 1-D dataset at group_path/name (groups made as needed, each with group_creation_list), for
// data outside the netCDF dimensions (state snapshots). An existing dataset is refused.
void write_group_dataset(hid_t file, std::string_view file_name, std::string_view group_path, std::string_view name,
                         ValueType type, hid_t memory_type, const void* values, std::size_t count, int deflate_level) {
  require_valid_name(name, "dataset");
  std::vector<std::string_view> parts;
  for (std::size_t start = 0; start <= group_path.size();) {
    const std::size_t end = std::min(group_path.find('/', start), group_path.size());
    if (end > start) parts.push_back(group_path.substr(start, end - start));
    start = end + 1;
  }
  if (parts.empty()) throw std::invalid_argument("write_group_dataset needs a sub-group, got " + in_quotes(group_path));

  // Created level by level (not with H5Pset_create_intermediate_group) so every group gets
  // the creation-order properties.
  Group group;
  std::string group_name;
  for (const std::string_view part : parts) {
    require_valid_name(part, "group");
    group_name.append("/").append(part);
    const std::string location = "group " + in_quotes(group_name) + " in " + std::string(file_name);
    const hid_t parent = group.valid() ? group.id() : file;
    const std::string part_name(part);
    if (check(H5Lexists(parent, part_name.c_str(), H5P_DEFAULT), "look up", location) > 0) {
      group = Group(check(H5Gopen2(parent, part_name.c_str(), H5P_DEFAULT), "open", location));
    } else {
      const PropList properties = group_creation_list(location);
      group = Group(check(H5Gcreate2(parent, part_name.c_str(), H5P_DEFAULT, properties.id(), H5P_DEFAULT), "create",
                          location));
    }
  }
  const std::string location =
      "dataset " + in_quotes(group_name + "/" + std::string(name)) + " in " + std::string(file_name);
  const std::string dataset_name(name);
  if (check(H5Lexists(group.id(), dataset_name.c_str(), H5P_DEFAULT), "look up", location) > 0)
    throw std::invalid_argument(location + " already exists");
  Layout layout;
  layout.extents = {count};
  layout.type = type;
  Dataset dataset = create_dataset(group.id(), name, layout, deflate_level, location);
  if (count > 0) check(H5Dwrite(dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), "write", location);
  dataset.close(location);
  group.close("group " + in_quotes(group_name) + " in " + std::string(file_name));
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

}  // namespace pzsim::h5::internal
