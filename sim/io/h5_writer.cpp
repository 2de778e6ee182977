// NcWriter: netCDF-4 style files through HDF5 (see h5_writer.hpp). The HDF5 calls that build
// datasets, attributes and groups (write_group_numbers' sub-groups) are in h5_layout.cpp.
#include "sim/io/h5_writer.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "sim/io/h5_internal.hpp"

namespace pzsim::h5 {
using namespace internal;

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
    write_number_attribute(dimension.scale.id(), "_Netcdf4Dimid", static_cast<std::int32_t>(dimensions.size()),
                           location);
    write_string_attribute(dimension.scale.id(), "long_name", long_name, location);
    if (!units.empty()) write_string_attribute(dimension.scale.id(), "units", units, location);
    dimensions.push_back(std::move(dimension));
    return dimensions.back();
  }

  void write_values(std::string_view name, Numbers values) {
    VariableInfo& target = variable(name);
    const std::string location = where("variable", name);
    if (target.time_varying) throw std::invalid_argument(location + " grows along the unlimited dimension: use append");
    if (target.type != values.type)
      throw std::invalid_argument(location + " is " + type_name(target.type) + ", not " + type_name(values.type));
    const std::size_t expected = product(target.slice_extents);
    if (values.count != expected)
      throw std::invalid_argument(location + " holds " + std::to_string(expected) + " values, got " +
                                  std::to_string(values.count));
    check(H5Dwrite(target.dataset.id(), values.memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data), "write",
          location);
  }

  void append_values(std::string_view name, Numbers values) {
    VariableInfo& target = variable(name);
    const std::string location = where("variable", name);
    if (!target.time_varying) throw std::invalid_argument(location + " has no unlimited dimension: use write");
    if (target.type != values.type)
      throw std::invalid_argument(location + " is " + type_name(target.type) + ", not " + type_name(values.type));
    const std::size_t expected = product(target.slice_extents);
    if (values.count != expected)
      throw std::invalid_argument(location + " takes " + std::to_string(expected) + " values per time slice, got " +
                                  std::to_string(values.count));
    append_slice(target.dataset, target.length, target.slice_extents, values.memory_type, values.data, location);
    ++target.length;
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

void NcWriter::set_number_attribute(std::string_view name, hid_t file_type, hid_t memory_type, const void* value) {
  State& state = open_state();
  const QuietErrors quiet;
  require_attribute_name(name);
  write_attribute(state.file.id(), name, file_type, memory_type, scalar_space(state.path_text), value, state.path_text);
}

void NcWriter::define_dimension(std::string_view name, const std::vector<std::string>& labels,
                                std::string_view long_name) {
  State& state = open_state();
  const QuietErrors quiet;
  if (labels.empty()) throw std::invalid_argument("dimension " + in_quotes(name) + " needs at least one label");
  Layout layout;
  layout.extents = {labels.size()};
  layout.type = ValueType::str;
  DimensionInfo& dimension = state.add_dimension(name, layout, "", long_name);
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

void NcWriter::define_dimension(std::string_view name, std::size_t length) {
  State& state = open_state();
  const QuietErrors quiet;
  state.require_new_name(name, "dimension");
  if (length == 0) throw std::invalid_argument("dimension " + in_quotes(name) + " needs a length of at least 1");
  const std::string location = state.where("dimension", name);
  Layout layout;
  layout.extents = {length};
  layout.type = ValueType::f64;
  DimensionInfo dimension;
  dimension.name = std::string(name);
  dimension.length = length;
  dimension.scale = create_dataset(state.file.id(), name, layout, state.deflate_level, location);
  // The NAME netCDF-4 gives a dimension without a variable: netCDF-C, h5netcdf and xarray
  // then show the dimension and hide the dataset (which holds no values).
  char scale_name[96];
  std::snprintf(scale_name, sizeof scale_name, "This is a netCDF dimension but not a netCDF variable.%10zu", length);
  check(H5DSset_scale(dimension.scale.id(), scale_name), "mark as dimension scale", location);
  write_number_attribute(dimension.scale.id(), "_Netcdf4Dimid", static_cast<std::int32_t>(state.dimensions.size()),
                         location);
  state.dimensions.push_back(std::move(dimension));
}

void NcWriter::set_variable_attribute(std::string_view variable, std::string_view name, std::string_view value) {
  State& state = open_state();
  const QuietErrors quiet;
  require_attribute_name(name);
  if (VariableInfo* target = state.find_variable(variable)) {
    write_string_attribute(target->dataset.id(), name, value, state.where("variable", variable));
  } else if (DimensionInfo* dimension = state.find_dimension(variable)) {
    write_string_attribute(dimension->scale.id(), name, value, state.where("dimension", variable));
  } else {
    throw std::invalid_argument("no variable " + in_quotes(variable) + " defined in " + state.path_text);
  }
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

  for (const auto& attribute : spec.attributes) {
    const std::string& name = attribute.first;
    require_attribute_name(name);
    if (name == "long_name" || name == "units" || name == "description" || name == "coordinates" || name == "flag_values")
      throw std::invalid_argument(location + ": attribute " + in_quotes(name) + " has its own VariableSpec member");
  }
  if (!spec.flag_values.empty() && spec.type == ValueType::str)
    throw std::invalid_argument(location + ": a string variable cannot have flag_values");

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
  if (!spec.units.empty()) write_string_attribute(dataset, "units", spec.units, location);
  if (!spec.description.empty()) write_string_attribute(dataset, "description", spec.description, location);
  if (!spec.coordinates.empty()) {
    std::string joined;
    for (const auto& coordinate : spec.coordinates) joined += (joined.empty() ? "" : " ") + coordinate;
    write_string_attribute(dataset, "coordinates", joined, location);
  }
  for (const auto& [name, value] : spec.attributes) write_string_attribute(dataset, name, value, location);
  if (!spec.flag_values.empty()) {
    const hsize_t count = spec.flag_values.size();
    const Dataspace space(check(H5Screate_simple(1, &count, nullptr), "make a dataspace for", location));
    // Stored in the variable's own type, as CF asks of flag_values.
    write_attribute(dataset, "flag_values", numeric_file_type(spec.type), H5T_NATIVE_INT64, space, spec.flag_values.data(),
                    location);
  }
  state.variables.push_back(std::move(variable));
}

void NcWriter::write_numbers(std::string_view name, Numbers values) {
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

void NcWriter::append_numbers(std::string_view name, Numbers values) {
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

void NcWriter::write_group_numbers(std::string_view group_path, std::string_view name, Numbers values) {
  State& state = open_state();
  const QuietErrors quiet;
  internal::write_group_dataset(state.file.id(), state.path_text, group_path, name, values.type, values.memory_type,
                                values.data, values.count, state.deflate_level);
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
