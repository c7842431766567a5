#include <gtest/gtest.h>

#include <limits>

#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::expect_values;

TEST(Creation, Fills) {
  EXPECT_EQ(empty({2, 3}).shape(), (Shape{2, 3}));
  expect_values(zeros({2, 2}), {0, 0, 0, 0});
  expect_values(ones({3}, {.dtype = kInt64}), {1, 1, 1});
  expect_values(full({2}, 7.5, {.dtype = kFloat64}), {7.5, 7.5});
  EXPECT_EQ(full({2}, true, {.dtype = kBool}).dtype(), kBool);
  expect_values(zeros_like(ones({2}, {.dtype = kInt64})), {0, 0});
  EXPECT_EQ(scalar_tensor(3).dtype(), kInt64);
  EXPECT_EQ(scalar_tensor(3.0).dtype(), kFloat32);
  EXPECT_EQ(zeros({}).numel(), 1);
  EXPECT_EQ(zeros({0, 4}).numel(), 0);
}

TEST(Creation, Ranges) {
  expect_values(arange(5), {0, 1, 2, 3, 4});
  EXPECT_EQ(arange(5).dtype(), kInt64);
  expect_values(arange(1, 2, 0.25, {.dtype = kFloat64}), {1, 1.25, 1.5, 1.75});
  expect_values(arange(3, 0, -1), {3, 2, 1});
  expect_values(arange(0, 0, 1), {});
  const Tensor points = linspace(-1, 1, 5, {.dtype = kFloat64});
  expect_values(points, {-1, -0.5, 0, 0.5, 1}, 0, 0);
  expect_values(linspace(0, 1, 1), {0});
  EXPECT_EQ(linspace(0, 1, 0).numel(), 0);
  expect_values(linspace(0, 1, 4, {.dtype = kFloat64}), {0, 1.0 / 3, 2.0 / 3, 1}, 1e-15, 0);
  expect_values(eye(3), {1, 0, 0, 0, 1, 0, 0, 0, 1});
  expect_values(eye(2, 4), {1, 0, 0, 0, 0, 1, 0, 0});
  expect_values(eye(4, 2), {1, 0, 0, 1, 0, 0, 0, 0});
}

TEST(Creation, NestedLists) {
  const Tensor floats = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_EQ(floats.dtype(), kFloat32);
  EXPECT_EQ(floats.shape(), (Shape{2, 3}));
  expect_values(floats, {1, 2, 3, 4, 5, 6});
  const Tensor ints = tensor({{{1, 2}}, {{3, 4}}});
  EXPECT_EQ(ints.dtype(), kInt64);
  EXPECT_EQ(ints.shape(), (Shape{2, 1, 2}));
  EXPECT_EQ(tensor({true, false}).dtype(), kBool);
  EXPECT_EQ(tensor({1, 2}, TensorOptions{.dtype = kFloat64}).dtype(), kFloat64);
  EXPECT_THROW(tensor({{1.0, 2.0}, {3.0}}), Error);
  // Integer literals stay exact beyond 2^53.
  EXPECT_EQ(tensor({int64_t{9007199254740993}}).item<int64_t>(), 9007199254740993);
}

TEST(Creation, FromVector) {
  const Tensor x = from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {3, 2});
  EXPECT_EQ(x.dtype(), kFloat32);
  expect_values(x.select(1, 1), {2, 4, 6});
  const Tensor y = from_vector(std::vector<int64_t>{4, 5}, {}, {.dtype = kFloat64});
  EXPECT_EQ(y.dtype(), kFloat64);
  EXPECT_EQ(y.shape(), (Shape{2}));
  EXPECT_EQ(x.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(from_vector(std::vector<int64_t>{9}).item<int64_t>(), 9);
}

TEST(Printing, Readable) {
  const std::string text = tensor({{1.0, 2.5}, {-3.0, 4.0}}).to_string();
  EXPECT_EQ(text,
            "tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]], shape=[2, 2], "
            "dtype=float32, device=cpu)");
  EXPECT_EQ(arange(3).to_string(), "tensor([0, 1, 2], shape=[3], dtype=int64, device=cpu)");
  EXPECT_EQ(tensor({true, false}).to_string(),
            "tensor([ true, false], shape=[2], dtype=bool, device=cpu)");
  EXPECT_EQ(scalar_tensor(2.0).to_string(), "tensor(2.0000, shape=[], dtype=float32, device=cpu)");
  const std::string big = arange(0, 2000, 1, {.dtype = kFloat32}).view({2, 1000}).to_string();
  EXPECT_NE(big.find("..."), std::string::npos);
  EXPECT_NE(big.find("1999"), std::string::npos);
  EXPECT_LT(big.size(), 400u);
  EXPECT_NE(tensor({1e-6, 1.0}).to_string().find("e-06"), std::string::npos);
  EXPECT_NE(full({1}, std::numeric_limits<int64_t>::max(), {.dtype = kInt64})
                .to_string()
                .find("9223372036854775807"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln
