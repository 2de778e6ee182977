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
  // and renames to the final name.
  void commit(double wall_seconds);

  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  void write_snapshot(const World& world, const State& state);

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  bool force_ = false;
  std::optional<h5::NcWriter> writer_;
  int snapshot_every_ = 0;
  bool committed_ = false;
};

// Rough bytes the output file of a run will take (for the up-front disk check).
std::uintmax_t estimate_output_bytes(const World& world);

// UTC now as ISO 8601.
std::string utc_now_iso8601();

}  // namespace pzsim
