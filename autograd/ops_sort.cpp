// sort and topk: the values' gradient goes back to the positions the indices name.
#include "autograd/op_definition.h"

namespace kiln {

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
