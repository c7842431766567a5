// Cumulative scans along rows, accumulating float32 in double.
#include <algorithm>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"

namespace kiln::cpu {

void CpuBackend::scan(ScanOp op, const Tensor& out, const Tensor& in, AroundDim extents) {
  visit_numeric(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
    const T* source = static_cast<const T*>(in.data_ptr());
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

}  // namespace kiln::cpu
