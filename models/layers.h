#pragma once

// Building blocks the reference models share.
#include "nn/attention.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/normalization.h"

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

// PyTorch's nn.TransformerEncoderLayer (batch first, ReLU): self-attention and a
// feed-forward block, each with a residual connection and LayerNorm after it (post-norm, as
// in the paper) or before it (pre-norm). Same parameter names.
class EncoderLayer : public nn::Module {
 public:
  EncoderLayer(int64_t d_model, int64_t heads, int64_t d_ff, double dropout, bool pre_norm);
  // x [N, S, D]; padding [N, S] bool (true = padding) or undefined.
  Tensor forward(const Tensor& x, const Tensor& padding);

  std::shared_ptr<nn::MultiheadAttention> self_attn;
  std::shared_ptr<nn::Linear> linear1, linear2;
  std::shared_ptr<nn::LayerNorm> norm1, norm2;
  std::shared_ptr<nn::Dropout> dropout, dropout1, dropout2;

 private:
  Tensor feed_forward(const Tensor& x);
  bool pre_norm_;
};

// PyTorch's nn.TransformerDecoderLayer (batch first, ReLU): causal self-attention, attention
// over the encoder's memory, feed-forward; post- or pre-norm.
class DecoderLayer : public nn::Module {
 public:
  DecoderLayer(int64_t d_model, int64_t heads, int64_t d_ff, double dropout, bool pre_norm);
  // x [N, T, D], memory [N, S, D]; padding masks [N, T] / [N, S] bool or undefined.
  Tensor forward(const Tensor& x, const Tensor& memory, const Tensor& padding,
                 const Tensor& memory_padding);

  std::shared_ptr<nn::MultiheadAttention> self_attn, multihead_attn;
  std::shared_ptr<nn::Linear> linear1, linear2;
  std::shared_ptr<nn::LayerNorm> norm1, norm2, norm3;
  std::shared_ptr<nn::Dropout> dropout, dropout1, dropout2, dropout3;

 private:
  Tensor feed_forward(const Tensor& x);
  bool pre_norm_;
};

}  // namespace kiln::models
