#pragma once

// One run of `kiln train tsp`: the policy (models/tsp_policies.h), Adam with its per-epoch
// decay (the critic in a group of its own), the baseline (Kool et al.'s greedy rollout with an
// exponential warm-up, a moving average, or Bello et al.'s critic) or, for the supervised
// pointer network, the solver its targets come from; the data and sampling generators, where
// the epoch stands, and their checkpoint. The frozen rollout baseline and the critic are saved
// beside the policy ("baseline.*", "critic.*" next to "policy.*"), so a resumed run continues
// exactly. Every step's loss goes to steps.csv.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/pointer_network.h"
#include "models/reinforce_baselines.h"
#include "models/tasks/tsp_baselines.h"
#include "optim/adam.h"
#include "optim/lr_scheduler.h"
#include "tools/commands.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"
#include "tools/tsp_svg.h"

namespace kiln::tools {

// Sums over the epoch's steps so far, as checkpoints keep them.
struct TspEpochProgress {
  double loss = 0, cost = 0, baseline = 0;
  int64_t steps = 0;
  double elapsed = 0;  // seconds of training over the whole run
};

// A step's loss, the mean length of its tours (the sampled ones, or the solver's targets when
// supervised) and the mean baseline (0 when supervised).
struct TspStepResult {
  double loss, cost, baseline;
};

class TspTrainingRun {
 public:
  // A new run (options.out must not hold one) or, with options.resume, the run in options.out
  // restored exactly; options takes the saved settings on resume.
  TspTrainingRun(TspTrainOptions& options, Device device);

  models::TspPolicy& model() { return *model_; }
  int64_t step() const { return step_; }
  int64_t epoch() const { return step_ / options_.steps_per_epoch(); }  // 0-based, running
  int64_t total_steps() const { return options_.epochs * options_.steps_per_epoch(); }
  double lr() const { return optimizer_->lr(0); }
  TspEpochProgress& progress() { return progress_; }
  const std::filesystem::path& directory() const { return directory_; }
  const std::string& checkpoint_file() const { return checkpoint_file_; }
  // The policy's config and the training settings, as the checkpoint keeps them (for run.json).
  nlohmann::json resolved_config() const;

  // One optimizer step on a fresh batch.
  TspStepResult train_step();
  // At the end of an epoch: the rate's decay and the rollout baseline's test (whose verdict
  // it returns, when there is one).
  std::optional<models::RolloutBaseline::EpochResult> end_epoch();
  // Appends the steps taken since the last save to steps.csv, then saves the checkpoint: the
  // file holds exactly the checkpoint's steps.
  void save();

 private:
  // The baseline (or the supervised targets' solver) for the policy built from `config`.
  void build_baseline(const nlohmann::json& config);
  Tensor baseline_values(const Tensor& coords, const Tensor& cost);
  TspStepResult reinforce_step(const Tensor& coords);
  TspStepResult supervised_step(const Tensor& coords);
  void optimize(const Tensor& loss);
  void restore();

  TspTrainOptions& options_;
  Device device_;
  std::filesystem::path directory_;
  std::string checkpoint_file_;
  std::shared_ptr<models::TspPolicy> model_;
  std::shared_ptr<models::CriticNetworkLSTM> critic_;
  std::unique_ptr<optim::Adam> optimizer_;
  std::unique_ptr<optim::ExponentialLR> schedule_;
  models::ExponentialBaseline exponential_;
  std::unique_ptr<models::RolloutBaseline> rollout_;
  std::optional<models::TspBaseline> teacher_;  // the supervised targets' solver
  Generator data_, sampling_;
  int64_t step_ = 0;
  TspEpochProgress progress_;
  std::unique_ptr<StepLog> steps_;
};

// The model's greedy tours of `instances` (float64 on the CPU, [K, n, 2]) beside `baseline`'s
// tours of the same instances, for examples.json.
std::vector<TspExample> tsp_examples(models::TspPolicy& model, const Tensor& instances,
                                     const TourSet& baseline);

// The policy a `kiln train tsp` checkpoint holds, weights loaded, in eval mode on `device`.
std::shared_ptr<models::TspPolicy> load_trained_tsp_model(const std::string& path, Device device);

}  // namespace kiln::tools
