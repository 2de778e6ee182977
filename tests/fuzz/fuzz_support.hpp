#pragma once
// Shared by the libFuzzer targets: what counts as a finding. InputError (a refused scenario)
// and RunCancelled are the expected outcomes of hostile input; any other exception, a crash
// or a sanitizer report is a finding, and abort() makes libFuzzer keep the input.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "sim/core/error.hpp"

namespace pzsim::fuzz {

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "pzsim fuzz finding: %s\n", what.c_str());
  std::abort();
}

// Calls action; returns true if it completed, false on InputError; aborts on anything else.
template <class Action>
bool expect_input_error_only(Action&& action) {
  try {
    action();
    return true;
  } catch (const InputError&) {
    return false;
  } catch (const std::exception& error) {
    finding(std::string("unexpected exception: ") + error.what());
  } catch (...) {
    finding("unexpected non-standard exception");
  }
}

}  // namespace pzsim::fuzz
