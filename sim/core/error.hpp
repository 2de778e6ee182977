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

// A resource limit was reached (--max-memory). Exit code 1.
class ResourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A non-finite number reached a model output (the run stops before writing it). Exit code 1.
class NumericError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when the caller's cancellation flag is set (SIGINT, SIGTERM, SIGHUP, SIGQUIT):
// between months of a run, and while a scenario loads. Exit code 1.
struct RunCancelled {};

// Failure writing or reading results (disk full, unwritable folder). Exit code 1.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace pzsim
