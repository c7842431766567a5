#pragma once

// The scalar formula of every elementwise op, shared by the CPU kernels and the CUDA
// kernels (which include this from .cu files), so that both devices compute one
// definition. Transcendental functions come from a Math policy: the CPU passes its
// vectorisable float32 versions (cpu/vec_math.h), CUDA the library's (DeviceMath).
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "tensor/backend.h"
#include "tensor/dtype.h"
#include "tensor/host_device.h"

namespace kiln {

// For `static_assert(kNoFormula<op>)` in the last branch of an if-constexpr chain over ops.
template <auto>
constexpr bool kNoFormula = false;

// SELU's fixed point constants (Klambauer et al. 2017), as PyTorch rounds them.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

template <typename T>
KILN_HOST_DEVICE bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>)
    return x != x;
  else
    return false;
}

// int64 arithmetic wraps around on overflow, as in PyTorch, instead of being undefined.
KILN_HOST_DEVICE inline int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
KILN_HOST_DEVICE inline int64_t wrapping_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
KILN_HOST_DEVICE inline int64_t wrapping_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// base^exponent for integers by squaring (wrapping); exponent >= 0.
KILN_HOST_DEVICE inline int64_t integer_power(int64_t base, int64_t exponent) {
  int64_t result = 1;
  while (exponent > 0) {
    if (exponent & 1) result = wrapping_mul(result, base);
    exponent >>= 1;
    if (exponent > 0) base = wrapping_mul(base, base);
  }
  return result;
}

// The library's functions, for float and double.
struct DeviceMath {
  template <typename T>
  KILN_HOST_DEVICE static T exp(T x) {
    return std::exp(x);
  }
  template <typename T>
  KILN_HOST_DEVICE static T erf(T x) {
    return std::erf(x);
  }
  template <typename T>
  KILN_HOST_DEVICE static T tanh(T x) {
    return std::tanh(x);
  }
  // x Phi(x) = x/2 erfc(-x / sqrt 2), which does not cancel for large negative x.
  template <typename T>
  KILN_HOST_DEVICE static T gelu_erf(T x) {
    return T(0.5) * x * std::erfc(-x * T(0.70710678118654752440));
  }
  // gelu'(x) = Phi(x) + x phi(x), Phi written with erfc as in gelu_erf.
  template <typename T>
  KILN_HOST_DEVICE static T gelu_erf_grad(T x) {
    return T(0.5) * std::erfc(-x * T(0.70710678118654752440)) +
           x * T(0.39894228040143267794) * std::exp(T(-0.5) * x * x);
  }
};

// The value of unary `op` at x. Ops of the Floating kind only see float and double.
template <UnaryOp op, typename Math, typename T>
KILN_HOST_DEVICE T unary_value(T x, const UnaryParams& params) {
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
    return Math::exp(x);
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
  else if constexpr (op == UnaryOp::Erf)
    return Math::erf(x);
  else if constexpr (op == UnaryOp::Tanh)
    return Math::tanh(x);
  else if constexpr (op == UnaryOp::Sigmoid)
    return T(1) / (T(1) + Math::exp(-x));
  else if constexpr (op == UnaryOp::GeluErf)
    return Math::gelu_erf(x);
  else if constexpr (op == UnaryOp::GeluErfGrad)
    return Math::gelu_erf_grad(x);
  else if constexpr (op == UnaryOp::GeluTanh) {
    // x/2 (1 + tanh(u)) with u = sqrt(2/pi) (x + 0.044715 x^3), written as x sigmoid(2u),
    // which does not cancel for large negative x.
    const T u = T(0.7978845608028654) * (x + T(0.044715) * x * x * x);
    return x / (T(1) + Math::exp(T(-2) * u));
  } else if constexpr (op == UnaryOp::Silu) {
    return x / (T(1) + Math::exp(-x));
  } else if constexpr (op == UnaryOp::Softplus) {
    // log(1 + e^x), returning x itself above 20 where e^x swamps the 1 (PyTorch's default).
    return x > T(20) ? x : std::log1p(std::exp(x));
  } else if constexpr (op == UnaryOp::Selu) {
    // scale (x if x > 0, else alpha (e^x - 1)), with the constants of Klambauer et al. 2017.
    return x > T(0) ? T(kSeluScale) * x : T(kSeluScale * kSeluAlpha) * std::expm1(x);
  } else if constexpr (op == UnaryOp::Hardsigmoid) {
    // relu6(x + 3) / 6 (Howard et al. 2019); NaN falls through both tests.
    return x <= T(-3) ? T(0) : (x >= T(3) ? T(1) : (x + T(3)) / T(6));
  } else if constexpr (op == UnaryOp::Hardswish) {
    return x <= T(-3) ? T(0) : (x >= T(3) ? x : x * (x + T(3)) / T(6));
  } else if constexpr (op == UnaryOp::Mish) {
    // x tanh(softplus(x)) (Misra 2019), softplus with PyTorch's threshold of 20.
    return x * Math::tanh(x > T(20) ? x : std::log1p(Math::exp(x)));
  } else if constexpr (op == UnaryOp::Logsigmoid) {
    // log(1 / (1 + e^-x)) = min(x, 0) - log(1 + e^-|x|), which never overflows.
    return (x < T(0) ? x : T(0)) - std::log1p(Math::exp(x < T(0) ? x : -x));
  } else if constexpr (op == UnaryOp::Softsign) {
    return x / (T(1) + (x < T(0) ? -x : x));
  } else if constexpr (op == UnaryOp::PowScalar) {
    if constexpr (std::is_integral_v<T>)
      return integer_power(x, static_cast<int64_t>(params.a));  // front end: 0 <= a < 2^62
    else
      return params.a == 2 ? x * x : std::pow(x, static_cast<T>(params.a));
  } else if constexpr (op == UnaryOp::Clamp) {
    // min(max(x, low), high), as PyTorch: high wins when the bounds cross, and NaN in x or
    // a bound gives NaN. Integer bounds arrive already rounded into range (kiln::clamp).
    if constexpr (std::is_floating_point_v<T>) {
      if (is_nan(params.a) || is_nan(params.b)) return static_cast<T>(NAN);
    }
    const T low = static_cast<T>(params.a), high = static_cast<T>(params.b);
    const T raised = x < low ? low : x;
    return raised > high ? high : raised;
  } else {
    static_assert(kNoFormula<op>, "unary op without a formula");
  }
}

// The value of binary `op` at (a, b); maximum and minimum propagate NaN.
template <BinaryOp op, typename T>
KILN_HOST_DEVICE auto binary_value(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t> && op == BinaryOp::Add)
    return wrapping_add(a, b);
  else if constexpr (std::is_same_v<T, int64_t> && op == BinaryOp::Sub)
    return wrapping_sub(a, b);
  else if constexpr (std::is_same_v<T, int64_t> && op == BinaryOp::Mul)
    return wrapping_mul(a, b);
  else if constexpr (op == BinaryOp::Add)
    return T(a + b);
  else if constexpr (op == BinaryOp::Sub)
    return T(a - b);
  else if constexpr (op == BinaryOp::Mul)
    return T(a * b);
  else if constexpr (op == BinaryOp::Div)
    return T(a / b);
  else if constexpr (op == BinaryOp::Pow) {
    if constexpr (std::is_integral_v<T>)
      return integer_power(a, b);  // the front end rejects negative integer exponents
    else
      return T(std::pow(a, b));
  } else if constexpr (op == BinaryOp::Maximum) {
    return is_nan(a) ? a : (is_nan(b) ? b : (a > b ? a : b));
  } else if constexpr (op == BinaryOp::Minimum) {
    return is_nan(a) ? a : (is_nan(b) ? b : (a < b ? a : b));
  } else if constexpr (op == BinaryOp::Atan2) {
    return std::atan2(a, b);
  } else if constexpr (op == BinaryOp::Hypot) {
    return std::hypot(a, b);
  } else if constexpr (op == BinaryOp::Eq)
    return a == b;
  else if constexpr (op == BinaryOp::Ne)
    return a != b;
  else if constexpr (op == BinaryOp::Lt)
    return a < b;
  else if constexpr (op == BinaryOp::Le)
    return a <= b;
  else if constexpr (op == BinaryOp::Gt)
    return a > b;
  else if constexpr (op == BinaryOp::Ge)
    return a >= b;
  else if constexpr (op == BinaryOp::LogicalAnd)
    return a && b;
  else if constexpr (op == BinaryOp::LogicalOr)
    return a || b;
  else
    static_assert(kNoFormula<op>, "binary op without a formula");
}

// The types each result-type rule of tensor/ops_list.h computes in: SameType and
// Arithmetic int64, float and double; Floating float and double; Bool and Compare any
// dtype; Logical the operands' truthiness.
namespace detail {
template <typename Fn>
void visit_rule_SameType(DType dtype, Fn&& fn) {
  visit_numeric(dtype, std::forward<Fn>(fn));
}
template <typename Fn>
void visit_rule_Arithmetic(DType dtype, Fn&& fn) {
  visit_numeric(dtype, std::forward<Fn>(fn));
}
template <typename Fn>
void visit_rule_Floating(DType dtype, Fn&& fn) {
  visit_floating(dtype, std::forward<Fn>(fn));
}
template <typename Fn>
void visit_rule_Bool(DType dtype, Fn&& fn) {
  visit_dtype(dtype, std::forward<Fn>(fn));
}
template <typename Fn>
void visit_rule_Compare(DType dtype, Fn&& fn) {
  visit_dtype(dtype, std::forward<Fn>(fn));
}
template <typename Fn>
void visit_rule_Logical(DType, Fn&& fn) {
  fn(TypeTag<bool>{});
}
}  // namespace detail

// Calls fn(std::integral_constant<UnaryOp, op>{}, TypeTag<T>{}) with T the type unary `op`
// computes in for an input of `dtype`: the one dispatch every backend's unary kernels use.
template <typename Fn>
void visit_unary(UnaryOp op, DType dtype, Fn&& fn) {
  switch (op) {
#define KILN_UNARY_CASE(name, Enum, Kind) \
  case UnaryOp::Enum:                     \
    return detail::visit_rule_##Kind(     \
        dtype, [&](auto tag) { fn(std::integral_constant<UnaryOp, UnaryOp::Enum>{}, tag); });
    KILN_UNARY_OPS(KILN_UNARY_CASE)
    KILN_PARAMETRIC_UNARY_OPS(KILN_UNARY_CASE)
#undef KILN_UNARY_CASE
  }
}

// As visit_unary, for binary `op` and operands of `dtype` (already converted to one type).
template <typename Fn>
void visit_binary(BinaryOp op, DType dtype, Fn&& fn) {
  switch (op) {
#define KILN_BINARY_CASE(name, Enum, Kind) \
  case BinaryOp::Enum:                     \
    return detail::visit_rule_##Kind(      \
        dtype, [&](auto tag) { fn(std::integral_constant<BinaryOp, BinaryOp::Enum>{}, tag); });
    KILN_BINARY_OPS(KILN_BINARY_CASE)
#undef KILN_BINARY_CASE
  }
}

}  // namespace kiln
