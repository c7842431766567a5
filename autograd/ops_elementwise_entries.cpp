// Registry entries of the elementwise ops (autograd/ops_elementwise.cpp).
#include <limits>

#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

OpEntry unary_entry_avoiding(OpId op, std::vector<double> kinks, OpCall call) {
  return {
      .op = op,
      .samples =
          [kinks, call](Generator& g) {
            return unary(
                g, [kinks](Generator& g, const Shape& shape) { return avoiding(g, shape, kinks); },
                call);
          },
      .benchmarks = [call](Generator& g,
                           BenchSize size) { return bench_unary(g, size, Domain::Real, call); }};
}

// Operands on interleaved grids, so that maximum/minimum never tie.
OpEntry extremum_entry(OpId op, OpCall call) {
  return {
      .op = op,
      .samples =
          [call](Generator& g) {
            std::vector<OpSample> out;
            for (const auto& [a, b] :
                 std::vector<std::pair<Shape, Shape>>{{{3, 4}, {3, 4}}, {{3, 1}, {4}}, {{}, {5}}}) {
              out.push_back({"grid", {leaf(on_grid(g, a, 0.25)), leaf(on_grid(g, b, 0))}, call});
            }
            return out;
          },
      .benchmarks =
          [call](Generator& g, BenchSize size) {
            return bench_binary(g, size, Domain::Real, Domain::Real, call);
          }};
}

// An op with a number operand: samples of one tensor.
OpEntry scalar_entry(OpId op, Domain domain, OpCall call) {
  return unary_entry(op, domain, std::move(call));
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(unary_entry(Op::neg, Domain::Real, [](const V& v) { return neg(v[0]); }));
  entries.push_back(unary_entry_avoiding(Op::abs, {0.0}, [](const V& v) { return abs(v[0]); }));
  entries.push_back(unary_entry(Op::square, Domain::Real, [](const V& v) { return square(v[0]); }));
  entries.push_back(
      unary_entry(Op::sign, Domain::AwayFromZero, [](const V& v) { return sign(v[0]); }));
  entries.push_back(unary_entry_avoiding(Op::relu, {0.0}, [](const V& v) { return relu(v[0]); }));
  entries.push_back(unary_entry(
      Op::exp, Domain::Real, [](const V& v) { return exp(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::log, Domain::Positive, [](const V& v) { return log(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::log1p, Domain::Positive, [](const V& v) { return log1p(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::expm1, Domain::Real, [](const V& v) { return expm1(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::sqrt, Domain::Positive, [](const V& v) { return sqrt(v[0]); }, 4));
  entries.push_back(unary_entry(
      Op::rsqrt, Domain::Positive, [](const V& v) { return rsqrt(v[0]); }, 4));
  entries.push_back(unary_entry(
      Op::sin, Domain::Real, [](const V& v) { return sin(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::cos, Domain::Real, [](const V& v) { return cos(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::erf, Domain::Real, [](const V& v) { return erf(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::tanh, Domain::Real, [](const V& v) { return tanh(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::sigmoid, Domain::Real, [](const V& v) { return sigmoid(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::gelu_erf, Domain::Real, [](const V& v) { return gelu_erf(v[0]); }, 12));
  entries.push_back(unary_entry(
      Op::gelu_erf_grad, Domain::Real, [](const V& v) { return gelu_erf_grad(v[0]); }, 14));
  entries.push_back(unary_entry(
      Op::gelu_tanh, Domain::Real, [](const V& v) { return gelu_tanh(v[0]); }, 12));
  entries.push_back(unary_entry(
      Op::silu, Domain::Real, [](const V& v) { return silu(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::softplus, Domain::Real, [](const V& v) { return softplus(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::selu, Domain::AwayFromZero, [](const V& v) { return selu(v[0]); }, 8));
  // Values that spread over the kinks at -3 and 3 without coming within 0.25 of them.
  const Draw across_hard_kinks = [](Generator& g, const Shape& shape) {
    return avoiding(g, shape, {-1.2, 1.2}) * 2.5;
  };
  entries.push_back(unary_entry(
      Op::hardsigmoid, across_hard_kinks, [](const V& v) { return hardsigmoid(v[0]); }, 4));
  entries.push_back(unary_entry(
      Op::hardswish, across_hard_kinks, [](const V& v) { return hardswish(v[0]); }, 5));
  entries.push_back(unary_entry(
      Op::mish, Domain::Real, [](const V& v) { return mish(v[0]); }, 12));
  entries.push_back(unary_entry(
      Op::logsigmoid, Domain::Real, [](const V& v) { return logsigmoid(v[0]); }, 8));
  entries.push_back(unary_entry(
      Op::softsign, Domain::AwayFromZero, [](const V& v) { return softsign(v[0]); }, 3));
  entries.push_back({.op = Op::pow_scalar, .samples = [](Generator& g) {
                       std::vector<OpSample> out;
                       for (double p : {2.0, 3.0, 0.5, -1.5}) {
                         out.push_back({"x^" + std::to_string(p),
                                        {leaf(draw(g, {3, 4}, Domain::Positive))},
                                        [p](const V& v) { return v[0].pow(p); }});
                       }
                       out.push_back({"x^Scalar(2)",
                                      {leaf(draw(g, {5}, Domain::Real))},
                                      [](const V& v) { return pow(v[0], Scalar(2)); }});
                       return out;
                     }});
  entries.push_back({.op = Op::clamp, .samples = [](Generator& g) {
                       return std::vector<OpSample>{
                           {"both bounds",
                            {leaf(avoiding(g, {3, 4}, {-0.5, 0.5}))},
                            [](const V& v) { return clamp(v[0], -0.5, 0.5); }},
                           {"min only",
                            {leaf(avoiding(g, {3, 4}, {-0.5}))},
                            [](const V& v) { return clamp(v[0], -0.5, std::nullopt); }},
                           {"max only",
                            {leaf(transposed(avoiding(g, {3, 4}, {0.5})))},
                            [](const V& v) { return clamp(v[0], std::nullopt, 0.5); }}};
                     }});

  entries.push_back(with_samples(
      binary_entry(Op::add, Domain::Real, Domain::Real, [](const V& v) { return v[0] + v[1]; }),
      [](Generator& g) {
        return std::vector<OpSample>{{"alpha 2.5, broadcast",
                                      {leaf(normal(g, {3, 4})), leaf(normal(g, {4}))},
                                      [](const V& v) { return add(v[0], v[1], 2.5); }}};
      }));
  entries.push_back(with_samples(
      binary_entry(Op::sub, Domain::Real, Domain::Real, [](const V& v) { return v[0] - v[1]; }),
      [](Generator& g) {
        return std::vector<OpSample>{{"alpha -0.5",
                                      {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4}))},
                                      [](const V& v) { return sub(v[0], v[1], -0.5); }}};
      }));
  entries.push_back(
      binary_entry(Op::mul, Domain::Real, Domain::Real, [](const V& v) { return v[0] * v[1]; }));
  // atan2 jumps across a = 0 where b < 0, so a keeps away from 0.
  entries.push_back(binary_entry(
      Op::atan2, Domain::AwayFromZero, Domain::Real, [](const V& v) { return atan2(v[0], v[1]); },
      20));
  entries.push_back(binary_entry(
      Op::hypot, Domain::AwayFromZero, Domain::Real, [](const V& v) { return hypot(v[0], v[1]); },
      10));
  entries.push_back(binary_entry(Op::div, Domain::Real, Domain::AwayFromZero,
                                 [](const V& v) { return v[0] / v[1]; }));
  entries.push_back(binary_entry(
      Op::pow, Domain::Positive, Domain::Real, [](const V& v) { return pow(v[0], v[1]); }, 16));
  entries.push_back(extremum_entry(Op::maximum, [](const V& v) { return maximum(v[0], v[1]); }));
  entries.push_back(extremum_entry(Op::minimum, [](const V& v) { return minimum(v[0], v[1]); }));
  entries.push_back(
      scalar_entry(Op::add_scalar, Domain::Real, [](const V& v) { return v[0] + 1.5; }));
  entries.push_back(
      scalar_entry(Op::sub_scalar, Domain::Real, [](const V& v) { return v[0] - 1.5; }));
  entries.push_back(
      scalar_entry(Op::rsub_scalar, Domain::Real, [](const V& v) { return 1.5 - v[0]; }));
  entries.push_back(
      scalar_entry(Op::mul_scalar, Domain::Real, [](const V& v) { return v[0] * 1.5; }));
  entries.push_back(
      scalar_entry(Op::div_scalar, Domain::Real, [](const V& v) { return v[0] / 1.5; }));
  entries.push_back(
      scalar_entry(Op::rdiv_scalar, Domain::AwayFromZero, [](const V& v) { return 1.5 / v[0]; }));
  entries.push_back(unary_entry_avoiding(Op::maximum_scalar, {0.25},
                                         [](const V& v) { return maximum(v[0], 0.25); }));
  entries.push_back(unary_entry_avoiding(Op::minimum_scalar, {0.25},
                                         [](const V& v) { return minimum(v[0], 0.25); }));

  entries.push_back({.op = Op::where, .samples = [](Generator& g) {
                       const OpCall call = [](const V& v) {
                         return where(gt(v[2], 0.0), v[0], v[1]);
                       };
                       return std::vector<OpSample>{
                           {"[3, 4]",
                            {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4})), normal(g, {3, 4})},
                            call},
                           {"broadcast",
                            {leaf(normal(g, {3, 1})), leaf(normal(g, {4})), normal(g, {3, 4})},
                            call}};
                     }});
  entries.push_back({.op = Op::masked_fill, .samples = [](Generator& g) {
                       const OpCall call = [](const V& v) {
                         return masked_fill(v[0], gt(v[1], 0.0), 2.0);
                       };
                       return std::vector<OpSample>{
                           {"[3, 4]", {leaf(normal(g, {3, 4})), normal(g, {3, 4})}, call},
                           {"broadcast mask", {leaf(normal(g, {3, 4})), normal(g, {4})}, call},
                           {"0-dim tensor value with a gradient",
                            {leaf(normal(g, {3, 4})), normal(g, {4}), leaf(normal(g, {}))},
                            [](const V& v) { return masked_fill(v[0], gt(v[1], 0.0), v[2]); }}};
                     }});
  entries.push_back(
      {.op = Op::lerp, .samples = [](Generator& g) {
         const OpCall call = [](const V& v) { return lerp(v[0], v[1], v[2]); };
         return std::vector<OpSample>{
             {"[3, 4]",
              {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4})), leaf(uniform(g, {3, 4}, 0, 1))},
              call},
             {"broadcast",
              {leaf(normal(g, {3, 1})), leaf(normal(g, {4})), leaf(uniform(g, {}, 0, 1))},
              call}};
       }});
  entries.push_back({.op = Op::lerp_scalar, .samples = [](Generator& g) {
                       const OpCall call = [](const V& v) { return lerp(v[0], v[1], 0.3); };
                       return std::vector<OpSample>{
                           {"[3, 4]", {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4}))}, call}};
                     }});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::add,
     {
         {"AddNotBroadcastable",
          [] {
            add(f32({2, 3}), f32({4, 3}));
          },
          {"add: shapes [2, 3] and [4, 3] are not broadcastable"}},
         {"OperatorPlusNotBroadcastable",
          [] { (void)(f32({5}) + f32({4})); },
          {"add:", "[5]", "[4]", "not broadcastable"}},
         {"AddTwoBools",
          [] { add(tensor({true}), tensor({false})); },
          {"add: not defined for bool tensors"}},
         {"WriteIntoOverlappingUnfold",
          [] {
            Tensor windows = f32({4}).unfold(0, 2, 1);
            add_out(windows, windows, windows);
          },
          {"add: the destination of shape [3, 2] and strides [1, 1]", "one memory location"}},
     }},
    {Op::mul,
     {
         {"MulNotBroadcastable",
          [] {
            mul(f32({2, 3}), f32({3, 2}));
          },
          {"mul:", "[2, 3]", "[3, 2]", "not broadcastable"}},
     }},
    {Op::where,
     {
         {"WhereConditionNotBroadcastable",
          [] { where(bools({3}), f32({2}), f32({2})); },
          {"where:", "[3]", "[2]", "not broadcastable"}},
         {"WhereBranchesNotBroadcastable",
          [] { where(bools({2}), f32({2}), f32({3})); },
          {"where:", "[2]", "[3]", "not broadcastable"}},
         {"WhereFloatCondition",
          [] { where(f32({2}), f32({2}), f32({2})); },
          {"where: condition must be bool, got float32"}},
         {"WhereInt64Condition",
          [] { where(i64({2}), f32({2}), f32({2})); },
          {"where: condition must be bool, got int64"}},
     }},
    {Op::masked_fill,
     {
         {"MaskedFillValueNotZeroDim",
          [] { masked_fill(f32({3}), bools({3}), f32({1})); },
          {"masked_fill: value must be a 0-dim tensor, got shape [1]"}},
         {"MaskedFillMaskLargerThanInput",
          [] {
            f32({3}).masked_fill(bools({2, 3}), 1.0);
          },
          {"masked_fill: mask of shape [2, 3]", "shape [3]"}},
         {"MaskedFillNotBroadcastable",
          [] {
            f32({2, 3}).masked_fill(bools({2}), 1.0);
          },
          {"masked_fill:", "[2, 3]", "[2]", "not broadcastable"}},
         {"MaskedFillFloatMask",
          [] { f32({3}).masked_fill(f32({3}), 1.0); },
          {"masked_fill: mask must be bool, got float32"}},
         {"MaskedFillValueOutOfInt64Range",
          [] { i64({2}).masked_fill(bools({2}), -1e19); },
          {"masked_fill: value -1e+19 does not fit in int64"}},
     }},
    {Op::neg,
     {
         {"NegOnBool",
          [] {
            neg(tensor({true, false}));
          },
          {"neg: not defined for bool tensors"}},
         {"UnaryMinusOnBool",
          [] { (void)(-tensor({true})); },
          {"neg: not defined for bool tensors"}},
     }},
    {Op::abs,
     {
         {"AbsOnBool", [] { abs(bools({2})); }, {"abs: not defined for bool tensors"}},
     }},
    {Op::sub,
     {
         {"SubBoolScalar", [] { sub(bools({2}), true); }, {"sub: not defined for bool tensors"}},
     }},
    {Op::clamp,
     {
         {"ClampOnBool",
          [] { clamp(bools({2}), 0.0, 1.0); },
          {"clamp: not defined for bool tensors"}},
         {"ClampWithNeitherBound",
          [] { clamp(f32({2}), std::nullopt, std::nullopt); },
          {"clamp: at least one of min and max must be given"}},
         {"ClampNanBoundOnIntegers",
          [] { clamp(i64({2}), std::numeric_limits<double>::quiet_NaN(), std::nullopt); },
          {"clamp: NaN bound for an int64 tensor"}},
     }},
    {Op::pow_scalar,
     {
         {"PowOnBool", [] { pow(bools({2}), 2.0); }, {"pow", "not defined for bool tensors"}},
     }},
    {Op::lerp_scalar,
     {
         {"LerpOfInt64",
          [] { lerp(i64({2}), i64({2}), 0.5); },
          {"lerp: expects a floating dtype, got int64"}},
     }},
    {Op::pow,
     {
         {"PowIntegerNegativeExponent",
          [] {
            pow(tensor({2, 3}), tensor({1, -1}));
          },
          {"pow: integers to negative integer powers are not allowed"}},
     }},
});

const BenchmarkRegistrar benchmarks({
    {Op::pow_scalar,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Positive, [](const V& v) { return v[0].pow(2.5); });
     }},
    {Op::clamp,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return clamp(v[0], -0.5, 0.5); });
     }},
    {Op::where,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, shape), gt(normal(g, shape), 0.0)},
                        [](const V& v) { return where(v[2], v[0], v[1]); })};
     }},
    {Op::masked_fill,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), gt(normal(g, shape), 0.0)},
                        [](const V& v) { return masked_fill(v[0], v[1], 2.0); })};
     }},
    {Op::lerp,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, shape), uniform(g, shape, 0, 1)},
                        [](const V& v) { return lerp(v[0], v[1], v[2]); })};
     }},
    {Op::lerp_scalar,
     [](Generator& g, BenchSize size) {
       return bench_binary(g, size, Domain::Real, Domain::Real,
                           [](const V& v) { return lerp(v[0], v[1], 0.3); });
     }},
});

}  // namespace

}  // namespace kiln::autograd
