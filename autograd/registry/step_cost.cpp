#include "autograd/registry/step_cost.h"

#include <vector>

#include "autograd/registry/op_registry.h"

namespace kiln::autograd {

StepCostMeter::StepCostMeter() : previous_(set_record_observer(this)) {}

StepCostMeter::~StepCostMeter() {
  set_record_observer(previous_);
}

void StepCostMeter::recorded(const Node& node, std::span<const Tensor> inputs,
                             const Tensor& result) {
  const OpEntry* entry = find_op_entry(node.name());
  if (entry == nullptr) {
    ++unpriced_[node.name()];
    return;
  }
  const double forward =
      op_cost(*entry, std::vector<Tensor>(inputs.begin(), inputs.end()), result).flops;
  double passes = 1;
  for (size_t i = 0; i < inputs.size(); ++i) passes += node.needs_input_grad(i) ? 1 : 0;
  flops_ += forward * passes;
}

}  // namespace kiln::autograd
