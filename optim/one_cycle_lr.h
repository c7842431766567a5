#pragma once

#include <string>

#include "optim/lr_scheduler.h"

namespace kiln::optim {

struct OneCycleOptions {
  std::vector<double> max_lr = {};  // one per group, or one for all
  int64_t total_steps = 0;
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";  // "cos" or "linear"
  bool cycle_momentum = true;
  double base_momentum = 0.85;
  double max_momentum = 0.95;
  double div_factor = 25;
  double final_div_factor = 1e4;
  bool three_phase = false;
};

// The 1cycle policy (Smith & Topin 2018), as torch OneCycleLR: the rate rises from
// max_lr / div_factor to max_lr over pct_start of the steps, then anneals to
// initial / final_div_factor, while the momentum (or Adam's beta1) moves the opposite way.
class OneCycleLR final : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, OneCycleOptions options);
  const char* name() const override { return "OneCycleLR"; }

 private:
  // A rate is an index into GroupRates::lr: the initial, maximum and final rates.
  enum Rate { kInitial = 0, kMax = 1, kMin = 2 };
  struct Phase {
    double end_step;
    Rate start_lr, end_lr;
    double start_momentum, end_momentum;
  };
  struct GroupRates {
    double lr[3];
  };
  std::vector<double> get_lr() override;
  double anneal(double start, double end, double pct) const;

  OneCycleOptions options_;
  std::vector<Phase> phases_;
  std::vector<GroupRates> rates_;
};

}  // namespace kiln::optim
