// The CUDA side of the dispatch seam. Every test but the availability ones needs a GPU and
// skips without one, so the suite passes on the toolkit-only machines that build it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/cuda/cuda.h"

namespace kiln {
namespace {

constexpr Device kGpu = cuda_device(0);

class CudaSeam : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kiln::cuda::is_available()) GTEST_SKIP() << "no CUDA GPU on this machine";
  }

  Tensor random(const Shape& shape, DType dtype = kFloat32) {
    return randn(shape, {.dtype = dtype}, &generator_);
  }

 private:
  Generator generator_{7};
};

// Element by element, within 1e-4 of the CPU's value relative to its magnitude (at least 1).
void expect_close(const Tensor& gpu, const Tensor& cpu) {
  ASSERT_EQ(gpu.shape(), cpu.shape());
  const std::vector<double> got = gpu.to(kCPU).to_vector<double>();
  const std::vector<double> expected = cpu.to_vector<double>();
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], expected[i], 1e-4 * std::max(1.0, std::abs(expected[i]))) << "at " << i;
  }
}

TEST_F(CudaSeam, FillEveryDtype) {
  const int64_t big = (int64_t{1} << 40) + 1;  // not representable in float: must stay exact
  EXPECT_EQ(full({2, 3}, big, {.dtype = kInt64, .device = kGpu}).to(kCPU).to_vector<int64_t>(),
            std::vector<int64_t>(6, big));
  EXPECT_EQ(full({5}, true, {.dtype = kBool, .device = kGpu}).to(kCPU).to_vector<bool>(),
            std::vector<bool>(5, true));
  EXPECT_EQ(full({4}, 2.5, {.device = kGpu}).to(kCPU).to_vector<float>(),
            std::vector<float>(4, 2.5f));
  EXPECT_EQ(full({3}, 0.1, {.dtype = kFloat64, .device = kGpu}).to(kCPU).to_vector<double>(),
            std::vector<double>(3, 0.1));
}

TEST_F(CudaSeam, FillWritesThroughAStridedView) {
  Tensor x = zeros({3, 4}, {.device = kGpu});
  x.narrow(1, 1, 2).fill_(7);
  EXPECT_EQ(x.to(kCPU).to_vector<float>(),
            (std::vector<float>{0, 7, 7, 0, 0, 7, 7, 0, 0, 7, 7, 0}));
}

TEST_F(CudaSeam, AddMatchesCpu) {
  for (DType dtype : {kFloat32, kFloat64}) {
    const Tensor a = random({3, 4}, dtype), b = random({3, 4}, dtype);
    expect_close(a.to(kGpu) + b.to(kGpu), a + b);
  }
}

TEST_F(CudaSeam, AddBroadcastsARow) {
  const Tensor a = random({3, 4}), row = random({4});
  expect_close(a.to(kGpu) + row.to(kGpu), a + row);
  expect_close(row.to(kGpu) + a.to(kGpu), row + a);
}

TEST_F(CudaSeam, Matmul2d) {
  const Tensor a = random({5, 7}), b = random({7, 3});
  expect_close(a.to(kGpu).matmul(b.to(kGpu)), a.matmul(b));
  const Tensor c = random({5, 7}, kFloat64), d = random({7, 3}, kFloat64);
  expect_close(c.to(kGpu).matmul(d.to(kGpu)), c.matmul(d));
}

// The transposes are taken on each device, so that cuBLAS sees the strided layout itself.
TEST_F(CudaSeam, MatmulTransposedOperands) {
  const Tensor a = random({7, 5}), b = random({3, 7});
  expect_close(a.to(kGpu).t().matmul(b.to(kGpu).t()), a.t().matmul(b.t()));
  const Tensor c = random({5, 7});
  expect_close(c.to(kGpu).matmul(b.to(kGpu).t()), c.matmul(b.t()));
}

TEST_F(CudaSeam, MatmulBatched) {
  const Tensor a = random({4, 5, 7}), b = random({4, 7, 3});
  expect_close(a.to(kGpu).matmul(b.to(kGpu)), a.matmul(b));
}

TEST_F(CudaSeam, MatmulBroadcastBatch) {
  const Tensor a = random({4, 5, 7}), weight = random({7, 3});
  expect_close(a.to(kGpu).matmul(weight.to(kGpu)), a.matmul(weight));
  const Tensor a_t = a.transpose(1, 2);
  expect_close(weight.t().to(kGpu).matmul(a_t.to(kGpu)), weight.t().matmul(a_t));
  // Batch strides [0, 35] and [21, 0]: no single stride, so one product per matrix.
  const Tensor c = random({1, 3, 5, 7}), d = random({2, 1, 7, 3});
  expect_close(c.to(kGpu).matmul(d.to(kGpu)), c.matmul(d));
}

// cuBLAS has no integer GEMM: int64 products run on kiln's own tiled kernel.
TEST_F(CudaSeam, Int64MatmulMatchesCpu) {
  Generator generator(3);
  const Tensor a = randint(-50, 50, {2, 19, 21}, {.dtype = kInt64}, &generator);
  const Tensor b = randint(-50, 50, {21, 17}, {.dtype = kInt64}, &generator);
  const Tensor gpu = a.to(kGpu).matmul(b.to(kGpu));
  EXPECT_EQ(gpu.to(kCPU).to_vector<int64_t>(), a.matmul(b).to_vector<int64_t>());
  const Tensor a_t = a.transpose(1, 2).contiguous().transpose(1, 2);
  EXPECT_EQ(a_t.to(kGpu).matmul(b.to(kGpu)).to(kCPU).to_vector<int64_t>(),
            a.matmul(b).to_vector<int64_t>());
}

TEST_F(CudaSeam, MixingDevicesThrows) {
  const Tensor cpu = ones({2}), gpu = ones({2}, {.device = kGpu});
  EXPECT_THROW(cpu + gpu, Error);
  EXPECT_THROW(gpu.matmul(cpu), Error);
}

TEST(CudaAvailability, DeviceCountIsConsistent) {
  EXPECT_GE(kiln::cuda::device_count(), 0);
  EXPECT_EQ(kiln::cuda::is_available(), kiln::cuda::device_count() > 0);
}

TEST(CudaAvailability, TensorOnAMissingDeviceThrows) {
  const Device missing = cuda_device(kiln::cuda::device_count());
  EXPECT_THROW(zeros({2}, {.device = missing}), Error);
  EXPECT_THROW(empty({0}, {.device = missing}), Error);
}

}  // namespace
}  // namespace kiln
