#include "nn/instance_norm.h"

#include "autograd/functions.h"
#include "nn/functional.h"
#include "tensor/creation.h"

namespace kiln::nn {

InstanceNorm::InstanceNorm(int spatial_dims, int64_t num_features, double eps, double momentum,
                           bool affine, bool track_running_stats)
    : NormBase("InstanceNorm" + std::to_string(spatial_dims) + "d", num_features, affine,
               track_running_stats),
      spatial_dims_(spatial_dims),
      eps_(eps),
      momentum_(momentum) {}

Tensor InstanceNorm::forward(const Tensor& input) {
  const bool batched = input.dim() == spatial_dims_ + 2;
  KILN_CHECK(
      (batched || input.dim() == spatial_dims_ + 1) && input.size(batched ? 1 : 0) == num_features_,
      type_name(), ": expected [N, ", num_features_, ", *] or [", num_features_, ", *] with ",
      spatial_dims_, " spatial dim(s), got shape ", input.shape());
  // num_batches_tracked stays 0, as PyTorch's: instance norm's momentum is never cumulative.
  const Tensor out =
      functional::instance_norm(batched ? input : input.unsqueeze(0),
                                {.running_mean = running_mean,
                                 .running_var = running_var,
                                 .weight = weight,
                                 .bias = bias,
                                 .use_input_stats = is_training() || !running_mean.defined(),
                                 .momentum = momentum_,
                                 .eps = eps_});
  return batched ? out : out.squeeze(0);
}

std::string InstanceNorm::extra_repr() const {
  return std::to_string(num_features_) + ", eps=" + std::to_string(eps_) +
         ", momentum=" + std::to_string(momentum_) +
         ", affine=" + (weight.defined() ? "true" : "false") +
         ", track_running_stats=" + (running_mean.defined() ? "true" : "false");
}

}  // namespace kiln::nn
