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

Tensor place_in_zeros(const Tensor& grad, const Shape& input_shape, const GradientRegion& region) {
  return scatter_into_zeros(region.keeps_dim ? grad : grad.unsqueeze(region.dim), input_shape,
                            region.dim,
                            index_range(region.start, region.count, region.step, grad.device()));
}

Tensor index_range(int64_t start, int64_t count, int64_t step, Device device) {
  return arange(start, start + count * step, step, {.dtype = kInt64, .device = device});
}

Tensor flip(const Tensor& x, int64_t dim) {
  const int64_t size = x.size(dim);
  return index_select(x, dim, index_range(size - 1, size, -1, x.device()));
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
    padded =
        scatter_into_zeros(padded, target, d, index_range(0, padded.shape()[d], 1, grad.device()));
  }
  return padded;
}

}  // namespace kiln::autograd
