#pragma once
// The few lines `pzsim run` prints about a finished run: exports and employment, national.
#include <string>

#include "sim/run/run.hpp"

namespace pzsim {

std::string run_summary_text(const Scenario& scenario, const std::string& path, const RunResult& result);

}  // namespace pzsim
