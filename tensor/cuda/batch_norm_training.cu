// batch_norm_training's kernels (tensor/ops_batch_norm_training.h): one block per channel
// for its sums, in double and combined by block_reduce (deterministic, as on the CPU), then
// one thread per element for the elementwise pass.
#include "tensor/cuda/block_reduce.h"
#include "tensor/cuda/kernel.h"
#include "tensor/cuda/strided.h"
#include "tensor/ops_batch_norm_training.h"

namespace kiln::cuda {

namespace {

// The flat index of channel c's j-th value.
__device__ inline int64_t channel_element(const BatchNormExtents& e, int64_t c, int64_t j) {
  return ((j / e.inner) * e.channels + c) * e.inner + j % e.inner;
}

__device__ inline int64_t channel_of(const BatchNormExtents& e, int64_t index) {
  return (index / e.inner) % e.channels;
}

// Sums term(index) over channel c's values (c = blockIdx.x, grid-striding); valid in thread 0.
template <typename Term, typename Partials>
__device__ double channel_sum(const BatchNormExtents& e, int64_t c, const Term& term,
                              Partials& partials) {
  double total = 0;
  for (int64_t j = threadIdx.x; j < e.outer * e.inner; j += blockDim.x) {
    total += term(channel_element(e, c, j));
  }
  total = block_reduce(
      total, 0.0, [](double a, double b) { return a + b; }, partials);
  __syncthreads();
  return total;
}

template <typename T>
__global__ void statistics_kernel(T* means, T* vars, T* rstds, const T* x, BatchNormExtents e,
                                  double eps) {
  KILN_SHARED(double, partials, 32);
  KILN_SHARED(double, mean, 1);
  const auto count = static_cast<double>(e.outer * e.inner);
  for (int64_t c = blockIdx.x; c < e.channels; c += gridDim.x) {
    const double total = channel_sum(
        e, c, [x](int64_t i) { return static_cast<double>(x[i]); }, partials);
    if (threadIdx.x == 0) mean[0] = static_cast<double>(static_cast<T>(total / count));
    __syncthreads();
    const double mu = mean[0];
    const double squares = channel_sum(
        e, c,
        [x, mu](int64_t i) {
          const double d = static_cast<double>(x[i]) - mu;
          return d * d;
        },
        partials);
    if (threadIdx.x == 0) {
      const double variance = squares / count;
      means[c] = static_cast<T>(mu);
      vars[c] = static_cast<T>(variance);
      rstds[c] = static_cast<T>(1 / std::sqrt(variance + eps));
    }
    __syncthreads();
  }
}

template <typename T>
__global__ void normalise_kernel(T* out, const T* x, const T* means, const T* rstds,
                                 const T* weight, const T* bias, BatchNormExtents e) {
  const int64_t n = e.outer * e.channels * e.inner;
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    const int64_t c = channel_of(e, i);
    const T normalised = (x[i] - means[c]) * rstds[c];
    out[i] = normalised * (weight ? weight[c] : T(1)) + (bias ? bias[c] : T(0));
  }
}

// sums[c] = sum(g), sums[C + c] = sum(g (x - mean)) over channel c.
template <typename T>
__global__ void gradient_sums_kernel(T* sums, const T* g, const T* x, const T* means,
                                     BatchNormExtents e) {
  KILN_SHARED(double, partials, 32);
  for (int64_t c = blockIdx.x; c < e.channels; c += gridDim.x) {
    const double mu = static_cast<double>(means[c]);
    const double sum_g = channel_sum(
        e, c, [g](int64_t i) { return static_cast<double>(g[i]); }, partials);
    const double sum_g_centred = channel_sum(
        e, c,
        [g, x, mu](int64_t i) {
          return static_cast<double>(g[i]) * (static_cast<double>(x[i]) - mu);
        },
        partials);
    if (threadIdx.x == 0) {
      sums[c] = static_cast<T>(sum_g);
      sums[e.channels + c] = static_cast<T>(sum_g_centred);
    }
    __syncthreads();
  }
}

template <typename T>
__global__ void parameter_grads_kernel(T* grad_weight, T* grad_bias, const T* sums, const T* rstds,
                                       int64_t channels) {
  for (int64_t c = first_index(); c < channels; c += grid_stride()) {
    if (grad_bias) grad_bias[c] = sums[c];
    if (grad_weight) grad_weight[c] = sums[channels + c] * rstds[c];
  }
}

// dx = w r (g - sum_g / M - (x - mean) r sum(g xhat) / M).
template <typename T>
__global__ void input_grad_kernel(T* dx, const T* g, const T* x, const T* means, const T* rstds,
                                  const T* weight, const T* sums, BatchNormExtents e) {
  const int64_t n = e.outer * e.channels * e.inner;
  const T count = static_cast<T>(e.outer * e.inner);
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    const int64_t c = channel_of(e, i);
    const T r = rstds[c];
    const T mean_g = sums[c] / count, mean_g_xhat = sums[e.channels + c] * r / count;
    dx[i] = (weight ? weight[c] : T(1)) * r * (g[i] - mean_g - (x[i] - means[c]) * r * mean_g_xhat);
  }
}

void batch_norm_training(const Tensor& out, const Tensor& mean, const Tensor& var,
                         const Tensor& rstd, const Tensor& x, const Tensor& weight,
                         const Tensor& bias, BatchNormExtents e, double eps) {
  const runtime::DeviceGuard guard(x.device().index);
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("batch_norm_training", statistics_kernel<T>, rows_shape(e.channels, e.outer * e.inner),
           mean.data<T>(), var.data<T>(), rstd.data<T>(), x.data<T>(), e, eps);
    launch("batch_norm_training", normalise_kernel<T>, grid_for(x.numel()), out.data<T>(),
           x.data<T>(), mean.data<T>(), rstd.data<T>(), data_or_null<T>(weight),
           data_or_null<T>(bias), e);
  });
}

void batch_norm_training_backward(const Tensor& grad_x, const Tensor& grad_weight,
                                  const Tensor& grad_bias, const Tensor& grad, const Tensor& x,
                                  const Tensor& mean, const Tensor& rstd, const Tensor& weight,
                                  BatchNormExtents e) {
  const runtime::DeviceGuard guard(x.device().index);
  const Tensor sums = make_tensor({2, e.channels}, x.dtype(), x.device(), "batch_norm_training");
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("batch_norm_training_backward", gradient_sums_kernel<T>,
           rows_shape(e.channels, e.outer * e.inner), sums.data<T>(), grad.data<T>(), x.data<T>(),
           mean.data<T>(), e);
    launch("batch_norm_training_backward", parameter_grads_kernel<T>, grid_for(e.channels),
           data_or_null<T>(grad_weight), data_or_null<T>(grad_bias), sums.data<T>(), rstd.data<T>(),
           e.channels);
    if (grad_x.defined()) {
      launch("batch_norm_training_backward", input_grad_kernel<T>, grid_for(x.numel()),
             grad_x.data<T>(), grad.data<T>(), x.data<T>(), mean.data<T>(), rstd.data<T>(),
             data_or_null<T>(weight), sums.data<T>(), e);
    }
  });
}

}  // namespace

KILN_REGISTER_KERNEL(batch_norm_training_kernel, DeviceType::CUDA, batch_norm_training);
KILN_REGISTER_KERNEL(batch_norm_training_backward_kernel, DeviceType::CUDA,
                     batch_norm_training_backward);

}  // namespace kiln::cuda
