#pragma once

// One run of `kiln train forecast`, after Time-Series-Library's Exp_Long_Term_Forecast: the
// forecaster, Adam on the MSE, the paper's learning-rate schedule (per epoch, or OneCycle per
// step for "TST"), batches of shuffled training windows, early stopping on the validation
// MSE with the best epoch's weights kept in best.safetensors, and their checkpoint, with every
// step's loss in steps.csv. A run stopped mid-epoch resumes exactly: each epoch's order comes
// from the seed and the epoch.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/forecast/forecast_evaluation.h"
#include "models/forecast/forecaster.h"
#include "models/tasks/forecast_data.h"
#include "optim/adam.h"
#include "optim/lr_scheduler.h"
#include "tools/commands.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"

namespace kiln::tools {

inline constexpr const char* kBestWeightsFile = "best.safetensors";
inline constexpr const char* kResultsFile = "results.json";

// Everything a run was started with, resolved against the paper's recipe; checkpoints keep
// it, so a resumed run and `kiln eval forecast` rebuild the same data and model.
struct ForecastRunSettings {
  std::string model, data, dataset, features, target;
  int64_t lookback = 96, horizon = 96;
  uint64_t seed = 2021;
  nlohmann::json model_config = nlohmann::json::object();
  models::ForecastTraining training;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ForecastRunSettings, model, data, dataset, features,
                                                target, lookback, horizon, seed, model_config,
                                                training)

// The settings a new run takes: the options given, the paper's recipe for the rest.
ForecastRunSettings resolve_forecast_settings(const ForecastTrainOptions& options);
// The settings a checkpoint's extra JSON holds, checked as the options of a new run are;
// a missing or malformed entry is a kiln::Error naming `source`.
ForecastRunSettings saved_forecast_settings(const nlohmann::json& extra, const std::string& source);
// The dataset the settings describe: the CSV read again (or the series generated again).
models::ForecastDataset load_forecast_dataset(const ForecastRunSettings& settings);
// The dataset's name for recipes and tables: the file's stem ("ETTh1"), or "generated".
std::string forecast_dataset_name(const std::string& data);

// Early stopping as Time-Series-Library's EarlyStopping (delta 0).
struct EarlyStopping {
  std::optional<double> best;  // the best validation MSE so far
  int64_t best_epoch = 0;      // 1-based
  int64_t bad_epochs = 0;      // since the best
  bool stopped = false;
};

struct ForecastEpochResult {
  int64_t epoch;  // 1-based
  double train_loss;
  models::ForecastScores validation, test;
  bool improved;
  double lr;  // for the next epoch
};

class ForecastTrainingRun {
 public:
  // A new run (options.out must not hold one) or, with options.resume, the run in options.out
  // restored exactly (with its saved settings).
  ForecastTrainingRun(ForecastTrainOptions& options, Device device);

  models::Forecaster& model() { return *model_; }
  const models::ForecastDataset& data() const { return data_; }
  const ForecastRunSettings& settings() const { return settings_; }
  const EarlyStopping& early_stopping() const { return stopping_; }
  const std::filesystem::path& directory() const { return directory_; }
  const std::string& checkpoint_file() const { return checkpoint_file_; }
  // The model's config and the run's settings, as the checkpoint keeps them (for run.json).
  nlohmann::json resolved_config() const;
  int64_t step() const { return step_; }
  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  int64_t epoch() const { return step_ / steps_per_epoch_; }  // completed epochs
  bool finished() const { return stopping_.stopped || epoch() >= settings_.training.epochs; }
  double lr() const { return optimizer_->lr(0); }
  double elapsed() const { return elapsed_; }
  void set_elapsed(double seconds) { elapsed_ = seconds; }
  double epoch_loss() const { return epoch_steps_ ? epoch_loss_ / epoch_steps_ : 0; }

  // One optimizer step on the next batch of the epoch; returns its loss.
  double train_step();
  // Scores the epoch, updates early stopping (saving the best weights) and the schedule.
  ForecastEpochResult end_epoch();
  // Appends the steps taken since the last save to steps.csv, then saves the checkpoint: the
  // file holds exactly the checkpoint's steps.
  void save();
  // The best epoch's weights loaded, then the test split scored.
  models::ForecastEvaluation test_best(bool keep_predictions);

 private:
  const std::vector<int64_t>& epoch_order();
  void make_schedule();
  void restore();

  ForecastTrainOptions& options_;
  Device device_;
  ForecastRunSettings settings_;
  models::ForecastDataset data_;
  std::filesystem::path directory_;
  std::string checkpoint_file_;
  std::shared_ptr<models::Forecaster> model_;
  std::unique_ptr<optim::Adam> optimizer_;
  std::unique_ptr<optim::LRScheduler> schedule_;
  int64_t steps_per_epoch_ = 0;
  int64_t step_ = 0;
  double epoch_loss_ = 0;
  int64_t epoch_steps_ = 0;
  double elapsed_ = 0;
  EarlyStopping stopping_;
  std::vector<int64_t> order_;
  int64_t order_epoch_ = -1;
  std::unique_ptr<StepLog> steps_;
};

// Three test windows (the first, the middle and the last) of up to three channels (the target,
// then the first others; only the target for S and MS): look-back, truth and `model`'s
// forecast on the standardised scale, for examples.json. One small batch.
std::vector<ForecastExample> forecast_examples(models::Forecaster& model,
                                               const models::ForecastDataset& data, Device device);

// The forecaster a run directory's best.safetensors holds, with the run's settings and data.
struct TrainedForecaster {
  ForecastRunSettings settings;
  models::ForecastDataset data;
  std::shared_ptr<models::Forecaster> model;
};
TrainedForecaster load_trained_forecaster(const std::string& directory, Device device);

}  // namespace kiln::tools
