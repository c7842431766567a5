// cumsum and cumprod: one thread per row, in order along the row, so the additions are the
// CPU's.
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/reduce_formulas.h"

namespace kiln::cuda {

namespace {

// One thread per row, in order along the row: the same additions as the CPU's.
template <typename T>
__global__ void scan_kernel(T* out, const T* x, AroundDim extents, bool sum) {
  using Acc = typename Reducer<ReduceOp::Sum, T>::Acc;
  const int64_t rows = extents.outer * extents.inner;
  for (int64_t r = first_index(); r < rows; r += grid_stride()) {
    const int64_t o = r / extents.inner, j = r % extents.inner;
    const int64_t base = o * extents.length * extents.inner + j;
    Acc acc = sum ? Acc(0) : Acc(1);
    for (int64_t i = 0; i < extents.length; ++i) {
      const Acc value = static_cast<Acc>(x[base + i * extents.inner]);
      if constexpr (std::is_same_v<Acc, int64_t>) {
        acc = sum ? wrapping_add(acc, value) : wrapping_mul(acc, value);
      } else {
        acc = sum ? acc + value : acc * value;
      }
      out[base + i * extents.inner] = static_cast<T>(acc);
    }
  }
}

}  // namespace

void CudaBackend::scan(ScanOp op, const Tensor& out, const Tensor& in, AroundDim extents) {
  const runtime::DeviceGuard guard(in.device().index);
  visit_numeric(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("scan", scan_kernel<T>, grid_for(extents.outer * extents.inner), out.data<T>(),
           in.data<T>(), extents, op == ScanOp::Sum);
  });
}

}  // namespace kiln::cuda
