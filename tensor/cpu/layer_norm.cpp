// layer_norm over the last dim: one pass for the mean and variance of each row (two-pass
// formulas over the row, which stays in cache), one pass to normalise and scale.
#include <cmath>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"

namespace kiln::cpu {

namespace {

constexpr int kLanes = 16;

// Sum of f(x[i]) over a row with fixed lanes: vectorisable and in a fixed order.
template <typename T, typename Acc, typename Fn>
Acc lane_sum(const T* x, int64_t n, const Fn& fn) {
  Acc lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) lanes[j] += fn(static_cast<Acc>(x[i + j]));
  }
  for (; i < n; ++i) lanes[0] += fn(static_cast<Acc>(x[i]));
  Acc total = 0;
  for (Acc lane : lanes) total += lane;
  return total;
}

}  // namespace

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
    parallel_for(
        rows, std::max<int64_t>(1, kParallelGrain / features), [&](int64_t begin, int64_t end) {
          for (int64_t r = begin; r < end; ++r) {
            const T* row = x + r * features;
            T* result = y + r * features;
            const T mu = lane_sum<T, T>(row, features, [](T v) { return v; }) / features;
            const T variance =
                lane_sum<T, T>(row, features, [mu](T v) { return (v - mu) * (v - mu); }) / features;
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
