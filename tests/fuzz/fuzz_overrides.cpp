// libFuzzer target: --set overrides. Each input line is one "key.path=value" assignment laid
// over a small valid scenario (and the built-in defaults), as `pzsim run --set` does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string kBase =
      "run: {start: 2015-01, months: 24}\ncities:\n  list:\n    - {name: Hangzhou, province: Zhejiang, region: east, coastal: true}\n"
      "  synthetic: {count: 3}\nzones: {selection: list, list: [{city: Hangzhou, approval: 2015-06}]}\n";
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  std::size_t start = 0;
  while (start <= text.size() && overrides.size() < 16) {
    const std::size_t end = text.find('\n', start);
    overrides.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  pzsim::fuzz::expect_input_error_only([&] { pzsim::load_scenario_text(kBase, "base.yaml", overrides); });
  return 0;
}
