// binary_cross_entropy_elementwise: -(t log p + (1 - t) log(1 - p)) per element, each log
// clamped at -100 so that p = 0 or 1 gives a finite loss. Its own node gives PyTorch's
// gradients, finite in p where the composed logs' would be NaN:
//   dp = (p - t) / max(p (1 - p), eps),  dt = -logit(p) = log(1 - p) - log p (unclamped),
// with PyTorch's eps, the float 1e-12.
#include "autograd/op_definition.h"

namespace kiln {

namespace {

constexpr double kLogFloor = -100;
constexpr double kEpsilon = 1e-12f;

}  // namespace

Tensor binary_cross_entropy_elementwise(const Tensor& p, const Tensor& t) {
  broadcast_shapes(p.shape(), t.shape(), "binary_cross_entropy_elementwise");
  Tensor loss;
  {
    NoGradGuard no_grad;
    loss = -(t * clamp(log(p), kLogFloor, std::nullopt) +
             (1 - t) * clamp(log1p(-p), kLogFloor, std::nullopt));
  }
  if (!any_requires_grad(p, t)) return loss;
  return record(
      Op::binary_cross_entropy_elementwise, std::move(loss), {p, t},
      [p = SavedTensor(p), t = SavedTensor(t)](const BackwardContext& ctx) -> Grads {
        const Tensor& probability = p.get();
        const Tensor& grad = ctx.grad();
        return {ctx.needs_grad(0)
                    ? grad * (probability - t.get()) /
                          clamp(probability * (1 - probability), kEpsilon, std::nullopt)
                    : Tensor(),
                ctx.needs_grad(1) ? grad * (log1p(-probability) - log(probability)) : Tensor()};
      });
}

}  // namespace kiln
