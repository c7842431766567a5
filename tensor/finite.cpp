#include "tensor/finite.h"

#include <limits>

#include "tensor/ops.h"

namespace kiln {

// x * 0 is 0 for every finite x and NaN for NaN and +-Inf, so one multiply and one sum tell
// whether all are finite (a plain sum could overflow to Inf on finite values).
bool all_finite(const Tensor& x) {
  if (!is_floating(x.dtype())) return true;
  return raw::sum(raw::mul(x, 0)).item<double>() == 0;
}

NonFinite find_non_finite(const Tensor& x) {
  if (all_finite(x)) return NonFinite::None;
  if (raw::any(raw::ne(x, x)).item<bool>()) return NonFinite::NaN;
  const double infinity = std::numeric_limits<double>::infinity();
  if (raw::any(raw::eq(x, infinity)).item<bool>()) return NonFinite::PositiveInfinity;
  return NonFinite::NegativeInfinity;
}

const char* to_string(NonFinite kind) {
  switch (kind) {
    case NonFinite::None:
      return "";
    case NonFinite::NaN:
      return "NaN";
    case NonFinite::PositiveInfinity:
      return "Inf";
    case NonFinite::NegativeInfinity:
      return "-Inf";
  }
  return "";
}

}  // namespace kiln
