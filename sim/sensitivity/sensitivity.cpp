#include "sim/sensitivity/sensitivity.hpp"

#include <hdf5.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <regex>
#include <stdexcept>

#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"

namespace pzsim::sensitivity {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::vector<std::string> split_factors(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string key = text.substr(start, comma - start);
    key.erase(0, key.find_first_not_of(' '));
    key.erase(key.find_last_not_of(' ') + 1);
    if (!key.empty()) out.push_back(key);
    start = comma + 1;
  }
  return out;
}

// Calendar year of each time step: from "YYYY-MM" labels, or from numbers with units
// "days since YYYY-MM-DD" (how pzsim result files and sweep.h5 store time).
std::vector<int> years_of_time(hid_t file, const std::string& where) {
  if (!h5::has_link(file, "time")) throw InputError(where + " has no time coordinate");
  const h5::Dataset time = h5::open_dataset(file, "time");
  std::vector<int> years;
  if (h5::is_string_dataset(time.id())) {
    for (const std::string& label : h5::read_dataset<std::string>(time.id())) years.push_back(std::stoi(label.substr(0, 4)));
    return years;
  }
  const std::string units = h5::has_attribute(time.id(), "units") ? h5::read_attribute<std::string>(time.id(), "units") : "";
  std::smatch m;
  static const std::regex days_since(R"(days since (\d{4})-(\d{1,2})-(\d{1,2}).*)");
  if (!std::regex_match(units, m, days_since))
    throw InputError(where + ": time units " + quoted(units) + " are not 'days since YYYY-MM-DD'");
  using namespace std::chrono;
  const sys_days origin{year{std::stoi(m[1])} / month{static_cast<unsigned>(std::stoi(m[2]))} /
                        day{static_cast<unsigned>(std::stoi(m[3]))}};
  for (double d : h5::read_dataset<double>(time.id())) {
    const year_month_day date{origin + days{static_cast<long>(std::floor(d))}};
    years.push_back(static_cast<int>(date.year()));
  }
  return years;
}

// The factor columns of the design must be blocks A, B, AB_1..AB_k with AB_i = A except
// column i from B; anything else means the points are not in contract-5 order.
void check_saltelli_blocks(hid_t file, const std::string& where, const std::vector<std::string>& factors, std::size_t n) {
  const std::size_t k = factors.size();
  std::vector<std::vector<double>> columns;
  for (const std::string& factor : factors) {
    if (!h5::has_link(file, factor)) throw InputError(where + " has no coordinate variable for factor " + quoted(factor));
    const h5::Dataset ds = h5::open_dataset(file, factor);
    if (h5::is_string_dataset(ds.id())) throw InputError(where + ": factor " + quoted(factor) + " holds strings, not numbers");
    columns.push_back(h5::read_dataset<double>(ds.id()));
    if (columns.back().size() != n * (k + 2))
      throw InputError(where + ": factor " + quoted(factor) + " has " + std::to_string(columns.back().size()) +
                       " values, the point dimension needs " + std::to_string(n * (k + 2)));
  }
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t c = 0; c < k; ++c) {
        const double expected = columns[c][(c == i ? n : 0) + j];
        if (columns[c][(2 + i) * n + j] != expected)
          throw InputError(where + ": point " + std::to_string((2 + i) * n + j) + " (row " + std::to_string(j) + " of block AB_" +
                           std::to_string(i + 1) + ") has " + factors[c] + " = " + std::to_string(columns[c][(2 + i) * n + j]) +
                           ", but a Saltelli design takes it from block " + (c == i ? "B" : "A") + " (" +
                           std::to_string(expected) + ")");
      }
}

double reduce_window(const std::vector<double>& values, std::size_t base, std::size_t time_stride,
                     const std::vector<std::size_t>& steps, Reduce reduce) {
  if (reduce == Reduce::end) return values[base + steps.back() * time_stride];
  double sum = 0.0;
  for (std::size_t t : steps) sum += values[base + t * time_stride];
  return reduce == Reduce::sum ? sum : sum / static_cast<double>(steps.size());
}

const char* reduce_name(Reduce r) { return r == Reduce::sum ? "sum" : r == Reduce::end ? "end" : "mean"; }

std::string number(double x, const char* format = "%.3f") {
  if (!std::isfinite(x)) return "n/a";
  char buf[40];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

}  // namespace

YearWindow parse_year_window(const std::string& text) {
  static const std::regex pattern(R"((\d{4})(?:-(\d{4}))?)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern))
    throw InputError("window " + quoted(text) + " is not YEAR or FIRST-LAST (e.g. 2016-2020)");
  YearWindow w{std::stoi(m[1]), m[2].matched ? std::stoi(m[2]) : std::stoi(m[1])};
  if (w.last < w.first) throw InputError("window " + quoted(text) + " ends before it starts");
  return w;
}

SaltelliOutputs read_saltelli_outputs(const std::filesystem::path& sweep_h5, const std::string& variable,
                                      const std::optional<YearWindow>& window, Reduce reduce) {
  const std::string where = sweep_h5.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sweep_h5, ec))
    throw InputError(where + " does not exist (run `pzsim collect` on the sweep folder to make it)");
  if (H5Fis_hdf5(sweep_h5.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError(where + " is not an HDF5 file");
  }
  const h5::File file = h5::open_file(sweep_h5);
  const hid_t root = file.id();
  auto require_attribute = [&](const char* name) {
    if (!h5::has_attribute(root, name)) throw InputError(where + " has no root attribute " + quoted(name) + " (not a pzsim sweep file)");
  };
  require_attribute("design");
  const std::string design = h5::read_attribute<std::string>(root, "design");
  if (design != "saltelli")
    throw InputError(where + " is a '" + design + "' sweep; Sobol indices need a saltelli design (design: saltelli in the sweep file)");
  require_attribute("saltelli_base_samples");
  require_attribute("factors");

  SaltelliOutputs out;
  out.variable = variable;
  const std::int64_t base = h5::read_attribute<std::int64_t>(root, "saltelli_base_samples");
  out.factors = split_factors(h5::read_attribute<std::string>(root, "factors"));
  if (base < 2 || out.factors.empty())
    throw InputError(where + ": a Saltelli design needs at least 2 base samples and 1 factor (saltelli_base_samples = " +
                     std::to_string(base) + ", factors = " + std::to_string(out.factors.size()) + ")");
  out.base_samples = static_cast<std::size_t>(base);
  const std::size_t points = saltelli_size(out.base_samples, out.factors.size());

  if (variable.empty() || variable.find('/') != std::string::npos || !h5::has_link(root, variable)) {
    std::string listed;
    for (const std::string& name : h5::child_names(root)) {
      const h5::Dataset ds = h5::open_dataset(root, name);
      const auto dims = h5::dimension_names(ds.id());
      if (std::find(dims.begin(), dims.end(), "time") != dims.end() && std::find(dims.begin(), dims.end(), "point") != dims.end())
        listed += (listed.empty() ? "" : ", ") + name;
    }
    throw InputError(where + " has no collected variable " + quoted(variable) + " (collected: " + (listed.empty() ? "none" : listed) + ")");
  }
  const h5::Dataset dataset = h5::open_dataset(root, variable);
  if (h5::is_string_dataset(dataset.id())) throw InputError("variable " + quoted(variable) + " of " + where + " holds strings");
  const std::vector<std::string> dims = h5::dimension_names(dataset.id());
  std::vector<std::size_t> shape;
  for (hsize_t extent : h5::shape_of(dataset.id())) shape.push_back(static_cast<std::size_t>(extent));
  auto axis = [&](const std::string& name) {
    const auto it = std::find(dims.begin(), dims.end(), name);
    if (it == dims.end())
      throw InputError("variable " + quoted(variable) + " of " + where + " has no " + quoted(name) +
                       " dimension; a collected variable has dimensions (point, seed, time[, ...])");
    return static_cast<std::size_t>(it - dims.begin());
  };
  const std::size_t point_axis = axis("point"), seed_axis = axis("seed"), time_axis = axis("time");
  if (shape[point_axis] != points)
    throw InputError(where + ": the point dimension has " + std::to_string(shape[point_axis]) + " points, a Saltelli design of " +
                     std::to_string(out.base_samples) + " base samples and " + std::to_string(out.factors.size()) +
                     " factors has " + std::to_string(points));
  check_saltelli_blocks(root, where, out.factors, out.base_samples);
  // Money: its currency (CF units are "1" with a `currency` attribute); otherwise the units.
  out.units = h5::has_attribute(dataset.id(), "currency") ? h5::read_attribute<std::string>(dataset.id(), "currency")
              : h5::has_attribute(dataset.id(), "units")  ? h5::read_attribute<std::string>(dataset.id(), "units")
                                                          : "1";

  const std::vector<int> years = years_of_time(root, where);
  if (years.size() != shape[time_axis])
    throw InputError(where + ": the time coordinate has " + std::to_string(years.size()) + " steps, " + quoted(variable) + " has " +
                     std::to_string(shape[time_axis]));
  std::vector<std::size_t> steps;
  for (std::size_t t = 0; t < years.size(); ++t)
    if (!window || (years[t] >= window->first && years[t] <= window->last)) steps.push_back(t);
  if (steps.empty())
    throw InputError(window ? "the window " + std::to_string(window->first) + "-" + std::to_string(window->last) + " holds no month of " +
                                  where + " (it covers " + std::to_string(years.front()) + "-" + std::to_string(years.back()) + ")"
                            : where + " has no time steps");
  out.window = {years[steps.front()], years[steps.back()]};
  out.months = steps.size();
  out.seeds = shape[seed_axis];
  if (out.seeds == 0) throw InputError(where + " has no seeds");

  // Row-major strides; every axis other than point, seed and time is an extra cell axis.
  std::vector<std::size_t> stride(shape.size(), 1);
  for (std::size_t a = shape.size(); a-- > 1;) stride[a - 1] = stride[a] * shape[a];
  std::vector<std::size_t> extra;
  for (std::size_t a = 0; a < shape.size(); ++a)
    if (a != point_axis && a != seed_axis && a != time_axis) extra.push_back(a);
  std::size_t cells = 1;
  for (std::size_t a : extra) cells *= shape[a];
  std::vector<std::vector<std::string>> extra_labels;
  for (std::size_t a : extra) {
    std::vector<std::string> labels;
    if (!dims[a].empty() && h5::has_link(root, dims[a])) {
      const h5::Dataset coordinate = h5::open_dataset(root, dims[a]);
      if (h5::is_string_dataset(coordinate.id())) labels = h5::read_dataset<std::string>(coordinate.id());
      else
        for (double v : h5::read_dataset<double>(coordinate.id())) labels.push_back(number(v, "%g"));
    }
    if (labels.size() != shape[a]) {
      labels.clear();
      for (std::size_t i = 0; i < shape[a]; ++i) labels.push_back(std::to_string(i));
    }
    extra_labels.push_back(std::move(labels));
  }

  const std::vector<double> values = h5::read_dataset<double>(dataset.id());
  out.labels.resize(cells);
  out.values.assign(cells, std::vector<double>(points, kNaN));
  for (std::size_t cell = 0; cell < cells; ++cell) {
    std::size_t offset = 0, rest = cell;
    std::string label;
    for (std::size_t e = extra.size(); e-- > 0;) {
      const std::size_t a = extra[e], index = rest % shape[a];
      rest /= shape[a];
      offset += index * stride[a];
      label = dims[a] + "=" + extra_labels[e][index] + (label.empty() ? "" : ",") + label;
    }
    out.labels[cell] = label;
    for (std::size_t p = 0; p < points; ++p) {
      double sum = 0.0;
      for (std::size_t s = 0; s < out.seeds; ++s)
        sum += reduce_window(values, offset + p * stride[point_axis] + s * stride[seed_axis], stride[time_axis], steps, reduce);
      out.values[cell][p] = sum / static_cast<double>(out.seeds);  // NaN if any seed's run is missing
    }
  }
  return out;
}

SensitivityReport run_sensitivity(const SensitivityOptions& options) {
  if (options.outputs.empty()) throw InputError("name at least one collected variable with --output");
  SensitivityReport report;
  report.dir = options.dir;
  report.reduce = options.reduce;
  report.resamples = options.bootstrap.resamples;
  report.level = options.bootstrap.level;
  const std::filesystem::path file = options.dir / "sweep.h5";
  bool first = true;
  for (const std::string& output : options.outputs) {
    const SaltelliOutputs data = read_saltelli_outputs(file, output, options.window, options.reduce);
    const std::size_t n = data.base_samples, k = data.factors.size();
    if (first) {
      report.base_samples = n;
      report.rows_used = n;
      report.factors = data.factors;
      report.seeds = data.seeds;
      report.window = data.window;
      report.months = data.months;
      first = false;
    }
    for (std::size_t cell = 0; cell < data.values.size(); ++cell) {
      const std::vector<double>& y = data.values[cell];
      // Keep the base rows whose k+2 runs are all present, in their order.
      std::vector<std::size_t> rows;
      for (std::size_t j = 0; j < n; ++j) {
        bool complete = true;
        for (std::size_t block = 0; block < k + 2; ++block) complete = complete && std::isfinite(y[block * n + j]);
        if (complete) rows.push_back(j);
      }
      const std::string what = quoted(output) + (data.labels[cell].empty() ? "" : " (" + data.labels[cell] + ")");
      if (rows.size() < 2)
        throw InputError(what + ": only " + std::to_string(rows.size()) + " of " + std::to_string(n) +
                         " base rows have all their runs; Sobol indices need at least 2");
      report.rows_used = std::min(report.rows_used, rows.size());
      std::vector<double> compact(saltelli_size(rows.size(), k));
      for (std::size_t block = 0; block < k + 2; ++block)
        for (std::size_t r = 0; r < rows.size(); ++r) compact[block * rows.size() + r] = y[block * n + rows[r]];
      SobolIndices indices;
      try {
        indices = sobol_indices(compact, rows.size(), k, options.bootstrap);
      } catch (const std::invalid_argument& e) {
        throw InputError(what + ": " + std::string(e.what()).substr(std::string("sobol_indices: ").size()));
      }
      for (std::size_t i = 0; i < k; ++i) report.rows.push_back({output, data.labels[cell], data.factors[i], indices.factors[i]});
    }
  }
  return report;
}

std::string format_report(const SensitivityReport& r, Format format) {
  std::string out;
  if (format == Format::csv) {
    out = "output,cell,factor,first_order,first_order_lo,first_order_hi,total,total_lo,total_hi\n";
    for (const SensitivityRow& row : r.rows) {
      const FactorIndices& x = row.indices;
      out += row.output + "," + row.cell + "," + row.factor;
      for (const IndexEstimate* e : {&x.first_order, &x.total})
        for (double v : {e->value, e->lo, e->hi}) out += "," + number(v, "%.17g");
      out += "\n";
    }
    return out;
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "Sobol indices of %s: Saltelli design, %zu base samples (%zu used), %zu factors, %zu seeds averaged per point\n"
                "each run reduced to the %s over %d-%d (%zu months)\n"
                "first order: Saltelli (2010); total: Jansen (1999); %.0f%% bootstrap percentile intervals (%d resamples of the base rows)\n\n",
                r.dir.string().c_str(), r.base_samples, r.rows_used, r.factors.size(), r.seeds, reduce_name(r.reduce),
                r.window.first, r.window.last, r.months, r.level * 100.0, r.resamples);
  out += line;
  std::snprintf(line, sizeof line, "%-28s %-22s %-32s %7s %17s %7s %17s\n", "output", "cell", "factor", "S1", "interval", "ST",
                "interval");
  out += line;
  for (const SensitivityRow& row : r.rows) {
    const FactorIndices& x = row.indices;
    std::snprintf(line, sizeof line, "%-28s %-22s %-32s %7s %17s %7s %17s\n", row.output.c_str(),
                  row.cell.empty() ? "-" : row.cell.c_str(), row.factor.c_str(), number(x.first_order.value).c_str(),
                  ("[" + number(x.first_order.lo) + ", " + number(x.first_order.hi) + "]").c_str(), number(x.total.value).c_str(),
                  ("[" + number(x.total.lo) + ", " + number(x.total.hi) + "]").c_str());
    out += line;
  }
  return out;
}

}  // namespace pzsim::sensitivity
