// Elementwise binary kernels and where: the formulas of tensor/elementwise_formulas.h.
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/loops.h"
#include "tensor/cpu/vec_math.h"

namespace kiln::cpu {

void CpuBackend::binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  visit_binary(op, a.dtype(), [&](auto op_tag, auto type_tag) {
    constexpr BinaryOp kOp = decltype(op_tag)::value;
    using T = typename decltype(type_tag)::type;
    using Out = decltype(binary_value<kOp, T>(T{}, T{}));
    map_elementwise<Out, T, T>([](T x, T y) { return binary_value<kOp, T>(x, y); }, out, {a, b});
  });
}

void CpuBackend::where(const Tensor& out, const Tensor& condition, const Tensor& a,
                       const Tensor& b) {
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    map_elementwise<T, bool, T, T>([](bool c, T x, T y) { return c ? x : y; }, out,
                                   {condition, a, b});
  });
}

}  // namespace kiln::cpu
