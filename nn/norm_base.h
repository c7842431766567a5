#pragma once

// What batch and instance normalisation share (PyTorch's _NormBase): the affine parameters,
// the running statistics, and their update.
#include <string>

#include "nn/containers.h"

namespace kiln::nn {

class NormBase : public UnaryModule {
 public:
  Tensor weight, bias;
  Tensor running_mean, running_var, num_batches_tracked;

 protected:
  // weight (ones) and bias (zeros) when affine; running_mean (zeros), running_var (ones) and
  // num_batches_tracked when tracking running statistics; all of num_features.
  NormBase(std::string type_name, int64_t num_features, bool affine, bool track_running_stats);

  int64_t num_features_;
};

// running = (1 - factor) running + factor batch, in place and outside the graph, for the
// channel means and unbiased variances of one training step.
void update_running_stats(const Tensor& running_mean, const Tensor& running_var, const Tensor& mean,
                          const Tensor& unbiased_var, double factor);

}  // namespace kiln::nn
