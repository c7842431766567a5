#pragma once

// A fused update's formula compiled for every device (tensor/fused_update.h). Included by
// the formula's own source, a .cu file, which the CUDA build compiles for the GPU.
//
// A formula is a class template Formula<T> (T the group's floating type) with
//   static Formula make(const Slot& slot, const Options& options);  // on the host
//   int64_t numel;                                                   // elements to update
//   KILN_HOST_DEVICE void update(int64_t i) const;                    // element i
// and a Slot aggregate with `Tensor param, grad` and
//   std::vector<UpdateState> state(const Options& options) const;    // what it writes
#include <algorithm>
#include <span>
#include <vector>

#include "tensor/cpu/parallel.h"
#include "tensor/fused_update.h"
#include "tensor/host_device.h"
#if defined(__CUDACC__) || defined(KILN_CUDA_EMULATED)
#include "tensor/cuda/fused_update_kernel.h"
#endif

namespace kiln {

template <typename Update>
void run_fused_updates_on_cpu(const void* updates, size_t count) {
  const Update* update = static_cast<const Update*>(updates);
  for (size_t s = 0; s < count; ++s) {
    cpu::parallel_for(update[s].numel, cpu::kParallelGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) update[s].update(i);
    });
  }
}

template <typename Update>
FusedUpdateKernel fused_update_kernel(const char* name) {
  FusedUpdateKernel kernel{
      .name = name, .update_bytes = sizeof(Update), .run_cpu = &run_fused_updates_on_cpu<Update>};
#if defined(__CUDACC__) || defined(KILN_CUDA_EMULATED)
  kernel.launch_cuda = &cuda::launch_fused_updates<Update>;
#endif
  return kernel;
}

// Validates every slot of one group, converts gradients to the parameters' dtype, runs
// Formula on the group's device and bumps the versions of what it wrote. `name` names the
// update in errors and kernel reports.
template <template <typename> class Formula, typename Slot, typename Options>
void fused_update(const char* name, std::span<const Slot> slots, const Options& options) {
  if (slots.empty()) return;
  std::vector<Slot> prepared(slots.begin(), slots.end());
  std::vector<std::vector<UpdateState>> written;
  const Tensor first = prepared.front().param;
  for (Slot& slot : prepared) {
    written.push_back(slot.state(options));
    detail::check_update_slot(name, first, slot.param, slot.grad, written.back());
    slot.grad = detail::update_gradient(slot.param, slot.grad);
  }
  visit_floating(first.dtype(), [&](auto tag) {
    using Update = Formula<typename decltype(tag)::type>;
    std::vector<Update> updates;
    int64_t largest = 0;
    for (const Slot& slot : prepared) {
      updates.push_back(Update::make(slot, options));
      largest = std::max(largest, updates.back().numel);
    }
    detail::run_fused_update(fused_update_kernel<Update>(name), first.device(), updates.data(),
                             updates.size(), largest);
  });
  for (size_t s = 0; s < prepared.size(); ++s) {
    detail::bump_versions(prepared[s].param, written[s]);
  }
}

}  // namespace kiln
