// Elementwise unary kernels: one scalar formula per op, run by map_elementwise.
#include <cmath>
#include <limits>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/loops.h"
#include "tensor/cpu/vec_math.h"

namespace kiln::cpu {

namespace {

template <typename T>
constexpr bool kIsFloat32 = std::is_same_v<T, float>;

template <typename T>
T exp_of(T x) {
  if constexpr (kIsFloat32<T>)
    return exp_f32(x);
  else
    return std::exp(x);
}

// The value of `op` at x. Ops of the Floating kind only see float and double.
template <UnaryOp op, typename T>
T unary_value(T x, const UnaryParams& params) {
  if constexpr (std::is_same_v<T, int64_t> && op == UnaryOp::Neg)
    return wrapping_sub(0, x);
  else if constexpr (std::is_same_v<T, int64_t> && op == UnaryOp::Abs)
    return x < 0 ? wrapping_sub(0, x) : x;
  else if constexpr (std::is_same_v<T, int64_t> && op == UnaryOp::Square)
    return wrapping_mul(x, x);
  else if constexpr (op == UnaryOp::Neg)
    return -x;
  else if constexpr (op == UnaryOp::Abs)
    return x < 0 ? -x : x;
  else if constexpr (op == UnaryOp::Square)
    return x * x;
  else if constexpr (op == UnaryOp::Sign)
    return is_nan(x) ? x : T((x > 0) - (x < 0));
  else if constexpr (op == UnaryOp::Relu)
    return x < 0 ? T(0) : x;
  else if constexpr (op == UnaryOp::Exp)
    return exp_of(x);
  else if constexpr (op == UnaryOp::Log)
    return std::log(x);
  else if constexpr (op == UnaryOp::Log1p)
    return std::log1p(x);
  else if constexpr (op == UnaryOp::Expm1)
    return std::expm1(x);
  else if constexpr (op == UnaryOp::Sqrt)
    return std::sqrt(x);
  else if constexpr (op == UnaryOp::Rsqrt)
    return T(1) / std::sqrt(x);
  else if constexpr (op == UnaryOp::Sin)
    return std::sin(x);
  else if constexpr (op == UnaryOp::Cos)
    return std::cos(x);
  else if constexpr (op == UnaryOp::Erf) {
    if constexpr (kIsFloat32<T>)
      return erf_f32(x);
    else
      return std::erf(x);
  } else if constexpr (op == UnaryOp::Tanh) {
    if constexpr (kIsFloat32<T>)
      return tanh_f32(x);
    else
      return std::tanh(x);
  } else if constexpr (op == UnaryOp::Sigmoid) {
    return T(1) / (T(1) + exp_of(-x));
  } else if constexpr (op == UnaryOp::GeluErf) {
    if constexpr (kIsFloat32<T>)
      return gelu_erf_f32(x);
    else
      return T(0.5) * x * std::erfc(-x * T(0.70710678118654752440));
  } else if constexpr (op == UnaryOp::GeluTanh) {
    return gelu_tanh_form(x, [](T v) { return exp_of(v); });
  } else if constexpr (op == UnaryOp::Silu) {
    return x / (T(1) + exp_of(-x));
  } else if constexpr (op == UnaryOp::Softplus) {
    // log(1 + e^x), returning x itself above 20 where e^x swamps the 1 (PyTorch's default).
    return x > T(20) ? x : std::log1p(std::exp(x));
  } else if constexpr (op == UnaryOp::PowScalar) {
    if constexpr (std::is_integral_v<T>)
      return integer_power(x, static_cast<int64_t>(params.a));  // front end: 0 <= a < 2^62
    else
      return params.a == 2 ? x * x : std::pow(x, static_cast<T>(params.a));
  } else if constexpr (op == UnaryOp::Clamp) {
    // min(max(x, low), high), as PyTorch: high wins when the bounds cross, and NaN in x or
    // a bound gives NaN. Integer bounds arrive already rounded into range (kiln::clamp).
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(params.a) || std::isnan(params.b)) return std::numeric_limits<T>::quiet_NaN();
    }
    const T low = static_cast<T>(params.a), high = static_cast<T>(params.b);
    const T raised = x < low ? low : x;
    return raised > high ? high : raised;
  } else {
    static_assert(kNoFormula<op>, "unary op without a CPU formula");
  }
}

template <UnaryOp op, typename T>
void run_unary(const Tensor& out, const Tensor& in, const UnaryParams& params) {
  map_elementwise<T, T>([params](T x) { return unary_value<op, T>(x, params); }, out, {in});
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
