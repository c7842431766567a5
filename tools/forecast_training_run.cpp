#include "tools/forecast_training_run.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "autograd/grad_mode.h"
#include "models/forecast/forecasters.h"
#include "optim/checkpoint.h"
#include "optim/lambda_lr.h"
#include "optim/one_cycle_lr.h"
#include "tensor/error.h"
#include "tensor/io/json_input.h"
#include "tools/divergence_checks.h"
#include "tools/run_directory.h"

namespace kiln::tools {

namespace {

constexpr const char* kSettingsKey = "forecast_settings";

// "KEY=VALUE" with VALUE as JSON where it parses ("16", "true", "0.1"), else as a string.
void apply_model_setting(const std::string& setting, nlohmann::json& config) {
  const size_t equals = setting.find('=');
  KILN_CHECK(equals != std::string::npos && equals > 0, "--set takes KEY=VALUE, got '", setting,
             "'");
  const std::string value = setting.substr(equals + 1);
  const nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  config[setting.substr(0, equals)] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
}

models::ForecastShape shape_of(const ForecastRunSettings& s, const models::ForecastDataset& data) {
  return {.lookback = s.lookback,
          .horizon = s.horizon,
          .channels = static_cast<int64_t>(data.channels.size()),
          .mark_features = data.train.mark_features()};
}

// The learning-rate factor of 0-based epoch k under Time-Series-Library's adjust_learning_rate,
// which sets epoch k's rate after epoch k - 1: type1 halves it from epoch 2 on; type3
// (PatchTST) keeps it for three epochs, then multiplies by 0.9 per epoch.
optim::LRLambda epoch_factor(const std::string& lradj) {
  if (lradj == "type1") return [](int64_t k) { return std::pow(0.5, std::max<int64_t>(0, k - 1)); };
  if (lradj == "type3") return [](int64_t k) { return std::pow(0.9, std::max<int64_t>(0, k - 3)); };
  KILN_CHECK(lradj == "constant", "unknown --lradj '", lradj,
             "' (known: type1, type3, TST, constant)");
  return [](int64_t) { return 1.0; };
}

ForecastRunSettings saved_settings(const std::string& checkpoint_file) {
  KILN_CHECK(std::filesystem::exists(checkpoint_file), "no run there: no checkpoint at '",
             checkpoint_file, "'");
  return saved_forecast_settings(read_checkpoint_extra(checkpoint_file), checkpoint_file);
}

// What the command line's checks would have refused (forecast_train_command.cpp).
void check_settings(const ForecastRunSettings& s) {
  const std::vector<std::string>& kinds = models::forecaster_kinds();
  KILN_CHECK(std::find(kinds.begin(), kinds.end(), s.model) != kinds.end(), "unknown model '",
             s.model, "'");
  models::parse_feature_mode(s.features);
  KILN_CHECK(s.lookback > 0 && s.horizon > 0, "lookback and horizon must be positive, got ",
             s.lookback, " and ", s.horizon);
  KILN_CHECK(s.model_config.is_object(), "model_config must be an object");
  const models::ForecastTraining& t = s.training;
  KILN_CHECK(t.learning_rate > 0 && t.batch_size > 0 && t.epochs > 0 && t.patience > 0,
             "learning_rate, batch_size, epochs and patience must be positive");
  KILN_CHECK(t.pct_start >= 0 && t.pct_start <= 1, "pct_start must lie in [0, 1], got ",
             t.pct_start);
  if (t.lradj != "TST") epoch_factor(t.lradj);
}

std::string default_out(const ForecastRunSettings& s) {
  return "runs/forecast-" + s.model + "-" + s.dataset + "-" + std::to_string(s.horizon);
}

ForecastRunSettings settings_for(ForecastTrainOptions& options) {
  if (options.resume) {
    KILN_CHECK(!options.out.empty(), "--resume needs --out, the run directory to continue");
    return saved_settings((std::filesystem::path(options.out) / kCheckpointFile).string());
  }
  ForecastRunSettings settings = resolve_forecast_settings(options);
  if (options.out.empty()) options.out = default_out(settings);
  return settings;
}

nlohmann::json early_stopping_json(const EarlyStopping& s) {
  return {{"best", s.best ? nlohmann::json(*s.best) : nlohmann::json(nullptr)},
          {"best_epoch", s.best_epoch},
          {"bad_epochs", s.bad_epochs},
          {"stopped", s.stopped}};
}

EarlyStopping early_stopping_from(const nlohmann::json& json) {
  EarlyStopping s{.best = std::nullopt,
                  .best_epoch = json.at("best_epoch"),
                  .bad_epochs = json.at("bad_epochs"),
                  .stopped = json.at("stopped")};
  if (!json.at("best").is_null()) s.best = json.at("best").get<double>();
  return s;
}

}  // namespace

std::string forecast_dataset_name(const std::string& data) {
  return data == "generated" ? data : std::filesystem::path(data).stem().string();
}

ForecastRunSettings saved_forecast_settings(const nlohmann::json& extra,
                                            const std::string& source) {
  KILN_CHECK(extra.is_object() && extra.contains(kSettingsKey), "'", source,
             "' is not a run of kiln train forecast");
  const nlohmann::json& saved = extra.at(kSettingsKey);
  for (const auto& field : {"lookback", "horizon", "seed"})
    check_integers(saved, {field}, "'" + source + "': forecast settings");
  for (const auto& field : {"batch_size", "epochs", "patience"})
    check_integers(saved, {"training", field}, "'" + source + "': forecast settings");
  try {
    const ForecastRunSettings settings = saved.get<ForecastRunSettings>();
    check_settings(settings);
    return settings;
  } catch (const nlohmann::json::exception& error) {
    throw Error(detail::concat("'", source, "': unreadable forecast settings: ", error.what()));
  } catch (const Error& error) {
    throw Error(detail::concat("'", source, "': forecast settings: ", error.what()));
  }
}

ForecastRunSettings resolve_forecast_settings(const ForecastTrainOptions& o) {
  const std::string dataset = forecast_dataset_name(o.data);
  const models::ForecastRecipe recipe = models::forecast_recipe(o.model, dataset, o.horizon);
  ForecastRunSettings s{.model = o.model,
                        .data = o.data,
                        .dataset = dataset,
                        .features = o.features,
                        .target = o.target,
                        .lookback = o.lookback.value_or(recipe.lookback),
                        .horizon = o.horizon,
                        .seed = o.seed,
                        .model_config = recipe.model,
                        .training = recipe.training};
  for (const std::string& setting : o.model_settings) apply_model_setting(setting, s.model_config);
  models::ForecastTraining& t = s.training;
  t.learning_rate = o.lr.value_or(t.learning_rate);
  t.batch_size = o.batch_size.value_or(t.batch_size);
  t.epochs = o.epochs.value_or(t.epochs);
  t.patience = o.patience.value_or(t.patience);
  t.lradj = o.lradj.value_or(t.lradj);
  t.pct_start = o.pct_start.value_or(t.pct_start);
  t.test_drop_last = o.test_drop_last.value_or(t.test_drop_last);
  if (t.lradj != "TST") epoch_factor(t.lradj);  // refuses an unknown schedule now
  return s;
}

models::ForecastDataset load_forecast_dataset(const ForecastRunSettings& s) {
  const models::TimeSeriesTable table = s.data == "generated"
                                            ? models::generated_time_series()
                                            : models::read_time_series_csv(s.data);
  return models::make_forecast_dataset(table, {.lookback = s.lookback,
                                               .horizon = s.horizon,
                                               .features = models::parse_feature_mode(s.features),
                                               .target = s.target,
                                               .split = models::split_rule_for(table.source)});
}

ForecastTrainingRun::ForecastTrainingRun(ForecastTrainOptions& options, Device device)
    : options_(options),
      device_(device),
      settings_(settings_for(options)),
      data_(load_forecast_dataset(settings_)),
      directory_(options.out),
      checkpoint_file_((directory_ / kCheckpointFile).string()) {
  KILN_CHECK(options_.resume || !std::filesystem::exists(checkpoint_file_), "'", options_.out,
             "' already holds a run; pass --resume to continue it, or choose another --out");
  const models::ForecastTraining& t = settings_.training;
  steps_per_epoch_ = data_.train.windows() / t.batch_size;
  KILN_CHECK(steps_per_epoch_ > 0, "the training split of '", settings_.data, "' has ",
             data_.train.windows(), " windows, fewer than one batch of ", t.batch_size);
  manual_seed(settings_.seed);
  model_ =
      models::make_forecaster(settings_.model, shape_of(settings_, data_), settings_.model_config);
  model_->to(device_);
  optimizer_ = std::make_unique<optim::Adam>(model_->parameters(),
                                             optim::AdamOptions{.lr = t.learning_rate});
  make_schedule();
  prepare_run_directory(directory_);
  if (options_.resume) restore();
  steps_ = std::make_unique<StepLog>(directory_, step_);
}

nlohmann::json ForecastTrainingRun::resolved_config() const {
  return {{"model", model_->config_json()}, {"settings", settings_}};
}

void ForecastTrainingRun::make_schedule() {
  const models::ForecastTraining& t = settings_.training;
  if (t.lradj == "TST") {
    schedule_ = std::make_unique<optim::OneCycleLR>(
        *optimizer_, optim::OneCycleOptions{.max_lr = {t.learning_rate},
                                            .total_steps = t.epochs * steps_per_epoch_,
                                            .pct_start = t.pct_start});
  } else {
    schedule_ = std::make_unique<optim::LambdaLR>(*optimizer_, epoch_factor(t.lradj));
  }
}

// Epoch k's order of the training windows: a shuffle seeded by the run's seed and k, so a run
// resumed mid-epoch continues the same order.
const std::vector<int64_t>& ForecastTrainingRun::epoch_order() {
  if (order_epoch_ != epoch()) {
    order_.resize(static_cast<size_t>(data_.train.windows()));
    std::iota(order_.begin(), order_.end(), 0);
    std::mt19937_64 shuffle(settings_.seed * 1000003 + static_cast<uint64_t>(epoch()));
    std::ranges::shuffle(order_, shuffle);
    order_epoch_ = epoch();
  }
  return order_;
}

double ForecastTrainingRun::train_step() {
  const int64_t batch_size = settings_.training.batch_size;
  const auto first = epoch_order().begin() + (step_ % steps_per_epoch_) * batch_size;
  const models::ForecastBatch batch = data_.train.batch({first, first + batch_size});
  const double rate = lr();
  model_->train();
  const Tensor forecast = model_->forward(batch.x.to(device_), batch.x_mark.to(device_));
  const Tensor loss = models::forecast_loss(forecast, batch.y.to(device_), data_.target_only());
  optimizer_->zero_grad();
  loss.backward();
  const double value = loss.item<double>();
  check_loss_finite(value, step_ + 1, epoch() + 1);
  optimizer_->step();
  if (settings_.training.lradj == "TST") schedule_->step();
  ++step_;
  steps_->add(step_, value, rate);
  epoch_loss_ += value;
  ++epoch_steps_;
  return value;
}

ForecastEpochResult ForecastTrainingRun::end_epoch() {
  const models::ForecastEvaluationOptions scoring{.batch_size = settings_.training.batch_size,
                                                  .target_only = data_.target_only()};
  ForecastEpochResult result{
      .epoch = epoch(),
      .train_loss = epoch_loss(),
      .validation = models::evaluate_forecaster(*model_, data_.validation, scoring).all,
      .test = models::evaluate_forecaster(*model_, data_.test, scoring).all,
      .improved = false,
      .lr = 0};
  result.improved = !stopping_.best || result.validation.mse < *stopping_.best;
  if (result.improved) {
    stopping_.best = result.validation.mse;
    stopping_.best_epoch = result.epoch;
    stopping_.bad_epochs = 0;
    check_weights_finite(*model_, step_, (directory_ / kBestWeightsFile).string());
    optim::save_checkpoint((directory_ / kBestWeightsFile).string(),
                           {.model = model_.get(), .generators = {}});
  } else {
    stopping_.stopped = ++stopping_.bad_epochs >= settings_.training.patience;
  }
  if (settings_.training.lradj != "TST") schedule_->step();
  epoch_loss_ = 0;
  epoch_steps_ = 0;
  result.lr = lr();
  return result;
}

void ForecastTrainingRun::save() {
  check_weights_finite(*model_, step_, checkpoint_file_);
  steps_->flush();
  optim::save_checkpoint(checkpoint_file_,
                         {.model = model_.get(),
                          .optimizer = optimizer_.get(),
                          .schedule = schedule_.get(),
                          .step = step_,
                          .extra = {{kSettingsKey, settings_},
                                    {"config", model_->config_json()},
                                    {"early_stopping", early_stopping_json(stopping_)},
                                    {"epoch_loss", epoch_loss_},
                                    {"epoch_steps", epoch_steps_},
                                    {"elapsed", elapsed_}}});
}

void ForecastTrainingRun::restore() {
  optim::Checkpoint into{
      .model = model_.get(), .optimizer = optimizer_.get(), .schedule = schedule_.get()};
  optim::load_checkpoint(checkpoint_file_, into);
  step_ = into.step;
  stopping_ = early_stopping_from(into.extra.at("early_stopping"));
  epoch_loss_ = into.extra.at("epoch_loss");
  epoch_steps_ = into.extra.at("epoch_steps");
  elapsed_ = into.extra.at("elapsed");
}

models::ForecastEvaluation ForecastTrainingRun::test_best(bool keep_predictions) {
  optim::Checkpoint best{.model = model_.get(), .generators = {}};
  optim::load_checkpoint((directory_ / kBestWeightsFile).string(), best);
  return models::evaluate_forecaster(*model_, data_.test,
                                     {.batch_size = settings_.training.batch_size,
                                      .target_only = data_.target_only(),
                                      .keep_predictions = keep_predictions});
}

namespace {

// The channels drawn, as indices into the model's: the target first, then the first others, up
// to three; for S and MS only the target, the last.
std::vector<int64_t> example_channels(const models::ForecastDataset& data) {
  const int64_t count = static_cast<int64_t>(data.channels.size());
  if (data.target_only()) return {count - 1};
  const auto target = std::ranges::find(data.channels, data.options.target);
  std::vector<int64_t> channels = {target - data.channels.begin()};
  for (int64_t c = 0; c < count && channels.size() < 3; ++c)
    if (c != channels.front()) channels.push_back(c);
  return channels;
}

// One channel of a window [T, C]: its T values.
std::vector<double> channel_values(const Tensor& window, int64_t channel) {
  return window.select(1, channel).to_vector<double>();
}

}  // namespace

std::vector<ForecastExample> forecast_examples(models::Forecaster& model,
                                               const models::ForecastDataset& data, Device device) {
  const int64_t last = data.test.windows() - 1;
  std::vector<int64_t> windows = {0, last / 2, last};
  windows.erase(std::unique(windows.begin(), windows.end()), windows.end());
  const models::ForecastBatch batch = data.test.batch(windows);
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  const Tensor forecast = model.forward(batch.x.to(device), batch.x_mark.to(device)).to(kCPU);
  model.train(was_training);
  std::vector<ForecastExample> examples;
  for (size_t w = 0; w < windows.size(); ++w) {
    const auto b = static_cast<int64_t>(w);
    for (const int64_t c : example_channels(data))
      examples.push_back({.window = windows[w],
                          .channel = data.channels[static_cast<size_t>(c)],
                          .lookback = channel_values(batch.x.select(0, b), c),
                          .truth = channel_values(batch.y.select(0, b), c),
                          .prediction = channel_values(forecast.select(0, b), c)});
  }
  return examples;
}

TrainedForecaster load_trained_forecaster(const std::string& directory, Device device) {
  const std::filesystem::path dir(directory);
  const ForecastRunSettings settings = saved_settings((dir / kCheckpointFile).string());
  const std::string best = (dir / kBestWeightsFile).string();
  KILN_CHECK(std::filesystem::exists(best), "'", directory,
             "' has no best.safetensors yet: no epoch of it has finished");
  models::ForecastDataset data = load_forecast_dataset(settings);
  auto model =
      models::make_forecaster(settings.model, shape_of(settings, data), settings.model_config);
  optim::Checkpoint into{.model = model.get(), .generators = {}};
  optim::load_checkpoint(best, into);
  model->to(device);
  model->eval();
  return {settings, std::move(data), model};
}

}  // namespace kiln::tools
