// Stable sort along a dim by rank: each element counts the elements of its row that sort
// before it (smaller, or equal with a smaller index) and lands at that position. It costs
// length^2 comparisons per row, all in parallel: fine for the rows of top-k and argsort on
// model sizes, not a sort for long rows.
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/elementwise_formulas.h"

namespace kiln::cuda {

namespace {

// Whether a sorts strictly before b; NaN counts as the largest value, as on the CPU.
template <typename T>
__device__ bool sorts_before(T a, T b, bool descending) {
  if (descending) return !is_nan(b) && (is_nan(a) || a > b);
  return !is_nan(a) && (is_nan(b) || a < b);
}

template <typename T>
__global__ void rank_sort_kernel(T* values, int64_t* indices, const T* x, AroundDim extents,
                                 bool descending) {
  const int64_t total = extents.outer * extents.length * extents.inner;
  for (int64_t e = first_index(); e < total; e += grid_stride()) {
    const int64_t i = e / extents.inner % extents.length;
    const int64_t base = e - i * extents.inner;
    const T mine = x[e];
    int64_t position = 0;
    for (int64_t k = 0; k < extents.length; ++k) {
      const T other = x[base + k * extents.inner];
      if (sorts_before(other, mine, descending) ||
          (k < i && !sorts_before(mine, other, descending))) {
        ++position;
      }
    }
    values[base + position * extents.inner] = mine;
    indices[base + position * extents.inner] = i;
  }
}

}  // namespace

void CudaBackend::sort(const Tensor& values, const Tensor& indices, const Tensor& in,
                       AroundDim extents, bool descending) {
  const runtime::DeviceGuard guard(in.device().index);
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("sort", rank_sort_kernel<T>, grid_for(in.numel()), values.data<T>(),
           indices.data<int64_t>(), in.data<T>(), extents, descending);
  });
}

}  // namespace kiln::cuda
