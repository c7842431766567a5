#pragma once

#include <optional>

#include "nn/containers.h"

namespace kiln::nn {

// A lookup table of num_embeddings rows of size dim, drawn from N(0, 1). The row at
// padding_idx starts at zero and gets no gradient.
class Embedding : public UnaryModule {
 public:
  Embedding(int64_t num_embeddings, int64_t dim, std::optional<int64_t> padding_idx = std::nullopt);
  // indices: int64 of any shape; returns indices.shape + [dim].
  Tensor forward(const Tensor& indices) override;
  std::string extra_repr() const override;

  Tensor weight;  // [num_embeddings, dim]

 private:
  std::optional<int64_t> padding_idx_;
};

}  // namespace kiln::nn
