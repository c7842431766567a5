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

nlohmann::json ReduceLROnPlateau::own_state() const {
  const nlohmann::json best =
      std::isfinite(best_) ? nlohmann::json(best_) : nlohmann::json(best_ > 0 ? "inf" : "-inf");
  return {{"best", best},
          {"last_epoch", last_epoch_},
          {"num_bad_epochs", num_bad_epochs_},
          {"cooldown_counter", cooldown_counter_},
          {"last_lr", last_lr_}};
}

double ReduceLROnPlateau::read_best(const nlohmann::json& best) const {
  if (best.is_null()) return worst();
  if (best == "inf") return std::numeric_limits<double>::infinity();
  if (best == "-inf") return -std::numeric_limits<double>::infinity();
  KILN_CHECK(best.is_number(), "ReduceLROnPlateau load_state_dict: best must be a number, \"inf\" ",
             "or \"-inf\", got ", best.is_primitive() ? best.dump() : best.type_name());
  return best.get<double>();
}

Commit ReduceLROnPlateau::prepare_own_state(const nlohmann::json& state) {
  const double best = read_best(state.at("best"));
  const auto last_epoch = state.at("last_epoch").get<int64_t>();
  const auto num_bad_epochs = state.at("num_bad_epochs").get<int64_t>();
  const auto cooldown_counter = state.at("cooldown_counter").get<int64_t>();
  KILN_CHECK(last_epoch >= 0 && num_bad_epochs >= 0 && cooldown_counter >= 0,
             "ReduceLROnPlateau load_state_dict: last_epoch, num_bad_epochs and cooldown_counter ",
             "must be non-negative, got ", last_epoch, ", ", num_bad_epochs, " and ",
             cooldown_counter);
  std::vector<double> last_lr = read_rates(state, "last_lr", optimizer_.group_count());
  return [this, best, last_epoch, num_bad_epochs, cooldown_counter,
          last_lr = std::move(last_lr)]() mutable {
    best_ = best;
    last_epoch_ = last_epoch;
    num_bad_epochs_ = num_bad_epochs;
    cooldown_counter_ = cooldown_counter;
    last_lr_ = std::move(last_lr);
  };
}

}  // namespace kiln::optim
