#include <gtest/gtest.h>

#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/dims.h"
#include "tensor/dtype.h"
#include "tensor/error.h"

namespace kiln {
namespace {

TEST(Dims, BroadcastShapes) {
  EXPECT_EQ(broadcast_shapes({2, 1, 3}, {4, 1}, "t"), (Shape{2, 4, 3}));
  EXPECT_EQ(broadcast_shapes({}, {5}, "t"), (Shape{5}));
  EXPECT_EQ(broadcast_shapes({0, 1}, {1, 3}, "t"), (Shape{0, 3}));
  EXPECT_THROW(broadcast_shapes({2, 3}, {4, 3}, "t"), Error);
}

TEST(Dims, ContiguousStridesAndWrap) {
  EXPECT_EQ(contiguous_strides({2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(wrap_dim(-1, 3, "t"), 2);
  EXPECT_EQ(wrap_dim(0, 0, "t"), 0);
  EXPECT_THROW(wrap_dim(3, 3, "t"), Error);
  EXPECT_THROW(wrap_dim(-4, 3, "t"), Error);
}

TEST(Dims, InsertErase) {
  Dims dims{1, 2, 3};
  dims.insert(1, 9);
  EXPECT_EQ(dims, (Dims{1, 9, 2, 3}));
  dims.erase(0);
  EXPECT_EQ(dims, (Dims{9, 2, 3}));
  EXPECT_EQ(dims.product(), 54);
}

TEST(DType, PromotionLattice) {
  EXPECT_EQ(promote_types(kBool, kInt64), kInt64);
  EXPECT_EQ(promote_types(kInt64, kFloat32), kFloat32);
  EXPECT_EQ(promote_types(kFloat32, kFloat64), kFloat64);
  EXPECT_EQ(itemsize(kFloat32), 4u);
  EXPECT_EQ(itemsize(kBool), 1u);
}

TEST(DType, BinaryResultTypes) {
  const Tensor f32 = ones({2});
  const Tensor f64 = ones({2}, {.dtype = kFloat64});
  const Tensor i64 = ones({2}, {.dtype = kInt64});
  const Tensor b = ones({2}, {.dtype = kBool});
  EXPECT_EQ((f32 + f64).dtype(), kFloat64);
  EXPECT_EQ((i64 + f32).dtype(), kFloat32);
  EXPECT_EQ((i64 + i64).dtype(), kInt64);
  EXPECT_EQ((b + i64).dtype(), kInt64);
  EXPECT_EQ(div(i64, i64).dtype(), kFloat32);
  EXPECT_EQ(lt(i64, f32).dtype(), kBool);
  // Numbers and 0-dim tensors do not promote within their category...
  EXPECT_EQ((f32 * 2.5).dtype(), kFloat32);
  EXPECT_EQ(add(f32, scalar_tensor(1.0, {.dtype = kFloat64})).dtype(), kFloat32);
  EXPECT_EQ((i64 * 3).dtype(), kInt64);
  // ...but do across categories.
  EXPECT_EQ((i64 * 0.5).dtype(), kFloat32);
  EXPECT_EQ(add(i64, scalar_tensor(1.0, {.dtype = kFloat64})).dtype(), kFloat64);
  // A float64 number keeps its precision in a float64 op.
  EXPECT_EQ((f64 * 0.1).select(0, 0).item<double>(), 0.1);
}

TEST(DType, UnaryResultTypes) {
  const Tensor i64 = arange(4);
  EXPECT_EQ(exp(i64).dtype(), kFloat32);
  EXPECT_EQ(abs(i64).dtype(), kInt64);
  EXPECT_EQ(i64.pow(2).dtype(), kInt64);
  EXPECT_EQ(i64.pow(0.5).dtype(), kFloat32);
  EXPECT_EQ(sum(ones({3}, {.dtype = kBool})).dtype(), kInt64);
  EXPECT_EQ(sum(ones({3}, {.dtype = kBool})).item<int64_t>(), 3);
}

TEST(Device, Parse) {
  EXPECT_EQ(Device::parse("cpu"), kCPU);
  EXPECT_EQ(Device::parse("cuda:1"), cuda_device(1));
  EXPECT_EQ(Device::parse("cuda").str(), "cuda:0");
  EXPECT_THROW(Device::parse("cuda:x"), Error);
}

}  // namespace
}  // namespace kiln
