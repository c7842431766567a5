#pragma once

// One training run of `kiln train`: the model, its AdamW optimizer (with the model's
// parameter groups) and warmup-cosine schedule built from the run's config and recipe, the data
// generator, the progress within the epoch, and their checkpoint, with every step's loss in
// steps.csv. train_command.cpp drives it through the epochs.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "optim/adam.h"
#include "optim/checkpoint.h"
#include "optim/lr_scheduler.h"
#include "tensor/random.h"
#include "tools/commands.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"
#include "tools/sequence_model.h"

namespace kiln::tools {

// Where an epoch stands, as checkpoints keep it.
struct EpochProgress {
  double loss = 0;  // summed over the epoch's steps so far
  int64_t tokens = 0;
  int64_t steps = 0;
  double elapsed = 0;  // seconds of training over the whole run
  Scores scores;       // held-out, after the last epoch
};

class TrainingRun {
 public:
  // A new run (options.out must not hold one) or, with options.resume, the run in
  // options.out restored exactly; options takes the saved settings on resume.
  TrainingRun(TrainOptions& options, Device device);

  SequenceModel& model() { return *model_; }
  const optim::AdamW& optimizer() const { return *optimizer_; }
  int64_t step() const { return step_; }
  int64_t total_steps() const { return options_.epochs * options_.steps_per_epoch; }
  EpochProgress& progress() { return progress_; }
  const std::string& checkpoint_file() const { return checkpoint_file_; }
  const std::filesystem::path& directory() const { return directory_; }
  // The model's config and the training settings, as the checkpoint keeps them (for run.json).
  nlohmann::json resolved_config() const;

  // One optimizer step on a fresh batch; returns its loss and adds to the epoch's progress.
  double train_step();
  // Appends the steps taken since the last save to steps.csv, then saves the checkpoint: the
  // file holds exactly the checkpoint's steps.
  void save();

 private:
  optim::Checkpoint checkpoint();
  int64_t warmup_steps() const;
  std::shared_ptr<optim::SequentialLR> make_schedule();
  void resume(bool schedule_resized);

  TrainOptions& options_;
  Device device_;
  std::filesystem::path directory_;
  std::string checkpoint_file_;
  nlohmann::json config_;
  std::unique_ptr<SequenceModel> model_;
  std::unique_ptr<optim::AdamW> optimizer_;
  std::shared_ptr<optim::SequentialLR> schedule_;
  std::unique_ptr<Generator> data_;
  int64_t step_ = 0;
  EpochProgress progress_;
  std::unique_ptr<StepLog> steps_;
};

// The first `count` held-out examples beside the model's greedy answers, for examples.json
// (decoded as `kiln sample` does; the caller puts the model in eval mode).
std::vector<SequenceExample> sequence_examples(SequenceModel& model,
                                               const std::vector<models::Example>& held_out,
                                               Device device, size_t count = 4);

}  // namespace kiln::tools
