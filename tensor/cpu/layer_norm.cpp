// layer_norm over the last dim: two passes over each row (which stays in cache) for the
// mean and the variance about it, one to normalise and scale. The backward kernel makes one
// pass over a row for its two sums and one for dx, and adds the row's terms of dweight and
// dbias to its block's partial sums. The sums are `omp simd` reductions: vectorised, in an
// order fixed at compile time.
#include <algorithm>
#include <cmath>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/ops_layer_norm.h"

namespace kiln::cpu {

void CpuBackend::layer_norm(const Tensor& out, const Tensor& mean, const Tensor& rstd,
                            const Tensor& in, const Tensor& weight, const Tensor& bias,
                            double eps) {
  const int64_t features = in.shape().back();
  const int64_t rows = in.numel() / features;
  visit_floating(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = static_cast<const T*>(in.data_ptr());
    const T* gamma = weight.defined() ? static_cast<const T*>(weight.data_ptr()) : nullptr;
    const T* beta = bias.defined() ? static_cast<const T*>(bias.data_ptr()) : nullptr;
    T* y = static_cast<T*>(out.data_ptr());
    T* means = static_cast<T*>(mean.data_ptr());
    T* rstds = static_cast<T*>(rstd.data_ptr());
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / features),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t r = begin; r < end; ++r) {
                     const T* row = x + r * features;
                     T* result = y + r * features;
                     T total = 0;
#pragma omp simd reduction(+ : total)
                     for (int64_t i = 0; i < features; ++i) total += row[i];
                     const T mu = total / features;
                     T squares = 0;
#pragma omp simd reduction(+ : squares)
                     for (int64_t i = 0; i < features; ++i)
                       squares += (row[i] - mu) * (row[i] - mu);
                     const T variance = squares / features;
                     const T scale = T(1) / std::sqrt(variance + static_cast<T>(eps));
                     means[r] = mu;
                     rstds[r] = scale;
                     for (int64_t i = 0; i < features; ++i) {
                       const T normalised = (row[i] - mu) * scale;
                       result[i] = normalised * (gamma ? gamma[i] : T(1)) + (beta ? beta[i] : T(0));
                     }
                   }
                 });
  });
}

namespace {

// Rows [begin, end) of the backward pass; dweight and dbias (when not null) receive the
// rows' sums of g xhat and of g.
template <typename T>
void layer_norm_backward_rows(T* dx, T* dweight, T* dbias, const T* grad, const T* x,
                              const T* gamma, const T* means, const T* rstds, int64_t begin,
                              int64_t end, int64_t features) {
  for (int64_t r = begin; r < end; ++r) {
    const T* g = grad + r * features;
    const T* row = x + r * features;
    const T mu = means[r], scale = rstds[r];
    if (dx) {
      T sum_gw = 0, sum_gw_xhat = 0;
#pragma omp simd reduction(+ : sum_gw, sum_gw_xhat)
      for (int64_t i = 0; i < features; ++i) {
        const T gw = g[i] * (gamma ? gamma[i] : T(1));
        sum_gw += gw;
        sum_gw_xhat += gw * ((row[i] - mu) * scale);
      }
      const T mean_gw = sum_gw / features, mean_gw_xhat = sum_gw_xhat / features;
      T* out = dx + r * features;
#pragma omp simd
      for (int64_t i = 0; i < features; ++i) {
        const T gw = g[i] * (gamma ? gamma[i] : T(1));
        out[i] = scale * (gw - mean_gw - (row[i] - mu) * scale * mean_gw_xhat);
      }
    }
    if (dweight) {
#pragma omp simd
      for (int64_t i = 0; i < features; ++i) dweight[i] += g[i] * ((row[i] - mu) * scale);
    }
    if (dbias) {
#pragma omp simd
      for (int64_t i = 0; i < features; ++i) dbias[i] += g[i];
    }
  }
}

void layer_norm_backward(const Tensor& dx, const Tensor& dweight_partials,
                         const Tensor& dbias_partials, const Tensor& grad, const Tensor& x,
                         const Tensor& weight, const Tensor& mean, const Tensor& rstd) {
  const int64_t features = x.shape().back();
  const int64_t rows = x.numel() / features;
  const int64_t blocks = (rows + kLayerNormPartialRows - 1) / kLayerNormPartialRows;
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* dweight = data_or_null<T>(dweight_partials);
    T* dbias = data_or_null<T>(dbias_partials);
    if (dweight) std::fill(dweight, dweight + blocks * features, T(0));
    if (dbias) std::fill(dbias, dbias + blocks * features, T(0));
    const int64_t block_work = kLayerNormPartialRows * features;
    parallel_for(blocks, std::max<int64_t>(1, kParallelGrain / block_work),
                 [&](int64_t first, int64_t last) {
                   for (int64_t b = first; b < last; ++b) {
                     layer_norm_backward_rows(
                         data_or_null<T>(dx), dweight ? dweight + b * features : nullptr,
                         dbias ? dbias + b * features : nullptr, grad.data<T>(), x.data<T>(),
                         data_or_null<T>(weight), mean.data<T>(), rstd.data<T>(),
                         b * kLayerNormPartialRows, std::min(rows, (b + 1) * kLayerNormPartialRows),
                         features);
                   }
                 });
  });
}

}  // namespace

KILN_REGISTER_KERNEL(layer_norm_backward_kernel, DeviceType::CPU, layer_norm_backward);

}  // namespace kiln::cpu
