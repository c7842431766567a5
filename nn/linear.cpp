#include "nn/linear.h"

#include <cmath>

#include "nn/functional.h"
#include "nn/init.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {
Tensor uniform_parameter(const Shape& shape, int64_t fan_in) {
  const double bound = fan_in > 0 ? 1 / std::sqrt(static_cast<double>(fan_in)) : 0;
  return init::uniform_(empty(shape), -bound, bound);
}
}  // namespace

Linear::Linear(int64_t in_features, int64_t out_features, bool with_bias)
    : UnaryModule("Linear"), in_features_(in_features), out_features_(out_features) {
  KILN_CHECK(in_features >= 0 && out_features >= 0, "Linear: negative size (", in_features, ", ",
             out_features, ")");
  // kaiming_uniform_(a = sqrt(5)) as PyTorch: bound = 1 / sqrt(fan_in).
  weight =
      register_parameter("weight", uniform_parameter({out_features, in_features}, in_features));
  if (with_bias) bias = register_parameter("bias", uniform_parameter({out_features}, in_features));
}

Tensor Linear::forward(const Tensor& input) {
  return functional::linear(input, weight, bias);
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_features_) +
         ", out_features=" + std::to_string(out_features_) +
         ", bias=" + (bias.defined() ? "true" : "false");
}

Bilinear::Bilinear(int64_t in1_features, int64_t in2_features, int64_t out_features, bool with_bias)
    : Module("Bilinear") {
  weight = register_parameter(
      "weight", uniform_parameter({out_features, in1_features, in2_features}, in1_features));
  if (with_bias) bias = register_parameter("bias", uniform_parameter({out_features}, in1_features));
}

Tensor Bilinear::forward(const Tensor& input1, const Tensor& input2) {
  const ModuleScope scope(*this);
  return functional::bilinear(input1, input2, weight, bias);
}

std::string Bilinear::extra_repr() const {
  return "in1_features=" + std::to_string(weight.size(1)) +
         ", in2_features=" + std::to_string(weight.size(2)) +
         ", out_features=" + std::to_string(weight.size(0)) +
         ", bias=" + (bias.defined() ? "true" : "false");
}

}  // namespace kiln::nn
