#pragma once

// How kernels walk tensors: operands passed by value as one shape and each operand's
// strides, so broadcast (zero strides) and strided views need no copy; and grid-stride
// loops, so one launch of a bounded grid covers any element count.
#include <algorithm>
#include <array>
#include <cstdint>

#include "tensor/cuda/kernel.h"
#include "tensor/dims.h"
#include "tensor/tensor.h"

namespace kiln::cuda {

template <int N>
struct StridedOperands {
  int rank = 0;
  int64_t numel = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[N][kMaxDims] = {};
};

// The element offset of row-major position `index` in each operand.
template <int N>
__device__ inline void offsets_of(const StridedOperands<N>& layout, int64_t index,
                                  int64_t (&offsets)[N]) {
  for (int t = 0; t < N; ++t) offsets[t] = 0;
  for (int d = layout.rank - 1; d >= 0; --d) {
    const int64_t coordinate = index % layout.shape[d];
    index /= layout.shape[d];
    for (int t = 0; t < N; ++t) offsets[t] += coordinate * layout.strides[t][d];
  }
}

__device__ inline int64_t first_index() {
  return blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
}
__device__ inline int64_t grid_stride() {
  return int64_t{gridDim.x} * blockDim.x;
}

inline constexpr unsigned kThreads = 256;
// Enough blocks to keep every current GPU busy; the grid-stride loop does the rest.
inline constexpr int64_t kMaxBlocks = 65536;

inline LaunchShape grid_for(int64_t numel) {
  const int64_t blocks = std::clamp<int64_t>((numel + kThreads - 1) / kThreads, 1, kMaxBlocks);
  return {dim3(static_cast<unsigned>(blocks)), dim3(kThreads)};
}

// The shape of the first tensor and the strides of each (all of one shape).
template <int N>
StridedOperands<N> strided_operands(const std::array<const Tensor*, N>& tensors) {
  StridedOperands<N> layout;
  const Tensor& first = *tensors[0];
  layout.rank = first.dim();
  layout.numel = first.numel();
  for (int d = 0; d < layout.rank; ++d) {
    layout.shape[d] = first.shape()[d];
    for (int t = 0; t < N; ++t) layout.strides[t][d] = tensors[t]->strides()[d];
  }
  return layout;
}

}  // namespace kiln::cuda
