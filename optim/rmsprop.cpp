#include "optim/rmsprop.h"

#include "tensor/creation.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace kiln::optim {

namespace {
void check(const RMSpropOptions& o) {
  KILN_CHECK(o.lr >= 0, "RMSprop: lr must be non-negative, got ", o.lr);
  KILN_CHECK(o.alpha >= 0, "RMSprop: alpha must be non-negative, got ", o.alpha);
  KILN_CHECK(o.eps >= 0, "RMSprop: eps must be non-negative, got ", o.eps);
  KILN_CHECK(o.momentum >= 0, "RMSprop: momentum must be non-negative, got ", o.momentum);
  KILN_CHECK(o.weight_decay >= 0, "RMSprop: weight_decay must be non-negative, got ",
             o.weight_decay);
}

const std::vector<ParamGroup<RMSpropOptions>>& checked(
    const std::vector<ParamGroup<RMSpropOptions>>& groups) {
  for (const ParamGroup<RMSpropOptions>& group : groups) check(group.options);
  return groups;
}
}  // namespace

RMSprop::RMSprop(const std::vector<Tensor>& params, const RMSpropOptions& options)
    : RMSprop(std::vector<ParamGroup<RMSpropOptions>>{{params, options}}) {}

RMSprop::RMSprop(const std::vector<ParamGroup<RMSpropOptions>>& groups)
    : OptimizerWith(checked(groups)) {}

void RMSprop::check_options(const RMSpropOptions& options) const {
  check(options);
}

void RMSprop::step() {
  for (size_t g = 0; g < group_count(); ++g) {
    const RMSpropOptions& o = options(g);
    std::vector<RMSpropSlot> slots;
    for_each_with_grad(g, [&](const Tensor& param, const Tensor& grad, State& state) {
      const bool momentum = o.momentum > 0;
      for (const char* name : {"square_avg", o.centered ? "grad_avg" : nullptr,
                               momentum ? "momentum_buffer" : nullptr}) {
        if (name != nullptr && !state[name].defined()) state[name] = zeros_like(param);
      }
      count_step(state);
      slots.push_back({.param = param,
                       .grad = grad,
                       .square_avg = state["square_avg"],
                       .grad_avg = o.centered ? state["grad_avg"] : Tensor(),
                       .momentum_buffer = momentum ? state["momentum_buffer"] : Tensor()});
    });
    rmsprop_update(slots, o);
  }
}

}  // namespace kiln::optim
