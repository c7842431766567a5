#pragma once

// The part of the CUDA programming model kiln's kernels use, for the host compiler: the
// emulated build compiles the same .cu sources against this header instead of nvcc's.
// A launch runs the grid's blocks in parallel on oneTBB and a block's threads as fibers
// (scheduler.cpp), so __syncthreads and the warp collectives are real rendezvous points.
// Shared memory is tracked per element: a race between two threads of a block, an index
// outside an array, a barrier not every thread reaches and a warp collective a lane of its
// mask never joins are each reported as an error naming the kernel, block and thread.
#include <atomic>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

namespace kiln::cuda::emulator {

inline constexpr int kWarpSize = 32;

// What one block of a launch sees. Fibers of a block run on one OS thread, so the thread
// running a block finds it through a thread_local.
struct BlockState;
struct ThreadState;

const dim3& grid_dim();
const dim3& block_dim();
const dim3& block_index();
const dim3& thread_index();

// Reports a fault of the running kernel (the message gets the kernel, block and thread).
[[noreturn]] void fault(const std::string& what);

void sync_threads();
// The warp collectives: every lane of `mask` (intersected with the lanes the block has)
// must call the same collective with the same mask; the caller must be in it.
enum class WarpOp : uint8_t { Index, Up, Down, Xor, Ballot };
uint64_t warp_collective(WarpOp op, unsigned mask, uint64_t bits, int lane_argument, int width);

// Race tracking for shared memory: each element remembers who touched it since the last
// barrier. Two threads touching one element between barriers, one of them writing, is a
// race on a GPU (outside atomics).
struct AccessRecord {
  uint64_t phase = 0;
  int32_t writer = -1;
  int32_t reader = -1;
  bool many_readers = false;
  uint64_t written_in = 0;  // the block run that last wrote the element: reading an element
                            // no thread of this block has written reads garbage on a GPU
};
void record_read(AccessRecord& record, const char* array, int64_t index);
void record_write(AccessRecord& record, const char* array, int64_t index);
void check_index(const char* array, int64_t index, int64_t size);

// One element of a shared array: reads and writes go through the race tracker.
template <typename T>
class SharedRef {
 public:
  SharedRef(T* value, AccessRecord* record, const char* array, int64_t index)
      : value_(value), record_(record), array_(array), index_(index) {}
  operator T() const {
    record_read(*record_, array_, index_);
    return *value_;
  }
  const SharedRef& operator=(T value) const {
    record_write(*record_, array_, index_);
    *value_ = value;
    return *this;
  }
  const SharedRef& operator=(const SharedRef& other) const { return *this = static_cast<T>(other); }
  const SharedRef& operator+=(T value) const { return *this = static_cast<T>(*this) + value; }
  const SharedRef& operator-=(T value) const { return *this = static_cast<T>(*this) - value; }
  const SharedRef& operator*=(T value) const { return *this = static_cast<T>(*this) * value; }
  // The address, for atomics: those are exempt from race tracking.
  T* operator&() const { return value_; }

 private:
  T* value_;
  AccessRecord* record_;
  const char* array_;
  int64_t index_;
};

// A block's view of a shared array of `size` elements with their access records.
template <typename T>
class SharedSpan {
 public:
  SharedSpan(T* data, AccessRecord* records, int64_t size, const char* name)
      : data_(data), records_(records), size_(size), name_(name) {}
  SharedRef<T> operator[](int64_t index) const {
    check_index(name_, index, size_);
    return SharedRef<T>(data_ + index, records_ + index, name_, index);
  }

 private:
  T* data_;
  AccessRecord* records_;
  int64_t size_;
  const char* name_;
};

// `static thread_local` storage is per block: one OS thread runs one block at a time, and
// a block's fibers all run on it.
template <typename T, int64_t N>
struct SharedArray {
  T data[N];
  AccessRecord records[N];
  SharedSpan<T> span(const char* name) { return SharedSpan<T>(data, records, N, name); }
};

// The launch's dynamic shared memory, viewed as T.
struct DynamicShared {
  unsigned char* bytes;
  AccessRecord* records;  // one per byte
  size_t size;
};
DynamicShared dynamic_shared();
template <typename T>
SharedSpan<T> dynamic_shared_span(const char* name) {
  const DynamicShared shared = dynamic_shared();
  // One record per byte is enough for any T: the first size / sizeof(T) of them serve.
  return SharedSpan<T>(reinterpret_cast<T*>(shared.bytes), shared.records,
                       static_cast<int64_t>(shared.size / sizeof(T)), name);
}

// Throws kiln::Error unless `pointer`, argument `position` of a launch of `kernel`, is null
// or points into memory of the device the kernel runs on (the current one): a kernel
// cannot read host memory, nor, without peer access, another device's.
void check_pointer_argument(const char* kernel, int position, const void* pointer);

// Runs `thread_body` for every thread of the grid; throws kiln::Error on a fault.
void launch(const char* kernel, dim3 grid, dim3 block, size_t shared_bytes,
            const std::function<void()>& thread_body);

// Seeded shuffling: blocks run one at a time in a shuffled order, and the threads of a
// block are resumed in a shuffled order between barriers. KILN_CUDA_EMULATOR_SHUFFLE=<seed>
// sets it for the whole process; null restores that setting (without it: blocks in
// parallel, threads in index order).
void set_shuffle_seed(const uint64_t* seed);

template <typename T>
uint64_t to_bits(T value) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>);
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(T));
  return bits;
}

template <typename T>
T from_bits(uint64_t bits) {
  T value;
  std::memcpy(&value, &bits, sizeof(T));
  return value;
}

}  // namespace kiln::cuda::emulator

#define threadIdx (::kiln::cuda::emulator::thread_index())
#define blockIdx (::kiln::cuda::emulator::block_index())
#define blockDim (::kiln::cuda::emulator::block_dim())
#define gridDim (::kiln::cuda::emulator::grid_dim())
#define warpSize (::kiln::cuda::emulator::kWarpSize)

// A shared array of N elements of T, and the launch's dynamic shared memory as T.
#define KILN_SHARED(T, name, N)                                                 \
  static thread_local ::kiln::cuda::emulator::SharedArray<T, N> name##_storage; \
  const auto name = name##_storage.span(#name)
#define KILN_DYNAMIC_SHARED(T, name) \
  const auto name = ::kiln::cuda::emulator::dynamic_shared_span<T>(#name)

inline void __syncthreads() {
  ::kiln::cuda::emulator::sync_threads();
}

template <typename T>
T __shfl_sync(unsigned mask, T value, int source_lane, int width = warpSize) {
  using namespace ::kiln::cuda::emulator;
  return from_bits<T>(warp_collective(WarpOp::Index, mask, to_bits(value), source_lane, width));
}
template <typename T>
T __shfl_up_sync(unsigned mask, T value, unsigned delta, int width = warpSize) {
  using namespace ::kiln::cuda::emulator;
  return from_bits<T>(
      warp_collective(WarpOp::Up, mask, to_bits(value), static_cast<int>(delta), width));
}
template <typename T>
T __shfl_down_sync(unsigned mask, T value, unsigned delta, int width = warpSize) {
  using namespace ::kiln::cuda::emulator;
  return from_bits<T>(
      warp_collective(WarpOp::Down, mask, to_bits(value), static_cast<int>(delta), width));
}
template <typename T>
T __shfl_xor_sync(unsigned mask, T value, int lane_mask, int width = warpSize) {
  using namespace ::kiln::cuda::emulator;
  return from_bits<T>(warp_collective(WarpOp::Xor, mask, to_bits(value), lane_mask, width));
}
inline unsigned __ballot_sync(unsigned mask, int predicate) {
  using namespace ::kiln::cuda::emulator;
  return static_cast<unsigned>(warp_collective(WarpOp::Ballot, mask, predicate != 0, 0, kWarpSize));
}
inline int __any_sync(unsigned mask, int predicate) {
  return __ballot_sync(mask, predicate) != 0;
}
inline int __all_sync(unsigned mask, int predicate) {
  return __ballot_sync(mask, predicate) == __ballot_sync(mask, 1);
}

// Atomics: blocks run in parallel on OS threads, so these are real atomics.
template <typename T>
T atomicAdd(T* address, T value) {
  return std::atomic_ref<T>(*address).fetch_add(value);
}
template <typename T>
T atomicExch(T* address, T value) {
  return std::atomic_ref<T>(*address).exchange(value);
}
template <typename T>
T atomicCAS(T* address, T expected, T desired) {
  std::atomic_ref<T>(*address).compare_exchange_strong(expected, desired);
  return expected;
}
template <typename T>
T atomicMax(T* address, T value) {
  std::atomic_ref<T> target(*address);
  T old = target.load();
  while (old < value && !target.compare_exchange_weak(old, value)) {
  }
  return old;
}
template <typename T>
T atomicMin(T* address, T value) {
  std::atomic_ref<T> target(*address);
  T old = target.load();
  while (value < old && !target.compare_exchange_weak(old, value)) {
  }
  return old;
}

template <typename T>
T __ldg(const T* address) {
  return *address;
}
inline float rsqrtf(float x) {
  return 1.0f / std::sqrt(x);
}
inline double rsqrt(double x) {
  return 1.0 / std::sqrt(x);
}
inline int __popc(unsigned x) {
  return std::popcount(x);
}
inline int __ffs(int x) {
  return x == 0 ? 0 : std::countr_zero(static_cast<unsigned>(x)) + 1;
}
