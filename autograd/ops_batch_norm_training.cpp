// batch_norm_training: fused forward and backward kernels (tensor/ops_batch_norm_training.h).
#include "tensor/ops_batch_norm_training.h"

#include "autograd/op_definition.h"

namespace kiln {

namespace {

// The dims a channel's values span in x [N, C, ...]: all but dim 1.
Dims spanned(const Tensor& x) {
  Dims over = {0};
  for (int d = 2; d < x.dim(); ++d) over.push_back(d);
  return over;
}

// With xhat = (x - mean) rstd and gxhat = g w (Ioffe and Szegedy 2015, section 3):
//   dx = rstd (gxhat - mean(gxhat) - xhat mean(gxhat xhat)),  dw = sum(g xhat),  db = sum(g)
// in ops, the statistics recomputed from x (they depend on it), for a recorded backward pass.
Grads recorded_gradients(const BackwardContext& ctx, const Tensor& x, const Tensor& weight,
                         double eps) {
  const Dims over = spanned(x);
  Shape per_channel = Shape::filled(x.dim(), 1);
  per_channel[1] = x.size(1);
  const Tensor rstd = rsqrt(var(x, over, false, true) + eps);
  const Tensor xhat = (x - mean(x, over, true)) * rstd;
  const Tensor& g = ctx.grad();
  const Tensor gxhat = weight.defined() ? g * weight.view(per_channel) : g;
  Grads grads(3);
  if (ctx.needs_grad(0)) {
    grads[0] = rstd * (gxhat - mean(gxhat, over, true) - xhat * mean(gxhat * xhat, over, true));
  }
  if (ctx.needs_grad(1)) grads[1] = sum(g * xhat, over);
  if (ctx.needs_grad(2)) grads[2] = sum(g, over);
  return grads;
}

}  // namespace

BatchNormTraining batch_norm_training(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                      double eps) {
  raw::BatchNormTrainingResult result = raw::batch_norm_training(x, weight, bias, eps);
  BatchNormTraining out{result.output, result.mean, result.var};
  if (!any_requires_grad(x, weight, bias)) return out;
  out.output = record(Op::batch_norm_training, std::move(result.output), {x, weight, bias},
                      [x = SavedTensor(x), weight = SavedTensor(weight), mean = result.mean,
                       rstd = result.rstd, eps](const BackwardContext& ctx) -> Grads {
                        if (GradMode::is_enabled())
                          return recorded_gradients(ctx, x.get(), weight.get(), eps);
                        raw::BatchNormTrainingGrads grads = raw::batch_norm_training_backward(
                            ctx.grad(), x.get(), mean, rstd, weight.get(), ctx.needs_grad(0),
                            ctx.needs_grad(1), ctx.needs_grad(2));
                        return {grads.x, grads.weight, grads.bias};
                      });
  return out;
}

}  // namespace kiln
