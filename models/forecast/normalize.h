#pragma once

// Reversible instance normalisation (RevIN, Kim et al. 2022, "Reversible Instance
// Normalization for Accurate Time-Series Forecasting against Distribution Shift"), as
// Time-Series-Library's layers/StandardNorm.py (Normalize) writes it: each window is
// standardised per channel over its steps, x' = (x - mean) / stdev * affine_weight +
// affine_bias, and the forecast is mapped back with the same window's statistics. The
// statistics are constants to autograd (detached), as the reference's.
#include <utility>

#include "nn/module.h"

namespace kiln::models {

// One window's statistics over its steps: mean and stdev = sqrt(var + eps) (population
// variance), each [B, 1, C] for a window [B, T, C].
struct SeriesStatistics {
  Tensor mean, stdev;
};

class Normalize : public nn::Module {
 public:
  // non_norm: pass the series through unchanged both ways (the reference's use_norm = 0);
  // the affine parameters are still registered, as the reference registers them.
  explicit Normalize(int64_t num_features, double eps = 1e-5, bool affine = false,
                     bool non_norm = false);
  // x [B, T, C] (or [B, ..., C], reduced over every dim but the first and the last).
  std::pair<Tensor, SeriesStatistics> normalize(const Tensor& x) const;
  // The inverse of normalize for a forecast y [B, H, C] of the same windows:
  // (y - affine_bias) / (affine_weight + eps^2) * stdev + mean.
  Tensor denormalize(const Tensor& y, const SeriesStatistics& statistics) const;
  std::string extra_repr() const override;

  Tensor affine_weight, affine_bias;  // [C]; undefined without affine

 private:
  int64_t num_features_;
  double eps_;
  bool non_norm_;
};

}  // namespace kiln::models
