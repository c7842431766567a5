// kiln train forecast: a long-term forecaster trained with Time-Series-Library's protocol,
// with progress, a metrics row and a checkpoint after every epoch, early stopping, exact
// resumption with --resume and Ctrl-C saving a checkpoint before it exits; at the end the best
// epoch's weights are tested and OUT/results.json written. OUT also gets run.json, steps.csv
// and examples.json: test forecasts of the current model after every epoch, of the best
// epoch's weights at the end.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "autograd/anomaly_mode.h"
#include "models/forecast/forecasters.h"
#include "tensor/io/atomic_file.h"
#include "tensor/parallel.h"
#include "tools/csv_log.h"
#include "tools/divergence_checks.h"
#include "tools/forecast_results.h"
#include "tools/forecast_training_run.h"
#include "tools/interrupt.h"
#include "tools/progress.h"
#include "tools/run_directory.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"
#include "tools/validators.h"

namespace kiln::tools {

CLI::App* add_train_forecast_command(CLI::App& train, ForecastTrainOptions& o) {
  CLI::App* forecast = train.add_subcommand(
      "forecast",
      "Train a long-term forecaster on a CSV time series (date column, then numeric columns) "
      "with the benchmark protocol of Time-Series-Library; options left out take the paper's "
      "settings for the model, dataset and horizon (printed at start)");
  forecast->add_option("--model", o.model, "The forecaster")
      ->check(CLI::IsMember(models::forecaster_kinds()))
      ->capture_default_str();
  forecast
      ->add_option("--data", o.data,
                   "A CSV file (ETTh*/ETTm* split by months, others 70/10/20), or "
                   "'generated' (a multi-seasonal series made by kiln)")
      ->capture_default_str();
  forecast->add_option("--lookback", o.lookback, "Input steps L (default: the paper's)")
      ->check(kPositive);
  forecast->add_option("--horizon", o.horizon, "Steps to forecast H")
      ->check(kPositive)
      ->capture_default_str();
  forecast
      ->add_option("--features", o.features,
                   "M (all channels to all), S (the target only), MS (all to the target)")
      ->check(CLI::IsMember({"M", "S", "MS"}))
      ->capture_default_str();
  forecast->add_option("--target", o.target, "The target column for S and MS")
      ->capture_default_str();
  forecast->add_option("--epochs", o.epochs, "Most epochs")->check(kPositive);
  forecast->add_option("--batch-size", o.batch_size, "Windows per step")->check(kPositive);
  forecast->add_option("--lr", o.lr, "Adam's learning rate")->check(kPositive);
  forecast
      ->add_option("--patience", o.patience,
                   "Epochs without a better validation MSE before stopping")
      ->check(kPositive);
  forecast
      ->add_option("--lradj", o.lradj,
                   "The schedule: type1 (halved each epoch), type3 (PatchTST's: 0.9 per "
                   "epoch after three), TST (OneCycle per step), constant")
      ->check(CLI::IsMember({"type1", "type3", "TST", "constant"}));
  forecast->add_option("--pct-start", o.pct_start, "TST: the share of steps warming up")
      ->check(CLI::Range(0.0, 1.0));
  forecast->add_option("--test-drop-last", o.test_drop_last,
                       "Report the test scores without the last incomplete batch (PatchTST's "
                       "papers) rather than over every window");
  forecast->add_option("--set", o.model_settings,
                       "A model hyperparameter, KEY=VALUE (e.g. --set d_model=32); repeatable");
  forecast->add_option("--seed", o.seed, "Seed for initialisation, order and dropout")
      ->capture_default_str();
  forecast->add_option("--device", o.device, "cpu or cuda:N")->capture_default_str();
  forecast->add_option("--threads", o.threads, "CPU threads (default: all cores)")
      ->check(kPositive);
  forecast->add_option("--out", o.out, "Run directory (default: runs/forecast-MODEL-DATA-H)");
  forecast->add_flag("--resume", o.resume,
                     "Continue the run in --out exactly where it stopped, with its settings");
  forecast->add_flag("--detect-anomaly", o.detect_anomaly, kDetectAnomalyHelp);
  forecast
      ->add_option("--stop-at-step", o.stop_at_step,
                   "Save a checkpoint and stop once the run reaches this step; --resume "
                   "continues it as if it had not stopped")
      ->check(kPositive);
  forecast
      ->add_option("--stop-at-epoch", o.stop_at_epoch,
                   "Save a checkpoint and stop after this epoch; --resume continues it as if "
                   "it had not stopped (kiln sweep pauses its trials so)")
      ->check(kPositive);
  return forecast;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr const char* kMetricsHeader =
    "epoch,step,loss,validation_mse,validation_mae,test_mse,test_mae,improved,lr,"
    "windows_per_second,seconds";

// One row of OUT/metrics.csv.
std::string metrics_row(const ForecastEpochResult& r, int64_t step, double windows_per_second,
                        double seconds) {
  char row[512];
  std::snprintf(row, sizeof row, "%lld,%lld,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%.6g,%.1f,%.2f",
                static_cast<long long>(r.epoch), static_cast<long long>(step), r.train_loss,
                r.validation.mse, r.validation.mae, r.test.mse, r.test.mae, r.improved ? 1 : 0,
                r.lr, windows_per_second, seconds);
  return row;
}

std::string epoch_summary(const ForecastEpochResult& r, int64_t epochs, const EarlyStopping& s,
                          double seconds) {
  char line[512];
  std::snprintf(line, sizeof line,
                "epoch %lld/%lld  loss %.4f  validation MSE %.4f%s  test MSE %.4f, MAE %.4f  "
                "lr %.2e  %s elapsed",
                static_cast<long long>(r.epoch), static_cast<long long>(epochs), r.train_loss,
                r.validation.mse,
                r.improved ? " (best)"
                           : (" (best " + std::to_string(*s.best).substr(0, 6) + " at epoch " +
                              std::to_string(s.best_epoch) + ")")
                                 .c_str(),
                r.test.mse, r.test.mae, r.lr, format_duration(seconds).c_str());
  return line;
}

std::string start_line(const ForecastTrainingRun& run, int64_t parameters, const Device& device) {
  const ForecastRunSettings& s = run.settings();
  const models::ForecastTraining& t = s.training;
  const models::ForecastDataset& d = run.data();
  return "kiln train forecast: " + s.model + " (" + std::to_string(parameters) +
         " parameters) on " + s.dataset + ", " + std::to_string(d.channels.size()) +
         " channels, features " + s.features + ", L " + std::to_string(s.lookback) + ", H " +
         std::to_string(s.horizon) + "; windows train " + std::to_string(d.train.windows()) +
         ", validation " + std::to_string(d.validation.windows()) + ", test " +
         std::to_string(d.test.windows()) + "\n  model " + s.model_config.dump() + "\n  training " +
         nlohmann::json(t).dump() + "\n  on " + device.str() + ", " +
         std::to_string(num_threads()) + " threads" +
         (run.step() > 0 ? "; resumed at step " + std::to_string(run.step()) : "");
}

// examples.json: the test forecasts of the model as it is now, whose weights are `epoch`'s.
void write_examples(ForecastTrainingRun& run, int64_t epoch, Device device) {
  write_run_examples(run.directory(),
                     {.epoch = epoch,
                      .forecasts = forecast_examples(run.model(), run.data(), device),
                      .tours = {},
                      .sequences = {}});
}

}  // namespace

int run_train_forecast(ForecastTrainOptions o) {
  const Device device = setup_device(o.device, o.threads);
  const DetectAnomalyGuard anomaly(o.detect_anomaly);
  ForecastTrainingRun run(o, device);
  const CsvLog metrics(run.directory() / kMetricsFile, kMetricsHeader, run.epoch());
  write_run_record(run.directory(), "forecast", run.resolved_config(), machine_json(), o.resume);
  const bool shown = !o.quiet;
  Progress progress(stdout, "win");
  const auto say = [&](const std::string& line) {
    if (shown) progress.message(line);
  };
  say(start_line(run, run.model().parameter_count(), device));
  const InterruptRequest interrupt;
  const Clock::time_point started =
      Clock::now() -
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(run.elapsed()));
  const int64_t steps = run.steps_per_epoch(), batch_size = run.settings().training.batch_size;
  const int64_t epochs = run.settings().training.epochs;
  while (!run.finished()) {
    const int64_t epoch = run.epoch() + 1;
    if (shown) progress.start_epoch(epoch, epochs, steps);
    const auto epoch_clock = Clock::now();
    const int64_t first_step = run.step();
    while (run.step() < epoch * steps) {
      if (interrupt.requested() ||
          stop_requested(o.stop_at_step, o.stop_at_epoch, run.step(), steps)) {
        run.set_elapsed(seconds_since(started));
        run.save();
        say((interrupt.requested() ? "interrupted" : "stopped") + std::string(" at step ") +
            std::to_string(run.step()) + "; checkpoint saved to " + run.checkpoint_file() +
            "; continue with: kiln train forecast --out " + o.out + " --resume");
        return interrupt.requested() ? 130 : 0;
      }
      run.train_step();
      if (shown)
        progress.update(run.step() - (epoch - 1) * steps, run.epoch_loss(),
                        static_cast<double>((run.step() - first_step) * batch_size) /
                            std::max(seconds_since(epoch_clock), 1e-9));
    }
    const double windows_per_second = static_cast<double>((run.step() - first_step) * batch_size) /
                                      std::max(seconds_since(epoch_clock), 1e-9);
    const ForecastEpochResult result = run.end_epoch();
    write_examples(run, epoch, device);
    run.set_elapsed(seconds_since(started));
    metrics.append({metrics_row(result, run.step(), windows_per_second, run.elapsed())});
    if (shown)
      progress.end_epoch(epoch_summary(result, epochs, run.early_stopping(), run.elapsed()));
    run.save();
  }
  const models::ForecastEvaluation test = run.test_best(/*keep_predictions=*/false);
  write_examples(run, run.early_stopping().best_epoch, device);
  const nlohmann::json results = forecast_results_json({.settings = run.settings(),
                                                        .stopping = run.early_stopping(),
                                                        .test = test,
                                                        .parameters = run.model().parameter_count(),
                                                        .epochs_run = run.epoch(),
                                                        .seconds = run.elapsed()});
  write_file_atomically((run.directory() / kResultsFile).string(), results.dump(2) + "\n");
  say((run.early_stopping().stopped ? "early stop after epoch " : "finished epoch ") +
      std::to_string(run.epoch()) + "; best epoch " +
      std::to_string(run.early_stopping().best_epoch) + "; " +
      forecast_scores_line(test, batch_size) + "; results in " +
      (run.directory() / kResultsFile).string());
  return 0;
}

}  // namespace kiln::tools
