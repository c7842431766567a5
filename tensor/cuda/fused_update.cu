// Fused updates on CUDA: the host array of element updates goes to the device as the bytes
// of an int64 tensor, and one launch of the formula's kernel runs them (grid.y = update).
#include <algorithm>

#include "tensor/creation.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/runtime.h"
#include "tensor/cuda/stream.h"
#include "tensor/fused_update.h"

namespace kiln::cuda {

namespace {
// The most updates one launch takes (the grid's y extent); larger groups take several.
constexpr size_t kMaxUpdatesPerLaunch = 65535;
}  // namespace

void CudaBackend::fused_update(const FusedUpdateKernel& kernel, Device device, const void* updates,
                               size_t count, int64_t largest) {
  KILN_CHECK(kernel.launch_cuda != nullptr, kernel.name, ": its formula was not compiled for ",
             device);
  if (largest == 0) return;
  const runtime::DeviceGuard guard(device.index);
  const char* bytes = static_cast<const char*>(updates);
  for (size_t start = 0; start < count; start += kMaxUpdatesPerLaunch) {
    const size_t chunk = std::min(kMaxUpdatesPerLaunch, count - start);
    const auto size = static_cast<int64_t>(chunk * kernel.update_bytes);
    const Tensor table = empty({(size + 7) / 8}, {.dtype = kInt64, .device = device});
    runtime::memcpy_async(table.data_ptr(), bytes + start * kernel.update_bytes, size,
                          runtime::CopyKind::HostToDevice, current_stream());
    kernel.launch_cuda(kernel.name, table.data_ptr(), chunk, largest);
    // The host array must outlive the asynchronous copy.
    runtime::synchronize_stream(current_stream());
  }
}

}  // namespace kiln::cuda
