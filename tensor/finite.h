#pragma once

#include "tensor/tensor.h"

// Whether a tensor holds NaN or infinite values: what anomaly detection and the training
// commands check before they trust a result or save weights. Integer and bool tensors are
// always finite.
namespace kiln {

bool all_finite(const Tensor& x);

enum class NonFinite { None, NaN, PositiveInfinity, NegativeInfinity };
// What `x` holds that is not finite, looking for NaN first, then +Inf, then -Inf.
NonFinite find_non_finite(const Tensor& x);
// "NaN", "Inf" or "-Inf" (empty for None), for messages.
const char* to_string(NonFinite kind);

}  // namespace kiln
