#pragma once

// The seam between kiln's CUDA backend and the runtime it runs on: the real CUDA runtime
// (runtime_cuda.cpp) or the host emulator (emulator/runtime.cpp). Nothing above this seam
// includes a CUDA header, so the backend's host code is the same in both builds. Every
// call throws kiln::Error naming what failed.
#include <cstddef>
#include <string>

namespace kiln::cuda::runtime {

// Opaque handles; nullptr is the default stream.
using Stream = void*;
using Event = void*;

// 0 without a GPU or driver (never throws).
int device_count();
int current_device();
void set_device(int index);

// Sizes the caching allocator rounds requests up to: 512 bytes on a GPU; 16 on the
// emulator, whose guard pages then sit right after each buffer.
size_t allocation_granularity();
void* malloc(size_t nbytes);
void free(void* data) noexcept;
// Page-locked host memory, for staging large transfers.
void* malloc_host(size_t nbytes);
void free_host(void* data) noexcept;
// The device holding `pointer`.
int device_of(const void* pointer);

enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };
void memcpy_async(void* dst, const void* src, size_t nbytes, CopyKind kind, Stream stream);
void memset_async(void* dst, int value, size_t nbytes, Stream stream);

Stream create_stream();
void destroy_stream(Stream stream) noexcept;
void synchronize_stream(Stream stream);
void synchronize_device();

Event create_event();
void destroy_event(Event event) noexcept;
void record_event(Event event, Stream stream);
// Makes later work on `stream` wait for the work recorded by `event`.
void stream_wait_event(Stream stream, Event event);
void synchronize_event(Event event);
// Milliseconds between two recorded and completed events.
float elapsed_ms(Event start, Event end);

// Throws if the last kernel launch on this thread failed to start.
void check_last_launch(const char* kernel);

struct DeviceProperties {
  std::string name;
  int compute_major = 0;
  int compute_minor = 0;
  int multiprocessors = 0;
  size_t total_memory = 0;
  int max_threads_per_block = 0;
  size_t shared_memory_per_block = 0;
  int warp_size = 0;
  bool emulated = false;
};
DeviceProperties properties(int device);

// Makes `index` the current device for the duration of one op and restores the caller's
// afterwards, so that kiln never changes which device a user's own CUDA code talks to.
class DeviceGuard {
 public:
  explicit DeviceGuard(int index) : previous_(current_device()) {
    if (index != previous_) {
      set_device(index);
      restore_ = true;
    }
  }
  ~DeviceGuard() {
    if (restore_) {
      try {
        set_device(previous_);
      } catch (...) {  // a destructor must not throw; the device was valid a moment ago
      }
    }
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_;
  bool restore_ = false;
};

}  // namespace kiln::cuda::runtime
