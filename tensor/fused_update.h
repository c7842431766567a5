#pragma once

// Fused per-element updates: one pass over each tensor of a group (an optimizer's
// parameters with their gradients and state) that reads the gradient and writes the
// parameter and state in place, on the group's device. The formula comes from the layer
// that owns it (optim/*_update.cu), tensor/fused_update_kernels.h compiles it for every
// device kiln was built with, and the backends run it through one seam entry
// (Backend::fused_update).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace kiln {

// A state tensor a formula writes, named for error messages.
struct UpdateState {
  const char* name;
  Tensor tensor;
};

// A formula compiled for each device, over an array of its element updates.
struct FusedUpdateKernel {
  const char* name = nullptr;
  size_t update_bytes = 0;
  void (*run_cpu)(const void* updates, size_t count) = nullptr;
  // Launches on the current device and stream over `count` updates already in device
  // memory, the largest of `largest` elements; null where CUDA was not compiled in.
  void (*launch_cuda)(const char* name, const void* device_updates, size_t count,
                      int64_t largest) = nullptr;
};

namespace detail {
// Throws naming `op` unless param (contiguous, floating) and grad (its shape) fit, and each
// state tensor is defined, contiguous and of param's shape, dtype and device; `first` is the
// group's first parameter, whose dtype and device the group shares.
void check_update_slot(const char* op, const Tensor& first, const Tensor& param, const Tensor& grad,
                       const std::vector<UpdateState>& state);
// grad in param's dtype, contiguous.
Tensor update_gradient(const Tensor& param, const Tensor& grad);
// Runs `count` element updates (a host array) on `device`.
void run_fused_update(const FusedUpdateKernel& kernel, Device device, const void* updates,
                      size_t count, int64_t largest);
void bump_versions(const Tensor& param, const std::vector<UpdateState>& state);
}  // namespace detail

}  // namespace kiln
