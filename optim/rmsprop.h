#pragma once

#include "optim/optimizer.h"
#include "optim/rmsprop_update.h"

namespace kiln::optim {

// RMSprop (Hinton 2012; centered as in Graves 2013) as torch.optim.RMSprop:
// v = alpha v + (1 - alpha) g^2, avg = sqrt(v - mean(g)^2 if centered) + eps,
// p -= lr g / avg, or through a momentum buffer b = momentum b + g / avg.
class RMSprop final : public OptimizerWith<RMSpropOptions> {
 public:
  RMSprop(const std::vector<Tensor>& params, const RMSpropOptions& options);
  explicit RMSprop(const std::vector<ParamGroup<RMSpropOptions>>& groups);
  const char* name() const override { return "RMSprop"; }
  void step() override;
  bool has_momentum() const override { return true; }
  double momentum(size_t group) const override { return options(group).momentum; }
  void set_momentum(size_t group, double momentum) override { options(group).momentum = momentum; }

 private:
  void check_options(const RMSpropOptions& options) const override;
};

}  // namespace kiln::optim
