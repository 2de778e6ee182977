#pragma once
// The run's output file: netCDF-4-compatible HDF5, streamed month by month, written under
// a temporary name beside the final one and renamed only when complete, so a failed or
// interrupted run never leaves a half-written file under the final name.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/io/h5.hpp"
#include "sim/model/outputs.hpp"
#include "sim/model/state.hpp"

namespace pzsim {

struct RunMetadata {
  std::string scenario_yaml;  // fully resolved scenario
  std::string scenario_path;  // as the user named it
  std::uint64_t seed = 0;
  std::string role;           // "policy", "counterfactual", "leave_out" or empty
  std::vector<std::string> overrides;  // --set overrides applied to the scenario file, in order
  std::vector<std::pair<std::string, std::string>> attributes{};  // extra root string attributes (sweeps)
};

// The run file's layout besides output_catalog(), declared once: the writer defines the file
// from these lists and docs/outputs.md (pzsim outputs --markdown) documents them.
struct DimensionDoc {
  std::string name;
  std::string long_name;  // the coordinate variable's long_name
  std::string size;       // how long it is (docs)
  std::string values;     // what its coordinate holds (docs)
};
const std::vector<DimensionDoc>& dimension_catalog();
const std::string& dimension_long_name(const std::string& name);

// An auxiliary coordinate (a string, or a uint8 flag with CF flag_meanings).
struct CoordinateVariable {
  std::string name;
  std::string dim;
  std::string long_name;
  std::string meaning;                     // docs
  std::vector<std::string> flag_meanings;  // flags: meaning of 0, 1; empty for strings
};
const std::vector<CoordinateVariable>& coordinate_catalog();

// A root attribute of the run file.
struct RootAttribute {
  std::string name;   // "sweep_point, override_<key>" for the sweep-only pair
  std::string type;   // as stored: string, float64, int64, uint64
  std::string meaning;
  bool always = true;  // false: only in some files (pzsim sweep's)
};
const std::vector<RootAttribute>& root_attribute_catalog();

class ResultFile {
 public:
  // Refuses an existing final file unless `force` (InputError); an unwritable folder is an
  // IoError. Defines every dimension and variable of output_catalog().
  ResultFile(std::filesystem::path final_path, bool force, const World& world, const RunMetadata& metadata);
  ResultFile(const ResultFile&) = delete;
  ResultFile& operator=(const ResultFile&) = delete;
  ~ResultFile();  // removes the temporary file unless committed

  void append_month(const World& world, const State& state, const MonthOutputs& out);
  // Records the wall time and the completion marker (root attribute complete = 1), closes
  // and renames to the final name (finish, then publish).
  void commit(double wall_seconds);
  // The two halves of commit, for callers that publish several files together only once
  // all are complete (compare -o: every run's file or none). finish records the wall time
  // and closes the file under its temporary name; publish renames it to the final name.
  void finish(double wall_seconds);
  void publish();

  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  void write_snapshot(const World& world, const State& state);

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  bool force_ = false;
  std::optional<h5::NcWriter> writer_;
  int snapshot_every_ = 0;
  bool finished_ = false;
  bool committed_ = false;
};

// Checks before any work starts that a result file may be written at `path`: InputError if
// it exists without `force`, if it exists and is not a regular file (a device, FIFO, socket
// or directory: --force only ever replaces regular files, so `-o /dev/null --force` cannot
// replace /dev/null), or if it is one of `inputs` (the scenario file the run reads).
void check_output_target(const std::filesystem::path& path, bool force, const std::vector<std::filesystem::path>& inputs = {});

// The temporary name a file is written under before it is renamed to `final_path`: in the
// same folder, "<name>.tmp-<pid>", shortened (with a hash of the full name, so shortened
// names stay distinct) when that would pass the 255-byte limit on a file name.
std::filesystem::path temporary_path_for(const std::filesystem::path& final_path);
// Writes text to path under temporary_path_for(path) and renames it into place, so a reader
// never sees half a file. IoError naming the file when either step fails (the temporary file
// is removed).
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

// "1.5 MiB (1572864 bytes)": sizes in messages, precise enough to compare two of them.
std::string describe_size(std::uintmax_t bytes);

// Rough bytes the output file of a run will take (for the up-front disk check).
std::uintmax_t estimate_output_bytes(const World& world);

// Days from 1970-01-01 to the first day of a month (proleptic Gregorian): the `time`
// coordinate and its bounds (units "days since 1970-01-01", which xarray decodes to datetime64).
double days_since_epoch(Month month);

// UTC now as ISO 8601.
std::string utc_now_iso8601();

}  // namespace pzsim
