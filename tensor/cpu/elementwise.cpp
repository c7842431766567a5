// Elementwise kernels (unary, binary, where): the formulas of tensor/elementwise_formulas.h,
// run by map_elementwise.
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/loops.h"
#include "tensor/cpu/vec_math.h"

namespace kiln::cpu {

namespace {

// The library's functions but for the vectorisable float32 versions of the hot ones.
struct CpuMath : DeviceMath {
  using DeviceMath::erf;
  using DeviceMath::exp;
  using DeviceMath::gelu_erf;
  using DeviceMath::gelu_erf_grad;
  using DeviceMath::tanh;
  static float exp(float x) { return exp_f32(x); }
  static float erf(float x) { return erf_f32(x); }
  static float tanh(float x) { return tanh_f32(x); }
  static float gelu_erf(float x) { return gelu_erf_f32(x); }
  static float gelu_erf_grad(float x) { return gelu_erf_grad_f32(x); }
};

}  // namespace

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
    map_elementwise<T, bool, T, T>([](bool c, T x, T y) { return c ? x : y; }, out,
                                   {condition, a, b});
  });
}

}  // namespace kiln::cpu
