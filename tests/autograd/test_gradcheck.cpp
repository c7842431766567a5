// gradcheck must catch the mistakes it promises to catch: each test hand-writes a broken
// backward formula with autograd::record and expects a failure naming the problem.
#include <gtest/gtest.h>

#include "autograd/function_node.h"
#include "autograd/functions.h"
#include "autograd/gradcheck.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace kiln::autograd {
namespace {

Tensor input(const Shape& shape) {
  Generator generator(7);
  return randn(shape, {.dtype = kFloat64}, &generator).requires_grad_();
}

// y = x^2 with the given backward formula.
template <typename Backward>
Tensor square_with(const Tensor& x, Backward backward) {
  return record(Op::square, raw::square(x), {x}, std::move(backward));
}

TEST(Gradcheck, PassesACorrectFormula) {
  const GradcheckResult result = gradcheck(
      [](const std::vector<Tensor>& v) {
        return square_with(
            v[0], [x = v[0]](const BackwardContext& ctx) -> Grads { return {ctx.grad() * 2 * x}; });
      },
      {input({3, 2})});
  EXPECT_TRUE(result) << result.message;
  EXPECT_LT(result.worst_error, 1e-7);
}

TEST(Gradcheck, ReportsTheWorstElementOfAWrongFormula) {
  const GradcheckResult result = gradcheck(
      [](const std::vector<Tensor>& v) {
        return square_with(v[0], [x = v[0]](const BackwardContext& ctx) -> Grads {
          return {ctx.grad() * 3 * x};  // should be 2x
        });
      },
      {input({3, 2})});
  EXPECT_FALSE(result);
  EXPECT_NE(result.message.find("analytic"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("numerical"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("input 0 element"), std::string::npos) << result.message;
}

TEST(Gradcheck, ProjectionsCatchAWrongFormulaOnLargeInputs) {
  GradcheckOptions options;
  options.max_jacobian_entries = 10;  // force projections
  const GradcheckResult result = gradcheck(
      [](const std::vector<Tensor>& v) {
        return square_with(v[0], [x = v[0]](const BackwardContext& ctx) -> Grads {
          return {ctx.grad() * 2.01 * x};
        });
      },
      {input({4, 5})}, options);
  EXPECT_FALSE(result);
  EXPECT_NE(result.message.find("random projection"), std::string::npos) << result.message;
}

TEST(Gradcheck, CatchesAGradientLeftPartlyUnwritten) {
  const GradcheckResult result = gradcheck(
      [](const std::vector<Tensor>& v) {
        return square_with(v[0], [x = v[0]](const BackwardContext& ctx) -> Grads {
          // A "kernel" that writes only the first row of its output buffer.
          Tensor grad = empty(x.shape(), {.dtype = kFloat64});
          raw::copy_(raw::narrow(grad, 0, 0, 1),
                     raw::narrow(raw::mul(ctx.grad(), raw::mul(x, 2.0)), 0, 0, 1));
          return {grad};
        });
      },
      {input({3, 2})});
  EXPECT_FALSE(result);
  EXPECT_NE(result.message.find("nan"), std::string::npos) << result.message;
}

TEST(Gradcheck, CatchesANonReentrantBackward) {
  auto calls = std::make_shared<int>(0);
  const GradcheckResult result = gradcheck(
      [calls](const std::vector<Tensor>& v) {
        return square_with(v[0], [x = v[0], calls](const BackwardContext& ctx) -> Grads {
          // Every other call is off: the answer depends on hidden state.
          const double drift = (*calls)++ % 2 == 1 ? 1e-3 : 0;
          return {ctx.grad() * 2 * x + drift};
        });
      },
      {input({3, 2})}, {.atol = 1.0});
  EXPECT_FALSE(result);
  EXPECT_NE(result.message.find("reentrant"), std::string::npos) << result.message;
}

TEST(Gradcheck, CatchesABackwardThatOverwritesGrad) {
  const GradcheckResult result = gradcheck(
      [](const std::vector<Tensor>& v) {
        return square_with(v[0], [x = v[0]](const BackwardContext& ctx) -> Grads {
          x.set_grad(zeros_like(x));  // clobbers what was accumulated before
          return {ctx.grad() * 2 * x};
        });
      },
      {input({2, 2})});
  EXPECT_FALSE(result);
  EXPECT_NE(result.message.find("overwrote"), std::string::npos) << result.message;
}

TEST(Gradcheck, GradgradcheckCatchesABackwardThatIsNotDifferentiable) {
  // The formula is right, but computed from raw ops, so its own graph is missing.
  const DifferentiableFunction f = [](const std::vector<Tensor>& v) {
    return square_with(v[0], [x = v[0]](const BackwardContext& ctx) -> Grads {
      return {raw::mul(ctx.grad(), raw::mul(x, 2.0))};
    });
  };
  EXPECT_TRUE(gradcheck(f, {input({3})}));
  const GradcheckResult result = gradgradcheck(f, {input({3})});
  EXPECT_FALSE(result);
}

TEST(Gradcheck, RejectsFloat32AndInputsWithoutGrad) {
  const DifferentiableFunction f = [](const std::vector<Tensor>& v) { return v[0] * 2; };
  EXPECT_THROW(gradcheck(f, {ones({2}).requires_grad_()}), Error);
  EXPECT_THROW(gradcheck(f, {ones({2}, {.dtype = kFloat64})}), Error);
}

TEST(Gradcheck, TolerancesAreOverridable) {
  const DifferentiableFunction f = [](const std::vector<Tensor>& v) {
    return square_with(v[0], [x = v[0]](const BackwardContext& ctx) -> Grads {
      return {ctx.grad() * 2 * x + 1e-4};
    });
  };
  EXPECT_FALSE(gradcheck(f, {input({3})}));
  EXPECT_TRUE(gradcheck(f, {input({3})}, {.atol = 1e-3}));
}

}  // namespace
}  // namespace kiln::autograd
