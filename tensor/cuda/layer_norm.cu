// layer_norm's forward pass: one block per row, mean and variance in two passes combined by
// block_reduce (deterministic), as on the CPU. Its backward pass: dx one block per row, its
// two sums combined by block_reduce; dweight's and dbias's partial sums one thread per block
// of rows and feature, down the block's rows in order.
#include "tensor/cuda/block_reduce.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/ops_layer_norm.h"

namespace kiln::cuda {

namespace {

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

// dx = rstd (gw - mean(gw) - xhat mean(gw xhat)) for each row.
template <typename T>
__global__ void layer_norm_backward_kernel_on(T* dx, const T* grad, const T* x, const T* gamma,
                                              const T* means, const T* rstds, int64_t rows,
                                              int64_t features) {
  KILN_SHARED(T, partials, 32);
  const auto sum_of = [](T a, T b) { return a + b; };
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* g = grad + r * features;
    const T* row = x + r * features;
    const T mu = means[r], scale = rstds[r];
    T sum_gw = 0, sum_gw_xhat = 0;
    for (int64_t i = threadIdx.x; i < features; i += blockDim.x) {
      const T gw = g[i] * (gamma ? gamma[i] : T(1));
      sum_gw += gw;
      sum_gw_xhat += gw * ((row[i] - mu) * scale);
    }
    sum_gw = block_reduce(sum_gw, T(0), sum_of, partials);
    if (threadIdx.x == 0) partials[0] = sum_gw;
    __syncthreads();
    const T mean_gw = static_cast<T>(partials[0]) / static_cast<T>(features);
    __syncthreads();
    sum_gw_xhat = block_reduce(sum_gw_xhat, T(0), sum_of, partials);
    if (threadIdx.x == 0) partials[0] = sum_gw_xhat;
    __syncthreads();
    const T mean_gw_xhat = static_cast<T>(partials[0]) / static_cast<T>(features);
    __syncthreads();
    for (int64_t i = threadIdx.x; i < features; i += blockDim.x) {
      const T gw = g[i] * (gamma ? gamma[i] : T(1));
      dx[r * features + i] = scale * (gw - mean_gw - (row[i] - mu) * scale * mean_gw_xhat);
    }
  }
}

// dweight's and dbias's sums over each block of kLayerNormPartialRows rows, per feature.
template <typename T>
__global__ void layer_norm_partials_kernel(T* dweight, T* dbias, const T* grad, const T* x,
                                           const T* means, const T* rstds, int64_t rows,
                                           int64_t features, int64_t blocks) {
  for (int64_t at = first_index(); at < blocks * features; at += grid_stride()) {
    const int64_t block = at / features, feature = at % features;
    const int64_t end =
        rows < (block + 1) * kLayerNormPartialRows ? rows : (block + 1) * kLayerNormPartialRows;
    T weight_sum = 0, bias_sum = 0;
    for (int64_t r = block * kLayerNormPartialRows; r < end; ++r) {
      const T g = grad[r * features + feature];
      weight_sum += g * ((x[r * features + feature] - means[r]) * rstds[r]);
      bias_sum += g;
    }
    if (dweight) dweight[at] = weight_sum;
    if (dbias) dbias[at] = bias_sum;
  }
}

void layer_norm_backward(const Tensor& dx, const Tensor& dweight_partials,
                         const Tensor& dbias_partials, const Tensor& grad, const Tensor& x,
                         const Tensor& weight, const Tensor& mean, const Tensor& rstd) {
  const runtime::DeviceGuard guard(x.device().index);
  const int64_t features = x.shape().back();
  const int64_t rows = x.numel() / features;
  const int64_t blocks = (rows + kLayerNormPartialRows - 1) / kLayerNormPartialRows;
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (dx.defined()) {
      launch("layer_norm_backward", layer_norm_backward_kernel_on<T>, rows_shape(rows, features),
             dx.data<T>(), grad.data<T>(), x.data<T>(), data_or_null<T>(weight), mean.data<T>(),
             rstd.data<T>(), rows, features);
    }
    if (dweight_partials.defined() || dbias_partials.defined()) {
      launch("layer_norm_backward", layer_norm_partials_kernel<T>, grid_for(blocks * features),
             data_or_null<T>(dweight_partials), data_or_null<T>(dbias_partials), grad.data<T>(),
             x.data<T>(), mean.data<T>(), rstd.data<T>(), rows, features, blocks);
    }
  });
}

}  // namespace

KILN_REGISTER_KERNEL(layer_norm_backward_kernel, DeviceType::CUDA, layer_norm_backward);

void CudaBackend::layer_norm(const Tensor& out, const Tensor& mean, const Tensor& rstd,
                             const Tensor& in, const Tensor& weight, const Tensor& bias,
                             double eps) {
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

}  // namespace kiln::cuda
