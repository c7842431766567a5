#pragma once

#include "optim/lr_scheduler.h"

namespace kiln::optim {

// lr = base * factor for the first total_iters epochs, then base (torch ConstantLR).
class ConstantLR final : public LRScheduler {
 public:
  ConstantLR(Optimizer& optimizer, double factor = 1.0 / 3, int64_t total_iters = 5);
  const char* name() const override { return "ConstantLR"; }

 private:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  double factor_;
  int64_t total_iters_;
};

}  // namespace kiln::optim
