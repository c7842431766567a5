#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "tensor/elementwise_formulas.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::expect_values;

// Inputs covering signs, zero, large magnitudes and tails.
std::vector<double> sample_points() {
  std::vector<double> points;
  for (double x = -30; x <= 30; x += 0.37) points.push_back(x);
  for (double x : {0.0, -0.0, 1e-7, -1e-7, 1e-3, -1e-3, 0.49, 0.5, -0.5, 0.51, 0.6, -0.6, 0.65, 1.3,
                   88.0, -88.0, -103.0}) {
    points.push_back(x);
  }
  return points;
}

struct UnaryCase {
  const char* name;
  Tensor (*op)(const Tensor&);
  std::function<double(double)> reference;
  double min_input;  // domain restriction
  double float_rtol;
};

double gelu_reference(double x) {
  return 0.5 * x * std::erfc(-x / std::sqrt(2.0));
}
// 0.5 x (1 + tanh(u)) in the form x / (1 + exp(-2u)), which does not cancel for x << 0.
double gelu_tanh_reference(double x) {
  return x / (1 + std::exp(-2 * std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

class UnaryOps : public ::testing::TestWithParam<UnaryCase> {};

// float64 results match libm to rounding; float32 ones (fast vectorised paths for exp, tanh,
// sigmoid, gelu, silu) match the float64 reference within a few ulp-scale relative error.
// The gelu forms are looser in the far negative tail: their exp arguments (-x^2/2, x^3
// terms) are themselves rounded to float32, about 4e-6 absolute at x = -10.
TEST_P(UnaryOps, MatchReference) {
  const UnaryCase& c = GetParam();
  std::vector<double> inputs, expected;
  for (double x : sample_points()) {
    if (x < c.min_input) continue;
    inputs.push_back(x);
    expected.push_back(c.reference(x));
  }
  const Tensor x64 = from_vector(inputs);
  expect_values(c.op(x64), expected, 1e-12, 1e-300);
  const Tensor x32 = x64.to(kFloat32);
  std::vector<double> expected32;
  for (double x : x32.to_vector<double>()) expected32.push_back(c.reference(x));
  expect_values(c.op(x32), expected32, c.float_rtol, 1e-37);
}

double sigmoid_reference(double x) {
  return 1 / (1 + std::exp(-x));
}

INSTANTIATE_TEST_SUITE_P(
    All, UnaryOps,
    ::testing::Values(
        UnaryCase{"neg", neg, [](double x) { return -x; }, -1e9, 0},
        UnaryCase{"abs", abs, [](double x) { return std::abs(x); }, -1e9, 0},
        UnaryCase{"square", square, [](double x) { return x * x; }, -1e9, 1e-7},
        UnaryCase{"sign", sign, [](double x) { return double((x > 0) - (x < 0)); }, -1e9, 0},
        UnaryCase{"relu", relu, [](double x) { return x > 0 ? x : 0; }, -1e9, 0},
        UnaryCase{"exp", exp, [](double x) { return std::exp(x); }, -1e9, 3e-7},
        UnaryCase{"erf", erf, [](double x) { return std::erf(x); }, -1e9, 3e-7},
        UnaryCase{"log", log, [](double x) { return std::log(x); }, 1e-9, 3e-7},
        UnaryCase{"log1p", log1p, [](double x) { return std::log1p(x); }, -0.99, 3e-7},
        UnaryCase{"expm1", expm1, [](double x) { return std::expm1(x); }, -1e9, 3e-7},
        UnaryCase{"sqrt", sqrt, [](double x) { return std::sqrt(x); }, 0, 3e-7},
        UnaryCase{"rsqrt", rsqrt, [](double x) { return 1 / std::sqrt(x); }, 1e-9, 3e-7},
        UnaryCase{"sin", sin, [](double x) { return std::sin(x); }, -1e9, 3e-6},
        UnaryCase{"cos", cos, [](double x) { return std::cos(x); }, -1e9, 3e-6},
        UnaryCase{"tanh", tanh, [](double x) { return std::tanh(x); }, -1e9, 3e-7},
        UnaryCase{"sigmoid", sigmoid, sigmoid_reference, -1e9, 3e-7},
        UnaryCase{"gelu_erf", gelu_erf, gelu_reference, -1e9, 1e-5},
        UnaryCase{"gelu_tanh", gelu_tanh, gelu_tanh_reference, -1e9, 1e-5},
        UnaryCase{"silu", silu, [](double x) { return x * sigmoid_reference(x); }, -1e9, 3e-7},
        UnaryCase{"softplus", softplus,
                  [](double x) { return x > 20 ? x : std::log1p(std::exp(x)); }, -1e9, 3e-7},
        UnaryCase{"selu", selu,
                  [](double x) { return kSeluScale * (x > 0 ? x : kSeluAlpha * std::expm1(x)); },
                  -1e9, 3e-7},
        UnaryCase{"hardsigmoid", hardsigmoid,
                  [](double x) { return std::clamp(x + 3, 0.0, 6.0) / 6; }, -1e9, 3e-7},
        UnaryCase{"hardswish", hardswish,
                  [](double x) { return x * std::clamp(x + 3, 0.0, 6.0) / 6; }, -1e9, 3e-7},
        UnaryCase{"mish", mish, [](double x) { return x * std::tanh(std::log1p(std::exp(x))); },
                  -1e9, 3e-7},
        UnaryCase{"logsigmoid", logsigmoid,
                  [](double x) { return std::min(x, 0.0) - std::log1p(std::exp(-std::abs(x))); },
                  -1e9, 3e-7},
        UnaryCase{"softsign", softsign, [](double x) { return x / (1 + std::abs(x)); }, -1e9,
                  3e-7}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Unary, SpecialValues) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = from_vector(std::vector<float>{kInf, -kInf, kNan, 100.0f, -110.0f});
  expect_values(exp(x), {testing::kInf, 0, testing::kNan, testing::kInf, 0});
  expect_values(tanh(x), {1, -1, testing::kNan, 1, -1});
  expect_values(sigmoid(x), {1, 0, testing::kNan, 1, 0});
  expect_values(relu(x), {testing::kInf, 0, testing::kNan, 100, 0});
  expect_values(gelu(x.narrow(0, 2, 3)), {testing::kNan, 100, -0.0});
  EXPECT_EQ(exp(from_vector(std::vector<float>{-100.0f})).item<float>(), std::exp(-100.0f));
}

TEST(Unary, PowAndClamp) {
  const Tensor x = tensor({-2.0, 0.5, 3.0}, TensorOptions{.dtype = kFloat64});
  expect_values(x.pow(2), {4, 0.25, 9});
  expect_values(x.pow(3), {-8, 0.125, 27});
  expect_values(x.abs().pow(0.5), {std::sqrt(2), std::sqrt(0.5), std::sqrt(3)}, 1e-12);
  expect_values(arange(4).pow(3), {0, 1, 8, 27});
  expect_values(x.clamp(-1, 1), {-1, 0.5, 1});
  // As PyTorch: crossed bounds give the upper one, a NaN bound gives NaN.
  expect_values(tensor({0.0, 5.0}).clamp(3, 1), {1, 1});
  expect_values(tensor({0.0}).clamp(testing::kNan, 1), {testing::kNan});
  expect_values(arange(5).clamp(0.5, 2.5), {1, 1, 2, 2, 2});
  expect_values(arange(2).clamp(-1e30, 1e30), {0, 1});
  expect_values(x.clamp(std::nullopt, 0), {-2, 0, 0});
  expect_values(arange(5).clamp(1, std::nullopt), {1, 1, 2, 3, 4});
  expect_values(tensor({true, false}).logical_not(), {0, 1});
  expect_values(arange(3).logical_not(), {1, 0, 0});
}

TEST(Binary, Broadcasting) {
  const Tensor column = tensor({{1.0}, {2.0}});
  const Tensor row = tensor({10.0, 20.0, 30.0});
  expect_values(column + row, {11, 21, 31, 12, 22, 32});
  expect_values(row - column, {9, 19, 29, 8, 18, 28});
  expect_values(column * row, {10, 20, 30, 20, 40, 60});
  expect_values(row / column, {10, 20, 30, 5, 10, 15});
  expect_values(pow(column, row.narrow(0, 0, 2).view({1, 2}) / 10), {1, 1, 2, 4});
  expect_values(maximum(column, tensor({1.5})), {1.5, 2});
  expect_values(minimum(column, tensor({1.5})), {1, 1.5});
  expect_values(2.0 - row, {-8, -18, -28});
  expect_values(60.0 / row, {6, 3, 2});
  expect_values(row * 0.5 + 1, {6, 11, 16});
}

TEST(Binary, StridedOperands) {
  const Tensor base = arange(0, 12, 1, {.dtype = kFloat32}).view({3, 4});
  const Tensor transposed = base.t();  // [4, 3], non-contiguous
  const Tensor sum = transposed + transposed.contiguous();
  expect_values(sum.select(0, 1), {2, 10, 18});
  const Tensor stepped = base.slice(1, 0, 4, 2);
  expect_values(stepped * stepped, {0, 4, 16, 36, 64, 100});
  Tensor out_view = zeros({4, 3}).t();  // in-place into a non-contiguous destination
  out_view.copy_(base * 2);
  expect_values(out_view, {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22});
}

TEST(Binary, NaNPropagationAndIntegers) {
  const Tensor a = tensor({1.0, testing::kNan, 3.0});
  const Tensor b = tensor({testing::kNan, 2.0, 1.0});
  expect_values(maximum(a, b), {testing::kNan, testing::kNan, 3});
  expect_values(minimum(a, b), {testing::kNan, testing::kNan, 1});
  expect_values(pow(arange(4), tensor({2, 2, 2, 2})), {0, 1, 4, 9});
  EXPECT_THROW(pow(tensor({2, -1, 1}), tensor({-1, -3, -2})), Error);
  // int64 arithmetic wraps around like PyTorch's instead of being undefined behaviour.
  const int64_t big = std::numeric_limits<int64_t>::max();
  expect_values(add(from_vector(std::vector<int64_t>{big}), tensor({1})).to(kFloat64),
                {-9223372036854775808.0});
  EXPECT_EQ(from_vector(std::vector<int64_t>{int64_t{1} << 32}).pow(1).item<int64_t>(),
            int64_t{1} << 32);
  EXPECT_EQ(arange(3).pow(INFINITY).dtype(), kFloat32);
  const Tensor extremes = from_vector(std::vector<int64_t>{big, 1});
  EXPECT_EQ(extremes.sum().item<int64_t>(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(extremes.cumsum(0).to_vector<int64_t>()[1], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(
      neg(from_vector(std::vector<int64_t>{std::numeric_limits<int64_t>::min()})).item<int64_t>(),
      std::numeric_limits<int64_t>::min());
  expect_values(div(tensor({7}), tensor({2})), {3.5});
}

TEST(Binary, ComparisonsAndLogic) {
  const Tensor a = tensor({1.0, 2.0, 3.0});
  const Tensor b = tensor({3.0, 2.0, 1.0});
  EXPECT_EQ(eq(a, b).dtype(), kBool);
  expect_values(eq(a, b), {0, 1, 0});
  expect_values(ne(a, b), {1, 0, 1});
  expect_values(lt(a, b), {1, 0, 0});
  expect_values(le(a, b), {1, 1, 0});
  expect_values(gt(a, b), {0, 0, 1});
  expect_values(ge(a, 2), {0, 1, 1});
  expect_values(logical_and(gt(a, 1), lt(a, 3)), {0, 1, 0});
  expect_values(logical_or(tensor({0.0, 0.0, 2.0}), tensor({0, 1, 0})), {0, 1, 1});
}

TEST(Binary, WhereMaskedFillLerp) {
  const Tensor condition = tensor({true, false, true});
  expect_values(where(condition, tensor({1.0, 2.0, 3.0}), tensor({-1.0})), {1, -1, 3});
  expect_values(where(condition.view({3, 1}), tensor({1.0, 2.0}), zeros({1})), {1, 2, 0, 0, 1, 2});
  const Tensor x = arange(0, 6, 1, {.dtype = kFloat32}).view({2, 3});
  expect_values(x.masked_fill(condition, -5), {-5, 1, -5, -5, 4, -5});
  expect_values(lerp(tensor({0.0, 10.0}), tensor({10.0, 20.0}), 0.25), {2.5, 12.5});
  expect_values(lerp(tensor({0.0, 10.0}), tensor({10.0, 20.0}), tensor({0.5, 1.0})), {5, 20});
  // Exact at both ends, even where start + w * (end - start) would round away.
  expect_values(lerp(tensor({1e8}), tensor({1.0}), 1.0), {1}, 0, 0);
  expect_values(lerp(tensor({1e8}), tensor({1.0}), tensor({1.0})), {1}, 0, 0);
}

TEST(Binary, InPlace) {
  Tensor x = ones({2, 3});
  const auto* before = x.data_ptr();
  x.add_(tensor({1.0, 2.0, 3.0}));
  x.mul_(tensor({{2.0}, {3.0}}));
  EXPECT_EQ(x.data_ptr(), before);
  expect_values(x, {4, 6, 8, 6, 9, 12});
  x.zero_();
  expect_values(x, {0, 0, 0, 0, 0, 0});
  x.fill_(2.5);
  expect_values(x, {2.5, 2.5, 2.5, 2.5, 2.5, 2.5});
  Tensor view = x.select(1, 0);
  view.add_(tensor({1.0, 1.0}));
  expect_values(x, {3.5, 2.5, 2.5, 3.5, 2.5, 2.5});
}

TEST(Binary, LargeParallelMatchesSmall) {
  manual_seed(5);
  const Tensor a = randn({300, 1000});
  const Tensor b = randn({1000});
  const Tensor sum = a + b;
  const auto av = a.to_vector<float>(), bv = b.to_vector<float>(), sv = sum.to_vector<float>();
  for (size_t i = 0; i < sv.size(); i += 997) EXPECT_EQ(sv[i], av[i] + bv[i % 1000]);
}

}  // namespace
}  // namespace kiln
