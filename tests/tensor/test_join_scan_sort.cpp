#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tensor/ops_softmax.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::expect_values;

TEST(Join, CatAndStack) {
  const Tensor a = tensor({{1.0, 2.0}});
  const Tensor b = tensor({{3.0, 4.0}, {5.0, 6.0}});
  expect_values(cat({a, b}), {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(cat({a, b}).shape(), (Shape{3, 2}));
  expect_values(cat({b.t(), b.t()}, 1), {3, 5, 3, 5, 4, 6, 4, 6});
  expect_values(cat({zeros({0}), tensor({1.0})}), {1});
  EXPECT_EQ(cat({a, tensor({{7, 8}})}).dtype(), kFloat32);
  const Tensor stacked = stack({a.view({2}), a.view({2}) * 2}, 1);
  EXPECT_EQ(stacked.shape(), (Shape{2, 2}));
  expect_values(stacked, {1, 2, 2, 4});
  EXPECT_EQ(stack({a, a}, -1).shape(), (Shape{1, 2, 2}));
  EXPECT_EQ(cat({zeros({0}, {.dtype = kInt64}), zeros({0})}).dtype(), kFloat32);
  EXPECT_EQ(chunk(a, std::numeric_limits<int64_t>::max(), 1).size(), 2u);
}

TEST(Scan, CumsumCumprod) {
  const Tensor x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  expect_values(x.cumsum(1), {1, 3, 6, 4, 9, 15});
  expect_values(x.cumsum(0), {1, 2, 3, 5, 7, 9});
  expect_values(x.cumprod(1), {1, 2, 6, 4, 20, 120});
  expect_values(x.t().cumsum(0), {1, 4, 3, 9, 6, 15});
  EXPECT_EQ(tensor({true, true}).cumsum(0).dtype(), kInt64);
}

TEST(Sort, ValuesIndicesAndNaN) {
  const Tensor x = tensor({{3.0, 1.0, 2.0, 1.0}, {testing::kNan, -1.0, 5.0, 0.0}});
  const auto [ascending, order] = sort(x, 1);
  expect_values(ascending, {1, 1, 2, 3, -1, 0, 5, testing::kNan});
  expect_values(order, {1, 3, 2, 0, 1, 3, 2, 0});  // stable: equal keys keep their order
  const auto [descending, reverse] = sort(x, 1, true);
  expect_values(descending, {3, 2, 1, 1, testing::kNan, 5, 0, -1});
  expect_values(reverse, {0, 2, 1, 3, 0, 2, 3, 1});
  const auto [columns, rows] = sort(x.narrow(0, 0, 1).expand({2, 4}).contiguous(), 0);
  expect_values(rows, {0, 0, 0, 0, 1, 1, 1, 1});
  const auto [top, where] = topk(tensor({5.0, 9.0, 1.0, 7.0}), 2);
  expect_values(top, {9, 7});
  expect_values(where, {1, 3});
  const auto [bottom, low] = topk(tensor({5.0, 9.0, 1.0, 7.0}), 3, 0, false);
  expect_values(bottom, {1, 5, 7});
  expect_values(low, {2, 0, 3});
}

TEST(Softmax, RowsColumnsAndStability) {
  const Tensor x =
      tensor({{1.0, 2.0, 3.0}, {1000.0, 1000.0, -testing::kInf}}, TensorOptions{.dtype = kFloat64});
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0), s = e1 + e2 + e3;
  expect_values(softmax(x, 1), {e1 / s, e2 / s, e3 / s, 0.5, 0.5, 0}, 1e-12);
  expect_values(log_softmax(x, 1),
                {1 - std::log(s), 2 - std::log(s), 3 - std::log(s), -std::log(2.0), -std::log(2.0),
                 -testing::kInf},
                1e-12);
  const Tensor columns = softmax(x.t().contiguous(), 0);
  expect_values(columns.t(), softmax(x, 1).to_vector<double>(), 1e-12);
  manual_seed(8);
  const Tensor big = randn({64, 1000}) * 10;
  expect_values(softmax(big, -1).sum({1}), std::vector<double>(64, 1.0), 1e-5);
  expect_values(exp(log_softmax(big, -1)), softmax(big, -1).to_vector<double>(), 1e-4, 1e-7);
  expect_values(softmax(tensor({{-testing::kInf, -testing::kInf}}), 1),
                {testing::kNan, testing::kNan});
  // float32 takes the fast exp path: -inf still gives exact zeros and NaN still spreads.
  expect_values(softmax(tensor({{0.0, -testing::kInf, -200.0}}), 1), {1, 0, 0}, 0, 0);
  expect_values(softmax(tensor({{1.0, testing::kNan}}), 1), {testing::kNan, testing::kNan});
  expect_values(log_softmax(tensor({{0.0, -testing::kInf}}), 1), {0, -testing::kInf}, 0, 0);
}

// float32 rows of every length around the kernels' 16-lane vectors (tensor/cpu/softmax.cpp
// runs the last, partial vector masked), against float64: forward, log and backward, and a
// NaN or -inf in a row's last, partial vector.
TEST(Softmax, Float32RowsAroundVectorLengths) {
  manual_seed(9);
  for (const int64_t n : {1, 5, 15, 16, 17, 31, 33, 42, 64, 65}) {
    const Tensor x = randn({3, n}) * 5, g = randn({3, n});
    const Tensor x64 = x.to(kFloat64), g64 = g.to(kFloat64);
    const Tensor y = softmax(x, 1), y64 = softmax(x64, 1);
    expect_values(y, y64.to_vector<double>(), 1e-5, 1e-7);
    expect_values(log_softmax(x, 1), log_softmax(x64, 1).to_vector<double>(), 1e-5, 1e-6);
    expect_values(raw::softmax_backward(g, y, 1, false),
                  raw::softmax_backward(g64, y64, 1, false).to_vector<double>(), 1e-5, 1e-6);
  }
  std::vector<float> row(42, 0.0f);
  row[40] = -testing::kInf;
  expect_values(softmax(from_vector(row, {1, 42}), 1).select(1, 40), {0}, 0, 0);
  row[41] = testing::kNan;
  for (const double value : softmax(from_vector(row, {1, 42}), 1).to_vector<double>()) {
    EXPECT_TRUE(std::isnan(value));
  }
}

}  // namespace
}  // namespace kiln
