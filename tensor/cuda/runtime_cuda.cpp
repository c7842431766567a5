// The runtime seam on the real CUDA runtime.
#include <cuda_runtime_api.h>

#include "tensor/cuda/runtime.h"
#include "tensor/error.h"

namespace kiln::cuda::runtime {

namespace {

// Throws kiln::Error when a runtime call failed: `context` names the call, CUDA's own
// description of the failure follows.
template <typename... Context>
void check(cudaError_t status, const Context&... context) {
  if (status == cudaSuccess) [[likely]]
    return;
  // A non-sticky error stays pending until read; read it so that it is reported only here.
  cudaGetLastError();
  throw Error(detail::concat("cuda: ", context..., ": ", cudaGetErrorString(status)));
}

cudaStream_t native(Stream stream) {
  return static_cast<cudaStream_t>(stream);
}
cudaEvent_t native_event(Event event) {
  return static_cast<cudaEvent_t>(event);
}

cudaMemcpyKind native(CopyKind kind) {
  switch (kind) {
    case CopyKind::HostToDevice:
      return cudaMemcpyHostToDevice;
    case CopyKind::DeviceToHost:
      return cudaMemcpyDeviceToHost;
    case CopyKind::DeviceToDevice:
      return cudaMemcpyDeviceToDevice;
  }
  return cudaMemcpyDefault;
}

int query_device_count() {
  int count = 0;
  // Without a GPU or driver this fails (no device, insufficient driver): that is the
  // answer "none", not an error. Clearing it keeps it from surfacing in a later call.
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

}  // namespace

// The driver fixes the device set when the process starts, so one query serves for good.
int device_count() {
  static const int count = query_device_count();
  return count;
}

int current_device() {
  int index = 0;
  check(cudaGetDevice(&index), "cudaGetDevice failed");
  return index;
}

void set_device(int index) {
  check(cudaSetDevice(index), "cudaSetDevice(", index, ") failed");
}

size_t allocation_granularity() {
  return 512;
}

void* malloc(size_t nbytes) {
  void* data = nullptr;
  check(cudaMalloc(&data, nbytes), "cudaMalloc of ", nbytes, " bytes failed");
  return data;
}

// Errors are dropped: this runs in destructors, and at process exit the runtime may
// already be unloaded, when there is nothing left to free anyway.
void free(void* data) noexcept {
  if (data != nullptr) cudaFree(data);
}

void* malloc_host(size_t nbytes) {
  void* data = nullptr;
  check(cudaMallocHost(&data, nbytes), "cudaMallocHost of ", nbytes, " bytes failed");
  return data;
}

void free_host(void* data) noexcept {
  if (data != nullptr) cudaFreeHost(data);
}

int device_of(const void* pointer) {
  cudaPointerAttributes attributes{};
  check(cudaPointerGetAttributes(&attributes, pointer), "cudaPointerGetAttributes failed");
  return attributes.device;
}

void memcpy_async(void* dst, const void* src, size_t nbytes, CopyKind kind, Stream stream) {
  check(cudaMemcpyAsync(dst, src, nbytes, native(kind), native(stream)), "cudaMemcpyAsync of ",
        nbytes, " bytes failed");
}

void memset_async(void* dst, int value, size_t nbytes, Stream stream) {
  check(cudaMemsetAsync(dst, value, nbytes, native(stream)), "cudaMemsetAsync of ", nbytes,
        " bytes failed");
}

Stream create_stream() {
  cudaStream_t stream = nullptr;
  check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate failed");
  return stream;
}

void destroy_stream(Stream stream) noexcept {
  if (stream != nullptr) cudaStreamDestroy(native(stream));
}

void synchronize_stream(Stream stream) {
  check(cudaStreamSynchronize(native(stream)), "cudaStreamSynchronize failed");
}

void synchronize_device() {
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize failed");
}

Event create_event() {
  cudaEvent_t event = nullptr;
  check(cudaEventCreate(&event), "cudaEventCreate failed");
  return event;
}

void destroy_event(Event event) noexcept {
  if (event != nullptr) cudaEventDestroy(native_event(event));
}

void record_event(Event event, Stream stream) {
  check(cudaEventRecord(native_event(event), native(stream)), "cudaEventRecord failed");
}

void stream_wait_event(Stream stream, Event event) {
  check(cudaStreamWaitEvent(native(stream), native_event(event), 0), "cudaStreamWaitEvent failed");
}

void synchronize_event(Event event) {
  check(cudaEventSynchronize(native_event(event)), "cudaEventSynchronize failed");
}

float elapsed_ms(Event start, Event end) {
  float ms = 0;
  check(cudaEventElapsedTime(&ms, native_event(start), native_event(end)),
        "cudaEventElapsedTime failed");
  return ms;
}

void check_last_launch(const char* kernel) {
  check(cudaGetLastError(), "launch of kernel ", kernel, " failed");
}

DeviceProperties properties(int device) {
  cudaDeviceProp native_properties{};
  check(cudaGetDeviceProperties(&native_properties, device), "cudaGetDeviceProperties(", device,
        ") failed");
  return {.name = native_properties.name,
          .compute_major = native_properties.major,
          .compute_minor = native_properties.minor,
          .multiprocessors = native_properties.multiProcessorCount,
          .total_memory = native_properties.totalGlobalMem,
          .max_threads_per_block = native_properties.maxThreadsPerBlock,
          .shared_memory_per_block = native_properties.sharedMemPerBlock,
          .warp_size = native_properties.warpSize};
}

}  // namespace kiln::cuda::runtime
