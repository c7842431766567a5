#pragma once

// Building blocks the reference models share.
#include "nn/containers.h"

namespace kiln::models {

// A bias-free projection onto the rows of a weight owned elsewhere (an embedding tied to the
// output layer, Press & Wolf 2017): logits = x weight^T. The weight is registered here too,
// so state dicts list it under both names, as PyTorch's do.
class TiedLinear : public nn::UnaryModule {
 public:
  explicit TiedLinear(const Tensor& weight);
  Tensor forward(const Tensor& input) override;

  Tensor weight;
};

// The sinusoidal position encodings of Vaswani et al. 2017, section 3.5:
// PE(pos, 2i) = sin(pos / 10000^(2i / d)), PE(pos, 2i + 1) = cos(pos / 10000^(2i / d)).
Tensor sinusoidal_positions(int64_t length, int64_t dim);

}  // namespace kiln::models
