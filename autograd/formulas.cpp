#include "autograd/formulas.h"

#include "tensor/op_support.h"

namespace kiln::autograd {

Tensor expand_reduced(const Tensor& grad, const Shape& input_shape, const Dims& dims,
                      bool keepdim) {
  const Dims reduced = detail::reduction_dims("backward", dims, input_shape.size());
  const Tensor kept = keepdim ? grad : grad.view(detail::reduced_shape(input_shape, reduced, true));
  return kept.expand(input_shape);
}

Tensor scatter_into_zeros(const Tensor& grad, const Shape& input_shape, int64_t dim,
                          const Tensor& index) {
  const Tensor base = zeros(input_shape, {.dtype = grad.dtype(), .device = grad.device()});
  return index_add(base, dim, index, grad);
}

}  // namespace kiln::autograd
