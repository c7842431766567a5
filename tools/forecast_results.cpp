#include "tools/forecast_results.h"

#include <cstdio>

#include "models/forecast/forecasters.h"
#include "models/forecast/published_results.h"
#include "tensor/parallel.h"

namespace kiln::tools {
namespace {

nlohmann::json scores_json(const models::ForecastScores& scores) {
  return {{"mse", scores.mse}, {"mae", scores.mae}, {"windows", scores.windows}};
}

std::string scores_text(const models::ForecastScores& scores) {
  char text[128];
  std::snprintf(text, sizeof text, "MSE %.4f, MAE %.4f over %lld windows", scores.mse, scores.mae,
                static_cast<long long>(scores.windows));
  return text;
}

}  // namespace

nlohmann::json forecast_results_json(const ForecastRunSummary& r) {
  const ForecastRunSettings& s = r.settings;
  const bool drop_last = s.training.test_drop_last;
  const models::ForecastScores& reported = drop_last ? r.test.drop_last : r.test.all;
  nlohmann::json results = {{"model", s.model},
                            {"dataset", s.dataset},
                            {"settings", s},
                            {"parameters", r.parameters},
                            {"epochs_run", r.epochs_run},
                            {"best_epoch", r.stopping.best_epoch},
                            {"best_validation_mse", r.stopping.best.value_or(0)},
                            {"test", scores_json(r.test.all)},
                            {"test_drop_last", scores_json(r.test.drop_last)},
                            {"reported_mode", drop_last ? "drop_last" : "all"},
                            {"reported", scores_json(reported)},
                            {"seconds", r.seconds},
                            {"threads", num_threads()}};
  const auto published = models::published_result(s.model, s.dataset, s.horizon);
  // The published figure compares only in the paper's own setting.
  const bool paper_setting =
      s.features == "M" &&
      models::forecast_recipe(s.model, s.dataset, s.horizon).lookback == s.lookback;
  if (published && paper_setting) {
    results["published"] = {{"mse", published->mse}, {"source", published->source}};
    results["reproduced"] = reported.mse <= published->mse * (1 + models::kReproducedTolerance);
  }
  return results;
}

std::string forecast_scores_line(const models::ForecastEvaluation& test, int64_t batch_size) {
  return "test " + scores_text(test.all) + " (all); drop_last (batch " +
         std::to_string(batch_size) + "): " + scores_text(test.drop_last);
}

}  // namespace kiln::tools
