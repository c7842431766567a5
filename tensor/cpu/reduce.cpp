// Reductions. Results are bit-identical for any thread count: every sum is combined in an
// order fixed by the data's shape alone (fixed-size blocks and lanes, merged in order).
#include <limits>
#include <memory>
#include <numeric>
#include <vector>

#include "tensor/around_dim.h"
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"
#include "tensor/reduce_formulas.h"

namespace kiln::cpu {

namespace {

// Elements of one reduction processed per task: the unit of the fixed combining order.
constexpr int64_t kReduceBlock = 32768;
// Independent accumulators per contiguous run, so the loop vectorises without reordering
// any single accumulator's additions.
constexpr int kLanes = 16;

// Sums run as `omp simd` reductions (vectorised, lane partials combined in an order fixed
// at compile time). float32 is summed in runs of 1024 in float, each run's total added in
// double: cascade summation, whose error grows with the run length, not with n.
template <typename T>
double sum_contiguous(const T* x, int64_t n) {
  if constexpr (std::is_same_v<T, float>) {
    constexpr int64_t kRun = 1024;
    double total = 0;
    for (int64_t start = 0; start < n; start += kRun) {
      const int64_t end = std::min(n, start + kRun);
      float run = 0;
#pragma omp simd reduction(+ : run)
      for (int64_t i = start; i < end; ++i) run += x[i];
      total += run;
    }
    return total;
  } else {
    T total = 0;
#pragma omp simd reduction(+ : total)
    for (int64_t i = 0; i < n; ++i) total += x[i];
    return static_cast<double>(total);
  }
}

template <typename R, typename T>
typename R::Acc reduce_contiguous(const T* x, int64_t n) {
  using Acc = typename R::Acc;
  if constexpr (std::is_same_v<R, Reducer<ReduceOp::Sum, T>> && std::is_floating_point_v<T>) {
    return static_cast<Acc>(sum_contiguous(x, n));
  } else {
    Acc lanes[kLanes];
    for (Acc& lane : lanes) lane = R::identity();
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      for (int j = 0; j < kLanes; ++j) lanes[j] = R::combine(lanes[j], static_cast<Acc>(x[i + j]));
    }
    for (int j = 0; i + j < n; ++j) lanes[j] = R::combine(lanes[j], static_cast<Acc>(x[i + j]));
    Acc result = lanes[0];
    for (int j = 1; j < kLanes; ++j) result = R::combine(result, lanes[j]);
    return result;
  }
}

// out[r] = reduce(x[r, :]) for x of shape [rows, length], row-major.
template <typename R, typename T>
void reduce_rows(T* out, const T* x, int64_t rows, int64_t length) {
  using Acc = typename R::Acc;
  if (length <= kReduceBlock) {
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(length, 1)),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t r = begin; r < end; ++r) {
                     out[r] = static_cast<T>(reduce_contiguous<R>(x + r * length, length));
                   }
                 });
    return;
  }
  const int64_t blocks = (length + kReduceBlock - 1) / kReduceBlock;
  // An array, not a vector: std::vector<bool> packs all/any's partials into shared words,
  // which the tasks would write at once (ThreadSanitizer found it).
  const auto partials = std::make_unique<Acc[]>(rows * blocks);
  parallel_for(rows * blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const int64_t start = (k % blocks) * kReduceBlock;
      partials[k] = reduce_contiguous<R>(x + (k / blocks) * length + start,
                                         std::min(kReduceBlock, length - start));
    }
  });
  for (int64_t r = 0; r < rows; ++r) {
    Acc acc = partials[r * blocks];
    for (int64_t k = 1; k < blocks; ++k) acc = R::combine(acc, partials[r * blocks + k]);
    out[r] = static_cast<T>(acc);
  }
}

// out[c] = reduce(x[:, c]) for x of shape [rows, columns], row-major: the leading dims are
// reduced, so each task walks down a band of columns.
template <typename R, typename T>
void reduce_columns(T* out, const T* x, int64_t rows, int64_t columns) {
  using Acc = typename R::Acc;
  constexpr int64_t kBand = 256;
  const int64_t bands = (columns + kBand - 1) / kBand;
  parallel_for(bands, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(rows * kBand, 1)),
               [&](int64_t begin, int64_t end) {
                 Acc acc[kBand];
                 for (int64_t band = begin; band < end; ++band) {
                   const int64_t first = band * kBand;
                   const int64_t width = std::min(kBand, columns - first);
                   for (int64_t c = 0; c < width; ++c) acc[c] = R::identity();
                   for (int64_t r = 0; r < rows; ++r) {
                     const T* row = x + r * columns + first;
                     for (int64_t c = 0; c < width; ++c) {
                       acc[c] = R::combine(acc[c], static_cast<Acc>(row[c]));
                     }
                   }
                   for (int64_t c = 0; c < width; ++c) out[first + c] = static_cast<T>(acc[c]);
                 }
               });
}

template <typename R>
void run_reduce(const Tensor& out, const Tensor& in, AroundDim rows) {
  using T = typename R::Value;
  T* result = static_cast<T*>(out.data_ptr());
  const T* x = static_cast<const T*>(in.data_ptr());
  if (rows.inner == 1) {
    reduce_rows<R>(result, x, rows.outer, rows.length);
    return;
  }
  for (int64_t o = 0; o < rows.outer; ++o) {
    reduce_columns<R>(result + o * rows.inner, x + o * rows.length * rows.inner, rows.length,
                      rows.inner);
  }
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& in, AroundDim rows) {
  visit_reducer(op, in.dtype(),
                [&](auto reducer) { run_reduce<decltype(reducer)>(out, in, rows); });
}

void CpuBackend::arg_reduce(ReduceOp op, const Tensor& values, const Tensor& indices,
                            const Tensor& in, AroundDim rows) {
  const int64_t length = rows.length, inner = rows.inner;
  const bool want_max = op == ReduceOp::Max;
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = static_cast<const T*>(in.data_ptr());
    T* best_values = static_cast<T*>(values.data_ptr());
    int64_t* best_indices = static_cast<int64_t*>(indices.data_ptr());
    parallel_for(values.numel(), std::max<int64_t>(1, kParallelGrain / length),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t r = begin; r < end; ++r) {
                     const T* row = x + (r / inner) * length * inner + r % inner;
                     int64_t best = 0;
                     for (int64_t i = 1; i < length && !is_nan(row[best * inner]); ++i) {
                       const T value = row[i * inner], best_value = row[best * inner];
                       const bool better = want_max ? value > best_value : value < best_value;
                       if (better || is_nan(value)) best = i;
                     }
                     best_values[r] = row[best * inner];
                     best_indices[r] = best;
                   }
                 });
  });
}

}  // namespace kiln::cpu
