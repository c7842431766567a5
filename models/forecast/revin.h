#pragma once

// Reversible instance normalisation (Kim et al. 2022, "Reversible Instance Normalization for
// Accurate Time-Series Forecasting against Distribution Shift", eq. 1 and 2), as PatchTST's
// layers/RevIN.py and Time-Series-Library's layers/StandardNorm.py (Normalize, TimeMixer's)
// have it: each series of x [B, L, C] is centred on its mean (or its last value,
// subtract_last) and divided by its standard deviation over time, optionally scaled and
// shifted per channel; the forecast is mapped back with the same statistics.
//   norm:   x' = (x - center) / stdev * affine_weight + affine_bias
//   denorm: y = (y' - affine_bias) / (affine_weight + eps^2) * stdev + center
#include <cstdint>
#include <string>
#include <utility>

#include "nn/module.h"

namespace kiln::models {

// What normalisation measured, for the way back: both [B, 1, C].
struct RevINStatistics {
  Tensor center;  // the mean (detached) or the last value (not detached, as PatchTST's)
  Tensor stdev;   // sqrt(population variance + eps), detached
};

struct RevINOptions {
  double eps = 1e-5;
  bool affine = true;
  bool subtract_last = false;
  // Pass the series through unchanged both ways (TimeMixer's use_norm = 0); the affine
  // parameters are still registered, as the reference registers them.
  bool non_norm = false;
};

class RevIN : public nn::Module {
 public:
  explicit RevIN(int64_t num_features, RevINOptions options = {});
  // x [B, L, C] -> the normalised series and its statistics.
  std::pair<Tensor, RevINStatistics> normalize(const Tensor& x) const;
  // y [B, H, C] with the statistics of its input -> the forecast on the input's scale.
  Tensor denormalize(const Tensor& y, const RevINStatistics& statistics) const;
  std::string extra_repr() const override;

  Tensor affine_weight, affine_bias;  // [C], ones and zeros; undefined without affine

 private:
  int64_t num_features_;
  RevINOptions options_;
};

}  // namespace kiln::models
