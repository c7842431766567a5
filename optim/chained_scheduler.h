#pragma once

#include "optim/lr_scheduler.h"

namespace kiln::optim {

// Steps every schedule in turn on each step (torch ChainedScheduler), so their recursive
// formulas compose: e.g. ConstantLR's warmup factor on top of ExponentialLR's decay. The
// schedules must share one optimizer; last_lr is the optimizer's rates after the last one.
// last_epoch counts this schedule's steps (PyTorch's ChainedScheduler keeps none).
class ChainedScheduler final : public LRScheduler {
 public:
  explicit ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers);
  const char* name() const override { return "ChainedScheduler"; }
  void step() override;

 private:
  nlohmann::json own_state() const override;
  Commit prepare_own_state(const nlohmann::json& state) override;
  static Optimizer& shared_optimizer(const std::vector<std::shared_ptr<LRScheduler>>& schedulers);
  std::vector<double> get_lr() override;
  void undo_initial_steps() override;
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
};

}  // namespace kiln::optim
