// layer_norm over the last dim: two passes over each row (which stays in cache) for the
// mean and the variance about it, one to normalise and scale. The sums are `omp simd`
// reductions: vectorised, in an order fixed at compile time.
#include <cmath>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"

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

}  // namespace kiln::cpu
