// Front ends of the elementwise ops: result dtypes, broadcasting, validation.
#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

using detail::backend_of;

namespace {

enum class UnaryKind { SameType, Floating, Bool };
enum class BinaryKind { Arithmetic, Floating, Compare, Logical };

#define KILN_KIND_ENTRY(name, Enum, Kind) UnaryKind::Kind,
constexpr UnaryKind kUnaryKinds[] = {KILN_UNARY_OPS(KILN_KIND_ENTRY)
                                         KILN_PARAMETRIC_UNARY_OPS(KILN_KIND_ENTRY)};
#undef KILN_KIND_ENTRY
#define KILN_KIND_ENTRY(name, Enum, Kind) BinaryKind::Kind,
constexpr BinaryKind kBinaryKinds[] = {KILN_BINARY_OPS(KILN_KIND_ENTRY)};
#undef KILN_KIND_ENTRY
static_assert(std::size(kUnaryKinds) == kUnaryOpCount);
static_assert(std::size(kBinaryKinds) == kBinaryOpCount);

Tensor unary_op(UnaryOp op, const Tensor& x, UnaryParams params = {}) {
  const UnaryKind kind = kUnaryKinds[static_cast<int>(op)];
  DType compute = x.dtype();
  if (kind == UnaryKind::SameType) {
    KILN_CHECK(x.dtype() != kBool, op_name(op), ": not defined for bool tensors");
  } else if (kind == UnaryKind::Floating) {
    compute = floating_result_type(x.dtype());
  }
  Tensor out =
      make_tensor(x.shape(), kind == UnaryKind::Bool ? kBool : compute, x.device(), op_name(op));
  backend_of(x).unary(op, out, to(x, compute), params);
  return out;
}

struct BinaryPlan {
  DType compute;
  DType result;
  Shape shape;
};

BinaryPlan plan_binary(BinaryOp op, const Tensor& a, bool a_wrapped, const Tensor& b,
                       bool b_wrapped) {
  const char* name = op_name(op);
  detail::check_same_device(name, a, b);
  const BinaryKind kind = kBinaryKinds[static_cast<int>(op)];
  DType compute = detail::result_type(a, a_wrapped, b, b_wrapped);
  DType result = compute;
  switch (kind) {
    case BinaryKind::Arithmetic:
      KILN_CHECK(compute != kBool, name, ": not defined for bool tensors (use logical_and/or)");
      break;
    case BinaryKind::Floating:
      result = compute = floating_result_type(compute);
      break;
    case BinaryKind::Compare:
      result = kBool;
      break;
    case BinaryKind::Logical:
      result = compute = kBool;
      break;
  }
  return {compute, result, broadcast_shapes(a.shape(), b.shape(), name)};
}

// Integers to negative integer powers have no integer result (PyTorch refuses them too).
void check_integer_exponents(BinaryOp op, const BinaryPlan& plan, const Tensor& exponent) {
  if (op != BinaryOp::Pow || plan.compute != kInt64) return;
  KILN_CHECK(!any(lt(exponent, 0)).item<bool>(),
             "pow: integers to negative integer powers are not allowed");
}

Tensor binary_op(BinaryOp op, const Tensor& a, bool a_wrapped, const Tensor& b, bool b_wrapped) {
  const BinaryPlan plan = plan_binary(op, a, a_wrapped, b, b_wrapped);
  check_integer_exponents(op, plan, b);
  Tensor out = make_tensor(plan.shape, plan.result, a.device(), op_name(op));
  backend_of(a).binary(op, out, detail::prepare_operand(a, plan.compute, plan.shape),
                       detail::prepare_operand(b, plan.compute, plan.shape));
  return out;
}

bool same_layout(const Tensor& x, const Tensor& y) {
  return x.storage_offset() == y.storage_offset() && x.shape() == y.shape() &&
         x.strides() == y.strides();
}

// Writes op(a, b) into `out`. An operand that overlaps `out` other than element for
// element is copied first, so that no element is read after it was overwritten.
Tensor binary_into(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  const char* name = op_name(op);
  const BinaryPlan plan = plan_binary(op, a, false, b, false);
  check_integer_exponents(op, plan, b);
  detail::check_same_device(name, out, a);
  KILN_CHECK(out.shape() == plan.shape, name, ": output of shape ", out.shape(),
             " does not match the result's shape ", plan.shape);
  KILN_CHECK(out.dtype() == plan.result, name, ": output dtype ", out.dtype(),
             " differs from the result dtype ", plan.result);
  detail::check_writable(name, out);
  const auto separate = [&out](const Tensor& x) {
    return x.shares_storage(out) && !same_layout(x, out) ? clone(x) : x;
  };
  backend_of(out).binary(op, out, detail::prepare_operand(separate(a), plan.compute, plan.shape),
                         detail::prepare_operand(separate(b), plan.compute, plan.shape));
  out.storage()->bump_version();
  return out;
}

}  // namespace

#define KILN_DEFINE_UNARY(name, Enum, ...) \
  Tensor name(const Tensor& x) {           \
    return unary_op(UnaryOp::Enum, x);     \
  }
KILN_UNARY_OPS(KILN_DEFINE_UNARY)
#undef KILN_DEFINE_UNARY

Tensor gelu(const Tensor& x, GeluApproximation approximation) {
  return approximation == GeluApproximation::Tanh ? gelu_tanh(x) : gelu_erf(x);
}

Tensor pow(const Tensor& x, double exponent) {
  // Integers stay integers only for non-negative integral exponents.
  // 2^62 bounds the exponents integer_power takes (and keeps inf out of the int path).
  const bool integral_result =
      exponent >= 0 && exponent < 4.6e18 && exponent == std::floor(exponent);
  const Tensor base = is_floating(x.dtype()) || integral_result ? x : to(x, kDefaultFloat);
  return unary_op(UnaryOp::PowScalar, base, {.a = exponent});
}

Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
  KILN_CHECK(min || max, "clamp: at least one of min and max must be given");
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  double low = min.value_or(-kInfinity), high = max.value_or(kInfinity);
  if (x.dtype() == kInt64) {
    // Integer bounds: the nearest integers inside [low, high], saturated to int64's range
    // (9223372036854774784 is the largest double below 2^63).
    KILN_CHECK(!std::isnan(low) && !std::isnan(high), "clamp: NaN bound for an int64 tensor");
    low = std::clamp(std::ceil(low), -9223372036854775808.0, 9223372036854774784.0);
    high = std::clamp(std::floor(high), -9223372036854775808.0, 9223372036854774784.0);
  }
  return unary_op(UnaryOp::Clamp, x, {.a = low, .b = high});
}

Tensor logical_not(const Tensor& x) {
  return unary_op(UnaryOp::LogicalNot, x);
}

#define KILN_DEFINE_BINARY(name, Enum, ...)                                               \
  Tensor name(const Tensor& a, const Tensor& b) {                                         \
    return binary_op(BinaryOp::Enum, a, false, b, false);                                 \
  }                                                                                       \
  Tensor name(const Tensor& a, Scalar b) {                                                \
    return binary_op(BinaryOp::Enum, a, false, detail::wrap_scalar(b, a.device()), true); \
  }                                                                                       \
  Tensor name##_out(const Tensor& out, const Tensor& a, const Tensor& b) {                \
    return binary_into(BinaryOp::Enum, out, a, b);                                        \
  }
KILN_BINARY_OPS(KILN_DEFINE_BINARY)
#undef KILN_DEFINE_BINARY

Tensor sub(Scalar a, const Tensor& b) {
  return binary_op(BinaryOp::Sub, detail::wrap_scalar(a, b.device()), true, b, false);
}

Tensor div(Scalar a, const Tensor& b) {
  return binary_op(BinaryOp::Div, detail::wrap_scalar(a, b.device()), true, b, false);
}

namespace {
Tensor where_op(const Tensor& condition, const Tensor& a, bool a_wrapped, const Tensor& b,
                bool b_wrapped) {
  detail::check_same_device("where", condition, a);
  detail::check_same_device("where", a, b);
  KILN_CHECK(condition.dtype() == kBool, "where: condition must be bool, got ", condition.dtype());
  const DType dtype = detail::result_type(a, a_wrapped, b, b_wrapped);
  const Shape shape =
      broadcast_shapes(condition.shape(), broadcast_shapes(a.shape(), b.shape(), "where"), "where");
  Tensor out = make_tensor(shape, dtype, a.device(), "where");
  backend_of(a).where(out, detail::prepare_operand(condition, kBool, shape),
                      detail::prepare_operand(a, dtype, shape),
                      detail::prepare_operand(b, dtype, shape));
  return out;
}
}  // namespace

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  return where_op(condition, a, false, b, false);
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value) {
  KILN_CHECK(broadcast_shapes(x.shape(), mask.shape(), "masked_fill") == x.shape(),
             "masked_fill: mask of shape ", mask.shape(), " does not broadcast to the shape ",
             x.shape(), " of the tensor");
  KILN_CHECK(mask.dtype() == kBool, "masked_fill: mask must be bool, got ", mask.dtype());
  detail::check_representable("masked_fill", value, x.dtype());
  const Tensor fill = to(detail::wrap_scalar(value, x.device()), x.dtype());
  return where_op(mask, fill, true, x, false);
}

// start + w (end - start) below w = 0.5 and end - (1 - w)(end - start) above, as PyTorch
// does, so that w = 0 gives start and w = 1 gives end exactly.
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight) {
  detail::check_floating("lerp", start);
  const Tensor difference = sub(end, start);
  return where(lt(abs(weight), 0.5), add(start, mul(weight, difference)),
               sub(end, mul(difference, sub(1.0, weight))));
}

Tensor lerp(const Tensor& start, const Tensor& end, Scalar weight) {
  detail::check_floating("lerp", start);
  const double w = weight.to<double>();
  const Tensor difference = sub(end, start);
  return std::abs(w) < 0.5 ? add(start, mul(difference, w)) : sub(end, mul(difference, 1.0 - w));
}

}  // namespace kiln::raw
