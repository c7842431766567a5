// cumsum and cumprod, whose gradients are reversed scans.
#include "autograd/op_definition.h"

namespace kiln {

namespace {

// sum over j >= i of g_j: the transpose of cumsum, as a cumsum of the reversed gradient
// (subtracting from the total would cancel away small entries next to large ones).
Tensor reverse_cumsum(const Tensor& g, int64_t dim) {
  return flip(cumsum(flip(g, dim), dim), dim);
}

// d y_j / d x_i = prod_{k <= j, k != i} x_k for j >= i, without dividing by x_i: with x
// moved to the last dim, left_i = prod_{k < i} x_k and P[i, j] = prod_{i < k <= j} x_k
// (a cumprod over rows that hold x_k for k > i and 1 elsewhere); then
// dx_i = left_i * sum_{j >= i} P[i, j] g_j. O(n^2) per row, used only when x holds zeros.
Tensor cumprod_backward_with_zeros(const Tensor& x, const Tensor& g, int64_t dim) {
  const Tensor xs = x.transpose(dim, -1), gs = g.transpose(dim, -1);
  const int64_t n = xs.size(-1);
  const TensorOptions index_options{.dtype = kInt64, .device = x.device()};
  const Tensor positions = arange(0, n, 1, index_options);
  const Tensor after_row = gt(positions.unsqueeze(0), positions.unsqueeze(1));  // [i, j]: j > i
  Shape square = xs.shape();
  square.insert(square.size() - 1, n);
  const Tensor rows =
      where(after_row, xs.unsqueeze(-2).expand(square), ones_like(xs).unsqueeze(-2).expand(square));
  const Tensor spans = keep_where(logical_not(lt(positions.unsqueeze(0), positions.unsqueeze(1))),
                                  cumprod(rows, -1));
  const Tensor dx = exclusive_cumprod_last(xs) * (spans * gs.unsqueeze(-2)).sum({-1});
  return dx.transpose(dim, -1);
}

}  // namespace

Tensor cumsum(const Tensor& x, int64_t dim) {
  Tensor y = raw::cumsum(x, dim);
  if (!any_requires_grad(x)) return y;
  return record(Op::cumsum, std::move(y), {x}, [dim](const BackwardContext& ctx) -> Grads {
    if (ctx.grad().dim() == 0) return {ctx.grad()};
    return {reverse_cumsum(ctx.grad(), dim)};
  });
}

// Without zeros in x: d y_j / d x_i = y_j / x_i for j >= i.
Tensor cumprod(const Tensor& x, int64_t dim) {
  Tensor y = raw::cumprod(x, dim);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::cumprod, std::move(y), {x},
      [dim, x = SavedTensor(x)](const BackwardContext& ctx) -> Grads {
        if (ctx.grad().dim() == 0) return {ctx.grad()};
        if (raw::any(raw::eq(x.get(), 0)).item<bool>()) {
          return {cumprod_backward_with_zeros(x.get(), ctx.grad(), dim)};
        }
        return {reverse_cumsum(ctx.grad() * ctx.result(), dim) / x.get()};
      },
      Save::Result);
}

}  // namespace kiln
