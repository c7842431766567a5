#include "nn/batch_norm.h"

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/ops_batch_norm_training.h"

namespace kiln::nn {

BatchNorm::BatchNorm(int spatial_dims, int64_t num_features, double eps,
                     std::optional<double> momentum, bool affine, bool track_running_stats)
    : NormBase(spatial_dims == 1 ? "BatchNorm1d" : "BatchNorm2d", num_features, affine,
               track_running_stats),
      spatial_dims_(spatial_dims),
      eps_(eps),
      momentum_(momentum) {}

void BatchNorm::complete_state_dict(StateDict& state, const std::string& prefix) const {
  if (num_batches_tracked.defined())
    state.try_emplace(prefix + "num_batches_tracked", zeros({}, {.dtype = kInt64}));
}

Tensor BatchNorm::forward(const Tensor& input) {
  const int64_t channels = num_features_;
  const bool fits = spatial_dims_ == 1 ? (input.dim() == 2 || input.dim() == 3) : input.dim() == 4;
  KILN_CHECK(fits && input.size(1) == channels, type_name(), ": expected [N, ", channels,
             spatial_dims_ == 1 ? "] or [N, C, L]" : ", H, W]", ", got shape ", input.shape());
  const bool use_batch = is_training() || !running_mean.defined();
  if (use_batch) {
    const int64_t count = input.numel() / channels;
    KILN_CHECK(!is_training() || count > 1, type_name(),
               ": training needs more than one value per channel, got shape ", input.shape());
    const BatchNormTraining batch = batch_norm_training(input, weight, bias, eps_);
    if (is_training() && running_mean.defined()) {
      NoGradGuard no_grad;
      num_batches_tracked.add_(ones({}, {.dtype = kInt64, .device = input.device()}));
      const double factor = momentum_.value_or(1.0 / num_batches_tracked.item<double>());
      update_running_stats(running_mean, running_var, batch.mean,
                           batch.var * (static_cast<double>(count) / (count - 1)), factor);
    }
    return batch.output;
  }
  Shape per_channel = Shape::filled(input.dim(), 1);
  per_channel[1] = channels;
  Tensor out =
      (input - running_mean.view(per_channel)) * rsqrt(running_var.view(per_channel) + eps_);
  if (weight.defined()) out = out * weight.view(per_channel) + bias.view(per_channel);
  return out;
}

std::string BatchNorm::extra_repr() const {
  return std::to_string(num_features_) + ", eps=" + std::to_string(eps_) +
         ", momentum=" + (momentum_ ? std::to_string(*momentum_) : "None") +
         ", affine=" + (weight.defined() ? "true" : "false") +
         ", track_running_stats=" + (running_mean.defined() ? "true" : "false");
}

}  // namespace kiln::nn
