#include "models/forecast/revin.h"

#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::models {

RevIN::RevIN(int64_t num_features, RevINOptions options)
    : Module("RevIN"), num_features_(num_features), options_(options) {
  KILN_CHECK(num_features > 0, "RevIN: num_features must be positive, got ", num_features);
  if (options.affine) {
    affine_weight = register_parameter("affine_weight", ones({num_features}));
    affine_bias = register_parameter("affine_bias", zeros({num_features}));
  }
}

std::pair<Tensor, RevINStatistics> RevIN::normalize(const Tensor& x) const {
  KILN_CHECK(x.dim() == 3 && x.size(2) == num_features_, "RevIN: x must be [B, L, ", num_features_,
             "], got ", x.shape());
  RevINStatistics statistics{
      .center = options_.subtract_last ? x.narrow(1, x.size(1) - 1, 1) : x.mean({1}, true).detach(),
      .stdev = (x.var({1}, false, true) + options_.eps).sqrt().detach()};
  if (options_.non_norm) return {x, statistics};
  Tensor out = (x - statistics.center) / statistics.stdev;
  if (affine_weight.defined()) out = out * affine_weight + affine_bias;
  return {out, statistics};
}

Tensor RevIN::denormalize(const Tensor& y, const RevINStatistics& statistics) const {
  KILN_CHECK(y.dim() == 3 && y.size(2) == num_features_, "RevIN: y must be [B, H, ", num_features_,
             "], got ", y.shape());
  if (options_.non_norm) return y;
  Tensor out = y;
  if (affine_weight.defined())
    out = (out - affine_bias) / (affine_weight + options_.eps * options_.eps);
  return out * statistics.stdev + statistics.center;
}

std::string RevIN::extra_repr() const {
  return std::to_string(num_features_) +
         ", affine=" + (affine_weight.defined() ? "true" : "false") +
         ", subtract_last=" + (options_.subtract_last ? "true" : "false") +
         (options_.non_norm ? ", non_norm=true" : "");
}

}  // namespace kiln::models
