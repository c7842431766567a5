// Reductions, arg-reductions, softmax, layer norm and scans: one block per row, the row's
// elements strided over the block's threads and combined by block_reduce, so every result
// is deterministic. Rows are a contiguous input seen as [outer, length, inner] around the
// reduced dim (tensor/around_dim.h).
#include "tensor/around_dim.h"
#include "tensor/cuda/block_reduce.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/ops.h"
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

// The blocks for `rows` rows: one per row up to the grid limit, then grid-striding.
LaunchShape rows_shape(int64_t rows, int64_t length, size_t shared_bytes = 0) {
  return {dim3(static_cast<unsigned>(std::clamp<int64_t>(rows, 1, kMaxBlocks))),
          dim3(threads_for_rows(length)), shared_bytes};
}

// Row r of a [rows, length] contiguous matrix reduced into out[r].
template <typename R, typename T>
__global__ void reduce_rows_kernel(T* out, const T* x, int64_t rows, int64_t length) {
  using Acc = typename R::Acc;
  KILN_SHARED(Acc, partials, 32);
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    Acc acc = R::identity();
    for (int64_t i = threadIdx.x; i < length; i += blockDim.x) {
      acc = R::combine(acc, static_cast<Acc>(x[r * length + i]));
    }
    acc = block_reduce(acc, R::identity(), Combine<R>{}, partials);
    if (threadIdx.x == 0) out[r] = static_cast<T>(acc);
    __syncthreads();
  }
}

template <typename R>
void run_reduce(const Tensor& out, const Tensor& in, const Dims& dims) {
  using T = typename R::Value;
  const int64_t rows = out.numel();
  const int64_t length = in.numel() / rows;
  // Move the reduced dims last, so each output element reduces one contiguous row.
  const Tensor x = raw::contiguous(raw::permute(in, reduced_dims_last_order(in.dim(), dims)));
  launch("reduce", reduce_rows_kernel<R, T>, rows_shape(rows, length), out.data<T>(), x.data<T>(),
         rows, length);
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

// softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j; log_softmax is
// x_i - m - log sum_j exp(x_j - m).
template <typename T>
__global__ void softmax_kernel(T* out, const T* x, AroundDim extents, bool log) {
  KILN_SHARED(T, partials, 32);
  const int64_t rows = extents.outer * extents.inner;
  const auto max_of = [](T a, T b) { return is_nan(a) || a >= b ? a : b; };
  const auto sum_of = [](T a, T b) { return a + b; };
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t o = r / extents.inner, j = r % extents.inner;
    const int64_t base = o * extents.length * extents.inner + j;
    T m = -static_cast<T>(INFINITY);
    for (int64_t i = threadIdx.x; i < extents.length; i += blockDim.x) {
      m = max_of(m, x[base + i * extents.inner]);
    }
    m = block_reduce(m, -static_cast<T>(INFINITY), max_of, partials);
    if (threadIdx.x == 0) partials[0] = m;
    __syncthreads();
    m = partials[0];
    // A row of -inf (all masked) has no finite maximum: shift by 0 and give NaN as the CPU.
    const T shift = m == -static_cast<T>(INFINITY) ? T(0) : m;
    __syncthreads();
    T total = 0;
    for (int64_t i = threadIdx.x; i < extents.length; i += blockDim.x) {
      total += std::exp(x[base + i * extents.inner] - shift);
    }
    total = block_reduce(total, T(0), sum_of, partials);
    if (threadIdx.x == 0) partials[0] = total;
    __syncthreads();
    total = partials[0];
    __syncthreads();
    const T log_total = std::log(total);
    for (int64_t i = threadIdx.x; i < extents.length; i += blockDim.x) {
      const T shifted = x[base + i * extents.inner] - shift;
      out[base + i * extents.inner] = log ? shifted - log_total : std::exp(shifted) / total;
    }
  }
}

// Mean and variance in two passes over the row, as on the CPU.
template <typename T>
__global__ void layer_norm_kernel(T* out, T* means, T* rstds, const T* x, const T* gamma,
                                  const T* beta, int64_t rows, int64_t features, double eps) {
  KILN_SHARED(T, partials, 32);
  const auto sum_of = [](T a, T b) { return a + b; };
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = x + r * features;
    T total = 0;
    for (int64_t i = threadIdx.x; i < features; i += blockDim.x) total += row[i];
    total = block_reduce(total, T(0), sum_of, partials);
    if (threadIdx.x == 0) partials[0] = total;
    __syncthreads();
    const T mu = static_cast<T>(partials[0]) / static_cast<T>(features);
    __syncthreads();
    T squares = 0;
    for (int64_t i = threadIdx.x; i < features; i += blockDim.x) {
      squares += (row[i] - mu) * (row[i] - mu);
    }
    squares = block_reduce(squares, T(0), sum_of, partials);
    if (threadIdx.x == 0) partials[0] = squares;
    __syncthreads();
    const T scale = T(1) / std::sqrt(static_cast<T>(partials[0]) / static_cast<T>(features) +
                                     static_cast<T>(eps));
    __syncthreads();
    if (threadIdx.x == 0) {
      means[r] = mu;
      rstds[r] = scale;
    }
    for (int64_t i = threadIdx.x; i < features; i += blockDim.x) {
      const T normalised = (row[i] - mu) * scale;
      out[r * features + i] = normalised * (gamma ? gamma[i] : T(1)) + (beta ? beta[i] : T(0));
    }
  }
}

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

void CudaBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& in, const Dims& dims) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  visit_reducer(op, in.dtype(),
                [&](auto reducer) { run_reduce<decltype(reducer)>(out, in, dims); });
}

void CudaBackend::arg_reduce(ReduceOp op, const Tensor& values, const Tensor& indices,
                             const Tensor& in, int dim) {
  if (values.numel() == 0) return;
  const runtime::DeviceGuard guard(in.device().index);
  const Tensor x = raw::contiguous(in);
  const AroundDim extents(in.shape(), dim);
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("arg_reduce", arg_reduce_kernel<T>, rows_shape(values.numel(), extents.length),
           values.data<T>(), indices.data<int64_t>(), x.data<T>(), extents, op == ReduceOp::Max);
  });
}

void CudaBackend::softmax(const Tensor& out, const Tensor& in, int dim, bool log) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(in.device().index);
  const Tensor x = raw::contiguous(in);
  const AroundDim extents(in.shape(), dim);
  visit_floating(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch(log ? "log_softmax" : "softmax", softmax_kernel<T>,
           rows_shape(extents.outer * extents.inner, extents.length), out.data<T>(), x.data<T>(),
           extents, log);
  });
}

void CudaBackend::layer_norm(const Tensor& out, const Tensor& mean, const Tensor& rstd,
                             const Tensor& in, const Tensor& weight, const Tensor& bias,
                             double eps) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(in.device().index);
  const int64_t features = in.shape().back();
  const int64_t rows = in.numel() / features;
  visit_floating(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("layer_norm", layer_norm_kernel<T>, rows_shape(rows, features), out.data<T>(),
           mean.data<T>(), rstd.data<T>(), in.data<T>(),
           weight.defined() ? weight.data<T>() : nullptr, bias.defined() ? bias.data<T>() : nullptr,
           rows, features, eps);
  });
}

void CudaBackend::scan(ScanOp op, const Tensor& out, const Tensor& in, int dim) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(in.device().index);
  const Tensor x = raw::contiguous(in);
  const AroundDim extents(in.shape(), dim);
  visit_numeric(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("scan", scan_kernel<T>, grid_for(extents.outer * extents.inner), out.data<T>(),
           x.data<T>(), extents, op == ScanOp::Sum);
  });
}

}  // namespace kiln::cuda
