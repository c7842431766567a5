#include <gtest/gtest.h>

#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::expect_values;

Tensor grid() {
  return arange(0, 24, 1, {.dtype = kFloat32}).view({2, 3, 4});
}

TEST(Views, ShareStorage) {
  const Tensor x = grid();
  for (const Tensor& v :
       {x.view({6, 4}), x.permute({2, 0, 1}), x.transpose(0, 2), x.narrow(1, 1, 2),
        x.slice(2, 0, 4, 2), x.select(0, 1), x.unsqueeze(1).expand({2, 5, 3, 4}),
        x.unsqueeze(0).squeeze(), x.flatten(), x.unfold(2, 2, 1)}) {
    EXPECT_TRUE(v.shares_storage(x));
  }
  Tensor row = x.select(1, 2);
  row.fill_(-1);
  EXPECT_EQ(x.select(1, 2).sum().item<float>(), -8.0f);
}

TEST(Views, Values) {
  const Tensor x = grid();
  expect_values(x.select(0, 1).select(0, 2), {20, 21, 22, 23});
  expect_values(x.permute({2, 0, 1}).select(0, 1), {1, 5, 9, 13, 17, 21});
  expect_values(x.narrow(2, -2, 2).select(0, 0).select(0, 0), {2, 3});
  expect_values(x.slice(2, 1, std::nullopt, 2).select(0, 0), {1, 3, 5, 7, 9, 11});
  expect_values(x.slice(1, -100, 100).sum({}), {276});
  expect_values(x.slice(1, 2, 1), {});
  expect_values(x.transpose(1, 2).contiguous().select(0, 0).select(0, 1), {1, 5, 9});
  EXPECT_EQ(x.transpose(1, 2).is_contiguous(), false);
}

TEST(Views, ReshapeAndView) {
  const Tensor x = grid();
  EXPECT_EQ(x.view({-1, 6}).shape(), (Shape{4, 6}));
  EXPECT_EQ(x.view({4, -1}).strides(), (Strides{6, 1}));
  // A transposed tensor still views as long as merged dims stay contiguous together.
  const Tensor t = x.transpose(0, 1);  // [3, 2, 4]
  EXPECT_THROW(t.view({3, 8}), Error);
  const Tensor merged = x.permute({1, 0, 2}).reshape({3, 8});
  EXPECT_FALSE(merged.shares_storage(x));  // needed a copy
  expect_values(merged.select(0, 0), {0, 1, 2, 3, 12, 13, 14, 15});
  EXPECT_TRUE(t.reshape({3, 2, 2, 2}).shares_storage(x));
  EXPECT_EQ(scalar_tensor(5.0).view({1, 1}).shape(), (Shape{1, 1}));
  EXPECT_EQ(zeros({0, 3}).view({3, 0}).shape(), (Shape{3, 0}));
}

TEST(Views, ExpandAndSqueeze) {
  const Tensor column = arange(0, 3, 1, {.dtype = kFloat32}).view({3, 1});
  const Tensor wide = column.expand({2, 3, 4});
  EXPECT_EQ(wide.strides(), (Strides{0, 1, 0}));
  expect_values(wide.select(0, 1).select(0, 2), {2, 2, 2, 2});
  EXPECT_EQ(column.expand({-1, 5}).shape(), (Shape{3, 5}));
  EXPECT_EQ(column.squeeze(1).shape(), (Shape{3}));
  EXPECT_EQ(column.squeeze(0).shape(), (Shape{3, 1}));
  EXPECT_EQ(column.unsqueeze(-1).shape(), (Shape{3, 1, 1}));
  EXPECT_EQ(zeros({1, 1}).squeeze().dim(), 0);
}

TEST(Views, Unfold) {
  const Tensor x = arange(0, 7, 1, {.dtype = kFloat32});
  const Tensor windows = x.unfold(0, 3, 2);
  EXPECT_EQ(windows.shape(), (Shape{3, 3}));
  expect_values(windows, {0, 1, 2, 2, 3, 4, 4, 5, 6});
  EXPECT_EQ(grid().unfold(1, 2, 1).shape(), (Shape{2, 2, 4, 2}));
}

TEST(Views, FlattenAndSplit) {
  const Tensor x = grid();
  EXPECT_EQ(x.flatten(1).shape(), (Shape{2, 12}));
  EXPECT_EQ(x.flatten(0, 1).shape(), (Shape{6, 4}));
  const auto parts = x.split(3, 2);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].shape(), (Shape{2, 3, 1}));
  const auto chunks = x.chunk(2, 1);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].size(1), 2);
  EXPECT_EQ(chunks[1].size(1), 1);
  const auto sized = split(x, std::vector<int64_t>{1, 3}, -1);
  EXPECT_EQ(sized[1].shape(), (Shape{2, 3, 3}));
}

TEST(Views, CopiesAndConversions) {
  const Tensor x = grid();
  const Tensor copy = x.clone();
  EXPECT_FALSE(copy.shares_storage(x));
  EXPECT_TRUE(x.contiguous().shares_storage(x));
  const Tensor ints = (x * 1.5).to(kInt64);
  EXPECT_EQ(ints.dtype(), kInt64);
  EXPECT_EQ(ints.select(0, 0).select(0, 1).to_vector<int64_t>(),
            (std::vector<int64_t>{6, 7, 9, 10}));
  EXPECT_EQ(x.to(kBool).sum().item<int64_t>(), 23);
  // Floating values outside int64 saturate and NaN becomes 0, instead of undefined casts.
  const Tensor edges = from_vector(std::vector<double>{testing::kNan, 1e30, -testing::kInf, -2.7});
  EXPECT_EQ(edges.to(kInt64).to_vector<int64_t>(),
            (std::vector<int64_t>{0, std::numeric_limits<int64_t>::max(),
                                  std::numeric_limits<int64_t>::min(), -2}));
  Tensor target = zeros({3, 2});
  target.copy_(arange(0, 2, 1, {.dtype = kFloat64}));
  expect_values(target, {0, 1, 0, 1, 0, 1});
  Tensor overlapping = arange(0, 4, 1, {.dtype = kFloat32});
  overlapping.narrow(0, 1, 3).copy_(overlapping.narrow(0, 0, 3));
  expect_values(overlapping, {0, 0, 1, 2});
}

}  // namespace
}  // namespace kiln
