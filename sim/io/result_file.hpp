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

// "1.5 MiB (1572864 bytes)": sizes in messages, precise enough to compare two of them.
std::string describe_size(std::uintmax_t bytes);

// Rough bytes the output file of a run will take (for the up-front disk check).
std::uintmax_t estimate_output_bytes(const World& world);

// UTC now as ISO 8601.
std::string utc_now_iso8601();

}  // namespace pzsim
