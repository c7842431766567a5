// Registry entries of the elementwise ops (autograd/ops_elementwise.cpp, ops_in_place.cpp).
#include "autograd/functions.h"
#include "autograd/registry/entries.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

using namespace samples;

namespace {

using V = std::vector<Tensor>;

OpEntry unary_entry(const char* name, Domain domain, OpCall call, double flops = 1) {
  return {.name = name,
          .samples = [domain, call](Generator& g) { return unary(g, domain, call); },
          .flops_per_element = flops};
}

OpEntry unary_entry_avoiding(const char* name, std::vector<double> kinks, OpCall call) {
  return {.name = name, .samples = [kinks, call](Generator& g) {
            return unary(
                g, [kinks](Generator& g, const Shape& shape) { return avoiding(g, shape, kinks); },
                call);
          }};
}

OpEntry binary_entry(const char* name, Domain a, Domain b, OpCall call, double flops = 1) {
  return {.name = name,
          .samples = [a, b, call](Generator& g) { return binary(g, a, b, call); },
          .flops_per_element = flops};
}

// Operands on interleaved grids, so that maximum/minimum never tie.
OpEntry extremum_entry(const char* name, OpCall call) {
  return {.name = name, .samples = [call](Generator& g) {
            std::vector<OpSample> out;
            for (const auto& [a, b] :
                 std::vector<std::pair<Shape, Shape>>{{{3, 4}, {3, 4}}, {{3, 1}, {4}}, {{}, {5}}}) {
              out.push_back({"grid", {leaf(on_grid(g, a, 0.25)), leaf(on_grid(g, b, 0))}, call});
            }
            return out;
          }};
}

// An op with a number operand: samples of one tensor.
OpEntry scalar_entry(const char* name, Domain domain, OpCall call) {
  return unary_entry(name, domain, std::move(call));
}

// In-place ops act on a non-leaf copy, so that autograd may record them.
Tensor copy_of(const Tensor& x) {
  return x * 1;
}

}  // namespace

void add_elementwise_entries(std::vector<OpEntry>& entries) {
  entries.push_back(unary_entry("neg", Domain::Real, [](const V& v) { return neg(v[0]); }));
  entries.push_back(unary_entry_avoiding("abs", {0.0}, [](const V& v) { return abs(v[0]); }));
  entries.push_back(unary_entry("square", Domain::Real, [](const V& v) { return square(v[0]); }));
  entries.push_back(
      unary_entry("sign", Domain::AwayFromZero, [](const V& v) { return sign(v[0]); }));
  entries.push_back(unary_entry_avoiding("relu", {0.0}, [](const V& v) { return relu(v[0]); }));
  entries.push_back(unary_entry(
      "exp", Domain::Real, [](const V& v) { return exp(v[0]); }, 8));
  entries.push_back(unary_entry(
      "log", Domain::Positive, [](const V& v) { return log(v[0]); }, 8));
  entries.push_back(unary_entry(
      "log1p", Domain::Positive, [](const V& v) { return log1p(v[0]); }, 8));
  entries.push_back(unary_entry(
      "expm1", Domain::Real, [](const V& v) { return expm1(v[0]); }, 8));
  entries.push_back(unary_entry(
      "sqrt", Domain::Positive, [](const V& v) { return sqrt(v[0]); }, 4));
  entries.push_back(unary_entry(
      "rsqrt", Domain::Positive, [](const V& v) { return rsqrt(v[0]); }, 4));
  entries.push_back(unary_entry(
      "sin", Domain::Real, [](const V& v) { return sin(v[0]); }, 8));
  entries.push_back(unary_entry(
      "cos", Domain::Real, [](const V& v) { return cos(v[0]); }, 8));
  entries.push_back(unary_entry(
      "erf", Domain::Real, [](const V& v) { return erf(v[0]); }, 8));
  entries.push_back(unary_entry(
      "tanh", Domain::Real, [](const V& v) { return tanh(v[0]); }, 8));
  entries.push_back(unary_entry(
      "sigmoid", Domain::Real, [](const V& v) { return sigmoid(v[0]); }, 8));
  entries.push_back(unary_entry(
      "gelu_erf", Domain::Real, [](const V& v) { return gelu_erf(v[0]); }, 12));
  entries.push_back(unary_entry(
      "gelu_tanh", Domain::Real, [](const V& v) { return gelu_tanh(v[0]); }, 12));
  entries.push_back(unary_entry(
      "silu", Domain::Real, [](const V& v) { return silu(v[0]); }, 8));
  entries.push_back(unary_entry(
      "softplus", Domain::Real, [](const V& v) { return softplus(v[0]); }, 8));
  entries.push_back({.name = "pow_scalar", .samples = [](Generator& g) {
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
  entries.push_back({.name = "clamp", .samples = [](Generator& g) {
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

  entries.push_back(
      binary_entry("add", Domain::Real, Domain::Real, [](const V& v) { return v[0] + v[1]; }));
  entries.push_back(
      binary_entry("sub", Domain::Real, Domain::Real, [](const V& v) { return v[0] - v[1]; }));
  entries.push_back(
      binary_entry("mul", Domain::Real, Domain::Real, [](const V& v) { return v[0] * v[1]; }));
  entries.push_back(binary_entry("div", Domain::Real, Domain::AwayFromZero,
                                 [](const V& v) { return v[0] / v[1]; }));
  entries.push_back(binary_entry(
      "pow", Domain::Positive, Domain::Real, [](const V& v) { return pow(v[0], v[1]); }, 16));
  entries.push_back(extremum_entry("maximum", [](const V& v) { return maximum(v[0], v[1]); }));
  entries.push_back(extremum_entry("minimum", [](const V& v) { return minimum(v[0], v[1]); }));
  entries.push_back(
      scalar_entry("add_scalar", Domain::Real, [](const V& v) { return v[0] + 1.5; }));
  entries.push_back(
      scalar_entry("sub_scalar", Domain::Real, [](const V& v) { return v[0] - 1.5; }));
  entries.push_back(
      scalar_entry("rsub_scalar", Domain::Real, [](const V& v) { return 1.5 - v[0]; }));
  entries.push_back(
      scalar_entry("mul_scalar", Domain::Real, [](const V& v) { return v[0] * 1.5; }));
  entries.push_back(
      scalar_entry("div_scalar", Domain::Real, [](const V& v) { return v[0] / 1.5; }));
  entries.push_back(
      scalar_entry("rdiv_scalar", Domain::AwayFromZero, [](const V& v) { return 1.5 / v[0]; }));
  entries.push_back(unary_entry_avoiding("maximum_scalar", {0.25},
                                         [](const V& v) { return maximum(v[0], 0.25); }));
  entries.push_back(unary_entry_avoiding("minimum_scalar", {0.25},
                                         [](const V& v) { return minimum(v[0], 0.25); }));

  entries.push_back({.name = "where", .samples = [](Generator& g) {
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
  entries.push_back({.name = "masked_fill", .samples = [](Generator& g) {
                       const OpCall call = [](const V& v) {
                         return masked_fill(v[0], gt(v[1], 0.0), 2.0);
                       };
                       return std::vector<OpSample>{
                           {"[3, 4]", {leaf(normal(g, {3, 4})), normal(g, {3, 4})}, call},
                           {"broadcast mask", {leaf(normal(g, {3, 4})), normal(g, {4})}, call}};
                     }});
  entries.push_back(
      {.name = "lerp", .samples = [](Generator& g) {
         const OpCall call = [](const V& v) { return lerp(v[0], v[1], v[2]); };
         return std::vector<OpSample>{
             {"[3, 4]",
              {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4})), leaf(uniform(g, {3, 4}, 0, 1))},
              call},
             {"broadcast",
              {leaf(normal(g, {3, 1})), leaf(normal(g, {4})), leaf(uniform(g, {}, 0, 1))},
              call}};
       }});
  entries.push_back({.name = "lerp_scalar", .samples = [](Generator& g) {
                       const OpCall call = [](const V& v) { return lerp(v[0], v[1], 0.3); };
                       return std::vector<OpSample>{
                           {"[3, 4]", {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4}))}, call}};
                     }});

  entries.push_back(
      {.name = "binary_cross_entropy_elementwise", .samples = [](Generator& g) {
         const OpCall call = [](const V& v) {
           return binary_cross_entropy_elementwise(v[0], v[1]);
         };
         return std::vector<OpSample>{
             {"[3, 4]",
              {leaf(uniform(g, {3, 4}, 0.05, 0.95)), leaf(uniform(g, {3, 4}, 0, 1))},
              call},
             {"broadcast target",
              {leaf(uniform(g, {2, 3}, 0.05, 0.95)), leaf(uniform(g, {3}, 0, 1))},
              call},
             {"0-dim", {leaf(uniform(g, {}, 0.05, 0.95)), leaf(uniform(g, {}, 0, 1))}, call}};
       }});

  entries.push_back(binary_entry("add_", Domain::Real, Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0].expand(broadcast_shapes(v[0].shape(), v[1].shape(), "add_")));
    return y.add_(v[1]);
  }));
  entries.push_back(binary_entry("mul_", Domain::Real, Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0].expand(broadcast_shapes(v[0].shape(), v[1].shape(), "mul_")));
    return y.mul_(v[1]);
  }));
  entries.push_back(unary_entry("fill_", Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0]);
    return y.fill_(2.0);
  }));
  entries.push_back(binary_entry("copy_", Domain::Real, Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0].expand(broadcast_shapes(v[0].shape(), v[1].shape(), "copy_")));
    return y.copy_(v[1]);
  }));
}

}  // namespace kiln::autograd
