// Elementwise kernels. Each thread walks a grid-stride loop, so one launch of a bounded
// grid covers any element count and the grid size never depends on the tensor.
#include <algorithm>

#include "tensor/cuda/kernel.h"
#include "tensor/cuda/kernels.h"

namespace kiln::cuda {

namespace {

constexpr int kThreads = 256;
// Enough blocks to keep every current GPU busy; the grid-stride loop does the rest.
constexpr int64_t kMaxBlocks = 65536;

unsigned blocks_for(int64_t numel) {
  return static_cast<unsigned>(std::min((numel + kThreads - 1) / kThreads, kMaxBlocks));
}

// The element offset of row-major position `index` in each operand.
template <int N>
__device__ void offsets_of(const StridedOperands<N>& layout, int64_t index, int64_t (&offsets)[N]) {
  for (int t = 0; t < N; ++t) offsets[t] = 0;
  for (int d = layout.rank - 1; d >= 0; --d) {
    const int64_t coordinate = index % layout.shape[d];
    index /= layout.shape[d];
    for (int t = 0; t < N; ++t) offsets[t] += coordinate * layout.strides[t][d];
  }
}

__device__ int64_t first_index() {
  return blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
}
__device__ int64_t grid_stride() {
  return int64_t{gridDim.x} * blockDim.x;
}

template <typename T>
__global__ void fill_kernel(T* out, StridedOperands<1> layout, T value) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[1];
    offsets_of(layout, i, offsets);
    out[offsets[0]] = value;
  }
}

template <typename T>
__global__ void add_kernel(T* out, const T* a, const T* b, StridedOperands<3> layout) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[3];
    offsets_of(layout, i, offsets);
    out[offsets[0]] = a[offsets[1]] + b[offsets[2]];
  }
}

}  // namespace

template <typename T>
void launch_fill(T* out, const StridedOperands<1>& layout, T value) {
  launch("fill", fill_kernel<T>, {blocks_for(layout.numel), kThreads}, out, layout, value);
}

template <typename T>
void launch_add(T* out, const T* a, const T* b, const StridedOperands<3>& layout) {
  launch("add", add_kernel<T>, {blocks_for(layout.numel), kThreads}, out, a, b, layout);
}

template void launch_fill<bool>(bool*, const StridedOperands<1>&, bool);
template void launch_fill<int64_t>(int64_t*, const StridedOperands<1>&, int64_t);
template void launch_fill<float>(float*, const StridedOperands<1>&, float);
template void launch_fill<double>(double*, const StridedOperands<1>&, double);
template void launch_add<float>(float*, const float*, const float*, const StridedOperands<3>&);
template void launch_add<double>(double*, const double*, const double*, const StridedOperands<3>&);

}  // namespace kiln::cuda
