#pragma once

#include <functional>
#include <optional>
#include <string>

#include "optim/lr_scheduler.h"

namespace kiln::optim {

struct CyclicOptions {
  std::vector<double> base_lr = {};  // the lower bound; one per group, or one for all
  std::vector<double> max_lr = {};   // the upper bound; likewise
  int64_t step_size_up = 2000;       // steps from base_lr up to max_lr
  std::optional<int64_t> step_size_down = std::nullopt;  // steps back down; step_size_up if unset
  // "triangular": no scaling; "triangular2": the amplitude halves each cycle; "exp_range":
  // it scales by gamma^step. Ignored when scale_fn is set.
  std::string mode = "triangular";
  double gamma = 1;
  // A custom amplitude scale in [0, 1], of the cycle number (from 1) or of the step, as
  // scale_mode says ("cycle" or "iterations"); replaces mode.
  std::function<double(double)> scale_fn = nullptr;
  std::string scale_mode = "cycle";
  // Cycle SGD's or RMSprop's momentum, or Adam's beta1, inversely to the rate, between
  // base_momentum (at max_lr) and max_momentum (at base_lr).
  bool cycle_momentum = true;
  std::vector<double> base_momentum = {0.8};  // one per group, or one for all
  std::vector<double> max_momentum = {0.9};
};

// Cyclical learning rates (Smith 2017), as torch CyclicLR: with x the position in the
// current cycle, lr = base_lr + (max_lr - base_lr) * triangle(x) * scale. Step it after every
// batch.
class CyclicLR final : public LRScheduler {
 public:
  CyclicLR(Optimizer& optimizer, CyclicOptions options);
  const char* name() const override { return "CyclicLR"; }

 private:
  std::vector<double> get_lr() override;
  double scale(double x) const;

  CyclicOptions options_;
  // Each option, one value per group.
  std::vector<double> max_lrs_, base_momentums_, max_momentums_;
  double total_size_, step_ratio_;
  bool scale_by_cycle_;
};

}  // namespace kiln::optim
