// The activations of nn::functional, composed of differentiable ops (their gradients follow).
#include "autograd/functions.h"
#include "nn/functional.h"
#include "tensor/creation.h"

namespace kiln::nn::functional {

Tensor leaky_relu(const Tensor& input, double negative_slope) {
  return where(gt(input, 0), input, input * negative_slope);
}

Tensor softplus(const Tensor& input, double beta, double threshold) {
  KILN_CHECK(beta > 0, "softplus: beta must be positive, got ", beta);
  const Tensor scaled = input * beta;
  return where(gt(scaled, threshold), input, kiln::softplus(scaled) / beta);
}

namespace {
// min(x, 0), whose gradient passes at x = 0: the exponential branch of elu and celu owns
// x = 0, as in PyTorch's backward, and never sees an x whose e^x overflows into a NaN
// gradient where the other branch is taken.
Tensor non_positive_part(const Tensor& input) {
  return input.clamp(std::nullopt, 0.0);
}
}  // namespace

Tensor elu(const Tensor& input, double alpha) {
  return where(gt(input, 0), input, alpha * expm1(non_positive_part(input)));
}

Tensor celu(const Tensor& input, double alpha) {
  KILN_CHECK(alpha != 0, "celu: alpha must not be 0");
  return where(gt(input, 0), input, alpha * expm1(non_positive_part(input) / alpha));
}

// The gradient passes strictly inside (min_val, max_val) (and at NaN), as PyTorch's.
Tensor hardtanh(const Tensor& input, double min_val, double max_val) {
  KILN_CHECK(min_val <= max_val, "hardtanh: min_val ", min_val, " is above max_val ", max_val);
  const Tensor outside = logical_or(le(input, min_val), ge(input, max_val));
  return where(outside, input.detach().clamp(min_val, max_val), input);
}

Tensor glu(const Tensor& input, int64_t dim) {
  KILN_CHECK(input.dim() > 0, "glu: cannot halve a 0-dim tensor");
  const int64_t size = input.size(dim);
  KILN_CHECK(size % 2 == 0, "glu: dim ", dim, " of shape ", input.shape(),
             " must have an even size, got ", size);
  const std::vector<Tensor> halves = input.chunk(2, dim);
  return halves[0] * sigmoid(halves[1]);
}

Tensor relu6(const Tensor& input) {
  return hardtanh(input, 0, 6);
}

Tensor softmin(const Tensor& input, int64_t dim) {
  wrap_dim(dim, input.dim(), "softmin");
  return softmax(-input, dim);
}

Tensor hardshrink(const Tensor& input, double lambd) {
  KILN_CHECK(lambd >= 0, "hardshrink: lambd must be non-negative, got ", lambd);
  return where(gt(abs(input), lambd), input, zeros_like(input));
}

Tensor softshrink(const Tensor& input, double lambd) {
  KILN_CHECK(lambd >= 0, "softshrink: lambd must be non-negative, got ", lambd);
  return where(gt(input, lambd), input - lambd,
               where(lt(input, -lambd), input + lambd, zeros_like(input)));
}

Tensor tanhshrink(const Tensor& input) {
  return input - tanh(input);
}

Tensor threshold(const Tensor& input, double threshold, double value) {
  return where(gt(input, threshold), input, full_like(input, value));
}

// The floor is clamp_min's, in the graph: below eps the norm gets no gradient, as PyTorch's.
Tensor normalize(const Tensor& input, double p, int64_t dim, double eps) {
  const int d = wrap_dim(dim, input.dim(), "normalize");
  return input / input.norm(p, {d}, true).clamp(eps, std::nullopt);
}

Tensor prelu(const Tensor& input, const Tensor& weight) {
  const int64_t channels = input.dim() >= 2 ? input.size(1) : 1;
  KILN_CHECK(weight.numel() == 1 || weight.numel() == channels, "prelu: ", weight.numel(),
             " weights for the input's ", channels, " channels; give 1 or ", channels);
  Shape per_channel = Shape::filled(std::max(input.dim(), 1), 1);
  if (input.dim() >= 2) per_channel[1] = weight.numel();
  const Tensor slope = weight.reshape(input.dim() == 0 ? Shape{} : per_channel);
  return where(gt(input, 0), input, slope * input);
}

}  // namespace kiln::nn::functional
