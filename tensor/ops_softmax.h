#pragma once

// The softmax family's backward kernel. softmax and log_softmax themselves go through the
// backends (tensor/backend.h); their gradient with respect to the input, a row reduction
// and an elementwise pass, is one fused kernel per device:
//   softmax:     dx = y (g - sum_j g_j y_j)
//   log_softmax: dx = g - exp(y) sum_j g_j
#include "tensor/around_dim.h"
#include "tensor/dispatch.h"
#include "tensor/tensor.h"

namespace kiln {

// grad_in, grad and result are contiguous, of one shape and floating dtype, with rows laid
// out as `rows` says; result is the forward pass's output.
using SoftmaxBackwardKernel = void(const Tensor& grad_in, const Tensor& grad, const Tensor& result,
                                   AroundDim rows, bool log);
KILN_DECLARE_KERNEL(softmax_backward_kernel, SoftmaxBackwardKernel);

namespace raw {
// The gradient of softmax (or log_softmax, given log) along `dim` with respect to its input,
// from the gradient `grad` of its output `result`.
Tensor softmax_backward(const Tensor& grad, const Tensor& result, int64_t dim, bool log);
}  // namespace raw

}  // namespace kiln
