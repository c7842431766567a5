// Scans and orderings.
#include "autograd/op_definition.h"

namespace kiln {

namespace {
// sum over j >= i of g_j: the transpose of cumsum.
Tensor reverse_cumsum(const Tensor& g, int64_t dim) {
  return sum(g, {dim}, true) - cumsum(g, dim) + g;
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

// d y_j / d x_i = y_j / x_i for j >= i (inputs without zeros).
Tensor cumprod(const Tensor& x, int64_t dim) {
  Tensor y = raw::cumprod(x, dim);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::cumprod, std::move(y), {x},
      [dim, x = SavedTensor(x)](const BackwardContext& ctx) -> Grads {
        if (ctx.grad().dim() == 0) return {ctx.grad()};
        return {reverse_cumsum(ctx.grad() * ctx.result(), dim) / x.get()};
      },
      Save::Result);
}

namespace {
// The values of a sort or topk came from the positions the indices name.
std::pair<Tensor, Tensor> reordered(Op name, const Tensor& x, int64_t dim,
                                    std::pair<Tensor, Tensor> result) {
  if (!any_requires_grad(x)) return result;
  const Tensor indices = result.second;
  Tensor values = record(name, std::move(result.first), {x},
                         [shape = x.shape(), dim,
                          indices = SavedTensor(indices)](const BackwardContext& ctx) -> Grads {
                           if (shape.empty()) return {ctx.grad()};
                           const Tensor base = zeros(
                               shape, {.dtype = ctx.grad().dtype(), .device = ctx.grad().device()});
                           return {scatter(base, dim, indices.get(), ctx.grad())};
                         });
  return {std::move(values), indices};
}
}  // namespace

std::pair<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending) {
  return reordered(Op::sort, x, dim, raw::sort(x, dim, descending));
}

std::pair<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest) {
  return reordered(Op::topk, x, dim, raw::topk(x, k, dim, largest));
}

}  // namespace kiln
