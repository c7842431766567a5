#pragma once

// Helpers around the CUDA runtime shared by the backend's files.
#include <cuda_runtime_api.h>

#include "tensor/error.h"

namespace kiln::cuda {

// Throws kiln::Error when a runtime call failed: `context` names the op and the call,
// CUDA's own description of the failure follows.
template <typename... Context>
void check(cudaError_t status, const Context&... context) {
  if (status == cudaSuccess) [[likely]]
    return;
  // A non-sticky error stays pending until read; read it so that it is reported only here.
  cudaGetLastError();
  throw Error(detail::concat(context..., ": ", cudaGetErrorString(status)));
}

// Makes `index` the current device for the duration of one op and restores the caller's
// afterwards, so that kiln never changes which device a user's own CUDA code talks to.
class DeviceGuard {
 public:
  explicit DeviceGuard(int index) {
    check(cudaGetDevice(&previous_), "cuda: cudaGetDevice failed");
    if (index != previous_) {
      check(cudaSetDevice(index), "cuda: cudaSetDevice(", index, ") failed");
      restore_ = true;
    }
  }
  ~DeviceGuard() {
    if (restore_) cudaSetDevice(previous_);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
  bool restore_ = false;
};

}  // namespace kiln::cuda
