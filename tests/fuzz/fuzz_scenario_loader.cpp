// libFuzzer target: the scenario loader on arbitrary bytes (YAML tree, schema parse,
// validation, resolution). Refusing input is fine; crashing, hanging or throwing anything but
// InputError is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  pzsim::fuzz::expect_input_error_only([&] { pzsim::load_scenario_text(text, "fuzz.yaml"); });
  return 0;
}
