// The fused attention kernels (tensor/cuda/attention.cu) against the CPU's composed op:
// several tiles with partial last tiles, causal and not, and without ever holding the
// L x S scores in memory.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/cuda/caching_allocator.h"

namespace kiln {
namespace {

constexpr Device kGpu = cuda_device(0);

void expect_close(const Tensor& gpu, const Tensor& cpu, double tolerance) {
  ASSERT_EQ(gpu.shape(), cpu.shape());
  const std::vector<double> got = gpu.to(kCPU).to_vector<double>();
  const std::vector<double> want = cpu.to_vector<double>();
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], tolerance * (1 + std::abs(want[i]))) << "element " << i;
  }
}

struct Case {
  int64_t batch, queries, keys, head, value_head;
  bool causal;
};

class CudaFusedAttention : public testing::TestWithParam<Case> {};

TEST_P(CudaFusedAttention, MatchesTheCpuForwardAndBackward) {
  const Case c = GetParam();
  Generator generator(21);
  const TensorOptions f64{.dtype = kFloat64};
  const Tensor q = randn({c.batch, 2, c.queries, c.head}, f64, &generator);
  const Tensor k = randn({c.batch, 2, c.keys, c.head}, f64, &generator);
  const Tensor v = randn({c.batch, 2, c.keys, c.value_head}, f64, &generator);
  const Tensor d_out = randn({c.batch, 2, c.queries, c.value_head}, f64, &generator);
  std::vector<Tensor> cpu = {q.clone().requires_grad_(), k.clone().requires_grad_(),
                             v.clone().requires_grad_()};
  std::vector<Tensor> gpu = {q.to(kGpu).requires_grad_(), k.to(kGpu).requires_grad_(),
                             v.to(kGpu).requires_grad_()};
  const Tensor cpu_out = scaled_dot_product_attention(cpu[0], cpu[1], cpu[2], {}, 0, c.causal);
  const Tensor gpu_out = scaled_dot_product_attention(gpu[0], gpu[1], gpu[2], {}, 0, c.causal);
  expect_close(gpu_out, cpu_out, 1e-12);
  cpu_out.backward(d_out);
  gpu_out.backward(d_out.to(kGpu));
  for (int i = 0; i < 3; ++i) expect_close(gpu[i].grad(), cpu[i].grad(), 1e-11);
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudaFusedAttention,
                         testing::Values(Case{1, 70, 90, 24, 20, false},
                                         Case{2, 70, 70, 16, 16, true},
                                         Case{1, 33, 65, 8, 12, true}, Case{1, 1, 5, 4, 4, false}));

TEST(CudaFusedAttentionFallback, MixedDevicesAreAnErrorNotAKernelReadingHostMemory) {
  const Tensor q = randn({1, 4, 8}, {.device = kGpu}), k = randn({1, 4, 8}), v = randn({1, 4, 8});
  EXPECT_THROW(scaled_dot_product_attention(q, k, v), Error);
}

// A head too wide for any tile of the backward kernels in shared memory: the op is composed
// instead, forward and backward alike.
TEST(CudaFusedAttentionFallback, HeadsTooWideForSharedMemoryAreComposed) {
  Generator generator(8);
  const TensorOptions f64{.dtype = kFloat64};
  const Tensor q = randn({1, 3, 1024}, f64, &generator), k = randn({1, 5, 1024}, f64, &generator);
  const Tensor v = randn({1, 5, 1024}, f64, &generator);
  std::vector<Tensor> cpu = {q.clone().requires_grad_(), k.clone().requires_grad_(),
                             v.clone().requires_grad_()};
  std::vector<Tensor> gpu = {q.to(kGpu).requires_grad_(), k.to(kGpu).requires_grad_(),
                             v.to(kGpu).requires_grad_()};
  const Tensor cpu_out = scaled_dot_product_attention(cpu[0], cpu[1], cpu[2], {}, 0, true);
  const Tensor gpu_out = scaled_dot_product_attention(gpu[0], gpu[1], gpu[2], {}, 0, true);
  expect_close(gpu_out, cpu_out, 1e-12);
  cpu_out.sum().backward();
  gpu_out.sum().backward();
  for (int i = 0; i < 3; ++i) expect_close(gpu[i].grad(), cpu[i].grad(), 1e-11);
}

// The fused backward pass reads the forward's output; writing to it in place is caught.
TEST(CudaFusedAttentionFallback, ChangingTheOutputInPlaceIsCaught) {
  const Tensor q = randn({1, 4, 8}, {.device = kGpu}).requires_grad_();
  const Tensor k = randn({1, 4, 8}, {.device = kGpu}), v = randn({1, 4, 8}, {.device = kGpu});
  Tensor out = scaled_dot_product_attention(q, k, v);
  {
    NoGradGuard no_grad;
    out.mul_(full({}, 0.5, {.device = kGpu}));
  }
  EXPECT_THROW(out.sum().backward(), Error);
}

// A float32 sequence of 512 against itself: the composed op would hold 512 x 512 scores
// (1 MiB) per head; the fused forward and backward passes never allocate that much.
TEST(CudaFusedAttentionMemory, NeverHoldsTheScores) {
  Generator generator(2);
  const Tensor q = randn({1, 512, 16}, {.device = kGpu}, &generator).requires_grad_();
  const Tensor k = randn({1, 512, 16}, {.device = kGpu}, &generator).requires_grad_();
  const Tensor v = randn({1, 512, 16}, {.device = kGpu}, &generator).requires_grad_();
  cuda::reset_peak_memory_stats();
  const size_t start = cuda::memory_stats().allocated;
  const Tensor out = scaled_dot_product_attention(q, k, v, {}, 0, true);
  out.sum().backward();
  const size_t scores_bytes = 512 * 512 * sizeof(float);
  EXPECT_LT(cuda::memory_stats().peak_allocated - start, scores_bytes / 2);
}

}  // namespace
}  // namespace kiln
