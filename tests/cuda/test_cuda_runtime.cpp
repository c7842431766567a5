// The CUDA backend's runtime side: Philox streams equal to the CPU's, the caching
// allocator's statistics, streams and events, transfers and Module::to, the fused
// optimizer updates against the CPU's, and deterministic index accumulation.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nn/linear.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/cuda/blas.h"
#include "tensor/cuda/caching_allocator.h"
#include "tensor/cuda/cuda.h"
#include "tensor/cuda/runtime.h"
#include "tensor/cuda/stream.h"
#include "tensor/deterministic.h"
#include "tensor/ops.h"

namespace kiln {
namespace {

constexpr Device kGpu = cuda_device(0);

template <typename T>
std::vector<T> host_values(const Tensor& x) {
  return x.to(kCPU).to_vector<T>();
}

// The same seed and offset give the same numbers on both devices, element for element,
// for every distribution and dtype, from any offset and for sizes that end mid-block.
TEST(CudaPhilox, StreamsMatchTheCpu) {
  for (const int64_t size : {int64_t{1}, int64_t{7}, int64_t{1001}}) {
    for (const DType dtype : {kFloat32, kFloat64}) {
      Generator cpu_generator(42), gpu_generator(42);
      cpu_generator.set_offset(5);
      gpu_generator.set_offset(5);
      EXPECT_EQ(host_values<double>(rand({size}, {.dtype = dtype, .device = kGpu}, &gpu_generator)),
                host_values<double>(rand({size}, {.dtype = dtype}, &cpu_generator)));
      EXPECT_EQ(host_values<double>(
                    bernoulli({size}, 0.3, {.dtype = dtype, .device = kGpu}, &gpu_generator)),
                host_values<double>(bernoulli({size}, 0.3, {.dtype = dtype}, &cpu_generator)));
      const std::vector<double> gpu_normal =
          host_values<double>(randn({size}, {.dtype = dtype, .device = kGpu}, &gpu_generator));
      const std::vector<double> cpu_normal =
          host_values<double>(randn({size}, {.dtype = dtype}, &cpu_generator));
      for (size_t i = 0; i < cpu_normal.size(); ++i) {
        // Box-Muller's log, sqrt, sin and cos may differ in the last bit between libraries.
        EXPECT_NEAR(gpu_normal[i], cpu_normal[i], 1e-12 * (1 + std::abs(cpu_normal[i])));
      }
      EXPECT_EQ(cpu_generator.offset(), gpu_generator.offset());
    }
    Generator cpu_generator(9), gpu_generator(9);
    EXPECT_EQ(
        host_values<int64_t>(
            randint(-1000, 1000, {size}, {.dtype = kInt64, .device = kGpu}, &gpu_generator)),
        host_values<int64_t>(randint(-1000, 1000, {size}, {.dtype = kInt64}, &cpu_generator)));
  }
}

TEST(CudaAllocator, CountsAllocatedReservedAndPeak) {
  cuda::empty_cache();
  const cuda::MemoryStats before = cuda::memory_stats();
  {
    const Tensor a = empty({1000}, {.device = kGpu});
    const Tensor b = empty({3000}, {.device = kGpu});
    const cuda::MemoryStats held = cuda::memory_stats();
    EXPECT_GE(held.allocated - before.allocated, 16000u);
    EXPECT_GE(held.reserved, held.allocated);
    EXPECT_GE(held.peak_allocated, held.allocated);
  }
  const cuda::MemoryStats freed = cuda::memory_stats();
  EXPECT_EQ(freed.allocated, before.allocated);
  EXPECT_GE(freed.reserved - freed.allocated, 16000u) << "freed blocks stay cached";
  // The same size again comes from the cache.
  const size_t hits = freed.cache_hits;
  { const Tensor again = empty({1000}, {.device = kGpu}); }
  EXPECT_EQ(cuda::memory_stats().cache_hits, hits + 1);
  cuda::empty_cache();
  EXPECT_EQ(cuda::memory_stats().reserved, cuda::memory_stats().allocated);
  cuda::reset_peak_memory_stats();
  EXPECT_EQ(cuda::memory_stats().peak_allocated, cuda::memory_stats().allocated);
}

// More than the device holds is a kiln::Error naming the op and the bytes, and leaves the
// allocator's books as they were.
TEST(CudaAllocator, MoreThanTheDeviceHoldsIsAnErrorNamingTheOp) {
  const size_t allocated = cuda::memory_stats().allocated;
  try {
    zeros({int64_t{1} << 40, int64_t{1} << 20}, {.device = kGpu});
    FAIL() << "no error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_TRUE(message.starts_with("zeros: a [1099511627776, 1048576] float32 tensor: "))
        << message;
    EXPECT_NE(message.find("4611686018427387904 bytes"), std::string::npos) << message;
  }
  EXPECT_EQ(cuda::memory_stats().allocated, allocated);
}

TEST(CudaStreams, WorkOnAStreamIsOrderedByEvents) {
  cuda::Stream stream;
  cuda::Event start, end;
  Tensor x;
  {
    const cuda::StreamGuard on_stream(stream);
    EXPECT_EQ(cuda::current_stream(), stream.handle());
    start.record();
    x = full({1000}, 2.0, {.device = kGpu}) * 3.0;
    end.record();
  }
  EXPECT_EQ(cuda::current_stream(), nullptr);
  cuda::Stream consumer;
  end.wait_on(consumer);
  end.synchronize();
  EXPECT_GE(end.elapsed_ms_since(start), 0.0f);
  stream.synchronize();
  cuda::synchronize();
  EXPECT_EQ(host_values<float>(x), std::vector<float>(1000, 6.0f));
}

TEST(CudaDevices, CurrentDeviceIsSetAndChecked) {
  cuda::set_device(0);
  EXPECT_EQ(cuda::current_device(), 0);
  EXPECT_THROW(cuda::set_device(cuda::device_count()), Error);
  EXPECT_THROW(cuda::set_device(-1), Error);
  EXPECT_EQ(cuda::current_device(), 0);
}

TEST(CudaDevices, PropertiesDescribeTheDevice) {
  const cuda::runtime::DeviceProperties properties = cuda::runtime::properties(0);
  EXPECT_FALSE(properties.name.empty());
  EXPECT_EQ(properties.warp_size, 32);
  EXPECT_GE(properties.max_threads_per_block, 1024);
  EXPECT_GE(properties.compute_major, 8);
}

TEST(CudaTransfers, RoundTripsKeepValuesForEveryDtypeAndLayout) {
  Generator generator(1);
  const Tensor values = randn({5, 6}, {.dtype = kFloat64}, &generator);
  for (const DType dtype : {kBool, kInt64, kFloat32, kFloat64}) {
    const Tensor x = values.to(dtype);
    EXPECT_EQ(host_values<double>(x.to(kGpu)), x.to_vector<double>()) << dtype;
    const Tensor strided = x.transpose(0, 1).narrow(0, 1, 3);
    EXPECT_EQ(host_values<double>(strided.to(kGpu)), strided.contiguous().to_vector<double>());
    EXPECT_EQ(host_values<double>(strided.to(kGpu).to(kFloat64)),
              strided.to(kFloat64).contiguous().to_vector<double>());
  }
  // A copy large enough to go through the pinned staging buffers, in several chunks.
  const Tensor big = randn({3 << 20}, {}, &generator);
  EXPECT_EQ(host_values<float>(big.to(kGpu)), big.to_vector<float>());
}

TEST(CudaTransfers, ModuleToMovesParametersAndKeepsThemLeaves) {
  manual_seed(3);
  nn::Linear layer(4, 3);
  const Tensor input = randn({2, 4});
  const Tensor expected = layer(input);
  layer.to(kGpu);
  for (const Tensor& p : layer.parameters()) {
    EXPECT_EQ(p.device(), kGpu);
    EXPECT_TRUE(p.requires_grad());
  }
  const Tensor out = layer(input.to(kGpu));
  EXPECT_EQ(out.device(), kGpu);
  const std::vector<float> got = host_values<float>(out), want = expected.to_vector<float>();
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6);
  out.sum().backward();
  EXPECT_EQ(layer.parameters()[0].grad().device(), kGpu);
  EXPECT_THROW(layer(input), Error) << "a CPU input to a module on the GPU";
}

TEST(CudaBlas, Tf32IsOffByDefaultAndSwitchable) {
  EXPECT_FALSE(cuda::blas::allow_tf32());
  cuda::blas::set_allow_tf32(true);
  EXPECT_TRUE(cuda::blas::allow_tf32());
  cuda::blas::set_allow_tf32(false);
}

// Five steps of each optimizer on both devices from the same parameters and gradients:
// the element updates share one definition, so they agree to rounding.
template <typename Optimizer, typename Options>
void expect_same_steps(const Options& options) {
  Generator generator(11);
  const Tensor start = randn({3, 40}, {.dtype = kFloat64}, &generator);
  std::vector<Tensor> gradients;
  for (int step = 0; step < 5; ++step)
    gradients.push_back(randn({3, 40}, {.dtype = kFloat64}, &generator));
  std::vector<Tensor> cpu_params, gpu_params;
  for (int64_t row = 0; row < 3; ++row) {
    cpu_params.push_back(start.select(0, row).clone().requires_grad_());
    gpu_params.push_back(start.select(0, row).to(kGpu).requires_grad_());
  }
  Optimizer on_cpu(cpu_params, options), on_gpu(gpu_params, options);
  for (const Tensor& g : gradients) {
    for (int64_t row = 0; row < 3; ++row) {
      cpu_params[row].set_grad(g.select(0, row).clone());
      gpu_params[row].set_grad(g.select(0, row).to(kGpu));
    }
    on_cpu.step();
    on_gpu.step();
  }
  for (int64_t row = 0; row < 3; ++row) {
    const std::vector<double> got = host_values<double>(gpu_params[row]);
    const std::vector<double> want = cpu_params[row].to_vector<double>();
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(got[i], want[i], 1e-14 * (1 + std::abs(want[i])));
  }
}

TEST(CudaOptimizers, FusedUpdatesMatchTheCpu) {
  expect_same_steps<optim::SGD>(
      optim::SGDOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01, .nesterov = true});
  expect_same_steps<optim::Adam>(
      optim::AdamOptions{.lr = 0.01, .weight_decay = 0.1, .amsgrad = true});
  expect_same_steps<optim::AdamW>(optim::AdamWOptions{.lr = 0.01});
  expect_same_steps<optim::Adagrad>(
      optim::AdagradOptions{.lr = 0.1, .lr_decay = 0.01, .weight_decay = 0.1});
  expect_same_steps<optim::RMSprop>(
      optim::RMSpropOptions{.lr = 0.01, .momentum = 0.5, .centered = true});
}

// With deterministic algorithms, accumulation through an index adds each target's values in
// the CPU's order: float32 sums with many duplicates equal the CPU's bit for bit.
TEST(CudaDeterminism, IndexAccumulationMatchesTheCpuBitForBit) {
  const DeterministicAlgorithmsGuard deterministic(true);
  Generator generator(4);
  const Tensor self = randn({5, 7}, {}, &generator);
  const Tensor index = randint(0, 5, {300}, {.dtype = kInt64}, &generator);
  const Tensor src = randn({300, 7}, {}, &generator) * 1000.0;
  EXPECT_EQ(host_values<float>(raw::index_add(self.to(kGpu), 0, index.to(kGpu), src.to(kGpu))),
            raw::index_add(self, 0, index, src).to_vector<float>());
  const Tensor scatter_index = randint(0, 5, {40, 7}, {.dtype = kInt64}, &generator);
  const Tensor scatter_src = randn({40, 7}, {}, &generator) * 1000.0;
  EXPECT_EQ(host_values<float>(
                raw::scatter_add(self.to(kGpu), 0, scatter_index.to(kGpu), scatter_src.to(kGpu))),
            raw::scatter_add(self, 0, scatter_index, scatter_src).to_vector<float>());
}

}  // namespace
}  // namespace kiln
