#include "optim/one_cycle_lr.h"

#include <cmath>
#include <numbers>

#include "tensor/error.h"

namespace kiln::optim {

namespace {

// Checks the options and sets what the base scheduler reads: each group's initial rate
// (max_lr / div_factor) and, when cycling, its momentum at max_momentum.
Optimizer& prepared(Optimizer& optimizer, const OneCycleOptions& o) {
  KILN_CHECK(o.total_steps > 0, "OneCycleLR: total_steps must be positive, got ", o.total_steps);
  KILN_CHECK(o.pct_start >= 0 && o.pct_start <= 1, "OneCycleLR: pct_start must be in [0, 1], got ",
             o.pct_start);
  KILN_CHECK(o.anneal_strategy == "cos" || o.anneal_strategy == "linear",
             "OneCycleLR: anneal_strategy must be 'cos' or 'linear', got '", o.anneal_strategy,
             "'");
  KILN_CHECK(o.max_lr.size() == 1 || o.max_lr.size() == optimizer.group_count(),
             "OneCycleLR: ", o.max_lr.size(), " max_lr values for ", optimizer.group_count(),
             " parameter groups");
  KILN_CHECK(!o.cycle_momentum || optimizer.has_momentum(), "OneCycleLR: ", optimizer.name(),
             " has no momentum or beta1 to cycle; set cycle_momentum to false");
  for (size_t g = 0; g < optimizer.group_count(); ++g) {
    optimizer.initial_lr(g) = o.max_lr[o.max_lr.size() == 1 ? 0 : g] / o.div_factor;
    if (o.cycle_momentum) optimizer.set_momentum(g, o.max_momentum);
  }
  return optimizer;
}

}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, OneCycleOptions options)
    : LRScheduler(prepared(optimizer, options)), options_(std::move(options)) {
  const double steps = static_cast<double>(options_.total_steps);
  const double rise_end = options_.pct_start * steps - 1;
  const double low = options_.base_momentum, high = options_.max_momentum;
  if (options_.three_phase) {
    phases_ = {{rise_end, kInitial, kMax, high, low},
               {2 * options_.pct_start * steps - 2, kMax, kInitial, low, high},
               {steps - 1, kInitial, kMin, high, high}};
  } else {
    phases_ = {{rise_end, kInitial, kMax, high, low}, {steps - 1, kMax, kMin, low, high}};
  }
  // A phase of no length divides 0 by 0 at its step (PyTorch raises ZeroDivisionError);
  // "no length" allows for fused multiply-adds keeping pct_start * steps - 1 off zero.
  double phase_start = 0;
  for (const Phase& phase : phases_) {
    KILN_CHECK(std::abs(phase.end_step - phase_start) > 1e-9,
               "OneCycleLR: a phase of zero length (", "pct_start ", options_.pct_start, " of ",
               options_.total_steps, " steps); use more steps or another pct_start");
    phase_start = phase.end_step;
  }
  for (size_t g = 0; g < optimizer.group_count(); ++g) {
    const double initial = *optimizer.initial_lr(g);
    rates_.push_back({{initial, options_.max_lr[options_.max_lr.size() == 1 ? 0 : g],
                       initial / options_.final_div_factor}});
  }
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == "linear") return (end - start) * pct + start;
  const double cos_out = std::cos(std::numbers::pi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

std::vector<double> OneCycleLR::get_lr() {
  KILN_CHECK(last_epoch_ <= options_.total_steps, "OneCycleLR: stepped ", last_epoch_,
             " times, but total_steps is ", options_.total_steps);
  const double step = static_cast<double>(last_epoch_);
  std::vector<double> lrs;
  for (size_t g = 0; g < rates_.size(); ++g) {
    double start_step = 0;
    for (size_t i = 0; i < phases_.size(); ++i) {
      const Phase& phase = phases_[i];
      if (step <= phase.end_step || i + 1 == phases_.size()) {
        const double pct = (step - start_step) / (phase.end_step - start_step);
        lrs.push_back(anneal(rates_[g].lr[phase.start_lr], rates_[g].lr[phase.end_lr], pct));
        if (options_.cycle_momentum)
          optimizer_.set_momentum(g, anneal(phase.start_momentum, phase.end_momentum, pct));
        break;
      }
      start_step = phase.end_step;
    }
  }
  return lrs;
}

}  // namespace kiln::optim
