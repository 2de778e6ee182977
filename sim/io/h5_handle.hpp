#pragma once
// Move-only RAII handles over HDF5 ids, so no code outside sim/io closes (or forgets to
// close) a raw hid_t.
#include <hdf5.h>

#include <string_view>
#include <utility>

namespace pzsim::h5 {

using CloseFunction = herr_t (*)(hid_t);

namespace detail {
void close_quietly(CloseFunction close, hid_t id) noexcept;
void close_or_throw(CloseFunction close, hid_t id, std::string_view what);
}  // namespace detail

// Owns one HDF5 id and closes it exactly once. A moved-from handle owns nothing.
template <CloseFunction Close>
class Handle {
 public:
  Handle() noexcept = default;
  explicit Handle(hid_t id) noexcept : id_(id) {}  // takes ownership of id
  Handle(Handle&& other) noexcept : id_(other.release()) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.release();
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // Gives up ownership without closing.
  [[nodiscard]] hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  // Closes now; a failure is ignored (for destructors and error paths).
  void reset() noexcept {
    if (valid()) detail::close_quietly(Close, release());
  }
  // Closes now and throws IoError("cannot close <what>: ...") if HDF5 reports a failure,
  // e.g. the final flush of a file on a full disk.
  void close(std::string_view what) {
    if (valid()) detail::close_or_throw(Close, release(), what);
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<&H5Fclose>;
using Group = Handle<&H5Gclose>;
using Dataset = Handle<&H5Dclose>;
using Dataspace = Handle<&H5Sclose>;
using Datatype = Handle<&H5Tclose>;  // only for types made with H5Tcopy/H5Tcreate, never H5T_NATIVE_*
using PropList = Handle<&H5Pclose>;
using Attribute = Handle<&H5Aclose>;

}  // namespace pzsim::h5
