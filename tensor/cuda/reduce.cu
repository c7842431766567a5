// Reductions and arg-reductions: one block per row, the row's elements strided over the
// block's threads and combined by block_reduce, so every result is deterministic.
#include "tensor/cuda/block_reduce.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/reduce_formulas.h"

namespace kiln::cuda {

namespace {

template <typename R>
struct Combine {
  template <typename Acc>
  KILN_HOST_DEVICE Acc operator()(Acc a, Acc b) const {
    return R::combine(a, b);
  }
};

// Row r = (o, j) of `rows` reduced into out[r], its elements strided over the block's threads.
template <typename R, typename T>
__global__ void reduce_rows_kernel(T* out, const T* x, AroundDim rows) {
  using Acc = typename R::Acc;
  KILN_SHARED(Acc, partials, 32);
  const int64_t count = rows.outer * rows.inner;
  for (int64_t r = blockIdx.x; r < count; r += gridDim.x) {
    const T* row = x + (r / rows.inner) * rows.length * rows.inner + r % rows.inner;
    Acc acc = R::identity();
    for (int64_t i = threadIdx.x; i < rows.length; i += blockDim.x) {
      acc = R::combine(acc, static_cast<Acc>(row[i * rows.inner]));
    }
    acc = block_reduce(acc, R::identity(), Combine<R>{}, partials);
    if (threadIdx.x == 0) out[r] = static_cast<T>(acc);
    __syncthreads();
  }
}

// The element and index of one candidate for an arg-reduction.
template <typename T>
struct Candidate {
  T value;
  int64_t index;
};

// The better of two candidates: the extreme value, NaN counting as extreme, and the lower
// index on ties, so the first extreme wins as on the CPU.
template <typename T>
struct BetterCandidate {
  bool want_max;
  KILN_HOST_DEVICE Candidate<T> operator()(Candidate<T> a, Candidate<T> b) const {
    if (b.index < 0) return a;
    if (a.index < 0) return b;
    const bool a_nan = is_nan(a.value), b_nan = is_nan(b.value);
    if (a_nan || b_nan) return a_nan && (!b_nan || a.index < b.index) ? a : b;
    if (a.value == b.value) return a.index < b.index ? a : b;
    return (want_max ? a.value > b.value : a.value < b.value) ? a : b;
  }
};

template <typename T>
__global__ void arg_reduce_kernel(T* values, int64_t* indices, const T* x, AroundDim extents,
                                  bool want_max) {
  KILN_SHARED(T, partial_values, 32);
  KILN_SHARED(int64_t, partial_indices, 32);
  const BetterCandidate<T> better{want_max};
  const int64_t rows = extents.outer * extents.inner;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t o = r / extents.inner, j = r % extents.inner;
    const T* row = x + o * extents.length * extents.inner + j;
    Candidate<T> best{T(0), -1};
    for (int64_t i = threadIdx.x; i < extents.length; i += blockDim.x) {
      best = better(best, Candidate<T>{row[i * extents.inner], i});
    }
    const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    for (int offset = 16; offset > 0; offset /= 2) {
      const Candidate<T> other{shuffle_down(best.value, offset), shuffle_down(best.index, offset)};
      best = better(best, other);
    }
    if (lane == 0) {
      partial_values[warp] = best.value;
      partial_indices[warp] = best.index;
    }
    __syncthreads();
    if (warp == 0) {
      best = lane < blockDim.x / 32 ? Candidate<T>{partial_values[lane], partial_indices[lane]}
                                    : Candidate<T>{T(0), -1};
      for (int offset = 16; offset > 0; offset /= 2) {
        const Candidate<T> other{shuffle_down(best.value, offset),
                                 shuffle_down(best.index, offset)};
        best = better(best, other);
      }
      if (lane == 0) {
        values[r] = best.value;
        indices[r] = best.index;
      }
    }
    __syncthreads();
  }
}

}  // namespace

void CudaBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& in, AroundDim rows) {
  const runtime::DeviceGuard guard(out.device().index);
  visit_reducer(op, in.dtype(), [&](auto reducer) {
    using R = decltype(reducer);
    using T = typename R::Value;
    launch("reduce", reduce_rows_kernel<R, T>, rows_shape(out.numel(), rows.length), out.data<T>(),
           in.data<T>(), rows);
  });
}

void CudaBackend::arg_reduce(ReduceOp op, const Tensor& values, const Tensor& indices,
                             const Tensor& in, AroundDim extents) {
  const runtime::DeviceGuard guard(in.device().index);
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("arg_reduce", arg_reduce_kernel<T>, rows_shape(values.numel(), extents.length),
           values.data<T>(), indices.data<int64_t>(), in.data<T>(), extents, op == ReduceOp::Max);
  });
}

}  // namespace kiln::cuda
