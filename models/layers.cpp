#include "models/layers.h"

#include <cmath>

#include "tensor/creation.h"

namespace kiln::models {

TiedLinear::TiedLinear(const Tensor& tied) : UnaryModule("Linear") {
  weight = register_parameter("weight", tied);
}

Tensor TiedLinear::forward(const Tensor& input) {
  return input.matmul(weight.t());
}

Tensor sinusoidal_positions(int64_t length, int64_t dim) {
  std::vector<double> table(static_cast<size_t>(length * dim));
  for (int64_t pos = 0; pos < length; ++pos) {
    for (int64_t i = 0; i < dim; ++i) {
      const double angle =
          static_cast<double>(pos) /
          std::pow(10000.0, static_cast<double>(i - i % 2) / static_cast<double>(dim));
      table[static_cast<size_t>(pos * dim + i)] = i % 2 == 0 ? std::sin(angle) : std::cos(angle);
    }
  }
  return from_vector(table, {length, dim}).to(kFloat32);
}

}  // namespace kiln::models
