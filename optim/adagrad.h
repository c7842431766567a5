#pragma once

#include "optim/adagrad_update.h"
#include "optim/optimizer.h"

namespace kiln::optim {

// Adagrad (Duchi et al. 2011) as torch.optim.Adagrad: s += g^2,
// p -= lr / (1 + (t - 1) lr_decay) g / (sqrt(s) + eps).
class Adagrad final : public OptimizerWith<AdagradOptions> {
 public:
  Adagrad(const std::vector<Tensor>& params, const AdagradOptions& options);
  explicit Adagrad(const std::vector<ParamGroup<AdagradOptions>>& groups);
  const char* name() const override { return "Adagrad"; }
  void step() override;
};

}  // namespace kiln::optim
