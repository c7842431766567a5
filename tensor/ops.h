#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

// The raw ops: what autograd/ builds the differentiable API on. Each validates its
// arguments (throwing kiln::Error that names the op and the offending shapes, dtypes or
// values) and dispatches to the device's backend (tensor/backend.h). Raw ops never record
// a graph; users call the same names in namespace kiln (autograd/functions.h) and the
// Tensor methods, which do.
namespace kiln::raw {

#include "tensor/op_declarations.inc"

// In place: each bumps the storage's version counter.
Tensor fill_(const Tensor& x, Scalar value);
Tensor copy_(const Tensor& x, const Tensor& source);
Tensor add_(const Tensor& x, const Tensor& other);
Tensor mul_(const Tensor& x, const Tensor& other);

// layer_norm with the per-row mean and 1/sqrt(var + eps) (shape x.shape[:-1]) it computed.
struct LayerNormResult {
  Tensor output, mean, rstd;
};
LayerNormResult layer_norm_with_stats(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                      double eps = 1e-5);

}  // namespace kiln::raw
