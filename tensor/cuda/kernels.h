#pragma once

// Launchers of the CUDA kernels (kernels.cu), callable from host C++. They launch on the
// current device and its default stream and throw kiln::Error if the launch fails.
#include <cstdint>

#include "tensor/dims.h"

namespace kiln::cuda {

// The shape shared by N operands and each one's strides (in elements), passed to a kernel
// by value: zero strides broadcast an operand and strided views need no copy.
template <int N>
struct StridedOperands {
  int rank = 0;
  int64_t numel = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[N][kMaxDims] = {};
};

// T is bool, int64_t, float or double. `layout` has numel > 0.
template <typename T>
void launch_fill(T* out, const StridedOperands<1>& layout, T value);

// out = a + b, operands in the order out, a, b; T is float or double. `layout` has numel > 0.
template <typename T>
void launch_add(T* out, const T* a, const T* b, const StridedOperands<3>& layout);

}  // namespace kiln::cuda
