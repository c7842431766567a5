#pragma once

#include "optim/optimizer.h"
#include "optim/sgd_update.h"

namespace kiln::optim {

// Stochastic gradient descent with momentum, dampening, Nesterov momentum (Sutskever et al.
// 2013) and L2 weight decay, as torch.optim.SGD: buf = momentum buf + (1 - dampening) g,
// then p -= lr (g + momentum buf) with nesterov, p -= lr buf without.
class SGD final : public OptimizerWith<SGDOptions> {
 public:
  SGD(const std::vector<Tensor>& params, const SGDOptions& options);
  explicit SGD(const std::vector<ParamGroup<SGDOptions>>& groups);
  const char* name() const override { return "SGD"; }
  void step() override;
  bool has_momentum() const override { return true; }
  double momentum(size_t group) const override { return options(group).momentum; }
  void set_momentum(size_t group, double momentum) override { options(group).momentum = momentum; }

 private:
  void check_options(const SGDOptions& options) const override;
};

}  // namespace kiln::optim
