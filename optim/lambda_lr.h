#pragma once

// Schedules given by the caller's functions of the epoch. Their state dicts hold the epoch
// and rates but not the functions (a std::function cannot be written out; PyTorch saves a
// lambda's state only when it is a callable object): rebuild the schedule with the same
// functions, then load its state.
#include <functional>

#include "optim/lr_scheduler.h"

namespace kiln::optim {

// A factor as a function of the epoch (0 at construction, +1 each step).
using LRLambda = std::function<double(int64_t)>;

// lr = base * lr_lambda(t) (torch LambdaLR): one function for every group, or one per group.
class LambdaLR final : public LRScheduler {
 public:
  LambdaLR(Optimizer& optimizer, LRLambda lr_lambda);
  LambdaLR(Optimizer& optimizer, std::vector<LRLambda> lr_lambdas);
  const char* name() const override { return "LambdaLR"; }

 private:
  std::vector<double> get_lr() override;
  std::vector<LRLambda> lr_lambdas_;
};

// lr_t = lr_{t-1} * lr_lambda(t) (torch MultiplicativeLR): one function for every group, or
// one per group.
class MultiplicativeLR final : public LRScheduler {
 public:
  MultiplicativeLR(Optimizer& optimizer, LRLambda lr_lambda);
  MultiplicativeLR(Optimizer& optimizer, std::vector<LRLambda> lr_lambdas);
  const char* name() const override { return "MultiplicativeLR"; }

 private:
  std::vector<double> get_lr() override;
  std::vector<LRLambda> lr_lambdas_;
};

}  // namespace kiln::optim
