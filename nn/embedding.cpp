#include "nn/embedding.h"

#include "nn/functional.h"
#include "nn/init.h"
#include "tensor/creation.h"

namespace kiln::nn {

Embedding::Embedding(int64_t num_embeddings, int64_t dim, std::optional<int64_t> padding_idx)
    : UnaryModule("Embedding") {
  if (padding_idx && *padding_idx < 0) padding_idx = *padding_idx + num_embeddings;
  KILN_CHECK(!padding_idx || (*padding_idx >= 0 && *padding_idx < num_embeddings),
             "Embedding: padding_idx ", *padding_idx, " is out of range for ", num_embeddings,
             " embeddings");
  padding_idx_ = padding_idx;
  weight = register_parameter("weight", init::normal_(empty({num_embeddings, dim})));
  if (padding_idx_) init::zeros_(weight.detach().select(0, *padding_idx_));
}

Tensor Embedding::forward(const Tensor& indices) {
  return functional::embedding(weight, indices, padding_idx_);
}

std::string Embedding::extra_repr() const {
  std::string out = std::to_string(weight.size(0)) + ", " + std::to_string(weight.size(1));
  if (padding_idx_) out += ", padding_idx=" + std::to_string(*padding_idx_);
  return out;
}

}  // namespace kiln::nn
