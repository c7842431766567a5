#pragma once

#include <string>

#include "optim/lr_scheduler.h"

namespace kiln::optim {

struct PlateauOptions {
  std::string mode = "min";  // "min": lower metrics are better; "max": higher
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  std::string threshold_mode = "rel";  // "rel" or "abs"
  int64_t cooldown = 0;
  std::vector<double> min_lr = {0};  // one per group, or one for all
  double eps = 1e-8;
};

// Multiplies the rates by `factor` once the metric has not improved for `patience` steps
// (torch ReduceLROnPlateau); a reduction smaller than eps is skipped.
class ReduceLROnPlateau final : public Schedule {
 public:
  ReduceLROnPlateau(Optimizer& optimizer, PlateauOptions options = {});
  const char* name() const override { return "ReduceLROnPlateau"; }
  void step(double metric);
  const std::vector<double>& last_lr() const { return last_lr_; }

 private:
  // "best" is a number, or the string "inf" or "-inf" (JSON has no infinities; a run that
  // has seen no metric yet has an infinite best). A null best, as kiln wrote before, means
  // the mode's starting best.
  nlohmann::json own_state() const override;
  Commit prepare_own_state(const nlohmann::json& state) override;
  double read_best(const nlohmann::json& best) const;
  bool is_better(double metric) const;
  double worst() const;

  Optimizer& optimizer_;
  PlateauOptions options_;
  std::vector<double> last_lr_;
  double best_;
  int64_t last_epoch_ = 0, num_bad_epochs_ = 0, cooldown_counter_ = 0;
};

}  // namespace kiln::optim
