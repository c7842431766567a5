#include <gtest/gtest.h>

#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::expect_values;

Tensor grid() {
  return arange(0, 12, 1, {.dtype = kFloat32}).view({3, 4});
}

TEST(Index, IndexSelect) {
  const Tensor x = grid();
  expect_values(index_select(x, 0, tensor({2, 0})), {8, 9, 10, 11, 0, 1, 2, 3});
  expect_values(index_select(x, 1, tensor({3, 3, 1})), {3, 3, 1, 7, 7, 5, 11, 11, 9});
  expect_values(index_select(x.t(), 0, tensor({1})), {1, 5, 9});
  EXPECT_EQ(index_select(x, 0, arange(0)).shape(), (Shape{0, 4}));
  EXPECT_THROW(index_select(x, 0, tensor({3})), Error);
  EXPECT_THROW(index_select(x, 0, tensor({-1})), Error);
}

TEST(Index, GatherScatter) {
  const Tensor x = grid();
  const Tensor index = tensor({{0, 0}, {3, 1}, {2, 2}});
  expect_values(gather(x, 1, index), {0, 0, 7, 5, 10, 10});
  expect_values(gather(x, 0, tensor({{2, 1, 0, 0}})), {8, 5, 2, 3});
  const Tensor src = ones({3, 2});
  expect_values(scatter(zeros({3, 4}), 1, index, src * 5), {5, 0, 0, 0, 0, 5, 0, 5, 0, 0, 5, 0});
  expect_values(scatter_add(zeros({3, 4}), 1, index, src), {2, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 0});
  expect_values(scatter_add(zeros({2}), 0, tensor({1, 1, 0}), tensor({1.0, 2.0, 4.0})), {4, 3});
  EXPECT_THROW(gather(x, 1, tensor({{4}})), Error);
  EXPECT_THROW(scatter_add(zeros({2}), 0, tensor({2}), tensor({1.0})), Error);
}

TEST(Index, IndexAdd) {
  const Tensor x = zeros({3, 2});
  const Tensor source = tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});
  expect_values(index_add(x, 0, tensor({2, 0, 2}), source), {3, 4, 0, 0, 6, 8});
  expect_values(index_add(x, 1, tensor({1, 1}), ones({3, 2}), 0.5), {0, 1, 0, 1, 0, 1});
  EXPECT_THROW(index_add(x, 0, tensor({3, 0, 0}), source), Error);
}

TEST(Index, EmbeddingAndOneHot) {
  const Tensor weight = grid();
  const Tensor tokens = tensor({{2, 0}, {1, 1}});
  const Tensor rows = embedding(weight, tokens);
  EXPECT_EQ(rows.shape(), (Shape{2, 2, 4}));
  expect_values(rows.select(0, 0), {8, 9, 10, 11, 0, 1, 2, 3});
  const Tensor encoded = one_hot(tensor({0, 2, 1}));
  EXPECT_EQ(encoded.dtype(), kInt64);
  expect_values(encoded, {1, 0, 0, 0, 0, 1, 0, 1, 0});
  EXPECT_EQ(one_hot(tensor({1}), 5).shape(), (Shape{1, 5}));
  EXPECT_THROW(one_hot(tensor({5}), 5), Error);
}

TEST(Index, TriangleMasks) {
  const Tensor x = ones({3, 3});
  expect_values(x.tril(), {1, 0, 0, 1, 1, 0, 1, 1, 1});
  expect_values(x.triu(1), {0, 1, 1, 0, 0, 1, 0, 0, 0});
  expect_values(x.tril(-1), {0, 0, 0, 1, 0, 0, 1, 1, 0});
  EXPECT_EQ(ones({2, 3, 4}).triu().sum().item<float>(), 18.0f);
  EXPECT_EQ(ones({2, 3}).tril().dtype(), kFloat32);
}

}  // namespace
}  // namespace kiln
