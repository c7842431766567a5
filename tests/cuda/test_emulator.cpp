// Self-tests of the CUDA emulator: kernels with known answers for each feature kiln's
// kernels use, and kernels with planted bugs that the emulator must report.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

#include "tensor/cuda/kernel.h"
#include "tensor/cuda/runtime.h"
#include "tensor/error.h"

namespace kiln::cuda {
namespace {

// A device buffer of n T, filled from and read back to host vectors.
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(const std::vector<T>& host)
      : size_(host.size()), data_(static_cast<T*>(runtime::malloc(size_ * sizeof(T)))) {
    runtime::memcpy_async(data_, host.data(), size_ * sizeof(T), runtime::CopyKind::HostToDevice,
                          nullptr);
  }
  explicit DeviceBuffer(size_t size) : DeviceBuffer(std::vector<T>(size)) {}
  ~DeviceBuffer() { runtime::free(data_); }
  T* get() const { return data_; }
  std::vector<T> host() const {
    std::vector<T> result(size_);
    runtime::memcpy_async(result.data(), data_, size_ * sizeof(T), runtime::CopyKind::DeviceToHost,
                          nullptr);
    return result;
  }

 private:
  size_t size_;
  T* data_;
};

std::vector<float> iota_floats(int n) {
  std::vector<float> values(n);
  std::iota(values.begin(), values.end(), 1.0f);
  return values;
}

// Each block sums its 256 inputs by halving in shared memory.
__global__ void tree_sum(const float* in, float* out) {
  KILN_SHARED(float, partial, 256);
  const unsigned t = threadIdx.x;
  partial[t] = in[blockIdx.x * blockDim.x + t];
  __syncthreads();
  for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
    if (t < half) partial[t] = partial[t] + partial[t + half];
    __syncthreads();
  }
  if (t == 0) out[blockIdx.x] = partial[0];
}

TEST(CudaEmulator, SharedMemoryTreeReduction) {
  const DeviceBuffer<float> in(iota_floats(4 * 256)), out(size_t{4});
  launch("tree_sum", tree_sum, {4, 256}, in.get(), out.get());
  const std::vector<float> sums = out.host();
  for (int b = 0; b < 4; ++b) {
    const double first = b * 256 + 1, last = first + 255;
    EXPECT_EQ(sums[b], (first + last) * 128) << "block " << b;
  }
}

// Warp sums by shuffling down, broadcast lane 0 to all, and an inclusive scan by shuffling up.
__global__ void warp_features(const float* in, float* sum_out, float* broadcast_out,
                              float* scan_out, float* butterfly_out) {
  const unsigned t = threadIdx.x, lane = t % 32;
  const float x = in[t];
  float sum = x;
  for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffffu, sum, offset);
  if (lane == 0) sum_out[t / 32] = sum;
  broadcast_out[t] = __shfl_sync(0xffffffffu, x, 0);
  float scan = x;
  for (int offset = 1; offset < 32; offset *= 2) {
    const float before = __shfl_up_sync(0xffffffffu, scan, offset);
    if (static_cast<int>(lane) >= offset) scan += before;
  }
  scan_out[t] = scan;
  float everyone = x;
  for (int mask = 16; mask > 0; mask /= 2) everyone += __shfl_xor_sync(0xffffffffu, everyone, mask);
  butterfly_out[t] = everyone;
}

TEST(CudaEmulator, WarpShuffles) {
  const DeviceBuffer<float> in(iota_floats(64)), sums(size_t{2}), broadcast(size_t{64}),
      scan(size_t{64}), butterfly(size_t{64});
  launch("warp_features", warp_features, {1, 64}, in.get(), sums.get(), broadcast.get(), scan.get(),
         butterfly.get());
  EXPECT_EQ(sums.host(), (std::vector<float>{528, 1552}));
  for (int t = 0; t < 64; ++t) {
    const float first = t / 32 * 32 + 1;
    EXPECT_EQ(broadcast.host()[t], first);
    EXPECT_EQ(scan.host()[t], (first + t + 1) * (t % 32 + 1) / 2) << t;
    EXPECT_EQ(butterfly.host()[t], t < 32 ? 528 : 1552);
  }
}

// With width 16, lanes may read the earlier group but get their own value from a later one.
__global__ void xor_across_groups(int* out) {
  out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, static_cast<int>(threadIdx.x), 16, 16);
}

TEST(CudaEmulator, XorShuffleOfPartialWidthReadsOnlyEarlierGroups) {
  const DeviceBuffer<int> out(size_t{32});
  launch("xor_across_groups", xor_across_groups, {1, 32}, out.get());
  std::vector<int> expected(32);
  for (int lane = 0; lane < 32; ++lane) expected[lane] = lane < 16 ? lane : lane - 16;
  EXPECT_EQ(out.host(), expected);
}

// Ballot of odd lanes, any/all, over a block of 40 threads: the second warp has 8 lanes.
__global__ void votes(unsigned* ballots, int* any_all) {
  const unsigned t = threadIdx.x;
  const unsigned ballot = __ballot_sync(0xffffffffu, t % 2);
  const int any = __any_sync(0xffffffffu, t == 35);
  const int all = __all_sync(0xffffffffu, t < 39);
  if (t % 32 == 0) {
    ballots[t / 32] = ballot;
    any_all[t / 32 * 2] = any;
    any_all[t / 32 * 2 + 1] = all;
  }
}

TEST(CudaEmulator, WarpVotesOnAPartialWarp) {
  const DeviceBuffer<unsigned> ballots(size_t{2});
  const DeviceBuffer<int> any_all(size_t{4});
  launch("votes", votes, {1, 40}, ballots.get(), any_all.get());
  EXPECT_EQ(ballots.host(), (std::vector<unsigned>{0xaaaaaaaau, 0xaau}));
  EXPECT_EQ(any_all.host(), (std::vector<int>{0, 1, 1, 0}));
}

// A histogram in shared memory by atomics, merged into global memory by atomics.
__global__ void histogram(const int* values, int n, int* bins) {
  KILN_SHARED(int, local, 8);
  const unsigned t = threadIdx.x;
  if (t < 8) local[t] = 0;
  __syncthreads();
  for (int i = blockIdx.x * blockDim.x + t; i < n; i += gridDim.x * blockDim.x) {
    atomicAdd(&local[values[i] % 8], 1);
  }
  __syncthreads();
  if (t < 8) atomicAdd(&bins[t], static_cast<int>(local[t]));
}

TEST(CudaEmulator, AtomicsHistogram) {
  std::vector<int> values(5000);
  std::iota(values.begin(), values.end(), 0);
  const DeviceBuffer<int> in(values), bins(size_t{8});
  launch("histogram", histogram, {7, 128}, in.get(), 5000, bins.get());
  EXPECT_EQ(bins.host(), (std::vector<int>{625, 625, 625, 625, 625, 625, 625, 625}));
}

// Reverses each block's slice through dynamic shared memory.
__global__ void reverse_blocks(const double* in, double* out) {
  KILN_DYNAMIC_SHARED(double, staged);
  const unsigned t = threadIdx.x, n = blockDim.x;
  staged[t] = in[blockIdx.x * n + t];
  __syncthreads();
  out[blockIdx.x * n + t] = staged[n - 1 - t];
}

TEST(CudaEmulator, DynamicSharedMemory) {
  std::vector<double> values(3 * 100);
  std::iota(values.begin(), values.end(), 0.0);
  const DeviceBuffer<double> in(values), out(values.size());
  launch("reverse_blocks", reverse_blocks, {3, 100, 100 * sizeof(double)}, in.get(), out.get());
  const std::vector<double> reversed = out.host();
  for (int b = 0; b < 3; ++b) {
    for (int t = 0; t < 100; ++t) EXPECT_EQ(reversed[b * 100 + t], b * 100 + 99 - t);
  }
}

// Every thread of a 3-D grid of 3-D blocks writes its global linear index once.
__global__ void coordinates(int* out) {
  const unsigned x = blockIdx.x * blockDim.x + threadIdx.x;
  const unsigned y = blockIdx.y * blockDim.y + threadIdx.y;
  const unsigned z = blockIdx.z * blockDim.z + threadIdx.z;
  const unsigned width = gridDim.x * blockDim.x, height = gridDim.y * blockDim.y;
  atomicAdd(&out[(z * height + y) * width + x], static_cast<int>((z * height + y) * width + x));
}

TEST(CudaEmulator, MultiDimensionalGrid) {
  const dim3 grid(3, 2, 2), block(4, 3, 2);
  const int total = 3 * 4 * 2 * 3 * 2 * 2;
  const DeviceBuffer<int> out(static_cast<size_t>(total));
  launch("coordinates", coordinates, {grid, block}, out.get());
  std::vector<int> expected(total);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(out.host(), expected);
}

void expect_fault(const std::function<void()>& run, const std::string& expected_fragment) {
  try {
    run();
    ADD_FAILURE() << "no fault reported; expected one containing: " << expected_fragment;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(expected_fragment), std::string::npos) << error.what();
  }
}

// Planted: after a correct initialisation, each thread writes its slot and reads its
// neighbour's without a barrier between.
__global__ void racy_neighbour(float* out) {
  KILN_SHARED(float, tile, 64);
  const unsigned t = threadIdx.x;
  tile[t] = 0;
  __syncthreads();
  tile[t] = static_cast<float>(t);
  out[t] = tile[(t + 1) % 64];
}

TEST(CudaEmulator, ReportsASharedMemoryRace) {
  const DeviceBuffer<float> out(size_t{64});
  expect_fault(
      [&] {
        launch("racy_neighbour", racy_neighbour, {1, 64}, out.get());
      },
      "kernel racy_neighbour, block (0,0,0), thread (1,0,0): shared-memory race on "
      "tile[1]: written after thread (0,0,0) read it with no barrier between");
}

// Planted: thread 0 of every block writes one element past the buffer.
__global__ void write_past_end(float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  out[i] = 1;
  if (blockIdx.x == 1 && threadIdx.x == 3) out[n] = 2;
}

TEST(CudaEmulatorDeathTest, ReportsAnOutOfBoundsGlobalWrite) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        const DeviceBuffer<float> out(size_t{64});
        launch("write_past_end", write_past_end, {2, 32}, out.get(), 64);
      },
      "out-of-bounds global memory access at address 0x[0-9a-f]+, 0 bytes past the end of a "
      "256-byte allocation, in kernel write_past_end, block \\(1,0,0\\), thread \\(3,0,0\\)");
}

// Planted: only the first half of the block reaches the barrier.
__global__ void divergent_barrier(float* out) {
  if (threadIdx.x < 16) __syncthreads();
  out[threadIdx.x] = 1;
}

TEST(CudaEmulator, ReportsADivergentBarrier) {
  const DeviceBuffer<float> out(size_t{32});
  expect_fault(
      [&] {
        launch("divergent_barrier", divergent_barrier, {1, 32}, out.get());
      },
      "kernel divergent_barrier, block (0,0,0): divergent __syncthreads: thread "
      "(0,0,0), thread (1,0,0), thread (2,0,0), thread (3,0,0) and 12 more wait at a "
      "barrier that thread (16,0,0)");
}

// Planted: lane 31 skips a full-mask shuffle.
__global__ void missing_lane(float* out) {
  if (threadIdx.x != 31) out[threadIdx.x] = __shfl_down_sync(0xffffffffu, 1.0f, 1);
}

TEST(CudaEmulator, ReportsAWarpCollectiveALaneNeverJoins) {
  const DeviceBuffer<float> out(size_t{32});
  expect_fault(
      [&] {
        launch("missing_lane", missing_lane, {1, 32}, out.get());
      },
      "kernel missing_lane, block (0,0,0): a warp collective with mask 0xffffffff in "
      "warp 0 waits for lane 31 (thread (31,0,0)), which never joins it");
}

__global__ void shared_index_past_end(float* out) {
  KILN_SHARED(float, tile, 32);
  tile[threadIdx.x + 1] = 1;
  out[0] = 0;
}

TEST(CudaEmulator, ReportsASharedIndexOutsideItsArray) {
  const DeviceBuffer<float> out(size_t{1});
  expect_fault(
      [&] {
        launch("shared_index_past_end", shared_index_past_end, {1, 32}, out.get());
      },
      "thread (31,0,0): shared-memory index 32 is outside tile[32]");
}

// Planted: the last thread reads a slot nobody wrote (the tile holds 31 values).
__global__ void uninitialised_read(float* out) {
  KILN_SHARED(float, tile, 32);
  if (threadIdx.x < 31) tile[threadIdx.x] = 1;
  __syncthreads();
  out[threadIdx.x] = tile[threadIdx.x];
}

TEST(CudaEmulator, ReportsASharedReadBeforeAnyWrite) {
  const DeviceBuffer<float> out(size_t{32});
  expect_fault(
      [&] {
        launch("uninitialised_read", uninitialised_read, {1, 32}, out.get());
      },
      "thread (31,0,0): shared-memory read of tile[31] before any thread of the block "
      "wrote it");
}

TEST(CudaEmulator, RejectsHostMemoryAsAKernelArgument) {
  std::vector<float> host(32);
  expect_fault(
      [&] {
        launch("divergent_barrier", divergent_barrier, {1, 32}, host.data());
      },
      "kernel divergent_barrier: argument 0");
}

TEST(CudaEmulator, RejectsAnInvalidLaunch) {
  const DeviceBuffer<float> out(size_t{1});
  expect_fault(
      [&] {
        launch("divergent_barrier", divergent_barrier, {1, 2048}, out.get());
      },
      "kernel divergent_barrier: invalid launch: block (2048,1,1)");
}

// Order-dependent on purpose: the last thread to write wins.
__global__ void last_writer(int* out) {
  out[0] = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
}

TEST(CudaEmulator, ShuffledOrderRunsBlocksAndThreadsInASeededOrder) {
  const DeviceBuffer<int> out(size_t{1});
  std::set<int> winners;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    emulator::set_shuffle_seed(&seed);
    launch("last_writer", last_writer, {4, 64}, out.get());
    winners.insert(out.host()[0]);
    // The same seed gives the same order.
    emulator::set_shuffle_seed(&seed);
    launch("last_writer", last_writer, {4, 64}, out.get());
    EXPECT_EQ(winners.count(out.host()[0]), 1u);
  }
  emulator::set_shuffle_seed(nullptr);
  EXPECT_GT(winners.size(), 1u);
  // A correct kernel still computes its answer when shuffled.
  const uint64_t seed = 99;
  emulator::set_shuffle_seed(&seed);
  const DeviceBuffer<float> in(iota_floats(256)), sums(size_t{1});
  launch("tree_sum", tree_sum, {1, 256}, in.get(), sums.get());
  emulator::set_shuffle_seed(nullptr);
  EXPECT_EQ(sums.host()[0], 256 * 257 / 2);
}

TEST(CudaEmulator, CopiesCheckDeviceBuffers) {
  std::vector<float> host(4);
  const DeviceBuffer<float> device(size_t{4});
  EXPECT_THROW(
      runtime::memcpy_async(host.data(), host.data(), 16, runtime::CopyKind::HostToDevice, nullptr),
      Error);
  EXPECT_THROW(runtime::memcpy_async(host.data(), device.get(), 32, runtime::CopyKind::DeviceToHost,
                                     nullptr),
               Error);
  EXPECT_TRUE(runtime::properties(0).emulated);
  EXPECT_EQ(runtime::properties(0).warp_size, 32);
}

}  // namespace
}  // namespace kiln::cuda
