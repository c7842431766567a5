#include "tools/tsp_training_run.h"

#include "autograd/functions.h"
#include "models/tasks/tsp_instances.h"
#include "nn/containers.h"
#include "optim/checkpoint.h"
#include "optim/clip_grad.h"
#include "tensor/error.h"
#include "tools/run_directory.h"

namespace kiln::tools {

namespace {

nlohmann::json settings_json(const TspTrainOptions& o) {
  return {{"model", o.model},           {"nodes", o.nodes},
          {"epochs", o.epochs},         {"epoch_size", o.epoch_size},
          {"batch_size", o.batch_size}, {"lr", o.lr},
          {"lr_decay", o.lr_decay},     {"clip", o.clip},
          {"baseline", o.baseline},     {"exp_beta", o.exp_beta},
          {"bl_alpha", o.bl_alpha},     {"bl_warmup_epochs", o.bl_warmup_epochs},
          {"val_size", o.val_size},     {"seed", o.seed}};
}

// The saved settings replace the options, but for more --epochs given to extend the run.
void apply_settings(const nlohmann::json& json, TspTrainOptions& o) {
  const int64_t epochs = o.epochs;
  json.at("model").get_to(o.model);
  json.at("nodes").get_to(o.nodes);
  json.at("epochs").get_to(o.epochs);
  json.at("epoch_size").get_to(o.epoch_size);
  json.at("batch_size").get_to(o.batch_size);
  json.at("lr").get_to(o.lr);
  json.at("lr_decay").get_to(o.lr_decay);
  json.at("clip").get_to(o.clip);
  json.at("baseline").get_to(o.baseline);
  json.at("exp_beta").get_to(o.exp_beta);
  json.at("bl_alpha").get_to(o.bl_alpha);
  json.at("bl_warmup_epochs").get_to(o.bl_warmup_epochs);
  json.at("val_size").get_to(o.val_size);
  json.at("seed").get_to(o.seed);
  if (o.epochs_given) o.epochs = epochs;
}

models::AttentionModelConfig model_config(const TspTrainOptions& o) {
  return {.embedding_dim = o.embedding_dim, .n_encode_layers = o.layers, .n_heads = o.heads};
}

// The checkpoint's model: the policy as "policy.*" and the frozen baseline as "baseline.*".
std::shared_ptr<nn::ModuleDict> checkpointed_models(
    const std::shared_ptr<models::AttentionModel>& policy, const models::RolloutBaseline* rollout) {
  auto models = std::make_shared<nn::ModuleDict>();
  models->insert("policy", policy);
  if (rollout != nullptr) models->insert("baseline", rollout->frozen());
  return models;
}

}  // namespace

TspTrainingRun::TspTrainingRun(TspTrainOptions& options, Device device)
    : options_(options),
      device_(device),
      exponential_(options.exp_beta),
      data_(options.seed * 2 + 1),
      sampling_(options.seed * 2 + 2) {
  if (options_.out.empty())
    options_.out = "runs/tsp" + std::to_string(options_.nodes) + "-" + options_.model;
  directory_ = options_.out;
  checkpoint_file_ = (directory_ / kCheckpointFile).string();
  nlohmann::json config = nlohmann::json(model_config(options_));
  if (options_.resume) {
    KILN_CHECK(std::filesystem::exists(checkpoint_file_), "nothing to resume: no checkpoint at '",
               checkpoint_file_, "'");
    const nlohmann::json extra = read_checkpoint_extra(checkpoint_file_);
    KILN_CHECK(extra.contains("tsp_settings"), "'", checkpoint_file_,
               "' is not a run of kiln train tsp");
    apply_settings(extra.at("tsp_settings"), options_);
    config = extra.at("config");
  } else {
    KILN_CHECK(!std::filesystem::exists(checkpoint_file_), "'", options_.out,
               "' already holds a run; pass --resume to continue it, or choose another --out");
  }
  KILN_CHECK(options_.model == "am", "kiln train tsp: --model ", options_.model,
             " is not built yet; am (the attention model) is");
  KILN_CHECK(options_.steps_per_epoch() > 0, "--epoch-size ", options_.epoch_size,
             " is smaller than --batch-size ", options_.batch_size);
  std::filesystem::create_directories(directory_);
  manual_seed(options_.seed);
  model_ = std::make_shared<models::AttentionModel>(config.get<models::AttentionModelConfig>());
  model_->to(device_);
  optimizer_ =
      std::make_unique<optim::Adam>(model_->parameters(), optim::AdamOptions{.lr = options_.lr});
  schedule_ = std::make_unique<optim::ExponentialLR>(*optimizer_, options_.lr_decay);
  if (options_.baseline == "rollout") {
    rollout_ = std::make_unique<models::RolloutBaseline>(
        *model_, options_.seed * 2 + 3,
        models::RolloutBaseline::Options{.nodes = options_.nodes,
                                         .evaluation_size = options_.val_size,
                                         .alpha = options_.bl_alpha});
  }
  if (options_.resume) restore();
}

void TspTrainingRun::save() {
  nlohmann::json extra = {
      {"config", nlohmann::json(model_->config())},
      {"tsp_settings", settings_json(options_)},
      {"epoch_loss", progress_.loss},
      {"epoch_cost", progress_.cost},
      {"epoch_baseline", progress_.baseline},
      {"epoch_steps", progress_.steps},
      {"elapsed", progress_.elapsed},
      {"exponential_baseline",
       exponential_.value() ? nlohmann::json(*exponential_.value()) : nlohmann::json(nullptr)}};
  if (rollout_) extra["rollout_instances_offset"] = rollout_->instances_offset();
  const auto models = checkpointed_models(model_, rollout_.get());
  optim::save_checkpoint(checkpoint_file_, {.model = models.get(),
                                            .optimizer = optimizer_.get(),
                                            .schedule = schedule_.get(),
                                            .generators = {{"default", &default_generator()},
                                                           {"data", &data_},
                                                           {"sampling", &sampling_}},
                                            .step = step_,
                                            .extra = std::move(extra)});
}

void TspTrainingRun::restore() {
  const auto models = checkpointed_models(model_, rollout_.get());
  optim::Checkpoint into{
      .model = models.get(),
      .optimizer = optimizer_.get(),
      .schedule = schedule_.get(),
      .generators = {
          {"default", &default_generator()}, {"data", &data_}, {"sampling", &sampling_}}};
  optim::load_checkpoint(checkpoint_file_, into);
  step_ = into.step;
  const nlohmann::json& extra = into.extra;
  progress_ = {.loss = extra.at("epoch_loss"),
               .cost = extra.at("epoch_cost"),
               .baseline = extra.at("epoch_baseline"),
               .steps = extra.at("epoch_steps"),
               .elapsed = extra.at("elapsed")};
  const nlohmann::json& value = extra.at("exponential_baseline");
  if (!value.is_null()) exponential_.set_value(value.get<double>());
  if (rollout_) rollout_->restore(extra.at("rollout_instances_offset").get<uint64_t>());
}

// Kool et al.'s warm-up: the exponential baseline for the first bl_warmup_epochs, then the
// greedy rollout of the frozen policy.
Tensor TspTrainingRun::baseline_values(const Tensor& coords, const Tensor& cost) {
  if (rollout_ && epoch() >= options_.bl_warmup_epochs) return rollout_->eval(coords);
  return full({cost.size(0)}, exponential_.update(cost),
              {.dtype = cost.dtype(), .device = device_});
}

TspStepResult TspTrainingRun::train_step() {
  const Tensor coords =
      models::tsp_random_instances(options_.batch_size, options_.nodes, data_).to(device_);
  optimizer_->zero_grad();
  const models::TourRollout rollout = model_->forward(
      coords, {.kind = models::DecodeStrategy::Kind::Sampling, .generator = &sampling_});
  const Tensor cost = models::tour_lengths(coords, rollout.tours);
  const Tensor baseline = baseline_values(coords, cost);
  const Tensor loss = ((cost - baseline) * rollout.log_likelihood).mean();
  loss.backward();
  if (options_.clip > 0) optim::clip_grad_norm_(model_->parameters(), options_.clip);
  optimizer_->step();
  ++step_;
  const TspStepResult result{.loss = loss.item<double>(),
                             .cost = cost.mean().item<double>(),
                             .baseline = baseline.mean().item<double>()};
  progress_.loss += result.loss;
  progress_.cost += result.cost;
  progress_.baseline += result.baseline;
  ++progress_.steps;
  return result;
}

std::optional<models::RolloutBaseline::EpochResult> TspTrainingRun::end_epoch() {
  schedule_->step();
  progress_ = {.elapsed = progress_.elapsed};
  if (!rollout_) return std::nullopt;
  return rollout_->epoch_callback(*model_);
}

std::shared_ptr<models::AttentionModel> load_trained_tsp_model(const std::string& path,
                                                               Device device) {
  const nlohmann::json extra = read_checkpoint_extra(path);
  KILN_CHECK(extra.contains("tsp_settings"), "'", path, "' is not a run of kiln train tsp");
  const auto config = extra.at("config").get<models::AttentionModelConfig>();
  auto policy = std::make_shared<models::AttentionModel>(config);
  auto models = std::make_shared<nn::ModuleDict>();
  models->insert("policy", policy);
  if (extra.contains("rollout_instances_offset"))
    models->insert("baseline", std::make_shared<models::AttentionModel>(config));
  optim::Checkpoint into{.model = models.get(), .generators = {}};
  optim::load_checkpoint(path, into);
  policy->to(device);
  policy->eval();
  return policy;
}

}  // namespace kiln::tools
