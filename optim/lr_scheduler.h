#pragma once

// Learning-rate schedules, as torch.optim.lr_scheduler computes them: each step() applies
// PyTorch's recursive ("chainable") formula to the optimizer's current rates, so a sequence
// matches PyTorch's to rounding and schedules compose the same way.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "optim/commit.h"
#include "optim/optimizer.h"

namespace kiln::optim {

// What checkpoints save of any schedule.
class Schedule {
 public:
  virtual ~Schedule() = default;
  // The class name, as PyTorch's ("StepLR").
  virtual const char* name() const = 0;
  // The schedule's own fields, with its name under "type" so that a state loads into the
  // same kind of schedule only.
  nlohmann::json state_dict() const;
  // Checks a state whole, changing nothing: its type (states saved before kiln recorded it
  // have none, and load into any kind) and every field, and returns the Commit that
  // restores it; throws kiln::Error naming what does not fit.
  Commit prepare_load_state_dict(const nlohmann::json& state);
  void load_state_dict(const nlohmann::json& state) { prepare_load_state_dict(state)(); }

 protected:
  virtual nlohmann::json own_state() const = 0;
  // Parses and checks the fields of own_state() into staged values; throws kiln::Error or
  // nlohmann::json::exception.
  virtual Commit prepare_own_state(const nlohmann::json& state) = 0;
  // A list of one learning rate per parameter group: finite and non-negative.
  std::vector<double> read_rates(const nlohmann::json& state, const char* key,
                                 size_t group_count) const;
};

class LRScheduler : public Schedule {
 public:
  // Advances one step (an epoch or an iteration, as the training loop counts them) and sets
  // the optimizer's learning rates. Call it after optimizer.step().
  virtual void step();
  const std::vector<double>& last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }

 protected:
  // Records each group's initial rate (once per optimizer) as the base rates. Derived
  // constructors end with initial_step(), which sets the rates for epoch 0.
  explicit LRScheduler(Optimizer& optimizer);
  void initial_step();
  // Moves to the next epoch (or to `epoch`, by the closed form where there is one) and
  // applies the rates.
  void update_lr(std::optional<int64_t> epoch = std::nullopt);
  // Sets each group's rate and records them as last_lr.
  void apply_lrs(const std::vector<double>& lrs);
  // PyTorch's recursive_undo, which SequentialLR runs on the schedules it holds: a schedule
  // steps back over its initial step; one that holds schedules passes it on to them.
  virtual void undo_initial_steps() { --last_epoch_; }
  // last_epoch, step_count, base_lrs and last_lr.
  nlohmann::json own_state() const override;
  Commit prepare_own_state(const nlohmann::json& state) override;
  // A composite schedule's state: its own, with the states of the schedules it holds under
  // "schedulers".
  nlohmann::json state_with(const std::vector<std::shared_ptr<LRScheduler>>& schedulers) const;
  Commit prepare_state_with(const nlohmann::json& state,
                            const std::vector<std::shared_ptr<LRScheduler>>& schedulers);
  // The rates for last_epoch_ from the current ones; is_initial_ during initial_step().
  virtual std::vector<double> get_lr() = 0;
  virtual std::optional<std::vector<double>> closed_form_lr() const { return std::nullopt; }
  std::vector<double> current_lrs() const;

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
  bool is_initial_ = false;

  friend class SequentialLR;
  friend class ChainedScheduler;
};

// lr * gamma every step_size epochs.
class StepLR final : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);
  const char* name() const override { return "StepLR"; }

 private:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  int64_t step_size_;
  double gamma_;
};

// lr * gamma at each milestone epoch (a repeated milestone multiplies again).
class MultiStepLR final : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma = 0.1);
  const char* name() const override { return "MultiStepLR"; }

 private:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  std::vector<int64_t> milestones_;  // sorted
  double gamma_;
};

// lr * gamma every epoch.
class ExponentialLR final : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  const char* name() const override { return "ExponentialLR"; }

 private:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  double gamma_;
};

// The factor moves linearly from start_factor to end_factor over total_iters epochs.
class LinearLR final : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
           int64_t total_iters = 5);
  const char* name() const override { return "LinearLR"; }

 private:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

// SGDR's cosine without restarts (Loshchilov & Hutter 2017):
// lr_t = eta_min + (base - eta_min)(1 + cos(pi t / T_max)) / 2.
class CosineAnnealingLR final : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min = 0);
  const char* name() const override { return "CosineAnnealingLR"; }

 private:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  int64_t t_max_;
  double eta_min_;
};

// Runs each schedule in turn, switching at the milestones (torch SequentialLR). The
// schedules must already be attached to `optimizer`.
class SequentialLR final : public LRScheduler {
 public:
  SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones);
  const char* name() const override { return "SequentialLR"; }
  void step() override;

 private:
  nlohmann::json own_state() const override;
  Commit prepare_own_state(const nlohmann::json& state) override;
  std::vector<double> get_lr() override;
  void undo_initial_steps() override;
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

// Linear warmup from start_factor * lr over warmup_steps, then cosine annealing to eta_min
// at total_steps: SequentialLR of LinearLR and CosineAnnealingLR, as one builds it in
// PyTorch.
std::shared_ptr<SequentialLR> linear_warmup_cosine(Optimizer& optimizer, int64_t warmup_steps,
                                                   int64_t total_steps, double start_factor = 1e-3,
                                                   double eta_min = 0);

}  // namespace kiln::optim
