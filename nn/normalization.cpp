#include "nn/normalization.h"

#include <sstream>

#include "nn/functional.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {
void check_trailing(const char* op, const Tensor& input, const Shape& normalized) {
  bool fits = input.dim() >= normalized.size();
  for (int i = 0; fits && i < normalized.size(); ++i) {
    fits = input.shape()[input.dim() - normalized.size() + i] == normalized[i];
  }
  KILN_CHECK(fits, op, ": input of shape ", input.shape(), " does not end in the normalized shape ",
             normalized);
}

std::string shape_text(const Shape& shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}
}  // namespace

LayerNorm::LayerNorm(Shape normalized_shape, double eps, bool elementwise_affine, bool with_bias)
    : UnaryModule("LayerNorm"), normalized_shape_(normalized_shape), eps_(eps) {
  KILN_CHECK(!normalized_shape.empty(), "LayerNorm: normalized_shape must not be empty");
  if (elementwise_affine) {
    weight = register_parameter("weight", ones(normalized_shape));
    if (with_bias) bias = register_parameter("bias", zeros(normalized_shape));
  }
}

Tensor LayerNorm::forward(const Tensor& input) {
  check_trailing("LayerNorm", input, normalized_shape_);
  return functional::layer_norm(input, normalized_shape_.size(), weight, bias, eps_);
}

std::string LayerNorm::extra_repr() const {
  return shape_text(normalized_shape_) + ", eps=" + std::to_string(eps_) +
         ", elementwise_affine=" + (weight.defined() ? "true" : "false");
}

RMSNorm::RMSNorm(Shape normalized_shape, std::optional<double> eps, bool elementwise_affine)
    : UnaryModule("RMSNorm"), normalized_shape_(normalized_shape), eps_(eps) {
  KILN_CHECK(!normalized_shape.empty(), "RMSNorm: normalized_shape must not be empty");
  if (elementwise_affine) weight = register_parameter("weight", ones(normalized_shape));
}

Tensor RMSNorm::forward(const Tensor& input) {
  check_trailing("RMSNorm", input, normalized_shape_);
  return functional::rms_norm(input, normalized_shape_.size(), weight, eps_);
}

std::string RMSNorm::extra_repr() const {
  return shape_text(normalized_shape_) + ", eps=" + (eps_ ? std::to_string(*eps_) : "None") +
         ", elementwise_affine=" + (weight.defined() ? "true" : "false");
}

GroupNorm::GroupNorm(int64_t num_groups, int64_t num_channels, double eps, bool affine)
    : UnaryModule("GroupNorm"), num_groups_(num_groups), num_channels_(num_channels), eps_(eps) {
  KILN_CHECK(num_groups > 0 && num_channels % num_groups == 0, "GroupNorm: ", num_channels,
             " channels do not split into ", num_groups, " groups");
  if (affine) {
    weight = register_parameter("weight", ones({num_channels}));
    bias = register_parameter("bias", zeros({num_channels}));
  }
}

Tensor GroupNorm::forward(const Tensor& input) {
  KILN_CHECK(input.dim() >= 2 && input.size(1) == num_channels_, "GroupNorm: expected [N, ",
             num_channels_, ", *], got shape ", input.shape());
  return functional::group_norm(input, num_groups_, weight, bias, eps_);
}

std::string GroupNorm::extra_repr() const {
  return std::to_string(num_groups_) + ", " + std::to_string(num_channels_) +
         ", eps=" + std::to_string(eps_) + ", affine=" + (weight.defined() ? "true" : "false");
}

}  // namespace kiln::nn
