// The fused optimizer updates on the CPU: the element updates of
// tensor/optimizer_formulas.h over each slot, split across threads when large.
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/optimizer_formulas.h"

namespace kiln::cpu {

namespace {

template <template <typename> class ElementUpdate, typename Slot, typename Options>
void run_updates(std::span<const Slot> slots, const Options& options) {
  visit_floating(slots.front().param.dtype(), [&](auto tag) {
    using Update = ElementUpdate<typename decltype(tag)::type>;
    for (const Slot& slot : slots) {
      const Update update = Update::make(slot, options);
      parallel_for(update.numel, kParallelGrain, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) update.update(i);
      });
    }
  });
}

}  // namespace

void CpuBackend::sgd_update(std::span<const SGDSlot> slots, const SGDOptions& options) {
  run_updates<SGDElementUpdate>(slots, options);
}

void CpuBackend::adam_update(std::span<const AdamSlot> slots, const AdamOptions& options) {
  run_updates<AdamElementUpdate>(slots, options);
}

void CpuBackend::adagrad_update(std::span<const AdagradSlot> slots, const AdagradOptions& options) {
  run_updates<AdagradElementUpdate>(slots, options);
}

void CpuBackend::rmsprop_update(std::span<const RMSpropSlot> slots, const RMSpropOptions& options) {
  run_updates<RMSpropElementUpdate>(slots, options);
}

}  // namespace kiln::cpu
