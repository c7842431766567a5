#include "optim/clip_grad.h"

#include <cmath>

#include "tensor/creation.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace kiln::optim {

namespace {
std::vector<Tensor> gradients_of(const std::vector<Tensor>& params) {
  std::vector<Tensor> grads;
  for (const Tensor& param : params) {
    Tensor grad = param.grad();
    if (grad.defined()) grads.push_back(std::move(grad));
  }
  return grads;
}
}  // namespace

Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  const std::vector<Tensor> grads = gradients_of(params);
  if (grads.empty()) return zeros({});
  std::vector<Tensor> norms;
  for (const Tensor& grad : grads) norms.push_back(raw::norm(grad, norm_type));
  const Tensor total = raw::norm(raw::stack(norms), norm_type);
  const double value = total.item<double>();
  KILN_CHECK(!error_if_nonfinite || std::isfinite(value), "clip_grad_norm_: the total norm of ",
             "order ", norm_type, " of the gradients is ", value,
             "; pass error_if_nonfinite = false to scale anyway");
  // PyTorch's order: max_norm / t is evaluated as reciprocal(t) * max_norm.
  const Tensor coefficient =
      raw::clamp(raw::mul(raw::div(1.0, raw::add(total, 1e-6)), max_norm), std::nullopt, 1.0);
  for (const Tensor& grad : grads) raw::mul_(grad, raw::to(coefficient, grad.dtype()));
  return total;
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  KILN_CHECK(clip_value >= 0, "clip_grad_value_: clip_value must be non-negative, got ",
             clip_value);
  for (const Tensor& grad : gradients_of(params))
    raw::copy_(grad, raw::clamp(grad, -clip_value, clip_value));
}

}  // namespace kiln::optim
