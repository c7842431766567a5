#pragma once

#include <optional>

#include "nn/norm_base.h"

namespace kiln::nn {

// Batch normalisation (Ioffe & Szegedy 2015) over every dim but the channels (dim 1): in
// training the batch's mean and biased variance normalise, and running_mean / running_var
// move towards the batch's mean and unbiased variance by `momentum` (a cumulative average
// when momentum is unset); in eval mode the running statistics normalise.
class BatchNorm : public NormBase {
 public:
  BatchNorm(int spatial_dims, int64_t num_features, double eps = 1e-5,
            std::optional<double> momentum = 0.1, bool affine = true,
            bool track_running_stats = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  // A state dict without num_batches_tracked (as older PyTorch wrote) loads it as 0.
  void complete_state_dict(StateDict& state, const std::string& prefix) const override;

 private:
  int spatial_dims_;
  double eps_;
  std::optional<double> momentum_;
};

class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(int64_t num_features, double eps = 1e-5,
                       std::optional<double> momentum = 0.1, bool affine = true,
                       bool track_running_stats = true)
      : BatchNorm(1, num_features, eps, momentum, affine, track_running_stats) {}
};

class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(int64_t num_features, double eps = 1e-5,
                       std::optional<double> momentum = 0.1, bool affine = true,
                       bool track_running_stats = true)
      : BatchNorm(2, num_features, eps, momentum, affine, track_running_stats) {}
};

}  // namespace kiln::nn
