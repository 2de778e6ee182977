#pragma once
// `pzsim outputs`: the run file's data dictionary from the output catalog (sim/model/outputs.cpp)
// and the file layout (sim/io/result_layout.cpp). docs/outputs.md is exactly outputs_markdown();
// tests/io/test_outputs_doc.cpp compares the two word for word.
#include <string>

namespace pzsim {

// The whole of docs/outputs.md.
std::string outputs_markdown();
// One line per variable, tab-separated: name, dims, type, units, currency, kind, long_name.
std::string outputs_table();

}  // namespace pzsim
