// softmax and log_softmax and their backward kernel: one block per row, its reductions
// (maximum, sum of exponentials, sum of the gradient) combined by block_reduce, so results
// are deterministic.
#include "tensor/cuda/block_reduce.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/elementwise_formulas.h"
#include "tensor/ops_softmax.h"

namespace kiln::cuda {

namespace {

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

// softmax: dx = y (g - sum_j g_j y_j); log_softmax: dx = g - exp(y) sum_j g_j.
template <typename T>
__global__ void softmax_backward_kernel_on(T* dx, const T* g, const T* y, AroundDim extents,
                                           bool log) {
  KILN_SHARED(T, partials, 32);
  const int64_t rows = extents.outer * extents.inner;
  const auto sum_of = [](T a, T b) { return a + b; };
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t o = r / extents.inner, j = r % extents.inner;
    const int64_t base = o * extents.length * extents.inner + j;
    T total = 0;
    for (int64_t i = threadIdx.x; i < extents.length; i += blockDim.x) {
      const int64_t k = base + i * extents.inner;
      total += log ? g[k] : g[k] * y[k];
    }
    total = block_reduce(total, T(0), sum_of, partials);
    if (threadIdx.x == 0) partials[0] = total;
    __syncthreads();
    total = partials[0];
    __syncthreads();
    for (int64_t i = threadIdx.x; i < extents.length; i += blockDim.x) {
      const int64_t k = base + i * extents.inner;
      dx[k] = log ? g[k] - std::exp(y[k]) * total : y[k] * (g[k] - total);
    }
  }
}

void softmax_backward(const Tensor& grad_in, const Tensor& grad, const Tensor& result,
                      AroundDim extents, bool log) {
  const runtime::DeviceGuard guard(result.device().index);
  visit_floating(result.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch(log ? "log_softmax_backward" : "softmax_backward", softmax_backward_kernel_on<T>,
           rows_shape(extents.outer * extents.inner, extents.length), grad_in.data<T>(),
           grad.data<T>(), result.data<T>(), extents, log);
  });
}

}  // namespace

KILN_REGISTER_KERNEL(softmax_backward_kernel, DeviceType::CUDA, softmax_backward);

void CudaBackend::softmax(const Tensor& out, const Tensor& in, AroundDim extents, bool log) {
  const runtime::DeviceGuard guard(in.device().index);
  visit_floating(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch(log ? "log_softmax" : "softmax", softmax_kernel<T>,
           rows_shape(extents.outer * extents.inner, extents.length), out.data<T>(), in.data<T>(),
           extents, log);
  });
}

}  // namespace kiln::cuda
