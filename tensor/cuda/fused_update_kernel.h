#pragma once

// The CUDA side of a fused update (tensor/fused_update.h): block row y of the grid runs
// update y, grid-striding over its elements. Compiled into the formula's own source (a .cu
// file of the layer that owns the formula).
#include <cstddef>
#include <cstdint>

#include "tensor/cuda/strided.h"

namespace kiln::cuda {

template <typename Update>
__global__ void fused_update_kernel(const Update* updates) {
  const Update& update = updates[blockIdx.y];
  for (int64_t i = first_index(); i < update.numel; i += grid_stride()) update.update(i);
}

template <typename Update>
void launch_fused_updates(const char* name, const void* device_updates, size_t count,
                          int64_t largest) {
  LaunchShape shape = grid_for(largest);
  shape.grid.y = static_cast<unsigned>(count);
  launch(name, fused_update_kernel<Update>, shape, static_cast<const Update*>(device_updates));
}

}  // namespace kiln::cuda
