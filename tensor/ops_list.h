#pragma once

// The op tables. Each list is expanded into the kernel enums, the public functions and
// Tensor methods, and per-backend kernel tables, so adding an op to a list is all the
// plumbing it needs; a backend that forgets it fails to compile (see cpu/unary.cpp).

// X(function name, enum name, result type rule)
//   SameType: result has the input's dtype (bool input is rejected).
//   Floating: integral and bool inputs compute in float32.
#define KILN_UNARY_OPS(X)                 \
  X(neg, Neg, SameType)                   \
  X(abs, Abs, SameType)                   \
  X(square, Square, SameType)             \
  X(sign, Sign, SameType)                 \
  X(relu, Relu, SameType)                 \
  X(exp, Exp, Floating)                   \
  X(log, Log, Floating)                   \
  X(log1p, Log1p, Floating)               \
  X(expm1, Expm1, Floating)               \
  X(sqrt, Sqrt, Floating)                 \
  X(rsqrt, Rsqrt, Floating)               \
  X(sin, Sin, Floating)                   \
  X(cos, Cos, Floating)                   \
  X(erf, Erf, Floating)                   \
  X(tanh, Tanh, Floating)                 \
  X(sigmoid, Sigmoid, Floating)           \
  X(gelu_erf, GeluErf, Floating)          \
  X(gelu_erf_grad, GeluErfGrad, Floating) \
  X(gelu_tanh, GeluTanh, Floating)        \
  X(silu, Silu, Floating)                 \
  X(softplus, Softplus, Floating)         \
  X(selu, Selu, Floating)                 \
  X(hardsigmoid, Hardsigmoid, Floating)   \
  X(hardswish, Hardswish, Floating)       \
  X(mish, Mish, Floating)                 \
  X(logsigmoid, Logsigmoid, Floating)     \
  X(softsign, Softsign, Floating)

// Unary ops with parameters; their public functions are written by hand.
#define KILN_PARAMETRIC_UNARY_OPS(X) \
  X(pow, PowScalar, SameType)        \
  X(clamp, Clamp, SameType)          \
  X(logical_not, LogicalNot, Bool)

// X(function name, enum name, result type rule)
//   Arithmetic: computes and returns the promoted type (bool rejected except for max/min).
//   Floating: computes in the promoted type, float32 for integral inputs.
//   Compare: computes in the promoted type, returns bool.
//   Logical: truthiness of each operand, returns bool.
#define KILN_BINARY_OPS(X) KILN_ARITHMETIC_BINARY_OPS(X) KILN_COMPARISON_BINARY_OPS(X)

// The binary ops with a numeric result (those autograd differentiates).
#define KILN_ARITHMETIC_BINARY_OPS(X) \
  X(add, Add, Arithmetic)             \
  X(sub, Sub, Arithmetic)             \
  X(mul, Mul, Arithmetic)             \
  X(div, Div, Floating)               \
  X(pow, Pow, Arithmetic)             \
  X(maximum, Maximum, Arithmetic)     \
  X(minimum, Minimum, Arithmetic)     \
  X(atan2, Atan2, Floating)           \
  X(hypot, Hypot, Floating)

// The binary ops with a bool result.
#define KILN_COMPARISON_BINARY_OPS(X) \
  X(eq, Eq, Compare)                  \
  X(ne, Ne, Compare)                  \
  X(lt, Lt, Compare)                  \
  X(le, Le, Compare)                  \
  X(gt, Gt, Compare)                  \
  X(ge, Ge, Compare)                  \
  X(logical_and, LogicalAnd, Logical) \
  X(logical_or, LogicalOr, Logical)

#define KILN_ENUM_ENTRY(name, Enum, ...) Enum,
#define KILN_COUNT_ENTRY(...) +1
