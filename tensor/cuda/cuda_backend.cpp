// Memory, transfers and the registration of the CUDA backend.
#include "tensor/cuda/cuda_backend.h"

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

// Copies between host memory and the device holding `device_pointer`, which the copy must
// run on: the default stream of another device would not wait for the kernels queued on
// this one. Synchronous, as the seam promises the host side.
void transfer(void* dst, const void* src, size_t nbytes, runtime::CopyKind kind,
              const void* device_pointer) {
  if (nbytes == 0) return;
  const DeviceGuard guard(runtime::device_of(device_pointer));
  runtime::memcpy_async(dst, src, nbytes, kind, current_stream());
  runtime::synchronize_stream(current_stream());
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

void CudaBackend::copy_to_host(void* host_dst, const void* device_src, size_t nbytes) {
  transfer(host_dst, device_src, nbytes, runtime::CopyKind::DeviceToHost, device_src);
}

}  // namespace kiln::cuda
