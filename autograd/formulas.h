#pragma once

// Small pieces that several backward formulas share.
#include "autograd/functions.h"
#include "autograd/node.h"
#include "tensor/creation.h"

namespace kiln::autograd {

// grad where mask is true, zero elsewhere (differentiable in grad).
inline Tensor keep_where(const Tensor& mask, const Tensor& grad) {
  return where(mask, grad, scalar_tensor(0, {.dtype = grad.dtype(), .device = grad.device()}));
}

// A reduction's output gradient given back the reduced dims (as size 1) and broadcast to
// the input's shape.
Tensor expand_reduced(const Tensor& grad, const Shape& input_shape, const Dims& dims, bool keepdim);

// The gradient of a view that picks `index` along `dim` of a tensor of `input_shape`: zeros
// with grad added at those positions. index_add, so that it is itself differentiable.
Tensor scatter_into_zeros(const Tensor& grad, const Shape& input_shape, int64_t dim,
                          const Tensor& index);

// A region's gradient placed in zeros of the input's shape (differentiable in grad): what
// the engine builds for a region view when the backward pass is itself recorded.
Tensor place_in_zeros(const Tensor& grad, const Shape& input_shape, const GradientRegion& region);

// The int64 positions start, start + step, ... (count of them) on `device`.
Tensor index_range(int64_t start, int64_t count, int64_t step, Device device);

// x reversed along dim (index_select, so it is differentiable).
Tensor flip(const Tensor& x, int64_t dim);

// The product of the elements before each one along the last dim (1 for the first).
Tensor exclusive_cumprod_last(const Tensor& x);

// grad zero-padded at the end of each dim up to `shape` (differentiable in grad).
Tensor pad_to(const Tensor& grad, const Shape& shape);

}  // namespace kiln::autograd
