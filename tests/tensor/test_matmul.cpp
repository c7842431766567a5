#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "tensor/cpu/matmul_avx512.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

// Reference product of a [.., m, k] and b [.., k, n] (same batch shape) in float64.
std::vector<double> naive_matmul(const Tensor& a, const Tensor& b) {
  const Tensor ac = a.contiguous(), bc = b.contiguous();
  const auto av = ac.to_vector<double>(), bv = bc.to_vector<double>();
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  const int64_t batch = a.numel() / (m * k);
  std::vector<double> out(batch * m * n, 0.0);
  for (int64_t s = 0; s < batch; ++s)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t p = 0; p < k; ++p)
          out[(s * m + i) * n + j] += av[(s * m + i) * k + p] * bv[(s * k + p) * n + j];
  return out;
}

TEST(Matmul, VectorAndMatrixForms) {
  const Tensor v = tensor({1.0, 2.0, 3.0});
  const Tensor m = tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}});
  const Tensor dot = matmul(v, v);
  EXPECT_EQ(dot.dim(), 0);
  EXPECT_EQ(dot.item<float>(), 14.0f);
  testing::expect_values(matmul(v, m), {4, 5});
  testing::expect_values(matmul(m.t(), v), {4, 5});
  EXPECT_EQ(matmul(v, m).shape(), (Shape{2}));
  const Tensor batched = ones({4, 2, 3});
  EXPECT_EQ(matmul(batched, v).shape(), (Shape{4, 2}));
  EXPECT_EQ(matmul(v.view({1, 3}), batched.transpose(1, 2)).shape(), (Shape{4, 1, 2}));
}

TEST(Matmul, LayoutsAgainstReference) {
  manual_seed(3);
  for (DType dtype : {kFloat32, kFloat64, kInt64}) {
    const TensorOptions options{.dtype = dtype};
    const Tensor a =
        dtype == kInt64 ? randint(-5, 5, {3, 5, 7}, options) : randn({3, 5, 7}, options);
    const Tensor b =
        dtype == kInt64 ? randint(-5, 5, {3, 7, 4}, options) : randn({3, 7, 4}, options);
    const double tol = dtype == kFloat32 ? 1e-5 : 1e-12;
    testing::expect_values(matmul(a, b), naive_matmul(a, b), tol, tol);
    // Transposed operands go to BLAS as transposes.
    const Tensor at = a.transpose(1, 2).contiguous().transpose(1, 2);
    const Tensor bt = b.transpose(1, 2).contiguous().transpose(1, 2);
    testing::expect_values(matmul(at, bt), naive_matmul(a, b), tol, tol);
    // A layout BLAS cannot take (stepped columns) is copied first.
    const Tensor wide =
        dtype == kInt64 ? randint(-5, 5, {3, 5, 14}, options) : randn({3, 5, 14}, options);
    const Tensor stepped = wide.slice(2, 0, 14, 2);
    testing::expect_values(matmul(stepped, b), naive_matmul(stepped, b), tol, tol);
  }
}

// Vector-matrix, outer and skinny products that skip BLAS (tensor/cpu/matmul.cpp), in every
// layout, with partial vectors of columns and groups of rows, and products just outside
// those paths.
TEST(Matmul, SmallProductsAgainstReference) {
  manual_seed(5);
  const auto stored_transposed = [](const Tensor& x) {
    return x.transpose(-1, -2).contiguous().transpose(-1, -2);
  };
  const std::vector<std::array<int64_t, 3>> shapes = {
      {1, 20, 16}, {1, 16, 20},  {20, 1, 16},  {1, 128, 20}, {1, 40, 3},  {1, 200, 30},
      {3, 1, 5},   {70, 16, 20}, {100, 4, 40}, {64, 130, 3}, {67, 9, 33}, {63, 16, 16}};
  for (DType dtype : {kFloat32, kFloat64}) {
    const double tol = dtype == kFloat32 ? 1e-5 : 1e-12;
    for (const auto& [m, k, n] : shapes) {
      const Tensor a = randn({4, m, k}, {.dtype = dtype}), b = randn({4, k, n}, {.dtype = dtype});
      for (const Tensor& left : {a, stored_transposed(a)}) {
        for (const Tensor& right : {b, stored_transposed(b)}) {
          testing::expect_values(matmul(left, right), naive_matmul(a, b), tol, tol);
        }
      }
    }
  }
}

// kiln's AVX-512 kernel (tensor/cpu/matmul_avx512.cpp) called directly, so that every shape
// it takes reaches it: partial tiles of rows and columns, several blocks of rows,
// columns and depth, every layout, and leading dimensions wider than the matrices. Each entry is
// within 1e-5 of sum_p |a_ip b_pj| of the float64 product (float32 rounding grows with that sum).
TEST(Matmul, Avx512KernelAcrossBlocks) {
#ifndef __AVX512F__
  // Without AVX-512 the kernel is not built: it declines every product, which then goes to
  // OpenBLAS (the tests above).
  std::vector<float> x(32 * 32), y(32 * 32), z(32 * 32);
  EXPECT_FALSE(
      cpu::matmul_avx512(x.data(), y.data(), z.data(), 32, 32, 32, {false, 32}, {false, 32}, 32));
  return;
#endif
  std::mt19937 generator(11);
  std::normal_distribution<float> normal;
  const std::vector<std::array<int64_t, 3>> shapes = {
      {1, 2048, 16}, {13, 90, 33}, {12, 256, 32}, {121, 257, 31}, {250, 600, 70}, {5, 16, 1100}};
  for (const auto& [m, k, n] : shapes) {
    for (const bool a_transposed : {false, true}) {
      for (const bool b_transposed : {false, true}) {
        const MatrixLayout la{a_transposed, (a_transposed ? m : k) + 3};
        const MatrixLayout lb{b_transposed, (b_transposed ? k : n) + 5};
        std::vector<float> a((a_transposed ? k : m) * la.leading),
            b((b_transposed ? n : k) * lb.leading);
        for (float& value : a) value = normal(generator);
        for (float& value : b) value = normal(generator);
        const auto a_at = [&](int64_t i, int64_t p) {
          return double(a_transposed ? a[p * la.leading + i] : a[i * la.leading + p]);
        };
        const auto b_at = [&](int64_t p, int64_t j) {
          return double(b_transposed ? b[j * lb.leading + p] : b[p * lb.leading + j]);
        };
        const int64_t ldc = n + 2;
        std::vector<float> c(m * ldc, -7.0f);
        ASSERT_TRUE(cpu::matmul_avx512(a.data(), b.data(), c.data(), m, n, k, la, lb, ldc));
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) {
            double exact = 0, magnitude = 0;
            for (int64_t p = 0; p < k; ++p) {
              exact += a_at(i, p) * b_at(p, j);
              magnitude += std::abs(a_at(i, p) * b_at(p, j));
            }
            ASSERT_NEAR(c[i * ldc + j], exact, 1e-5 * magnitude)
                << m << "x" << k << "x" << n << " entry " << i << "," << j;
          }
          for (int64_t j = n; j < ldc; ++j) ASSERT_EQ(c[i * ldc + j], -7.0f) << "padding written";
        }
      }
    }
  }
  // Products OpenBLAS does faster are left to it.
  std::vector<float> a(4 * 42), b(42 * 42), c(4 * 42);
  EXPECT_FALSE(
      cpu::matmul_avx512(a.data(), b.data(), c.data(), 4, 42, 42, {true, 4}, {false, 42}, 42));
  EXPECT_FALSE(
      cpu::matmul_avx512(a.data(), b.data(), c.data(), 42, 4, 42, {false, 42}, {false, 4}, 4));
}

TEST(Matmul, BroadcastBatch) {
  manual_seed(4);
  const Tensor a = randn({2, 3, 4, 5}, {.dtype = kFloat64});
  const Tensor w = randn({5, 6}, {.dtype = kFloat64});
  const Tensor out = matmul(a, w);  // folded into one [24, 5] x [5, 6] GEMM
  EXPECT_EQ(out.shape(), (Shape{2, 3, 4, 6}));
  testing::expect_values(out, naive_matmul(a, w.expand({2, 3, 5, 6})), 1e-12, 1e-12);
  const Tensor b = randn({3, 1, 5, 2}, {.dtype = kFloat64});
  const Tensor c = randn({1, 4, 2, 5}, {.dtype = kFloat64});
  const Tensor mixed = matmul(b, c);
  EXPECT_EQ(mixed.shape(), (Shape{3, 4, 5, 5}));
  testing::expect_values(mixed, naive_matmul(b.expand({3, 4, 5, 2}), c.expand({3, 4, 2, 5})), 1e-12,
                         1e-12);
}

TEST(Matmul, EmptyAndLarge) {
  testing::expect_values(matmul(ones({2, 0}), ones({0, 3})), {0, 0, 0, 0, 0, 0});
  EXPECT_EQ(matmul(ones({0, 4}), ones({4, 3})).shape(), (Shape{0, 3}));
  manual_seed(6);
  const Tensor a = randn({300, 200}, {.dtype = kFloat64});
  const Tensor b = randn({200, 100}, {.dtype = kFloat64});
  testing::expect_values(matmul(a, b), naive_matmul(a, b), 1e-10, 1e-10);
}

}  // namespace
}  // namespace kiln
