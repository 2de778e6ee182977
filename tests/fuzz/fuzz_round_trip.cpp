// libFuzzer target: the resolved-scenario round trip. Whatever loads must print (the text
// `validate --print` shows and every result file stores) to YAML that loads again to the
// same scenario: printing the reloaded one gives the same text. A refusal of the printed
// text, or a different text, is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  pzsim::LoadedScenario first;
  if (!pzsim::fuzz::expect_input_error_only([&] { first = pzsim::load_scenario_text(text, "fuzz.yaml"); })) return 0;
  pzsim::LoadedScenario second;
  try {
    second = pzsim::load_scenario_text(first.resolved_yaml, "resolved.yaml");
  } catch (const std::exception& error) {
    pzsim::fuzz::finding(std::string("the resolved scenario does not load again: ") + error.what());
  }
  if (second.resolved_yaml != first.resolved_yaml) pzsim::fuzz::finding("the resolved scenario prints differently after a reload");
  return 0;
}
