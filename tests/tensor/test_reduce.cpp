#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::expect_values;

Tensor grid() {
  return arange(0, 24, 1, {.dtype = kFloat64}).view({2, 3, 4});
}

TEST(Reduce, SumOverDimSets) {
  const Tensor x = grid();
  expect_values(x.sum(), {276});
  expect_values(x.sum({0}), {12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34});
  expect_values(x.sum({1}), {12, 15, 18, 21, 48, 51, 54, 57});
  expect_values(x.sum({2}), {6, 22, 38, 54, 70, 86});
  expect_values(x.sum({0, 2}), {60, 92, 124});
  expect_values(x.sum({-1, 0}), {60, 92, 124});
  EXPECT_EQ(x.sum({1}, true).shape(), (Shape{2, 1, 4}));
  EXPECT_EQ(x.sum({}, true).shape(), (Shape{1, 1, 1}));
  expect_values(x.permute({2, 0, 1}).sum({2}), {12, 48, 15, 51, 18, 54, 21, 57});
  expect_values(zeros({0, 3}).sum({0}), {0, 0, 0});
  expect_values(scalar_tensor(4.0).sum(), {4});
}

TEST(Reduce, ProdMaxMinAllAny) {
  const Tensor x = tensor({{1.0, -2.0, 3.0}, {4.0, 0.5, -6.0}});
  expect_values(x.prod({1}), {-6, -12});
  expect_values(x.amax({0}), {4, 0.5, 3});
  expect_values(x.amin({1}), {-2, -6});
  expect_values(x.amax(), {4});
  expect_values(gt(x, 0).all({1}), {0, 0});
  expect_values(gt(x, -3).all({1}), {1, 0});
  expect_values(gt(x, 3).any({0}), {1, 0, 0});
  expect_values(ones({0}).prod(), {1});
  expect_values(tensor({1.0, testing::kNan, 3.0}).amax(), {testing::kNan});
}

TEST(Reduce, MaxWithIndices) {
  const Tensor x = tensor({{1.0, 7.0, 7.0}, {9.0, 2.0, 3.0}});
  const auto [values, indices] = max(x, 1);
  expect_values(values, {7, 9});
  expect_values(indices, {1, 0});
  const auto [low, where] = min(x, 0, true);
  EXPECT_EQ(low.shape(), (Shape{1, 3}));
  expect_values(where, {0, 1, 1});
  expect_values(argmax(x, 0), {1, 0, 0});
  expect_values(argmin(x, -1), {0, 1});
  expect_values(argmax(tensor({1.0, testing::kNan, 5.0}), 0), {1});
  EXPECT_EQ(argmax(scalar_tensor(3.0), 0).item<int64_t>(), 0);
}

TEST(Reduce, MeanVarStd) {
  const Tensor x =
      tensor({{1.0, 2.0, 3.0, 4.0}, {2.0, 4.0, 6.0, 8.0}}, TensorOptions{.dtype = kFloat64});
  expect_values(x.mean({1}), {2.5, 5});
  expect_values(x.var({1}), {5.0 / 3, 20.0 / 3}, 1e-12);
  expect_values(x.var({1}, false), {1.25, 5}, 1e-12);
  expect_values(x.std({1}, false), {std::sqrt(1.25), std::sqrt(5.0)}, 1e-12);
  expect_values(x.mean(), {3.75});
  expect_values(x.var({0}, true, true), {0.5, 2, 4.5, 8}, 1e-12);
}

TEST(Reduce, LogSumExpIsStable) {
  const Tensor x = tensor({{1000.0, 1000.0}, {-1000.0, -1000.0}}, TensorOptions{.dtype = kFloat64});
  expect_values(x.logsumexp({1}), {1000 + std::log(2.0), -1000 + std::log(2.0)}, 1e-12);
  const double inf = std::numeric_limits<double>::infinity();
  const Tensor edge = from_vector(std::vector<double>{-inf, -inf, 1.0, inf}, {2, 2});
  expect_values(edge.logsumexp({1}), {-inf, inf});
  expect_values(arange(3).logsumexp({0}), {std::log(1 + std::exp(1.0) + std::exp(2.0))});
}

TEST(Reduce, Norms) {
  const Tensor x = tensor({{3.0, -4.0}, {0.0, 1.0}}, TensorOptions{.dtype = kFloat64});
  expect_values(x.norm(2, {1}), {5, 1});
  expect_values(x.norm(1), {8});
  expect_values(x.norm(testing::kInf, {1}), {4, 1});
  expect_values(x.norm(-testing::kInf, {1}), {3, 0});
  expect_values(x.norm(0, {1}), {2, 1});
  expect_values(x.norm(3, {1}), {std::cbrt(91.0), 1}, 1e-12);
}

TEST(Reduce, LargeSumsAreAccurate) {
  // 2^22 float32 ones summed in float would stall at 2^24; double accumulation is exact.
  expect_values(ones({1 << 22}).sum(), {double(1 << 22)}, 0, 0);
  const Tensor wide = ones({3, 100000});
  expect_values(wide.sum({1}), {100000, 100000, 100000}, 0, 0);
  expect_values(wide.sum({0}).sum(), {300000}, 0, 0);
}

}  // namespace
}  // namespace kiln
