#pragma once

#include "nn/norm_base.h"

namespace kiln::nn {

// Instance normalisation (Ulyanov et al. 2016): each channel of each sample over its
// positions. As PyTorch's defaults, no affine parameters and no running statistics; with
// track_running_stats, training moves them by momentum and evaluation normalises with them.
// Takes [N, C, *spatial] or an unbatched [C, *spatial].
class InstanceNorm : public NormBase {
 public:
  InstanceNorm(int spatial_dims, int64_t num_features, double eps = 1e-5, double momentum = 0.1,
               bool affine = false, bool track_running_stats = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  int spatial_dims_;
  double eps_, momentum_;
};

class InstanceNorm1d : public InstanceNorm {
 public:
  explicit InstanceNorm1d(int64_t num_features, double eps = 1e-5, double momentum = 0.1,
                          bool affine = false, bool track_running_stats = false)
      : InstanceNorm(1, num_features, eps, momentum, affine, track_running_stats) {}
};

class InstanceNorm2d : public InstanceNorm {
 public:
  explicit InstanceNorm2d(int64_t num_features, double eps = 1e-5, double momentum = 0.1,
                          bool affine = false, bool track_running_stats = false)
      : InstanceNorm(2, num_features, eps, momentum, affine, track_running_stats) {}
};

class InstanceNorm3d : public InstanceNorm {
 public:
  explicit InstanceNorm3d(int64_t num_features, double eps = 1e-5, double momentum = 0.1,
                          bool affine = false, bool track_running_stats = false)
      : InstanceNorm(3, num_features, eps, momentum, affine, track_running_stats) {}
};

}  // namespace kiln::nn
