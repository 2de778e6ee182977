#pragma once
// `pzsim report`: one self-contained HTML report of a `pzsim compare -o DIR` folder. The
// plotting is Python (analysis/report.py, matplotlib); this runs it with Debian's python3.
#include <atomic>
#include <filesystem>

namespace pzsim {

struct ReportRequest {
  std::filesystem::path comparison_dir;    // output folder of `pzsim compare -o DIR`
  std::filesystem::path output;            // HTML file to write; empty: DIR/report.html
  bool force = false;                      // overwrite an existing output file
};

// analysis/report.py of the source tree pzsim was built from, or of $PZSIM_ANALYSIS_DIR when
// set (an installed or moved copy). IoError if the script is not there.
std::filesystem::path report_script();

// Runs the report script (telling it this executable, for `pzsim did DIR`) and returns its exit code mapped to pzsim's: 0 written, 2 bad input
// (missing folder or comparison.json, existing output), 1 anything else. When `interrupted`
// becomes true the script is asked to stop (SIGTERM; it removes its temporary file) and
// RunCancelled is thrown.
int write_report(const ReportRequest& request, const std::atomic<bool>* interrupted);

}  // namespace pzsim
