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
#include "tensor/cpu/vec_math_avx512.h"
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
#ifdef __AVX512F__
void softmax_short_row(const float* x, float* y, int64_t n, bool log);
#endif
// Rows up to this long take softmax_short_row where the build has AVX-512.
constexpr int64_t kShortRow = 256;

template <typename T>
void softmax_row(const T* x, T* y, int64_t n, bool log) {
#ifdef __AVX512F__
  if constexpr (std::is_same_v<T, float>) {
    if (n <= kShortRow) return softmax_short_row(x, y, n, log);
  }
#endif
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

#ifdef __AVX512F__
// Short float32 rows in 16-lane vectors, the last one masked: GCC's vectorised loops above
// finish a row with 8-lane and scalar remainders, which cost as much as the rest for the
// short rows of attention (measured, one thread: rows of 42, 62 ns each there, 19 ns here).
// Long rows stay with those loops, which ran faster (rows of 1024: 1.24 ms for 4,096 there,
// 2.5 ms here).
KILN_AVX512_CODE_BEGIN
void softmax_short_row(const float* x, float* y, int64_t n, bool log) {
  const __m512 negative_infinity = _mm512_set1_ps(-INFINITY);
  __m512 peaks = negative_infinity;
  for (int64_t i = 0; i < n; i += 16) {
    const __m512 v = _mm512_mask_loadu_ps(negative_infinity, first_lanes(n - i), x + i);
    peaks = _mm512_max_ps(v, peaks);  // v > peaks ? v : peaks: NaN elements are passed over
  }
  float peak = _mm512_reduce_max_ps(peaks);
  // An all -inf row gives -inf - -inf, a +inf peak inf - inf: NaN either way, as in PyTorch.
  if (std::isinf(peak)) peak = std::numeric_limits<float>::quiet_NaN();
  const __m512 shift = _mm512_set1_ps(peak);
  __m512 totals = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 lanes = first_lanes(n - i);
    const __m512 e = exp_nonpositive_x16(_mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, x + i), shift));
    if (!log) _mm512_mask_storeu_ps(y + i, lanes, e);
    totals = _mm512_mask_add_ps(totals, lanes, totals, e);
  }
  const float total = _mm512_reduce_add_ps(totals);
  const __m512 offset = _mm512_set1_ps(log ? peak + std::log(total) : 0.0f);
  const __m512 scale = _mm512_set1_ps(1.0f / total);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 lanes = first_lanes(n - i);
    const __m512 v = _mm512_maskz_loadu_ps(lanes, log ? x + i : y + i);
    _mm512_mask_storeu_ps(y + i, lanes, log ? _mm512_sub_ps(v, offset) : _mm512_mul_ps(v, scale));
  }
}
KILN_AVX512_CODE_END
#endif

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

#ifdef __AVX512F__
// softmax's dx = y (g - sum g y) for a short float32 row in 16-lane vectors, the last one
// masked, as softmax_short_row.
KILN_AVX512_CODE_BEGIN
void softmax_backward_row_x16(float* dx, const float* g, const float* y, int64_t n) {
  __m512 totals = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 lanes = first_lanes(n - i);
    totals = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(lanes, g + i),
                             _mm512_maskz_loadu_ps(lanes, y + i), totals);
  }
  const __m512 total = _mm512_set1_ps(_mm512_reduce_add_ps(totals));
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 lanes = first_lanes(n - i);
    const __m512 centred = _mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, g + i), total);
    _mm512_mask_storeu_ps(dx + i, lanes,
                          _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, y + i), centred));
  }
}
KILN_AVX512_CODE_END
#endif

// One row: softmax's dx = y (g - sum g y), log_softmax's dx = g - exp(y) sum g.
template <typename T>
void softmax_backward_row(T* dx, const T* g, const T* y, int64_t n, bool log) {
#ifdef __AVX512F__
  if constexpr (std::is_same_v<T, float>) {
    if (!log && n <= kShortRow) return softmax_backward_row_x16(dx, g, y, n);
  }
#endif
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
