// Stable sort of each row: std::stable_sort of the row's positions, read through the
// row's stride into a buffer, NaN sorting as the largest value.
#include <algorithm>
#include <numeric>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"

namespace kiln::cpu {

void CpuBackend::sort(const Tensor& values, const Tensor& indices, const Tensor& in, AroundDim rows,
                      bool descending) {
  const int64_t length = rows.length, inner = rows.inner;
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = static_cast<const T*>(in.data_ptr());
    T* out_values = static_cast<T*>(values.data_ptr());
    int64_t* out_indices = static_cast<int64_t*>(indices.data_ptr());
    parallel_for(rows.outer * inner, std::max<int64_t>(1, kParallelGrain / length),
                 [&](int64_t begin, int64_t end) {
                   std::vector<T> row(length);
                   std::vector<int64_t> order(length);
                   for (int64_t r = begin; r < end; ++r) {
                     const int64_t base = (r / inner) * length * inner + r % inner;
                     for (int64_t i = 0; i < length; ++i) row[i] = x[base + i * inner];
                     std::iota(order.begin(), order.end(), int64_t{0});
                     const auto ascending = [&row](int64_t a, int64_t b) {
                       return !is_nan(row[a]) && (is_nan(row[b]) || row[a] < row[b]);
                     };
                     const auto descending_order = [&row](int64_t a, int64_t b) {
                       return !is_nan(row[b]) && (is_nan(row[a]) || row[a] > row[b]);
                     };
                     if (descending) {
                       std::stable_sort(order.begin(), order.end(), descending_order);
                     } else {
                       std::stable_sort(order.begin(), order.end(), ascending);
                     }
                     for (int64_t i = 0; i < length; ++i) {
                       out_values[base + i * inner] = row[order[i]];
                       out_indices[base + i * inner] = order[i];
                     }
                   }
                 });
  });
}

}  // namespace kiln::cpu
