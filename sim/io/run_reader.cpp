#include "sim/io/run_reader.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "sim/core/error.hpp"

namespace pzsim {

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

std::size_t RunArray::axis(const std::string& dim) const {
  const auto it = std::find(dims.begin(), dims.end(), dim);
  if (it == dims.end()) {
    std::string listed;
    for (const auto& d : dims) listed += (listed.empty() ? "" : ", ") + d;
    throw InputError("the variable has no dimension " + quoted(dim) + " (its dimensions: " + listed + ")");
  }
  return static_cast<std::size_t>(it - dims.begin());
}

RunFile::RunFile(const std::filesystem::path& path) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) throw InputError("result file " + path_.string() + " does not exist");
  if (!std::filesystem::is_regular_file(path_, ec))
    throw InputError("result file " + path_.string() + " is not a regular file");
  {
    const htri_t is_hdf5 = H5Fis_hdf5(path_.c_str());
    if (is_hdf5 <= 0) {
      H5Eclear2(H5E_DEFAULT);
      throw InputError(path_.string() + " is not a pzsim result file (not an HDF5 file)");
    }
  }
  file_ = h5::open_file(path_);
  if (!h5::has_attribute(file_.id(), "pzsim_version") || !h5::has_link(file_.id(), "time"))
    throw InputError(path_.string() + " is not a pzsim result file (no pzsim_version attribute or no time dimension)");
}

bool RunFile::has_variable(const std::string& variable) const {
  return !variable.empty() && variable.find('/') == std::string::npos && h5::has_link(file_.id(), variable);
}

RunArray RunFile::read(const std::string& variable) const {
  if (!has_variable(variable))
    throw InputError("result file " + path_.string() + " has no variable " + quoted(variable));
  const h5::Dataset dataset = h5::open_dataset(file_.id(), variable);
  if (h5::is_string_dataset(dataset.id()))
    throw InputError("variable " + quoted(variable) + " of " + path_.string() +
                     " holds strings, not numbers (read it with coordinate())");
  RunArray array;
  for (const hsize_t extent : h5::shape_of(dataset.id())) array.shape.push_back(static_cast<std::size_t>(extent));
  array.dims = h5::dimension_names(dataset.id());
  array.values = h5::read_dataset<double>(dataset.id());
  const auto text = [&](const char* name) {
    return h5::has_attribute(dataset.id(), name) ? h5::read_attribute<std::string>(dataset.id(), name) : std::string();
  };
  array.units = h5::has_attribute(dataset.id(), "units") ? text("units") : "1";
  // CF files say `currency`; files written before the CF attributes had the currency as units.
  array.currency = text("currency");
  if (array.currency.empty() && (array.units == "USD" || array.units == "CNY")) array.currency = array.units;
  // CF: cell_methods "time: sum"; before the CF attributes, `flow: monthly`.
  array.monthly_flow = text("cell_methods").starts_with("time: sum") || text("flow") == "monthly";
  return array;
}

std::vector<std::string> RunFile::coordinate(const std::string& dim) const {
  const std::string name = dim == "time" ? "month" : dim;
  if (!has_variable(name))
    throw InputError("result file " + path_.string() + " has no coordinate " + quoted(dim));
  const h5::Dataset dataset = h5::open_dataset(file_.id(), name);
  if (!h5::is_string_dataset(dataset.id()))
    throw InputError("coordinate " + quoted(dim) + " of " + path_.string() +
                     " is numeric, not labels (read it with numeric_coordinate())");
  return h5::read_dataset<std::string>(dataset.id());
}

std::vector<double> RunFile::numeric_coordinate(const std::string& name) const {
  if (!has_variable(name))
    throw InputError("result file " + path_.string() + " has no coordinate " + quoted(name));
  const h5::Dataset dataset = h5::open_dataset(file_.id(), name);
  if (h5::is_string_dataset(dataset.id()))
    throw InputError("coordinate " + quoted(name) + " of " + path_.string() +
                     " holds labels, not numbers (read it with coordinate())");
  return h5::read_dataset<double>(dataset.id());
}

std::vector<std::string> RunFile::snapshot_months() const {
  if (!h5::has_link(file_.id(), "snapshots")) return {};
  const h5::Group group = h5::open_group(file_.id(), "snapshots");
  return h5::child_names(group.id());
}

std::vector<double> RunFile::snapshot(const std::string& month, const std::string& dataset) const {
  const auto months = snapshot_months();
  if (std::find(months.begin(), months.end(), month) == months.end())
    throw InputError("result file " + path_.string() + " has no snapshot of " + month +
                     (months.empty() ? std::string(" (it has no snapshots: run with outputs.snapshot_every > 0)")
                                     : " (snapshots: " + months.front() + " to " + months.back() + ")"));
  const h5::Group group = h5::open_group(file_.id(), "snapshots/" + month);
  const auto slash = dataset.find('/');
  const bool present = slash == std::string::npos
                           ? h5::has_link(group.id(), dataset)
                           : h5::has_link(group.id(), dataset.substr(0, slash)) &&
                                 h5::has_link(h5::open_group(group.id(), dataset.substr(0, slash)).id(), dataset.substr(slash + 1));
  if (!present)
    throw InputError("result file " + path_.string() + " has no snapshot dataset " + quoted(dataset) + " in " + month);
  return h5::read_dataset<double>(h5::open_dataset(group.id(), dataset).id());
}

bool RunFile::has_attribute(const std::string& name) const { return h5::has_attribute(file_.id(), name); }

std::string RunFile::attribute(const std::string& name) const {
  if (!has_attribute(name))
    throw InputError("result file " + path_.string() + " has no root attribute " + quoted(name));
  if (h5::is_string_attribute(file_.id(), name)) return h5::read_attribute<std::string>(file_.id(), name);
  const double value = h5::read_attribute<double>(file_.id(), name);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

std::uint64_t RunFile::seed() const {
  if (!has_attribute("seed")) throw InputError("result file " + path_.string() + " has no root attribute 'seed'");
  return h5::read_attribute<std::uint64_t>(file_.id(), "seed");
}

double RunFile::sample_fraction() const {
  if (!has_attribute("sample_fraction"))
    throw InputError("result file " + path_.string() + " has no root attribute 'sample_fraction'");
  return h5::read_attribute<double>(file_.id(), "sample_fraction");
}

std::string RunFile::role() const { return has_attribute("role") ? attribute("role") : std::string("run"); }

}  // namespace pzsim
