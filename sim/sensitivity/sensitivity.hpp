#pragma once
// `pzsim sensitivity DIR --output VAR`: Sobol indices of a Saltelli sweep. Reads only
// DIR/sweep.h5 (contract 5: a `point` dimension in blocks A, B, AB_1..AB_k, root attributes
// design = "saltelli", saltelli_base_samples = N, factors = comma-separated keys), reduces each
// collected series over a window of years to one number per point and seed, averages the
// seeds (the replications estimate each point's expected output) and estimates the indices
// with sim/sensitivity/sobol_indices.hpp.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/sensitivity/sobol_indices.hpp"

namespace pzsim::sensitivity {

enum class Reduce { sum, mean, end };  // over the window: total, monthly mean, last month
enum class Format { table, csv, json };

struct YearWindow {
  int first = 0, last = 0;  // calendar years, inclusive
};

// "2016-2020" or "2016"; InputError otherwise.
YearWindow parse_year_window(const std::string& text);

// One collected variable of a Saltelli sweep, reduced to one value per point for each cell
// of the variable's extra dimensions (those after point, seed, time; e.g. aggregate).
struct SaltelliOutputs {
  std::string variable;
  std::string units;
  std::size_t base_samples = 0;         // N
  std::vector<std::string> factors;     // k keys, column order
  std::size_t seeds = 0;                // replications averaged per point
  YearWindow window;                    // years actually covered
  std::size_t months = 0;               // time steps in the window
  std::vector<std::string> labels;      // one per cell, e.g. "aggregate=zone"; {""} without extra dims
  std::vector<std::vector<double>> values;  // [cell][point], N(k+2) each; NaN where a run is missing
};

// Reads `variable` from a sweep.h5. InputError when the file is not a Saltelli sweep in the
// contract-5 layout (attributes, dimension sizes, AB_i blocks not A with column i from B),
// the variable is absent or has no point/seed/time dimensions, or the window is empty.
SaltelliOutputs read_saltelli_outputs(const std::filesystem::path& sweep_h5, const std::string& variable,
                                      const std::optional<YearWindow>& window, Reduce reduce);

struct SensitivityRow {
  std::string output;        // variable
  std::string cell;          // label of the extra-dimension cell ("" if none)
  std::string factor;
  FactorIndices indices;
};

struct SensitivityReport {
  std::filesystem::path dir;
  std::size_t base_samples = 0;   // N in the design
  std::size_t rows_used = 0;      // base rows with every run present (the smallest over outputs)
  std::size_t seeds = 0;
  YearWindow window;
  std::size_t months = 0;
  Reduce reduce = Reduce::mean;
  int resamples = 0;
  double level = 0.0;
  std::vector<std::string> factors;
  std::vector<SensitivityRow> rows;
};

struct SensitivityOptions {
  std::filesystem::path dir;           // the sweep folder
  std::vector<std::string> outputs;    // collected variables
  std::optional<YearWindow> window;    // default: every month in the file
  Reduce reduce = Reduce::mean;
  BootstrapSettings bootstrap;
};

// Indices for each output and cell. A base row j is left out when any of its k+2 runs is
// missing (NaN in sweep.h5, e.g. a failed run); InputError if fewer than 2 rows remain.
SensitivityReport run_sensitivity(const SensitivityOptions& options);

std::string format_report(const SensitivityReport& report, Format format);

}  // namespace pzsim::sensitivity
