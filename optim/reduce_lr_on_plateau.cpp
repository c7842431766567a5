#include "optim/reduce_lr_on_plateau.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/error.h"

namespace kiln::optim {

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, PlateauOptions options)
    : optimizer_(optimizer), options_(std::move(options)) {
  KILN_CHECK(options_.factor < 1, "ReduceLROnPlateau: factor must be below 1, got ",
             options_.factor);
  KILN_CHECK(options_.mode == "min" || options_.mode == "max",
             "ReduceLROnPlateau: mode must be 'min' or 'max', got '", options_.mode, "'");
  KILN_CHECK(options_.threshold_mode == "rel" || options_.threshold_mode == "abs",
             "ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got '",
             options_.threshold_mode, "'");
  KILN_CHECK(options_.min_lr.size() == 1 || options_.min_lr.size() == optimizer.group_count(),
             "ReduceLROnPlateau: ", options_.min_lr.size(), " min_lr values for ",
             optimizer.group_count(), " parameter groups");
  best_ = worst();
  for (size_t g = 0; g < optimizer.group_count(); ++g) last_lr_.push_back(optimizer.lr(g));
}

double ReduceLROnPlateau::worst() const {
  const double infinity = std::numeric_limits<double>::infinity();
  return options_.mode == "min" ? infinity : -infinity;
}

bool ReduceLROnPlateau::is_better(double metric) const {
  const bool relative = options_.threshold_mode == "rel";
  if (options_.mode == "min") {
    return relative ? metric < best_ * (1.0 - options_.threshold)
                    : metric < best_ - options_.threshold;
  }
  return relative ? metric > best_ * (options_.threshold + 1.0)
                  : metric > best_ + options_.threshold;
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > options_.patience) {
    for (size_t g = 0; g < optimizer_.group_count(); ++g) {
      const double old_lr = optimizer_.lr(g);
      const double min_lr = options_.min_lr[options_.min_lr.size() == 1 ? 0 : g];
      const double new_lr = std::max(old_lr * options_.factor, min_lr);
      if (old_lr - new_lr > options_.eps) optimizer_.set_lr(g, new_lr);
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
  for (size_t g = 0; g < optimizer_.group_count(); ++g) last_lr_[g] = optimizer_.lr(g);
}

nlohmann::json ReduceLROnPlateau::state_dict() const {
  // JSON has no infinity: the best of a run that has seen no metric is saved as null.
  return {{"best", std::isfinite(best_) ? nlohmann::json(best_) : nlohmann::json(nullptr)},
          {"last_epoch", last_epoch_},
          {"num_bad_epochs", num_bad_epochs_},
          {"cooldown_counter", cooldown_counter_},
          {"last_lr", last_lr_}};
}

void ReduceLROnPlateau::load_state_dict(const nlohmann::json& state) {
  try {
    const nlohmann::json& best = state.at("best");
    best_ = best.is_null() ? worst() : best.get<double>();
    last_epoch_ = state.at("last_epoch").get<int64_t>();
    num_bad_epochs_ = state.at("num_bad_epochs").get<int64_t>();
    cooldown_counter_ = state.at("cooldown_counter").get<int64_t>();
    last_lr_ = state.at("last_lr").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& error) {
    throw Error(std::string("ReduceLROnPlateau load_state_dict: ") + error.what());
  }
}

}  // namespace kiln::optim
