#pragma once

// A finished forecasting run's results.json: its settings, the best epoch, the test scores in
// both drop_last modes (the recipe's mode reported), and the published figure beside them.
#include <string>

#include <nlohmann/json.hpp>

#include "models/forecast/forecast_evaluation.h"
#include "tools/forecast_training_run.h"

namespace kiln::tools {

struct ForecastRunSummary {
  const ForecastRunSettings& settings;
  const EarlyStopping& stopping;
  const models::ForecastEvaluation& test;
  int64_t parameters;
  int64_t epochs_run;
  double seconds;
};

nlohmann::json forecast_results_json(const ForecastRunSummary& summary);

// "test MSE 0.3812, MAE 0.4010 over 2785 windows (all); drop_last (batch 128): ..."
std::string forecast_scores_line(const models::ForecastEvaluation& test, int64_t batch_size);

}  // namespace kiln::tools
