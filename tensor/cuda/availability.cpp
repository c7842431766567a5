#include <cuda_runtime_api.h>

#include "tensor/cuda/cuda.h"

namespace kiln::cuda {

namespace {
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

bool is_available() {
  return device_count() > 0;
}

}  // namespace kiln::cuda
