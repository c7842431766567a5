// Cumulative scans and sorting along one dim.
#include <algorithm>
#include <numeric>
#include <vector>

#include "tensor/around_dim.h"
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"
#include "tensor/ops.h"

namespace kiln::cpu {

void CpuBackend::scan(ScanOp op, const Tensor& out, const Tensor& in, int dim) {
  const Tensor x = raw::contiguous(in);
  const AroundDim extents(in.shape(), dim);
  visit_numeric(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
    const T* source = static_cast<const T*>(x.data_ptr());
    T* result = static_cast<T*>(out.data_ptr());
    const int64_t slice = extents.length * extents.inner;
    parallel_for(extents.outer, std::max<int64_t>(1, kParallelGrain / slice),
                 [&](int64_t begin, int64_t end) {
                   std::vector<Acc> acc(extents.inner);
                   for (int64_t o = begin; o < end; ++o) {
                     std::fill(acc.begin(), acc.end(), op == ScanOp::Sum ? Acc(0) : Acc(1));
                     for (int64_t i = 0; i < extents.length; ++i) {
                       const int64_t row = (o * extents.length + i) * extents.inner;
                       for (int64_t j = 0; j < extents.inner; ++j) {
                         const Acc value = static_cast<Acc>(source[row + j]);
                         if constexpr (std::is_same_v<Acc, int64_t>) {
                           acc[j] = op == ScanOp::Sum ? wrapping_add(acc[j], value)
                                                      : wrapping_mul(acc[j], value);
                         } else {
                           acc[j] = op == ScanOp::Sum ? acc[j] + value : acc[j] * value;
                         }
                         result[row + j] = static_cast<T>(acc[j]);
                       }
                     }
                   }
                 });
  });
}

void CpuBackend::sort(const Tensor& values, const Tensor& indices, const Tensor& in, int dim,
                      bool descending) {
  const Dims order = dim_last_order(in.dim(), dim);
  const Tensor rows = raw::contiguous(raw::permute(in, order));
  const int64_t length = in.shape()[dim];
  const int64_t count = in.numel() / length;
  Tensor sorted_values = make_tensor(rows.shape(), in.dtype(), in.device());
  Tensor sorted_indices = make_tensor(rows.shape(), kInt64, in.device());
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = static_cast<const T*>(rows.data_ptr());
    T* out_values = static_cast<T*>(sorted_values.data_ptr());
    int64_t* out_indices = static_cast<int64_t*>(sorted_indices.data_ptr());
    parallel_for(count, std::max<int64_t>(1, kParallelGrain / length),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t r = begin; r < end; ++r) {
                     const T* row = x + r * length;
                     int64_t* order_of_row = out_indices + r * length;
                     std::iota(order_of_row, order_of_row + length, int64_t{0});
                     // NaN compares as the largest value.
                     const auto ascending = [row](int64_t a, int64_t b) {
                       return !is_nan(row[a]) && (is_nan(row[b]) || row[a] < row[b]);
                     };
                     const auto descending_order = [row](int64_t a, int64_t b) {
                       return !is_nan(row[b]) && (is_nan(row[a]) || row[a] > row[b]);
                     };
                     if (descending) {
                       std::stable_sort(order_of_row, order_of_row + length, descending_order);
                     } else {
                       std::stable_sort(order_of_row, order_of_row + length, ascending);
                     }
                     for (int64_t i = 0; i < length; ++i) {
                       out_values[r * length + i] = row[order_of_row[i]];
                     }
                   }
                 });
  });
  copy(raw::permute(values, order), sorted_values);
  copy(raw::permute(indices, order), sorted_indices);
}

}  // namespace kiln::cpu
