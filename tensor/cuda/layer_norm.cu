// layer_norm's forward pass: one block per row, mean and variance in two passes combined by
// block_reduce (deterministic), as on the CPU.
#include "tensor/cuda/block_reduce.h"
#include "tensor/cuda/cuda_backend.h"

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

}  // namespace

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
