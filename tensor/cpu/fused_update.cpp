// Fused updates on the CPU: the formula's own CPU loop (tensor/fused_update.h).
#include "tensor/fused_update.h"
#include "tensor/cpu/cpu_backend.h"

namespace kiln::cpu {

void CpuBackend::fused_update(const FusedUpdateKernel& kernel, Device, const void* updates,
                              size_t count, int64_t) {
  kernel.run_cpu(updates, count);
}

}  // namespace kiln::cpu
