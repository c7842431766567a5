#pragma once

// One run of `kiln train tsp`: the attention model, Adam with its per-epoch decay, the
// REINFORCE baselines, the data and sampling generators, where the epoch stands, and their
// checkpoint. The frozen rollout baseline is saved beside the policy (as "baseline.*" next
// to "policy.*"), so a resumed run continues exactly.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "models/attention_model.h"
#include "models/reinforce_baselines.h"
#include "optim/adam.h"
#include "optim/lr_scheduler.h"
#include "tools/commands.h"

namespace kiln::tools {

// Sums over the epoch's steps so far, as checkpoints keep them.
struct TspEpochProgress {
  double loss = 0, cost = 0, baseline = 0;
  int64_t steps = 0;
  double elapsed = 0;  // seconds of training over the whole run
};

struct TspStepResult {
  double loss, cost, baseline;
};

class TspTrainingRun {
 public:
  // A new run (options.out must not hold one) or, with options.resume, the run in options.out
  // restored exactly; options takes the saved settings on resume.
  TspTrainingRun(TspTrainOptions& options, Device device);

  models::AttentionModel& model() { return *model_; }
  int64_t step() const { return step_; }
  int64_t epoch() const { return step_ / options_.steps_per_epoch(); }  // 0-based, running
  int64_t total_steps() const { return options_.epochs * options_.steps_per_epoch(); }
  double lr() const { return optimizer_->lr(0); }
  TspEpochProgress& progress() { return progress_; }
  const std::filesystem::path& directory() const { return directory_; }
  const std::string& checkpoint_file() const { return checkpoint_file_; }

  // One REINFORCE step on a fresh batch of sampled tours.
  TspStepResult train_step();
  // At the end of an epoch: the rollout baseline's test (when past its warm-up) and the rate's
  // decay. Returns the baseline's verdict, if it ran.
  std::optional<models::RolloutBaseline::EpochResult> end_epoch();
  void save();

 private:
  Tensor baseline_values(const Tensor& coords, const Tensor& cost);
  void restore();

  TspTrainOptions& options_;
  Device device_;
  std::filesystem::path directory_;
  std::string checkpoint_file_;
  std::shared_ptr<models::AttentionModel> model_;
  std::unique_ptr<optim::Adam> optimizer_;
  std::unique_ptr<optim::ExponentialLR> schedule_;
  models::ExponentialBaseline exponential_;
  std::unique_ptr<models::RolloutBaseline> rollout_;
  Generator data_, sampling_;
  int64_t step_ = 0;
  TspEpochProgress progress_;
};

// The policy a `kiln train tsp` checkpoint holds, weights loaded, in eval mode on `device`.
std::shared_ptr<models::AttentionModel> load_trained_tsp_model(const std::string& path,
                                                               Device device);

}  // namespace kiln::tools
