#include "nn/loss.h"

#include <cmath>
#include <numbers>

#include "autograd/functions.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

Tensor reduce(const Tensor& loss, Reduction reduction, const char* op) {
  switch (reduction) {
    case Reduction::None:
      return loss;
    case Reduction::Mean:
      return loss.mean();
    case Reduction::Sum:
      return loss.sum();
    case Reduction::BatchMean:
      break;
  }
  throw Error(std::string(op) + ": reduction batchmean is for kl_div only");
}

void check_same_shape(const char* op, const Tensor& input, const Tensor& target) {
  KILN_CHECK(input.shape() == target.shape(), op, ": input of shape ", input.shape(),
             " and target of shape ", target.shape(), " differ");
}

// The weight of each element's target class, shaped like target (weights of 1 if none).
Tensor target_weights(const Tensor& weight, const Tensor& safe_target, const Tensor& like) {
  if (!weight.defined())
    return ones(safe_target.shape(), {.dtype = like.dtype(), .device = like.device()});
  return embedding(weight.unsqueeze(-1), safe_target).squeeze(-1);
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_same_shape("mse_loss", input, target);
  return reduce(square(input - target), reduction, "mse_loss");
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_same_shape("l1_loss", input, target);
  return reduce(abs(input - target), reduction, "l1_loss");
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  check_same_shape("smooth_l1_loss", input, target);
  KILN_CHECK(beta >= 0, "smooth_l1_loss: beta must be non-negative, got ", beta);
  const Tensor d = abs(input - target);
  if (beta == 0) return reduce(d, reduction, "smooth_l1_loss");
  return reduce(where(lt(d, beta), square(d) * (0.5 / beta), d - 0.5 * beta), reduction,
                "smooth_l1_loss");
}

Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
  check_same_shape("huber_loss", input, target);
  KILN_CHECK(delta > 0, "huber_loss: delta must be positive, got ", delta);
  const Tensor d = abs(input - target);
  return reduce(where(le(d, delta), square(d) * 0.5, (d - 0.5 * delta) * delta), reduction,
                "huber_loss");
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight,
                int64_t ignore_index, Reduction reduction) {
  KILN_CHECK(target.dtype() == kInt64, "nll_loss: target must hold int64 class indices, got ",
             target.dtype());
  KILN_CHECK(input.dim() >= 1, "nll_loss: input must have a class dim");
  const bool unbatched = input.dim() == 1;
  const Tensor logp = unbatched ? input.unsqueeze(0) : input;
  const Tensor labels = unbatched ? target.unsqueeze(0) : target;
  Shape expected = logp.shape();
  expected.erase(1);
  KILN_CHECK(labels.shape() == expected, "nll_loss: target of shape ", target.shape(),
             " does not match input of shape ", input.shape(), " without its class dim");
  const int64_t classes = logp.size(1);
  KILN_CHECK(!weight.defined() || weight.shape() == Shape{classes}, "nll_loss: weight of shape ",
             weight.shape(), " for ", classes, " classes");
  const Tensor kept = ne(labels, ignore_index);
  const Tensor safe = where(kept, labels, zeros_like(labels));
  KILN_CHECK(all(logical_and(ge(safe, 0), lt(safe, classes))).item<bool>(),
             "nll_loss: a target is outside [0, ", classes, ") and is not ignore_index ",
             ignore_index);
  const Tensor picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1);
  const Tensor w = target_weights(weight, safe, logp) * kept.to(logp.dtype());
  Tensor loss = -(picked * w);
  if (unbatched && reduction == Reduction::None) loss = loss.squeeze(0);
  if (reduction == Reduction::Mean) return loss.sum() / w.sum();
  return reduce(loss, reduction, "nll_loss");
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyOptions& o) {
  KILN_CHECK(o.label_smoothing >= 0 && o.label_smoothing <= 1,
             "cross_entropy: label_smoothing must be in [0, 1], got ", o.label_smoothing);
  KILN_CHECK(input.dim() >= 1, "cross_entropy: input must have a class dim");
  const int class_dim = input.dim() == 1 ? 0 : 1;
  const int64_t classes = input.size(class_dim);
  const Tensor logp = log_softmax(input, class_dim);
  // The weight broadcast along the class dim.
  Tensor class_weight;
  if (o.weight.defined()) {
    Shape shape = Shape::filled(input.dim(), 1);
    shape[class_dim] = classes;
    class_weight = o.weight.view(shape);
  }
  if (is_floating(target.dtype())) {
    check_same_shape("cross_entropy", input, target);
    KILN_CHECK(o.ignore_index < 0, "cross_entropy: ignore_index is not supported for probability ",
               "targets");
    const Tensor smoothed = o.label_smoothing > 0
                                ? target * (1 - o.label_smoothing) + o.label_smoothing / classes
                                : target;
    Tensor terms = logp * smoothed;
    if (class_weight.defined()) terms = terms * class_weight;
    const Tensor loss = -terms.sum({class_dim});
    if (o.reduction == Reduction::Mean) {
      return input.dim() == 1 ? loss : loss.sum() / static_cast<double>(input.numel() / classes);
    }
    return reduce(loss, o.reduction, "cross_entropy");
  }
  const Tensor nll = nll_loss(logp, target, o.weight, o.ignore_index, o.reduction);
  if (o.label_smoothing == 0) return nll;
  // PyTorch's label smoothing: (1 - e) nll + e / C * (-sum_c w_c log p_c), the second term
  // reduced like the first (the mean divides by the targets' summed weights).
  const Tensor kept = ne(target, o.ignore_index);
  Tensor smooth = class_weight.defined() ? logp * class_weight : logp;
  smooth = masked_fill(-smooth.sum({class_dim}), logical_not(kept), 0);
  Tensor smooth_reduced;
  if (o.reduction == Reduction::Mean) {
    const Tensor safe = where(kept, target, zeros_like(target));
    const Tensor w = target_weights(o.weight, safe, logp) * kept.to(logp.dtype());
    smooth_reduced = smooth.sum() / w.sum();
  } else {
    smooth_reduced = reduce(smooth, o.reduction, "cross_entropy");
  }
  return nll * (1 - o.label_smoothing) + smooth_reduced * (o.label_smoothing / classes);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                            Reduction reduction) {
  check_same_shape("binary_cross_entropy", input, target);
  Tensor loss = binary_cross_entropy_elementwise(input, target);
  if (weight.defined()) loss = loss * weight;
  return reduce(loss, reduction, "binary_cross_entropy");
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight, const Tensor& pos_weight,
                                        Reduction reduction) {
  check_same_shape("binary_cross_entropy_with_logits", input, target);
  // log(1 + e^-x) as softplus(-x): stable, and its gradient is exact at x = 0 too.
  const Tensor log_sigmoid_neg = softplus(-input);
  const Tensor positive_scale = pos_weight.defined() ? (pos_weight - 1) * target + 1 : Tensor();
  Tensor loss = (1 - target) * input +
                (positive_scale.defined() ? positive_scale * log_sigmoid_neg : log_sigmoid_neg);
  if (weight.defined()) loss = loss * weight;
  return reduce(loss, reduction, "binary_cross_entropy_with_logits");
}

Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction, bool log_target) {
  check_same_shape("kl_div", input, target);
  Tensor pointwise;
  if (log_target) {
    pointwise = exp(target) * (target - input);
  } else {
    // PyTorch's xlogy(t, t) - t * input: t log t is 0 at t = 0, NaN for t < 0, and
    // 0 * input is NaN where input is -inf. The log's argument avoids 0 so that the
    // gradient at t = 0 is 0 rather than 0 * inf.
    const Tensor zero = eq(target, 0);
    const Tensor t_log_t =
        where(zero, zeros_like(target), target * log(where(zero, ones_like(target), target)));
    pointwise = t_log_t - target * input;
  }
  if (reduction == Reduction::BatchMean) {
    return input.dim() == 0 ? pointwise.sum()
                            : pointwise.sum() / static_cast<double>(input.size(0));
  }
  return reduce(pointwise, reduction, "kl_div");
}

Tensor gaussian_nll_loss(const Tensor& input, const Tensor& target, const Tensor& var, bool full,
                         double eps, Reduction reduction) {
  check_same_shape("gaussian_nll_loss", input, target);
  Tensor variance = var;
  if (var.dim() == input.dim() - 1 && input.dim() > 0) variance = var.unsqueeze(-1);
  KILN_CHECK(
      broadcast_shapes(variance.shape(), input.shape(), "gaussian_nll_loss") == input.shape(),
      "gaussian_nll_loss: var of shape ", var.shape(), " does not fit input of shape ",
      input.shape());
  KILN_CHECK(all(ge(var, 0)).item<bool>(), "gaussian_nll_loss: var has negative entries");
  // Clamped in value only: the gradient passes as if unclamped (PyTorch clamps under no_grad).
  variance = variance + (clamp(variance.detach(), eps, std::nullopt) - variance.detach());
  Tensor loss = (log(variance) + square(input - target) / variance) * 0.5;
  if (full) loss = loss + 0.5 * std::log(2 * std::numbers::pi);
  return reduce(loss, reduction, "gaussian_nll_loss");
}

}  // namespace kiln::nn
