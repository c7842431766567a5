#pragma once

#include <cstdint>
#include <iosfwd>
#include <type_traits>

#include "tensor/dtype.h"

namespace kiln {

// A number passed to an op (a fill value, a clamp bound). Integers are kept exactly so
// that int64 values above 2^53 survive.
class Scalar {
 public:
  Scalar(bool value) : kind_(DType::Bool), integer_(value), floating_(value) {}
  template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) Scalar(T value)
      : kind_(DType::Int64), integer_(value), floating_(static_cast<double>(value)) {}
  template <typename T>
  requires std::is_floating_point_v<T> Scalar(T value)
      : kind_(DType::Float64), integer_(0), floating_(value) {}

  // The category of the value: Bool, Int64 or Float64.
  DType kind() const { return kind_; }
  bool is_floating() const { return kind_ == DType::Float64; }

  template <typename T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>)
      return kind_ == DType::Float64 ? floating_ != 0 : integer_ != 0;
    else if constexpr (std::is_integral_v<T>)
      return kind_ == DType::Float64 ? static_cast<T>(floating_) : static_cast<T>(integer_);
    else
      return kind_ == DType::Float64 ? static_cast<T>(floating_) : static_cast<T>(integer_);
  }

 private:
  DType kind_;
  int64_t integer_;
  double floating_;
};

std::ostream& operator<<(std::ostream& out, const Scalar& value);

}  // namespace kiln
