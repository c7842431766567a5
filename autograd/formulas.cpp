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

Tensor flip(const Tensor& x, int64_t dim) {
  const int64_t size = x.size(dim);
  return index_select(x, dim, arange(size - 1, -1, -1, {.dtype = kInt64, .device = x.device()}));
}

Tensor exclusive_cumprod_last(const Tensor& x) {
  Shape one = x.shape();
  one[one.size() - 1] = 1;
  const Tensor ones_column = ones(one, {.dtype = x.dtype(), .device = x.device()});
  return cat({ones_column, cumprod(x, -1).narrow(-1, 0, x.size(-1) - 1)}, -1);
}

Tensor pad_to(const Tensor& grad, const Shape& shape) {
  Tensor padded = grad;
  for (int d = 0; d < grad.dim(); ++d) {
    if (padded.shape()[d] == shape[d]) continue;
    Shape target = padded.shape();
    target[d] = shape[d];
    padded = scatter_into_zeros(
        padded, target, d,
        arange(0, padded.shape()[d], 1, {.dtype = kInt64, .device = grad.device()}));
  }
  return padded;
}

}  // namespace kiln::autograd
