#include "models/forecast/normalize.h"

#include <sstream>

#include "tensor/creation.h"

namespace kiln::models {

Normalize::Normalize(int64_t num_features, double eps, bool affine, bool non_norm)
    : nn::Module("Normalize"), num_features_(num_features), eps_(eps), non_norm_(non_norm) {
  KILN_CHECK(num_features > 0, "Normalize: num_features must be positive, got ", num_features);
  if (affine) {
    affine_weight = register_parameter("affine_weight", ones({num_features}));
    affine_bias = register_parameter("affine_bias", zeros({num_features}));
  }
}

std::pair<Tensor, SeriesStatistics> Normalize::normalize(const Tensor& x) const {
  KILN_CHECK(x.dim() >= 3 && x.size(-1) == num_features_, "Normalize: expected [B, T, ",
             num_features_, "], got ", x.shape());
  Dims steps;
  for (int64_t d = 1; d < x.dim() - 1; ++d) steps.push_back(d);
  const Tensor detached = x.detach();
  SeriesStatistics statistics{
      .mean = detached.mean(steps, true),
      .stdev = (detached.var(steps, /*unbiased=*/false, true) + eps_).sqrt()};
  if (non_norm_) return {x, statistics};
  Tensor normed = (x - statistics.mean) / statistics.stdev;
  if (affine_weight.defined()) normed = normed * affine_weight + affine_bias;
  return {normed, statistics};
}

Tensor Normalize::denormalize(const Tensor& y, const SeriesStatistics& statistics) const {
  if (non_norm_) return y;
  Tensor out = y;
  if (affine_weight.defined()) out = (out - affine_bias) / (affine_weight + eps_ * eps_);
  return out * statistics.stdev + statistics.mean;
}

std::string Normalize::extra_repr() const {
  std::ostringstream out;
  out << "num_features=" << num_features_ << ", eps=" << eps_
      << ", affine=" << (affine_weight.defined() ? "true" : "false")
      << ", non_norm=" << (non_norm_ ? "true" : "false");
  return out.str();
}

}  // namespace kiln::models
