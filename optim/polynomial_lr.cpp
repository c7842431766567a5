#include "optim/polynomial_lr.h"

#include <algorithm>
#include <cmath>

#include "tensor/error.h"

namespace kiln::optim {

PolynomialLR::PolynomialLR(Optimizer& optimizer, int64_t total_iters, double power)
    : LRScheduler(optimizer), total_iters_(total_iters), power_(power) {
  KILN_CHECK(total_iters > 0, "PolynomialLR: total_iters must be positive, got ", total_iters);
  initial_step();
}

std::vector<double> PolynomialLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (is_initial_ || last_epoch_ > total_iters_) return lrs;
  const double total = static_cast<double>(total_iters_);
  const double decay = std::pow((1.0 - static_cast<double>(last_epoch_) / total) /
                                    (1.0 - static_cast<double>(last_epoch_ - 1) / total),
                                power_);
  for (double& lr : lrs) lr *= decay;
  return lrs;
}

std::optional<std::vector<double>> PolynomialLR::closed_form_lr() const {
  const double total = static_cast<double>(total_iters_);
  const double done = static_cast<double>(std::min(total_iters_, last_epoch_));
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(base * std::pow(1.0 - done / total, power_));
  return lrs;
}

}  // namespace kiln::optim
