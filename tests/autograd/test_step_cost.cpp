// The step cost meter: the registry's cost model summed over the ops a step records, each
// counted once forward and once per input its backward pass differentiates.
#include <gtest/gtest.h>

#include "autograd/functions.h"
#include "autograd/registry/step_cost.h"
#include "tensor/creation.h"

namespace kiln::autograd {
namespace {

// matmul's cost model: 2 M N K multiply-adds.
constexpr double kProductFlops = 2.0 * 3 * 4 * 5;

TEST(StepCostMeter, CountsAProductOncePerPass) {
  const Tensor a = randn({3, 4}).requires_grad_(), b = randn({4, 5}).requires_grad_();
  StepCostMeter meter;
  matmul(a, b).sum().backward();
  // The product forward, then A's and B's gradients; the sum adds 15 elements, twice.
  EXPECT_DOUBLE_EQ(meter.flops(), 3 * kProductFlops + 2 * 15);
  EXPECT_TRUE(meter.unpriced().empty());
}

TEST(StepCostMeter, SkipsTheGradientsNobodyNeeds) {
  const Tensor a = randn({3, 4}), b = randn({4, 5}).requires_grad_();
  StepCostMeter meter;
  const Tensor product = matmul(a, b);
  EXPECT_DOUBLE_EQ(meter.flops(), 2 * kProductFlops);
}

TEST(StepCostMeter, CountsNothingUnrecorded) {
  const Tensor a = randn({3, 4}).requires_grad_(), b = randn({4, 5});
  StepCostMeter meter;
  {
    NoGradGuard no_grad;
    const Tensor product = matmul(a, b);
  }
  const Tensor constant = matmul(a.detach(), b);
  EXPECT_DOUBLE_EQ(meter.flops(), 0);
}

TEST(StepCostMeter, AnInnerMeterTakesOverUntilItEnds) {
  const Tensor a = randn({3, 4}).requires_grad_(), b = randn({4, 5});
  StepCostMeter outer;
  {
    StepCostMeter inner;
    const Tensor product = matmul(a, b);
    EXPECT_DOUBLE_EQ(inner.flops(), 2 * kProductFlops);
  }
  EXPECT_DOUBLE_EQ(outer.flops(), 0);
  const Tensor product = matmul(a, b);
  EXPECT_DOUBLE_EQ(outer.flops(), 2 * kProductFlops);
}

}  // namespace
}  // namespace kiln::autograd
