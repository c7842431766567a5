#include "tools/training_run.h"

#include "autograd/functions.h"
#include "optim/clip_grad.h"
#include "tensor/error.h"
#include "tools/divergence_checks.h"
#include "tools/run_directory.h"

namespace kiln::tools {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrainRecipe, beta1, beta2, weight_decay,
                                                warmup_steps, warmup_start_factor, final_lr_ratio)

namespace {

nlohmann::json settings_json(const TrainOptions& o) {
  return {{"epochs", o.epochs},
          {"steps_per_epoch", o.steps_per_epoch},
          {"batch_size", o.batch_size},
          {"lr", o.lr},
          {"seed", o.seed},
          {"eval_size", o.eval_size},
          {"target_accuracy", o.target_accuracy},
          {"clip", o.clip},
          {"recipe", o.recipe}};
}

// The saved settings replace the options, but for more --epochs given to extend the run.
// Runs saved before the recipe was recorded trained with the default recipe.
void apply_settings(const nlohmann::json& json, TrainOptions& o) {
  const int64_t epochs = o.epochs;
  o.epochs = json.at("epochs");
  o.steps_per_epoch = json.at("steps_per_epoch");
  o.batch_size = json.at("batch_size");
  o.lr = json.at("lr");
  o.seed = json.at("seed");
  o.eval_size = json.at("eval_size");
  o.target_accuracy = json.at("target_accuracy");
  o.clip = json.at("clip");
  o.recipe = json.value("recipe", TrainRecipe{});
  if (o.epochs_given) o.epochs = epochs;
}

// The run's model config: the saved one on resume (after checking the task), else a new one
// from the options.
nlohmann::json run_config(TrainOptions& o, const std::string& checkpoint_file,
                          nlohmann::json& saved_extra) {
  if (o.resume) {
    KILN_CHECK(std::filesystem::exists(checkpoint_file), "nothing to resume: no checkpoint at '",
               checkpoint_file, "'");
    saved_extra = read_checkpoint_extra(checkpoint_file);
    nlohmann::json config = saved_extra.at("config");
    KILN_CHECK(config.at("task") == o.task, "'", checkpoint_file, "' is a run of task '",
               config.at("task").get<std::string>(), "', not '", o.task, "'");
    apply_settings(saved_extra.at("settings"), o);
    return config;
  }
  KILN_CHECK(!std::filesystem::exists(checkpoint_file), "'", o.out,
             "' already holds a run; pass --resume to continue it, or choose another --out");
  const models::SequenceTask task(o.task, {.min_length = o.min_length,
                                           .max_length = o.max_length,
                                           .base = o.base,
                                           .length = o.length,
                                           .data_tokens = o.data_tokens});
  return SequenceModel::make_config(o.model, task,
                                    {.d_model = o.d_model,
                                     .heads = o.heads,
                                     .layers = o.layers,
                                     .dropout = o.dropout,
                                     .d_state = o.d_state,
                                     .d_conv = o.d_conv,
                                     .expand = o.expand});
}

}  // namespace

TrainingRun::TrainingRun(TrainOptions& options, Device device)
    : options_(options), device_(device) {
  if (options_.out.empty()) options_.out = "runs/" + options_.task + "-" + options_.model;
  directory_ = options_.out;
  checkpoint_file_ = (directory_ / kCheckpointFile).string();
  nlohmann::json saved_extra = nlohmann::json::object();
  config_ = run_config(options_, checkpoint_file_, saved_extra);
  const bool resized =
      options_.resume && saved_extra.at("settings").at("epochs").get<int64_t>() != options_.epochs;
  prepare_run_directory(directory_);

  manual_seed(options_.seed);
  model_ = std::make_unique<SequenceModel>(config_);
  model_->module().to(device_);
  const TrainRecipe& r = options_.recipe;
  optimizer_ = std::make_unique<optim::AdamW>(model_->param_groups(optim::AdamWOptions{
      .lr = options_.lr, .beta1 = r.beta1, .beta2 = r.beta2, .weight_decay = r.weight_decay}));
  KILN_CHECK(total_steps() > warmup_steps(), "train at least ", warmup_steps() + 1, " steps, not ",
             total_steps());
  schedule_ = make_schedule();
  data_ = std::make_unique<Generator>(options_.seed * 2 + 1);
  progress_.scores = {.exact_match = saved_extra.value("accuracy", 0.0),
                      .token_accuracy = saved_extra.value("token_accuracy", 0.0)};
  if (options_.resume) resume(resized);
  steps_ = std::make_unique<StepLog>(directory_, step_);
}

nlohmann::json TrainingRun::resolved_config() const {
  return {{"model", config_}, {"settings", settings_json(options_)}};
}

int64_t TrainingRun::warmup_steps() const {
  if (options_.recipe.warmup_steps > 0) return options_.recipe.warmup_steps;
  return std::max<int64_t>(1, std::min<int64_t>(200, total_steps() / 10));
}

std::shared_ptr<optim::SequentialLR> TrainingRun::make_schedule() {
  return optim::linear_warmup_cosine(*optimizer_, warmup_steps(), total_steps(),
                                     options_.recipe.warmup_start_factor,
                                     options_.recipe.final_lr_ratio * options_.lr);
}

optim::Checkpoint TrainingRun::checkpoint() {
  nlohmann::json extra = {{"config", config_},
                          {"settings", settings_json(options_)},
                          {"epoch_loss", progress_.loss},
                          {"epoch_tokens", progress_.tokens},
                          {"epoch_steps", progress_.steps},
                          {"elapsed", progress_.elapsed},
                          {"accuracy", progress_.scores.exact_match},
                          {"token_accuracy", progress_.scores.token_accuracy}};
  return {.model = &model_->module(),
          .optimizer = optimizer_.get(),
          .schedule = schedule_.get(),
          .generators = {{"default", &default_generator()}, {"data", data_.get()}},
          .step = step_,
          .extra = std::move(extra)};
}

// A run resumed with another number of epochs takes the schedule of its new length at the
// step reached: the saved one was for the old length (after a finished run its rate is 0).
void TrainingRun::resume(bool schedule_resized) {
  optim::Checkpoint into = checkpoint();
  if (schedule_resized) into.schedule = nullptr;
  optim::load_checkpoint(checkpoint_file_, into);
  step_ = into.step;
  if (schedule_resized) {
    for (size_t g = 0; g < optimizer_->group_count(); ++g) {
      optimizer_->set_lr(g, options_.lr);
      optimizer_->initial_lr(g).reset();
    }
    schedule_ = make_schedule();
    for (int64_t k = 0; k < std::min(step_, total_steps()); ++k) schedule_->step();
  }
  progress_.loss = into.extra.at("epoch_loss");
  progress_.tokens = into.extra.at("epoch_tokens");
  progress_.steps = into.extra.at("epoch_steps");
  progress_.elapsed = into.extra.at("elapsed");
}

double TrainingRun::train_step() {
  const double lr = optimizer_->lr(0);
  int64_t tokens = 0;
  optimizer_->zero_grad();
  const Tensor loss =
      model_->loss(model_->task().samples(*data_, options_.batch_size, false), device_, tokens);
  loss.backward();
  const double value = loss.item<double>();
  check_loss_finite(value, step_ + 1, step_ / options_.steps_per_epoch + 1);
  if (options_.clip > 0) optim::clip_grad_norm_(model_->module().parameters(), options_.clip);
  optimizer_->step();
  schedule_->step();
  ++step_;
  steps_->add(step_, value, lr);
  ++progress_.steps;
  progress_.loss += value;
  progress_.tokens += tokens;
  return value;
}

void TrainingRun::save() {
  check_weights_finite(model_->module(), step_, checkpoint_file_);
  steps_->flush();
  optim::save_checkpoint(checkpoint_file_, checkpoint());
}

std::vector<SequenceExample> sequence_examples(SequenceModel& model,
                                               const std::vector<models::Example>& held_out,
                                               Device device, size_t count) {
  const size_t shown = std::min(count, held_out.size());
  std::vector<std::vector<int64_t>> sources;
  for (size_t i = 0; i < shown; ++i) sources.push_back(held_out[i].source);
  const std::vector<std::vector<int64_t>> answers = model.answer(sources, device);
  std::vector<SequenceExample> examples;
  for (size_t i = 0; i < shown; ++i)
    examples.push_back({held_out[i].source, held_out[i].target, answers[i]});
  return examples;
}

}  // namespace kiln::tools
