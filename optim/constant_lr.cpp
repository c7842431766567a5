#include "optim/constant_lr.h"

#include "tensor/error.h"

namespace kiln::optim {

ConstantLR::ConstantLR(Optimizer& optimizer, double factor, int64_t total_iters)
    : LRScheduler(optimizer), factor_(factor), total_iters_(total_iters) {
  KILN_CHECK(factor >= 0 && factor <= 1, "ConstantLR: factor must be in [0, 1], got ", factor);
  KILN_CHECK(total_iters > 0, "ConstantLR: total_iters must be positive, got ", total_iters);
  initial_step();
}

std::vector<double> ConstantLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) {
    for (double& lr : lrs) lr *= factor_;
  } else if (last_epoch_ == total_iters_) {
    // The recursive form divides the factor back out, which a factor of 0 cannot (PyTorch
    // raises ZeroDivisionError here).
    KILN_CHECK(factor_ != 0, "ConstantLR: a factor of 0 cannot be undone at total_iters (",
               total_iters_, "); use a small positive factor");
    for (double& lr : lrs) lr *= 1.0 / factor_;
  }
  return lrs;
}

std::optional<std::vector<double>> ConstantLR::closed_form_lr() const {
  std::vector<double> lrs;
  const double done = last_epoch_ >= total_iters_ ? 1.0 : 0.0;
  for (double base : base_lrs_) lrs.push_back(base * (factor_ + done * (1 - factor_)));
  return lrs;
}

}  // namespace kiln::optim
