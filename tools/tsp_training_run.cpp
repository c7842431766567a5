#include "tools/tsp_training_run.h"

#include "autograd/functions.h"
#include "models/attention_model.h"
#include "models/tasks/tsp_held_karp.h"
#include "models/tasks/tsp_instances.h"
#include "models/tsp_decoders.h"
#include "models/tsp_policies.h"
#include "nn/containers.h"
#include "optim/checkpoint.h"
#include "optim/clip_grad.h"
#include "tensor/error.h"
#include "tools/divergence_checks.h"
#include "tools/run_directory.h"

namespace kiln::tools {

namespace {

nlohmann::json settings_json(const TspTrainOptions& o) {
  return {{"model", o.model},
          {"nodes", o.nodes},
          {"epochs", o.epochs},
          {"epoch_size", o.epoch_size},
          {"batch_size", o.batch_size},
          {"lr", o.lr},
          {"lr_decay", o.lr_decay},
          {"lr_critic", o.lr_critic},
          {"clip", o.clip},
          {"baseline", o.baseline},
          {"exp_beta", o.exp_beta},
          {"bl_alpha", o.bl_alpha},
          {"bl_warmup_epochs", o.bl_warmup_epochs},
          {"val_size", o.val_size},
          {"seed", o.seed}};
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
  o.lr_critic = json.value("lr_critic", o.lr);
  json.at("clip").get_to(o.clip);
  json.at("baseline").get_to(o.baseline);
  json.at("exp_beta").get_to(o.exp_beta);
  json.at("bl_alpha").get_to(o.bl_alpha);
  json.at("bl_warmup_epochs").get_to(o.bl_warmup_epochs);
  json.at("val_size").get_to(o.val_size);
  json.at("seed").get_to(o.seed);
  if (o.epochs_given) o.epochs = epochs;
}

// The model's own baseline when none was asked for, and the pairs that make no sense refused.
void settle_baseline(TspTrainOptions& o) {
  if (o.baseline.empty())
    o.baseline = o.model == "am" ? "rollout" : o.model == "bello" ? "critic" : "none";
  KILN_CHECK(o.model != "pointer" || o.baseline == "none",
             "--model pointer trains supervised: it takes no --baseline, got ", o.baseline);
  KILN_CHECK(o.model == "pointer" || o.baseline != "none", "--model ", o.model,
             " trains by REINFORCE: --baseline must be rollout, exponential or critic");
  KILN_CHECK(o.baseline != "critic" || o.model == "bello",
             "--baseline critic is Bello et al.'s LSTM critic, for --model bello only");
}

nlohmann::json model_config(const TspTrainOptions& o) {
  if (o.model == "am")
    return models::AttentionModelConfig{
        .embedding_dim = o.embedding_dim, .n_encode_layers = o.layers, .n_heads = o.heads};
  const bool bello = o.model == "bello";
  return models::PointerNetworkConfig{.embedding_dim = o.embedding_dim,
                                      .hidden_dim = o.hidden_dim,
                                      .tanh_clipping = bello ? 10.0 : 0.0,
                                      .n_glimpses = bello ? 1 : 0};
}

// The checkpoint's model: the policy as "policy.*", the frozen baseline as "baseline.*" and
// the critic as "critic.*", where the run has them.
std::shared_ptr<nn::ModuleDict> checkpointed_models(
    const std::shared_ptr<models::TspPolicy>& policy, const std::shared_ptr<nn::Module>& frozen,
    const std::shared_ptr<nn::Module>& critic) {
  auto models = std::make_shared<nn::ModuleDict>();
  models->insert("policy", policy);
  if (frozen) models->insert("baseline", frozen);
  if (critic) models->insert("critic", critic);
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
  nlohmann::json config;
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
    settle_baseline(options_);
    config = model_config(options_);
  }
  KILN_CHECK(options_.steps_per_epoch() > 0, "--epoch-size ", options_.epoch_size,
             " is smaller than --batch-size ", options_.batch_size);
  prepare_run_directory(directory_);
  manual_seed(options_.seed);
  model_ = models::make_tsp_policy(options_.model, config);
  model_->to(device_);
  build_baseline(config);
  std::vector<optim::ParamGroup<optim::AdamOptions>> groups = {
      {model_->parameters(), {.lr = options_.lr}}};
  if (critic_) groups.push_back({critic_->parameters(), {.lr = options_.lr_critic}});
  optimizer_ = std::make_unique<optim::Adam>(groups);
  schedule_ = std::make_unique<optim::ExponentialLR>(*optimizer_, options_.lr_decay);
  if (options_.resume) restore();
  steps_ = std::make_unique<StepLog>(directory_, step_);
}

nlohmann::json TspTrainingRun::resolved_config() const {
  return {{"model", model_->config_json()}, {"settings", settings_json(options_)}};
}

void TspTrainingRun::build_baseline(const nlohmann::json& config) {
  if (options_.baseline == "rollout") {
    rollout_ = std::make_unique<models::RolloutBaseline>(
        *model_, options_.seed * 2 + 3,
        models::RolloutBaseline::Options{.nodes = options_.nodes,
                                         .evaluation_size = options_.val_size,
                                         .alpha = options_.bl_alpha});
  } else if (options_.baseline == "critic") {
    critic_ = std::make_shared<models::CriticNetworkLSTM>(config.at("hidden_dim").get<int64_t>());
    critic_->to(device_);
  } else if (options_.baseline == "none") {
    // Exact tours where Held-Karp is quick, else farthest insertion improved by 2-opt.
    teacher_ = models::tsp_baseline(
        options_.nodes <= models::kHeldKarpMaxNodes ? "held_karp" : "farthest_insertion+2opt",
        options_.nodes);
  }
}

void TspTrainingRun::save() {
  const auto models = checkpointed_models(model_, rollout_ ? rollout_->frozen() : nullptr, critic_);
  check_weights_finite(*models, step_, checkpoint_file_);
  steps_->flush();
  nlohmann::json extra = {
      {"config", model_->config_json()},
      {"tsp_settings", settings_json(options_)},
      {"epoch_loss", progress_.loss},
      {"epoch_cost", progress_.cost},
      {"epoch_baseline", progress_.baseline},
      {"epoch_steps", progress_.steps},
      {"elapsed", progress_.elapsed},
      {"exponential_baseline",
       exponential_.value() ? nlohmann::json(*exponential_.value()) : nlohmann::json(nullptr)}};
  if (rollout_) extra["rollout_instances_offset"] = rollout_->instances_offset();
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
  const auto models = checkpointed_models(model_, rollout_ ? rollout_->frozen() : nullptr, critic_);
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

// loss = mean((L - b) log p) (+ mean((b - L)^2) for a critic, whose b is detached in the
// first term).
TspStepResult TspTrainingRun::reinforce_step(const Tensor& coords) {
  const models::TourRollout rollout = model_->forward(
      coords, {.kind = models::DecodeStrategy::Kind::Sampling, .generator = &sampling_});
  const Tensor cost = models::tour_lengths(coords, rollout.tours);
  const Tensor baseline = critic_ ? critic_->forward(coords) : baseline_values(coords, cost);
  Tensor loss = ((cost - baseline.detach()) * rollout.log_likelihood).mean();
  if (critic_) loss = loss + (baseline - cost).square().mean();
  optimize(loss);
  return {loss.item<double>(), cost.mean().item<double>(), baseline.mean().item<double>()};
}

// loss = -mean(log p(solver's tour)).
TspStepResult TspTrainingRun::supervised_step(const Tensor& coords) {
  const models::TspSolutions targets = models::solve_tsp(coords.to(kCPU), *teacher_);
  const Tensor loss = -model_->log_likelihood(coords, targets.tours.to(device_)).mean();
  optimize(loss);
  return {loss.item<double>(), targets.lengths.mean().item<double>(), 0};
}

// Gradient norms are clipped per parameter group, as the reference does.
void TspTrainingRun::optimize(const Tensor& loss) {
  optimizer_->zero_grad();
  loss.backward();
  check_loss_finite(loss.item<double>(), step_ + 1, epoch() + 1);
  if (options_.clip > 0) {
    for (size_t group = 0; group < optimizer_->group_count(); ++group)
      optim::clip_grad_norm_(optimizer_->params(group), options_.clip);
  }
  optimizer_->step();
}

TspStepResult TspTrainingRun::train_step() {
  const Tensor coords =
      models::tsp_random_instances(options_.batch_size, options_.nodes, data_).to(device_);
  model_->train();
  const double rate = lr();
  const TspStepResult result = teacher_ ? supervised_step(coords) : reinforce_step(coords);
  ++step_;
  steps_->add(step_, result.loss, rate);
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

namespace {

TourExample tour_example(const std::string& name, const Tensor& tours, const Tensor& lengths,
                         int64_t instance) {
  return {.name = name,
          .tour = tours.select(0, instance).to_vector<int64_t>(),
          .length = lengths.select(0, instance).item<double>()};
}

}  // namespace

std::vector<TspExample> tsp_examples(models::TspPolicy& model, const Tensor& instances,
                                     const TourSet& baseline) {
  const models::DecodedTours greedy = models::decode_tsp(model, instances, {});
  std::vector<TspExample> examples;
  for (int64_t i = 0; i < instances.size(0); ++i) {
    TspExample example;
    const std::vector<double> xy = instances.select(0, i).to_vector<double>();
    for (size_t p = 0; p + 1 < xy.size(); p += 2) example.points.push_back({xy[p], xy[p + 1]});
    example.tours = {tour_example("model (greedy)", greedy.tours, greedy.lengths, i),
                     tour_example(baseline.name, baseline.tours, baseline.lengths, i)};
    examples.push_back(std::move(example));
  }
  return examples;
}

std::shared_ptr<models::TspPolicy> load_trained_tsp_model(const std::string& path, Device device) {
  const nlohmann::json extra = read_checkpoint_extra(path);
  KILN_CHECK(extra.contains("tsp_settings"), "'", path, "' is not a run of kiln train tsp");
  const nlohmann::json& settings = extra.at("tsp_settings");
  const std::string kind = settings.at("model");
  const nlohmann::json& config = extra.at("config");
  auto policy = models::make_tsp_policy(kind, config);
  const std::string baseline = settings.at("baseline");
  const auto models = checkpointed_models(
      policy, baseline == "rollout" ? models::make_tsp_policy(kind, config) : nullptr,
      baseline == "critic"
          ? std::make_shared<models::CriticNetworkLSTM>(config.value("hidden_dim", int64_t{128}))
          : nullptr);
  optim::Checkpoint into{.model = models.get(), .generators = {}};
  optim::load_checkpoint(path, into);
  policy->to(device);
  policy->eval();
  return policy;
}

}  // namespace kiln::tools
