// kiln eval forecast: a trained forecaster's test scores in both drop_last modes, and its
// test forecasts written beside the truth as .npy ([windows, H, channels scored]).
#include <cstdio>
#include <filesystem>

#include "tensor/io/npy.h"
#include "tensor/parallel.h"
#include "tools/forecast_results.h"
#include "tools/forecast_training_run.h"
#include "tools/run_directory.h"
#include "tools/validators.h"

namespace kiln::tools {

CLI::App* add_eval_forecast_command(CLI::App& eval, ForecastEvalOptions& o) {
  CLI::App* forecast = eval.add_subcommand(
      "forecast",
      "Test a trained forecaster (the best epoch's weights) and write its forecasts as .npy");
  forecast->add_option("--out", o.run.out, "The run directory")->required();
  forecast->add_option("--device", o.run.device, "cpu or cuda:N")->capture_default_str();
  forecast->add_option("--threads", o.run.threads, "CPU threads (default: all cores)")
      ->check(kPositive);
  return forecast;
}

int run_eval_forecast(const ForecastEvalOptions& o) {
  const Device device = setup_device(o.run.device, o.run.threads);
  TrainedForecaster trained = load_trained_forecaster(o.run.out, device);
  const ForecastRunSettings& s = trained.settings;
  const models::ForecastEvaluation test =
      models::evaluate_forecaster(*trained.model, trained.data.test,
                                  {.batch_size = s.training.batch_size,
                                   .target_only = trained.data.target_only(),
                                   .keep_predictions = true});
  const std::filesystem::path dir(o.run.out);
  save_npy((dir / "test_predictions.npy").string(), test.predictions);
  save_npy((dir / "test_truth.npy").string(), test.truth);
  std::printf("%s on %s, features %s, L %lld, H %lld: %s\nforecasts written to %s and %s\n",
              s.model.c_str(), s.dataset.c_str(), s.features.c_str(),
              static_cast<long long>(s.lookback), static_cast<long long>(s.horizon),
              forecast_scores_line(test, s.training.batch_size).c_str(),
              (dir / "test_predictions.npy").c_str(), (dir / "test_truth.npy").c_str());
  return 0;
}

}  // namespace kiln::tools
