// layer_norm: a fused forward kernel that also returns each row's mean and 1/std, and a
// backward formula in ops.
#include "autograd/op_definition.h"

namespace kiln {

// With xhat = (x - mean) * rstd and gx̂ = g * weight (Ba et al. 2016):
//   dx = rstd * (gx̂ - mean(gx̂) - xhat * mean(gx̂ * xhat)),  dweight = g * xhat,  dbias = g
// (the engine sums dweight and dbias over the leading dims). The forward kernel's mean and
// rstd are reused, except when the backward pass is itself recorded: then they are
// recomputed from x with differentiable ops, since they depend on x.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  raw::LayerNormResult result = raw::layer_norm_with_stats(x, weight, bias, eps);
  if (!any_requires_grad(x, weight, bias)) return result.output;
  return record(
      Op::layer_norm, std::move(result.output), {x, weight, bias},
      [x = SavedTensor(x), weight = SavedTensor(weight), mean = result.mean.unsqueeze(-1),
       rstd = result.rstd.unsqueeze(-1), eps](const BackwardContext& ctx) -> Grads {
        const Tensor& input = x.get();
        Tensor row_mean = mean, row_rstd = rstd;
        if (GradMode::is_enabled()) {
          row_mean = kiln::mean(input, {-1}, true);
          row_rstd = rsqrt(var(input, {-1}, false, true) + eps);
        }
        const Tensor xhat = (input - row_mean) * row_rstd;
        const Tensor& g = ctx.grad();
        const Tensor gxhat = weight.defined() ? g * weight.get() : g;
        Tensor dx;
        if (ctx.needs_grad(0)) {
          dx = row_rstd * (gxhat - kiln::mean(gxhat, {-1}, true) -
                           xhat * kiln::mean(gxhat * xhat, {-1}, true));
        }
        return {dx, ctx.needs_grad(1) ? g * xhat : Tensor(), ctx.needs_grad(2) ? g : Tensor()};
      });
}

}  // namespace kiln
