// Where the PyTorch surface's ops meet their edges: the side of a kink the gradient takes,
// fresh results, empty batches and 0-dim inputs, each as PyTorch 2.15 gives them.
#include <gtest/gtest.h>

#include "autograd/functions.h"
#include "nn/distance.h"
#include "nn/functional.h"
#include "tensor/creation.h"

namespace kiln::nn {
namespace {

// d f / dx at each of `points`, in float64.
std::vector<double> gradient_at(const std::function<Tensor(const Tensor&)>& f,
                                std::vector<double> points) {
  const Tensor x = from_vector(points).requires_grad_();
  f(x).sum().backward();
  return x.grad().to_vector<double>();
}

TEST(SurfaceEdges, KinksTakePyTorchsSide) {
  EXPECT_EQ(gradient_at([](const Tensor& x) { return functional::elu(x, 0.5); }, {0.0}),
            std::vector<double>{0.5});
  EXPECT_EQ(gradient_at([](const Tensor& x) { return functional::celu(x, 0.5); }, {0.0}),
            std::vector<double>{1.0});
  EXPECT_EQ(gradient_at([](const Tensor& x) { return functional::hardtanh(x); }, {-1, 1, 0.5}),
            (std::vector<double>{0, 0, 1}));
  EXPECT_EQ(gradient_at([](const Tensor& x) { return hardsigmoid(x); }, {-3, 3}),
            (std::vector<double>{0, 0}));
  EXPECT_EQ(gradient_at([](const Tensor& x) { return hardswish(x); }, {-3, 3}),
            (std::vector<double>{0, 1}));
}

TEST(SurfaceEdges, RearrangingAlwaysCopies) {
  const Tensor x = zeros({2, 3});
  for (Tensor out : {flip(x, {}), roll(x, {0}, {1}), roll(x, {3}), repeat(x, {1, 1}), tile(x, {1}),
                     repeat_interleave(x, 1, 0)}) {
    EXPECT_FALSE(out.shares_storage(x));
    out.fill_(1);
  }
  EXPECT_EQ(x.sum().item<float>(), 0);
}

TEST(SurfaceEdges, EmptyAndZeroDimInputs) {
  EXPECT_EQ(functional::group_norm(zeros({0, 4, 3}), 2).shape(), (Shape{0, 4, 3}));
  const Tensor distance =
      functional::pairwise_distance(scalar_tensor(3.0), scalar_tensor(1.0), 2, 0, true);
  EXPECT_EQ(distance.dim(), 0);
  EXPECT_FLOAT_EQ(distance.item<float>(), 2);
  EXPECT_EQ(functional::cdist(zeros({0, 2}), zeros({3, 2})).shape(), (Shape{0, 3}));
  EXPECT_EQ(einsum("ij,jk->ik", {zeros({2, 0}), zeros({0, 3})}).sum().item<float>(), 0);
}

}  // namespace
}  // namespace kiln::nn
