#pragma once
// The record of a calibration's evaluations, and what makes it resumable. DIR/trace.csv has one
// row per evaluation (phase, parameters, each moment's mean over seeds, objective, seconds);
// DIR/trace_seeds.csv one row per evaluation and seed (each moment's value). Rows are appended
// and flushed as each evaluation completes. On resume the complete evaluations are read back
// and replayed by the point they were made at, so a deterministic search asks for the same
// points and gets the same values without running them again.
#include <cstdio>
#include <filesystem>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/calibrate/calibration.hpp"
#include "sim/calibrate/evaluate.hpp"

namespace pzsim::calibrate {

struct TraceRow {
  int evaluation = 0;
  std::string phase;                      // base, start, global, local, jacobian
  std::optional<std::vector<double>> x;   // nullopt: the base scenario unchanged
  MomentValues values;
};

class Trace {
 public:
  // Opens DIR's trace files: read back (keeping complete evaluations only) when `resume`,
  // else created empty. IoError when they cannot be written; InputError when a trace to
  // resume does not have this calibration's columns.
  Trace(const Calibration& cal, const std::filesystem::path& dir, bool resume);
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // The recorded values at x, if an earlier evaluation was made there.
  const TraceRow* find(const std::optional<std::vector<double>>& x) const;
  // Records a new evaluation (numbered in order) and flushes it to disk.
  const TraceRow& append(const std::string& phase, const std::optional<std::vector<double>>& x, MomentValues values);
  std::size_t size() const { return rows_.size(); }
  const std::deque<TraceRow>& rows() const { return rows_; }

  static std::string key(const std::optional<std::vector<double>>& x);

 private:
  const Calibration& cal_;
  std::filesystem::path trace_path_, seeds_path_;
  std::deque<TraceRow> rows_;  // a deque: find() pointers stay valid as rows are added
  std::map<std::string, std::size_t> by_key_;
  std::FILE* trace_ = nullptr;
  std::FILE* seeds_ = nullptr;
};

}  // namespace pzsim::calibrate
