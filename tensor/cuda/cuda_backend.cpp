// Memory, transfers and the registration of the CUDA backend.
#include "tensor/cuda/cuda_backend.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "tensor/cuda/caching_allocator.h"
#include "tensor/cuda/cuda.h"
#include "tensor/cuda/runtime.h"
#include "tensor/cuda/stream.h"
#include "tensor/tensor.h"

namespace kiln::cuda {

namespace {

[[maybe_unused]] const bool registered = [] {
  static CudaBackend instance;
  register_backend(DeviceType::CUDA, &instance);
  return true;
}();

using runtime::DeviceGuard;

// Transfers of at least this many bytes go through pinned staging buffers.
constexpr size_t kStagingChunk = size_t{4} << 20;

// Two pinned buffers per host thread and device, used in turn, with an event each that
// marks when the device is done with it; allocated on first use, freed when the thread ends.
struct Staging {
  void* buffers[2] = {runtime::malloc_host(kStagingChunk), runtime::malloc_host(kStagingChunk)};
  runtime::Event done[2] = {runtime::create_event(), runtime::create_event()};
  bool used[2] = {false, false};

  Staging() = default;
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  ~Staging() {
    for (int slot = 0; slot < 2; ++slot) {
      if (used[slot]) {
        try {
          runtime::synchronize_event(done[slot]);
        } catch (...) {  // a destructor must not throw; the buffer is freed regardless
        }
      }
      runtime::destroy_event(done[slot]);
      runtime::free_host(buffers[slot]);
    }
  }
};

// This thread's staging for the current device (events belong to a device).
Staging& staging() {
  static thread_local std::vector<std::unique_ptr<Staging>> per_device;
  const int device = runtime::current_device();
  if (static_cast<int>(per_device.size()) <= device) per_device.resize(device + 1);
  if (!per_device[device]) per_device[device] = std::make_unique<Staging>();
  return *per_device[device];
}

// Pageable host memory to the device in chunks: the host copies chunk c into one pinned
// buffer while the device still reads chunk c - 1 from the other.
void staged_to_device(char* dst, const char* src, size_t nbytes, runtime::Stream stream) {
  Staging& s = staging();
  for (size_t offset = 0, c = 0; offset < nbytes; offset += kStagingChunk, ++c) {
    const size_t slot = c % 2, n = std::min(kStagingChunk, nbytes - offset);
    if (s.used[slot]) runtime::synchronize_event(s.done[slot]);
    std::memcpy(s.buffers[slot], src + offset, n);
    runtime::memcpy_async(dst + offset, s.buffers[slot], n, runtime::CopyKind::HostToDevice,
                          stream);
    runtime::record_event(s.done[slot], stream);
    s.used[slot] = true;
  }
  runtime::synchronize_stream(stream);
}

// The device to pageable host memory in chunks: the device fills one pinned buffer while
// the host copies the previous chunk out of the other.
void staged_to_host(char* dst, const char* src, size_t nbytes, runtime::Stream stream) {
  Staging& s = staging();
  const size_t chunks = (nbytes + kStagingChunk - 1) / kStagingChunk;
  const auto issue = [&](size_t c) {
    const size_t offset = c * kStagingChunk, n = std::min(kStagingChunk, nbytes - offset);
    runtime::memcpy_async(s.buffers[c % 2], src + offset, n, runtime::CopyKind::DeviceToHost,
                          stream);
    runtime::record_event(s.done[c % 2], stream);
  };
  issue(0);
  for (size_t c = 0; c < chunks; ++c) {
    if (c + 1 < chunks) issue(c + 1);
    runtime::synchronize_event(s.done[c % 2]);
    const size_t offset = c * kStagingChunk;
    std::memcpy(dst + offset, s.buffers[c % 2], std::min(kStagingChunk, nbytes - offset));
  }
}

// Copies between host memory and the device holding `device_pointer`, which the copy must
// run on: the default stream of another device would not wait for the kernels queued on
// this one. Synchronous, as the seam promises the host side.
void transfer(void* dst, const void* src, size_t nbytes, runtime::CopyKind kind,
              const void* device_pointer) {
  if (nbytes == 0) return;
  const DeviceGuard guard(runtime::device_of(device_pointer));
  const runtime::Stream stream = current_stream();
  if (nbytes < kStagingChunk) {
    runtime::memcpy_async(dst, src, nbytes, kind, stream);
    runtime::synchronize_stream(stream);
  } else if (kind == runtime::CopyKind::HostToDevice) {
    staged_to_device(static_cast<char*>(dst), static_cast<const char*>(src), nbytes, stream);
  } else {
    staged_to_host(static_cast<char*>(dst), static_cast<const char*>(src), nbytes, stream);
  }
}

}  // namespace

void* CudaBackend::allocate(size_t nbytes, int device_index) {
  KILN_CHECK(device_index >= 0 && device_index < device_count(), "allocate: cannot allocate ",
             nbytes, " bytes on cuda:", device_index, ": no such device (", device_count(),
             " CUDA devices visible)");
  if (nbytes == 0) return nullptr;
  return caching_allocator::allocate(nbytes, device_index);
}

void CudaBackend::deallocate(void* data, size_t) noexcept {
  caching_allocator::release(data);
}

void CudaBackend::copy_from_host(void* device_dst, const void* host_src, size_t nbytes) {
  transfer(device_dst, host_src, nbytes, runtime::CopyKind::HostToDevice, device_dst);
}

void CudaBackend::synchronize(int device_index) {
  const DeviceGuard guard(device_index);
  runtime::synchronize_device();
}

void CudaBackend::copy_to_host(void* host_dst, const void* device_src, size_t nbytes) {
  transfer(host_dst, device_src, nbytes, runtime::CopyKind::DeviceToHost, device_src);
}

}  // namespace kiln::cuda
