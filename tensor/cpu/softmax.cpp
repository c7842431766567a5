// softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j, fused in one kernel:
// a max pass, an exp-and-sum pass and a scaling pass over each slice. Its backward kernel
// (tensor/ops_softmax.h): a sum pass and an elementwise pass over each slice.
#include <cmath>
#include <limits>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/cpu_math.h"
#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"
#include "tensor/ops_softmax.h"

namespace kiln::cpu {

namespace {

// exp(x) for the shifted inputs x - max <= 0 (NaN aside), which float32 evaluates with the
// cheaper exp_nonpositive_f32.
template <typename T>
T exp_shifted(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return exp_nonpositive_f32(x);
  } else {
    return std::exp(x);
  }
}

// The reductions are `omp simd` loops (-fopenmp-simd, no OpenMP runtime): vectorised with
// per-lane partial results combined in an order fixed at compile time, so deterministic.
template <typename T>
void softmax_row(const T* x, T* y, int64_t n, bool log) {
  T peak = -INFINITY;
#pragma omp simd reduction(max : peak)
  for (int64_t i = 0; i < n; ++i) peak = x[i] > peak ? x[i] : peak;
  // An all -inf row gives -inf - -inf, a +inf peak inf - inf: NaN either way, as in PyTorch.
  if (std::isinf(peak)) peak = std::numeric_limits<T>::quiet_NaN();
  T total = 0;
  if (log) {
#pragma omp simd reduction(+ : total)
    for (int64_t i = 0; i < n; ++i) total += exp_shifted(x[i] - peak);
    const T shift = peak + std::log(total);
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] - shift;
    return;
  }
#pragma omp simd reduction(+ : total)
  for (int64_t i = 0; i < n; ++i) {
    y[i] = exp_shifted(x[i] - peak);
    total += y[i];
  }
  const T scale = T(1) / total;
  for (int64_t i = 0; i < n; ++i) y[i] *= scale;
}

// A slice [length, inner] with `inner` > 1: the passes run across `inner` columns at once.
template <typename T>
void softmax_columns(const T* x, T* y, int64_t length, int64_t inner, bool log,
                     std::vector<T>& peaks, std::vector<T>& sums) {
  peaks.assign(inner, -INFINITY);
  sums.assign(inner, 0);
  for (int64_t i = 0; i < length; ++i) {
    for (int64_t j = 0; j < inner; ++j) {
      const T v = x[i * inner + j];
      peaks[j] = v > peaks[j] ? v : peaks[j];
    }
  }
  for (T& peak : peaks) peak = std::isinf(peak) ? std::numeric_limits<T>::quiet_NaN() : peak;
  for (int64_t i = 0; i < length; ++i) {
    for (int64_t j = 0; j < inner; ++j) {
      const T e = exp_shifted(x[i * inner + j] - peaks[j]);
      if (!log) y[i * inner + j] = e;
      sums[j] += e;
    }
  }
  for (int64_t j = 0; j < inner; ++j) {
    sums[j] = log ? peaks[j] + std::log(sums[j]) : T(1) / sums[j];
  }
  for (int64_t i = 0; i < length; ++i) {
    for (int64_t j = 0; j < inner; ++j) {
      y[i * inner + j] = log ? x[i * inner + j] - sums[j] : y[i * inner + j] * sums[j];
    }
  }
}

// One row: softmax's dx = y (g - sum g y), log_softmax's dx = g - exp(y) sum g.
template <typename T>
void softmax_backward_row(T* dx, const T* g, const T* y, int64_t n, bool log) {
  T total = 0;
  if (log) {
#pragma omp simd reduction(+ : total)
    for (int64_t i = 0; i < n; ++i) total += g[i];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) dx[i] = g[i] - CpuMath::exp(y[i]) * total;
    return;
  }
#pragma omp simd reduction(+ : total)
  for (int64_t i = 0; i < n; ++i) total += g[i] * y[i];
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) dx[i] = y[i] * (g[i] - total);
}

// A slice [length, inner] with `inner` > 1: the passes run across `inner` columns at once.
template <typename T>
void softmax_backward_columns(T* dx, const T* g, const T* y, int64_t length, int64_t inner,
                              bool log, std::vector<T>& sums) {
  sums.assign(inner, 0);
  for (int64_t i = 0; i < length; ++i) {
    for (int64_t j = 0; j < inner; ++j) {
      sums[j] += log ? g[i * inner + j] : g[i * inner + j] * y[i * inner + j];
    }
  }
  for (int64_t i = 0; i < length; ++i) {
    for (int64_t j = 0; j < inner; ++j) {
      const int64_t k = i * inner + j;
      dx[k] = log ? g[k] - CpuMath::exp(y[k]) * sums[j] : y[k] * (g[k] - sums[j]);
    }
  }
}

void softmax_backward(const Tensor& grad_in, const Tensor& grad, const Tensor& result,
                      AroundDim rows, bool log) {
  const int64_t slice = rows.length * rows.inner;
  visit_floating(result.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* dx = static_cast<T*>(grad_in.data_ptr());
    const T* g = static_cast<const T*>(grad.data_ptr());
    const T* y = static_cast<const T*>(result.data_ptr());
    parallel_for(
        rows.outer, std::max<int64_t>(1, kParallelGrain / slice), [&](int64_t begin, int64_t end) {
          std::vector<T> sums;
          for (int64_t o = begin; o < end; ++o) {
            const int64_t at = o * slice;
            if (rows.inner == 1) {
              softmax_backward_row(dx + at, g + at, y + at, rows.length, log);
            } else {
              softmax_backward_columns(dx + at, g + at, y + at, rows.length, rows.inner, log, sums);
            }
          }
        });
  });
}

}  // namespace

KILN_REGISTER_KERNEL(softmax_backward_kernel, DeviceType::CPU, softmax_backward);

void CpuBackend::softmax(const Tensor& out, const Tensor& in, AroundDim rows, bool log) {
  const int64_t outer = rows.outer, length = rows.length, inner = rows.inner;
  const int64_t slice = length * inner;
  visit_floating(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* source = static_cast<const T*>(in.data_ptr());
    T* result = static_cast<T*>(out.data_ptr());
    parallel_for(outer, std::max<int64_t>(1, kParallelGrain / slice),
                 [&](int64_t begin, int64_t end) {
                   std::vector<T> peaks, sums;
                   for (int64_t o = begin; o < end; ++o) {
                     if (inner == 1) {
                       softmax_row(source + o * slice, result + o * slice, length, log);
                     } else {
                       softmax_columns(source + o * slice, result + o * slice, length, inner, log,
                                       peaks, sums);
                     }
                   }
                 });
  });
}

}  // namespace kiln::cpu
