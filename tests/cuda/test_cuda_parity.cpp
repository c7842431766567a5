// Parity of the CUDA backend with the CPU, generated from the op registry: for every entry
// and sample, the forward result and the gradient of every input on cuda:0 against the
// CPU's (float64 to rounding, float32 within the entry's float32 tolerances), and gradcheck
// of the op run on cuda:0 in float64.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "autograd/registry/op_registry.h"
#include "nn/op_list.h"
#include "tensor/creation.h"
#include "tensor/cuda/cuda.h"
#include "tensor/deterministic.h"

namespace kiln::autograd {
namespace {

constexpr Device kGpu = cuda_device(0);

std::vector<std::string> entry_names() {
  std::vector<std::string> names;
  for (const OpEntry& entry : op_registry()) names.push_back(entry.name());
  return names;
}

// Leaves on `device` in `dtype` (floating inputs only), requiring grad where `inputs` do.
std::vector<Tensor> leaves(const std::vector<Tensor>& inputs, DType dtype, Device device) {
  std::vector<Tensor> result;
  for (const Tensor& input : inputs) {
    Tensor x = input.detach();
    if (is_floating(x.dtype())) x = x.to(dtype);
    x = x.to(device);
    if (input.requires_grad()) x.requires_grad_(true);
    result.push_back(x);
  }
  return result;
}

struct Tolerance {
  double atol;
  double rtol;
};

// "" when every element of `actual` (any device) is within tolerance of `expected`.
std::string compare(const Tensor& actual, const Tensor& expected, Tolerance tolerance) {
  if (actual.shape() != expected.shape()) return "shapes differ";
  if (actual.device() != kGpu) return "result is on " + actual.device().str();
  const std::vector<double> got = actual.to(kCPU).to_vector<double>();
  const std::vector<double> want = expected.to_vector<double>();
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i]) && std::isnan(got[i])) continue;
    if (!(std::abs(got[i] - want[i]) <= tolerance.atol + tolerance.rtol * std::abs(want[i]))) {
      return "element " + std::to_string(i) + ": cuda " + std::to_string(got[i]) + ", cpu " +
             std::to_string(want[i]);
    }
  }
  return "";
}

class CudaParity : public testing::TestWithParam<std::string> {
 protected:
  const OpEntry& entry() const { return *find_op_entry(GetParam()); }

  // Forward and input gradients of every sample on cuda:0 against the CPU in `dtype`.
  void check_against_cpu(DType dtype, Tolerance forward, Tolerance gradient) {
    Generator samples_generator(17), grad_generator(23);
    for (const OpSample& sample : entry().samples(samples_generator)) {
      SCOPED_TRACE("sample \"" + sample.label + "\"");
      const std::vector<Tensor> cpu_inputs = leaves(sample.inputs, dtype, kCPU);
      const std::vector<Tensor> gpu_inputs = leaves(sample.inputs, dtype, kGpu);
      const Tensor cpu_out = sample.call(cpu_inputs);
      const Tensor gpu_out = sample.call(gpu_inputs);
      const std::string forward_error = compare(gpu_out, cpu_out, forward);
      EXPECT_EQ(forward_error, "") << "forward";
      if (!forward_error.empty() || !cpu_out.requires_grad()) continue;
      const Tensor grad_output =
          randn(cpu_out.shape(), {.dtype = cpu_out.dtype()}, &grad_generator);
      cpu_out.backward(grad_output);
      gpu_out.backward(grad_output.to(kGpu));
      for (size_t i = 0; i < cpu_inputs.size(); ++i) {
        if (!cpu_inputs[i].requires_grad()) continue;
        ASSERT_EQ(cpu_inputs[i].grad().defined(), gpu_inputs[i].grad().defined()) << "input " << i;
        if (!cpu_inputs[i].grad().defined()) continue;
        EXPECT_EQ(compare(gpu_inputs[i].grad(), cpu_inputs[i].grad(), gradient), "")
            << "gradient of input " << i;
      }
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
// Deterministic accumulation: gradcheck requires a second backward to repeat the first
// bit for bit, which atomics (scatter_add, index_add) do not promise.
TEST_P(CudaParity, GradcheckOnCuda) {
  const DeterministicAlgorithmsGuard deterministic(true);
  Generator samples_generator(29);
  for (const OpSample& sample : entry().samples(samples_generator)) {
    const auto on_gpu = [&](const std::vector<Tensor>& inputs) {
      std::vector<Tensor> moved;
      for (const Tensor& input : inputs) moved.push_back(input.to(kGpu));
      return sample.call(moved).to(kCPU);
    };
    const GradcheckResult result = gradcheck(on_gpu, sample.inputs, entry().tolerances);
    EXPECT_TRUE(result.passed) << "sample \"" << sample.label << "\": " << result.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, CudaParity, testing::ValuesIn(entry_names()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace kiln::autograd
