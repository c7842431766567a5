#include "nn/activation.h"

#include <sstream>

#include "autograd/functions.h"
#include "nn/functional.h"
#include "tensor/creation.h"

namespace kiln::nn {

Tensor ReLU::forward(const Tensor& input) {
  return relu(input);
}

Tensor LeakyReLU::forward(const Tensor& input) {
  return functional::leaky_relu(input, negative_slope_);
}
std::string LeakyReLU::extra_repr() const {
  return "negative_slope=" + std::to_string(negative_slope_);
}

Tensor GELU::forward(const Tensor& input) {
  return gelu(input, approximation_);
}
std::string GELU::extra_repr() const {
  return approximation_ == GeluApproximation::Tanh ? "approximate='tanh'" : "";
}

Tensor SiLU::forward(const Tensor& input) {
  return silu(input);
}
Tensor Tanh::forward(const Tensor& input) {
  return tanh(input);
}
Tensor Sigmoid::forward(const Tensor& input) {
  return sigmoid(input);
}

Tensor Softplus::forward(const Tensor& input) {
  return functional::softplus(input, beta_, threshold_);
}
std::string Softplus::extra_repr() const {
  return "beta=" + std::to_string(beta_) + ", threshold=" + std::to_string(threshold_);
}

Tensor ELU::forward(const Tensor& input) {
  return functional::elu(input, alpha_);
}
std::string ELU::extra_repr() const {
  return "alpha=" + std::to_string(alpha_);
}

Tensor CELU::forward(const Tensor& input) {
  return functional::celu(input, alpha_);
}
std::string CELU::extra_repr() const {
  return "alpha=" + std::to_string(alpha_);
}

Tensor SELU::forward(const Tensor& input) {
  return selu(input);
}

Tensor Hardtanh::forward(const Tensor& input) {
  return functional::hardtanh(input, min_val_, max_val_);
}
std::string Hardtanh::extra_repr() const {
  return "min_val=" + std::to_string(min_val_) + ", max_val=" + std::to_string(max_val_);
}

Tensor Hardsigmoid::forward(const Tensor& input) {
  return hardsigmoid(input);
}
Tensor Hardswish::forward(const Tensor& input) {
  return hardswish(input);
}
Tensor Mish::forward(const Tensor& input) {
  return mish(input);
}
Tensor LogSigmoid::forward(const Tensor& input) {
  return logsigmoid(input);
}
Tensor Softsign::forward(const Tensor& input) {
  return softsign(input);
}

Tensor GLU::forward(const Tensor& input) {
  return functional::glu(input, dim_);
}
std::string GLU::extra_repr() const {
  return "dim=" + std::to_string(dim_);
}

Tensor ReLU6::forward(const Tensor& input) {
  return functional::relu6(input);
}

Tensor Hardshrink::forward(const Tensor& input) {
  return functional::hardshrink(input, lambd_);
}
std::string Hardshrink::extra_repr() const {
  return std::to_string(lambd_);
}

Tensor Softshrink::forward(const Tensor& input) {
  return functional::softshrink(input, lambd_);
}
std::string Softshrink::extra_repr() const {
  return std::to_string(lambd_);
}

Tensor Tanhshrink::forward(const Tensor& input) {
  return functional::tanhshrink(input);
}

Tensor Threshold::forward(const Tensor& input) {
  return functional::threshold(input, threshold_, value_);
}
std::string Threshold::extra_repr() const {
  return "threshold=" + std::to_string(threshold_) + ", value=" + std::to_string(value_);
}

PReLU::PReLU(int64_t num_parameters, double init) : UnaryModule("PReLU") {
  KILN_CHECK(num_parameters > 0, "PReLU: num_parameters must be positive, got ", num_parameters);
  weight = register_parameter("weight", full({num_parameters}, init));
}
Tensor PReLU::forward(const Tensor& input) {
  return functional::prelu(input, weight);
}
std::string PReLU::extra_repr() const {
  return "num_parameters=" + std::to_string(weight.numel());
}

Tensor Identity::forward(const Tensor& input) {
  return input;
}

Tensor Softmin::forward(const Tensor& input) {
  return functional::softmin(input, dim_);
}
std::string Softmin::extra_repr() const {
  return "dim=" + std::to_string(dim_);
}

Tensor LogSoftmax::forward(const Tensor& input) {
  return log_softmax(input, dim_);
}
std::string LogSoftmax::extra_repr() const {
  return "dim=" + std::to_string(dim_);
}

Tensor Softmax::forward(const Tensor& input) {
  return softmax(input, dim_);
}
std::string Softmax::extra_repr() const {
  return "dim=" + std::to_string(dim_);
}

Tensor Flatten::forward(const Tensor& input) {
  return input.flatten(start_dim_, end_dim_);
}
std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(start_dim_) + ", end_dim=" + std::to_string(end_dim_);
}

Tensor Unflatten::forward(const Tensor& input) {
  const int d = wrap_dim(dim_, input.dim(), "Unflatten");
  Shape shape;
  for (int i = 0; i < d; ++i) shape.push_back(input.shape()[i]);
  for (int64_t size : sizes_) shape.push_back(size);
  for (int i = d + 1; i < input.dim(); ++i) shape.push_back(input.shape()[i]);
  return input.reshape(shape);
}
std::string Unflatten::extra_repr() const {
  std::ostringstream out;
  out << "dim=" << dim_ << ", unflattened_size=" << sizes_;
  return out.str();
}

}  // namespace kiln::nn
