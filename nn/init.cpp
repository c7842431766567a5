#include "nn/init.h"

#include <cmath>
#include <vector>

#include "tensor/creation.h"
#include "tensor/ops.h"

namespace kiln::nn::init {

namespace {

Tensor fill_with(const Tensor& tensor, const Tensor& values) {
  raw::copy_(tensor, raw::to(raw::to(values, tensor.dtype()), tensor.device()));
  return tensor;
}

TensorOptions double_on_cpu() {
  return {.dtype = kFloat64, .device = kCPU};
}

}  // namespace

std::pair<int64_t, int64_t> fans(const Tensor& tensor) {
  KILN_CHECK(tensor.dim() >= 2, "init: fan in and fan out need at least 2 dims, got shape ",
             tensor.shape());
  int64_t receptive = 1;
  for (int d = 2; d < tensor.dim(); ++d) receptive *= tensor.shape()[d];
  return {tensor.shape()[1] * receptive, tensor.shape()[0] * receptive};
}

double calculate_gain(const std::string& nonlinearity, std::optional<double> param) {
  if (nonlinearity == "linear" || nonlinearity == "sigmoid" || nonlinearity.starts_with("conv")) {
    return 1;
  }
  if (nonlinearity == "tanh") return 5.0 / 3;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    const double slope = param.value_or(0.01);
    return std::sqrt(2.0 / (1 + slope * slope));
  }
  if (nonlinearity == "selu") return 3.0 / 4;
  throw Error("calculate_gain: unknown nonlinearity '" + nonlinearity + "'");
}

Tensor uniform_(const Tensor& tensor, double low, double high, Generator* generator) {
  return fill_with(
      tensor,
      raw::add(raw::mul(rand(tensor.shape(), double_on_cpu(), generator), high - low), low));
}

Tensor normal_(const Tensor& tensor, double mean, double std, Generator* generator) {
  return fill_with(
      tensor, raw::add(raw::mul(randn(tensor.shape(), double_on_cpu(), generator), std), mean));
}

Tensor trunc_normal_(const Tensor& tensor, double mean, double std, double low, double high,
                     Generator* generator) {
  KILN_CHECK(low < high && std > 0, "trunc_normal_: needs low < high and std > 0, got [", low, ", ",
             high, "] and std ", std);
  std::vector<double> values(tensor.numel());
  Generator& source = generator != nullptr ? *generator : default_generator();
  size_t filled = 0;
  for (int round = 0; filled < values.size(); ++round) {
    KILN_CHECK(round < 1000, "trunc_normal_: [", low, ", ", high,
               "] holds too little of the distribution to sample");
    for (double v : randn({static_cast<int64_t>(values.size())}, double_on_cpu(), &source)
                        .to_vector<double>()) {
      const double x = mean + std * v;
      if (filled < values.size() && x >= low && x <= high) values[filled++] = x;
    }
  }
  return fill_with(tensor, from_vector(values, tensor.shape(), double_on_cpu()));
}

Tensor constant_(const Tensor& tensor, double value) {
  return raw::fill_(tensor, value);
}
Tensor zeros_(const Tensor& tensor) {
  return raw::fill_(tensor, 0);
}
Tensor ones_(const Tensor& tensor) {
  return raw::fill_(tensor, 1);
}

Tensor xavier_uniform_(const Tensor& tensor, double gain, Generator* generator) {
  const auto [fan_in, fan_out] = fans(tensor);
  const double bound = gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  return uniform_(tensor, -bound, bound, generator);
}

Tensor xavier_normal_(const Tensor& tensor, double gain, Generator* generator) {
  const auto [fan_in, fan_out] = fans(tensor);
  return normal_(tensor, 0, gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)),
                 generator);
}

namespace {
double kaiming_std(const Tensor& tensor, double a, FanMode mode, const std::string& nonlinearity) {
  const auto [fan_in, fan_out] = fans(tensor);
  const int64_t fan = mode == FanMode::FanIn ? fan_in : fan_out;
  KILN_CHECK(fan > 0, "kaiming init: a tensor of shape ", tensor.shape(), " has fan 0");
  return calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
}
}  // namespace

Tensor kaiming_uniform_(const Tensor& tensor, double a, FanMode mode,
                        const std::string& nonlinearity, Generator* generator) {
  const double bound = std::sqrt(3.0) * kaiming_std(tensor, a, mode, nonlinearity);
  return uniform_(tensor, -bound, bound, generator);
}

Tensor kaiming_normal_(const Tensor& tensor, double a, FanMode mode,
                       const std::string& nonlinearity, Generator* generator) {
  return normal_(tensor, 0, kaiming_std(tensor, a, mode, nonlinearity), generator);
}

Tensor orthogonal_(const Tensor& tensor, double gain, Generator* generator) {
  KILN_CHECK(tensor.dim() >= 2, "orthogonal_: needs at least 2 dims, got shape ", tensor.shape());
  if (tensor.numel() == 0) return tensor;
  const int64_t rows = tensor.shape()[0];
  const int64_t cols = tensor.numel() / rows;
  // Orthonormalise the columns of a tall normal matrix (modified Gram-Schmidt, the Q of QR
  // with R's diagonal made positive), transposed back when the tensor is wide.
  const int64_t tall = std::max(rows, cols), wide = std::min(rows, cols);
  std::vector<double> q = randn({wide, tall}, double_on_cpu(), generator).to_vector<double>();
  for (int64_t j = 0; j < wide; ++j) {
    double* column = q.data() + j * tall;
    for (int64_t k = 0; k < j; ++k) {
      const double* previous = q.data() + k * tall;
      double dot = 0;
      for (int64_t i = 0; i < tall; ++i) dot += column[i] * previous[i];
      for (int64_t i = 0; i < tall; ++i) column[i] -= dot * previous[i];
    }
    double norm = 0;
    for (int64_t i = 0; i < tall; ++i) norm += column[i] * column[i];
    norm = std::sqrt(norm);
    for (int64_t i = 0; i < tall; ++i) column[i] *= gain / norm;
  }
  // q holds `wide` orthonormal vectors of length `tall`, one per row.
  Tensor matrix = from_vector(q, {wide, tall}, double_on_cpu());
  if (rows >= cols) matrix = raw::t(matrix);
  return fill_with(tensor, raw::reshape(raw::contiguous(matrix), tensor.shape()));
}

}  // namespace kiln::nn::init
