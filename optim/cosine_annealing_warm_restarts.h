#pragma once

#include "optim/lr_scheduler.h"

namespace kiln::optim {

// SGDR (Loshchilov & Hutter 2017), as torch CosineAnnealingWarmRestarts:
// lr = eta_min + (base - eta_min)(1 + cos(pi T_cur / T_i)) / 2, where T_cur counts the epochs
// since the last restart and the period T_i starts at T_0 and grows T_mult times at each
// restart.
class CosineAnnealingWarmRestarts final : public LRScheduler {
 public:
  CosineAnnealingWarmRestarts(Optimizer& optimizer, int64_t t_0, int64_t t_mult = 1,
                              double eta_min = 0);
  const char* name() const override { return "CosineAnnealingWarmRestarts"; }
  // The next epoch.
  void step() override;
  // Jumps to `epoch`, which may be fractional (e.g. epoch + batch / batches_per_epoch, to
  // anneal within an epoch) and may go back; last_epoch becomes floor(epoch).
  void step(double epoch);

 private:
  // The base fields, with the period T_i and the position T_cur in it.
  nlohmann::json own_state() const override;
  Commit prepare_own_state(const nlohmann::json& state) override;
  std::vector<double> get_lr() override;
  int64_t t_0_, t_mult_;
  double eta_min_;
  int64_t t_i_;   // the current period
  double t_cur_;  // epochs since the last restart; fractional after step(epoch)
};

}  // namespace kiln::optim
