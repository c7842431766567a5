#pragma once

// Reductions within one block: each warp combines its lanes by shuffles, lane 0 of each
// warp leaves its partial in shared memory, and warp 0 combines those. The order of
// combination is fixed by the block size, so results are deterministic.
#include <algorithm>
#include <type_traits>

#include "tensor/cuda/kernel.h"
#include "tensor/cuda/strided.h"

namespace kiln::cuda {

inline constexpr unsigned kFullMask = 0xffffffffu;

// __shfl_down_sync has no bool overload: bools travel as int.
template <typename T>
__device__ T shuffle_down(T value, int offset) {
  if constexpr (std::is_same_v<T, bool>) {
    return __shfl_down_sync(kFullMask, static_cast<int>(value), offset) != 0;
  } else {
    return __shfl_down_sync(kFullMask, value, offset);
  }
}

// Combines `value` over the block (blockDim.x a multiple of 32, at most 1024) with
// `combine`; the result is valid in thread 0. `partials` is shared scratch of 32 elements;
// the block must pass a barrier before reusing it.
template <typename T, typename Combine, typename Partials>
__device__ T block_reduce(T value, T identity, Combine combine, Partials& partials) {
  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int offset = 16; offset > 0; offset /= 2)
    value = combine(value, shuffle_down(value, offset));
  if (lane == 0) partials[warp] = value;
  __syncthreads();
  if (warp == 0) {
    value = lane < blockDim.x / 32 ? static_cast<T>(partials[lane]) : identity;
    for (int offset = 16; offset > 0; offset /= 2) {
      value = combine(value, shuffle_down(value, offset));
    }
  }
  return value;
}

// Threads per block for rows of `length` elements: a power of two from 32 to 256.
inline unsigned threads_for_rows(int64_t length) {
  unsigned threads = 32;
  while (threads < 256 && threads < length) threads *= 2;
  return threads;
}

// The blocks for `rows` rows of `length` elements: one per row up to the grid limit, then
// grid-striding.
inline LaunchShape rows_shape(int64_t rows, int64_t length, size_t shared_bytes = 0) {
  return {dim3(static_cast<unsigned>(std::clamp<int64_t>(rows, 1, kMaxBlocks))),
          dim3(threads_for_rows(length)), shared_bytes};
}

}  // namespace kiln::cuda
