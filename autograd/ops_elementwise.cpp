// Elementwise ops and their derivatives. Formulas are in terms of the input x and/or the
// output y, whichever the op saves.
#include "autograd/op_definition.h"
#include "tensor/elementwise_formulas.h"

namespace kiln {

namespace {

enum class Uses { Input, Result, Both };

// y = f(x) with dy/dx = derivative(x, y): grad_x = grad * derivative. Only what the
// formula uses is saved; the other argument arrives undefined.
template <typename Derivative>
Tensor pointwise(Op name, const Tensor& x, Tensor y, Uses uses, Derivative derivative) {
  if (!any_requires_grad(x)) return y;
  const SavedTensor input(uses == Uses::Result ? Tensor() : x);
  return record(
      name, std::move(y), {x},
      [input, derivative](const BackwardContext& ctx) -> Grads {
        return {ctx.grad() * derivative(input.get(), ctx.result())};
      },
      uses == Uses::Input ? Save::Nothing : Save::Result);
}

constexpr double kSqrt2OverPi = 0.79788456080286535588;    // sqrt(2/pi)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;     // 1/sqrt(2 pi)
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;  // 2/sqrt(pi)
constexpr double kGeluTanhCubic = 0.044715;

}  // namespace

Tensor neg(const Tensor& x) {
  Tensor y = raw::neg(x);
  if (!any_requires_grad(x)) return y;
  return record(Op::neg, std::move(y), {x},
                [](const BackwardContext& ctx) -> Grads { return {-ctx.grad()}; });
}

Tensor abs(const Tensor& x) {
  return pointwise(Op::abs, x, raw::abs(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return sign(x); });
}

Tensor square(const Tensor& x) {
  return pointwise(Op::square, x, raw::square(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return 2 * x; });
}

Tensor sign(const Tensor& x) {
  Tensor y = raw::sign(x);
  if (!any_requires_grad(x)) return y;
  return record(Op::sign, std::move(y), {x},
                [](const BackwardContext& ctx) -> Grads { return {zeros_like(ctx.grad())}; });
}

Tensor relu(const Tensor& x) {
  Tensor y = raw::relu(x);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::relu, std::move(y), {x},
      [](const BackwardContext& ctx) -> Grads {
        return {keep_where(raw::gt(ctx.result(), 0), ctx.grad())};
      },
      Save::Result);
}

Tensor exp(const Tensor& x) {
  return pointwise(Op::exp, x, raw::exp(x), Uses::Result,
                   [](const Tensor&, const Tensor& y) { return y; });
}

Tensor log(const Tensor& x) {
  Tensor y = raw::log(x);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::log, std::move(y), {x},
      [x = SavedTensor(x)](const BackwardContext& ctx) -> Grads { return {ctx.grad() / x.get()}; });
}

Tensor log1p(const Tensor& x) {
  Tensor y = raw::log1p(x);
  if (!any_requires_grad(x)) return y;
  return record(Op::log1p, std::move(y), {x},
                [x = SavedTensor(x)](const BackwardContext& ctx) -> Grads {
                  return {ctx.grad() / (x.get() + 1)};
                });
}

Tensor expm1(const Tensor& x) {
  return pointwise(Op::expm1, x, raw::expm1(x), Uses::Result,
                   [](const Tensor&, const Tensor& y) { return y + 1; });
}

// d sqrt(x) = 1 / (2 sqrt(x))
Tensor sqrt(const Tensor& x) {
  Tensor y = raw::sqrt(x);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::sqrt, std::move(y), {x},
      [](const BackwardContext& ctx) -> Grads { return {ctx.grad() / (2 * ctx.result())}; },
      Save::Result);
}

// d x^(-1/2) = -x^(-3/2) / 2 = -y^3 / 2
Tensor rsqrt(const Tensor& x) {
  return pointwise(Op::rsqrt, x, raw::rsqrt(x), Uses::Result,
                   [](const Tensor&, const Tensor& y) { return -0.5 * y.pow(3); });
}

Tensor sin(const Tensor& x) {
  return pointwise(Op::sin, x, raw::sin(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return cos(x); });
}

Tensor cos(const Tensor& x) {
  return pointwise(Op::cos, x, raw::cos(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return -sin(x); });
}

// d erf(x) = 2/sqrt(pi) exp(-x^2)
Tensor erf(const Tensor& x) {
  return pointwise(Op::erf, x, raw::erf(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return kTwoOverSqrtPi * exp(-square(x)); });
}

Tensor tanh(const Tensor& x) {
  return pointwise(Op::tanh, x, raw::tanh(x), Uses::Result,
                   [](const Tensor&, const Tensor& y) { return 1 - square(y); });
}

Tensor sigmoid(const Tensor& x) {
  return pointwise(Op::sigmoid, x, raw::sigmoid(x), Uses::Result,
                   [](const Tensor&, const Tensor& y) { return y * (1 - y); });
}

// gelu(x) = x Phi(x): d = gelu_erf_grad(x) = Phi(x) + x phi(x), one fused kernel (the
// composed formula took six passes over the input, a tenth of PatchTST's training step).
Tensor gelu_erf(const Tensor& x) {
  return pointwise(Op::gelu_erf, x, raw::gelu_erf(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return gelu_erf_grad(x); });
}

// gelu'(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2/2)/sqrt(2 pi): d = phi(x) (2 - x^2).
Tensor gelu_erf_grad(const Tensor& x) {
  return pointwise(Op::gelu_erf_grad, x, raw::gelu_erf_grad(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) {
                     const Tensor x2 = square(x);
                     return kInvSqrt2Pi * exp(-0.5 * x2) * (2 - x2);
                   });
}

// gelu(x) = x/2 (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3) (Hendrycks & Gimpel 2016):
// d = (1 + tanh u)/2 + x/2 (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2).
Tensor gelu_tanh(const Tensor& x) {
  return pointwise(
      Op::gelu_tanh, x, raw::gelu_tanh(x), Uses::Input, [](const Tensor& x, const Tensor&) {
        const Tensor x2 = square(x);
        const Tensor th = tanh(kSqrt2OverPi * x * (1 + kGeluTanhCubic * x2));
        return 0.5 * (1 + th) +
               0.5 * x * (1 - square(th)) * kSqrt2OverPi * (1 + 3 * kGeluTanhCubic * x2);
      });
}

Tensor gelu(const Tensor& x, GeluApproximation approximation) {
  return approximation == GeluApproximation::Tanh ? gelu_tanh(x) : gelu_erf(x);
}

// silu(x) = x s(x), s = sigmoid: d = s(x) (1 + x (1 - s(x)))
Tensor silu(const Tensor& x) {
  return pointwise(Op::silu, x, raw::silu(x), Uses::Input, [](const Tensor& x, const Tensor&) {
    const Tensor s = sigmoid(x);
    return s * (1 + x * (1 - s));
  });
}

// softplus(x) = log(1 + e^x): d = sigmoid(x) (exactly 1 above the threshold of 20, where
// the forward returns x itself).
Tensor softplus(const Tensor& x) {
  return pointwise(Op::softplus, x, raw::softplus(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) {
                     return where(raw::gt(x, 20), ones_like(x), sigmoid(x));
                   });
}

// selu(x) = scale (x if x > 0, else alpha (e^x - 1)): d = scale (1, else alpha e^x).
Tensor selu(const Tensor& x) {
  return pointwise(Op::selu, x, raw::selu(x), Uses::Input, [](const Tensor& x, const Tensor&) {
    return where(raw::gt(x, 0), full_like(x, kSeluScale), kSeluScale * kSeluAlpha * exp(x));
  });
}

// hardsigmoid(x) = relu6(x + 3) / 6: d = 1/6 strictly inside (-3, 3), as PyTorch.
Tensor hardsigmoid(const Tensor& x) {
  return pointwise(Op::hardsigmoid, x, raw::hardsigmoid(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) {
                     return raw::logical_and(raw::gt(x, -3), raw::lt(x, 3)).to(x.dtype()) / 6;
                   });
}

// hardswish(x) = x relu6(x + 3) / 6: d = 0 up to -3, x/3 + 1/2 inside, 1 from 3 on (PyTorch's
// choice at the kinks).
Tensor hardswish(const Tensor& x) {
  return pointwise(Op::hardswish, x, raw::hardswish(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) {
                     return where(raw::le(x, -3), zeros_like(x),
                                  where(raw::lt(x, 3), x / 3 + 0.5, ones_like(x)));
                   });
}

// mish(x) = x tanh(sp(x)), sp = softplus: d = tanh(sp) + x sigmoid(x) (1 - tanh^2(sp)).
Tensor mish(const Tensor& x) {
  return pointwise(Op::mish, x, raw::mish(x), Uses::Input, [](const Tensor& x, const Tensor&) {
    const Tensor t = tanh(softplus(x));
    return t + x * sigmoid(x) * (1 - square(t));
  });
}

// logsigmoid(x) = -softplus(-x): d = sigmoid(-x).
Tensor logsigmoid(const Tensor& x) {
  return pointwise(Op::logsigmoid, x, raw::logsigmoid(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return sigmoid(-x); });
}

// softsign(x) = x / (1 + |x|): d = 1 / (1 + |x|)^2.
Tensor softsign(const Tensor& x) {
  return pointwise(Op::softsign, x, raw::softsign(x), Uses::Input,
                   [](const Tensor& x, const Tensor&) { return 1 / square(1 + abs(x)); });
}

// d x^p = p x^(p-1)
Tensor pow(const Tensor& x, double exponent) {
  return pointwise(Op::pow_scalar, x, raw::pow(x, exponent), Uses::Input,
                   [exponent](const Tensor& x, const Tensor&) {
                     return exponent == 0 ? zeros_like(x) : exponent * x.pow(exponent - 1);
                   });
}

// The gradient passes where min <= x <= max (as PyTorch's clamp).
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
  Tensor y = raw::clamp(x, min, max);
  if (!any_requires_grad(x)) return y;
  return record(Op::clamp, std::move(y), {x},
                [x = SavedTensor(x), min, max](const BackwardContext& ctx) -> Grads {
                  Tensor inside = ones_like(x.get()).to(kBool);
                  if (min) inside = logical_and(inside, raw::ge(x.get(), *min));
                  if (max) inside = logical_and(inside, raw::le(x.get(), *max));
                  return {keep_where(inside, ctx.grad())};
                });
}

Tensor logical_not(const Tensor& x) {
  return raw::logical_not(x);
}

// ---- binary ----

namespace {

// grad_a, grad_b of a binary op; the engine sums them back over broadcast dims.
template <typename Backward>
Tensor binary(Op name, const Tensor& a, const Tensor& b, Tensor y, Backward backward,
              Save save = Save::Nothing) {
  if (!any_requires_grad(a, b)) return y;
  return record(name, std::move(y), {a, b}, std::move(backward), save);
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  return binary(Op::add, a, b, raw::add(a, b), [](const BackwardContext& ctx) -> Grads {
    return {ctx.grad(), ctx.grad()};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  return binary(Op::sub, a, b, raw::sub(a, b), [](const BackwardContext& ctx) -> Grads {
    return {ctx.grad(), ctx.needs_grad(1) ? -ctx.grad() : Tensor()};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  return binary(Op::mul, a, b, raw::mul(a, b),
                [a = SavedTensor(a), b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
                  return {ctx.needs_grad(0) ? ctx.grad() * b.get() : Tensor(),
                          ctx.needs_grad(1) ? ctx.grad() * a.get() : Tensor()};
                });
}

// d(a/b) = da / b - a db / b^2
Tensor div(const Tensor& a, const Tensor& b) {
  return binary(Op::div, a, b, raw::div(a, b),
                [a = SavedTensor(a), b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
                  return {ctx.needs_grad(0) ? ctx.grad() / b.get() : Tensor(),
                          ctx.needs_grad(1) ? -ctx.grad() * a.get() / square(b.get()) : Tensor()};
                });
}

// d a^b = b a^(b-1) da + a^b log(a) db, the second term taken as 0 where a = 0 and b >= 0
// (as PyTorch: the limit along the positive axis).
Tensor pow(const Tensor& a, const Tensor& b) {
  return binary(
      Op::pow, a, b, raw::pow(a, b),
      [a = SavedTensor(a), b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
        const Tensor& base = a.get();
        const Tensor& exponent = b.get();
        Tensor grad_a, grad_b;
        if (ctx.needs_grad(0)) {
          grad_a =
              keep_where(raw::ne(exponent, 0), ctx.grad() * exponent * pow(base, exponent - 1));
        }
        if (ctx.needs_grad(1)) {
          const Tensor at_zero = logical_and(raw::eq(base, 0), raw::ge(exponent, 0));
          grad_b = keep_where(logical_not(at_zero), ctx.grad() * ctx.result() * log(base));
        }
        return {grad_a, grad_b};
      },
      Save::Result);
}

// atan2(a, b) is the angle of the point (b, a): d = (b da - a db) / (a^2 + b^2).
Tensor atan2(const Tensor& a, const Tensor& b) {
  return binary(Op::atan2, a, b, raw::atan2(a, b),
                [a = SavedTensor(a), b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
                  const Tensor scale = ctx.grad() / (square(a.get()) + square(b.get()));
                  return {ctx.needs_grad(0) ? scale * b.get() : Tensor(),
                          ctx.needs_grad(1) ? -scale * a.get() : Tensor()};
                });
}

// hypot(a, b) = sqrt(a^2 + b^2) = h: d = (a da + b db) / h, NaN at the origin as PyTorch.
Tensor hypot(const Tensor& a, const Tensor& b) {
  return binary(
      Op::hypot, a, b, raw::hypot(a, b),
      [a = SavedTensor(a), b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
        const Tensor scale = ctx.grad() / ctx.result();
        return {ctx.needs_grad(0) ? scale * a.get() : Tensor(),
                ctx.needs_grad(1) ? scale * b.get() : Tensor()};
      },
      Save::Result);
}

namespace {
// maximum/minimum: the gradient goes to the chosen operand, split evenly on ties.
Tensor extremum(Op name, const Tensor& a, const Tensor& b, Tensor y, bool maximum) {
  return binary(
      name, a, b, std::move(y),
      [a = SavedTensor(a), b = SavedTensor(b), maximum](const BackwardContext& ctx) -> Grads {
        const Tensor wins = maximum ? raw::gt(a.get(), b.get()) : raw::lt(a.get(), b.get());
        const Tensor ties = raw::eq(a.get(), b.get());
        const Tensor share = raw::add(raw::to(wins, ctx.grad().dtype()),
                                      raw::mul(raw::to(ties, ctx.grad().dtype()), 0.5));
        return {ctx.grad() * share, ctx.grad() * (1 - share)};
      });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
  return extremum(Op::maximum, a, b, raw::maximum(a, b), true);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return extremum(Op::minimum, a, b, raw::minimum(a, b), false);
}

// Comparisons and logical ops (their kind in tensor/ops_list.h) return bool and have no
// gradient: both overloads are the raw op.
#define KILN_BOOL_RESULT_OP(name)                 \
  Tensor name(const Tensor& a, const Tensor& b) { \
    return raw::name(a, b);                       \
  }                                               \
  Tensor name(const Tensor& a, Scalar b) {        \
    return raw::name(a, b);                       \
  }
#define KILN_BOOL_RESULT_Compare(name) KILN_BOOL_RESULT_OP(name)
#define KILN_BOOL_RESULT_Logical(name) KILN_BOOL_RESULT_OP(name)
#define KILN_BOOL_RESULT_Arithmetic(name)
#define KILN_BOOL_RESULT_Floating(name)
#define KILN_BOOL_RESULT(name, Enum, kind) KILN_BOOL_RESULT_##kind(name)
KILN_BINARY_OPS(KILN_BOOL_RESULT)
#undef KILN_BOOL_RESULT
#undef KILN_BOOL_RESULT_OP

// A number operand is a constant: these record one input.
namespace {
template <typename Backward>
Tensor with_number(Op name, const Tensor& x, Tensor y, Backward backward) {
  if (!any_requires_grad(x)) return y;
  return record(name, std::move(y), {x}, std::move(backward));
}
}  // namespace

Tensor add(const Tensor& a, Scalar b) {
  return with_number(Op::add_scalar, a, raw::add(a, b),
                     [](const BackwardContext& ctx) -> Grads { return {ctx.grad()}; });
}
Tensor sub(const Tensor& a, Scalar b) {
  return with_number(Op::sub_scalar, a, raw::sub(a, b),
                     [](const BackwardContext& ctx) -> Grads { return {ctx.grad()}; });
}
Tensor sub(Scalar a, const Tensor& b) {
  return with_number(Op::rsub_scalar, b, raw::sub(a, b),
                     [](const BackwardContext& ctx) -> Grads { return {-ctx.grad()}; });
}
Tensor mul(const Tensor& a, Scalar b) {
  return with_number(Op::mul_scalar, a, raw::mul(a, b),
                     [b](const BackwardContext& ctx) -> Grads { return {ctx.grad() * b}; });
}
Tensor div(const Tensor& a, Scalar b) {
  return with_number(Op::div_scalar, a, raw::div(a, b),
                     [b](const BackwardContext& ctx) -> Grads { return {ctx.grad() / b}; });
}
// d (a / b) / db = -a / b^2
Tensor div(Scalar a, const Tensor& b) {
  return with_number(Op::rdiv_scalar, b, raw::div(a, b),
                     [a, b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
                       return {-ctx.grad() * a / square(b.get())};
                     });
}
Tensor pow(const Tensor& a, Scalar b) {
  const double exponent = b.to<double>();
  return with_number(Op::pow_scalar, a, raw::pow(a, b),
                     [a = SavedTensor(a), exponent](const BackwardContext& ctx) -> Grads {
                       if (exponent == 0) return {zeros_like(ctx.grad())};
                       return {ctx.grad() * exponent * a.get().pow(exponent - 1)};
                     });
}

namespace {
Tensor extremum_with_number(Op name, const Tensor& a, Scalar b, Tensor y, bool maximum) {
  return with_number(
      name, a, std::move(y), [a = SavedTensor(a), b, maximum](const BackwardContext& ctx) -> Grads {
        const Tensor wins = maximum ? raw::gt(a.get(), b) : raw::lt(a.get(), b);
        const DType dtype = ctx.grad().dtype();
        const Tensor share =
            raw::add(raw::to(wins, dtype), raw::mul(raw::to(raw::eq(a.get(), b), dtype), 0.5));
        return {ctx.grad() * share};
      });
}
}  // namespace

Tensor maximum(const Tensor& a, Scalar b) {
  return extremum_with_number(Op::maximum_scalar, a, b, raw::maximum(a, b), true);
}
Tensor minimum(const Tensor& a, Scalar b) {
  return extremum_with_number(Op::minimum_scalar, a, b, raw::minimum(a, b), false);
}

// A number operand of atan2 and hypot is a constant 0-dim tensor of the result's dtype.
namespace {
Tensor floating_constant(Scalar value, const Tensor& like) {
  return scalar_tensor(value, {.dtype = is_floating(like.dtype()) ? like.dtype() : kFloat32,
                               .device = like.device()});
}
}  // namespace
Tensor atan2(const Tensor& a, Scalar b) {
  return atan2(a, floating_constant(b, a));
}
Tensor hypot(const Tensor& a, Scalar b) {
  return hypot(a, floating_constant(b, a));
}

// Writing into an existing tensor cannot be recorded: out is not a new graph node.
#define KILN_BINARY_OUT(name, ...)                                                             \
  Tensor name##_out(const Tensor& out, const Tensor& a, const Tensor& b) {                     \
    KILN_CHECK(!any_requires_grad(out, a, b),                                                  \
               #name "_out: writing into an existing tensor is not differentiable; use " #name \
                     " (or run under NoGradGuard)");                                           \
    return raw::name##_out(out, a, b);                                                         \
  }
KILN_BINARY_OPS(KILN_BINARY_OUT)
#undef KILN_BINARY_OUT

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  Tensor y = raw::where(condition, a, b);
  if (!any_requires_grad(a, b)) return y;
  return record(Op::where, std::move(y), {a, b},
                [condition = SavedTensor(condition)](const BackwardContext& ctx) -> Grads {
                  return {ctx.needs_grad(0) ? keep_where(condition.get(), ctx.grad()) : Tensor(),
                          ctx.needs_grad(1) ? keep_where(logical_not(condition.get()), ctx.grad())
                                            : Tensor()};
                });
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value) {
  Tensor y = raw::masked_fill(x, mask, value);
  if (!any_requires_grad(x)) return y;
  return record(Op::masked_fill, std::move(y), {x},
                [mask = SavedTensor(mask)](const BackwardContext& ctx) -> Grads {
                  return {masked_fill(ctx.grad(), mask.get(), 0)};
                });
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  KILN_CHECK(value.dim() == 0, "masked_fill: value must be a 0-dim tensor, got shape ",
             value.shape());
  KILN_CHECK(broadcast_shapes(x.shape(), mask.shape(), "masked_fill") == x.shape(),
             "masked_fill: mask of shape ", mask.shape(), " is larger than the input's shape ",
             x.shape());
  return where(mask, value.to(x.dtype()), x);
}

Tensor add(const Tensor& a, const Tensor& b, Scalar alpha) {
  return alpha.to<double>() == 1 ? add(a, b) : add(a, mul(b, alpha));
}
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha) {
  return alpha.to<double>() == 1 ? sub(a, b) : sub(a, mul(b, alpha));
}

// lerp = start + weight (end - start)
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight) {
  Tensor y = raw::lerp(start, end, weight);
  if (!any_requires_grad(start, end, weight)) return y;
  return record(Op::lerp, std::move(y), {start, end, weight},
                [start = SavedTensor(start), end = SavedTensor(end),
                 weight = SavedTensor(weight)](const BackwardContext& ctx) -> Grads {
                  const Tensor& g = ctx.grad();
                  return {ctx.needs_grad(0) ? g * (1 - weight.get()) : Tensor(),
                          ctx.needs_grad(1) ? g * weight.get() : Tensor(),
                          ctx.needs_grad(2) ? g * (end.get() - start.get()) : Tensor()};
                });
}

Tensor lerp(const Tensor& start, const Tensor& end, Scalar weight) {
  Tensor y = raw::lerp(start, end, weight);
  if (!any_requires_grad(start, end)) return y;
  const double w = weight.to<double>();
  return record(Op::lerp_scalar, std::move(y), {start, end},
                [w](const BackwardContext& ctx) -> Grads {
                  return {ctx.grad() * (1 - w), ctx.grad() * w};
                });
}

}  // namespace kiln
