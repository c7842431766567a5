#include "optim/adagrad.h"

#include "tensor/creation.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace kiln::optim {

namespace {
void check(const AdagradOptions& o) {
  KILN_CHECK(o.lr >= 0, "Adagrad: lr must be non-negative, got ", o.lr);
  KILN_CHECK(o.lr_decay >= 0, "Adagrad: lr_decay must be non-negative, got ", o.lr_decay);
  KILN_CHECK(o.weight_decay >= 0, "Adagrad: weight_decay must be non-negative, got ",
             o.weight_decay);
  KILN_CHECK(o.initial_accumulator_value >= 0,
             "Adagrad: initial_accumulator_value must be non-negative, got ",
             o.initial_accumulator_value);
  KILN_CHECK(o.eps >= 0, "Adagrad: eps must be non-negative, got ", o.eps);
}

const std::vector<ParamGroup<AdagradOptions>>& checked(
    const std::vector<ParamGroup<AdagradOptions>>& groups) {
  for (const ParamGroup<AdagradOptions>& group : groups) check(group.options);
  return groups;
}
}  // namespace

Adagrad::Adagrad(const std::vector<Tensor>& params, const AdagradOptions& options)
    : Adagrad(std::vector<ParamGroup<AdagradOptions>>{{params, options}},
              options.initial_accumulator_value) {}

Adagrad::Adagrad(const std::vector<ParamGroup<AdagradOptions>>& groups,
                 double initial_accumulator_value)
    : OptimizerWith(checked(groups)), initial_accumulator_value_(initial_accumulator_value) {
  KILN_CHECK(initial_accumulator_value >= 0,
             "Adagrad: initial_accumulator_value must be non-negative, got ",
             initial_accumulator_value);
}

void Adagrad::check_options(const AdagradOptions& options) const {
  check(options);
}

void Adagrad::step() {
  for (size_t g = 0; g < group_count(); ++g) {
    const AdagradOptions& o = options(g);
    std::vector<AdagradSlot> slots;
    for_each_with_grad(g, [&](const Tensor& param, const Tensor& grad, State& state) {
      Tensor& sum = state["sum"];
      if (!sum.defined()) sum = full_like(param, initial_accumulator_value_);
      slots.push_back({.param = param, .grad = grad, .sum = sum, .step = count_step(state)});
    });
    adagrad_update(slots, o);
  }
}

}  // namespace kiln::optim
