// softmax and log_softmax: fused forward and backward kernels (tensor/ops_softmax.h); the
// backward formulas in ops when the backward pass is itself recorded.
#include "tensor/ops_softmax.h"
#include "autograd/op_definition.h"

namespace kiln {

// dx = y * (g - sum(g * y))
Tensor softmax(const Tensor& x, int64_t dim) {
  Tensor y = raw::softmax(x, dim);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::softmax, std::move(y), {x},
      [dim](const BackwardContext& ctx) -> Grads {
        const Tensor y = ctx.result();
        if (!GradMode::is_enabled()) return {raw::softmax_backward(ctx.grad(), y, dim, false)};
        if (y.dim() == 0) return {zeros_like(ctx.grad())};
        return {y * (ctx.grad() - sum(ctx.grad() * y, {dim}, true))};
      },
      Save::Result);
}

// dx = g - exp(y) * sum(g)
Tensor log_softmax(const Tensor& x, int64_t dim) {
  Tensor y = raw::log_softmax(x, dim);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::log_softmax, std::move(y), {x},
      [dim](const BackwardContext& ctx) -> Grads {
        const Tensor y = ctx.result();
        if (!GradMode::is_enabled()) return {raw::softmax_backward(ctx.grad(), y, dim, true)};
        if (y.dim() == 0) return {zeros_like(ctx.grad())};
        return {ctx.grad() - exp(y) * sum(ctx.grad(), {dim}, true)};
      },
      Save::Result);
}

}  // namespace kiln
