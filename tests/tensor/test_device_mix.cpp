// Mixing devices in one op is an error, never a silent copy. Machines without a GPU prove
// it with a stand-in: the CPU kernels registered as the cuda backend for this test only,
// so tensors "on cuda:0" live in host memory but carry the cuda device.
#include <gtest/gtest.h>

#include "tensor/backend.h"
#include "tensor/cpu/cpu_backend.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

class DeviceMix : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      real_cuda_ = &backend(DeviceType::CUDA);
    } catch (const Error&) {
      real_cuda_ = nullptr;  // built without the CUDA backend
    }
    register_backend(DeviceType::CUDA, &stand_in_);
  }
  void TearDown() override { register_backend(DeviceType::CUDA, real_cuda_); }

  static Tensor on_cuda(const Shape& shape, DType dtype = kFloat32) {
    return zeros(shape, {.dtype = dtype, .device = cuda_device(0)});
  }

 private:
  cpu::CpuBackend stand_in_;
  Backend* real_cuda_ = nullptr;
};

void expect_device_error(const std::function<void()>& call, const std::string& op) {
  try {
    call();
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(op + ":"), std::string::npos) << message;
    EXPECT_NE(message.find("cpu"), std::string::npos) << message;
    EXPECT_NE(message.find("cuda:0"), std::string::npos) << message;
    return;
  }
  ADD_FAILURE() << op << " mixed devices without an error";
}

TEST_F(DeviceMix, EveryMultiOperandOpRejectsMixedDevices) {
  const Tensor host = zeros({2, 2});
  const Tensor device = on_cuda({2, 2});
  const Tensor index = zeros({2}, {.dtype = kInt64});
  const Tensor device_index = on_cuda({2}, kInt64);
  expect_device_error([&] { add(host, device); }, "add");
  expect_device_error([&] { mul(device, host); }, "mul");
  expect_device_error([&] { lt(host, device); }, "lt");
  expect_device_error([&] { matmul(host, device); }, "matmul");
  expect_device_error([&] { where(on_cuda({2, 2}, kBool), host, host); }, "where");
  expect_device_error([&] { cat({host, device}); }, "cat");
  expect_device_error([&] { index_select(host, 0, device_index); }, "index_select");
  expect_device_error([&] { gather(device, 0, zeros({2, 2}, {.dtype = kInt64})); }, "gather");
  expect_device_error([&] { index_add(host, 0, index, device); }, "index_add");
  expect_device_error([&] { layer_norm(device, ones({2}), Tensor()); }, "layer_norm");
  expect_device_error([&] { Tensor(host).copy_(device); }, "copy_");
  expect_device_error(
      [&] {
        Tensor out = zeros({2, 2});
        add_out(out, device, device);
      },
      "add");
}

TEST_F(DeviceMix, ExplicitTransfersWork) {
  const Tensor host = arange(0, 4, 1, {.dtype = kFloat32});
  const Tensor device = host.to(cuda_device(0));
  EXPECT_EQ(device.device(), cuda_device(0));
  EXPECT_FALSE(device.shares_storage(host));
  testing::expect_values(add(device, device).to(kCPU), {0, 2, 4, 6});
}

}  // namespace
}  // namespace kiln
