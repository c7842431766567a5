#pragma once

#include "optim/adam_update.h"
#include "optim/optimizer.h"

namespace kiln::optim {

// Adam (Kingma & Ba 2015) as torch.optim.Adam, with AMSGrad (Reddi et al. 2018):
// m = lerp(m, g, 1 - beta1), v = beta2 v + (1 - beta2) g^2,
// p -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
class Adam : public OptimizerWith<AdamOptions> {
 public:
  Adam(const std::vector<Tensor>& params, const AdamOptions& options);
  explicit Adam(const std::vector<ParamGroup<AdamOptions>>& groups);
  const char* name() const override { return "Adam"; }
  void step() override;
  bool has_momentum() const override { return true; }
  double momentum(size_t group) const override { return options(group).beta1; }
  void set_momentum(size_t group, double beta1) override { options(group).beta1 = beta1; }

 protected:
  void check_options(const AdamOptions& options) const override;
};

// AdamW's options: Adam's, with PyTorch's AdamW default weight decay of 1e-2.
struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
  bool maximize = false;
};

// Adam with decoupled weight decay (Loshchilov & Hutter 2019): p *= 1 - lr wd before the
// Adam step, as torch.optim.AdamW.
class AdamW final : public Adam {
 public:
  AdamW(const std::vector<Tensor>& params, const AdamWOptions& options);
  explicit AdamW(const std::vector<ParamGroup<AdamWOptions>>& groups);
  const char* name() const override { return "AdamW"; }

 private:
  void check_options(const AdamOptions& options) const override;
};

}  // namespace kiln::optim
