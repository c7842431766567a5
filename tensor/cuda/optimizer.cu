// The fused optimizer updates on CUDA: one launch per parameter group. The slots' element
// updates (tensor/optimizer_formulas.h) go to the device as one array; block row y of the
// grid updates slot y, grid-striding over its elements.
#include <vector>

#include "tensor/creation.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/optimizer_formulas.h"

namespace kiln::cuda {

namespace {

// The most slots one launch takes (the grid's y extent); larger groups take several.
constexpr size_t kMaxSlotsPerLaunch = 65535;

template <typename Update>
__global__ void update_kernel(const Update* updates) {
  const Update& update = updates[blockIdx.y];
  for (int64_t i = first_index(); i < update.numel; i += grid_stride()) update.update(i);
}

template <template <typename> class ElementUpdate, typename Slot, typename Options>
void run_updates(const char* name, std::span<const Slot> slots, const Options& options) {
  const Tensor& first = slots.front().param;
  const runtime::DeviceGuard guard(first.device().index);
  visit_floating(first.dtype(), [&](auto tag) {
    using Update = ElementUpdate<typename decltype(tag)::type>;
    for (size_t start = 0; start < slots.size(); start += kMaxSlotsPerLaunch) {
      const size_t count = std::min(kMaxSlotsPerLaunch, slots.size() - start);
      std::vector<Update> updates;
      int64_t largest = 0;
      for (size_t s = start; s < start + count; ++s) {
        updates.push_back(Update::make(slots[s], options));
        largest = std::max(largest, updates.back().numel);
      }
      if (largest == 0) continue;
      // The array travels as the bytes of an int64 tensor on the device.
      const int64_t bytes = static_cast<int64_t>(updates.size() * sizeof(Update));
      const Tensor table = empty({(bytes + 7) / 8}, {.dtype = kInt64, .device = first.device()});
      runtime::memcpy_async(table.data_ptr(), updates.data(), bytes,
                            runtime::CopyKind::HostToDevice, current_stream());
      LaunchShape shape = grid_for(largest);
      shape.grid.y = static_cast<unsigned>(count);
      launch(name, update_kernel<Update>, shape, static_cast<const Update*>(table.data_ptr()));
      // The host array must outlive the asynchronous copy.
      runtime::synchronize_stream(current_stream());
    }
  });
}

}  // namespace

void CudaBackend::sgd_update(std::span<const SGDSlot> slots, const SGDOptions& options) {
  run_updates<SGDElementUpdate>("sgd_update", slots, options);
}

void CudaBackend::adam_update(std::span<const AdamSlot> slots, const AdamOptions& options) {
  run_updates<AdamElementUpdate>("adam_update", slots, options);
}

void CudaBackend::adagrad_update(std::span<const AdagradSlot> slots,
                                 const AdagradOptions& options) {
  run_updates<AdagradElementUpdate>("adagrad_update", slots, options);
}

void CudaBackend::rmsprop_update(std::span<const RMSpropSlot> slots,
                                 const RMSpropOptions& options) {
  run_updates<RMSpropElementUpdate>("rmsprop_update", slots, options);
}

}  // namespace kiln::cuda
