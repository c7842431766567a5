#pragma once

// What every long-term forecaster offers the training loop: a look-back window of L
// standardised steps of C channels in, the next H steps of every channel out, as
// Time-Series-Library's models (thuml) take them. Models that ignore calendar features
// ignore x_mark.
#include <cstdint>
#include <string>

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
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ForecastShape, lookback, horizon, channels,
                                                mark_features)

// How a paper trained a model on one dataset and horizon, from its reference repository's
// scripts (Time-Series-Library's exp_long_term_forecasting.py loop and utils/tools.py's
// adjust_learning_rate).
struct ForecastTraining {
  double learning_rate = 1e-4;
  int64_t batch_size = 32;
  int64_t epochs = 10;
  int64_t patience = 3;  // epochs without a better validation loss before stopping
  // The schedule: "type1" halves the rate after every epoch; "type3" keeps it for two epochs,
  // then multiplies it by 0.9 per epoch (PatchTST); "TST" is OneCycleLR stepped per batch
  // with pct_start (PatchTST's one-cycle variant); "constant".
  std::string lradj = "type1";
  double pct_start = 0.3;
  // Whether the test loader drops its last incomplete batch (PatchTST's published figures
  // do; Time-Series-Library today does not).
  bool test_drop_last = false;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ForecastTraining, learning_rate, batch_size, epochs,
                                                patience, lradj, pct_start, test_drop_last)

struct ForecastRecipe {
  int64_t lookback = 96;
  nlohmann::json model = nlohmann::json::object();  // overrides of the model's Config
  ForecastTraining training;
};

class Forecaster : public nn::Module {
 public:
  using nn::Module::Module;

  // x [B, L, C] and its calendar features x_mark [B, L, F] (may be an undefined Tensor)
  // -> the forecast [B, H, C].
  virtual Tensor forward(const Tensor& x, const Tensor& x_mark) = 0;
  // The hyperparameters it was built with (its Config struct as JSON; checkpoints keep it,
  // and make_forecaster with the same shape rebuilds it).
  virtual nlohmann::json config_json() const = 0;
};

}  // namespace kiln::models
