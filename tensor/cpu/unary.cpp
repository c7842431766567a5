// Elementwise unary kernels: the formulas of tensor/elementwise_formulas.h, run by
// map_elementwise.
#include <cmath>
#include <limits>

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
  using DeviceMath::tanh;
  static float exp(float x) { return exp_f32(x); }
  static float erf(float x) { return erf_f32(x); }
  static float tanh(float x) { return tanh_f32(x); }
  static float gelu_erf(float x) { return gelu_erf_f32(x); }
};

template <UnaryOp op, typename T>
void run_unary(const Tensor& out, const Tensor& in, const UnaryParams& params) {
  map_elementwise<T, T>([params](T x) { return unary_value<op, CpuMath, T>(x, params); }, out,
                        {in});
}

// Kernels by result-type rule: SameType ops see int64, float and double; Floating ops only
// float and double; the Bool rule (logical_not) any dtype.
template <UnaryOp op>
void dispatch_SameType(const Tensor& out, const Tensor& in, const UnaryParams& params) {
  visit_numeric(in.dtype(),
                [&](auto tag) { run_unary<op, typename decltype(tag)::type>(out, in, params); });
}

template <UnaryOp op>
void dispatch_Floating(const Tensor& out, const Tensor& in, const UnaryParams& params) {
  visit_floating(in.dtype(),
                 [&](auto tag) { run_unary<op, typename decltype(tag)::type>(out, in, params); });
}

template <UnaryOp op>
void dispatch_Bool(const Tensor& out, const Tensor& in, const UnaryParams&) {
  static_assert(op == UnaryOp::LogicalNot);
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    map_elementwise<bool, T>([](T x) { return x == T(0); }, out, {in});
  });
}

}  // namespace

void CpuBackend::unary(UnaryOp op, const Tensor& out, const Tensor& in, UnaryParams params) {
  switch (op) {
#define KILN_UNARY_CASE(name, Enum, Kind) \
  case UnaryOp::Enum:                     \
    return dispatch_##Kind<UnaryOp::Enum>(out, in, params);
    KILN_UNARY_OPS(KILN_UNARY_CASE)
    KILN_PARAMETRIC_UNARY_OPS(KILN_UNARY_CASE)
#undef KILN_UNARY_CASE
  }
}

}  // namespace kiln::cpu
