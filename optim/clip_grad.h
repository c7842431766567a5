#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace kiln::optim {

// Scales every gradient by min(1, max_norm / (total + 1e-6)), where total is the
// norm_type-norm of all the gradients together, and returns total
// (torch.nn.utils.clip_grad_norm_). Parameters without a gradient are skipped. With
// error_if_nonfinite, a NaN or infinite total throws instead of scaling.
Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2,
                       bool error_if_nonfinite = false);

// Clamps every gradient element to [-clip_value, clip_value] (torch clip_grad_value_).
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace kiln::optim
