// Elementwise kernels (unary, binary, where): the formulas of tensor/elementwise_formulas.h,
// run by map_elementwise.
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/cpu_math.h"
#include "tensor/cpu/loops.h"

namespace kiln::cpu {

void CpuBackend::unary(UnaryOp op, const Tensor& out, const Tensor& in, UnaryParams params) {
  visit_unary(op, in.dtype(), [&](auto op_tag, auto type_tag) {
    constexpr UnaryOp kOp = decltype(op_tag)::value;
    using T = typename decltype(type_tag)::type;
    if constexpr (kOp == UnaryOp::LogicalNot) {
      map_elementwise<bool, T>([](T x) { return x == T(0); }, out, {in});
    } else {
      map_elementwise<T, T>([params](T x) { return unary_value<kOp, CpuMath, T>(x, params); }, out,
                            {in});
    }
  });
}

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
    map_elementwise<T, bool, T, T>([](bool c, T x, T y) { return select_bits(c, x, y); }, out,
                                   {condition, a, b});
  });
}

}  // namespace kiln::cpu
