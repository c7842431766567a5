#include "models/forecast/forecast_evaluation.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "nn/loss.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

// Windows forecast at once when scoring; the scores do not depend on it.
constexpr int64_t kEvaluationBatch = 256;

Tensor scored_channels(const Tensor& series, bool target_only) {
  return target_only ? series.narrow(2, series.size(2) - 1, 1) : series;
}

// Per-window sums of squared and absolute errors, accumulated in float64.
struct WindowErrors {
  std::vector<double> squared, absolute;
  int64_t values_per_window = 0;
};

ForecastScores scores_of(const WindowErrors& errors, int64_t windows) {
  const double count = static_cast<double>(windows * errors.values_per_window);
  const auto sum = [windows](const std::vector<double>& per_window) {
    return std::accumulate(per_window.begin(), per_window.begin() + windows, 0.0);
  };
  return {
      .mse = sum(errors.squared) / count, .mae = sum(errors.absolute) / count, .windows = windows};
}

}  // namespace

Tensor forecast_loss(const Tensor& forecast, const Tensor& y, bool target_only) {
  return nn::mse_loss(scored_channels(forecast, target_only), scored_channels(y, target_only));
}

ForecastEvaluation evaluate_forecaster(Forecaster& model, const ForecastSplit& split,
                                       const ForecastEvaluationOptions& options) {
  KILN_CHECK(options.batch_size > 0, "evaluate_forecaster: batch_size must be positive, got ",
             options.batch_size);
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  const int64_t windows = split.windows();
  WindowErrors errors;
  std::vector<Tensor> predictions, truths;
  for (int64_t first = 0; first < windows; first += kEvaluationBatch) {
    std::vector<int64_t> indices(static_cast<size_t>(std::min(kEvaluationBatch, windows - first)));
    std::iota(indices.begin(), indices.end(), first);
    const ForecastBatch batch = split.batch(indices);
    const Tensor forecast =
        scored_channels(model.forward(batch.x, batch.x_mark), options.target_only).to(kCPU);
    const Tensor truth = scored_channels(batch.y, options.target_only);
    const Tensor error = (forecast.to(kFloat64) - truth.to(kFloat64)).flatten(1);
    for (const double value : error.square().sum({1}).to_vector<double>())
      errors.squared.push_back(value);
    for (const double value : error.abs().sum({1}).to_vector<double>())
      errors.absolute.push_back(value);
    errors.values_per_window = error.size(1);
    if (options.keep_predictions) {
      predictions.push_back(forecast);
      truths.push_back(truth);
    }
  }
  model.train(was_training);
  ForecastEvaluation result{
      .all = scores_of(errors, windows),
      .drop_last = scores_of(errors, windows / options.batch_size * options.batch_size),
      .predictions = {},
      .truth = {}};
  if (options.keep_predictions) {
    result.predictions = cat(predictions, 0);
    result.truth = cat(truths, 0);
  }
  return result;
}

}  // namespace kiln::models
