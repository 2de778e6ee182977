#pragma once
// The element types pzsim stores in HDF5 files and, per C++ type, its ValueType, the type
// HDF5 converts to and from in memory, and the fixed little-endian type stored in the file.
#include <hdf5.h>

#include <concepts>
#include <cstdint>

namespace pzsim::h5 {

enum class ValueType { f64, i64, i32, u8, str };  // str: variable-length UTF-8

template <typename T>
struct Native;  // undefined for types the files do not store
template <>
struct Native<double> {
  static constexpr ValueType type = ValueType::f64;
  static hid_t memory_type() { return H5T_NATIVE_DOUBLE; }
  static hid_t file_type() { return H5T_IEEE_F64LE; }
};
template <>
struct Native<std::int64_t> {
  static constexpr ValueType type = ValueType::i64;
  static hid_t memory_type() { return H5T_NATIVE_INT64; }
  static hid_t file_type() { return H5T_STD_I64LE; }
};
template <>
struct Native<std::uint64_t> {  // attributes only (seeds); no variable holds it
  static hid_t memory_type() { return H5T_NATIVE_UINT64; }
  static hid_t file_type() { return H5T_STD_U64LE; }
};
template <>
struct Native<std::int32_t> {
  static constexpr ValueType type = ValueType::i32;
  static hid_t memory_type() { return H5T_NATIVE_INT32; }
  static hid_t file_type() { return H5T_STD_I32LE; }
};
template <>
struct Native<std::uint8_t> {
  static constexpr ValueType type = ValueType::u8;
  static hid_t memory_type() { return H5T_NATIVE_UINT8; }
  static hid_t file_type() { return H5T_STD_U8LE; }
};

// A C++ type a numeric variable can hold: double, std::int64_t, std::int32_t, std::uint8_t.
template <typename T>
concept VariableNumber = requires {
  { Native<T>::type } -> std::convertible_to<ValueType>;
};

}  // namespace pzsim::h5
