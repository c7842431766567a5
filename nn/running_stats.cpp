#include "nn/running_stats.h"

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"

namespace kiln::nn {

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
