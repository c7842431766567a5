#pragma once

// What every long-term forecaster offers the training loop: a look-back window of L
// standardised steps of C channels in, the next H steps of every channel out, as
// Time-Series-Library's models (thuml) take them. Models that ignore calendar features
// ignore x_mark.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "nn/module.h"

namespace kiln::models {

// The sizes a forecaster is built for: look-back L (seq_len), horizon H (pred_len), input
// channels C (enc_in) and calendar features F per step (0 when the data has none).
struct ForecastShape {
  int64_t lookback = 96;
  int64_t horizon = 96;
  int64_t channels = 7;
  int64_t mark_features = 4;
};

class Forecaster : public nn::Module {
 public:
  using nn::Module::Module;

  // x [B, L, C] and its calendar features x_mark [B, L, F] (may be an undefined Tensor)
  // -> the forecast [B, H, C].
  virtual Tensor forward(const Tensor& x, const Tensor& x_mark) = 0;
  // The config it was built from, shape included, as JSON (checkpoints keep it).
  virtual nlohmann::json config_json() const = 0;
};

}  // namespace kiln::models
