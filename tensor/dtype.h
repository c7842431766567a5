#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <type_traits>

#include "tensor/host_device.h"

namespace kiln {

// Element types. Promotion follows the lattice bool < int64 < float32 < float64: a binary
// op computes in the larger of its operands' types. A 0-dim tensor (a scalar) only
// promotes a dimensioned operand when it is of a higher category (bool < integer <
// floating), so `x_f32 * 2.0` stays float32 and `x_i64 * 0.5` becomes float32, as in
// PyTorch. Ops that are only defined on floating types (exp, div, mean, ...) compute an
// integral or bool input in float32, the default floating type.
enum class DType : uint8_t { Bool, Int64, Float32, Float64 };

inline constexpr DType kBool = DType::Bool;
inline constexpr DType kInt64 = DType::Int64;
inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kDefaultFloat = DType::Float32;

constexpr size_t itemsize(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return 1;
    case DType::Int64:
      return 8;
    case DType::Float32:
      return 4;
    case DType::Float64:
      return 8;
  }
  return 0;
}

constexpr bool is_floating(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64;
}

const char* dtype_name(DType dtype);
std::ostream& operator<<(std::ostream& out, DType dtype);

// The larger of two dtypes on the promotion lattice.
constexpr DType promote_types(DType a, DType b) {
  return a > b ? a : b;
}

// The dtype a float-only op computes in for an input of `dtype`.
constexpr DType floating_result_type(DType dtype) {
  return is_floating(dtype) ? dtype : kDefaultFloat;
}

template <typename T>
struct TypeTag {
  using type = T;
};

template <typename T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, bool>)
    return DType::Bool;
  else if constexpr (std::is_same_v<T, int64_t>)
    return DType::Int64;
  else if constexpr (std::is_same_v<T, float>)
    return DType::Float32;
  else {
    static_assert(std::is_same_v<T, double>, "kiln tensors hold bool, int64, float or double");
    return DType::Float64;
  }
}

// Calls fn(TypeTag<T>{}) with T the C++ type of `dtype`.
template <typename Fn>
decltype(auto) visit_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Bool:
      return fn(TypeTag<bool>{});
    case DType::Int64:
      return fn(TypeTag<int64_t>{});
    case DType::Float32:
      return fn(TypeTag<float>{});
    case DType::Float64:
      break;
  }
  return fn(TypeTag<double>{});
}

// As visit_dtype, for the numeric types (int64, float, double) only.
template <typename Fn>
decltype(auto) visit_numeric(DType dtype, Fn&& fn) {
  if (dtype == DType::Int64) return fn(TypeTag<int64_t>{});
  if (dtype == DType::Float32) return fn(TypeTag<float>{});
  return fn(TypeTag<double>{});
}

// As visit_dtype, for the two floating types only.
template <typename Fn>
decltype(auto) visit_floating(DType dtype, Fn&& fn) {
  if (dtype == DType::Float32) return fn(TypeTag<float>{});
  return fn(TypeTag<double>{});
}

// Converts between element types; floating values outside int64's range saturate and
// NaN becomes 0, where a plain cast would be undefined.
template <typename Out, typename In>
KILN_HOST_DEVICE Out convert(In value) {
  if constexpr (std::is_same_v<Out, int64_t> && std::is_floating_point_v<In>) {
    if (value != value) return 0;  // NaN
    // 2^63, the first value above int64's range.
    if (value >= static_cast<In>(9223372036854775808.0)) return INT64_MAX;
    if (value < static_cast<In>(-9223372036854775808.0)) return INT64_MIN;
  }
  return static_cast<Out>(value);
}

}  // namespace kiln
