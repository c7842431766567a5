#pragma once

#include "optim/lr_scheduler.h"

namespace kiln::optim {

// lr = base * (1 - min(t, total_iters) / total_iters)^power (torch PolynomialLR): decays to 0
// at total_iters and stays there.
class PolynomialLR final : public LRScheduler {
 public:
  PolynomialLR(Optimizer& optimizer, int64_t total_iters = 5, double power = 1);
  const char* name() const override { return "PolynomialLR"; }

 private:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  int64_t total_iters_;
  double power_;
};

}  // namespace kiln::optim
