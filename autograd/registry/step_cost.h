#pragma once

#include <map>
#include <string>

#include "autograd/function_node.h"

// The floating-point work of a training step by the registry's cost model, for reporting a
// step's GFLOP/s beside the machine's FMA peak (bench/workloads_training.cpp).
namespace kiln::autograd {

// While alive, counts the ops this thread records. Each counts its forward FLOPs (the
// registry's op_cost) once, and once more for each input its backward pass differentiates:
// exact for the products, which dominate a step (d(AB) is G B^T and A^T G, each the work of
// AB), and an estimate for the elementwise ops. Ops run without recording (no input needs a
// gradient) and optimizer updates are not counted.
class StepCostMeter final : public RecordObserver {
 public:
  StepCostMeter();
  ~StepCostMeter() override;
  StepCostMeter(const StepCostMeter&) = delete;
  StepCostMeter& operator=(const StepCostMeter&) = delete;

  void recorded(const Node& node, std::span<const Tensor> inputs, const Tensor& result) override;

  double flops() const { return flops_; }
  // Recorded ops the registry has no entry for, with how often each was recorded.
  const std::map<std::string, int64_t>& unpriced() const { return unpriced_; }

 private:
  RecordObserver* previous_;
  double flops_ = 0;
  std::map<std::string, int64_t> unpriced_;
};

}  // namespace kiln::autograd
