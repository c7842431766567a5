// Two devices: the emulator's KILN_CUDA_EMULATOR_DEVICES=2 (CTest's cuda.two_devices), or a
// machine with two GPUs. Each op runs on its tensors' device and leaves the caller's
// current device as it was; devices do not mix; streams, staging and allocator statistics
// are per device.
#include <gtest/gtest.h>

#include <vector>

#include "autograd/functions.h"
#include "nn/linear.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/cuda/caching_allocator.h"
#include "tensor/cuda/cuda.h"
#include "tensor/cuda/stream.h"

namespace kiln {
namespace {

constexpr Device kFirst = cuda_device(0), kSecond = cuda_device(1);

TEST(CudaMultiDevice, OpsRunOnTheirTensorsDevice) {
  ASSERT_GE(cuda::device_count(), 2) << "run with KILN_CUDA_EMULATOR_DEVICES=2 or two GPUs";
  cuda::set_device(0);
  Generator generator(1);
  const Tensor x = randn({40, 30}, {}, &generator), y = randn({30, 20}, {}, &generator);
  const Tensor product = x.to(kSecond).matmul(y.to(kSecond)).softmax(-1).sum({0});
  EXPECT_EQ(product.device(), kSecond);
  EXPECT_EQ(cuda::current_device(), 0) << "an op on cuda:1 restores the current device";
  const std::vector<float> want = x.matmul(y).softmax(-1).sum({0}).to_vector<float>();
  const std::vector<float> got = product.to(kCPU).to_vector<float>();
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5);
  // Between devices, through the host.
  EXPECT_EQ(x.to(kFirst).to(kSecond).to(kCPU).to_vector<float>(), x.to_vector<float>());
  EXPECT_THROW(x.to(kFirst) + x.to(kSecond), Error);
}

TEST(CudaMultiDevice, AllocatorStatisticsArePerDevice) {
  ASSERT_GE(cuda::device_count(), 2);
  const size_t first = cuda::memory_stats(0).allocated;
  const Tensor on_second = empty({4096}, {.device = kSecond});
  EXPECT_EQ(cuda::memory_stats(0).allocated, first);
  EXPECT_GE(cuda::memory_stats(1).allocated, 4096 * sizeof(float));
  // Large transfers stage through per-device buffers.
  const Tensor big = randn({3 << 20});
  EXPECT_EQ(big.to(kSecond).to(kCPU).to_vector<float>(), big.to_vector<float>());
  EXPECT_EQ(big.to(kFirst).to(kCPU).to_vector<float>(), big.to_vector<float>());
}

TEST(CudaMultiDevice, StreamsBelongToTheirDevice) {
  ASSERT_GE(cuda::device_count(), 2);
  cuda::set_device(1);
  cuda::Stream second_stream;
  cuda::set_device(0);
  EXPECT_EQ(second_stream.device(), 1);
  const cuda::StreamGuard guard(second_stream);
  EXPECT_EQ(cuda::current_stream(), nullptr) << "device 0 keeps its default stream";
  cuda::set_device(1);
  EXPECT_EQ(cuda::current_stream(), second_stream.handle());
  cuda::set_device(0);
}

TEST(CudaMultiDevice, AModuleTrainsOnTheSecondDevice) {
  ASSERT_GE(cuda::device_count(), 2);
  manual_seed(4);
  nn::Linear layer(6, 3);
  layer.to(kSecond);
  optim::SGD optimizer(layer.parameters(), {.lr = 0.1, .momentum = 0.9});
  const Tensor x = randn({8, 6}).to(kSecond), target = randn({8, 3}).to(kSecond);
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 5; ++step) {
    optimizer.zero_grad();
    const Tensor loss = (layer(x) - target).square().mean();
    loss.backward();
    optimizer.step();
    (step == 0 ? first_loss : last_loss) = loss.to(kCPU).item<double>();
  }
  EXPECT_LT(last_loss, first_loss);
  EXPECT_EQ(layer.parameters()[0].device(), kSecond);
}

}  // namespace
}  // namespace kiln
