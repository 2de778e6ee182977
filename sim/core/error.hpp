#pragma once
// Error types that decide the process exit code: InputError -> 2 (the user can fix it),
// anything else -> 1 (an internal or environmental failure).
#include <stdexcept>
#include <string>

namespace pzsim {

// Bad user input: a scenario, an override, a command-line value. Exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Failure writing or reading results (disk full, unwritable folder). Exit code 1.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace pzsim
