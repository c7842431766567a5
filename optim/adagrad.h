#pragma once

#include "optim/adagrad_update.h"
#include "optim/optimizer.h"

namespace kiln::optim {

// Adagrad (Duchi et al. 2011) as torch.optim.Adagrad: s += g^2,
// p -= lr / (1 + (t - 1) lr_decay) g / (sqrt(s) + eps).
//
// Every accumulator s starts at the constructor's initial_accumulator_value, whatever a
// group's own options say, because torch.optim.Adagrad fills its state in __init__ from the
// constructor argument: Adagrad(groups, 0.1) is torch's Adagrad(groups, ...,
// initial_accumulator_value=0.1), and Adagrad(groups) starts every group at 0, as torch
// does. A group's initial_accumulator_value is kept only as an option in the state dict.
class Adagrad final : public OptimizerWith<AdagradOptions> {
 public:
  // Starts the accumulators at options.initial_accumulator_value.
  Adagrad(const std::vector<Tensor>& params, const AdagradOptions& options);
  explicit Adagrad(const std::vector<ParamGroup<AdagradOptions>>& groups,
                   double initial_accumulator_value = 0);
  const char* name() const override { return "Adagrad"; }
  void step() override;

 private:
  void check_options(const AdagradOptions& options) const override;

  double initial_accumulator_value_;
};

}  // namespace kiln::optim
