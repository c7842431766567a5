// selective_scan's CUDA kernels against the CPU's at sizes the registry's small samples do
// not reach: several 32-channel blocks per group (whose B and C gradients are summed by the
// front end), several checkpoint chunks, both register bounds of N, and N above them.
#include <gtest/gtest.h>

#include <vector>

#include "autograd/engine.h"
#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/cuda/cuda.h"
#include "tensor/ops_selective_scan.h"
#include "tests/golden.h"
#include "tests/tensor/testing.h"

namespace kiln {
namespace {

constexpr Device kGpu = cuda_device(0);

struct Case {
  int64_t batch, channels, length, state, groups;
};

std::vector<Tensor> inputs_on(const Case& c, Device device) {
  Generator g(29);
  const TensorOptions like{.dtype = kFloat64};
  const Shape row{c.batch, c.channels, c.length}, varying{c.batch, c.groups, c.state, c.length};
  std::vector<Tensor> v{randn(row, like, &g),
                        rand(row, like, &g) - 0.5,
                        -(rand({c.channels, c.state}, like, &g) * 8 + 1),
                        randn(varying, like, &g),
                        randn(varying, like, &g),
                        randn({c.channels}, like, &g),
                        randn(row, like, &g),
                        rand({c.channels}, like, &g) - 0.5};
  for (Tensor& x : v) x = x.to(device).detach().requires_grad_(true);
  return v;
}

std::vector<Tensor> outputs_and_grads(const Case& c, Device device) {
  const std::vector<Tensor> v = inputs_on(c, device);
  const SelectiveScanOutput r =
      selective_scan_with_last_state(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], true);
  Generator g(31);
  const Tensor d_out = randn(r.out.shape(), {.dtype = kFloat64}, &g).to(device);
  const Tensor d_last = randn(r.last_state.shape(), {.dtype = kFloat64}, &g).to(device);
  std::vector<Tensor> results = grad({r.out, r.last_state}, v, {d_out, d_last});
  results.push_back(r.out.detach());
  results.push_back(r.last_state.detach());
  return results;
}

class CudaSelectiveScan : public ::testing::TestWithParam<Case> {};

TEST_P(CudaSelectiveScan, MatchesTheCpu) {
  const std::vector<Tensor> cpu = outputs_and_grads(GetParam(), kCPU);
  const std::vector<Tensor> gpu = outputs_and_grads(GetParam(), kGpu);
  ASSERT_EQ(cpu.size(), gpu.size());
  for (size_t i = 0; i < cpu.size(); ++i) {
    const auto comparison = testing::Golden::compare(gpu[i].to(kCPU), cpu[i], 1e-10, 1e-10);
    EXPECT_TRUE(comparison.passed) << "result " << i << ": " << comparison.message;
  }
}

INSTANTIATE_TEST_SUITE_P(CudaSizes, CudaSelectiveScan,
                         ::testing::Values(Case{2, 72, 150, 16, 1}, Case{1, 80, 70, 40, 2},
                                           Case{1, 6, 9, 3, 3}));

TEST(CudaSelectiveScan, StatesAboveTheRegisterBoundAreAClearError) {
  const Tensor u = zeros({1, 2, 3}, {.device = kGpu});
  const Tensor a = zeros({2, 65}, {.device = kGpu});
  EXPECT_NE(testing::error_of([&] {
              selective_scan(u, u, a, a, a);
            }).find("selective_scan: the CUDA kernels take N up to 64 states, got 65"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln
