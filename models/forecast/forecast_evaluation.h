#pragma once

// The long-term forecasting metrics as Time-Series-Library computes them (utils/metrics.py
// over the concatenated test predictions): MSE and MAE on the standardised scale, averaged
// over every window, horizon step and channel scored (only the target for MS and S, as
// f_dim = -1 slices). The test loader is not shuffled, so "drop_last" scores the first
// floor(windows / batch_size) * batch_size windows: PatchTST's published figures do, while
// Time-Series-Library today scores them all.
#include <cstdint>

#include "models/forecast/forecaster.h"
#include "models/tasks/forecast_data.h"

namespace kiln::models {

struct ForecastScores {
  double mse = 0, mae = 0;
  int64_t windows = 0;
};

struct ForecastEvaluation {
  ForecastScores all;        // every window
  ForecastScores drop_last;  // the windows of whole batches of batch_size
  Tensor predictions;        // [windows, H, channels scored] float32, when asked for
  Tensor truth;              // the same shape
};

struct ForecastEvaluationOptions {
  int64_t batch_size = 32;  // the loader's, for the drop_last scores
  bool target_only = false;
  bool keep_predictions = false;
};

// The model's forecasts of every window of `split`, in eval mode without gradients.
ForecastEvaluation evaluate_forecaster(Forecaster& model, const ForecastSplit& split,
                                       const ForecastEvaluationOptions& options);

// The training loss, mean((forecast - y)^2) over the channels scored.
Tensor forecast_loss(const Tensor& forecast, const Tensor& y, bool target_only);

}  // namespace kiln::models
