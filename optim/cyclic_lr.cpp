#include "optim/cyclic_lr.h"

#include <cmath>

#include "tensor/error.h"

namespace kiln::optim {

namespace {

// One value per group from one for all or one per group (PyTorch's _format_param).
std::vector<double> per_group(const char* name, const std::vector<double>& values,
                              const Optimizer& optimizer) {
  const size_t groups = optimizer.group_count();
  KILN_CHECK(values.size() == 1 || values.size() == groups, "CyclicLR: ", name,
             " must have one value or one per parameter group (", groups, "), got ", values.size());
  return values.size() == 1 ? std::vector<double>(groups, values[0]) : values;
}

// Checks every option, then sets what the base scheduler reads: each group's rate at base_lr
// and, when cycling, its momentum at max_momentum. A bad option leaves the optimizer as it
// was.
Optimizer& prepared(Optimizer& optimizer, const CyclicOptions& o) {
  KILN_CHECK(o.step_size_up > 0, "CyclicLR: step_size_up must be positive, got ", o.step_size_up);
  KILN_CHECK(!o.step_size_down || *o.step_size_down >= 0,
             "CyclicLR: step_size_down must be non-negative, got ", o.step_size_down.value_or(0));
  if (o.scale_fn) {
    KILN_CHECK(o.scale_mode == "cycle" || o.scale_mode == "iterations",
               "CyclicLR: scale_mode must be 'cycle' or 'iterations', got '", o.scale_mode, "'");
  } else {
    KILN_CHECK(o.mode == "triangular" || o.mode == "triangular2" || o.mode == "exp_range",
               "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' when there is ",
               "no scale_fn, got '", o.mode, "'");
  }
  KILN_CHECK(!o.cycle_momentum || optimizer.has_momentum(), "CyclicLR: ", optimizer.name(),
             " has no momentum or beta1 to cycle; set cycle_momentum to false");
  const std::vector<double> base_lrs = per_group("base_lr", o.base_lr, optimizer);
  per_group("max_lr", o.max_lr, optimizer);
  std::vector<double> max_momentums;
  if (o.cycle_momentum) {
    per_group("base_momentum", o.base_momentum, optimizer);
    max_momentums = per_group("max_momentum", o.max_momentum, optimizer);
  }
  for (size_t g = 0; g < optimizer.group_count(); ++g) {
    optimizer.set_lr(g, base_lrs[g]);
    if (o.cycle_momentum) optimizer.set_momentum(g, max_momentums[g]);
  }
  return optimizer;
}

}  // namespace

CyclicLR::CyclicLR(Optimizer& optimizer, CyclicOptions options)
    : LRScheduler(prepared(optimizer, options)), options_(std::move(options)) {
  max_lrs_ = per_group("max_lr", options_.max_lr, optimizer);
  if (options_.cycle_momentum) {
    base_momentums_ = per_group("base_momentum", options_.base_momentum, optimizer);
    max_momentums_ = per_group("max_momentum", options_.max_momentum, optimizer);
  }
  const double up = static_cast<double>(options_.step_size_up);
  total_size_ = up + static_cast<double>(options_.step_size_down.value_or(options_.step_size_up));
  step_ratio_ = up / total_size_;
  // The built-in modes fix the scale mode, whatever scale_mode says.
  scale_by_cycle_ =
      options_.scale_fn ? options_.scale_mode == "cycle" : options_.mode != "exp_range";
  // The initial step runs from the groups' initial rates (base_lr unless another schedule
  // set them first), as PyTorch's does; the cycle runs from base_lr after it.
  initial_step();
  base_lrs_ = per_group("base_lr", options_.base_lr, optimizer);
}

double CyclicLR::scale(double x) const {
  if (options_.scale_fn) return options_.scale_fn(x);
  if (options_.mode == "triangular2") return 1 / std::pow(2.0, x - 1);
  if (options_.mode == "exp_range") return std::pow(options_.gamma, x);
  return 1.0;
}

std::vector<double> CyclicLR::get_lr() {
  const double step = static_cast<double>(last_epoch_);
  const double cycle = std::floor(1 + step / total_size_);
  const double x = 1.0 + step / total_size_ - cycle;
  const double scale_factor = x <= step_ratio_ ? x / step_ratio_ : (x - 1) / (step_ratio_ - 1);
  const double amplitude = scale(scale_by_cycle_ ? cycle : step);
  std::vector<double> lrs;
  for (size_t g = 0; g < base_lrs_.size(); ++g)
    lrs.push_back(base_lrs_[g] + (max_lrs_[g] - base_lrs_[g]) * scale_factor * amplitude);
  if (options_.cycle_momentum) {
    for (size_t g = 0; g < base_lrs_.size(); ++g) {
      optimizer_.set_momentum(g, max_momentums_[g] - (max_momentums_[g] - base_momentums_[g]) *
                                                         scale_factor * amplitude);
    }
  }
  return lrs;
}

}  // namespace kiln::optim
