// Reductions and their derivatives. mean, var, std and norm (p != 2) are compositions of
// differentiable ops, so their gradients (and double backward) follow from those.
#include <algorithm>
#include <cmath>
#include <limits>

#include "autograd/op_definition.h"
#include "tensor/op_support.h"

namespace kiln {

Tensor sum(const Tensor& x, const Dims& dims, bool keepdim) {
  Tensor y = raw::sum(x, dims, keepdim);
  if (!any_requires_grad(x)) return y;
  return record(Op::sum, std::move(y), {x},
                [shape = x.shape(), dims, keepdim](const BackwardContext& ctx) -> Grads {
                  return {expand_reduced(ctx.grad(), shape, dims, keepdim)};
                });
}

namespace {
// prod_{j != i} x_j over the reduced dims, without dividing by x_i (which may be 0): with
// the reduced dims flattened into the last one, the product of what comes before i times
// the product of what comes after it.
Tensor products_of_others(const Tensor& x, const Dims& dims) {
  const Dims reduced = detail::reduction_dims("prod", dims, x.dim());
  Dims order;
  Shape flat_shape;
  for (int d = 0; d < x.dim(); ++d) {
    if (std::ranges::find(reduced, d) == reduced.end()) {
      order.push_back(d);
      flat_shape.push_back(x.shape()[d]);
    }
  }
  for (int64_t d : reduced) order.push_back(d);
  flat_shape.push_back(-1);
  const Tensor moved = x.permute(order);
  const Tensor flat = moved.reshape(flat_shape);
  const Tensor others =
      exclusive_cumprod_last(flat) * flip(exclusive_cumprod_last(flip(flat, -1)), -1);
  Dims inverse = Dims::filled(order.size(), 0);
  for (int i = 0; i < order.size(); ++i) inverse[order[i]] = i;
  return others.reshape(moved.shape()).permute(inverse);
}
}  // namespace

// d prod / dx_i = prod / x_i, or the product of the others where x holds zeros.
Tensor prod(const Tensor& x, const Dims& dims, bool keepdim) {
  Tensor y = raw::prod(x, dims, keepdim);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::prod, std::move(y), {x},
      [x = SavedTensor(x), dims, keepdim](const BackwardContext& ctx) -> Grads {
        const Tensor& input = x.get();
        if (input.dim() == 0) return {ctx.grad()};
        const Tensor grad = expand_reduced(ctx.grad(), input.shape(), dims, keepdim);
        if (raw::any(raw::eq(input, 0)).item<bool>())
          return {grad * products_of_others(input, dims)};
        return {grad * expand_reduced(ctx.result(), input.shape(), dims, keepdim) / input};
      },
      Save::Result);
}

namespace {
// amax/amin: the gradient is shared evenly among the elements equal to the extreme.
Tensor extreme(Op name, const Tensor& x, const Dims& dims, bool keepdim, Tensor y) {
  if (!any_requires_grad(x)) return y;
  return record(
      name, std::move(y), {x},
      [x = SavedTensor(x), dims, keepdim](const BackwardContext& ctx) -> Grads {
        const Shape& shape = x.get().shape();
        const Tensor hits = raw::to(
            raw::eq(x.get(), expand_reduced(ctx.result(), shape, dims, keepdim)), x.get().dtype());
        const Tensor count = raw::sum(hits, dims, true);
        return {expand_reduced(ctx.grad(), shape, dims, keepdim) * raw::div(hits, count)};
      },
      Save::Result);
}
}  // namespace

Tensor amax(const Tensor& x, const Dims& dims, bool keepdim) {
  return extreme(Op::amax, x, dims, keepdim, raw::amax(x, dims, keepdim));
}
Tensor amin(const Tensor& x, const Dims& dims, bool keepdim) {
  return extreme(Op::amin, x, dims, keepdim, raw::amin(x, dims, keepdim));
}
Tensor max(const Tensor& x) {
  return extreme(Op::max, x, {}, false, raw::max(x));
}
Tensor min(const Tensor& x) {
  return extreme(Op::min, x, {}, false, raw::min(x));
}

Tensor all(const Tensor& x, const Dims& dims, bool keepdim) {
  return raw::all(x, dims, keepdim);
}
Tensor any(const Tensor& x, const Dims& dims, bool keepdim) {
  return raw::any(x, dims, keepdim);
}

Tensor mean(const Tensor& x, const Dims& dims, bool keepdim) {
  detail::check_floating("mean", x);
  int64_t count = 1;
  for (int64_t d : detail::reduction_dims("mean", dims, x.dim())) count *= x.shape()[d];
  return sum(x, dims, keepdim) / static_cast<double>(count);
}

Tensor var(const Tensor& x, const Dims& dims, bool unbiased, bool keepdim) {
  detail::check_floating("var", x);
  int64_t count = 1;
  for (int64_t d : detail::reduction_dims("var", dims, x.dim())) count *= x.shape()[d];
  return sum(square(x - mean(x, dims, true)), dims, keepdim) /
         static_cast<double>(count - (unbiased ? 1 : 0));
}

Tensor std(const Tensor& x, const Dims& dims, bool unbiased, bool keepdim) {
  return sqrt(var(x, dims, unbiased, keepdim));
}

// d logsumexp / dx = softmax(x) = exp(x - logsumexp(x))
Tensor logsumexp(const Tensor& x, const Dims& dims, bool keepdim) {
  Tensor y = raw::logsumexp(x, dims, keepdim);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::logsumexp, std::move(y), {x},
      [x = SavedTensor(x), dims, keepdim](const BackwardContext& ctx) -> Grads {
        const Shape& shape = x.get().shape();
        return {expand_reduced(ctx.grad(), shape, dims, keepdim) *
                exp(x.get() - expand_reduced(ctx.result(), shape, dims, keepdim))};
      },
      Save::Result);
}

// The 2-norm has its own formula, x / ||x||, taken as 0 where the norm is 0 (PyTorch's
// subgradient); other p are compositions. p = 0 counts non-zeros and has no gradient.
Tensor norm(const Tensor& x, double p, const Dims& dims, bool keepdim) {
  detail::check_floating("norm", x);
  if (p == 0) return raw::norm(x, p, dims, keepdim);
  if (p == 1) return sum(abs(x), dims, keepdim);
  if (std::isinf(p)) return p > 0 ? amax(abs(x), dims, keepdim) : amin(abs(x), dims, keepdim);
  if (p != 2) return pow(sum(pow(abs(x), p), dims, keepdim), 1.0 / p);
  Tensor y = raw::norm(x, p, dims, keepdim);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::norm, std::move(y), {x},
      [x = SavedTensor(x), dims, keepdim](const BackwardContext& ctx) -> Grads {
        const Shape& shape = x.get().shape();
        const Tensor length = expand_reduced(ctx.result(), shape, dims, keepdim);
        const Tensor scale = masked_fill(expand_reduced(ctx.grad(), shape, dims, keepdim) / length,
                                         raw::eq(length, 0), 0);
        return {scale * x.get()};
      },
      Save::Result);
}

namespace {
// max/min along a dim: the gradient goes to the element the index names.
std::pair<Tensor, Tensor> extreme_along(Op name, const Tensor& x, int64_t dim, bool keepdim,
                                        std::pair<Tensor, Tensor> result) {
  if (!any_requires_grad(x)) return result;
  const Tensor indices = result.second;
  Tensor values =
      record(name, std::move(result.first), {x},
             [shape = x.shape(), dim, keepdim,
              indices = SavedTensor(indices)](const BackwardContext& ctx) -> Grads {
               if (shape.empty()) return {ctx.grad()};
               const int d = wrap_dim(dim, shape.size(), "max");
               const Tensor grad = keepdim ? ctx.grad() : ctx.grad().unsqueeze(d);
               const Tensor index = keepdim ? indices.get() : indices.get().unsqueeze(d);
               const Tensor base = zeros(shape, {.dtype = grad.dtype(), .device = grad.device()});
               return {scatter(base, d, index, grad)};
             });
  return {std::move(values), indices};
}
}  // namespace

std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_along(Op::max_dim, x, dim, keepdim, raw::max(x, dim, keepdim));
}
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_along(Op::min_dim, x, dim, keepdim, raw::min(x, dim, keepdim));
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  return raw::argmax(x, dim, keepdim);
}
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim) {
  return raw::argmin(x, dim, keepdim);
}

}  // namespace kiln
