#include "optim/sgd.h"

#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::optim {

namespace {
void check(const SGDOptions& o) {
  KILN_CHECK(o.lr >= 0, "SGD: lr must be non-negative, got ", o.lr);
  KILN_CHECK(o.momentum >= 0, "SGD: momentum must be non-negative, got ", o.momentum);
  KILN_CHECK(o.weight_decay >= 0, "SGD: weight_decay must be non-negative, got ", o.weight_decay);
  KILN_CHECK(!o.nesterov || (o.momentum > 0 && o.dampening == 0),
             "SGD: nesterov needs momentum > 0 and dampening 0");
}

const std::vector<ParamGroup<SGDOptions>>& checked(
    const std::vector<ParamGroup<SGDOptions>>& groups) {
  for (const ParamGroup<SGDOptions>& group : groups) check(group.options);
  return groups;
}
}  // namespace

SGD::SGD(const std::vector<Tensor>& params, const SGDOptions& options)
    : SGD(std::vector<ParamGroup<SGDOptions>>{{params, options}}) {}

SGD::SGD(const std::vector<ParamGroup<SGDOptions>>& groups) : OptimizerWith(checked(groups)) {}

void SGD::check_options(const SGDOptions& options) const {
  check(options);
}

void SGD::step() {
  for (size_t g = 0; g < group_count(); ++g) {
    const SGDOptions& o = options(g);
    std::vector<SGDSlot> slots;
    for_each_with_grad(g, [&](const Tensor& param, const Tensor& grad, State& state) {
      SGDSlot slot{.param = param, .grad = grad};
      if (o.momentum != 0) {
        Tensor& buffer = state["momentum_buffer"];
        slot.first_step = !buffer.defined();
        if (slot.first_step) buffer = zeros_like(param);
        slot.momentum_buffer = buffer;
      }
      slots.push_back(std::move(slot));
    });
    sgd_update(slots, o);
  }
}

}  // namespace kiln::optim
