// layer_norm: fused forward and backward kernels (tensor/ops_layer_norm.h); the backward
// formula in ops when the backward pass is itself recorded.
#include "tensor/ops_layer_norm.h"

#include "autograd/op_definition.h"

namespace kiln {

// With xhat = (x - mean) * rstd and gx̂ = g * weight (Ba et al. 2016):
//   dx = rstd * (gx̂ - mean(gx̂) - xhat * mean(gx̂ * xhat)),  dweight = g * xhat,  dbias = g
// (the engine sums dweight and dbias over the leading dims). When the backward pass is
// itself recorded, mean and rstd are recomputed from x with differentiable ops, since they
// depend on x.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  raw::LayerNormResult result = raw::layer_norm_with_stats(x, weight, bias, eps);
  if (!any_requires_grad(x, weight, bias)) return result.output;
  return record(
      Op::layer_norm, std::move(result.output), {x, weight, bias},
      [x = SavedTensor(x), weight = SavedTensor(weight), mean = result.mean, rstd = result.rstd,
       eps](const BackwardContext& ctx) -> Grads {
        const Tensor& input = x.get();
        const Tensor& g = ctx.grad();
        if (!GradMode::is_enabled()) {
          raw::LayerNormGrads grads =
              raw::layer_norm_backward(g, input, weight.get(), mean, rstd, ctx.needs_grad(0),
                                       ctx.needs_grad(1), ctx.needs_grad(2));
          return {grads.dx, grads.dweight, grads.dbias};
        }
        const Tensor row_mean = kiln::mean(input, {-1}, true);
        const Tensor row_rstd = rsqrt(var(input, {-1}, false, true) + eps);
        const Tensor xhat = (input - row_mean) * row_rstd;
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
