#pragma once

// Similarities and distances between vectors (torch.nn.functional's and torch.cdist), and
// their modules.
#include "nn/containers.h"

namespace kiln::nn {

namespace functional {

// sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps)) along dim, after broadcasting. As PyTorch's,
// the eps floor is outside the graph: the gradient is that of the unfloored norms.
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, int64_t dim = 1, double eps = 1e-8);
// |x1 - x2 + eps|_p along the last dim (p may be negative, as PyTorch's).
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p = 2, double eps = 1e-6,
                         bool keepdim = false);
// |x1[..., i, :] - x2[..., j, :]|_p for every pair: x1 [*, P, M], x2 [*, R, M] -> [*, P, R].
// For p = 2 with more than 25 rows on either side it expands the square, |a|^2 + |b|^2 - 2 a.b,
// through one matmul, as PyTorch's default compute mode does; otherwise it forms the
// [*, P, R, M] differences, which PyTorch's own kernel never holds in memory.
Tensor cdist(const Tensor& x1, const Tensor& x2, double p = 2);

}  // namespace functional

class CosineSimilarity : public Module {
 public:
  explicit CosineSimilarity(int64_t dim = 1, double eps = 1e-8)
      : Module("CosineSimilarity"), dim_(dim), eps_(eps) {}
  Tensor forward(const Tensor& x1, const Tensor& x2);
  std::string extra_repr() const override;

 private:
  int64_t dim_;
  double eps_;
};

class PairwiseDistance : public Module {
 public:
  explicit PairwiseDistance(double p = 2, double eps = 1e-6, bool keepdim = false)
      : Module("PairwiseDistance"), p_(p), eps_(eps), keepdim_(keepdim) {}
  Tensor forward(const Tensor& x1, const Tensor& x2);
  std::string extra_repr() const override;

 private:
  double p_, eps_;
  bool keepdim_;
};

}  // namespace kiln::nn
