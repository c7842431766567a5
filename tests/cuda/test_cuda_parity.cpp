// Parity of the CUDA backend with the CPU, generated from the op registry: for every entry
// and sample, the forward result and the gradient of every input on cuda:0 against the
// CPU's (float64 to rounding, float32 within the entry's float32 tolerances), and gradcheck
// of the op run on cuda:0 in float64 (the registry's modes, autograd/registry/op_verify.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograd/registry/op_verify.h"
#include "tensor/cuda/caching_allocator.h"
#include "tensor/cuda/cuda.h"

namespace kiln::autograd {
namespace {

constexpr Device kGpu = cuda_device(0);

std::vector<std::string> entry_names() {
  std::vector<std::string> names;
  for (const OpEntry& entry : op_registry()) names.push_back(entry.name());
  return names;
}

class CudaParity : public testing::TestWithParam<std::string> {
 protected:
  const OpEntry& entry() const { return *find_op_entry(GetParam()); }

  void check_against_cpu(DType dtype, Tolerance forward, Tolerance gradient) {
    Generator samples_generator(17), grad_generator(23);
    for (const OpSample& sample : entry().samples(samples_generator)) {
      EXPECT_EQ(compare_with_cpu(sample, dtype, kGpu, forward, gradient, grad_generator), "")
          << "sample \"" << sample.label << "\"";
    }
  }
};

TEST_P(CudaParity, Float64MatchesCpu) {
  check_against_cpu(kFloat64, {1e-12, 1e-10}, {1e-12, 1e-9});
}

// The entry's float32 tolerances (stated against float64) bound the difference of two
// float32 computations that round in different orders; gradients get ten times those.
TEST_P(CudaParity, Float32MatchesCpu) {
  const OpEntry& op = entry();
  check_against_cpu(kFloat32, {op.forward_atol, op.forward_rtol},
                    {10 * op.forward_atol, 10 * op.forward_rtol});
}

// Central differences of the op run on cuda:0 against the gradients it computes there.
TEST_P(CudaParity, GradcheckOnCuda) {
  const OpCheck checks[] = {OpCheck::Gradcheck};
  const OpReport report = verify_op(entry(), checks, kGpu);
  EXPECT_TRUE(report.unsupported.empty()) << report.unsupported;
  EXPECT_TRUE(report.gradcheck.ran);
  EXPECT_TRUE(report.gradcheck.passed) << report.gradcheck.message;
}

// kiln verify --device cuda:0 differentiates on the device: every check there allocates
// device memory, which a check on the CPU inputs would not.
TEST(CudaVerify, GradchecksRunOnTheDevice) {
  for (const OpCheck check : {OpCheck::Gradcheck, OpCheck::Gradgradcheck}) {
    const size_t before = cuda::memory_stats(0).allocations;
    const OpCheck checks[] = {check};
    const OpReport report = verify_op(*find_op_entry("exp"), checks, kGpu);
    EXPECT_TRUE(report.outcome(check).ran);
    EXPECT_TRUE(report.outcome(check).passed) << report.outcome(check).message;
    EXPECT_GT(cuda::memory_stats(0).allocations, before);
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, CudaParity, testing::ValuesIn(entry_names()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace kiln::autograd
