#include "nn/norm_base.h"

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"

namespace kiln::nn {

NormBase::NormBase(std::string type_name, int64_t num_features, bool affine,
                   bool track_running_stats)
    : UnaryModule(std::move(type_name)), num_features_(num_features) {
  if (affine) {
    weight = register_parameter("weight", ones({num_features}));
    bias = register_parameter("bias", zeros({num_features}));
  }
  if (track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}));
    running_var = register_buffer("running_var", ones({num_features}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, {.dtype = kInt64}));
  }
}

namespace {
void move_towards(Tensor running, const Tensor& batch, double factor) {
  running.mul_(full({}, 1 - factor, {.dtype = running.dtype(), .device = running.device()}));
  running.add_(batch.detach().reshape(running.shape()) * factor);
}
}  // namespace

void update_running_stats(const Tensor& running_mean, const Tensor& running_var, const Tensor& mean,
                          const Tensor& unbiased_var, double factor) {
  NoGradGuard no_grad;
  move_towards(running_mean, mean, factor);
  move_towards(running_var, unbiased_var, factor);
}

}  // namespace kiln::nn
