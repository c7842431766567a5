// The backward engine's contract: accumulation, graph release, errors, grad modes, hooks,
// in-place safety, higher derivatives and memory.
#include <gtest/gtest.h>

#include "autograd/engine.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "tensor/creation.h"
#include "tensor/memory.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::error_of;
using testing::expect_values;

Tensor leaf(std::initializer_list<double> values) {
  return from_vector(std::vector<double>(values), {static_cast<int64_t>(values.size())},
                     {.dtype = kFloat64})
      .requires_grad_();
}

TEST(Engine, LeafGradientsAccumulateAcrossBackwardCalls) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = (x * x).sum();
  y.backward({}, true);
  expect_values(x.grad(), {2.0, 4.0, 6.0});
  y.backward();
  expect_values(x.grad(), {4.0, 8.0, 12.0});
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(y.is_leaf());
  EXPECT_STREQ(y.grad_fn()->name(), "sum");
}

TEST(Engine, GradientReachingALeafTwiceIsSummed) {
  Tensor x = leaf({3});
  (x * x + x).sum().backward();
  expect_values(x.grad(), {7.0});
}

TEST(Engine, BroadcastGradientsAreReducedToTheInputShape) {
  Tensor row = leaf({1, 2, 3});
  Tensor column =
      from_vector(std::vector<double>{1, 2}, {2, 1}, {.dtype = kFloat64}).requires_grad_();
  (row * column).sum().backward();
  EXPECT_EQ(row.grad().shape(), Shape({3}));
  EXPECT_EQ(column.grad().shape(), Shape({2, 1}));
  expect_values(row.grad(), {3.0, 3.0, 3.0});
  expect_values(column.grad(), {6.0, 6.0});
}

TEST(Engine, GradientTakesTheInputsDtype) {
  Tensor x = ones({2}).requires_grad_();  // float32
  Tensor w = ones({2}, {.dtype = kFloat64}).requires_grad_();
  (x * w).sum().backward();
  EXPECT_EQ(x.grad().dtype(), kFloat32);
  EXPECT_EQ(w.grad().dtype(), kFloat64);
}

TEST(Engine, BackwardOnANonScalarNeedsAGradient) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 2;
  EXPECT_NE(
      error_of([&] { y.backward(); }).find("a gradient can be implied only for a one-element"),
      std::string::npos);
  y.backward(ones({2}, {.dtype = kFloat64}));
  expect_values(x.grad(), {2.0, 2.0});
  EXPECT_NE(error_of([&] { (x * 2).backward(ones({3}, {.dtype = kFloat64})); }).find("shape"),
            std::string::npos);
}

TEST(Engine, BackwardTwiceWithoutRetainGraphThrows) {
  Tensor x = leaf({1, 2});
  Tensor y = x.exp().sum();
  y.backward();
  EXPECT_NE(error_of([&] { y.backward(); }).find("retain_graph"), std::string::npos);
}

TEST(Engine, ErrorsForTensorsThatDoNotRequireGrad) {
  Tensor plain = ones({2}, {.dtype = kFloat64});
  EXPECT_NE(error_of([&] { plain.sum().backward(); }).find("does not require grad"),
            std::string::npos);
  Tensor x = leaf({1, 2});
  Tensor y = (x * 2).sum();
  EXPECT_NE(
      error_of([&] { grad({y}, {plain}); }).find("input 0 of shape [2] does not require grad"),
      std::string::npos);
  EXPECT_NE(error_of([] { ones({2}, {.dtype = kInt64}).requires_grad_(); }).find("floating"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (x * 2).requires_grad_(false); }).find("only leaf tensors"),
            std::string::npos);
}

TEST(Engine, FunctionalGradDoesNotTouchGradFields) {
  Tensor x = leaf({1, 2});
  Tensor unused = leaf({5});
  Tensor y = (x * x * x).sum();
  const std::vector<Tensor> grads = grad({y}, {x}, {}, true);
  expect_values(grads[0], {3.0, 12.0});
  EXPECT_FALSE(x.grad().defined());
  EXPECT_NE(error_of([&] {
              grad({y}, {x, unused}, {}, true);
            }).find("was not used"),
            std::string::npos);
  const std::vector<Tensor> with_unused = grad({y}, {x, unused}, {}, true, false, true);
  EXPECT_FALSE(with_unused[1].defined());
}

TEST(Engine, GradWithRespectToAnIntermediate) {
  Tensor x = leaf({1, 2});
  Tensor h = x * 3;
  Tensor y = (h * h).sum();
  const std::vector<Tensor> grads = grad({y}, {h, x});
  expect_values(grads[0], {6.0, 12.0});
  expect_values(grads[1], {18.0, 36.0});
}

TEST(Engine, SecondDerivativeWithCreateGraph) {
  Tensor x = leaf({1, 2});
  Tensor y = x.pow(3).sum();
  Tensor first = grad({y}, {x}, {}, std::nullopt, true)[0];  // 3x^2
  expect_values(first, {3.0, 12.0});
  Tensor second = grad({first.sum()}, {x})[0];  // 6x
  expect_values(second, {6.0, 12.0});
  // backward(create_graph) leaves a grad that is itself differentiable.
  Tensor z = leaf({2});
  (z * z * z).sum().backward({}, false, true);
  EXPECT_TRUE(z.grad().requires_grad());
  expect_values(grad({z.grad().sum()}, {z})[0], {12.0});
  // z.grad's graph saved z, and z holds its grad: the cycle is broken by hand.
  z.set_grad({});
}

TEST(Engine, NoGradGuardRecordsNothing) {
  Tensor x = leaf({1, 2});
  {
    NoGradGuard no_grad;
    Tensor y = x * 2;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    {
      EnableGradGuard enable;
      EXPECT_TRUE((x * 2).requires_grad());
    }
    EXPECT_FALSE(GradMode::is_enabled());
  }
  EXPECT_TRUE(GradMode::is_enabled());
}

TEST(Engine, DetachSharesStorageButNotHistory) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 2;
  Tensor d = y.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.shares_storage(y));
  (x * d).sum().backward();
  expect_values(x.grad(), {2.0, 4.0});
}

TEST(Engine, HooksSeeAndReplaceGradients) {
  Tensor x = leaf({1, 2});
  Tensor h = x * 3;
  Tensor seen;
  h.register_hook([&](const Tensor& g) {
    seen = g;
    return Tensor();
  });
  x.register_hook([](const Tensor& g) { return g * 10; });
  (h * 2).sum().backward();
  expect_values(seen, {2.0, 2.0});
  expect_values(x.grad(), {60.0, 60.0});
}

TEST(Engine, RetainGradKeepsAnIntermediateGradient) {
  Tensor x = leaf({1, 2});
  Tensor h = x * 3;
  h.retain_grad();
  (h * h).sum().backward();
  expect_values(h.grad(), {6.0, 12.0});
}

TEST(Engine, UsingASavedTensorModifiedInPlaceThrowsNamingTheOp) {
  Tensor x = leaf({1, 2});
  Tensor h = x * 1;
  Tensor y = (h * x).sum();  // mul saves h
  {
    NoGradGuard no_grad;
    h.add_(ones({2}, {.dtype = kFloat64}));
  }
  const std::string message = error_of([&] { y.backward(); });
  EXPECT_NE(
      message.find("mul: a tensor saved for its backward pass was modified by an in-place op"),
      std::string::npos)
      << message;
}

TEST(Engine, ModifyingAViewsBaseInPlaceIsCaught) {
  Tensor x = leaf({1, 2, 3});
  Tensor h = x * 1;
  Tensor part = h.narrow(0, 0, 2);
  Tensor y = part.sum();
  {
    NoGradGuard no_grad;
    h.mul_(full({3}, 2.0, {.dtype = kFloat64}));
  }
  EXPECT_NE(error_of([&] { y.backward(); }).find("narrow"), std::string::npos);
}

TEST(Engine, InPlaceOnALeafThatRequiresGradThrows) {
  Tensor x = leaf({1, 2});
  EXPECT_NE(error_of([&] { x.add_(ones({2}, {.dtype = kFloat64})); }).find("add_: a leaf tensor"),
            std::string::npos);
  NoGradGuard no_grad;
  x.add_(ones({2}, {.dtype = kFloat64}));  // allowed outside grad mode (optimizer updates)
  expect_values(x, {2.0, 3.0});
}

TEST(Engine, InPlaceOpsOnIntermediatesAreDifferentiated) {
  Tensor x = leaf({1, 2});
  Tensor w = leaf({3, 4});
  Tensor h = x * 2;
  h.add_(w);
  h.mul_(w);  // h = (2x + w) * w
  h.sum().backward();
  expect_values(x.grad(), {6.0, 8.0});
  expect_values(w.grad(), {2.0 + 2 * 3, 4.0 + 2 * 4});
  EXPECT_STREQ(h.grad_fn()->name(), "mul_");
}

TEST(Engine, InPlaceOnAViewOthersStillUseIsRefusedWhileRecording) {
  Tensor x = leaf({1, 2, 3, 4});
  Tensor w = leaf({1, 2});
  Tensor h = x * 1;
  EXPECT_NE(error_of([&] { h.select(0, 0).fill_(0); }).find("fill_: in place on a view"),
            std::string::npos);
  EXPECT_NE(error_of([&] { h.narrow(0, 0, 2).add_(w); }).find("add_: in place on a view"),
            std::string::npos);
  // A view nothing else uses (a reduction's result) may be updated in place.
  Tensor rows = x.view({2, 2}).sum({1});
  rows.add_(w);
  rows.sum().backward();
  expect_values(x.grad(), {1.0, 1.0, 1.0, 1.0});
  expect_values(w.grad(), {1.0, 1.0});
}

TEST(Engine, MulInPlaceByItselfUsesTheValuesBeforeTheWrite) {
  Tensor x = leaf({3});
  Tensor h = x * 1;
  h.mul_(h);
  h.sum().backward();
  expect_values(x.grad(), {6.0});
}

TEST(Engine, GradientsStoredWithCreateGraphShareNoMemory) {
  Tensor x = leaf({1, 2});
  Tensor y = leaf({3, 4});
  const Tensor seed = ones({2}, {.dtype = kFloat64});
  (x + y).backward(seed, false, true);
  EXPECT_FALSE(x.grad().shares_storage(y.grad()));
  EXPECT_FALSE(x.grad().shares_storage(seed));
  (x * 2).sum().backward();
  expect_values(x.grad(), {3.0, 3.0});
  expect_values(y.grad(), {1.0, 1.0});
  expect_values(seed, {1.0, 1.0});
}

TEST(Engine, AVeryLongChainNeitherRecursesNorLeaks) {
  const size_t baseline = cpu_allocated_bytes();
  {
    Tensor x = leaf({1});
    Tensor y = x;
    for (int i = 0; i < 200000; ++i) y = y * 1.0;
    y.sum().backward();
    expect_values(x.grad(), {1.0});
  }
  EXPECT_EQ(cpu_allocated_bytes(), baseline);
}

// A 2-layer MLP step, 1000 times: the graph and everything it saved are freed after each
// backward, so live memory comes back to where it started.
TEST(Engine, MemoryReturnsToBaselineAfterManySteps) {
  Generator generator(3);
  Tensor w1 = randn({16, 32}, {}, &generator).requires_grad_();
  Tensor w2 = randn({32, 4}, {}, &generator).requires_grad_();
  const Tensor input = randn({8, 16}, {}, &generator);
  auto step = [&] {
    Tensor loss = input.matmul(w1).relu().matmul(w2).square().mean();
    loss.backward();
    NoGradGuard no_grad;
    w1.add_(w1.grad() * -1e-4);
    w2.add_(w2.grad() * -1e-4);
    w1.grad().zero_();
    w2.grad().zero_();
  };
  step();  // grads exist from here on
  const size_t baseline = cpu_allocated_bytes();
  for (int i = 0; i < 1000; ++i) step();
  EXPECT_EQ(cpu_allocated_bytes(), baseline);
}

}  // namespace
}  // namespace kiln
