#include "nn/conv.h"

#include <cmath>
#include <sstream>

#include "nn/init.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

// kaiming_uniform_(a = sqrt(5)) as PyTorch's conv layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
Tensor uniform_by_fan(const Shape& shape, int64_t fan_in) {
  const double bound = fan_in > 0 ? 1 / std::sqrt(static_cast<double>(fan_in)) : 0;
  return init::uniform_(empty(shape), -bound, bound);
}

std::string list(const std::vector<int64_t>& values) {
  std::ostringstream out;
  out << "(";
  for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << ")";
  return out.str();
}

}  // namespace

Conv::Conv(int spatial_dims, int64_t in_channels, int64_t out_channels,
           std::vector<int64_t> kernel_size, functional::ConvOptions options, bool with_bias)
    : UnaryModule(spatial_dims == 1 ? "Conv1d" : "Conv2d"), options_(std::move(options)) {
  KILN_CHECK(kernel_size.size() == 1 || kernel_size.size() == static_cast<size_t>(spatial_dims),
             type_name(), ": kernel_size needs 1 or ", spatial_dims, " values");
  if (kernel_size.size() == 1) kernel_size.resize(spatial_dims, kernel_size[0]);
  KILN_CHECK(options_.groups >= 1 && in_channels % options_.groups == 0 &&
                 out_channels % options_.groups == 0,
             type_name(), ": channels ", in_channels, " -> ", out_channels,
             " are not divisible by groups ", options_.groups);
  Shape shape = {out_channels, in_channels / options_.groups};
  int64_t fan_in = in_channels / options_.groups;
  for (int64_t k : kernel_size) {
    shape.push_back(k);
    fan_in *= k;
  }
  weight = register_parameter("weight", uniform_by_fan(shape, fan_in));
  if (with_bias) bias = register_parameter("bias", uniform_by_fan({out_channels}, fan_in));
}

Tensor Conv::forward(const Tensor& input) {
  return functional::conv(input, weight, bias, options_);
}

std::string Conv::extra_repr() const {
  std::vector<int64_t> kernel(weight.shape().begin() + 2, weight.shape().end());
  return std::to_string(weight.size(1) * options_.groups) + ", " + std::to_string(weight.size(0)) +
         ", kernel_size=" + list(kernel) + ", stride=" + list(options_.stride) +
         (options_.groups > 1 ? ", groups=" + std::to_string(options_.groups) : "") +
         (options_.padding_mode != functional::PadMode::Constant
              ? std::string(", padding_mode=") + functional::pad_mode_name(options_.padding_mode)
              : "");
}

ConvTranspose::ConvTranspose(int spatial_dims, int64_t in_channels, int64_t out_channels,
                             std::vector<int64_t> kernel_size,
                             functional::ConvTransposeOptions options, bool with_bias)
    : UnaryModule(spatial_dims == 1 ? "ConvTranspose1d" : "ConvTranspose2d"),
      options_(std::move(options)) {
  if (kernel_size.size() == 1) kernel_size.resize(spatial_dims, kernel_size[0]);
  KILN_CHECK(options_.groups >= 1 && in_channels % options_.groups == 0 &&
                 out_channels % options_.groups == 0,
             type_name(), ": channels are not divisible by groups ", options_.groups);
  Shape shape = {in_channels, out_channels / options_.groups};
  // PyTorch's fan_in here is weight.size(1) times the kernel.
  int64_t fan_in = out_channels / options_.groups;
  for (int64_t k : kernel_size) {
    shape.push_back(k);
    fan_in *= k;
  }
  weight = register_parameter("weight", uniform_by_fan(shape, fan_in));
  if (with_bias) bias = register_parameter("bias", uniform_by_fan({out_channels}, fan_in));
}

Tensor ConvTranspose::forward(const Tensor& input) {
  return functional::conv_transpose(input, weight, bias, options_);
}

std::string ConvTranspose::extra_repr() const {
  std::vector<int64_t> kernel(weight.shape().begin() + 2, weight.shape().end());
  return std::to_string(weight.size(0)) + ", " + std::to_string(weight.size(1) * options_.groups) +
         ", kernel_size=" + list(kernel) + ", stride=" + list(options_.stride);
}

Tensor MaxUnpool::forward(const Tensor& input, const Tensor& indices,
                          const std::vector<int64_t>& output_size) {
  const ModuleScope scope(*this);
  functional::UnpoolOptions options = options_;
  if (!output_size.empty()) options.output_size = output_size;
  return functional::max_unpool(input, indices, options);
}

}  // namespace kiln::nn
