// Errors of sim/io's HDF5 code: HDF5's reason for a failure, quiet error printing, and the
// handles' close functions.
#include <string>
#include <vector>

#include "sim/io/h5_internal.hpp"

namespace pzsim::h5 {
namespace internal {

QuietErrors::QuietErrors() noexcept {
  H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}
QuietErrors::~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_); }

namespace {

herr_t collect_description(unsigned /*depth*/, const H5E_error2_t* error, void* descriptions) {
  if (error->desc != nullptr && error->desc[0] != '\0')
    static_cast<std::vector<std::string>*>(descriptions)->emplace_back(error->desc);
  return 0;
}
}  // namespace

std::string hdf5_reason() {
  std::vector<std::string> descriptions;  // outermost (the API call) first
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_description, &descriptions);
  H5Eclear2(H5E_DEFAULT);
  // An operating-system failure shows deep in the stack as "..., errno = 28, error message =
  // 'No space left on device', ..."; that text is what a user can act on.
  constexpr std::string_view kOsMessage = "error message = '";
  for (auto it = descriptions.rbegin(); it != descriptions.rend(); ++it) {
    const auto start = it->find(kOsMessage);
    if (start == std::string::npos) continue;
    const auto end = it->find('\'', start + kOsMessage.size());
    if (end != std::string::npos) return it->substr(start + kOsMessage.size(), end - start - kOsMessage.size());
  }
  if (!descriptions.empty()) return descriptions.back();  // the innermost is the most specific
  return "HDF5 gave no reason";
}

[[noreturn]] void fail(std::string_view action, std::string_view where) {
  std::string reason = hdf5_reason();
  throw IoError("cannot " + std::string(action) + " " + std::string(where) + ": " + reason);
}

std::string file_name_of(hid_t object) {
  const ssize_t length = H5Fget_name(object, nullptr, 0);
  if (length <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "(unknown HDF5 file)";
  }
  std::string name(static_cast<std::size_t>(length), '\0');
  H5Fget_name(object, name.data(), name.size() + 1);
  return name;
}

std::string in_quotes(std::string_view name) { return "'" + std::string(name) + "'"; }

}  // namespace internal

// --- Handles

void detail::close_quietly(CloseFunction close, hid_t id) noexcept {
  const internal::QuietErrors quiet;
  if (close(id) < 0) H5Eclear2(H5E_DEFAULT);
}

void detail::close_or_throw(CloseFunction close, hid_t id, std::string_view what) {
  const internal::QuietErrors quiet;
  internal::check(close(id), "close", what);
}

}  // namespace pzsim::h5
