#pragma once
// Reading pzsim result files (written by ResultFile) from C++: the estimators, compare and
// evidence read runs through this, not through raw HDF5. A file that is not a pzsim result
// file, or a variable it lacks, is the user's input error (InputError naming the path and
// the variable), since the user chose which files to read.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/io/h5.hpp"

namespace pzsim {

// One variable of a result file.
struct RunArray {
  std::vector<std::string> dims;     // e.g. {"time","city","sector","channel"}
  std::vector<std::size_t> shape;    // one extent per dim
  std::vector<double> values;        // row-major (last dim fastest), converted to double
  std::string units;                 // the variable's `units` attribute ("1" if it has none)
  std::string currency;              // money: "USD" or "CNY" (`currency`, or older files' units); else ""
  bool monthly_flow = false;         // `cell_methods: "time: sum"` (older files: `flow: monthly`): an
                                     // amount during the month (sum over time); otherwise a stock,
                                     // rate or monthly mean (never sum over time)

  std::size_t size() const { return values.size(); }
  // Position of a dimension in `dims`; InputError if the variable has no such dimension.
  std::size_t axis(const std::string& dim) const;
};

class RunFile {
 public:
  // Opens read-only. InputError naming the path if the file is missing, not HDF5, or not a
  // pzsim result file (no `pzsim_version` root attribute or no `time` dimension).
  explicit RunFile(const std::filesystem::path& path);

  // A variable, dims and shape as stored (time first for the monthly outputs). InputError
  // naming the variable and the path if absent.
  RunArray read(const std::string& variable) const;
  bool has_variable(const std::string& variable) const;
  // String labels of a dimension or string coordinate variable: coordinate("city") gives city
  // names, coordinate("time") the month labels "YYYY-MM" (the `month` variable), and auxiliary
  // string coordinates such as "province" or "macro_region" work too.
  std::vector<std::string> coordinate(const std::string& dim) const;
  // A numeric coordinate variable as double, e.g. "coastal" (per city) or "time" (days since 1970-01-01).
  std::vector<double> numeric_coordinate(const std::string& name) const;
  // Root attribute as a string (numbers are formatted); InputError naming it if absent.
  std::string attribute(const std::string& name) const;
  bool has_attribute(const std::string& name) const;

  // Snapshot groups (outputs.snapshot_every > 0): the months written, in file order, and one
  // dataset of one month, e.g. snapshot("2016-12", "consumers/aware"), as double.
  std::vector<std::string> snapshot_months() const;
  std::vector<double> snapshot(const std::string& month, const std::string& dataset) const;

  std::uint64_t seed() const;
  double sample_fraction() const;
  std::string role() const;  // "run", "policy", "counterfactual", "leave_out", ...
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  h5::File file_;
};

}  // namespace pzsim
