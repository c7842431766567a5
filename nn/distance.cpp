#include "nn/distance.h"

#include <algorithm>

#include "autograd/functions.h"
#include "nn/module_scope.h"

namespace kiln::nn {

namespace functional {

namespace {
// max(value, floor) in value, with the gradient of value itself.
Tensor floored_outside_graph(const Tensor& value, double floor) {
  const Tensor detached = value.detach();
  return value + (maximum(detached, floor) - detached);
}
}  // namespace

Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, int64_t dim, double eps) {
  const Shape shape = broadcast_shapes(x1.shape(), x2.shape(), "cosine_similarity");
  const int d = wrap_dim(dim, shape.size(), "cosine_similarity");
  const Tensor a = x1.expand(shape), b = x2.expand(shape);
  const Tensor a_norm = floored_outside_graph(a.norm(2, {d}, true), eps);
  const Tensor b_norm = floored_outside_graph(b.norm(2, {d}, true), eps);
  return ((a / a_norm) * (b / b_norm)).sum({d});
}

Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim) {
  const Tensor difference = x1 - x2 + eps;
  if (difference.dim() == 0) return difference.reshape({1}).norm(p, {0}).reshape({});
  return difference.norm(p, {-1}, keepdim);
}

namespace {
constexpr int64_t kRowsForMatmul = 25;

// sqrt(max(|a|^2 + |b|^2 - 2 a b^T, 0)), PyTorch's _euclidean_dist.
Tensor euclidean_by_matmul(const Tensor& x1, const Tensor& x2) {
  const Tensor squares1 = square(x1).sum({-1}, true), squares2 = square(x2).sum({-1}, true);
  const Tensor products = x1.matmul(x2.transpose(-1, -2));
  return sqrt(maximum(squares1 + squares2.transpose(-1, -2) - 2 * products, 0.0));
}
}  // namespace

Tensor cdist(const Tensor& x1, const Tensor& x2, double p) {
  KILN_CHECK(x1.dim() >= 2 && x2.dim() >= 2 && x1.size(-1) == x2.size(-1),
             "cdist: expected x1 [*, P, M] and x2 [*, R, M], got shapes ", x1.shape(), " and ",
             x2.shape());
  KILN_CHECK(p >= 0, "cdist: p must be non-negative, got ", p);
  if (p == 2 && std::max(x1.size(-2), x2.size(-2)) > kRowsForMatmul) {
    return euclidean_by_matmul(x1, x2);
  }
  return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p, {-1});
}

}  // namespace functional

Tensor CosineSimilarity::forward(const Tensor& x1, const Tensor& x2) {
  const ModuleScope scope(*this);
  return functional::cosine_similarity(x1, x2, dim_, eps_);
}
std::string CosineSimilarity::extra_repr() const {
  return "dim=" + std::to_string(dim_) + ", eps=" + std::to_string(eps_);
}

Tensor PairwiseDistance::forward(const Tensor& x1, const Tensor& x2) {
  const ModuleScope scope(*this);
  return functional::pairwise_distance(x1, x2, p_, eps_, keepdim_);
}
std::string PairwiseDistance::extra_repr() const {
  return "p=" + std::to_string(p_) + ", eps=" + std::to_string(eps_) +
         ", keepdim=" + (keepdim_ ? "true" : "false");
}

}  // namespace kiln::nn
