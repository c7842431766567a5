// The runtime seam on the host emulator. Kernels run to completion when launched, so
// every stream is already synchronised and an event completes when it is recorded.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tensor/cuda/emulator/fault_report.h"
#include "tensor/cuda/runtime.h"
#include "tensor/error.h"
#include "tensor/parallel.h"

namespace kiln::cuda::runtime {

namespace {

// KILN_CUDA_EMULATOR_DEVICES=N emulates N devices (default 1), to exercise multi-device code.
int emulated_device_count() {
  if (const char* text = std::getenv("KILN_CUDA_EMULATOR_DEVICES")) {
    const int count = std::atoi(text);
    if (count >= 0) return count;
  }
  return 1;
}

thread_local int current = 0;

struct EventState {
  bool recorded = false;
  std::chrono::steady_clock::time_point time;
};

EventState& state(Event event) {
  KILN_CHECK(event != nullptr, "cuda: invalid event");
  return *static_cast<EventState*>(event);
}

const char* kind_name(CopyKind kind) {
  switch (kind) {
    case CopyKind::HostToDevice:
      return "host to device";
    case CopyKind::DeviceToHost:
      return "device to host";
    case CopyKind::DeviceToDevice:
      return "device to device";
  }
  return "";
}

void check_device_pointer(const void* pointer, size_t nbytes, const char* role, CopyKind kind) {
  KILN_CHECK(emulator::is_device_pointer(pointer), "cuda: cudaMemcpyAsync (", kind_name(kind),
             ") of ", nbytes, " bytes: the ", role, " is not device memory");
  KILN_CHECK(emulator::is_device_pointer(static_cast<const char*>(pointer) + nbytes - 1),
             "cuda: cudaMemcpyAsync (", kind_name(kind), ") of ", nbytes, " bytes: the ", role,
             " runs past the end of its allocation");
}

}  // namespace

int device_count() {
  static const int count = emulated_device_count();
  return count;
}

int current_device() {
  return current;
}

void set_device(int index) {
  KILN_CHECK(index >= 0 && index < device_count(), "cuda: cudaSetDevice(", index,
             ") failed: invalid device ordinal");
  current = index;
}

size_t allocation_granularity() {
  return 16;
}

void* malloc(size_t nbytes) {
  return nbytes == 0 ? nullptr : emulator::allocate_guarded(nbytes, current);
}

void free(void* data) noexcept {
  if (data != nullptr) emulator::free_guarded(data);
}

void* malloc_host(size_t nbytes) {
  void* data = std::malloc(nbytes == 0 ? 1 : nbytes);
  KILN_CHECK(data != nullptr, "cuda: cudaMallocHost of ", nbytes, " bytes failed");
  return data;
}

void free_host(void* data) noexcept {
  std::free(data);
}

int device_of(const void* pointer) {
  const int device = emulator::device_of_pointer(pointer);
  KILN_CHECK(device >= 0, "cuda: cudaPointerGetAttributes: ", pointer, " is not device memory");
  return device;
}

void memcpy_async(void* dst, const void* src, size_t nbytes, CopyKind kind, Stream) {
  if (nbytes == 0) return;
  if (kind != CopyKind::HostToDevice) check_device_pointer(src, nbytes, "source", kind);
  if (kind != CopyKind::DeviceToHost) check_device_pointer(dst, nbytes, "destination", kind);
  std::memmove(dst, src, nbytes);
}

void memset_async(void* dst, int value, size_t nbytes, Stream) {
  if (nbytes == 0) return;
  check_device_pointer(dst, nbytes, "destination", CopyKind::DeviceToDevice);
  std::memset(dst, value, nbytes);
}

Stream create_stream() {
  return new char(0);
}

void destroy_stream(Stream stream) noexcept {
  delete static_cast<char*>(stream);
}

void synchronize_stream(Stream) {}
void synchronize_device() {}

Event create_event() {
  return new EventState();
}

void destroy_event(Event event) noexcept {
  delete static_cast<EventState*>(event);
}

void record_event(Event event, Stream) {
  EventState& recorded = state(event);
  recorded.recorded = true;
  recorded.time = std::chrono::steady_clock::now();
}

void stream_wait_event(Stream, Event event) {
  state(event);
}

void synchronize_event(Event event) {
  state(event);
}

float elapsed_ms(Event start, Event end) {
  const EventState &first = state(start), &second = state(end);
  KILN_CHECK(first.recorded && second.recorded,
             "cuda: cudaEventElapsedTime: both events must have been recorded");
  return std::chrono::duration<float, std::milli>(second.time - first.time).count();
}

// The emulator's launch throws at once.
void check_last_launch(const char*) {}

DeviceProperties properties(int device) {
  KILN_CHECK(device >= 0 && device < device_count(), "cuda: cudaGetDeviceProperties(", device,
             ") failed: invalid device ordinal");
  const auto pages = static_cast<size_t>(sysconf(_SC_PHYS_PAGES));
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return {.name = "kiln CUDA emulator",
          .compute_major = 9,
          .compute_minor = 0,
          .multiprocessors = num_threads(),
          .total_memory = pages * page,
          .max_threads_per_block = 1024,
          .shared_memory_per_block = 48 * 1024,
          .warp_size = 32,
          .emulated = true};
}

}  // namespace kiln::cuda::runtime
