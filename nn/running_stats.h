#pragma once

// The running statistics batch and instance normalisation keep for evaluation.
#include "tensor/tensor.h"

namespace kiln::nn {

// running = (1 - factor) running + factor batch, in place and outside the graph, for the
// channel means and unbiased variances of one training step.
void update_running_stats(const Tensor& running_mean, const Tensor& running_var, const Tensor& mean,
                          const Tensor& unbiased_var, double factor);

}  // namespace kiln::nn
