// Reading HDF5 files: open, inspect and read datasets and attributes (see h5_read.hpp).
#include "sim/io/h5_read.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <type_traits>

#include "sim/io/h5_internal.hpp"

namespace pzsim::h5 {
using namespace internal;

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

}  // namespace pzsim::h5
