#include "optim/cosine_annealing_warm_restarts.h"

#include <cmath>
#include <numbers>

#include "tensor/error.h"

namespace kiln::optim {

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(Optimizer& optimizer, int64_t t_0,
                                                         int64_t t_mult, double eta_min)
    : LRScheduler(optimizer),
      t_0_(t_0),
      t_mult_(t_mult),
      eta_min_(eta_min),
      t_i_(t_0),
      t_cur_(static_cast<double>(last_epoch_)) {
  KILN_CHECK(t_0 > 0, "CosineAnnealingWarmRestarts: T_0 must be a positive integer, got ", t_0);
  KILN_CHECK(t_mult >= 1, "CosineAnnealingWarmRestarts: T_mult must be an integer >= 1, got ",
             t_mult);
  initial_step();
}

void CosineAnnealingWarmRestarts::step() {
  // The initial step starts at epoch 0 by the explicit path, as PyTorch's does.
  if (last_epoch_ < 0) return step(0.0);
  ++step_count_;
  ++last_epoch_;
  t_cur_ += 1;
  if (t_cur_ >= static_cast<double>(t_i_)) {
    t_cur_ = std::fmod(t_cur_, static_cast<double>(t_i_));
    t_i_ *= t_mult_;
  }
  apply_lrs(get_lr());
}

void CosineAnnealingWarmRestarts::step(double epoch) {
  KILN_CHECK(epoch >= 0, "CosineAnnealingWarmRestarts: epoch must be non-negative, got ", epoch);
  ++step_count_;
  const double t_0 = static_cast<double>(t_0_);
  if (epoch >= t_0) {
    if (t_mult_ == 1) {
      t_cur_ = std::fmod(epoch, t_0);
    } else {
      // Restart n begins at epoch T_0 (T_mult^n - 1) / (T_mult - 1); PyTorch's
      // math.log(x, base) is log(x) / log(base).
      const double mult = static_cast<double>(t_mult_);
      const auto n = static_cast<int64_t>(std::log(epoch / t_0 * (mult - 1) + 1) / std::log(mult));
      int64_t power = 1;
      for (int64_t i = 0; i < n; ++i) power *= t_mult_;
      t_cur_ = epoch - static_cast<double>(t_0_ * (power - 1)) / (mult - 1);
      t_i_ = t_0_ * power;
    }
  } else {
    t_i_ = t_0_;
    t_cur_ = epoch;
  }
  last_epoch_ = static_cast<int64_t>(std::floor(epoch));
  apply_lrs(get_lr());
}

std::vector<double> CosineAnnealingWarmRestarts::get_lr() {
  std::vector<double> lrs;
  for (double base : base_lrs_) {
    lrs.push_back(eta_min_ +
                  (base - eta_min_) *
                      (1 + std::cos(std::numbers::pi * t_cur_ / static_cast<double>(t_i_))) / 2);
  }
  return lrs;
}

nlohmann::json CosineAnnealingWarmRestarts::own_state() const {
  nlohmann::json state = LRScheduler::own_state();
  state["T_i"] = t_i_;
  state["T_cur"] = t_cur_;
  return state;
}

Commit CosineAnnealingWarmRestarts::prepare_own_state(const nlohmann::json& state) {
  KILN_CHECK(state.contains("T_i") && state["T_i"].is_number_integer() && state.contains("T_cur") &&
                 state["T_cur"].is_number(),
             "CosineAnnealingWarmRestarts load_state_dict: the state has no T_i and T_cur");
  const auto t_i = state["T_i"].get<int64_t>();
  const auto t_cur = state["T_cur"].get<double>();
  KILN_CHECK(t_i > 0 && std::isfinite(t_cur),
             "CosineAnnealingWarmRestarts load_state_dict: needs a positive T_i and a finite "
             "T_cur, got ",
             t_i, " and ", t_cur);
  Commit base = LRScheduler::prepare_own_state(state);
  return [this, base, t_i, t_cur]() {
    base();
    t_i_ = t_i;
    t_cur_ = t_cur;
  };
}

}  // namespace kiln::optim
