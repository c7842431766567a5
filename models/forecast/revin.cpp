#include "models/forecast/revin.h"

#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::models {

RevIN::RevIN(int64_t num_features, double eps, bool affine, bool subtract_last)
    : Module("RevIN"), num_features_(num_features), eps_(eps), subtract_last_(subtract_last) {
  KILN_CHECK(num_features > 0, "RevIN: num_features must be positive, got ", num_features);
  if (affine) {
    affine_weight = register_parameter("affine_weight", ones({num_features}));
    affine_bias = register_parameter("affine_bias", zeros({num_features}));
  }
}

Tensor RevIN::normalize(const Tensor& x, RevINStatistics& statistics) const {
  KILN_CHECK(x.dim() == 3 && x.size(2) == num_features_, "RevIN: x must be [B, L, ", num_features_,
             "], got ", x.shape());
  statistics.center = subtract_last_ ? x.narrow(1, x.size(1) - 1, 1) : x.mean({1}, true).detach();
  statistics.stdev = (x.var({1}, false, true) + eps_).sqrt().detach();
  Tensor out = (x - statistics.center) / statistics.stdev;
  if (affine_weight.defined()) out = out * affine_weight + affine_bias;
  return out;
}

Tensor RevIN::denormalize(const Tensor& y, const RevINStatistics& statistics) const {
  KILN_CHECK(y.dim() == 3 && y.size(2) == num_features_, "RevIN: y must be [B, H, ", num_features_,
             "], got ", y.shape());
  Tensor out = y;
  if (affine_weight.defined()) out = (out - affine_bias) / (affine_weight + eps_ * eps_);
  return out * statistics.stdev + statistics.center;
}

std::string RevIN::extra_repr() const {
  return std::to_string(num_features_) +
         ", affine=" + (affine_weight.defined() ? "true" : "false") +
         ", subtract_last=" + (subtract_last_ ? "true" : "false");
}

}  // namespace kiln::models
